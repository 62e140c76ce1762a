"""Pytest glue: the index scratch directory and the fixture's presence."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings


def fixture_available() -> bool:
    return Path(settings.MODELSEARCH_FIXTURE).is_file()


def pytest_sessionfinish(session, exitstatus):
    """Remove the temporary index directory made by the settings module."""
    scratch = Path(settings.WHOOSH_PATH).parent
    if scratch.name.startswith("whoosh-conformance-"):
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def whoosh_path():
    return settings.WHOOSH_PATH
