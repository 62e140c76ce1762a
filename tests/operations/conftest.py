"""Fixtures of the backup and restore tests (names start with ``backup_``)."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from cases.services import evidence_delete, evidence_upload
from portal.backup import database, files
from portal.roles import QUALITY_OFFICER
from tests.factories import ClientFactory, UserFactory

BACKUP_REPORT = b"Auditverslag 2026\nAlle eisen aantoonbaar.\n" * 50


@pytest.fixture
def backup_dossier(transactional_db):
    """A dossier with two evidence files (one of them deleted later, a tombstone),
    and one media file; committed, so that the backup's snapshot sees it."""
    officer = UserFactory(roles=[QUALITY_OFFICER])
    client = ClientFactory(name="Zorggroep Back-up")
    kept = evidence_upload(
        client=client,
        uploaded_file=ContentFile(BACKUP_REPORT, name="auditverslag.txt"),
        by=officer,
    )
    gone = evidence_upload(
        client=client,
        uploaded_file=ContentFile(b"weg ermee\n", name="kladje.txt"),
        by=officer,
    )
    evidence_delete(evidence=gone, by=officer, reason="Dubbel geupload.")
    storages["default"].save("documents/bijlage.txt", ContentFile(b"bijlage\n"))
    return {"officer": officer, "client": client, "evidence": kept}


def _tree(storage) -> dict[str, str]:
    hashed = {}
    for name in files.walk(storage):
        with storage.open(name, "rb") as fh:
            hashed[name] = hashlib.sha256(fh.read()).hexdigest()
    return hashed


@pytest.fixture
def backup_state():
    """What a refused restore must leave alone: row counts and every file."""

    def state() -> dict:
        counts, migrations, evidence = database.live_state()
        return {
            "counts": counts,
            "migrations": migrations,
            "evidence_rows": evidence,
            "evidence_files": _tree(files.evidence_storage()),
            "media_files": _tree(files.media_storage()),
        }

    return state


@pytest.fixture
def backup_dir(tmp_path) -> Path:
    path = tmp_path / "backups"
    path.mkdir()
    return path
