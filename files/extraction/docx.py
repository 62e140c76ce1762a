"""DOCX: the main part streamed with a bound on what it may inflate to."""

import zipfile
from typing import BinaryIO

from django.utils.translation import gettext as _

from .base import ExtractionError, logger, require_content

# Refuse DOCX archives whose parts together claim to inflate beyond this (a "zip
# bomb"), whatever their compressed size; the main part is streamed and bounded
# on its own (`_MAX_DOCX_PART_BYTES`).
_MAX_DOCX_UNCOMPRESSED_BYTES = 250_000_000


def extract_docx(stream: BinaryIO, max_chars: int) -> str:
    """The body text of a DOCX, streamed from ``word/document.xml``.

    python-docx builds the whole package and its XML trees in memory (a 120 KB
    upload inflating to 120 MB of XML took 2 GB); here only the main part is read,
    through a counter that stops at ``_MAX_DOCX_PART_BYTES`` inflated bytes, and
    every paragraph is dropped from memory once its text is taken. Paragraphs come
    in document order, table cells (nested ones too) included."""
    require_content(stream)
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        logger.warning("DOCX is not a ZIP archive: %s", exc)
        raise ExtractionError(_("het bestand is beschadigd")) from exc
    with archive:
        inflated = sum(member.file_size for member in archive.infolist())
        if inflated > _MAX_DOCX_UNCOMPRESSED_BYTES:
            logger.warning("DOCX would inflate to %d bytes; not opened", inflated)
            raise ExtractionError(_("het bestand is te groot om te doorzoeken"))
        try:
            part = archive.getinfo(_DOCX_MAIN_PART)
        except KeyError as exc:
            logger.warning("DOCX without %s", _DOCX_MAIN_PART)
            raise ExtractionError(_("het bestand is beschadigd")) from exc
        if part.file_size > _MAX_DOCX_PART_BYTES:
            logger.warning("DOCX main part inflates to %d bytes", part.file_size)
            raise ExtractionError(_("het bestand is te groot om te doorzoeken"))
        try:
            with archive.open(part) as raw:
                return _docx_paragraphs(_BoundedReader(raw), max_chars)
        except _TooLarge as exc:
            logger.warning("DOCX main part inflates past the bound")
            raise ExtractionError(
                _("het bestand is te groot om te doorzoeken")
            ) from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            logger.warning("Broken DOCX: %s", exc)
            raise ExtractionError(_("het bestand is beschadigd")) from exc


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
        if exc.code == etree.ErrorTypes.ERR_NO_MEMORY:
            # libxml2 reports running out of memory as a syntax error.
            raise MemoryError from exc
        logger.warning("Broken DOCX XML: %s", exc)
        raise ExtractionError(_("het bestand is beschadigd")) from exc
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
