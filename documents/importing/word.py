"""A Word document (.docx), read by its styles and numbering."""

from __future__ import annotations

import io
import re
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .result import ParsedDocument, assemble
from .text import clean_line, heading_like, is_footer, list_item, version_in

_HEADING_STYLE = re.compile(r"^(heading|kop)\s*(\d)$", re.I)
_TITLE_STYLE = re.compile(r"^(title|titel)$", re.I)
_LIST_STYLE = re.compile(r"list|lijst|opsomming", re.I)
_ORDERED_STYLE = re.compile(r"number|nummer", re.I)


def parse_docx(data: bytes) -> ParsedDocument:
    """A Word document by its structure; the text in its page headers and footers
    is reported as left out."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ValidationError(
            _("Het Word-document kon niet worden gelezen."), code="unreadable"
        ) from exc
    numbering = _numbering_formats(document)
    elements: list[tuple] = []
    dropped: list[str] = []
    notes: list[str] = []
    title = None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = [
                " | ".join(
                    dict.fromkeys(clean_line(c.text) for c in row.cells if c.text)
                )
                for row in block.rows
            ]
            rows = [r for r in rows if r]
            elements.extend(("paragraph", r) for r in rows)
            if rows:
                notes.append(
                    ngettext(
                        "Een tabel met %d rij is als alinea's overgenomen.",
                        "Een tabel met %d rijen is als alinea's overgenomen.",
                        len(rows),
                    )
                    % len(rows)
                )
            continue
        text = clean_line(re.sub(r"-\n(?=[^\W\d_])", "", block.text).replace("\n", " "))
        if not text:
            continue
        if is_footer(text):
            dropped.append(text)
            continue
        styles = _style_names(block)
        if any(_TITLE_STYLE.match(s) for s in styles):
            if title is None:
                title = text
            continue
        if _heading_level(block, styles) is not None:
            elements.append(("heading", text))
            continue
        list_kind = _list_kind(block, styles, numbering)
        if list_kind is not None:
            marked = list_item(text)
            elements.append(("item", marked[0] if marked else text, list_kind))
            continue
        if marked := list_item(text):
            elements.append(("item", marked[0], marked[1]))
        elif _all_bold(block) and heading_like(text):
            elements.append(("heading", text))
        else:
            elements.append(("paragraph", text))
    dropped.extend(_header_footer_lines(document))
    version = version_in(dropped)
    if title is None:
        core_title = (document.core_properties.title or "").strip()
        if core_title and "microsoft word" not in core_title.lower():
            title = core_title
    return assemble(
        elements,
        title=title,
        dropped=dropped,
        source_format="docx",
        version_label=version,
        notes=notes,
    )


def _style_names(paragraph) -> list[str]:
    names, style, seen = [], paragraph.style, 0
    while style is not None and seen < 10:  # a style may be based on another
        names.extend(n for n in (style.name, style.style_id) if n)
        style, seen = style.base_style, seen + 1
    return names


def _heading_level(paragraph, styles: list[str]) -> int | None:
    for name in styles:
        if match := _HEADING_STYLE.match(name):
            return int(match.group(2))
    outline = _xpath(paragraph._p, "./w:pPr/w:outlineLvl/@w:val")
    if outline and outline[0].isdigit() and int(outline[0]) < 9:
        return int(outline[0]) + 1
    return None


def _list_kind(paragraph, styles: list[str], numbering: dict) -> bool | None:
    """True for a numbered item, False for a bullet, None when not a list item."""
    num_ids = _xpath(paragraph._p, "./w:pPr/w:numPr/w:numId/@w:val")
    if num_ids and num_ids[0] != "0":
        level = _xpath(paragraph._p, "./w:pPr/w:numPr/w:ilvl/@w:val")
        fmt = numbering.get((num_ids[0], level[0] if level else "0"))
        if fmt is not None:
            return fmt not in {"bullet", "none"}
    style = paragraph.style
    while style is not None:
        num_ids = _xpath(style.element, "./w:pPr/w:numPr/w:numId/@w:val")
        if num_ids and num_ids[0] != "0":
            fmt = numbering.get((num_ids[0], "0"))
            return fmt not in {"bullet", "none", None}
        style = style.base_style
    if any(_LIST_STYLE.search(s) for s in styles):
        return any(_ORDERED_STYLE.search(s) for s in styles)
    return None


def _numbering_formats(document) -> dict[tuple[str, str], str]:
    """(numId, level) → numFmt ("bullet", "decimal", ...) from numbering.xml."""
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    abstract = {}
    for node in _xpath(root, "./w:abstractNum"):
        formats = {
            lvl.get(_w("ilvl")): (_xpath(lvl, "./w:numFmt/@w:val") or ["decimal"])[0]
            for lvl in _xpath(node, "./w:lvl")
        }
        abstract[node.get(_w("abstractNumId"))] = formats
    result = {}
    for num in _xpath(root, "./w:num"):
        ref = _xpath(num, "./w:abstractNumId/@w:val")
        for level, fmt in abstract.get(ref[0] if ref else "", {}).items():
            result[(num.get(_w("numId")), level)] = fmt
    return result


def _w(name: str) -> str:
    return f"{{{_W_NS}}}{name}"


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _xpath(element, path: str) -> list:
    """XPath with the "w:" prefix on any element (python-docx's own xpath() knows
    it only on the elements it has classes for)."""
    from lxml import etree

    return etree.XPath(path, namespaces={"w": _W_NS})(element)


def _all_bold(paragraph) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _header_footer_lines(document) -> list[str]:
    lines = []
    for section in document.sections:
        parts = [section.header, section.footer]
        if section.different_first_page_header_footer:
            parts += [section.first_page_header, section.first_page_footer]
        for part in parts:
            if part.is_linked_to_previous:
                continue
            lines.extend(t for p in part.paragraphs if (t := clean_line(p.text)))
    return lines
