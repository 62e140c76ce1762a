"""A faster Whoosh segment writer that writes the standard Whoosh 3 format.

Profiling the stock ``SegmentWriter`` on the benchmark corpus (``manage.py
benchmark_search``) showed that analysis is only a quarter of indexing time; the
rest is the writer's own per-posting work:

* every posting becomes a tuple in a ``PostingPool`` that is sorted (and spilled
  and heap-merged) posting by posting;
* every posting's positions are pickled by a fresh ``pickle.dumps`` call;
* at commit every posting looks its document's field length up in the
  on-disk length column (``doc_field_length``, ~9 µs each) and is added to the
  block writer one call at a time, and every block, however small, is
  compressed by a fresh zlib stream (~55 µs of set-up each).

:class:`FastSegmentWriter` keeps Whoosh's segment, TOC, locking, deletion and
merge machinery and changes those things:

* analysis of our own text fields (``RegexTokenizer | LanguageFilter``) and
  autocomplete fields (``RegexTokenizer | FoldFilter | NgramFilter``) runs on a
  per-writer memo of raw token -> term(s), and positions are encoded with
  precomputed pickle opcodes (the bytes decode to the same lists);
* postings are grouped per term as they arrive (:class:`TermPool`), spilled to
  sorted run files when the memory budget (``limitmb``) is reached and merged
  term by term, so memory is bounded by the budget, not by the number of
  documents;
* field lengths are kept in memory (one byte per document and field, as Whoosh
  stores them); every term's posting list is cut into blocks at once, blocks
  are compressed with a small zlib window and only when worth it, and lists of
  up to four postings go inline into the term table (see ``codec``).

The files are what Whoosh's reader expects; a test compares postings, weights,
positions, lengths, block statistics and searches with the stock writer's.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import marshal
import os
import re
import zlib
from array import array
from itertools import chain
from operator import itemgetter, sub
from pickle import dumps
from struct import Struct

from whoosh.analysis import CompositeAnalyzer, NgramFilter, RegexTokenizer
from whoosh.analysis.tokenizers import default_pattern
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.formats import Frequency, Positions
from whoosh.support.charset import accent_map
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .analysis import (
    WORD_PATTERN,
    FoldFilter,
    LanguageFilter,
    _stem_function,
    _stop_words,
)
from .codec import PortalCodec

_UINT = Struct("!I").pack

#: Bytes charged to the memory budget per posting and per new term (measured
#: with tracemalloc on the benchmark corpus: three list slots plus the share of
#: value objects that are not shared; the dict entry, key and list per term).
POSTING_COST = 36
TERM_COST = 250

#: Pickle protocol of block data and inlined postings. Whoosh writes protocol 2,
#: which stores every ``bytes`` value (the positions of each posting) as a call
#: to ``_codecs.encode``: a block of 128 postings then takes ~40 µs to pickle,
#: ~50 µs to unpickle and ~1.8 kB compressed; with protocol 4 it is ~5 µs, ~6
#: µs and ~0.7 kB. The reader calls ``pickle.loads``, which reads any protocol.
BLOCK_PICKLE = 4

#: Blocks whose pickled data is shorter than this are stored uncompressed
#: (Whoosh's reader reads the compression level from each block's header; the
#: stock writer means to skip tiny blocks too, but a bug compresses them all).
COMPRESS_MIN = 128

#: zlib settings for posting blocks: level 1 (the level is only a flag for the
#: reader) compresses a typical 3 kB block of positions to a third, like level
#: 3, in ~45 µs instead of ~60 µs; blocks under ``SMALL_BLOCK`` bytes use a
#: 4 kB window, whose set-up costs ~5 µs instead of ~55 µs. ``zlib.decompress``
#: reads the window size from the stream header.
ZLIB_LEVEL = 1
SMALL_BLOCK = 1024

#: Buffer size for the pool's run files.
RUN_BUFFER = 1 << 20

#: Raw token -> term memo size per writer (bounded; cleared when full).
TOKEN_MEMO_SIZE = 200_000

#: In bulk mode, move everything alive into the garbage collector's permanent
#: generation every this many documents (see ``FastSegmentWriter``).
FREEZE_EVERY = 256

_MISSING = object()

#: The estimated peak size of the posting pool of the last bulk writer that
#: finished in this process, in bytes (read by ``manage.py benchmark_search``).
LAST_POOL_PEAK = [0]


# ------------------------------------------------------------------ encoding


def _pickle_int(n: int) -> bytes:
    """The protocol-2 pickle opcode for one int (as ``pickle.dumps`` writes it)."""
    if 0 <= n < 256:
        return b"K" + bytes((n,))
    if 0 <= n < 65536:
        return b"M" + n.to_bytes(2, "little")
    if -(2**31) <= n < 2**31:
        return b"J" + n.to_bytes(4, "little", signed=True)
    return dumps(n, 2)[2:-1]


_INT_OPS = [_pickle_int(n) for n in range(4096)]
_FREQ = [_UINT(n) for n in range(4096)]
_SINGLE = [_UINT(1) + b"\x80\x02]" + _INT_OPS[n] + b"a." for n in range(4096)]


def encode_positions(positions: list[int]) -> bytes:
    """The ``Positions`` format's value for ``positions`` (sorted).

    ``Positions.encode`` writes ``pack_uint(len) + pickle.dumps(deltas, 2)``;
    this writes an equivalent protocol-2 pickle (list, ints, APPENDS) from a
    table of opcodes, which is several times faster than a ``dumps`` call.
    """
    count = len(positions)
    if count == 1:
        first = positions[0]
        if first < 4096:
            return _SINGLE[first]
    ops = _INT_OPS
    deltas = []
    base = 0
    for pos in positions:
        delta = pos - base
        deltas.append(ops[delta] if delta < 4096 else _pickle_int(delta))
        base = pos
    head = _FREQ[count] if count < 4096 else _UINT(count)
    if count == 1:
        return head + b"\x80\x02]" + deltas[0] + b"a."
    return head + b"\x80\x02](" + b"".join(deltas) + b"e."


def _freq_bytes(freq: int) -> bytes:
    return _FREQ[freq] if freq < 4096 else _UINT(freq)


# ------------------------------------------------------------ analysis plans


def _token_pattern(tokenizer):
    """The tokenizer's pattern (ours, or a capture-free version of Whoosh's
    default one) for the fast path, or None."""
    if not isinstance(tokenizer, RegexTokenizer) or tokenizer.gaps:
        return None
    if tokenizer.expression.pattern == WORD_PATTERN:
        return re.compile(WORD_PATTERN, default_pattern.flags)
    if tokenizer.expression.pattern != default_pattern.pattern:
        return None
    return re.compile(r"\w+(?:\.?\w+)*", default_pattern.flags)


def analysis_plan(field):
    """Describe how to index ``field`` fast: ("text", ...), ("ngram", ...) or None.

    Only the analyzer chains this backend builds (module ``analysis``) get a
    plan; any other field goes through Whoosh's generic ``field.index()``.
    """
    analyzer = getattr(field, "analyzer", None)
    if not isinstance(analyzer, CompositeAnalyzer):
        return None
    items = analyzer.items
    pattern = _token_pattern(items[0]) if items else None
    if pattern is None:
        return None
    fmt = field.format
    if (
        len(items) == 2
        and isinstance(items[1], LanguageFilter)
        and type(fmt) is Positions
    ):
        language_filter = items[1]
        stem = _stem_function(language_filter.language, language_filter.cachesize)
        stops = (
            _stop_words(language_filter.language)
            if language_filter.stopwords
            else frozenset()
        )
        return ("text", pattern, stem, stops, fmt.field_boost)
    if (
        len(items) == 3
        and isinstance(items[1], FoldFilter)
        and isinstance(items[2], NgramFilter)
        and items[2].at == -1
        and type(fmt) is Frequency
    ):
        return ("ngram", pattern, items[2].min, items[2].max, fmt.field_boost)
    return None


# ---------------------------------------------------------------- term pool


class TermPool:
    """Postings grouped by field and term, with a memory budget.

    ``fields[fieldname][tbytes]`` is a flat list ``[docnum, weight, value,
    docnum, weight, value, ...]`` (three list slots per posting; weights and
    single-position values are shared objects). When the estimated size passes
    ``limitmb`` the pool is written to a temporary run file in term order; at
    the end the runs are merged term by term (a heap of terms, not of
    postings). Postings of one term arrive in increasing document order, except
    from segment merges, which are re-sorted.
    """

    def __init__(self, tempstore, limitmb: float) -> None:
        self.tempstore = tempstore
        self.limit = max(1, int(limitmb * 1024 * 1024))
        self.size = 0
        self.fields: dict[str, dict[bytes, list]] = {}
        self.runs: list[str] = []
        self.unsorted: set[tuple[str, bytes]] = set()
        self.peak_size = 0
        self.postings = 0

    def field(self, fieldname: str) -> dict[bytes, list]:
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        return terms

    # Whoosh calls this when merging segments into this writer.
    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self.field(fieldname)
        entry = terms.get(tbytes)
        weight = 1.0 if weight is None else weight
        if entry is None:
            terms[tbytes] = [docnum, weight, vbytes or b""]
            self.size += TERM_COST
        else:
            if entry[-3] > docnum:
                self.unsorted.add((fieldname, tbytes))
            entry += (docnum, weight, vbytes or b"")
        self.size += POSTING_COST
        self.postings += 1
        self.check()

    def check(self) -> None:
        if self.size > self.limit:
            self.spill()

    def _sorted_terms(self, pop: bool):
        unsorted = self.unsorted
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for tbytes in sorted(terms):
                flat = terms.pop(tbytes) if pop else terms[tbytes]
                if (fieldname, tbytes) in unsorted:
                    flat = _sorted_flat(flat)
                yield (fieldname, tbytes), flat

    def spill(self) -> None:
        """Write the in-memory postings to a sorted run file and forget them.

        A run holds, per term, the document numbers and weights as packed
        arrays and the list of values, all of which marshal reads and writes in
        C, without a Python step per posting.
        """
        if not self.fields:
            return
        self.peak_size = max(self.peak_size, self.size)
        name = f"termpool-{len(self.runs)}.run"
        handle = self._open(name, "wb")
        try:
            dump = marshal.dump
            for key, flat in self._sorted_terms(pop=True):
                dump(
                    (
                        key,
                        array("I", flat[0::3]).tobytes(),
                        array("f", flat[1::3]).tobytes(),
                        flat[2::3],
                    ),
                    handle,
                )
        finally:
            handle.close()
        self.runs.append(name)
        self.fields = {}
        self.unsorted = set()
        self.size = 0

    def _open(self, name, mode):
        folder = getattr(self.tempstore, "folder", None)
        if folder is None:
            store = self.tempstore
            opened = store.create_file(name) if "w" in mode else store.open_file(name)
            return opened.raw_file()
        return open(os.path.join(folder, name), mode, buffering=RUN_BUFFER)

    def _run_items(self, name, order):
        handle = self._open(name, "rb")
        load = marshal.load
        try:
            while True:
                try:
                    key, ids, weights, values = load(handle)
                except EOFError:
                    return
                yield key, order, (ids, weights, values)
        finally:
            handle.close()

    def _memory_items(self, order):
        for key, flat in self._sorted_terms(pop=True):
            yield key, order, flat

    def items(self):
        """Yield (fieldname, tbytes, ids, weights, values) in field/term order.

        ``ids`` is an ``array('I')`` in increasing order, ``weights`` an
        ``array('f')`` and ``values`` a list of bytes, one per posting.
        """
        self.peak_size = max(self.peak_size, self.size)
        if not self.runs:
            for key, flat in self._sorted_terms(pop=True):
                yield (key[0], key[1], *_unflatten(flat))
            return
        sources = [self._run_items(name, i) for i, name in enumerate(self.runs)]
        sources.append(self._memory_items(len(self.runs)))
        current = None
        parts: list = []
        for key, _order, part in heapq.merge(*sources):
            if key != current:
                if current is not None:
                    yield (current[0], current[1], *_merge_parts(parts))
                current = key
                parts = []
            parts.append(part)
        if current is not None:
            yield (current[0], current[1], *_merge_parts(parts))

    def cleanup(self) -> None:
        for name in self.runs:
            with contextlib.suppress(OSError):
                self.tempstore.delete_file(name)
        self.runs = []
        self.fields = {}


def _unflatten(flat: list):
    return array("I", flat[0::3]), array("f", flat[1::3]), flat[2::3]


def _unpack_part(part):
    if isinstance(part, list):
        return _unflatten(part)
    ids_bytes, weights_bytes, values = part
    ids, weights = array("I"), array("f")
    ids.frombytes(ids_bytes)
    weights.frombytes(weights_bytes)
    return ids, weights, values


def _merge_parts(parts):
    if len(parts) == 1:
        return _unpack_part(parts[0])
    ids, weights, values = array("I"), array("f"), []
    ordered = True
    for part in parts:
        part_ids, part_weights, part_values = _unpack_part(part)
        if ids and part_ids and part_ids[0] < ids[-1]:
            ordered = False
        ids.extend(part_ids)
        weights.extend(part_weights)
        values.extend(part_values)
    if not ordered:
        order = sorted(range(len(ids)), key=ids.__getitem__)
        ids = array("I", [ids[i] for i in order])
        weights = array("f", [weights[i] for i in order])
        values = [values[i] for i in order]
    return ids, weights, values


def _sorted_flat(flat: list) -> list:
    triples = sorted(
        zip(flat[0::3], flat[1::3], flat[2::3], strict=True), key=lambda t: t[0]
    )
    return [item for triple in triples for item in triple]


# ------------------------------------------------------------ per-doc proxy


class _LengthRecorder:
    """Wraps the per-document writer to keep field-length bytes in memory."""

    def __init__(self, inner, lengths: dict[str, bytearray]) -> None:
        self._inner = inner
        self._lengths = lengths
        self._docnum = 0

    def start_doc(self, docnum):
        self._docnum = docnum
        self._inner.start_doc(docnum)

    def add_field(self, fieldname, fieldobj, value, length):
        if length:
            column = self._lengths.get(fieldname)
            if column is None:
                column = self._lengths[fieldname] = bytearray()
            docnum = self._docnum
            if len(column) <= docnum:
                column.extend(bytes(docnum + 1 - len(column)))
            column[docnum] = length_to_byte(length)
        self._inner.add_field(fieldname, fieldobj, value, length)

    def __getattr__(self, name):
        return getattr(self._inner, name)


# ------------------------------------------------------------------- writer

_FLOATS = [float(n) for n in range(4096)]


class FastSegmentWriter(SegmentWriter):
    """A ``SegmentWriter`` with fast analysis and a term-grouped posting pool.

    ``bulk=True`` (a rebuild) also keeps Python's cyclic garbage collector off
    the posting pool: the pool holds millions of small lists, and the
    collector's full passes over them cost more than the indexing itself. The
    writer calls ``gc.freeze()`` every few hundred documents and
    ``gc.unfreeze()`` when it commits or cancels. Only used by the rebuild (a
    management command), never for the single-object updates of a web request,
    and not at all when something else in the process already froze objects.
    """

    def __init__(self, ix, limitmb: float = 64, bulk: bool = False, **kwargs) -> None:
        kwargs.setdefault("codec", PortalCodec())
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self._bulk = bulk
        self._freeze_gc = bulk and gc.isenabled() and gc.get_freeze_count() == 0
        self.pool = TermPool(self._tempstorage, limitmb)
        self._lengths: dict[str, bytearray] = {}
        self.perdocwriter = _LengthRecorder(self.perdocwriter, self._lengths)
        self._plans = {
            name: analysis_plan(field) for name, field in self.schema.items()
        }
        self._token_memo: dict[str, object] = {}
        self._ngram_memo: dict[str, tuple] = {}
        # Per field: value -> indexed terms, while values repeat (foreign keys,
        # the null-field list); dropped for fields whose values are unique.
        self._value_memo: dict[str, dict | None] = {}
        self._value_lookups: dict[str, list[int]] = {}

    # ------------------------------------------------------------- adding

    def add_document(self, **fields):
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        plans = self._plans
        added = new_terms = 0

        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, fieldname, docboost)
                terms = pool.field(fieldname)
                plan = plans.get(fieldname)
                if plan is not None and isinstance(value, str):
                    if plan[0] == "text":
                        length, n, fresh = self._add_text(
                            plan, value, docnum, terms, boost
                        )
                    else:
                        length, n, fresh = self._add_ngrams(
                            plan, value, docnum, terms, boost
                        )
                else:
                    length, n, fresh = self._add_generic(
                        fieldname, field, value, docnum, terms, boost
                    )
                if not field.scorable:
                    length = 0
                added += n
                new_terms += fresh

            if field.separate_spelling() or field.vector:
                raise NotImplementedError(
                    "FastSegmentWriter does not write spelling or vector fields."
                )

            customval = fields.get(f"_stored_{fieldname}", value)
            stored = customval if field.stored else None
            if stored is not None or length:  # otherwise a no-op
                perdocwriter.add_field(fieldname, field, stored, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(
                    fieldname, column, field.to_column_value(customval)
                )

        perdocwriter.finish_doc()
        pool.postings += added
        pool.size += added * POSTING_COST + new_terms * TERM_COST
        pool.check()
        self._added = True
        self.docnum += 1
        if self._freeze_gc and not self.docnum % FREEZE_EVERY:
            gc.freeze()

    def _indexed(self, fieldname, field, value):
        """``field.index(value)`` as a tuple, memoised while values repeat."""
        memo = self._value_memo.get(fieldname, {})
        if memo is None or not isinstance(value, str | int | float):
            return tuple(field.index(value))
        items = memo.get(value)
        stats = self._value_lookups.setdefault(fieldname, [0, 0])
        stats[0] += 1
        if items is not None:
            stats[1] += 1
            return items
        items = tuple(field.index(value))
        if stats[0] >= 1000 and stats[1] * 4 < stats[0]:
            self._value_memo[fieldname] = None  # mostly unique values
        else:
            if len(memo) >= TOKEN_MEMO_SIZE:
                memo.clear()
            memo[value] = items
            self._value_memo[fieldname] = memo
        return items

    def _add_generic(self, fieldname, field, value, docnum, terms, boost):
        length = added = fresh = 0
        for tbytes, freq, weight, vbytes in self._indexed(fieldname, field, value):
            length += freq
            entry = terms.get(tbytes)
            if entry is None:
                terms[tbytes] = [docnum, weight * boost, vbytes or b""]
                fresh += 1
            else:
                entry += (docnum, weight * boost, vbytes or b"")
            added += 1
        return length, added, fresh

    def _add_text(self, plan, value, docnum, terms, boost):
        _kind, pattern, stem, stops, field_boost = plan
        memo = self._token_memo
        if len(memo) > TOKEN_MEMO_SIZE:
            memo.clear()
        memo_get = memo.get
        positions: dict[bytes, list[int]] = {}
        positions_get = positions.get
        pos = 0
        for raw in pattern.findall(value):
            term = memo_get(raw, _MISSING)
            if term is _MISSING:
                folded = raw.lower().translate(accent_map)
                term = None if folded in stops else stem(folded).encode("utf-8")
                memo[raw] = term
            if term is None:
                continue
            found = positions_get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
            pos += 1
        factor = field_boost * boost
        weights = _FLOATS if factor == 1.0 else None
        fresh = 0
        terms_get = terms.get
        single = _SINGLE
        one = weights[1] if weights is not None else factor
        for term, plist in positions.items():
            if len(plist) == 1 and plist[0] < 4096:
                weight, value = one, single[plist[0]]
            else:
                freq = len(plist)
                if weights is not None and freq < 4096:
                    weight = weights[freq]
                else:
                    weight = freq * factor
                value = encode_positions(plist)
            entry = terms_get(term)
            if entry is None:
                terms[term] = [docnum, weight, value]
                fresh += 1
            else:
                entry += (docnum, weight, value)
        return pos, len(positions), fresh

    def _add_ngrams(self, plan, value, docnum, terms, boost):
        _kind, pattern, low, high, field_boost = plan
        memo = self._ngram_memo
        if len(memo) > TOKEN_MEMO_SIZE:
            memo.clear()
        counts: dict[bytes, int] = {}
        counts_get = counts.get
        length = 0
        for raw in pattern.findall(value):
            grams = memo.get(raw)
            if grams is None:
                folded = raw.lower().translate(accent_map)
                top = min(high, len(folded))
                grams = memo[raw] = tuple(
                    folded[:size].encode("utf-8") for size in range(low, top + 1)
                )
            length += len(grams)
            for gram in grams:
                counts[gram] = counts_get(gram, 0) + 1
        factor = field_boost * boost
        fresh = 0
        terms_get = terms.get
        for gram, freq in counts.items():
            weight = _FLOATS[freq] if factor == 1.0 and freq < 4096 else freq * factor
            entry = terms_get(gram)
            if entry is None:
                terms[gram] = [docnum, weight, _freq_bytes(freq)]
                fresh += 1
            else:
                entry += (docnum, weight, _freq_bytes(freq))
        return length, len(counts), fresh

    # ---------------------------------------------------------- flushing

    def _flush_segment(self):
        self.perdocwriter.close()
        self._write_postings()
        self.fieldwriter.close()

    def _write_postings(self):
        fieldwriter = self.fieldwriter
        schema = self.schema
        lengths = self._lengths
        inline_limit = getattr(self.codec, "inline_limit", 0)
        tindex = fieldwriter._tindex
        last_field = None
        skip_field = None
        field_lengths = None
        for fieldname, tbytes, ids, weights, values in self.pool.items():
            if fieldname == skip_field:
                continue
            if fieldname != last_field:
                if last_field is not None:
                    fieldwriter.finish_field()
                    last_field = None
                if fieldname not in schema:
                    skip_field = fieldname
                    continue
                fieldwriter.start_field(fieldname, schema[fieldname])
                postwriter = fieldwriter._postwriter
                # The stock method compresses even tiny blocks (see
                # COMPRESS_MIN) and walks the postings in Python.
                postwriter._write_block = _BlockWriter(postwriter)
                last_field = fieldname
                field_lengths = lengths.get(fieldname)
                if field_lengths is not None and len(field_lengths) < self.docnum:
                    field_lengths.extend(bytes(self.docnum - len(field_lengths)))
            if len(ids) <= inline_limit:
                key = pack_ushort(fieldwriter._fieldid) + tbytes
                tindex.add(key, _inline_terminfo(ids, weights, values, field_lengths))
                continue
            fieldwriter.start_term(tbytes)
            _write_term(fieldwriter._postwriter, ids, weights, values, field_lengths)
            fieldwriter.finish_term()
        if last_field is not None:
            fieldwriter.finish_field()

    def _close_segment(self):
        super()._close_segment()
        self._lengths.clear()

    def _finish(self):
        if self._bulk:
            LAST_POOL_PEAK[0] = self.pool_peak_bytes
        try:
            super()._finish()
        finally:
            if self._freeze_gc:
                gc.unfreeze()
                self._freeze_gc = False

    @property
    def pool_peak_bytes(self) -> int:
        """The largest estimated size the posting pool reached (diagnostics)."""
        return max(self.pool.peak_size, self.pool.size)


def _length_range(ids, field_lengths):
    """(min, max) field length of the documents, as the block writer keeps it.

    ``field_lengths`` covers every document number of the segment (see
    ``_write_postings``); 0 means "no length", which the block writer ignores.
    """
    if field_lengths is None:
        return None, 0
    if len(ids) == 1:
        code = field_lengths[ids[0]]
        return (byte_to_length(code), byte_to_length(code)) if code else (None, 0)
    codes = itemgetter(*ids)(field_lengths)
    high = max(codes)
    if not high:
        return None, 0
    low = min(codes) or min(filter(None, codes))
    return byte_to_length(low), byte_to_length(high)


def _inline_terminfo(ids, weights, values, field_lengths) -> bytes:
    """The term-table entry of a short posting list stored inline.

    ``W3TermInfo.to_bytes`` for an inlined list, with the postings pickled with
    ``BLOCK_PICKLE`` (``W3TermInfo.from_bytes`` unpickles them).
    """
    minlength, maxlength = _length_range(ids, field_lengths)
    head = W3TermInfo._struct.pack(
        1,
        sum(weights),
        len(ids),
        0 if minlength is None else length_to_byte(minlength),
        length_to_byte(maxlength),
        max(0, max(weights)),
        ids[0],
        ids[-1],
    )
    # Formats without values (Existence) store none, like the block reader.
    postings = (tuple(ids), tuple(weights), tuple(values) if values[0] else ())
    return head + dumps(postings, BLOCK_PICKLE)


def _write_term(postwriter, ids, weights, values, field_lengths) -> None:
    """Write one term's postings through the codec's block writer.

    Mirrors ``W3PostingsWriter.add_posting``: full blocks of ``blocklimit``
    postings are written as they fill; the last (possibly full) block is left
    buffered for ``finish_postings``. Block statistics (max weight, min and max
    length) are computed the same way.
    """
    blocklimit = postwriter._blocklimit
    count = len(ids)
    for start in range(0, count, blocklimit):
        end = min(start + blocklimit, count)
        block_ids = ids[start:end]
        block_weights = weights[start:end]
        postwriter._ids = block_ids
        postwriter._weights = block_weights
        # All values of a format are present (Positions, Frequency) or all
        # empty (Existence, whose blocks store no values at all).
        postwriter._values = values[start:end]
        postwriter._maxweight = max(0, max(block_weights))
        postwriter._minlength, postwriter._maxlength = _length_range(
            block_ids, field_lengths
        )
        if end < count:
            postwriter._write_block()


class _BlockWriter:
    """``W3PostingsWriter._write_block`` with C-level loops, same bytes format."""

    def __init__(self, postwriter) -> None:
        self.pw = postwriter

    def __call__(self, last: bool = False) -> None:
        pw = self.pw
        postfile = pw._postfile
        if not pw._blockcount:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        pw._terminfo.add_block(pw)
        ids = pw._ids
        count = len(ids)
        mini_ids = tuple(map(sub, ids, chain((0,), ids)))
        weights = pw._weights
        if weights.count(1.0) == count:
            mini_weights = None
        elif weights.count(weights[0]) == count:
            mini_weights = weights[0]
        else:
            mini_weights = tuple(weights)
        fixed = pw._format.fixed_value_size()
        values = pw._values
        if fixed is None or fixed < 0:
            mini_values = tuple(values)
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(values)
        databytes = dumps((mini_ids, mini_weights, mini_values), BLOCK_PICKLE)
        size = len(databytes)
        comp = ZLIB_LEVEL if pw._compression and size >= COMPRESS_MIN else 0
        if comp:
            if size < SMALL_BLOCK:
                compressor = zlib.compressobj(comp, zlib.DEFLATED, 12, 4)
            else:
                compressor = zlib.compressobj(comp)
            databytes = compressor.compress(databytes) + compressor.flush()
        infobytes = dumps(
            (
                count,
                ids[-1],
                pw._maxweight,
                comp,
                length_to_byte(pw._minlength),
                length_to_byte(pw._maxlength),
            ),
            2,
        )
        blocklength = len(infobytes) + len(databytes)
        if last:
            blocklength *= -1
        postfile.write_int(blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        pw._blockcount += 1
        pw._new_block()


__all__ = ["FastSegmentWriter", "TermPool", "analysis_plan", "encode_positions"]
