"""The database half of a backup: one consistent snapshot, and its restore.

PostgreSQL: ``pg_dump --format=custom`` run inside an exported snapshot
(``pg_export_snapshot`` in a REPEATABLE READ transaction) so that the row counts,
the migration state and the list of evidence files in the manifest describe
exactly the rows in the dump, however busy the portal is. Restored with
``pg_restore --clean --if-exists --no-owner --no-acl --single-transaction``.

SQLite: Python's online backup API (``sqlite3.Connection.backup``) copies the
database in one step under a read lock, consistent while the portal writes; the
counts are read from that copy. Restored by copying the file into place.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connections, transaction

from cases.models import EvidenceFile

from .errors import BackupError

ALIAS = "default"
DUMP_MEMBERS = {
    "postgresql": "database/portal.pgdump",
    "sqlite": "database/portal.sqlite3",
}


@dataclass(frozen=True)
class EvidenceRow:
    pk: int
    name: str
    sha256: str
    size: int
    original_name: str
    deleted: bool


@dataclass
class Snapshot:
    vendor: str
    member: str
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    migrations: dict[str, list[str]] = field(default_factory=dict)
    evidence: list[EvidenceRow] = field(default_factory=list)


def vendor() -> str:
    name = connections[ALIAS].vendor
    if name not in DUMP_MEMBERS:
        raise BackupError(
            f"Back-ups kunnen alleen van PostgreSQL of SQLite worden gemaakt, niet "
            f"van {name}."
        )
    return name


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def counted_models() -> dict[str, str]:
    """label -> table of every concrete model whose rows the manifest counts."""
    tables: dict[str, str] = {}
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        tables[meta.label_lower] = meta.db_table
    return dict(sorted(tables.items()))


def read_state(cursor, existing_tables: set[str]) -> tuple[dict, dict, list]:
    """Row counts, applied migrations and evidence rows, through a DB-API cursor
    (Django's or sqlite3's) that sees the snapshot."""
    counts = {}
    for label, table in counted_models().items():
        if table in existing_tables:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
            counts[label] = int(cursor.fetchone()[0])
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in existing_tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    evidence = []
    meta = EvidenceFile._meta
    if meta.db_table in existing_tables:
        columns = ", ".join(
            _quote(meta.get_field(f).column)
            for f in ("id", "file", "sha256", "size", "original_name", "deleted_at")
        )
        cursor.execute(
            f"SELECT {columns} FROM {_quote(meta.db_table)} ORDER BY 1"  # noqa: S608
        )
        evidence = [
            EvidenceRow(
                pk=row[0],
                name=row[1] or "",
                sha256=row[2],
                size=int(row[3]),
                original_name=row[4],
                deleted=row[5] is not None,
            )
            for row in cursor.fetchall()
        ]
    return counts, migrations, evidence


def live_state() -> tuple[dict, dict, list]:
    """The same figures from the live database (checks after a restore)."""
    connection = connections[ALIAS]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        return read_state(cursor, existing)


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGCONNECT_TIMEOUT": options.get("connect_timeout"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is niet gevonden. Installeer de PostgreSQL-programma's "
            "(apt-get install postgresql-client) in de hoofdversie van de server."
        )
    result = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{what} is mislukt ({command[0]} eindigde met code "
            f"{result.returncode}): {result.stderr.strip()[-2000:]}"
        )


@contextmanager
def snapshot(work_dir: Path) -> Iterator[Snapshot]:
    """Dump the database into ``work_dir`` and read its figures from the same
    snapshot."""
    kind = vendor()
    path = Path(work_dir) / Path(DUMP_MEMBERS[kind]).name
    if kind == "postgresql":
        yield _pg_snapshot(path)
    else:
        yield _sqlite_snapshot(path)


def _pg_snapshot(path: Path) -> Snapshot:
    connection = connections[ALIAS]
    env = _pg_env(connection.settings_dict)
    command = ["pg_dump", "--format=custom", f"--file={path}"]
    if connection.in_atomic_block:
        # Only inside a caller's transaction (tests): no snapshot of our own.
        _run(command, env, "De databasedump")
        counts, migrations, evidence = live_state()
    else:
        with transaction.atomic(using=ALIAS), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            exported = cursor.fetchone()[0]
            _run([*command, f"--snapshot={exported}"], env, "De databasedump")
            existing = set(connection.introspection.table_names(cursor))
            counts, migrations, evidence = read_state(cursor, existing)
    return Snapshot(
        "postgresql", DUMP_MEMBERS["postgresql"], path, counts, migrations, evidence
    )


def _sqlite_snapshot(path: Path) -> Snapshot:
    connection = connections[ALIAS]
    target = sqlite3.connect(path)
    try:
        if connection.is_in_memory_db():
            connection.ensure_connection()
            connection.connection.backup(target)
        else:
            source = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
            try:
                source.backup(target)  # all pages in one step: one consistent copy
            finally:
                source.close()
        cursor = target.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        existing = {row[0] for row in cursor.fetchall()}
        counts, migrations, evidence = read_state(cursor, existing)
    finally:
        target.close()
    return Snapshot(
        "sqlite", DUMP_MEMBERS["sqlite"], path, counts, migrations, evidence
    )


def database_exists() -> bool:
    """False for a SQLite file that is not there yet (opening it would create it)."""
    connection = connections[ALIAS]
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return Path(connection.settings_dict["NAME"]).exists()
    return True


def restore(dump: Path) -> None:
    """Put the dump in place of the current database. The archive has been
    verified before this is called."""
    connection = connections[ALIAS]
    if connection.vendor == "postgresql":
        _pg_restore(dump)
    else:
        _sqlite_restore(dump)
    connections.close_all()


def _pg_restore(dump: Path) -> None:
    connection = connections[ALIAS]
    # Tables of another migration state would survive --clean: drop them all first.
    with transaction.atomic(using=ALIAS), connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {_quote(table)} CASCADE")
    env = _pg_env(connection.settings_dict)
    connections.close_all()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env,
        "Het terugzetten van de database",
    )


def check_restorable() -> None:
    """Refuse, before anything is written, a database that cannot be replaced."""
    connection = connections[ALIAS]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        raise BackupError(
            "Een database in het werkgeheugen kan niet worden teruggezet; stel een "
            "databasebestand in (DATABASE_URL)."
        )
    if connection.vendor == "postgresql" and shutil.which("pg_restore") is None:
        raise BackupError(
            "pg_restore is niet gevonden. Installeer de PostgreSQL-programma's "
            "(apt-get install postgresql-client) in de hoofdversie van de server."
        )


def _sqlite_restore(dump: Path) -> None:
    connection = connections[ALIAS]
    check_restorable()
    target = Path(connection.settings_dict["NAME"])
    check = sqlite3.connect(dump)
    try:
        verdict = check.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        check.close()
    if verdict != "ok":
        raise BackupError(f"De SQLite-database in het archief is beschadigd: {verdict}")
    connections.close_all()
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restore")
    shutil.copyfile(dump, staged)
    with open(staged, "rb") as fh:
        os.fsync(fh.fileno())
    # A journal of the old database must not be replayed onto the new one.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)
