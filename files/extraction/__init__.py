"""Text extraction from uploaded files: evidence and procedure attachments.

Extraction is not search: it lives here, below the apps, so that the register
and the documents store a file's text without importing the search app. It runs
once per uploaded file and its text is stored on the model (DESIGN,
"Search architecture"). Uploaded files come from outside, so a broken, encrypted or
hostile file must never break the upload: `extract_text` never raises, it returns an
`ExtractionResult` with either the text or a short Dutch message for the user, and
logs the technical detail. The services call `extract_text_bounded` (bounded.py),
which runs `extract_text` in a child process limited in time and memory, so that a
file no parser check foresaw still costs no more than those limits.

PDF is read with pypdf rather than pdfminer.six: pypdf is already a pinned dependency,
is pure Python, opens RC4/AES-encrypted files (AES with the optional `cryptography`
package) and bounds decompression itself. pdfminer's layout analysis gives a better
reading order for multi-column pages, but the index needs the words, not their order,
so that does not justify a second PDF library.
"""

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from os import PathLike
from typing import IO, BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from .base import ExtractionError, logger
from .docx import extract_docx
from .mail import extract_eml
from .pdf import extract_pdf
from .text import extract_html_file, extract_text_file

DEFAULT_MAX_CHARS = 2_000_000

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EML = "message/rfc822"
TEXT = "text/plain"
CSV = "text/csv"
HTML = "text/html"

# Browsers and mail clients send a generic type for files they do not know; only then
# the file name decides which extractor to try.
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
_TYPE_BY_EXTENSION = {
    "pdf": PDF,
    "docx": DOCX,
    "eml": EML,
    "txt": TEXT,
    "csv": CSV,
    "htm": HTML,
    "html": HTML,
}
_TYPE_ALIASES = {"application/x-pdf": PDF, "application/xhtml+xml": HTML}
# Non-seekable streams are spooled to disk beyond this size (pypdf and zipfile seek).
_SPOOL_MEMORY_BYTES = 10_000_000


@dataclass(frozen=True)
class ExtractionResult:
    """The text of a file, or why there is none.

    Exactly one field is meaningful: on failure `text` is empty and `error` holds a
    short Dutch message for users; a file without text (an image) has neither.
    """

    text: str = ""
    error: str = ""


def extract_text(
    source: str | PathLike | BinaryIO | IO[bytes],
    *,
    content_type: str,
    filename: str = "",
) -> ExtractionResult:
    """Return the searchable text of `source`, failing soft.

    `source` is a path or a binary file object (read from its start; not closed).
    `content_type` picks the extractor; `filename` is used only when the type is
    generic (``application/octet-stream``) and in log messages. Files of types that
    have no text give an empty result without an error. The text is capped at
    ``settings.PORTAL_EXTRACTION_MAX_CHARS`` characters, its whitespace normalised
    and NUL characters removed (PostgreSQL rejects them in text columns).
    """
    kind = _resolve_type(content_type, filename)
    extractor = _EXTRACTORS.get(kind)
    if extractor is None:
        return ExtractionResult()
    max_chars = int(getattr(settings, "PORTAL_EXTRACTION_MAX_CHARS", DEFAULT_MAX_CHARS))
    document = _DOCUMENT_NAMES[kind]()
    try:
        with _open_binary(source) as stream:
            raw = extractor(stream, max_chars)
    except ExtractionError as exc:
        return _failure(document, exc.reason)
    except OSError:
        logger.exception("Could not read %r (%s) for text extraction", filename, kind)
        return _failure(document, _("het bestand kon niet worden gelezen"))
    except MemoryError:
        # Before the catch-all: in the bounded child this is the memory limit, and
        # logging a traceback now could itself run out of memory.
        return _failure(document, too_much_memory_reason())
    except Exception:
        # Hostile or broken files make parsers fail in many ways (KeyError,
        # RecursionError, ...); none of them may break the upload.
        logger.warning(
            "Text extraction failed for %r (%s)", filename, kind, exc_info=True
        )
        return _failure(document, _("het bestand is beschadigd"))
    # Normalising only shrinks text; cutting first keeps its copies small.
    text = normalise_text(raw[: max_chars * 2])
    if len(text) > max_chars:
        logger.info(
            "Extracted text of %r cut off at %d characters", filename, max_chars
        )
        text = text[:max_chars].rstrip()
    return ExtractionResult(text=text)


def normalise_text(text: str) -> str:
    """Collapse runs of blanks, keep paragraph breaks, drop what a database rejects.

    NUL and other control characters are removed; unpaired surrogates (which some PDF
    fonts produce) cannot be stored as UTF-8 and become U+FFFD.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_CHARS.sub("", text)
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    text = _BLANKS.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANKS = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _resolve_type(content_type: str, filename: str) -> str:
    kind = content_type.split(";", 1)[0].strip().lower()
    kind = _TYPE_ALIASES.get(kind, kind)
    if kind in _GENERIC_TYPES and "." in filename:
        extension = filename.rsplit(".", 1)[1].lower()
        kind = _TYPE_BY_EXTENSION.get(extension, kind)
    return kind


def _failure(document: str, reason: str) -> ExtractionResult:
    # One opening for every failure, so that a quality officer recognises it
    # wherever the error is shown.
    return ExtractionResult(
        error=_("Tekst niet leesbaar in %(document)s: %(reason)s.")
        % {"document": document, "reason": reason}
    )


def too_much_memory_reason() -> str:
    return _("het bestand vraagt te veel geheugen")


@contextmanager
def _open_binary(source) -> Iterator[BinaryIO]:
    """Yield a seekable binary stream positioned at the start of `source`."""
    if isinstance(source, str | PathLike):
        with open(source, "rb") as stream:
            yield stream
        return
    if _seekable(source):
        source.seek(0)
        yield source
        return
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY_BYTES) as spool:
        shutil.copyfileobj(source, spool)
        spool.seek(0)
        yield spool


def _seekable(stream) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


_EXTRACTORS: dict[str, Callable[[BinaryIO, int], str]] = {
    PDF: extract_pdf,
    DOCX: extract_docx,
    EML: extract_eml,
    TEXT: extract_text_file,
    CSV: extract_text_file,
    HTML: extract_html_file,
}

# Lazily translated: messages are built in the language active at extraction time.
_DOCUMENT_NAMES: dict[str, Callable[[], str]] = {
    PDF: lambda: _("dit PDF-bestand"),
    DOCX: lambda: _("dit Word-bestand"),
    EML: lambda: _("dit e-mailbericht"),
    TEXT: lambda: _("dit tekstbestand"),
    CSV: lambda: _("dit CSV-bestand"),
    HTML: lambda: _("dit HTML-bestand"),
}

# The bounded runner builds on the definitions above, hence imported last.
from .bounded import extract_text_bounded  # noqa: E402

__all__ = [
    "DEFAULT_MAX_CHARS",
    "ExtractionResult",
    "extract_text",
    "extract_text_bounded",
    "normalise_text",
]
