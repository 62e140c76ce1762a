"""Restricting a Whoosh search to a set of document numbers inside the matcher.

Whoosh's own ``filter=`` walks every document the query matches and drops the
ones not in the set. For a user who may see 1 % of the documents, a common word
then costs as much as for a user who sees everything, and the top-k block skipping
only starts once ten allowed documents were scored.

``Restricted(query, DocnumSet(allowed))`` intersects instead: the sorted allowed
document numbers lead, the query's posting lists skip to them (whole blocks at a
time), only allowed documents are ever scored, and the scores (and the block-max
optimisations) come from the query alone.
"""

from __future__ import annotations

from bisect import bisect_left

from whoosh import query as wq
from whoosh.matching import ListMatcher, Matcher, NullMatcher, ReadTooFar


class SortedListMatcher(ListMatcher):
    """A ``ListMatcher`` over sorted ids whose ``skip_to`` bisects."""

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        if id <= self._ids[self._i]:
            return
        self._i = bisect_left(self._ids, id, self._i)

    def copy(self):
        return self.__class__(self._ids, position=self._i)


class RestrictMatcher(Matcher):
    """Documents of ``a`` that are also in ``b``, with ``a``'s scores.

    What Whoosh's ``RequireMatcher`` is for; that one breaks on block-quality
    skipping (``IntersectionMatcher._find_next`` asserts the two sides differ).
    """

    def __init__(self, a, b) -> None:
        self.a = a
        self.b = b
        self._sync()

    def _sync(self) -> None:
        a, b = self.a, self.b
        while a.is_active() and b.is_active():
            a_id, b_id = a.id(), b.id()
            if a_id == b_id:
                return
            if a_id < b_id:
                a.skip_to(b_id)
            else:
                b.skip_to(a_id)

    def is_active(self) -> bool:
        return self.a.is_active() and self.b.is_active()

    def reset(self) -> None:
        self.a.reset()
        self.b.reset()
        self._sync()

    def children(self):
        return [self.a, self.b]

    def copy(self):
        return self.__class__(self.a.copy(), self.b.copy())

    def id(self):
        return self.a.id()

    def next(self):
        self.a.next()
        self._sync()
        return True  # the scored side may have entered a new block

    def skip_to(self, id):
        if self.a.is_active():
            self.a.skip_to(id)
        self._sync()

    def replace(self, minquality=0):
        if not self.is_active():
            return NullMatcher()
        a = self.a
        if minquality and a.supports_block_quality() and a.max_quality() < minquality:
            return NullMatcher()
        # Only drop exhausted sub-matchers (``replace(0)``). With a minimum
        # quality Whoosh turns a union into an ``AndMaybeMatcher``, whose
        # ``skip_to`` leaves its optional side behind when the required side
        # overshoots the target: its score is then silently missing. The
        # collector only ever calls ``next()`` on it; this matcher calls
        # ``skip_to()`` all the time. Block-quality skipping still applies.
        new_a = a.replace(0)
        if not new_a.is_active():
            return NullMatcher()
        if new_a is not a:
            return self.__class__(new_a, self.b)
        return self

    def supports_block_quality(self) -> bool:
        return self.a.supports_block_quality()

    def max_quality(self):
        return self.a.max_quality()

    def block_quality(self):
        return self.a.block_quality()

    def skip_to_quality(self, minquality):
        skipped = self.a.skip_to_quality(minquality)
        self._sync()
        return skipped

    def supports(self, astype):
        return self.a.supports(astype)

    def value(self):
        return self.a.value()

    def value_as(self, astype):
        return self.a.value_as(astype)

    def spans(self):
        return self.a.spans()

    def weight(self):
        return self.a.weight()

    def score(self):
        return self.a.score()

    def matching_terms(self, id=None):
        return self.a.matching_terms(id)


class DocnumSet(wq.Query):
    """Matches exactly the given global document numbers (unscored)."""

    def __init__(self, docnums) -> None:
        self.docnums = sorted(docnums)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({len(self.docnums)} documents)"

    def __eq__(self, other) -> bool:
        return isinstance(other, DocnumSet) and self.docnums == other.docnums

    def __hash__(self) -> int:
        return hash((DocnumSet, len(self.docnums)))

    def estimate_size(self, ixreader) -> int:
        return len(self.docnums)

    def _local_ids(self, searcher) -> list[int]:
        parent = searcher.get_parent()
        offset = 0 if parent is searcher else parent._offset_for_subsearcher(searcher)
        offset = offset or 0
        end = offset + searcher.doc_count_all()
        low = bisect_left(self.docnums, offset)
        high = bisect_left(self.docnums, end)
        if not offset:
            return self.docnums[low:high]
        return [docnum - offset for docnum in self.docnums[low:high]]

    def matcher(self, searcher, context=None):
        ids = self._local_ids(searcher)
        if not ids:
            return NullMatcher()
        return SortedListMatcher(ids)

    def docs(self, searcher):
        return iter(self._local_ids(searcher))


class Restricted(wq.Query):
    """``query``, matching only documents of ``docset``, scored by ``query`` alone.

    What ``whoosh.query.Require`` is documented to do; its ``matcher()`` in
    Whoosh 2.7.4 builds an ``AndNotMatcher`` instead (the opposite), and its
    ``RequireMatcher`` fails on block-quality skipping.
    """

    def __init__(self, query, docset: DocnumSet) -> None:
        self.query = query
        self.docset = docset

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.query!r}, {self.docset!r})"

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, Restricted)
            and self.query == other.query
            and self.docset == other.docset
        )

    def __hash__(self) -> int:
        return hash((Restricted, hash(self.query), hash(self.docset)))

    def is_leaf(self) -> bool:
        return False

    def children(self):
        return iter([self.query])

    def estimate_size(self, ixreader) -> int:
        return min(self.query.estimate_size(ixreader), len(self.docset.docnums))

    def matcher(self, searcher, context=None):
        scored = self.query.matcher(searcher, context)
        if not scored.is_active():
            return NullMatcher()
        required = self.docset.matcher(searcher)
        if not required.is_active():
            return NullMatcher()
        return RestrictMatcher(scored, required)

    def docs(self, searcher):
        allowed = set(self.docset._local_ids(searcher))
        return (docnum for docnum in self.query.docs(searcher) if docnum in allowed)


def restrict(query, allowed):
    """``query`` limited to the document numbers in ``allowed`` (a set)."""
    return Restricted(query, DocnumSet(allowed))
