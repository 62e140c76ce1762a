"""The same peer suite against modelsearch's SQLite FTS5 backend, for reference.

Skipped unless ``MODELSEARCH_REFERENCE=sqlite`` is set: it only exists to
measure the bar the Whoosh backend must meet, without the skips that
modelsearch's own ``test_sqlite_backend.py`` adds.
"""

import os
import unittest
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.test.utils import override_settings
from modelsearch.tests.test_backends import BackendTests

SQLITE_BACKEND = "modelsearch.backends.database.sqlite.sqlite"


@unittest.skipUnless(
    os.environ.get("MODELSEARCH_REFERENCE") == "sqlite",
    "reference run only: set MODELSEARCH_REFERENCE=sqlite",
)
@unittest.skipUnless(
    Path(settings.MODELSEARCH_FIXTURE).is_file(), "modelsearch fixture not found"
)
@override_settings(MODELSEARCH_BACKENDS={"default": {"BACKEND": SQLITE_BACKEND}})
class TestSQLiteReference(BackendTests, TestCase):
    backend_path = SQLITE_BACKEND
