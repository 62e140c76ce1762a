"""Writing and reading a backup archive: one tar stream (optionally encrypted,
``crypto``), members in this order: the database dump, ``evidence/<name>``,
``media/<name>``, ``manifest.json``, ``manifest.sha256``.

The archive is written to a hidden ``.part`` name in the output folder and renamed
only when complete, so a file with the final name is always a whole archive.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from . import crypto, database, files, manifest
from .errors import BackupError

PREFIX = "kwaliteitsportaal-backup-"
NAME_PATTERN = re.compile(
    r"^kwaliteitsportaal-backup-(\d{8}-\d{6})(?:-(\d+))?\.tar(\.enc)?$"
)


class ArchiveWriter:
    """A tar stream into ``path``, hashing every member on the way."""

    def __init__(self, path: Path, key: bytes | None):
        # Closed in close() or abort(): the writer outlives this call.
        self._raw = open(path, "wb")  # noqa: SIM115
        self._crypt = crypto.EncryptingWriter(self._raw, key) if key else None
        self._tar = tarfile.open(  # noqa: SIM115
            fileobj=self._crypt or self._raw, mode="w|", format=tarfile.PAX_FORMAT
        )
        self.files: dict[str, dict] = {}

    def add(self, name: str, stream, size: int) -> str:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(time.time())
        reader = files.HashingReader(stream)
        self._tar.addfile(info, reader)
        if reader.size != size:
            raise BackupError(f"'{name}' veranderde tijdens het kopiëren.")
        digest = reader.hexdigest()
        self.files[name] = {"sha256": digest, "size": size}
        return digest

    def add_bytes(self, name: str, data: bytes) -> str:
        return self.add(name, io.BytesIO(data), len(data))

    def close(self) -> None:
        self._tar.close()
        if self._crypt:
            self._crypt.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()

    def abort(self) -> None:
        self._raw.close()


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    problems: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)


def _final_path(output: Path, encrypted: bool) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = ".tar.enc" if encrypted else ".tar"
    path = output / f"{PREFIX}{stamp}{suffix}"
    n = 1
    while path.exists():
        n += 1
        path = output / f"{PREFIX}{stamp}-{n}{suffix}"
    return path


def create_backup(output: Path, *, key: bytes | None, progress) -> BackupResult:
    """Write one archive of the database, the evidence and the media into
    ``output`` (already checked and created)."""
    final = _final_path(output, key is not None)
    partial = output / f".{final.name}.part"
    with tempfile.TemporaryDirectory(prefix=".backup-work-", dir=output) as work:
        progress.step("Database vastleggen (één consistente momentopname)")
        with database.snapshot(Path(work)) as snap:
            writer = ArchiveWriter(partial, key)
            try:
                result = _write_members(writer, snap, work, progress)
                writer.close()
            except BaseException:
                writer.abort()
                partial.unlink(missing_ok=True)
                raise
    os.replace(partial, final)
    result.path = final
    return result


def _write_members(writer: ArchiveWriter, snap, work, progress) -> BackupResult:
    with open(snap.path, "rb") as fh:
        writer.add(snap.member, fh, snap.path.stat().st_size)
    total = sum(snap.counts.values())
    progress.note(f"{len(snap.counts)} tabellen, {total} rijen")

    progress.step("Bewijsstukken kopiëren (SHA-256 vergeleken met de upload)")
    evidence_entries, problems = [], []
    live = [row for row in snap.evidence if not row.deleted and row.name]
    storage = files.evidence_storage()
    progress.start("Bewijsstukken", len(live))
    for row in live:
        entry, problem = _copy_evidence(writer, storage, row, work)
        evidence_entries.append(entry)
        if problem:
            problems.append(problem)
        progress.advance()
    progress.finish()
    referenced = {row.name for row in snap.evidence if row.name}
    orphans = [name for name in files.walk(storage) if name not in referenced]
    if orphans:
        progress.note(
            f"{len(orphans)} bestand(en) in de bewijsopslag zonder rij in de "
            "momentopname (een upload tijdens de back-up, of een los bestand); "
            "niet opgenomen."
        )

    progress.step("Mediabestanden kopiëren")
    media = files.media_storage()
    names = list(files.walk(media))
    progress.start("Mediabestanden", len(names))
    for name in names:
        if not files.safe_name(name):
            problems.append(f"Mediabestand '{name}' heeft een ongeldige naam.")
            continue
        try:
            copy, size = files.spool(media, name, work)
        except FileNotFoundError:
            continue  # removed since it was listed: not part of this backup
        with copy:
            writer.add(f"media/{name}", copy, size)
        progress.advance()
    progress.finish()

    progress.step("Manifest schrijven")
    data = manifest.build(
        snapshot=snap,
        files=dict(writer.files),
        evidence=evidence_entries,
        problems=problems,
    )
    raw = manifest.dumps(data)
    writer.add_bytes(manifest.MANIFEST, raw)
    writer.add_bytes(
        manifest.MANIFEST_SUM, hashlib.sha256(raw).hexdigest().encode() + b"\n"
    )
    return BackupResult(Path(), data, problems, orphans)


def _copy_evidence(writer, storage, row, work) -> tuple[dict, str | None]:
    member = f"evidence/{row.name}"
    entry = {
        "id": row.pk,
        "name": row.name,
        "original_name": row.original_name,
        "sha256": row.sha256,
        "size": row.size,
        "member": member,
        "status": "ok",
    }
    where = f"bewijsstuk {row.pk} '{row.original_name}' (opgeslagen als {row.name})"
    if not files.safe_name(row.name):
        entry.update(status="invalid_name", member=None)
        return entry, f"ONGELDIGE NAAM: {where}; niet opgenomen."
    try:
        copy, size = files.spool(storage, row.name, work)
    except FileNotFoundError:
        entry.update(status="missing", member=None)
        return entry, f"ONTBREEKT: {where}; verwacht SHA-256 {row.sha256}."
    except Exception as err:  # an object store that fails: report, go on
        entry.update(status="unreadable", member=None)
        return entry, f"ONLEESBAAR: {where}; {err}."
    with copy:
        digest = writer.add(member, copy, size)
    if digest != row.sha256:
        entry.update(status="altered", found_sha256=digest)
        return entry, (
            f"GEWIJZIGD: {where}; verwacht SHA-256 {row.sha256}, gevonden {digest}."
        )
    return entry, None
