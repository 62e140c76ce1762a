"""Restoring an archive into an empty portal, and proving that it worked.

Order: verify the whole archive (nothing written yet); check that the code knows
every migration of the backup and that the database is of the same kind; check
that the target is empty (or ``--force``); then the database, the evidence and the
media; then the checks an accreditor asks for: row counts per model as in the
manifest, every evidence file's SHA-256 as at upload, migrations applied (run when
the code is newer), search index rebuilt.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from cases import kinds
from cases.models import Audit, Client, EvidenceFile
from cases.services import evidence_verify

from . import database, files, manifest, reader
from .errors import BackupError

_LABELS = {"evidence/": "Bewijsstukken", "media/": "Mediabestanden"}
_PROBLEM_WORDS = {
    "missing": "ONTBREEKT",
    "altered": "GEWIJZIGD",
    "unreadable": "ONLEESBAAR",
}


@dataclass
class RestoreReport:
    manifest: dict
    evidence_restored: int = 0
    media_restored: int = 0
    evidence_checked: int = 0
    migrations_run: int = 0
    index_rebuilt: bool = True
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _present_rows() -> dict[str, int]:
    """The rows that make a database "not empty": people, clients, audits,
    cases and evidence (a freshly migrated database has none of these)."""
    if not database.database_exists():
        return {}
    connection = connections[database.ALIAS]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    models = {
        "gebruiker(s)": get_user_model(),
        "klant(en)": Client,
        "onderzoek(en)": Audit,
        "bewijsstuk(ken)": EvidenceFile,
    }
    for kind in kinds.all_kinds():
        models[f"{kind.plural or kind.key}"] = kind.model
    return {
        label: count
        for label, model in models.items()
        if model._meta.db_table in tables and (count := model._default_manager.count())
    }


def target_contents() -> list[str]:
    """What a restore would overwrite, in words; empty when the target is empty."""
    found = [f"{count} {label}" for label, count in _present_rows().items()]
    evidence = files.count_files(files.evidence_storage())
    media = files.count_files(files.media_storage())
    if evidence:
        found.append(f"{evidence} bestand(en) in de bewijsopslag")
    if media:
        found.append(f"{media} mediabestand(en)")
    return found


def check_compatible(data: dict) -> None:
    vendor = database.vendor()
    if data["database"]["vendor"] != vendor:
        raise BackupError(
            f"Deze back-up is van een {data['database']['vendor']}-database; het "
            f"portaal is ingesteld op {vendor}. Zet DATABASE_URL goed en probeer "
            "het opnieuw."
        )
    unknown = manifest.unknown_migrations(data)
    if unknown:
        raise BackupError(
            "De back-up is gemaakt met nieuwere code dan deze: de migratie(s) "
            + ", ".join(unknown[:5])
            + (" en meer" if len(unknown) > 5 else "")
            + f" ontbreken hier. Installeer eerst versie {data['app'].get('version')}"
            + (
                f" (commit {data['app']['git_commit'][:12]})"
                if data["app"].get("git_commit")
                else ""
            )
            + "."
        )


def restore(path: Path, *, key: bytes | None, force: bool, out, progress):
    """Restore ``path`` into this portal; returns a RestoreReport. Raises a
    BackupError (nothing written) when the archive or the target is refused."""
    verified = reader.verify(path, key=key, progress=progress)
    data = verified.manifest
    check_compatible(data)
    present = target_contents()
    if present and not force:
        raise BackupError(
            "Het portaal is niet leeg: " + ", ".join(present) + ". Een herstel "
            "overschrijft dat. Herstel in een lege database en lege datamappen, of "
            "geef --force als u dit zeker wilt overschrijven."
        )
    database.check_restorable()
    if present:
        out(
            "LET OP: --force gegeven. Het volgende wordt overschreven en is daarna "
            "weg: " + ", ".join(present) + ". De database wordt vervangen door die "
            "uit de back-up; bestaande bewijsstukken en mediabestanden worden "
            "verwijderd."
        )
    report = RestoreReport(manifest=data)
    if present:
        files.delete_all(files.evidence_storage())
        files.delete_all(files.media_storage())
    _write(verified, key, report, progress)
    _check(report, progress)
    return report


def _write(verified, key, report: RestoreReport, progress) -> None:
    data = verified.manifest
    listed = data["files"]
    evidence_storage, media_storage = files.evidence_storage(), files.media_storage()
    progress.step("Database terugzetten")
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        counts = {"evidence/": 0, "media/": 0}
        totals = {
            root: sum(1 for name in listed if name.startswith(root)) for root in counts
        }
        current = None
        for name, stream, size in reader.members(verified.path, key):
            if name in (manifest.MANIFEST, manifest.MANIFEST_SUM):
                continue
            hashing = files.HashingReader(stream)
            if name == data["database"]["member"]:
                dump = Path(work) / Path(name).name
                with open(dump, "wb") as fh:
                    while chunk := hashing.read(reader.READ_CHUNK):
                        fh.write(chunk)
                _same(name, hashing, listed)
                database.restore(dump)
                dump.unlink()
                report.notes.append(_count_check(data, report))
                continue
            root = "evidence/" if name.startswith("evidence/") else "media/"
            if root != current:
                if current:
                    progress.finish()
                current = root
                progress.step(
                    "Bewijsstukken terugzetten"
                    if root == "evidence/"
                    else "Mediabestanden terugzetten"
                )
                progress.start(_LABELS[root], totals[root])
            storage = evidence_storage if root == "evidence/" else media_storage
            files.save_exact(storage, name[len(root) :], hashing, size)
            _same(name, hashing, listed)
            counts[root] += 1
            progress.advance()
        if current:
            progress.finish()
    report.evidence_restored = counts["evidence/"]
    report.media_restored = counts["media/"]


def _same(name: str, hashing, listed: dict) -> None:
    # The archive was verified a moment ago; a difference now means the file
    # changed on disk between the two readings.
    if hashing.hexdigest() != listed[name]["sha256"]:
        raise BackupError(
            f"'{name}' veranderde tijdens het terugzetten (SHA-256 verwacht "
            f"{listed[name]['sha256']}, gevonden {hashing.hexdigest()}). Het "
            "herstel is onvolledig; herhaal het met --force."
        )


def _count_check(data: dict, report: RestoreReport) -> str:
    """Row counts straight after the database is back (before any migration,
    which may add rows of its own)."""
    counts, _migrations, _evidence = database.live_state()
    expected = data["row_counts"]
    for label, count in sorted(expected.items()):
        if label in counts and counts[label] != count:
            report.problems.append(
                f"RIJEN: {label} heeft {counts[label]} rij(en), het manifest "
                f"noemt {count}."
            )
        elif label not in counts:
            report.notes.append(f"{label} bestaat niet (meer) in deze code.")
    return (
        f"Database: {len(expected)} tabellen, {sum(expected.values())} rijen "
        "volgens het manifest."
    )


def _check(report: RestoreReport, progress) -> None:
    progress.step("Bewijsstukken controleren (SHA-256 zoals bij de upload)")
    checked, problems = evidence_verify()
    report.evidence_checked = checked
    for problem in problems:
        ev = problem.evidence
        what = _PROBLEM_WORDS.get(problem.problem, problem.problem.upper())
        report.problems.append(
            f"{what}: bewijsstuk {ev.pk} '{ev.original_name}', opgeslagen als "
            f"{ev.file.name or '-'}; verwacht {ev.sha256}"
            + (f", gevonden {problem.actual_sha256}" if problem.actual_sha256 else "")
        )
    expected = sum(1 for e in report.manifest["evidence"] if e.get("member"))
    if checked != len(report.manifest["evidence"]):
        report.problems.append(
            f"BEWIJSSTUKKEN: {checked} gecontroleerd, het manifest noemt er "
            f"{len(report.manifest['evidence'])}."
        )
    if report.evidence_restored != expected:
        report.problems.append(
            f"BEWIJSSTUKKEN: {report.evidence_restored} teruggezet, het archief "
            f"bevat er {expected}."
        )

    progress.step("Migraties controleren")
    connection = connections[database.ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
        report.migrations_run = len(plan)

    progress.step("Zoekindex opnieuw opbouwen")
    try:
        call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())
    except Exception as err:  # the data is back; say what is left to do
        report.problems.append(
            f"ZOEKINDEX: opnieuw opbouwen mislukt ({err}); voer "
            "'manage.py update_index' uit."
        )
        report.index_rebuilt = False
