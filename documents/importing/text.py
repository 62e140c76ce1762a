"""Text from a .txt or a .pdf: page furniture, headings, list items, paragraphs."""

from __future__ import annotations

import io
import math
import re
from collections import Counter

import pypdf
import pypdf.errors
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .result import ParsedDocument, assemble, capitalise

# What pypdf raises on a damaged file (it has no single base class for all).
_PDF_ERRORS = (
    pypdf.errors.PyPdfError,
    pypdf.errors.DependencyError,
    ValueError,
    KeyError,
    TypeError,
    OSError,
)


def parse_text(text: str) -> ParsedDocument:
    """A plain text; form feeds separate pages (text saved from a PDF has them)."""
    pages = text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    return _parse_pages([page.split("\n") for page in pages], "txt")


def parse_pdf(data: bytes) -> ParsedDocument:
    """A PDF's text layer, page by page, laid out as on paper (so that list markers
    stay with their items and blank space between paragraphs stays blank)."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("Het PDF-bestand is beveiligd met een wachtwoord."), code="encrypted"
            )
        pages = []
        for page in reader.pages:
            try:
                text = page.extract_text(extraction_mode="layout")
            except Exception:  # layout mode is newer and stricter; plain still reads
                text = page.extract_text()
            pages.append((text or "").split("\n"))
    except _PDF_ERRORS as exc:
        raise ValidationError(
            _("Het PDF-bestand kon niet worden gelezen (%(error)s).")
            % {"error": exc.__class__.__name__},
            code="unreadable",
        ) from exc
    return _parse_pages(pages, "pdf")


VERSION_IN_TEXT = re.compile(r"\bversie\s*:?\s*(\d{4}(?:-\d{1,2})?)\b", re.I)
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_FOOTER = re.compile(
    r"\|.*\bversie\b.*\|\s*(blz|pag|pagina|p)\.?\s*\d+(\s*(van|/)\s*\d+)?\s*$"
    r"|\b(blz|pag|pagina|page)\.?\s*\d+\s*(van|of|/)\s*\d+\s*$"
    r"|^(blz|pag|pagina|page)\.?\s*\d+\s*$"
    r"|^\d+\s*(van|/)\s*\d+$",
    re.I,
)
_PAGE_NUMBER = re.compile(r"^[-–—\s]*\d{1,3}[-–—\s]*$")
PAGE_BREAK = "\f"  # stands between pages (and for a dropped line) in the text
EDGE_LINES = 3


def clean_line(line: str) -> str:
    return _SPACES.sub(" ", line.replace("\u00ad", "")).strip()


def version_in(lines: list[str]) -> str:
    """The version label a page header or footer names ("versie 2305")."""
    found = (VERSION_IN_TEXT.search(line) for line in lines)
    return next((m.group(1) for m in found if m), "")


def is_footer(line: str) -> bool:
    return bool(_FOOTER.search(line))


def _parse_pages(raw_pages: list[list[str]], source_format: str) -> ParsedDocument:
    pages = [[clean_line(line) for line in page] for page in raw_pages]
    pages, dropped = _drop_page_furniture(pages)
    lines: list[str] = []
    for page in pages:
        lines.extend(page)
        lines.append(PAGE_BREAK)
    elements = _text_elements(lines)
    version = version_in(dropped)
    return assemble(
        elements,
        title=None,
        dropped=dropped,
        source_format=source_format,
        version_label=version,
    )


def _drop_page_furniture(
    pages: list[list[str]],
) -> tuple[list[list[str]], list[str]]:
    """Remove page headers and footers: lines by their pattern anywhere, page numbers
    at a page edge, and lines at the edge of most pages (digits ignored, so
    "blz. 1" and "blz. 2" count as the same line)."""
    edges = [_edge_indexes(page) for page in pages]
    repeated: set[str] = set()
    if len(pages) >= 2:
        counts = Counter(
            key
            for page, idx in zip(pages, edges, strict=True)
            for key in {_repeat_key(page[i]) for i in idx}
            if len(key) >= 3
        )
        needed = max(2, math.floor(len(pages) / 2) + 1)
        repeated = {key for key, n in counts.items() if n >= needed}
    kept_pages, dropped = [], []
    for page, idx in zip(pages, edges, strict=True):
        kept = []
        for i, line in enumerate(page):
            at_edge = i in idx
            if line and (
                is_footer(line)
                or (at_edge and len(pages) >= 2 and _PAGE_NUMBER.match(line))
                or (at_edge and _repeat_key(line) in repeated)
            ):
                dropped.append(line)
                # A footer inside the text (a .txt saved from a PDF without form
                # feeds) marks a page break all the same.
                kept.append(PAGE_BREAK)
                continue
            kept.append(line)
        kept_pages.append(kept)
    return kept_pages, dropped


def _edge_indexes(page: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(page) if line]
    return set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])


def _repeat_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


_UNORDERED = re.compile(r"^(?:[-•*–—·▪◦■●‣\u2043]|o(?=\s))\s*(?P<text>\S.*)$")
_ORDERED = re.compile(r"^\(?(?:\d{1,2}|[a-z])[.)]\s+(?P<text>\S.*)$")
_NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S")
_SENTENCE_END = re.compile(r"[.!?:]['\"\u2019\u201d)]*$")
_HEADING_END = re.compile(r"[.,;:]$")
MAX_HEADING = 70
MAX_HEADING_WORDS = 12


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _starts_lowercase(text: str) -> bool:
    return bool(text) and text[0].islower()


def list_item(line: str) -> tuple[str, bool] | None:
    """(text, ordered) when the line starts a list item."""
    if match := _UNORDERED.match(line):
        # "- 5 dagen" is an item, "-5" or "--" is not; "o" needs its space.
        if line[0] in "-–—*" and not line[1:2].isspace():
            return None
        return match.group("text"), False
    if match := _ORDERED.match(line):
        return match.group("text"), True
    return None


def heading_like(text: str) -> bool:
    if not (2 <= len(text) <= MAX_HEADING) or _HEADING_END.search(text):
        return False
    if len(text.split()) > MAX_HEADING_WORDS:
        return False
    if text[0].isdigit():
        return bool(_NUMBERED_HEADING.match(text))
    return text[0].isupper()


def _join(previous: str, following: str) -> str:
    """Join a wrapped line to the one before: "klach-" + "ten" is "klachten"."""
    if re.search(r"[^\W\d_]-$", previous) and following[:1].islower():
        return previous[:-1] + following
    return f"{previous} {following}"


def _text_elements(lines: list[str]) -> list[tuple]:
    """Headings, paragraphs and list items of a text whose page furniture is gone.

    Elements are ("heading", text), ("paragraph", text) and ("item", text, ordered).
    """
    filled = [len(line) for line in lines if _filled(line)]
    if not filled:
        return []
    # How wide the text was set: a line near that width was wrapped by the layout,
    # so it runs on even when it happens to end with a full stop.
    wrap_width = sorted(filled)[int(0.9 * (len(filled) - 1))]
    long_line = max(40, int(0.75 * wrap_width))

    lines = _merge_wrapped_headings(lines)
    elements: list[list] = []  # mutable while lines are still being added
    open_block = False  # the last element may still take a wrapped line
    blank_before = True
    page_break = False
    for index, line in enumerate(lines):
        if not _filled(line):
            blank_before = True
            page_break = page_break or line == PAGE_BREAK
            continue
        following = _next_filled(lines, index)
        last = elements[-1] if elements else None
        last_text = last[1] if last else ""
        item = list_item(line)
        # An unfinished sentence runs on into a lowercase line, even over blank
        # lines, and over a page break into any line that is not a heading.
        runs_on = (
            last is not None
            and last[0] != "heading"
            and not _ends_sentence(last_text)
            and (_starts_lowercase(line) or (page_break and not heading_like(line)))
        )
        if runs_on and item is None:
            last[1] = _join(last_text, line)
            open_block = True
        elif item is not None and not _is_numbered_heading(line, item, last, following):
            elements.append(["item", item[0], item[1]])
            open_block = True
        elif _is_title_line(line, last, lines, index):
            elements.append(["heading", capitalise(line)])
            open_block = False
        elif (
            (
                blank_before
                or last is None
                or last[0] == "heading"
                or _ends_sentence(last_text)
            )
            and heading_like(line)
            and following is not None
            and not _starts_lowercase(lines[index + 1])
        ):
            elements.append(["heading", line])
            open_block = False
        elif (
            open_block
            and not blank_before
            and last is not None
            and (
                last[0] == "paragraph"
                or (last[0] == "item" and not _ends_sentence_or_item(last_text))
            )
        ):
            last[1] = _join(last_text, line)
        else:
            elements.append(["paragraph", line])
            open_block = True
        # A short line that ends a sentence ends its paragraph (or item).
        if open_block and _ends_sentence(line) and len(line) < long_line:
            open_block = False
        blank_before = page_break = False
    return [tuple(e) for e in elements]


def _merge_wrapped_headings(lines: list[str]) -> list[str]:
    """A heading set on two lines ("Testprocedure klachten en" / "beroep"), between
    blank lines, becomes one line; the rules above then see a heading."""
    lines = list(lines)
    for i in range(1, len(lines) - 2):
        first, second = lines[i], lines[i + 1]
        if (
            not _filled(lines[i - 1])
            and _filled(first)
            and _filled(second)
            and not _filled(lines[i + 2])
            and _starts_lowercase(second)
            and not _HEADING_END.search(first)
            and not _HEADING_END.search(second)
            and list_item(first) is None
            and len(first) + len(second) < MAX_HEADING
        ):
            lines[i], lines[i + 1] = _join(first, second), ""
    return lines


def _is_title_line(line, last, lines, index) -> bool:
    """The document's first line, set apart by a blank line, is its title even in
    lowercase ("procedure klachten & beroep")."""
    return (
        last is None
        and not _filled(lines[index + 1])
        and len(line) <= MAX_HEADING
        and not _HEADING_END.search(line)
        and list_item(line) is None
        and _next_filled(lines, index) is not None
    )


def _ends_sentence_or_item(text: str) -> bool:
    return _ends_sentence(text) or text.endswith(";")


def _filled(line: str) -> bool:
    return bool(line) and line != PAGE_BREAK


def _next_filled(lines: list[str], index: int) -> str | None:
    return next((line for line in lines[index + 1 :] if _filled(line)), None)


def _is_numbered_heading(line, item, last, following) -> bool:
    """ "1. Doel" on its own, not in a run of numbered items, is a heading."""
    if not item[1] or not _NUMBERED_HEADING.match(line) or not heading_like(line):
        return False
    if following is not None and _starts_lowercase(following):
        return False  # a numbered item wrapped onto the next line
    in_list = (last is not None and last[0] == "item") or (
        following is not None and list_item(following) is not None
    )
    return not in_list and following is not None
