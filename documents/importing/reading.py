"""Which files may be imported (by content, not by name), and reading one."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .result import ParsedDocument, capitalise
from .text import parse_pdf, parse_text
from .word import parse_docx

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
FORMATS = {"txt": "tekst", "docx": "Word", "pdf": "PDF"}


def detect_format(data: bytes, filename: str) -> str:
    """ "txt", "docx" or "pdf", decided by the content; the name's extension must be
    one of those and agree with it. Raises a Dutch ValidationError otherwise."""
    extension = PurePath(filename.replace("\\", "/")).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise ValidationError(
            _(
                "Alleen .txt-, .docx- en .pdf-bestanden kunnen worden geïmporteerd; "
                "sla het document in een van die vormen op."
            ),
            code="extension",
        )
    if not data:
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Het bestand is groter dan 10 MB."), code="too_large")
    if b"%PDF-" in data[:1024]:
        found = "pdf"
    elif data.startswith(b"PK\x03\x04") and _is_docx(data):
        found = "docx"
    elif _as_text(data) is not None:
        found = "txt"
    else:
        found = ""
    if found != extension:
        raise ValidationError(
            _(
                "De inhoud van het bestand is geen %(expected)s-document, al heet het "
                ".%(extension)s. Alleen echte .txt-, .docx- en .pdf-bestanden kunnen "
                "worden geïmporteerd."
            )
            % {"expected": FORMATS[extension], "extension": extension},
            code="content",
        )
    return found


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    return (
        "[Content_Types].xml" in names
        and "word/document.xml" in names
        and not any(n.endswith("vbaProject.bin") for n in names)  # macros
    )


# Control characters other than tab, newline, form feed and carriage return mean
# binary data; a text that starts like HTML or a script is not a plain text either.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_NOT_PLAIN = re.compile(
    r"^\s*(<(!doctype|html|\?xml|head|body|svg)\b|#!|\{\\rtf)", re.I
)


def _as_text(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _BINARY_CONTROL.search(text) or _NOT_PLAIN.match(text):
            return None
        return text
    return None


def parse_document(data: bytes, filename: str) -> ParsedDocument:
    """Read a .txt, .docx or .pdf file; raises a Dutch ValidationError when it is
    none of these or has no text to import."""
    kind = detect_format(data, filename)
    if kind == "pdf":
        parsed = parse_pdf(data)
    elif kind == "docx":
        parsed = parse_docx(data)
    else:
        parsed = parse_text(_as_text(data) or "")
    if not parsed.sections:
        raise ValidationError(
            _(
                "In het bestand is geen tekst gevonden om te importeren (is het een "
                "gescand document?)."
            ),
            code="no_text",
        )
    return _with_file_hints(parsed, filename)


_CODE = re.compile(r"(?<![\w-])([A-Z]{1,3}-\d{1,3})(?![\w-])")
_FILENAME_VERSION = re.compile(r"(?:^|[-_ .])v(?:ersie)?[-_ ]?(\d{4})(?:\D|$)", re.I)


def _with_file_hints(parsed: ParsedDocument, filename: str) -> ParsedDocument:
    stem = PurePath(filename.replace("\\", "/")).stem
    code = parsed.code
    if not code:
        for text in (stem, parsed.title, *parsed.distinct_dropped_lines):
            if match := _CODE.search(text):
                code = match.group(1)
                break
    version = parsed.version_label
    if not version:
        match = _FILENAME_VERSION.search(stem)
        version = match.group(1) if match else ""
    title = parsed.title or _title_from_filename(stem)
    return replace(parsed, code=code, version_label=version, title=title)


def _title_from_filename(stem: str) -> str:
    stem = _FILENAME_VERSION.sub(" ", stem)
    return capitalise(re.sub(r"[-_\s]+", " ", stem).strip()) or _("Procedure")
