"""manage.py restore (issue 14, items 2-3): a round trip gives back the same rows,
files and pages; a damaged archive or a non-empty portal is refused with nothing
changed.

The round trips run ``manage.py`` in subprocesses against a portal of their own (a
SQLite file or a PostgreSQL database, a data folder in tmp), as an operator would:
the test database of pytest-django lives in memory and cannot be replaced."""

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from portal.backup import crypto
from portal.backup.archive import NAME_PATTERN

from .conftest import BACKUP_REPORT, Site

PG = "postgres://postgres@127.0.0.1:5432"

DATA = f"""
import json
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from cases.services import evidence_delete, evidence_upload
from portal.roles import QUALITY_OFFICER
from tests.factories import ClientFactory, UserFactory
officer = UserFactory(username="kwaliteit_bk", roles=[QUALITY_OFFICER])
client = ClientFactory(name="Zorggroep Back-up")
ev = evidence_upload(client=client, by=officer,
    uploaded_file=ContentFile({BACKUP_REPORT!r}, name="auditverslag.txt"))
gone = evidence_upload(client=client, by=officer,
    uploaded_file=ContentFile(b"weg ermee\\n", name="kladje.txt"))
evidence_delete(evidence=gone, by=officer, reason="Dubbel.")
storages["default"].save("documents/bijlage.txt", ContentFile(b"bijlage\\n"))
print("RESULT " + json.dumps({{"BK_CLIENT": str(client.pk), "BK_UUID": str(ev.uuid)}}))
"""

STATE = """
import hashlib, json
from portal.backup import database, files
counts, migrations, evidence = database.live_state()
def tree(storage):
    out = {}
    for name in files.walk(storage):
        with storage.open(name, "rb") as fh:
            out[name] = hashlib.sha256(fh.read()).hexdigest()
    return out
print("RESULT " + json.dumps({
    "counts": counts, "migrations": migrations,
    "rows": [[e.pk, e.name, e.sha256, e.deleted] for e in evidence],
    "evidence": tree(files.evidence_storage()), "media": tree(files.media_storage()),
}))
"""

VIEW = """
import hashlib, json, os
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
user = get_user_model().objects.get(username="kwaliteit_bk")
browser = Client()
browser.force_login(user)
page = browser.get(reverse("cases:dossier", args=[os.environ["BK_CLIENT"]]))
download = browser.get(reverse("cases:evidence_download", args=[os.environ["BK_UUID"]]))
body = b"".join(download.streaming_content) if download.status_code == 200 else b""
text = page.content.decode()
print("RESULT " + json.dumps({
    "page": page.status_code, "client": "Zorggroep Back-up" in text,
    "file": "auditverslag.txt" in text, "download": download.status_code,
    "sha256": hashlib.sha256(body).hexdigest(),
}))
"""

DURING = """
import json, os, threading, time
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from cases.models import Client
from cases.services import evidence_upload
officer = get_user_model().objects.get(username="kwaliteit_bk")
client = Client.objects.get()
stop, done, errors = threading.Event(), [], []
def upload():
    i = 0
    try:
        while not stop.is_set():
            i += 1
            body = (f"regel {i}\\n" * 20000).encode()
            try:
                evidence_upload(client=client, by=officer,
                    uploaded_file=ContentFile(body, name=f"tijdens{i}.txt"))
                done.append(time.monotonic())
            except Exception as err:
                errors.append(repr(err))
    finally:
        connection.close()
from portal.backup import files
copy = files.spool
def spool_after_an_upload(*args, **kwargs):
    # The race that matters: files written after the database snapshot.
    seen = len(done)
    for _ in range(600):
        if len(done) > seen:
            break
        time.sleep(0.1)
    return copy(*args, **kwargs)
files.spool = spool_after_an_upload
thread = threading.Thread(target=upload)
thread.start()
time.sleep(1)
start = time.monotonic()
try:
    call_command("backup", output=os.environ["BK_OUT"])
    code = 0
except SystemExit as exit:
    code = exit.code
end = time.monotonic()
time.sleep(0.5)
stop.set()
thread.join()
print("RESULT " + json.dumps({"code": code, "uploaded": len(done),
    "during": sum(start <= t <= end for t in done), "errors": errors[:3]}))
"""


def _only_archive(folder: Path) -> Path:
    [archive] = [p for p in folder.iterdir() if NAME_PATTERN.match(p.name)]
    return archive


def _round_trip(site: Site, tmp_path: Path, **env) -> None:
    ids = site.script(DATA)
    seen = site.script(VIEW, **ids)  # writes a session and audit-log rows
    before = site.script(STATE)
    assert seen == {
        "page": 200,
        "client": True,
        "file": True,
        "download": 200,
        "sha256": hashlib.sha256(BACKUP_REPORT).hexdigest(),
    }
    out = tmp_path / "backups"
    assert "Back-up voltooid." in site.run("backup", "--output", str(out), **env).stdout
    archive = _only_archive(out)

    site.wipe()
    wiped = site.script(STATE)
    assert (wiped["evidence"], wiped["media"], wiped["rows"]) == ({}, {}, [])

    restored = site.run("restore", str(archive), **env)

    assert "Herstel voltooid en gecontroleerd" in restored.stdout, restored.stderr
    assert site.script(STATE) == before
    assert site.script(VIEW, **ids) == seen


# Marked for the database only so that pytest-django runs them before the tests
# that flush it: the template is a copy of the freshly migrated test database.
subprocess_round_trip = pytest.mark.django_db


@subprocess_round_trip
def test_backup_wipe_restore_gives_back_rows_files_and_the_dossier_sqlite(
    backup_site, tmp_path
):
    _round_trip(backup_site(), tmp_path, PORTAL_BACKUP_KEY=crypto.new_key())


@pytest.fixture
def backup_pg_database():
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore staan niet op PATH (postgresql-client)")
    name = f"portal_bk_{uuid.uuid4().hex[:12]}"
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc"]
    created = subprocess.run(
        [*psql, f"CREATE DATABASE {name}"], capture_output=True, check=False
    )
    if created.returncode != 0:
        pytest.skip(f"geen PostgreSQL op 127.0.0.1:5432: {created.stderr!r}")
    yield f"{PG}/{name}"
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


@subprocess_round_trip
def test_backup_wipe_restore_gives_back_rows_files_and_the_dossier_postgresql(
    backup_pg_database, tmp_path
):
    site = Site(tmp_path / "portaal", database_url=backup_pg_database)
    site.run("migrate", "--noinput", "-v", "0")
    _round_trip(site, tmp_path)


@subprocess_round_trip
def test_a_backup_taken_while_uploads_happen_is_consistent_and_restores(
    backup_site, tmp_path
):
    site = backup_site()
    site.script(DATA)
    out = tmp_path / "backups"

    result = site.script(DURING, BK_OUT=str(out))

    assert result["code"] == 0, result
    assert result["during"] >= 1, result  # uploads really overlapped the backup
    archive = _only_archive(out)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        members = set(tar.getnames())
    live_rows = manifest["row_counts"]["cases.evidencefile"] - 1  # one tombstone
    assert len(manifest["evidence"]) == live_rows
    for entry in manifest["evidence"]:
        reported = any(entry["name"] in problem for problem in manifest["problems"])
        assert reported or (
            entry["member"] in members
            and manifest["files"][entry["member"]]["sha256"] == entry["sha256"]
        )
    verified = site.run("backup", "--verify", str(archive))
    assert "Het archief is in orde." in verified.stdout
    elsewhere = backup_site("elders", migrated=False)
    restored = elsewhere.run("restore", str(archive))
    assert "Herstel voltooid en gecontroleerd" in restored.stdout


# Refusals: in this process, against the test database, with --force so that a
# restore that got through would overwrite everything.


def _backup(folder: Path) -> Path:
    call_command("backup", output=str(folder), stdout=io.StringIO())
    return _only_archive(folder)


def _refused(archive: Path, state, *, match: str, force: bool = True) -> None:
    before = state()
    with pytest.raises(CommandError, match=match):
        call_command(
            "restore",
            str(archive),
            force=force,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert state() == before


def _rewrite(archive: Path, change) -> None:
    """Rebuild the archive with ``change(members)`` applied and a manifest.sha256
    that fits the (changed) manifest: a consistent, wrong archive."""
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(members["manifest.json"])
    change(members, manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    members["manifest.sha256"] = hashlib.sha256(members["manifest.json"]).hexdigest()
    members["manifest.sha256"] = members["manifest.sha256"].encode()
    with tarfile.open(archive, "w") as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))


def test_one_changed_byte_in_a_member_is_refused_naming_the_member(
    backup_dossier, backup_dir, backup_state
):
    archive = _backup(backup_dir)
    raw = bytearray(archive.read_bytes())
    # The last copy of the text: the evidence member (the database holds its text).
    raw[raw.rindex(BACKUP_REPORT[:40]) + 3] ^= 0x20
    archive.write_bytes(raw)
    name = backup_dossier["evidence"].file.name

    _refused(archive, backup_state, match=rf"'evidence/{name}' .* verwacht SHA-256")


def test_a_truncated_archive_is_refused(backup_dossier, backup_dir, backup_state):
    archive = _backup(backup_dir)
    raw = archive.read_bytes()
    archive.write_bytes(raw[: len(raw) // 2])

    _refused(archive, backup_state, match="beschadigd of afgebroken|onvolledig")


def test_a_manifest_with_a_wrong_hash_is_refused(
    backup_dossier, backup_dir, backup_state
):
    archive = _backup(backup_dir)
    member = f"evidence/{backup_dossier['evidence'].file.name}"

    def wrong(members, manifest):
        manifest["files"][member]["sha256"] = "0" * 64

    _rewrite(archive, wrong)
    _refused(archive, backup_state, match=f"'{member}' .* verwacht SHA-256 0000")


def test_a_missing_member_is_refused(backup_dossier, backup_dir, backup_state):
    archive = _backup(backup_dir)
    member = f"evidence/{backup_dossier['evidence'].file.name}"
    _rewrite(archive, lambda members, manifest: members.pop(member))

    _refused(archive, backup_state, match=f"mist '{member}'")


def test_a_changed_manifest_is_refused(backup_dossier, backup_dir, backup_state):
    archive = _backup(backup_dir)
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    raw = bytearray(archive.read_bytes())
    at = raw.index(members["manifest.json"][:200]) + 150
    raw[at] = ord("X") if raw[at] != ord("X") else ord("Y")
    archive.write_bytes(raw)

    _refused(archive, backup_state, match="Het manifest van .* is beschadigd")


def test_an_archive_of_newer_code_is_refused(backup_dossier, backup_dir, backup_state):
    archive = _backup(backup_dir)
    _rewrite(
        archive,
        lambda members, manifest: manifest["migrations"]["cases"].append("9999_later"),
    )

    _refused(archive, backup_state, match=r"nieuwere code .*cases\.9999_later")


def test_a_wrong_key_is_refused(backup_dossier, backup_dir, backup_state, monkeypatch):
    monkeypatch.setenv("PORTAL_BACKUP_KEY", crypto.new_key())
    archive = _backup(backup_dir)
    monkeypatch.setenv("PORTAL_BACKUP_KEY", crypto.new_key())

    _refused(archive, backup_state, match="De sleutel past niet bij dit archief")


def test_restore_into_a_portal_with_data_is_refused_without_force(
    backup_dossier, backup_dir, backup_state
):
    archive = _backup(backup_dir)

    _refused(archive, backup_state, match="Het portaal is niet leeg", force=False)
