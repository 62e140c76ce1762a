"""How numbers read in the portal's Dutch: one place, for code and templates.

Sizes count in binary units (1 MB = 1024 kB), as the upload limits are set."""

from __future__ import annotations

KB = 1024
MB = 1024 * 1024


def _decimal(value: float) -> str:
    text = f"{value:.1f}".replace(".", ",")
    return text.removesuffix(",0")


def format_size(num_bytes: int) -> str:
    """A file size as a reader expects it: "740 bytes", "850 kB", "57,2 MB".

    Below 1 MB in kB (rounded up, so a small limit never reads as "0 MB")."""
    if num_bytes < KB:
        return f"{num_bytes} bytes"
    if num_bytes < MB:
        return f"{-(-num_bytes // KB)} kB"
    return f"{_decimal(num_bytes / MB)} MB"
