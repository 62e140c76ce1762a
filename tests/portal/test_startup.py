"""A server process hands what it loaded at startup to the garbage collector's
permanent generation (``portal.startup``, called by ``portal/wsgi.py``): a full
collection walked those ~250,000 objects in the middle of a request, ~150 ms
at a time (issue 15: the search page at 100,000 documents)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from portal.startup import freeze_loaded_objects

ROOT = Path(__file__).resolve().parents[2]


def test_the_loaded_objects_are_frozen_and_the_views_loaded():
    assert gc.get_freeze_count() == 0
    try:
        frozen = freeze_loaded_objects()
        assert frozen == gc.get_freeze_count()
        assert frozen > 10_000
        assert "search.views" in sys.modules  # the URL configuration was read
        # What is created afterwards is still collected.
        cycle = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()


def test_the_wsgi_application_freezes_at_import():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    code = "import gc, portal.wsgi; print(gc.get_freeze_count())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert int(out.stdout.strip().splitlines()[-1]) > 10_000
