"""The manifest (``manifest.json``): what an archive holds and what it must match.

It names the portal's version and commit, the database's migration state and row
count per model (read from the same snapshot as the dump), every evidence file the
database refers to with the SHA-256 recorded at upload, and the SHA-256 and size
of every other member of the archive. ``manifest.sha256`` follows it, so a change
to the manifest itself is recognised as such.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from importlib import metadata

from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from .errors import BackupError

FORMAT = "kwaliteitsportaal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def app_version() -> str:
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as fh:
            return tomllib.load(fh)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        try:
            return metadata.version("kwaliteitsportaal")
        except metadata.PackageNotFoundError:
            return "onbekend"


def git_commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None


def build(*, snapshot, files: dict, evidence: list, problems: list) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "app": {"version": app_version(), "git_commit": git_commit()},
        "database": {"vendor": snapshot.vendor, "member": snapshot.member},
        "migrations": snapshot.migrations,
        "row_counts": snapshot.counts,
        "evidence": evidence,
        "files": files,
        "problems": problems,
    }


def dumps(manifest: dict) -> bytes:
    return json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True).encode()


def _fail(what: str) -> BackupError:
    return BackupError(f"Het manifest van het archief is onjuist: {what}.")


def parse(raw: bytes) -> dict:
    """The manifest, checked for the shape restore relies on."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise _fail(f"geen leesbare JSON ({err})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _fail("het is geen manifest van een back-up van het kwaliteitsportaal")
    if data.get("format_version") != FORMAT_VERSION:
        raise _fail(
            f"formaatversie {data.get('format_version')!r} is onbekend voor deze "
            f"code (verwacht {FORMAT_VERSION})"
        )
    expected = {
        "created_at": str,
        "app": dict,
        "database": dict,
        "migrations": dict,
        "row_counts": dict,
        "evidence": list,
        "files": dict,
        "problems": list,
    }
    for key, kind in expected.items():
        if not isinstance(data.get(key), kind):
            raise _fail(f"'{key}' ontbreekt of heeft de verkeerde vorm")
    for name, entry in data["files"].items():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and _HEX64.match(entry["sha256"])
            and isinstance(entry.get("size"), int)
            and entry["size"] >= 0
        ):
            raise _fail(f"de gegevens van '{name}' zijn onvolledig")
    database = data["database"]
    if database.get("vendor") not in ("postgresql", "sqlite"):
        raise _fail("het soort database ontbreekt")
    if database.get("member") not in data["files"]:
        raise _fail("de databasedump staat er niet in")
    for label, count in data["row_counts"].items():
        if not isinstance(count, int) or count < 0:
            raise _fail(f"het aantal rijen van {label} is geen getal")
    for app, names in data["migrations"].items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise _fail(f"de migraties van {app} zijn onleesbaar")
    for entry in data["evidence"]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("status"), str)
        ):
            raise _fail("een bewijsstuk in de lijst is onvolledig")
    return data


def unknown_migrations(manifest: dict) -> list[str]:
    """Migrations applied in the backup that this code does not have: the backup
    was made with newer code, and restoring it here would break."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or ())
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest["migrations"].items())
        if app in loader.migrated_apps
        for name in names
        if (app, name) not in known
    ]


def describe(manifest: dict) -> str:
    app = manifest.get("app") or {}
    commit = app.get("git_commit")
    return (
        f"gemaakt op {manifest.get('created_at')}, versie {app.get('version')}"
        + (f", commit {commit[:12]}" if commit else "")
        + f", database {manifest['database']['vendor']}"
    )
