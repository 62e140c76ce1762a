"""Settings for the test suite: fast hashing, mail in memory, immediate tasks."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key-3b8f1c2d4e6a7b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A child process per extraction costs ~0.3 s; the suite extracts in-process and
# tests/files/test_bounded_extraction.py turns the child on.
PORTAL_EXTRACTION_ISOLATED = False

# Tests override these per test (tests/conftest.py); this is the fallback so that
# nothing a test writes lands in the developer's data folder.
# One fixed fallback folder (not one per import); tests use their own tmp_path.
_TMP = Path(tempfile.gettempdir()) / "portal-test-fallback"
DATA_DIR = _TMP
MEDIA_ROOT = _TMP / "media"
EVIDENCE_ROOT = _TMP / "evidence"

DATABASES = {
    "default": env.db("DATABASE_URL", default="sqlite://:memory:"),
}
ALLOWED_HOSTS = ["*"]
STORAGES = {
    **STORAGES,
    "evidence": {
        "BACKEND": "cases.storage.EvidenceStorage",
        "OPTIONS": {"location": str(EVIDENCE_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_AUTOREFRESH = True
