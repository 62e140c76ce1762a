"""Text analysis for the Whoosh backend (Dutch by default).

The stock ``whoosh.analysis.LanguageAnalyzer`` chains four generator filters and
memoises the Snowball stemmer with Whoosh's pure-Python LRU cache. Indexing time
is dominated by that per-token overhead, so :class:`LanguageFilter` does
lower-casing, accent folding, stop-word removal and stemming in a single pass and
memoises the stemmer with :func:`functools.lru_cache` (implemented in C).

Accent folding happens *before* stemming so that "geëscaleerd" and "geescaleerd"
produce the same stem whichever way the user types it; the stop-word list is
folded the same way so that a folded token is still recognised as a stop word.

The filter objects are pickled into the Whoosh index's table of contents, so they
must stay importable under this module path (moving the module means bumping
``schema.SCHEMA_VERSION``) and must not carry caches in their pickled state (see
``__getstate__``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

from whoosh.analysis import (
    Filter,
    NgramFilter,
    RegexTokenizer,
    Token,
)
from whoosh.lang import (
    has_stemmer,
    has_stopwords,
    stemmer_for_language,
    stopwords_for_language,
)
from whoosh.support.charset import accent_map

from ...words import WORD_PATTERN

DEFAULT_LANGUAGE = "nl"

#: Size of the per-process stem cache; a Dutch vocabulary of ~30k forms fits.
STEM_CACHE_SIZE = 100_000

#: Edge n-gram sizes for autocomplete fields; longer query words are truncated.
AUTOCOMPLETE_MIN = 1
AUTOCOMPLETE_MAX = 20


def fold(text: str) -> str:
    """Lower-case and strip diacritics ("Geëscaleerd" -> "geescaleerd")."""
    return text.lower().translate(accent_map)


@functools.lru_cache(maxsize=16)
def _stem_function(language: str, cachesize: int) -> Callable[[str], str]:
    """Return a memoised stemmer, shared by every filter of that language."""
    if not has_stemmer(language):
        return str
    return functools.lru_cache(maxsize=cachesize)(stemmer_for_language(language))


@functools.lru_cache(maxsize=16)
def _stop_words(language: str) -> frozenset[str]:
    if not has_stopwords(language):
        return frozenset()
    return frozenset(fold(word) for word in stopwords_for_language(language))


def stemmer(language: str = DEFAULT_LANGUAGE) -> Callable[[str], str]:
    """The memoised stemmer of ``language`` (identity where there is none)."""
    return _stem_function(language, STEM_CACHE_SIZE)


def stop_words(language: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """The folded stop words of ``language``."""
    return _stop_words(language)


class LanguageFilter(Filter):
    """Fold, drop stop words and stem each token in one pass.

    Positions are renumbered after stop-word removal (like Whoosh's
    ``StopFilter``) so that a phrase containing a stop word still matches: the
    query is analysed the same way.
    """

    is_morph = True

    def __init__(
        self,
        language: str = DEFAULT_LANGUAGE,
        stopwords: bool = True,
        cachesize: int = STEM_CACHE_SIZE,
    ) -> None:
        self.language = language
        self.stopwords = stopwords
        self.cachesize = cachesize

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, LanguageFilter)
            and self.language == other.language
            and self.stopwords == other.stopwords
        )

    def __hash__(self) -> int:
        return hash((self.language, self.stopwords))

    def __getstate__(self) -> dict:
        return {
            "language": self.language,
            "stopwords": self.stopwords,
            "cachesize": self.cachesize,
        }

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = _stem_function(self.language, self.cachesize)
        stops = _stop_words(self.language) if self.stopwords else frozenset()
        translate = str.translate
        pos = 0
        for token in tokens:
            text = translate(token.text.lower(), accent_map)
            if text in stops:
                continue
            token.text = stem(text)
            if token.positions:
                token.pos = pos
            pos += 1
            yield token


class FoldFilter(Filter):
    """Lower-case and fold accents without stemming (for autocomplete)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FoldFilter)

    def __hash__(self) -> int:
        return hash(FoldFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        translate = str.translate
        for token in tokens:
            token.text = translate(token.text.lower(), accent_map)
            yield token


def text_analyzer(language: str = DEFAULT_LANGUAGE):
    """Analyzer for full-text fields: tokenise, fold, stop, stem."""
    return RegexTokenizer(WORD_PATTERN) | LanguageFilter(language)


def autocomplete_analyzer():
    """Index-time analyzer for autocomplete fields: folded edge n-grams.

    Edge n-grams make a prefix lookup a single term lookup at query time, which
    keeps autocomplete fast on large indexes at the cost of a larger lexicon.
    Autocomplete is not stemmed: a stem is often not a prefix of the word.
    """
    return (
        RegexTokenizer(WORD_PATTERN)
        | FoldFilter()
        | NgramFilter(AUTOCOMPLETE_MIN, AUTOCOMPLETE_MAX, at="start")
    )


def autocomplete_query_analyzer():
    """Query-time analyzer for autocomplete: tokenise and fold only."""
    return RegexTokenizer(WORD_PATTERN) | FoldFilter()


def analyze(analyzer, text: str) -> list[str]:
    """Return the terms ``analyzer`` produces for ``text`` in query mode."""
    return [token.text for token in analyzer(text, mode="query")]


__all__ = [
    "DEFAULT_LANGUAGE",
    "WORD_PATTERN",
    "FoldFilter",
    "LanguageFilter",
    "analyze",
    "autocomplete_analyzer",
    "autocomplete_query_analyzer",
    "fold",
    "stemmer",
    "stop_words",
    "text_analyzer",
]
