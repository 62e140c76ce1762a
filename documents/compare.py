"""Comparing two versions of a procedure as text a reader can follow: which
sections were added, removed or changed, and within a change which words.

`procedure_compare` and `sections_compare` are pure (text in, structure out);
`document_text` turns a `ProcedurePage` (a revision's content) into that text.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"

# Between two changes, an unchanged run of at most this many words ("de", "en")
# is shown as part of the change: otherwise a reworded sentence reads as confetti.
_BRIDGE_WORDS = 1
_TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    op: str  # EQUAL, INSERT or DELETE
    text: str


@dataclass(frozen=True)
class FieldDiff:
    old: str
    new: str
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class SectionDiff:
    status: str  # ADDED, REMOVED, CHANGED or UNCHANGED
    heading: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class DocumentText:
    title: str
    summary: str
    sections: tuple[tuple[str, str], ...]  # (heading, plain text)


@dataclass(frozen=True)
class Comparison:
    title: FieldDiff
    summary: FieldDiff
    sections: tuple[SectionDiff, ...]

    def _with(self, status: str) -> list[SectionDiff]:
        return [s for s in self.sections if s.status == status]

    @property
    def added(self) -> list[SectionDiff]:
        return self._with(ADDED)

    @property
    def removed(self) -> list[SectionDiff]:
        return self._with(REMOVED)

    @property
    def changed(self) -> list[SectionDiff]:
        return self._with(CHANGED)

    @property
    def unchanged(self) -> list[SectionDiff]:
        return self._with(UNCHANGED)

    @property
    def has_changes(self) -> bool:
        return (
            self.title.changed
            or self.summary.changed
            or any(s.status != UNCHANGED for s in self.sections)
        )


def _tokens(text: str) -> list[str]:
    # Words, punctuation and spaces each a token ("maand." is "maand" and "."), so
    # that joining them gives the text back and a changed full stop stays one.
    lines = (" ".join(line.split()) for line in text.strip().splitlines())
    return _TOKEN.findall("\n".join(line for line in lines if line))


def _words(tokens: Sequence[str]) -> int:
    return sum(1 for t in tokens if not t.isspace())


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The word-level difference of two texts as segments to show in order: equal
    text, deleted words (old) directly followed by the inserted words (new)."""
    a, b = _tokens(old), _tokens(new)
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    runs = [(tag == EQUAL, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in opcodes]
    merged: list[list] = []  # [is_equal, old tokens, new tokens]
    for n, (is_equal, old_part, new_part) in enumerate(runs):
        if (
            is_equal
            and 0 < n < len(runs) - 1
            and _words(old_part) <= _BRIDGE_WORDS
            and "\n" not in old_part
        ):
            is_equal = False  # between two changes: see _BRIDGE_WORDS
        if merged and not merged[-1][0] and not is_equal:
            merged[-1][1].extend(old_part)
            merged[-1][2].extend(new_part)
        else:
            merged.append([is_equal, list(old_part), list(new_part)])
    segments: list[Segment] = []
    for is_equal, old_part, new_part in merged:
        if is_equal:
            segments.append(Segment(EQUAL, "".join(old_part)))
            continue
        before, old_part, new_part, after = _trim_spaces(old_part, new_part)
        if before:
            segments.append(Segment(EQUAL, before))
        if old_part:
            segments.append(Segment(DELETE, "".join(old_part)))
        if new_part:
            segments.append(Segment(INSERT, "".join(new_part)))
        if after:
            segments.append(Segment(EQUAL, after))
    return tuple(_merge_equal(segments))


def _trim_spaces(old_part: list[str], new_part: list[str]):
    """Move a space both sides of a change start (or end) with out of it: the
    change then marks words, not the gap before them."""

    def edge(index: int) -> str:
        ends = {part[index] for part in (old_part, new_part) if part}
        piece = ends.pop() if len(ends) == 1 else ""
        return piece if piece.isspace() and piece != "\n" else ""

    before = edge(0)
    if before:
        old_part = old_part[1:] if old_part else old_part
        new_part = new_part[1:] if new_part else new_part
    after = edge(-1) if (old_part or new_part) else ""
    if after:
        old_part = old_part[:-1] if old_part else old_part
        new_part = new_part[:-1] if new_part else new_part
    return before, old_part, new_part, after


def _merge_equal(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].op == segment.op == EQUAL:
            merged[-1] = Segment(EQUAL, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def _field(old: str, new: str) -> FieldDiff:
    return FieldDiff(old=old, new=new, segments=word_diff(old, new))


def _key(heading: str) -> str:
    return " ".join(heading.split()).casefold()


def sections_compare(
    old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]
) -> tuple[SectionDiff, ...]:
    """Match sections by heading (the n-th "Doel" with the n-th "Doel") and say of
    each whether it was added, removed, changed or left as it was. The result
    follows the new order; a removed section stands where it used to be."""
    old_by_key: dict[str, list[int]] = defaultdict(list)
    for i, (heading, _text) in enumerate(old):
        old_by_key[_key(heading)].append(i)
    matched: dict[int, int] = {}  # new index -> old index
    for j, (heading, _text) in enumerate(new):
        candidates = old_by_key.get(_key(heading))
        if candidates:
            matched[j] = candidates.pop(0)
    matched_old = set(matched.values())
    removed = [i for i in range(len(old)) if i not in matched_old]

    result: list[SectionDiff] = []

    def flush_removed(before: int) -> None:
        while removed and removed[0] < before:
            i = removed.pop(0)
            heading, text = old[i]
            result.append(SectionDiff(REMOVED, heading, word_diff(text, "")))

    for j, (heading, text) in enumerate(new):
        if j not in matched:
            result.append(SectionDiff(ADDED, heading, word_diff("", text)))
            continue
        i = matched[j]
        flush_removed(i)
        old_text = old[i][1]
        status = UNCHANGED if _tokens(old_text) == _tokens(text) else CHANGED
        result.append(SectionDiff(status, heading, word_diff(old_text, text)))
    flush_removed(len(old))
    return tuple(result)


def procedure_compare(old: DocumentText, new: DocumentText) -> Comparison:
    """Compare two versions' text: title, summary and the sections."""
    return Comparison(
        title=_field(old.title, new.title),
        summary=_field(old.summary, new.summary),
        sections=sections_compare(old.sections, new.sections),
    )


_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote)>|<br\s*/?>", re.IGNORECASE)


def rich_text_plain(source: str) -> str:
    """Rich text HTML as plain lines: one per paragraph or list item."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", source)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def section_plain(content) -> str:
    """The plain text of a section's content blocks (paragraphs, bullets, notes)."""
    parts = []
    for child in content:
        if child.block_type == "paragraph":
            parts.append(rich_text_plain(child.value.source))
        elif child.block_type == "bullets":
            parts.extend(f"• {' '.join(str(item).split())}" for item in child.value)
        elif child.block_type == "note":
            parts.append(_("Opmerking:") + " " + " ".join(child.value["text"].split()))
    return "\n".join(p for p in parts if p)


def document_text(page) -> DocumentText:
    """What is compared of a procedure (page or revision content)."""
    return DocumentText(
        title=page.title,
        summary=page.summary or "",
        sections=tuple(
            (block.value["heading"], section_plain(block.value["content"]))
            for block in page.body
            if block.block_type == "section"
        ),
    )
