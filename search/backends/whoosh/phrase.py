"""A phrase query whose matcher checks the words' positions as they are stored.

Whoosh's ``Phrase`` ranks through its span matcher (``SpanNear2``): for every
document that holds all the words it turns each word's positions into ``Span``
objects and compares them pair by pair, a dozen Python calls per position.
Ranking a phrase of two common words at 100,000 documents spent most of its
time there. :class:`PhraseMatcher` makes the same decision (slop 1: each word
exactly one position after the previous one) from the positions as sets, and
scores a hit exactly as Whoosh does (the words' intersection, times the
phrase's boost), so a ranking stays Whoosh's.

It also mends a mistake of the span matcher: after skipping ahead to a block
that may still reach the top (``skip_to_quality``) Whoosh did not look for the
phrase again, so the document it landed on was scored whether the words stood
together in it or not. Here the phrase is checked after every move.
"""

from __future__ import annotations

from itertools import accumulate
from pickle import loads

from whoosh import query as wq
from whoosh.formats import _INT_SIZE, Positions
from whoosh.matching import IntersectionMatcher, NullMatcher, WrappingMatcher
from whoosh.util import make_binary_tree

from .codec import known_phrase, phrase_key


def positions(value):
    """A posting's word positions (Whoosh's ``Positions`` format: a count,
    then a pickled list of distances; the block reader strips the pickle's
    final stop)."""
    if not value.endswith(b"."):
        value += b"."
    return accumulate(loads(value[_INT_SIZE:]))  # noqa: S301 (the index's own file)


class Phrase(wq.Phrase):
    """Whoosh's phrase query, matched by :class:`PhraseMatcher` where the
    words are next to each other (slop 1) in a field that stores positions;
    anything else is Whoosh's own matcher."""

    def matcher(self, searcher, context=None):
        name = self.fieldname
        if self.slop != 1 or len(self.words) < 2 or name not in searcher.schema:
            return super().matcher(searcher, context)
        field = searcher.schema[name]
        if type(field.format) is not Positions:
            return super().matcher(searcher, context)
        reader = searcher.reader()
        words = []
        for word in self.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return NullMatcher()
            if (name, word) not in reader:
                return NullMatcher()  # a word the field never holds
            words.append(word)
        # Each word's matcher as Whoosh's phrase builds it: its scores are
        # the phrase's.
        matchers = [wq.Term(name, word).matcher(searcher, context) for word in words]
        known = known_phrase(phrase_key(reader, name, self.words))
        return PhraseMatcher(matchers, boost=self.boost, known=known)


class PhraseMatcher(WrappingMatcher):
    """The documents of the words' intersection where the words stand one
    position after the other, in order; scored as the intersection, times
    ``boost`` (as Whoosh scores its phrase matcher)."""

    def __init__(self, matchers, boost=1.0, known=None):
        self.matchers = matchers
        # Every document of the segment where the phrase stands, when the
        # page counted it first (codec.known_phrase): then no positions are
        # read here.
        self.known = known
        child = make_binary_tree(IntersectionMatcher, matchers)
        super().__init__(child, boost=boost)
        self._find_next()

    def copy(self):
        return self.__class__(
            [m.copy() for m in self.matchers], boost=self.boost, known=self.known
        )

    def _adjacent(self) -> bool:
        if self.known is not None:
            return self.child.id() in self.known
        matchers = self.matchers
        ends = set(positions(matchers[0].value()))
        for matcher in matchers[1:]:
            ends = {p + 1 for p in ends}.intersection(positions(matcher.value()))
            if not ends:
                return False
        return True

    def _find_next(self) -> bool:
        """Move on to the first document (this one included) holding the
        phrase; whether a new block was entered on the way."""
        child = self.child
        entered = False
        while child.is_active() and not self._adjacent():
            entered = child.next() or entered
        return entered

    def next(self):
        entered = self.child.next()
        return self._find_next() or entered

    def skip_to(self, id):
        self.child.skip_to(id)
        self._find_next()

    def skip_to_quality(self, minquality):
        skipped = self.child.skip_to_quality(minquality / self.boost)
        self._find_next()
        return skipped

    def replace(self, minquality=0):
        # The word matchers are read for their positions: the tree is kept.
        return self if self.is_active() else NullMatcher()

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()

    def supports(self, astype):
        return self.child.supports(astype)
