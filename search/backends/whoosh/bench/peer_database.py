"""A PostgreSQL database of its own for the benchmark's production peer:
created on the server ``--peer-database`` names and always dropped after."""

from __future__ import annotations

import contextlib
import os
import time
from urllib.parse import urlsplit, urlunsplit

from django.core.management.base import CommandError


@contextlib.contextmanager
def temporary(url: str, stdout):
    """Yield the URL of a new, empty database beside the one ``url`` names."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise CommandError(
            "--peer-database verwacht een PostgreSQL-adres, zoals "
            "postgres://postgres@127.0.0.1:5432/postgres"
        )
    name = f"portal_bench_peer_{os.getpid()}_{int(time.time())}"
    try:
        admin = psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise CommandError(f"Geen verbinding met {parts.hostname}: {exc}") from exc
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        stdout.write(f"Tijdelijke database {name} aangemaakt")
        try:
            yield urlunsplit(parts._replace(path=f"/{name}"))
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
            stdout.write(f"Tijdelijke database {name} verwijderd")
