"""Text extraction in a child process with a time and a memory limit (issue 14).

A hostile or pathological upload (a zip bomb, a PDF whose content stream inflates
to hundreds of megabytes, a parser that never finishes) must cost one failed
extraction, not a web or worker process. The parsers therefore run in
``python -m files.extraction.child``: the child lowers its own resource limits
(address space, CPU seconds, output size, no core dump) before it reads a byte of
the file, and the parent kills it once the wall-clock limit has passed. Whatever
goes wrong ends as an `ExtractionResult` with a Dutch message; the file itself is
never touched.

The child inherits no environment (no secrets, no database) and no project
settings: it gets the file as its stdin and the request (type, name, limits,
language) as JSON in one environment variable, and answers with JSON on stdout.
Stdout goes to a temporary file, so a misbehaving child cannot make the parent
buffer more than the cap.
"""

from __future__ import annotations

import json
import math
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import IO, BinaryIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import (
    _DOCUMENT_NAMES,
    _EXTRACTORS,
    DEFAULT_MAX_CHARS,
    ExtractionResult,
    _failure,
    _resolve_type,
    extract_text,
    too_much_memory_reason,
)
from .base import logger

DEFAULT_TIMEOUT = 30
DEFAULT_MEMORY_MB = 512
CHILD_MODULE = "files.extraction.child"
REQUEST_VARIABLE = "PORTAL_EXTRACTION_REQUEST"
# The child's exit status when it ran out of memory outside `extract_text`.
EXIT_MEMORY = 3
# The folder that holds the ``files`` package: the child's working directory, so
# that ``-m`` finds the package without PYTHONPATH.
_CODE_ROOT = Path(__file__).resolve().parent.parent.parent
_COPY_CHUNK = 1024 * 1024
# JSON needs at most 6 bytes per character of text (an escaped one); the rest is
# room for the relayed log records.
_OUTPUT_BYTES_PER_CHAR = 6
_OUTPUT_OVERHEAD = 1024 * 1024
_STDERR_TAIL = 4000


@dataclass(frozen=True)
class BoundedRun:
    """One bounded extraction: its result and what it cost.

    `outcome` is ``ok`` (the child answered; its result may still be a failure
    such as a broken file), ``timeout``, ``memory``, ``crash`` or ``skipped``
    (a type without text: no child was started). The CPU seconds and peak
    memory are the child's own (0: unknown)."""

    result: ExtractionResult
    outcome: str
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_kb: int = 0


def extract_text_bounded(
    source: str | PathLike | BinaryIO | IO[bytes],
    *,
    content_type: str,
    filename: str = "",
) -> ExtractionResult:
    """`extract_text`, run in a child process bounded in time and memory.

    Takes the same arguments and, like it, never raises: a child that takes longer
    than ``settings.PORTAL_EXTRACTION_TIMEOUT`` seconds, needs more than
    ``settings.PORTAL_EXTRACTION_MEMORY_MB`` megabytes or dies gives a failure
    starting "Tekst niet leesbaar" that says why. With
    ``settings.PORTAL_EXTRACTION_ISOLATED`` off the extraction runs in this
    process, unbounded (meant for test suites)."""
    if not getattr(settings, "PORTAL_EXTRACTION_ISOLATED", True):
        return extract_text(source, content_type=content_type, filename=filename)
    return run_bounded(source, content_type=content_type, filename=filename).result


def run_bounded(
    source: str | PathLike | BinaryIO | IO[bytes],
    *,
    content_type: str,
    filename: str = "",
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> BoundedRun:
    """Extract in a child process; `timeout` and `memory_mb` override the
    settings. Never raises; returns the result with its wall time and the
    child's peak resident memory."""
    kind = _resolve_type(content_type, filename)
    if kind not in _EXTRACTORS:
        return BoundedRun(ExtractionResult(), "skipped")
    document = _DOCUMENT_NAMES[kind]()
    if timeout is None:
        timeout = getattr(settings, "PORTAL_EXTRACTION_TIMEOUT", DEFAULT_TIMEOUT)
    if memory_mb is None:
        memory_mb = getattr(settings, "PORTAL_EXTRACTION_MEMORY_MB", DEFAULT_MEMORY_MB)
    try:
        with _regular_file(source) as stdin:
            return _run_child(
                stdin, kind, filename, float(timeout), int(memory_mb), document
            )
    except Exception:
        # Reading the caller's stream: a storage may raise its own errors (an
        # object store's client errors are no OSError); none may reach the user.
        logger.exception("Could not run text extraction of %r (%s)", filename, kind)
        return BoundedRun(
            _failure(document, _("het bestand kon niet worden gelezen")), "crash"
        )


def _run_child(
    stdin: IO[bytes],
    kind: str,
    filename: str,
    timeout: float,
    memory_mb: int,
    document: str,
) -> BoundedRun:
    max_chars = int(getattr(settings, "PORTAL_EXTRACTION_MAX_CHARS", DEFAULT_MAX_CHARS))
    output_cap = max_chars * _OUTPUT_BYTES_PER_CHAR + _OUTPUT_OVERHEAD
    request = {
        "content_type": kind,
        "filename": filename,
        "max_chars": max_chars,
        "memory_bytes": memory_mb * 1024 * 1024,
        # A backstop for a child whose parent died before it could kill it.
        "cpu_seconds": math.ceil(timeout) + 1,
        "output_bytes": output_cap,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "locale_paths": [str(path) for path in settings.LOCALE_PATHS],
        # Test-only: makes the child sleep, to exercise the wall-clock limit.
        "sleep": float(getattr(settings, "PORTAL_EXTRACTION_TEST_SLEEP", 0) or 0),
    }
    environment = {
        REQUEST_VARIABLE: json.dumps(request),
        "LANG": "C.UTF-8",
        "PATH": os.defpath,
    }
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        try:
            child = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
                _child_command(),
                stdin=stdin,
                stdout=out,
                stderr=err,
                env=environment,
                cwd=_CODE_ROOT,
                close_fds=True,
            )
        except OSError:
            logger.exception("Could not start the text extraction child")
            return BoundedRun(_failure(document, _crashed_reason()), "crash")
        status, cpu_seconds, peak_rss_kb, timed_out = _wait(child, timeout)
        wall = time.monotonic() - started
        outcome, result, own_peak = _interpret(
            status, timed_out, out, output_cap, document, timeout
        )
        peak_rss_kb = own_peak or peak_rss_kb
        if outcome != "ok":
            logger.warning(
                "Text extraction of %r (%s) ended as %s (exit status %s) after "
                "%.1f s, peak %d KB; child said: %s",
                filename,
                kind,
                outcome,
                status,
                wall,
                peak_rss_kb,
                _tail(err) or "-",
            )
    return BoundedRun(result, outcome, wall, cpu_seconds, peak_rss_kb)


def _child_command() -> list[str]:
    # -E ignores PYTHON* variables, -s the user's site-packages.
    return [sys.executable, "-E", "-s", "-m", CHILD_MODULE]


def _interpret(
    status: int | None,
    timed_out: bool,
    out: IO[bytes],
    output_cap: int,
    document: str,
    timeout: float,
) -> tuple[str, ExtractionResult, int]:
    """The outcome, the result and the child's own peak memory (0: unknown)."""
    # SIGXCPU: the child's CPU limit; only ever reached when the wall clock was
    # not, e.g. with a fast clock tick. SIGKILL from no one here: the kernel's
    # out-of-memory killer.
    if timed_out or status == -signal.SIGXCPU:
        return "timeout", _failure(document, _timeout_reason(timeout)), 0
    if status in (EXIT_MEMORY, -signal.SIGKILL):
        return "memory", _failure(document, too_much_memory_reason()), 0
    # None: someone else reaped the child; its answer, if complete, still counts.
    answer = _read_answer(out, output_cap) if status in (0, None) else None
    if answer is None:
        return "crash", _failure(document, _crashed_reason()), 0
    result, peak = answer
    return "ok", result, peak


def _read_answer(out: IO[bytes], cap: int) -> tuple[ExtractionResult, int] | None:
    size = out.seek(0, os.SEEK_END)
    if size > cap:
        return None
    out.seek(0)
    try:
        answer = json.loads(out.read().decode("utf-8"))
        text, error, records = answer["text"], answer["error"], answer["log"]
    except (ValueError, KeyError, TypeError):
        return None
    if not (isinstance(text, str) and isinstance(error, str)):
        return None
    # The child's own log records, e.g. why a PDF is broken, told here.
    for record in records if isinstance(records, list) else ():
        with suppress(ValueError, TypeError):
            level, message = record
            logger.log(int(level), "(child) %s", str(message))
    peak = answer.get("peak_kb")
    peak_kb = peak if isinstance(peak, int) else 0
    return ExtractionResult(text=text, error=error), peak_kb


def _wait(
    child: subprocess.Popen, timeout: float
) -> tuple[int | None, float, int, bool]:
    """Wait for the child at most `timeout` seconds, killing it after that.

    Returns its exit status (negative: the signal that ended it), its CPU
    seconds and peak resident memory in KB (from its own rusage, not that of all
    children) and whether it had to be killed."""
    deadline = time.monotonic() + timeout
    timed_out = False
    reaped = _reap(child, block=False)
    if reaped is None:
        _sleep_until_exit(child, deadline)
        reaped = _reap(child, block=False)
    peak_before_kill = 0
    if reaped is None:
        timed_out = True
        peak_before_kill = peak_memory_kb(child.pid)
        with suppress(ProcessLookupError):
            child.kill()
        reaped = _reap(child, block=True)
    status, cpu, peak = reaped if reaped is not None else (None, 0.0, 0)
    child.returncode = status if status is not None else -signal.SIGKILL
    return status, cpu, peak_before_kill or peak, timed_out


def _reap(
    child: subprocess.Popen, *, block: bool
) -> tuple[int | None, float, int] | None:
    try:
        pid, status, usage = os.wait4(child.pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        # Someone else reaped it (a SIGCHLD handler of the server).
        return None, 0.0, 0
    if pid == 0:
        return None
    cpu = usage.ru_utime + usage.ru_stime
    return os.waitstatus_to_exitcode(status), cpu, _peak_kb(usage)


def _peak_kb(usage) -> int:
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS. On Linux it also
    # counts the parent's memory at the fork, hence the child's own figure
    # (`peak_memory_kb`) where there is one.
    return usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss


def peak_memory_kb(pid: int | str) -> int:
    """The peak resident memory of a live process in KB, 0 where ``/proc`` has
    none: this figure starts afresh at ``exec``, unlike ``ru_maxrss``."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _sleep_until_exit(child: subprocess.Popen, deadline: float) -> None:
    """Block until the child exits or the deadline passes: on a pidfd where the
    kernel has one (no polling), else by polling with a growing interval."""
    pidfd = None
    with suppress(AttributeError, OSError):
        pidfd = os.pidfd_open(child.pid)  # type: ignore[attr-defined]
    if pidfd is not None:
        try:
            remaining = max(0.0, deadline - time.monotonic())
            select.select([pidfd], [], [], remaining)
        finally:
            os.close(pidfd)
        return
    interval = 0.002
    while time.monotonic() < deadline:
        with suppress(ChildProcessError):
            if os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                return
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        interval = min(interval * 2, 0.05)


def _tail(err: IO[bytes]) -> str:
    size = err.seek(0, os.SEEK_END)
    err.seek(max(0, size - _STDERR_TAIL))
    return err.read().decode("utf-8", "replace").strip()


@contextmanager
def _regular_file(source) -> Iterator[IO[bytes]]:
    """Yield a regular file with the bytes of `source` for the child's stdin.

    A path is opened; a file object that is a regular file on disk (what the
    file-system storages hand out) is passed on as it is; anything else (an
    object storage's stream, an upload in memory) is copied to a temporary file,
    streamed, from its start when it can seek."""
    if isinstance(source, str | PathLike):
        with open(source, "rb") as handle:
            yield handle
        return
    if _is_regular_file(source):
        position = source.tell()
        try:
            yield source
        finally:
            # The child shares the file offset; give the caller back its own.
            with suppress(OSError, ValueError):
                source.seek(position)
        return
    with tempfile.TemporaryFile() as copy:
        with suppress(AttributeError, OSError, ValueError):
            if source.seekable():
                source.seek(0)
        shutil.copyfileobj(source, copy, _COPY_CHUNK)
        copy.flush()
        copy.seek(0)
        yield copy


def _is_regular_file(source) -> bool:
    try:
        return stat.S_ISREG(os.fstat(source.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        return False


def _timeout_reason(timeout: float) -> str:
    seconds = max(1, round(timeout))
    return ngettext(
        "het uitlezen duurde langer dan %(seconds)d seconde",
        "het uitlezen duurde langer dan %(seconds)d seconden",
        seconds,
    ) % {"seconds": seconds}


def _crashed_reason() -> str:
    return _("het uitlezen is onverwacht afgebroken")
