"""The throwaway database the benchmark commands measure in (``--sandbox``).

A benchmark writes thousands of rows, so it never runs against the portal's own
data: the command creates a temporary folder and runs itself again (with
``--inner``) in a child process under the sandbox settings, which put a fresh
SQLite database, search index and evidence folder in that folder; the folder is
removed afterwards. ``benchmark_review``, ``benchmark_register`` and
``benchmark_search`` share this.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

#: Throwaway SQLite database, index and files below $PORTAL_BENCH_DIR.
SANDBOX_SETTINGS = "search.backends.whoosh.bench.settings"


def in_sandbox() -> bool:
    """Whether this process runs under the sandbox settings (the child)."""
    return bool(getattr(settings, "BENCHMARK_SANDBOX", False))


def run_in_sandbox(
    command: str,
    arguments: list[str],
    *,
    prefix: str,
    workdir: str | None = None,
    keep: bool = False,
    announce: Callable[[str], object] | None = None,
    extra_env: dict[str, str] | None = None,
) -> int:
    """Run ``manage.py <command> --inner <arguments>`` in a child process under
    the sandbox settings, in a new temporary folder below ``workdir`` (removed
    afterwards unless ``keep``), with ``extra_env`` added to its environment.
    Returns the child's exit code."""
    folder = tempfile.mkdtemp(prefix=prefix, dir=workdir)
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = SANDBOX_SETTINGS
    env["PORTAL_BENCH_DIR"] = folder
    # Never the configured database, whatever the environment says.
    env.pop("DATABASE_URL", None)
    env.update(extra_env or {})
    child = [
        sys.executable,
        str(Path(settings.BASE_DIR) / "manage.py"),
        command,
        "--inner",
        *arguments,
    ]
    try:
        completed = subprocess.run(child, env=env, check=False)  # noqa: S603
    finally:
        if keep:
            if announce is not None:
                announce(f"Werkmap bewaard: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return completed.returncode
