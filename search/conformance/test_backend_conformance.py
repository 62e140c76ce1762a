"""modelsearch's peer test suite (``BackendTests``) run against Whoosh."""

import unittest
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from modelsearch.tests.test_backends import BackendTests

FIXTURE_MISSING = (
    f"modelsearch fixture not found at {settings.MODELSEARCH_FIXTURE}; set "
    "MODELSEARCH_FIXTURE to the path of modelsearch's search.json"
)


@unittest.skipUnless(Path(settings.MODELSEARCH_FIXTURE).is_file(), FIXTURE_MISSING)
class TestWhooshBackend(BackendTests, TestCase):
    backend_path = "search.backends.whoosh"
