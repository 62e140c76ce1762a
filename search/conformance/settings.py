"""Django settings for running modelsearch's own test suite against Whoosh.

Mirrors ``modelsearch/test/settings.py`` (which needs ``dj_database_url``, not
installed here) with the default backend pointed at our Whoosh backend and its
``PATH`` in a temporary directory. The ``search.json`` fixture is not shipped in
the modelsearch wheel; it is found through ``MODELSEARCH_FIXTURE``.
"""

import os
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

MODELSEARCH_FIXTURE = Path(
    os.environ.get(
        "MODELSEARCH_FIXTURE",
        PROJECT_ROOT / ".." / "shared" / "vendor" / "modelsearch" / "search.json",
    )
).resolve()

SECRET_KEY = "conformance-tests-only"  # noqa: S105 - test settings, never deployed
DEBUG = False
ALLOWED_HOSTS = ["localhost", "testserver"]
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-gb"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "modelsearch.test.testapp",
    "modelsearch",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

ROOT_URLCONF = "modelsearch.test.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_URL = "/static/"

_scratch = Path(
    os.environ.get("WHOOSH_TEST_DIR") or tempfile.mkdtemp(prefix="whoosh-conformance-")
)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(_scratch / "db.sqlite3"),
    }
}

FIXTURE_DIRS = [str(MODELSEARCH_FIXTURE.parent)]

WHOOSH_PATH = str(_scratch / "index")

MODELSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backends.whoosh",
        "PATH": WHOOSH_PATH,
        "LANGUAGE": "nl",
        "LOCK_TIMEOUT": 2,
    }
}

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
