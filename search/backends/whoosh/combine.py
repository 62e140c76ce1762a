"""EVERY and NOTHING, and the boolean combinators that simplify around them.

One module for the query translation (``compiler``), the filter translation
(``filters``) and the results (``results``): they recognise "everything" and
"nothing" by identity, so each constant must exist exactly once.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import AndMaybeMatcher, AndNotMatcher, ReadTooFar, UnionMatcher

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
    return queries[0] if len(queries) == 1 else Or(queries)


def not_(query):
    if query is EVERY:
        return NOTHING
    if query is NOTHING:
        return EVERY
    return AndNot(EVERY, query)


class _AndNotMatcher(AndNotMatcher):
    """Whoosh's "a and not b" matcher, with two of Whoosh 2.7.4's mistakes
    mended. At the start it only checked a's first document against b when b
    happened to start at that same document, so when b started earlier a's
    first document was listed even though b held it ("klacht -zaak" listed a
    file with "zaak" in it): here b is skipped to it, as for every later one.
    And a skip that takes a past its last document went on to read a's
    current document (an IndexError for a short list: a restricted user's
    "rareword -commonword" was an error page)."""

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()

    def skip_to(self, id):
        if not self.a.is_active():
            raise ReadTooFar
        if id < self.a.id():
            return
        self.a.skip_to(id)
        if self.a.is_active() and self.b.is_active():
            self.b.skip_to(id)
            self._find_next()

    def skip_to_quality(self, minquality):
        skipped = self.a.skip_to_quality(minquality)
        if self.a.is_active():
            self._find_next()
        return skipped


class AndNot(wq.AndNot):
    """``a`` without the documents of ``b``, with the matcher above."""

    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return _AndNotMatcher(scored, excluded)


class FuzzyTerm(wq.FuzzyTerm):
    """Whoosh's fuzzy word, its expansion (the index's words within the edit
    distance) kept with the segment reader it was read from. "Bedoelde u"
    asks the same fuzzy word of every kind, first whether anything matches,
    then for the hits, and Whoosh expands it again for each matcher and each
    size estimate: walking the word list with the automaton took most of a
    page without results. A reader never changes (a changed index is read
    by a new one), so its expansions stay true as long as it lives."""

    def _btexts(self, ixreader):
        try:
            kept = ixreader.__dict__.setdefault("_portal_fuzzy", {})
        except AttributeError:  # a reader without a __dict__: not kept
            return super()._btexts(ixreader)
        key = (self.fieldname, self.text, self.maxdist, self.prefixlength)
        words = kept.get(key)
        if words is None:
            if len(kept) >= FUZZY_KEPT:
                kept.clear()
            words = kept[key] = tuple(super()._btexts(ixreader))
        return words


#: Fuzzy expansions kept per reader (a page asks a few words in a few fields).
FUZZY_KEPT = 256


class _AndMaybeMatcher(AndMaybeMatcher):
    """Whoosh's "a, and b where it also matches" matcher (what an "or" becomes
    once one side can no longer reach the top 10 on its own), with its skips
    mended: ``skip_to`` moved b to the target, not to where a landed, and a
    quality skip of a left b behind. Inside an "and" b's score was then
    missing from a's next documents: Whoosh 2.7.4's top 10 of "a phrase in the
    title or the text, and another word" could leave out its best hit."""

    def skip_to(self, id):
        if not self.a.is_active():
            raise ReadTooFar
        moved = self.a.skip_to(id)
        if self.a.is_active() and self.b.is_active():
            moved = self.b.skip_to(self.a.id()) or moved
        return moved

    def skip_to_quality(self, minquality):
        skipped = super().skip_to_quality(minquality)
        if self.a.is_active() and self.b.is_active() and self.b.id() < self.a.id():
            self.b.skip_to(self.a.id())
        return skipped

    def replace(self, minquality=0):
        return _mended(super().replace(minquality))


class _UnionMatcher(UnionMatcher):
    """Whoosh's union, whose pruned forms are the mended matchers here."""

    def replace(self, minquality=0):
        return _mended(super().replace(minquality))


def _mended(matcher):
    kind = type(matcher)
    if kind is AndMaybeMatcher:
        return _AndMaybeMatcher(matcher.a, matcher.b)
    if kind is UnionMatcher:
        return _UnionMatcher(matcher.a, matcher.b)
    return matcher


class Or(wq.Or):
    """Whoosh's "or", built from the mended union above where Whoosh builds
    a tree of unions (the same tree, the same scores)."""

    def _matcher(self, subs, searcher, context):
        needs_current = context.needs_current if context else True
        if (
            self.matcher_type != self.AUTO_MATCHER
            or self.scale
            or len(subs) >= self.TOO_MANY_CLAUSES
            or not (needs_current or len(subs) == 2 or searcher.doc_count_all() > 5000)
        ):
            # What Whoosh builds otherwise (all hits read in advance, or a
            # scaled union): never pruned by replacement.
            return super()._matcher(subs, searcher, context)
        reader = searcher.reader()
        return self._tree_matcher(
            subs,
            _UnionMatcher,
            searcher,
            context,
            lambda query: query.estimate_size(reader),
        )
