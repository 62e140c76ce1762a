"""Text files: plain text, CSV, e-mail, HTML; and binary files nobody named."""

import codecs
import re

import filetype
from django.utils.translation import gettext as _

from .names import _SCRIPT_EXTENSIONS, _extension
from .verdicts import (
    SniffResult,
    _accept,
    _refuse,
    _refuse_archive,
    _refuse_executable,
    _refuse_unknown,
)

_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def _as_text(head: bytes, *, complete: bool) -> str | None:
    """The head decoded as text, or None if it is binary data."""
    for bom, encoding in (
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            try:
                text = codecs.getincrementaldecoder(encoding)().decode(
                    head, final=complete
                )
            except UnicodeDecodeError:
                return None
            return None if _BINARY_CONTROL.search(text) else text
    if b"\x00" in head:
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=complete)
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return None
    return None if _BINARY_CONTROL.search(text) else text


_HEADER_LINE = re.compile(r"^[!-9;-~]+:")


def _looks_like_email(text: str) -> bool:
    """An RFC 822 header block: header and continuation lines, with a mail header."""
    lines = text.lstrip("\ufeff").splitlines()
    if lines and lines[0].startswith("From "):
        lines = lines[1:]  # mbox separator line written by some mail clients
    if "" in lines:
        lines = lines[: lines.index("")]
    elif lines:
        lines = lines[:-1]  # the header block goes on beyond the head: last line cut
    known = set()
    for line in lines:
        if line[0] in " \t":
            continue
        if not _HEADER_LINE.match(line):
            return False
        known.add(line.split(":", 1)[0].lower())
    # Mail always carries From, and relayed mail starts with Received lines.
    return len(lines) >= 2 and bool(known & {"from", "received", "message-id"})


_HTML_START = re.compile(
    r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b",
    re.S,
)


def _text_file(text: str, filename: str) -> SniffResult:
    extension = _extension(filename)
    if extension in _SCRIPT_EXTENSIONS:
        return _refuse_executable("text/x-script")
    start = text.lstrip("\ufeff").lower()
    if _looks_like_email(text):
        return _accept("message/rfc822", _("E-mailbericht"))
    if start.startswith("{\\rtf"):
        # RTF can embed OLE objects, a long-standing way to smuggle in exploits.
        return _refuse(
            "application/rtf",
            _("RTF-document"),
            _(
                "RTF-bestanden worden niet geaccepteerd; sla het bestand op als .docx "
                "of PDF."
            ),
        )
    if "<svg" in start[:1024]:
        # SVG images can carry scripts and are not a format evidence comes in.
        return _refuse(
            "image/svg+xml",
            _("SVG-afbeelding"),
            _("Dit soort afbeelding wordt niet geaccepteerd."),
        )
    if _HTML_START.match(start):
        return _accept("text/html", _("HTML-pagina"))
    if extension == "csv":
        return _accept("text/csv", _("CSV-bestand"))
    return _accept("text/plain", _("Tekstbestand"))


def _unknown_binary(head: bytes) -> SniffResult:
    archive = filetype.archive_match(head)
    if archive is not None:
        label = _("Archief (%(type)s)") % {"type": archive.extension.upper()}
        return _refuse_archive(archive.mime, label)
    kind = filetype.guess(head)
    return _refuse_unknown(kind.mime if kind else "application/octet-stream")


# Storage names
