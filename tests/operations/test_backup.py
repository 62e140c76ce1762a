"""manage.py backup (issue 14, item 1): one dated archive with a manifest that
matches the database and the hashes recorded at upload."""

import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from cases.models import EvidenceFile
from portal.backup import crypto, reader
from portal.backup.archive import NAME_PATTERN
from portal.backup.errors import BackupError
from portal.backup.progress import Progress

from .conftest import BACKUP_REPORT


def _backup(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("backup", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def _archives(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if NAME_PATTERN.match(p.name))


def _manifest(path: Path) -> dict:
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile("manifest.json"))


def test_backup_writes_one_dated_archive_with_a_complete_manifest(
    backup_dossier, backup_dir
):
    out, _err = _backup(output=str(backup_dir))

    [archive] = _archives(backup_dir)
    assert archive.suffix == ".tar"
    assert sorted(p.name for p in backup_dir.iterdir()) == [archive.name]  # no .part
    assert "Back-up voltooid." in out
    data = _manifest(archive)
    assert data["app"]["version"]
    assert "cases" in data["migrations"]
    assert "0001_initial" in data["migrations"]["cases"]
    assert data["row_counts"]["cases.client"] == 1
    assert data["row_counts"]["cases.evidencefile"] == 2
    assert data["row_counts"]["portal.user"] >= 1
    ev = backup_dossier["evidence"]
    [entry] = data["evidence"]  # the deleted file has no bytes to keep
    assert entry["sha256"] == ev.sha256 == hashlib.sha256(BACKUP_REPORT).hexdigest()
    assert entry["status"] == "ok"
    member = f"evidence/{ev.file.name}"
    assert data["files"][member] == {"sha256": ev.sha256, "size": ev.size}
    assert "media/documents/bijlage.txt" in data["files"]
    assert data["problems"] == []
    with tarfile.open(archive) as tar:
        assert tar.extractfile(member).read() == BACKUP_REPORT
        assert tar.getnames()[0] == data["database"]["member"]
        assert tar.getnames()[-2:] == ["manifest.json", "manifest.sha256"]
        for name, facts in data["files"].items():
            body = tar.extractfile(name).read()
            assert hashlib.sha256(body).hexdigest() == facts["sha256"]
            assert len(body) == facts["size"]


def test_backup_verify_checks_an_archive_without_restoring(backup_dossier, backup_dir):
    _backup(output=str(backup_dir))
    [archive] = _archives(backup_dir)

    out, _err = _backup(verify=str(archive))

    assert "Het archief is in orde." in out
    assert "bestand(en) gecontroleerd" in out


def test_an_altered_evidence_file_is_reported_by_name_and_exits_non_zero(
    backup_dossier, backup_dir
):
    ev = backup_dossier["evidence"]
    path = Path(storages["evidence"].path(ev.file.name))
    path.write_bytes(b"stiekem veranderd")

    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("backup", output=str(backup_dir), stdout=io.StringIO(), stderr=err)

    assert exit_info.value.code == 1
    assert f"GEWIJZIGD: bewijsstuk {ev.pk} 'auditverslag.txt'" in err.getvalue()
    assert ev.file.name in err.getvalue()
    [archive] = _archives(backup_dir)  # the backup still completes
    data = _manifest(archive)
    assert data["evidence"][0]["status"] == "altered"
    assert data["problems"]


def test_a_missing_evidence_file_is_reported_and_exits_non_zero(
    backup_dossier, backup_dir
):
    ev = backup_dossier["evidence"]
    storages["evidence"].delete(ev.file.name)

    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("backup", output=str(backup_dir), stdout=io.StringIO(), stderr=err)

    assert f"ONTBREEKT: bewijsstuk {ev.pk}" in err.getvalue()
    [archive] = _archives(backup_dir)
    assert _manifest(archive)["evidence"][0]["status"] == "missing"


@pytest.mark.parametrize("inside", ["media", "evidence", "static"])
def test_an_output_folder_inside_served_or_live_files_is_refused(
    backup_dossier, tmp_path, inside
):
    root = {
        "media": Path(settings.MEDIA_ROOT),
        "evidence": Path(storages["evidence"].location),
        "static": Path(settings.STATIC_ROOT),
    }[inside]
    target = root / "backups-hier"
    before = sorted(root.rglob("*")) if root.exists() else []

    with pytest.raises(CommandError, match="Daar mag geen back-up staan"):
        _backup(output=str(target))

    assert not target.exists()
    assert (sorted(root.rglob("*")) if root.exists() else []) == before


def test_rotation_keeps_the_n_newest_archives_and_nothing_else_is_touched(
    backup_dossier, backup_dir
):
    old = [
        "kwaliteitsportaal-backup-20200101-020000.tar",
        "kwaliteitsportaal-backup-20210101-020000.tar.enc",
        "kwaliteitsportaal-backup-20220101-020000.tar",
        "kwaliteitsportaal-backup-20220101-020000-2.tar",
    ]
    others = ["notities.txt", "kwaliteitsportaal-backup-laatste.tar"]
    for name in old + others:
        (backup_dir / name).write_bytes(b"x")

    out, _err = _backup(output=str(backup_dir), keep=3)

    left = [p.name for p in _archives(backup_dir)]
    assert len(left) == 3
    assert {
        "kwaliteitsportaal-backup-20220101-020000.tar",
        "kwaliteitsportaal-backup-20220101-020000-2.tar",
    } < set(left)
    assert all((backup_dir / name).exists() for name in others)
    assert "Oude back-up verwijderd: kwaliteitsportaal-backup-20200101" in out


def test_two_backups_in_one_second_get_two_names(backup_dossier, backup_dir):
    _backup(output=str(backup_dir))
    _backup(output=str(backup_dir))
    assert len(_archives(backup_dir)) == 2


def test_new_key_prints_a_key_in_the_documented_format():
    out, _err = _backup(new_key=True)
    assert len(crypto.parse_key(out.strip())) == 32


def test_an_encrypted_backup_verifies_with_its_key_only(
    backup_dossier, backup_dir, monkeypatch
):
    monkeypatch.setenv("PORTAL_BACKUP_KEY", crypto.new_key())
    _backup(output=str(backup_dir))
    [archive] = _archives(backup_dir)
    assert archive.name.endswith(".tar.enc")
    assert BACKUP_REPORT[:40] not in archive.read_bytes()

    assert "Het archief is in orde." in _backup(verify=str(archive))[0]

    monkeypatch.setenv("PORTAL_BACKUP_KEY", crypto.new_key())
    with pytest.raises(CommandError, match="De sleutel past niet bij dit archief"):
        _backup(verify=str(archive))
    monkeypatch.delenv("PORTAL_BACKUP_KEY")
    with pytest.raises(CommandError, match=r"Het archief .* is versleuteld"):
        _backup(verify=str(archive))


def test_an_invalid_key_is_refused_with_a_dutch_message(monkeypatch, backup_dir):
    monkeypatch.setenv("PORTAL_BACKUP_KEY", "te-kort")
    with pytest.raises(CommandError, match="geen geldige sleutel"):
        _backup(output=str(backup_dir))
    assert list(backup_dir.iterdir()) == []


def test_encryption_streams_in_chunks_and_detects_truncation_and_tampering():
    key = crypto.parse_key(crypto.new_key())
    plain = os.urandom(10_000)
    raw = io.BytesIO()
    writer = crypto.EncryptingWriter(raw, key, chunk_size=1000)
    for i in range(0, len(plain), 777):
        writer.write(plain[i : i + 777])
    writer.close()
    sealed = raw.getvalue()

    assert crypto.DecryptingReader(io.BytesIO(sealed), key).read() == plain
    with pytest.raises(BackupError, match="afgebroken"):
        crypto.DecryptingReader(io.BytesIO(sealed[:-2000]), key).read()
    flipped = bytearray(sealed)
    flipped[5000] ^= 1
    with pytest.raises(BackupError, match="beschadigd"):
        crypto.DecryptingReader(io.BytesIO(bytes(flipped)), key).read()


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_under_cron():
    class Stream(io.StringIO):
        pass

    plain = Stream()
    progress = Progress(plain, tty=False, every=2)
    progress.step("Bewijsstukken kopiëren")
    progress.start("Bewijsstukken", 5)
    for _ in range(5):
        progress.advance()
    progress.finish()
    assert "\r" not in plain.getvalue()
    assert "Bewijsstukken: 4/5" in plain.getvalue()

    bar = Stream()
    progress = Progress(bar, tty=True)
    progress.start("Bewijsstukken", 3)
    for _ in range(3):
        progress.advance()
    progress.finish()
    assert "\r" in bar.getvalue()
    assert "3/3" in bar.getvalue()


def test_the_evidence_rows_in_the_manifest_are_the_rows_of_the_dump(
    backup_dossier, backup_dir
):
    _backup(output=str(backup_dir))
    [archive] = _archives(backup_dir)
    verified = reader.verify(archive, key=None)
    live = EvidenceFile.objects.filter(deleted_at__isnull=True)
    assert {e["id"] for e in verified.manifest["evidence"]} == set(
        live.values_list("pk", flat=True)
    )
