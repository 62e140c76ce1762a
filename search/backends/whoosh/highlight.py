"""Highlight search terms in text fetched from the database.

The index stores no text (only the pk), which keeps indexing fast and the index
small; a results page shows at most a few dozen excerpts, so re-analysing their
text here is cheaper than storing every document's text in Whoosh.

Whoosh's fragmenter and formatter cut and mark the excerpt; the words they read
come from :func:`_words`, one loop over the text that looks each written word's
term up in a memo, instead of the analyser's chain of generators (tokenizer,
fold/stop/stem filter, "matched" filter), which cost most of a results page's
snippets. The words, their offsets and terms are the analyser's own: a test
compares the fragments with those of the analyser's words.

Of the fragments the best ``top`` are shown, in text order; among fragments of
equal score the earliest win (Whoosh's ``top_fragments`` breaks such ties by
the fragments' memory addresses, so the same hit could show another excerpt on
each request).
"""

from __future__ import annotations

import functools
import re

from whoosh import highlight as wh
from whoosh.analysis import Token

from .analysis import (
    DEFAULT_LANGUAGE,
    WORD_PATTERN,
    analyze,
    fold,
    stemmer,
    stop_words,
    text_analyzer,
)

_WORD = re.compile(WORD_PATTERN)

#: Written words whose term is remembered per language (cleared when full).
MEMO_SIZE = 200_000


def highlight(
    text: str,
    query_string: str,
    *,
    language: str = DEFAULT_LANGUAGE,
    top: int = 3,
    surround: int = 40,
) -> str:
    """Return up to ``top`` fragments of ``text`` with matches in ``<mark>``.

    Matching uses the same analysis as the index, so "klachten" in the query
    highlights "klacht" in the text. The text is HTML-escaped.
    """
    terms = frozenset(analyze(text_analyzer(language), query_string))
    if not text or not terms:
        return ""
    words = _words_near_matches(text, terms, language, surround)
    if words is None:
        return ""
    fragmenter = wh.ContextFragmenter(maxchars=surround * 4, surround=surround)
    formatter = wh.HtmlFormatter(tagname="mark", between=" … ")
    fragments = fragmenter.fragment_tokens(text, words)
    return formatter(text, best_fragments(fragments, top))


def best_fragments(fragments, top: int) -> list:
    """The ``top`` best-scored fragments in text order; the earliest first
    among equals, so that an excerpt is the same on every request."""
    score = wh.BasicFragmentScorer()
    ranked = sorted(
        ((score(f), f) for f in fragments),
        key=lambda pair: (-pair[0], pair[1].startchar),
    )
    best = [f for s, f in ranked[:top] if s >= 1]
    return sorted(best, key=lambda f: f.startchar)


def _words(text: str, terms: frozenset, language: str):
    """The words of ``text`` the index keeps (stop words left out), as one
    reused token with its term, offsets and whether it is one of ``terms``:
    what the analyser gives the fragmenter in ``chars`` mode."""
    return _tokens(_rows(text, 0, len(text), terms, language))


def _words_near_matches(text: str, terms: frozenset, language: str, surround: int):
    """The words of :func:`_words` that can change an excerpt, or None when no
    word of ``text`` is one of ``terms``.

    Whoosh's fragmenter (``ContextFragmenter``) looks at a word far from every
    match only to forget it: before a match it keeps the words that start at
    most ``surround`` characters before the end of the last unmatched word, and
    a fragment ends once the words after its last match add up to at most
    ``2 * surround`` characters. So the written words that are a match are
    found first (each distinct word of the text looked up once), and only the
    stretches of text around them are read word by word. A stretch that holds
    too little context for that rule (long runs of punctuation or stop words)
    makes the whole text read, as before."""
    term_of = _memo(language)
    words = list(set(_WORD.findall(text)))
    # The memo answers most words at C speed; a new word is stemmed once.
    forms = [
        word
        for word, term in zip(words, map(term_of.get, words), strict=True)
        if (term if term is not None else _term_of(word, term_of, language)) in terms
    ]
    if not forms:
        return None
    end = len(text)
    windows: list[list[int]] = []
    for start, stop in _occurrences(text, forms):
        low, high = (
            max(0, start - _BEFORE * surround),
            min(end, stop + _AFTER * surround),
        )
        if windows and low <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], high)
        else:
            windows.append([low, high])
    rows = []
    for low, high in windows:
        while low > 0 and text[low - 1].isalnum():
            low -= 1  # a stretch starts and ends with whole words
        while high < end and text[high].isalnum():
            high += 1
        part = list(_rows(text, low, high, terms, language))
        if not _holds_context(part, low > 0, high < end, surround):
            return _words(text, terms, language)
        rows.extend(part)
    return _tokens(rows)


#: A stretch read around a match: this many times ``surround`` characters
#: before it and after it (checked by :func:`_holds_context`, not assumed).
_BEFORE = 3
_AFTER = 6


def _holds_context(rows: list, cut_before: bool, cut_after: bool, surround: int):
    """Whether a stretch of words (rows of :func:`_rows`) cut out of a text
    holds every word the fragmenter needs around its matches: before the first
    match an unmatched word ending at least ``surround`` characters after the
    stretch's start (so the words it remembers all lie inside), and after the
    last match words of at least ``2 * surround`` characters (so the fragment
    ends inside)."""
    matched = [i for i, row in enumerate(rows) if row[3]]
    if cut_before:
        first = matched[0]
        if first == 0 or rows[first - 1][1] - surround < rows[0][0]:
            return False
    if cut_after:
        after = sum(stop - start for start, stop, _t, _m, _w in rows[matched[-1] + 1 :])
        if after < 2 * surround:
            return False
    return True


def _occurrences(text: str, forms: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of the written words ``forms`` in
    ``text`` as a whole word, in text order."""
    found = []
    end = len(text)
    for form in forms:
        size = len(form)
        at = text.find(form)
        while at >= 0:
            stop = at + size
            if (at == 0 or not text[at - 1].isalnum()) and (
                stop == end or not text[stop].isalnum()
            ):
                found.append((at, stop))
            at = text.find(form, stop)
    found.sort()
    return found


def _rows(text: str, low: int, high: int, terms: frozenset, language: str):
    """(start, end, term, matched, word) of each word in ``text[low:high]``
    that the index keeps (stop words left out); ``low`` and ``high`` lie
    between words."""
    term_of = _memo(language)
    for match in _WORD.finditer(text, low, high):
        word = match.group()
        term = _term_of(word, term_of, language)
        if term:  # not a stop word
            start, stop = match.span()
            yield start, stop, term, term in terms, word


def _tokens(rows):
    """The rows of :func:`_rows` as one reused token, as the analyser gives
    the fragmenter its words in ``chars`` mode."""
    token = Token(positions=False, chars=True, removestops=False, mode="query")
    token.boost = 1.0
    token.stopped = False
    for start, stop, term, matched, word in rows:
        token.original = word
        token.text = term
        token.startchar, token.endchar = start, stop
        token.matched = matched
        yield token


def _term_of(word: str, term_of: dict, language: str) -> str:
    """The term of a written word, through the language's memo."""
    term = term_of.get(word)
    if term is None:
        term = _term(word, language)
        if len(term_of) >= MEMO_SIZE:
            term_of.clear()
        term_of[word] = term
    return term


@functools.lru_cache(maxsize=16)
def _memo(language: str) -> dict:
    return {}


def _term(word: str, language: str) -> str:
    """The term the index keeps for a written word, or "" for a stop word."""
    folded = fold(word)
    if folded in stop_words(language):
        return ""
    return stemmer(language)(folded)
