"""Words as the portal reads them, without a search engine.

The query parser and the index must split text into the same words, so the
pattern lives here, where neither needs the engine to import it. The plain
highlighter serves backends that do no text analysis of their own (modelsearch's
database backends): it marks the query's words where they occur as written, give
or take case and accents, where the Whoosh backend also marks inflected forms
("klachten" for "klacht").
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape

#: A word: letters and digits. Whoosh's default pattern (``\w+(\.?\w+)*``) keeps
#: "verslag_2025.pdf" or "boomvalkrapport.txt" as one token, so nobody found a file
#: by a word of its name; here dots and underscores separate words, as hyphens
#: and spaces already did. "verslag.pdf" typed as a query still finds the file
#: (both words, in that order).
WORD_PATTERN = r"[^\W_]+"

_WORD = re.compile(WORD_PATTERN)

#: Joins the fragments of one excerpt, as the Whoosh backend's highlighter does.
BETWEEN = " … "

#: A run of 4+ leader characters (dots, underscores, middots, ellipses), single
#: spaces between them allowed: a table of contents' "Klachten ........ 3".
#: Written as "a leader, then 3+ times (a space or not, a leader), then a space
#: or not" rather than "4+ times (a leader, a space or not)": the same runs, but
#: a pattern that starts with a character set lets the regex engine skip ahead
#: to the next leader character, about five times faster on a long text.
_LEADER = "[.\u2024\u2026\u00b7\u2027\u22c5\u2219_]"
_LEADERS = re.compile(rf"{_LEADER}(?:\s?{_LEADER}){{3,}}\s?")


def readable(text: str) -> str:
    """``text`` as an excerpt shows it: leader runs dropped, whitespace (line
    breaks, tabs, runs of spaces) made single spaces."""
    return " ".join(_LEADERS.sub(" ", text or "").split())


def fold(text: str) -> str:
    """Lower-case and strip diacritics ("Geëscaleerd" -> "geescaleerd")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def highlight_words(text: str, terms: str, *, top: int = 3, surround: int = 40) -> str:
    """Return up to ``top`` fragments of ``text`` with the words of ``terms`` in
    ``<mark>``, or "" when none occurs. The text is HTML-escaped."""
    wanted = {fold(word) for word in _WORD.findall(terms)}
    if not text or not wanted:
        return ""
    fragments: list[list] = []  # [low, high, [(start, end), ...]]
    for match in _WORD.finditer(text):
        if fold(match.group()) not in wanted:
            continue
        start, end = match.span()
        low, high = max(0, start - surround), min(len(text), end + surround)
        if fragments and low <= fragments[-1][1]:
            fragments[-1][1] = high
            fragments[-1][2].append((start, end))
        elif len(fragments) < top:
            fragments.append([low, high, [(start, end)]])
        else:
            break
    return BETWEEN.join(_fragment(text, *fragment) for fragment in fragments)


def _fragment(text: str, low: int, high: int, spans: list[tuple[int, int]]) -> str:
    # A fragment neither starts nor ends in the middle of a word.
    first, last = spans[0][0], spans[-1][1]
    while low < first and text[low - 1 : low].isalnum() and text[low].isalnum():
        low += 1
    while high > last and text[high - 1].isalnum() and text[high : high + 1].isalnum():
        high -= 1
    parts = []
    position = low
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:high]))
    return "".join(parts).strip()
