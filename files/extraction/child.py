"""The child of bounded text extraction: ``python -m files.extraction.child``.

Started by `files.extraction.bounded` only. It reads the request (JSON) from the
environment and the file from stdin, lowers its own resource limits before it
reads anything, extracts with `extract_text` and writes ``{"text", "error",
"log"}`` as JSON to stdout. It needs no project settings: Django is configured
with just what translation and extraction use, so the child never sees the
database, the secrets or the storages. Running out of memory exits with
`EXIT_MEMORY`; anything else unexpected exits non-zero with a traceback on stderr.
Either way the parent reports a soft failure.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import sys
import time

from .bounded import EXIT_MEMORY, REQUEST_VARIABLE, peak_memory_kb

# The log records relayed to the parent: enough to say why a file failed.
_MAX_RECORDS = 50
_MAX_RECORD_CHARS = 2000


def main() -> int:
    try:
        request = json.loads(os.environ[REQUEST_VARIABLE])
        _limit_resources(request)
        answer = _extract(request)
        sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode())
        sys.stdout.flush()
    except MemoryError:
        # No traceback: printing one could need the memory that ran out.
        os._exit(EXIT_MEMORY)
    return 0


def _limit_resources(request: dict) -> None:
    memory = int(request["memory_bytes"])
    # The address space bounds every allocation (mmap included); the data
    # segment as well where the kernel counts it separately.
    _lower("RLIMIT_AS", memory)
    _lower("RLIMIT_DATA", memory)
    cpu = int(request["cpu_seconds"])
    # SIGXCPU at the soft limit, SIGKILL a second later.
    _lower("RLIMIT_CPU", cpu, cpu + 1)
    # Stdout is a file: this bounds the answer; the child writes nothing else.
    _lower("RLIMIT_FSIZE", int(request["output_bytes"]))
    # A core dump would write the confidential file's contents to disk.
    _lower("RLIMIT_CORE", 0)


def _lower(name: str, soft: int, hard: int | None = None) -> None:
    limit = getattr(resource, name, None)
    if limit is None:
        return
    hard = soft if hard is None else hard
    _current_soft, current_hard = resource.getrlimit(limit)
    if current_hard != resource.RLIM_INFINITY:
        # Only root may raise a hard limit; never ask for more than there is.
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    resource.setrlimit(limit, (soft, hard))


def _extract(request: dict) -> dict:
    import django
    from django.conf import settings

    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE=request["language"],
        LOCALE_PATHS=request["locale_paths"],
        INSTALLED_APPS=[],
        LOGGING_CONFIG=None,
        PORTAL_EXTRACTION_MAX_CHARS=int(request["max_chars"]),
    )
    django.setup(set_prefix=False)

    from django.utils import translation

    from . import extract_text

    records = _capture_log()
    translation.activate(request["language"])
    if request.get("sleep"):
        # Test-only (PORTAL_EXTRACTION_TEST_SLEEP): an extraction that never ends.
        time.sleep(float(request["sleep"]))
    result = extract_text(
        sys.stdin.buffer,
        content_type=request["content_type"],
        filename=request["filename"],
    )
    return {
        "text": result.text,
        "error": result.error,
        "log": records,
        "peak_kb": peak_memory_kb("self"),
    }


def _capture_log() -> list[list]:
    records: list[list] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if len(records) < _MAX_RECORDS:
                message = record.getMessage()[:_MAX_RECORD_CHARS]
                records.append([record.levelno, message])

    extraction_logger = logging.getLogger("files.extraction")
    extraction_logger.addHandler(Collect(logging.INFO))
    extraction_logger.setLevel(logging.INFO)
    extraction_logger.propagate = False
    return records


if __name__ == "__main__":
    sys.exit(main())
