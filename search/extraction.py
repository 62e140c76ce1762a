"""Text extraction from uploaded files, for the search index.

Extraction runs once per uploaded file and its text is stored on the model (DESIGN,
"Search architecture"). Uploaded files come from outside, so a broken, encrypted or
hostile file must never break the upload: `extract_text` never raises, it returns an
`ExtractionResult` with either the text or a short Dutch message for the user, and
logs the technical detail.

PDF is read with pypdf rather than pdfminer.six: pypdf is already a pinned dependency,
is pure Python, opens RC4/AES-encrypted files (AES with the optional `cryptography`
package) and bounds decompression itself. pdfminer's layout analysis gives a better
reading order for multi-column pages, but the index needs the words, not their order,
so that does not justify a second PDF library.
"""

import codecs
import email
import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from os import PathLike
from typing import IO, BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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

# Refuse DOCX archives whose parts together claim to inflate beyond this (a "zip
# bomb"), whatever their compressed size; the main part is streamed and bounded
# on its own (`_MAX_DOCX_PART_BYTES`).
_MAX_DOCX_UNCOMPRESSED_BYTES = 250_000_000
# HTML carries markup around its text; read this many bytes per character of the cap.
_HTML_BYTES_PER_CHAR = 10
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


class _ExtractionError(Exception):
    """A failure the user should be told about, with the reason in Dutch."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
    except _ExtractionError as exc:
        return _failure(document, exc.reason)
    except OSError:
        logger.exception("Could not read %r (%s) for text extraction", filename, kind)
        return _failure(document, _("het bestand kon niet worden gelezen"))
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
    return ExtractionResult(
        error=_("De tekst kon niet uit %(document)s worden gehaald: %(reason)s.")
        % {"document": document, "reason": reason}
    )


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


def _is_empty(stream: BinaryIO) -> bool:
    position = stream.tell()
    empty = not stream.read(1)
    stream.seek(position)
    return empty


def _require_content(stream: BinaryIO) -> None:
    if _is_empty(stream):
        raise _ExtractionError(_("het bestand is leeg"))


# PDF


def _extract_pdf(stream: BinaryIO, max_chars: int) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    _require_content(stream)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted and not _decrypt_without_password(reader):
            raise _ExtractionError(_("het bestand is beveiligd met een wachtwoord"))
        pages: list[str] = []
        length = 0
        for page in reader.pages:
            page_text = page.extract_text() or ""
            pages.append(page_text)
            length += len(page_text)
            if length > max_chars:
                break
    except (FileNotDecryptedError, DependencyError) as exc:
        logger.warning("Cannot decrypt PDF: %s", exc)
        raise _ExtractionError(
            _("het bestand is beveiligd met een wachtwoord")
        ) from exc
    except PdfReadError as exc:
        logger.warning("Broken PDF: %s", exc)
        raise _ExtractionError(_("het bestand is beschadigd")) from exc
    return "\n\n".join(pages)


def _decrypt_without_password(reader) -> bool:
    """Open PDFs that only restrict printing or copying (empty user password)."""
    from pypdf import PasswordType

    return reader.decrypt("") != PasswordType.NOT_DECRYPTED


# DOCX


def _extract_docx(stream: BinaryIO, max_chars: int) -> str:
    """The body text of a DOCX, streamed from ``word/document.xml``.

    python-docx builds the whole package and its XML trees in memory (a 120 KB
    upload inflating to 120 MB of XML took 2 GB); here only the main part is read,
    through a counter that stops at ``_MAX_DOCX_PART_BYTES`` inflated bytes, and
    every paragraph is dropped from memory once its text is taken. Paragraphs come
    in document order, table cells (nested ones too) included."""
    _require_content(stream)
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        logger.warning("DOCX is not a ZIP archive: %s", exc)
        raise _ExtractionError(_("het bestand is beschadigd")) from exc
    with archive:
        inflated = sum(member.file_size for member in archive.infolist())
        if inflated > _MAX_DOCX_UNCOMPRESSED_BYTES:
            logger.warning("DOCX would inflate to %d bytes; not opened", inflated)
            raise _ExtractionError(_("het bestand is te groot om te doorzoeken"))
        try:
            part = archive.getinfo(_DOCX_MAIN_PART)
        except KeyError as exc:
            logger.warning("DOCX without %s", _DOCX_MAIN_PART)
            raise _ExtractionError(_("het bestand is beschadigd")) from exc
        if part.file_size > _MAX_DOCX_PART_BYTES:
            logger.warning("DOCX main part inflates to %d bytes", part.file_size)
            raise _ExtractionError(_("het bestand is te groot om te doorzoeken"))
        try:
            with archive.open(part) as raw:
                return _docx_paragraphs(_BoundedReader(raw), max_chars)
        except _TooLarge as exc:
            logger.warning("DOCX main part inflates past the bound")
            raise _ExtractionError(
                _("het bestand is te groot om te doorzoeken")
            ) from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            logger.warning("Broken DOCX: %s", exc)
            raise _ExtractionError(_("het bestand is beschadigd")) from exc


_DOCX_MAIN_PART = "word/document.xml"
# What the main part of one DOCX may inflate to (streamed, never held whole).
_MAX_DOCX_PART_BYTES = 100_000_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _TooLarge(Exception):
    pass


class _BoundedReader:
    """A file-like reader that refuses to inflate past the bound (the declared
    size in the archive may lie)."""

    def __init__(self, raw, limit: int | None = None):
        self._raw = raw
        self._left = _MAX_DOCX_PART_BYTES if limit is None else limit

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(65536 if size is None or size < 0 else size)
        self._left -= len(chunk)
        if self._left < 0:
            raise _TooLarge
        return chunk


def _docx_paragraphs(reader, max_chars: int) -> str:
    from lxml import etree

    blocks: list[str] = []
    length = 0
    try:
        for _event, element in etree.iterparse(
            reader,
            events=("end",),
            tag=f"{_W}p",
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
        ):
            text = _paragraph_text(element)
            # Free what was read: the paragraph and the siblings before it.
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
            if text:
                blocks.append(text)
                length += len(text)
                if length > max_chars:
                    break
    except etree.XMLSyntaxError as exc:
        logger.warning("Broken DOCX XML: %s", exc)
        raise _ExtractionError(_("het bestand is beschadigd")) from exc
    return "\n\n".join(blocks)


def _paragraph_text(paragraph) -> str:
    """A paragraph's text as Word shows it: runs joined, tabs and breaks kept. A
    paragraph nested in this one (a text box) is read on its own."""
    parts = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if _enclosing_paragraph(node) is not paragraph:
            continue
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _enclosing_paragraph(node):
    parent = node.getparent()
    while parent is not None and parent.tag != f"{_W}p":
        parent = parent.getparent()
    return parent


# E-mail


_EMAIL_HEADERS = (
    ("From", "Van"),
    ("To", "Aan"),
    ("Cc", "Cc"),
    ("Date", "Datum"),
    ("Subject", "Onderwerp"),
)


def _extract_eml(stream: BinaryIO, max_chars: int) -> str:
    _require_content(stream)
    message = email.message_from_binary_file(stream, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise _ExtractionError(_("het bestand is geen e-mailbericht"))
    lines = []
    for header, label in _EMAIL_HEADERS:
        value = _header_value(message, header)
        if value:
            lines.append(f"{label}: {value}")
    parts = ["\n".join(lines), _email_body(message, max_chars)]
    attachments = _attachment_names(message)
    if attachments:
        parts.append(_("Bijlagen: %(names)s") % {"names": ", ".join(attachments)})
    return "\n\n".join(part for part in parts if part)


def _header_value(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except Exception:
        # The stdlib's structured header parser still trips over some malformed
        # headers; fall back to the raw value rather than losing the message.
        logger.info("Malformed %s header; using its raw value", name, exc_info=True)
        for key, value in message.raw_items():
            if key.lower() == name.lower():
                return str(value)
        return ""


def _email_body(message: EmailMessage, max_chars: int) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = _part_text(body)
    if body.get_content_subtype() == "html":
        return _html_to_text(content, max_chars)
    return content


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        # Unknown or lying charset: decode the bytes ourselves.
        payload = part.get_payload(decode=True) or b""
        return _decode_text(payload if isinstance(payload, bytes) else b"")
    return content if isinstance(content, str) else ""


def _attachment_names(message: EmailMessage) -> list[str]:
    names = []
    for part in message.walk():
        try:
            filename = part.get_filename()
        except Exception:
            logger.info("Unreadable attachment name", exc_info=True)
            continue
        if filename:
            names.append(str(filename))
    return names


# Plain text and HTML


def _extract_text_file(stream: BinaryIO, max_chars: int) -> str:
    # UTF-8 needs at most 4 bytes per character, so this is enough for the cap.
    limit = max_chars * 4
    data = stream.read(limit + 1)
    return _decode_text(data[:limit], final=len(data) <= limit)


def _extract_html_file(stream: BinaryIO, max_chars: int) -> str:
    limit = max_chars * _HTML_BYTES_PER_CHAR
    return _html_to_text(stream.read(limit), max_chars)


def _decode_text(data: bytes, *, final: bool = True) -> str:
    """Decode text whose encoding nobody told us: BOMs, then UTF-8, then cp1252.

    Dutch files that are not UTF-8 are nearly always Windows-1252; latin-1 is the
    last resort because it decodes anything (cp1252 leaves five bytes undefined).
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return codecs.getincrementaldecoder(encoding)("replace").decode(
                data, final=final
            )
    try:
        # Not final when the data was cut off: a split multi-byte character at the
        # end must not make a UTF-8 file look like cp1252.
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# Elements whose content a reader never sees.
_INVISIBLE_TAGS = ["script", "style", "noscript", "template", "head", "iframe", "svg"]
# Elements that start a new line, so their words do not run together.
_BLOCK_TAGS = [
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "title",
    "tr",
    "ul",
]


def _html_to_text(data: bytes | str, max_chars: int) -> str:
    """The visible text of an HTML document.

    BeautifulSoup (already a Wagtail dependency) with lxml's parser: it copes with
    real-world broken markup and detects the encoding from BOM and ``<meta>``.
    Extraction never fetches anything the document refers to.
    """
    from bs4 import BeautifulSoup, Comment

    if not data.strip():
        return ""
    soup = BeautifulSoup(data, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for element in soup.find_all(_INVISIBLE_TAGS):
        element.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    for element in soup.find_all(_BLOCK_TAGS):
        element.insert_before("\n")
        element.insert_after("\n")
    text = soup.get_text()
    if title and title not in text:
        text = f"{title}\n\n{text}"
    return text[: max_chars + 1]


_EXTRACTORS: dict[str, Callable[[BinaryIO, int], str]] = {
    PDF: _extract_pdf,
    DOCX: _extract_docx,
    EML: _extract_eml,
    TEXT: _extract_text_file,
    CSV: _extract_text_file,
    HTML: _extract_html_file,
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

__all__ = ["DEFAULT_MAX_CHARS", "ExtractionResult", "extract_text", "normalise_text"]
