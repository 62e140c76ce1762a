"""Settings for ``manage.py benchmark_search``'s measuring run (never for serving).

Everything lives below ``$PORTAL_BENCH_DIR``, a temporary folder the command
creates: a fresh SQLite database, the Whoosh index and files. The developer's
``data/`` folder and any configured ``DATABASE_URL`` are never touched. Two
search backends are configured side by side on the same data: ``default`` (our
Whoosh backend) and ``database`` (modelsearch's database backend, SQLite FTS5
here, as stock Wagtail gives it).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import *  # noqa: F403
from portal.settings.base import STORAGES

if not os.environ.get("PORTAL_BENCH_DIR"):
    raise ImproperlyConfigured(
        "search.backends.whoosh.bench.settings is only for "
        "'manage.py benchmark_search', which sets PORTAL_BENCH_DIR to a temporary "
        "folder."
    )

BENCHMARK_SANDBOX = True
BENCH_DIR = Path(os.environ["PORTAL_BENCH_DIR"]).resolve()
DATA_DIR = BENCH_DIR
SECRET_KEY = "benchmark-only-never-served"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BENCH_DIR / "bench.sqlite3"),
        # Only loading gets faster; reads are as in a stock installation.
        "OPTIONS": {"init_command": "PRAGMA synchronous=OFF"},
    }
}
if os.environ.get("PORTAL_BENCH_DATABASE_URL"):
    # The production peer (``--peer-database``): the same corpus in a PostgreSQL
    # database the command created for this run and drops afterwards, searched
    # through modelsearch's database backend (full text, ``dutch``).
    import environ

    DATABASES = {
        "default": environ.Env.db_url_config(os.environ["PORTAL_BENCH_DATABASE_URL"])
    }
MEDIA_ROOT = BENCH_DIR / "media"
EVIDENCE_ROOT = BENCH_DIR / "evidence"
STORAGES = {
    **STORAGES,
    "evidence": {
        "BACKEND": "cases.storage.EvidenceStorage",
        "OPTIONS": {"location": str(EVIDENCE_ROOT), "base_url": None},
    },
}

# Objects are bulk-inserted and then indexed explicitly (and timed), so neither
# backend updates itself on save.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backends.whoosh",
        "PATH": str(BENCH_DIR / "whoosh"),
        "LANGUAGE": "nl",
        "AUTO_UPDATE": False,
    },
    "database": {
        "BACKEND": "wagtail.search.backends.database",
        "AUTO_UPDATE": False,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
