"""What a read document consists of, and how its headings, paragraphs and list
items become sections."""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Block:
    """One piece of a section: a paragraph (`text`) or a list (`items`)."""

    kind: str  # "paragraph", "bullets" or "numbered"
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ParsedDocument:
    """What was found in a document; `code` and `version_label` are only what the
    file itself says (filename, footer), empty when it says nothing."""

    title: str
    sections: tuple[Section, ...]
    dropped_lines: tuple[str, ...] = ()
    source_format: str = "txt"
    code: str = ""
    version_label: str = ""
    skipped_headings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def word_count(self) -> int:
        words = 0
        for section in self.sections:
            words += len(section.heading.split())
            for block in section.blocks:
                words += sum(len(t.split()) for t in (block.text, *block.items))
        return words

    @property
    def list_item_count(self) -> int:
        return sum(len(b.items) for s in self.sections for b in s.blocks)

    @property
    def distinct_dropped_lines(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.dropped_lines))

    def stream_data(self) -> list[tuple[str, dict]]:
        """The body as `ProcedurePage.body` takes it: one "section" block each."""
        return [
            (
                "section",
                {
                    "heading": section.heading,
                    "content": [_block_data(b) for b in section.blocks],
                },
            )
            for section in self.sections
        ]

    def summary(self) -> str:
        """One Dutch sentence: what was found and what was left out."""
        return _("%(sections)s, %(words)s, %(items)s; %(dropped)s weggelaten.") % {
            "sections": ngettext("%d sectie", "%d secties", len(self.sections))
            % len(self.sections),
            "words": ngettext("%d woord", "%d woorden", self.word_count)
            % self.word_count,
            "items": ngettext(
                "%d opsommingspunt", "%d opsommingspunten", self.list_item_count
            )
            % self.list_item_count,
            "dropped": ngettext(
                "%d kop- of voettekstregel",
                "%d kop- en voettekstregels",
                len(self.dropped_lines),
            )
            % len(self.dropped_lines),
        }


def _block_data(block: Block) -> tuple[str, object]:
    if block.kind == "bullets":
        return ("bullets", list(block.items))
    if block.kind == "numbered":
        items = "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in block.items)
        return ("paragraph", f"<ol>{items}</ol>")
    return ("paragraph", f"<p>{html.escape(block.text, quote=False)}</p>")


def assemble(
    elements: list[tuple],
    *,
    title: str | None,
    dropped: list[str],
    source_format: str,
    version_label: str = "",
    notes: list[str] | None = None,
) -> ParsedDocument:
    elements = list(elements)
    if title is None and elements and elements[0][0] == "heading":
        if len(elements) == 1 or elements[1][0] == "heading":
            title = elements.pop(0)[1]  # a title line with nothing under it
        else:
            title = elements[0][1]
    sections: list[Section] = []
    skipped: list[str] = []
    heading = None
    blocks: list[Block] = []

    def close():
        if heading is None and not blocks:
            return
        if not blocks:
            skipped.append(heading)
            return
        sections.append(Section(heading or _("Inleiding"), tuple(blocks)))

    for element in elements:
        kind = element[0]
        if kind == "heading":
            close()
            heading, blocks = element[1], []
        elif kind == "paragraph":
            blocks.append(Block("paragraph", text=element[1]))
        else:
            list_kind = "numbered" if element[2] else "bullets"
            if blocks and blocks[-1].kind == list_kind:
                blocks[-1] = Block(list_kind, items=(*blocks[-1].items, element[1]))
            else:
                blocks.append(Block(list_kind, items=(element[1],)))
    close()
    return ParsedDocument(
        title=capitalise(title or ""),
        sections=tuple(sections),
        dropped_lines=tuple(dropped),
        source_format=source_format,
        version_label=version_label,
        skipped_headings=tuple(skipped),
        notes=tuple(notes or ()),
    )


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
