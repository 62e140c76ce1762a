"""Fixtures of the backup and restore tests (names start with ``backup_``), and
``Site``: a portal of its own driven through manage.py."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connections
from moto.server import ThreadedMotoServer

from cases.services import evidence_delete, evidence_upload
from portal.backup import database, files
from portal.roles import QUALITY_OFFICER
from tests.factories import ClientFactory, UserFactory

#: The object store of the S3 tests: moto's standalone server on 127.0.0.1.
S3_REGION = "eu-west-1"
S3_KEYS = {"aws_access_key_id": "portal-test", "aws_secret_access_key": "geheim"}

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


ROOT = Path(__file__).resolve().parents[2]


class Site:
    """One portal of its own: a data folder and a database, driven through
    manage.py as an operator would."""

    def __init__(self, folder: Path, database_url: str | None = None):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.db = folder / "portal.sqlite3"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PORTAL_", "DJANGO_", "DATABASE_URL"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
            DJANGO_DEBUG="false",
            DJANGO_ALLOWED_HOSTS="testserver,localhost",
            PORTAL_DATA_DIR=str(folder),
            DATABASE_URL=database_url or f"sqlite:///{self.db}",
        )

    def run(self, *args, check=True, **env) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(f"manage.py {args[0]}: {result.stdout}\n{result.stderr}")
        return result

    def script(self, code: str, **env) -> dict:
        out = self.run("shell", "-c", code, **env).stdout
        [line] = [x for x in out.splitlines() if x.startswith("RESULT ")]
        return json.loads(line.removeprefix("RESULT "))

    def wipe(self) -> None:
        self.run("flush", "--noinput")
        for folder in ("evidence", "media"):
            shutil.rmtree(self.folder / folder, ignore_errors=True)


@pytest.fixture(scope="module")
def backup_template(tmp_path_factory, django_db_setup, django_db_blocker) -> Path:
    """A migrated, empty SQLite database file: a copy of pytest-django's freshly
    migrated test database when that is SQLite, else made with `migrate`."""
    path = tmp_path_factory.mktemp("template") / "portal.sqlite3"
    with django_db_blocker.unblock():
        connection = connections["default"]
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM wagtailcore_page")
                pristine = cursor.fetchone()[0] > 0
            if pristine:
                target = sqlite3.connect(path)
                connection.connection.backup(target)
                target.close()
                return path
    site = Site(path.parent / "site")
    site.run("migrate", "--noinput", "-v", "0")
    shutil.copyfile(site.db, path)
    return path


@pytest.fixture
def backup_site(backup_template, tmp_path):
    def make(name: str = "portaal", *, migrated: bool = True) -> Site:
        site = Site(tmp_path / name)
        if migrated:
            shutil.copyfile(backup_template, site.db)
        return site

    return make


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 API on 127.0.0.1 (moto's server), one for the whole run."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
