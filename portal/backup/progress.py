"""Progress of a backup or restore: an updating bar on a terminal, plain lines
under cron (so that the log stays readable)."""

from __future__ import annotations

import time


class Progress:
    """Writes one line per step, and per ``every`` files (plain) or an updating
    ``\\r`` bar (terminal) while files are copied."""

    def __init__(self, stream, *, tty: bool | None = None, every: int = 100):
        self._stream = stream
        isatty = getattr(stream, "isatty", None)
        self.tty = bool(isatty and isatty()) if tty is None else tty
        self.every = every
        self._label = ""
        self._total = 0
        self._done = 0
        self._step = 0
        self._last_draw = 0.0
        self._drawn = -1

    def _write(self, text: str, *, ending: str = "\n") -> None:
        if _has_ending(self._stream):
            self._stream.write(text, ending=ending)
        else:
            self._stream.write(text + ending)
        flush = getattr(self._stream, "flush", None)
        if flush:
            flush()

    def step(self, text: str) -> None:
        self._step += 1
        self._write(f"[{self._step}] {text}")

    def note(self, text: str) -> None:
        self._write(f"    {text}")

    def start(self, label: str, total: int) -> None:
        self._label, self._total, self._done = label, total, 0
        if total and not self.tty:
            self._write(f"    {label}: 0/{total}")

    def advance(self, n: int = 1) -> None:
        self._done += n
        if self.tty:
            now = time.monotonic()
            if now - self._last_draw >= 0.1 or self._done >= self._total:
                self._last_draw = now
                self._drawn = self._done
                self._write(self._bar(), ending="")
        elif self._done % self.every == 0 and self._done != self._total:
            self._write(f"    {self._label}: {self._done}/{self._total}")

    def finish(self) -> None:
        if self.tty and self._total:
            # End the bar's line, drawing it once more if it lags behind.
            self._write(self._bar() if self._drawn != self._done else "")
        elif self._total:
            self._write(f"    {self._label}: {self._done}/{self._total}")

    def _bar(self) -> str:
        width = 30
        filled = width * self._done // self._total if self._total else width
        return (
            f"\r    {self._label}: [{'#' * filled}{'.' * (width - filled)}] "
            f"{self._done}/{self._total}"
        )


def _has_ending(stream) -> bool:
    # Django's OutputWrapper takes ``ending``; a plain text stream does not.
    return hasattr(stream, "style_func")
