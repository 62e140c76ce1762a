"""The Whoosh codec of our indexes: Whoosh 3 plus inlined short posting lists.

Most terms of a real index occur in one or a few documents (the long tail of
Dutch compounds, the autocomplete prefixes, unique dates, primary keys). Whoosh
3 gives each of them a block of its own in the postings file: two pickles, a
header and a seek to read it back. The format can store short lists inline in
the term table instead (``W3TermInfo.set_inlined``) and its reader handles that,
but the stock writer never does it (``finish_postings`` calls a misspelled
``set_inline``), so the path is unused upstream: its ``ListMatcher`` loses the
term statistics when copied. :class:`PortalCodec` inlines lists of up to
``INLINE_LIMIT`` postings (written by :class:`~.writer.FastSegmentWriter`) and
reads them with :class:`InlineMatcher`, which keeps them. Longer lists are read
block by block as Whoosh does, by :class:`BlockMatcher`, which finds a document
inside a block by bisection instead of stepping posting by posting (a
restricted user's search skips every posting list to the few documents he may
see), and lists a block's documents at once.

The codec object is pickled into every segment of the index's table of
contents, so this class must stay importable under this module path.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import accumulate
from operator import attrgetter

from whoosh.codec.base import Automata
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.matching import ListMatcher, ReadTooFar

#: Posting lists of at most this many documents are stored in the term table.
INLINE_LIMIT = 4


class InlineMatcher(ListMatcher):
    """A ``ListMatcher`` for inlined postings that keeps its term statistics."""

    def copy(self):
        return self.__class__(
            self._ids,
            self._weights,
            self._values,
            self._format,
            scorer=self._scorer,
            position=self._i,
            all_weights=self._all_weights,
            term=self._term,
            terminfo=self._terminfo,
        )

    def value(self):
        # Like the block reader: None for formats without values (Existence).
        if not self._values:
            return None
        return self._values[self._i]

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def items_among(self, docs, values=True):
        """(document, value) of the postings whose document is in ``docs``
        (the value None with ``values=False``)."""
        stored = self._values if values else None
        for i, docnum in enumerate(self._ids):
            if docnum in docs:
                yield docnum, stored[i] if stored else None


#: The blocks read so far by the searches of one page (:func:`blocks_read_once`),
#: or None outside one.
_PAGE_BLOCKS: ContextVar[dict | None] = ContextVar("portal_page_blocks", default=None)


@contextmanager
def blocks_read_once():
    """Within it, each posting block is read and decoded once: its header,
    its data (decompressed and unpickled) and its document numbers. A search
    page reads the same blocks of a word several times (the count and facets
    of every hit, then the ranked slice): for a common word at 100,000
    documents ~1,700 blocks, a quarter of the page's time spent decoding
    them again. What is kept lives as long as the page (the memo holds the
    postings file itself, so that no other file can take its place)."""
    token = _PAGE_BLOCKS.set({})
    try:
        yield
    finally:
        _PAGE_BLOCKS.reset(token)


def phrase_key(reader, fieldname: str, words) -> tuple:
    """The key under which a page remembers the documents of one segment
    (``reader``) where a phrase stands in a field (:func:`remember_phrase`)."""
    return ("phrase", reader, fieldname, tuple(words))


def remember_phrase(key: tuple, docs) -> None:
    """Within one page (:func:`blocks_read_once`), remember *every* document
    of the segment where the phrase stands (deleted ones possibly included):
    the page counts a phrase before it ranks it, and the ranking then needs
    no word positions. Outside a page, nothing is kept."""
    memo = _PAGE_BLOCKS.get()
    if memo is not None:
        memo[key] = frozenset(docs)


def known_phrase(key: tuple):
    """The documents :func:`remember_phrase` kept under ``key`` in this page,
    or None."""
    memo = _PAGE_BLOCKS.get()
    return None if memo is None else memo.get(key)


#: What Whoosh's ``_goto`` reads from a block's header (beside "last block").
_BLOCK_HEADER = (
    "_nextoffset",
    "_dataoffset",
    "_blocklength",
    "_maxid",
    "_maxweight",
    "_compression",
    "_minlength",
    "_maxlength",
)
_block_header = attrgetter("_lastblock", *_BLOCK_HEADER)


class BlockMatcher(W3LeafMatcher):
    """Whoosh 3's block reader, with ``skip_to`` and ``all_ids`` per block.

    The stock reader skips whole blocks by their highest document number,
    then walks the block one posting at a time (three method calls each);
    here the block's document numbers, decoded once anyway, are bisected.
    The same postings, in the same order, at the same positions."""

    def _goto(self, position):
        memo = _PAGE_BLOCKS.get()
        if memo is None:
            return super()._goto(position)
        key = (self._postfile, position)
        header = memo.get(key)
        if header is None:
            super()._goto(position)
            memo[key] = _block_header(self)
            return None
        # As Whoosh's _goto leaves it, without reading the file.
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        last, *values = header
        for name, value in zip(_BLOCK_HEADER, values, strict=True):
            setattr(self, name, value)
        if last:  # Whoosh sets it only ever to True (reset() clears it)
            self._lastblock = True
        return None

    def _read_data(self):
        memo = _PAGE_BLOCKS.get()
        if memo is None:
            return super()._read_data()
        key = (self._postfile, self._dataoffset, "data")
        data = memo.get(key)
        if data is None:
            super()._read_data()
            memo[key] = self._data
        else:
            self._data = data
        return None

    def _read_ids(self):
        # As Whoosh 3 does, with the running sum in C (Whoosh's delta_decode
        # is a Python generator: a call per posting, most of a block's read).
        memo = _PAGE_BLOCKS.get()
        key = None
        if memo is not None:
            key = (self._postfile, self._dataoffset, "ids")
            ids = memo.get(key)
            if ids is not None:
                self._ids = ids
                return
        if self._data is None:
            self._read_data()
        ids = self._data[0]
        self._ids = ids if self._byteids else tuple(accumulate(ids))
        if key is not None:
            memo[key] = self._ids

    def ids_into(self, docs: set) -> None:
        """Add the documents of the rest of the list to ``docs``, a block at
        a time (``all_ids`` without a step per posting)."""
        while self.is_active():
            if self._ids is None:
                self._read_ids()
            docs.update(self._ids[self._i : self._blocklength])
            if self._lastblock:
                self._atend = True
            else:
                self._goto(self._nextoffset)

    def skip_to(self, targetid):
        if not self.is_active():
            raise ReadTooFar
        if self._ids is None:
            self._read_ids()
        if targetid <= self._ids[self._i]:
            return
        while targetid > self._maxid:
            if self._lastblock:
                self._atend = True
                return
            self._next_block()
            self._read_ids()
        self._i = bisect_left(self._ids, targetid, self._i)
        if self._i >= self._blocklength:  # only if the block's maximum lied
            self._i = self._blocklength - 1
            self.next()

    def all_ids(self):
        while self.is_active():
            if self._ids is None:
                self._read_ids()
            yield from self._ids[self._i : self._blocklength]
            self._i = self._blocklength - 1
            self.next()

    def items_among(self, docs, values=True):
        """(document, value) of the postings whose document is in ``docs``
        (the value None with ``values=False``), block by block: a block none
        of whose documents is wanted is passed by its header (its highest
        document number) without decoding it, and a block's values (word
        positions) are only unpickled when one of its documents is wanted.
        So a few documents (a restricted user's) cost a few blocks, and many
        cost one pass over the list."""
        wanted = sorted(docs)
        j, end = 0, len(wanted)
        while j < end and self.is_active():
            if self._maxid >= wanted[j]:
                k = bisect_right(wanted, self._maxid, j)
                if self._ids is None:
                    self._read_ids()
                ids, first, length = self._ids, self._i, self._blocklength
                if (k - j) * 8 > length - first:  # most of the block is wanted
                    found = [i for i in range(first, length) if ids[i] in docs]
                else:
                    found = []
                    for docnum in wanted[j:k]:
                        i = bisect_left(ids, docnum, first, length)
                        if i < length and ids[i] == docnum:
                            found.append(i)
                            first = i + 1
                if found and values:
                    if self._values is None:
                        self._read_values()
                    stored = self._values
                    for i in found:
                        yield ids[i], stored[i]
                else:
                    for i in found:
                        yield ids[i], None
                j = k
            if self._lastblock:
                self._atend = True
            else:
                self._goto(self._nextoffset)


class CachedAutomata(Automata):
    """Whoosh's fuzzy-term automata, each built once per (word, distance,
    prefix): a fuzzy search ("Bedoelde u") expands the same word in every
    field of every kind's index, and building the Levenshtein automaton costs
    far more than walking a field's words with it. The automaton only depends
    on the word, and is read-only once built."""

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def levenshtein_dfa(uterm, maxdist, prefix=0):
        return Automata.levenshtein_dfa(uterm, maxdist, prefix)


_AUTOMATA = CachedAutomata()


class PortalCodec(W3Codec):
    """Whoosh 3 with short posting lists inlined in the term table.

    The stock postings writer keeps ``inlinelimit=1`` (it would crash on
    inlining); :class:`~.writer.FastSegmentWriter` inlines lists of up to
    ``inline_limit`` postings itself.
    """

    inline_limit = INLINE_LIMIT

    def automata(self, storage, segment):
        return _AUTOMATA

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return InlineMatcher(
                ids,
                weights,
                values,
                format_,
                scorer=scorer,
                term=term,
                terminfo=terminfo,
            )
        offset, length = terminfo.extent()
        return BlockMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
