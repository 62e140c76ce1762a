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
    fragmenter = wh.ContextFragmenter(maxchars=surround * 4, surround=surround)
    formatter = wh.HtmlFormatter(tagname="mark", between=" … ")
    fragments = fragmenter.fragment_tokens(text, _words(text, terms, language))
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
    term_of = _memo(language)
    token = Token(positions=False, chars=True, removestops=False, mode="query")
    token.boost = 1.0
    token.stopped = False
    for match in _WORD.finditer(text):
        word = match.group()
        term = term_of.get(word)
        if term is None:
            term = _term(word, language)
            if len(term_of) >= MEMO_SIZE:
                term_of.clear()
            term_of[word] = term
        if not term:
            continue  # a stop word
        token.original = word
        token.text = term
        token.startchar, token.endchar = match.span()
        token.matched = term in terms
        yield token


@functools.lru_cache(maxsize=16)
def _memo(language: str) -> dict:
    return {}


def _term(word: str, language: str) -> str:
    """The term the index keeps for a written word, or "" for a stop word."""
    folded = fold(word)
    if folded in stop_words(language):
        return ""
    return stemmer(language)(folded)
