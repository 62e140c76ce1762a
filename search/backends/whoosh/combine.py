"""EVERY and NOTHING, and the boolean combinators that simplify around them.

One module for the query translation (``compiler``), the filter translation
(``filters``) and the results (``results``): they recognise "everything" and
"nothing" by identity, so each constant must exist exactly once.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import AndNotMatcher

EVERY = wq.Every()
NOTHING = wq.NullQuery


def and_(queries):
    queries = [q for q in queries if q is not EVERY]
    if any(q is NOTHING for q in queries):
        return NOTHING
    if not queries:
        return EVERY
    return queries[0] if len(queries) == 1 else wq.And(queries)


def or_(queries):
    queries = [q for q in queries if q is not NOTHING]
    if any(q is EVERY for q in queries):
        return EVERY
    if not queries:
        return NOTHING
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def not_(query):
    if query is EVERY:
        return NOTHING
    if query is NOTHING:
        return EVERY
    return AndNot(EVERY, query)


class _AndNotMatcher(AndNotMatcher):
    """Whoosh's "a and not b" matcher, except at the start: Whoosh 2.7.4 only
    checks a's first document against b when b happens to start at that same
    document, so when b starts earlier a's first document is listed even
    though b holds it ("klacht -zaak" listed a file with "zaak" in it). Here
    b is skipped to a's first document, as for every later one."""

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class AndNot(wq.AndNot):
    """``a`` without the documents of ``b``, with the matcher above."""

    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return _AndNotMatcher(scored, excluded)
