"""What the portal asks of this backend beyond modelsearch's search API.

Only this package imports Whoosh, so that another engine can replace it: the
portal's pages ask the configured backend to highlight an excerpt or to analyse
words for "Bedoelde u", and make do without on a backend that lacks these
methods (plain word marking, no suggestion), such as modelsearch's database
backends.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import analysis
from .codec import blocks_read_once
from .highlight import highlight


class PortalMethods:
    """Mixed into :class:`~.backend.WhooshSearchBackend`; needs ``language``."""

    language: str

    def highlight(self, text: str, terms: str, top: int = 3) -> str:
        """Up to ``top`` fragments of ``text`` with the words of ``terms`` in
        ``<mark>``, HTML-escaped, or "" when none occurs. Words match as the
        index matches them, so "klachten" marks "klacht"."""
        return highlight(text, terms, language=self.language, top=top)

    def text_terms(self, text: str) -> list[str]:
        """The terms a search for ``text`` looks up: stemmed and folded, stop
        words left out."""
        return analysis.analyze(analysis.text_analyzer(self.language), text)

    def text_tokens(self, text: str) -> Iterator[tuple[str, str]]:
        """(term, word as written) for each word of ``text`` the index keeps."""
        analyzer = analysis.text_analyzer(self.language)
        for token in analyzer(text, keeporiginal=True, mode="index"):
            yield token.text, token.original

    def fold(self, text: str) -> str:
        """``text`` lower-cased without accents, as the index compares words."""
        return analysis.fold(text)

    def may_match(self, query, model) -> bool:
        """False only when ``query`` matches no document of ``model`` at all,
        whoever asks: a page can then leave that kind out before it builds the
        user's scope for it (that costs more than the search). Cheap: it stops
        at the first matching document."""
        return self.search(query, model, order_by_relevance=False).matches_any()

    def one_page(self):
        """A context for the searches of one page (its counts, facets and
        ranked list of every kind): each posting block of the index is read
        and decoded once within it, however many of them read it."""
        return blocks_read_once()

    def index_counter(self):
        """Counts documents per model for ``manage.py search_status``."""
        from .status import WhooshCounter

        return WhooshCounter(self)
