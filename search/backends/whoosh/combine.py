"""EVERY and NOTHING, and the boolean combinators that simplify around them.

One module for the query translation (``compiler``), the filter translation
(``filters``) and the results (``results``): they recognise "everything" and
"nothing" by identity, so each constant must exist exactly once.
"""

from __future__ import annotations

from whoosh import query as wq

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
    return wq.AndNot(EVERY, query)
