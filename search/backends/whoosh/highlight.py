"""Highlight search terms in text fetched from the database.

The index stores no text (only the pk), which keeps indexing fast and the index
small; a results page shows at most a few dozen excerpts, so re-analysing their
text here is cheaper than storing every document's text in Whoosh.
"""

from __future__ import annotations

from whoosh import highlight as wh

from .analysis import DEFAULT_LANGUAGE, analyze, text_analyzer


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
    analyzer = text_analyzer(language)
    terms = frozenset(analyze(analyzer, query_string))
    if not text or not terms:
        return ""
    fragmenter = wh.ContextFragmenter(maxchars=surround * 4, surround=surround)
    formatter = wh.HtmlFormatter(tagname="mark", between=" … ")
    return wh.highlight(text, terms, analyzer, fragmenter, formatter, top=top)
