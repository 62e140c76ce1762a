"""BM25F as Whoosh computes it, with each document's field length read from a
list decoded once per segment reader.

Whoosh's scorer asks the reader for a document's field length at every scored
posting: a column lookup, a slice of the file and a byte-to-length decoding,
several method calls each (about a fifth of ranking a common word at 100,000
documents). The lengths of a segment never change, so they are decoded once
(one slice of the file, a table lookup per document) and kept with the reader.
The scores are the same to the bit: the same bytes, decoded by the same table.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield, byte_to_length
from whoosh.columns import NumericColumn
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25F, BM25FScorer

#: Whoosh's decoding of a length byte; 0 stands for "no length" (None), as in
#: ``W3PerDocReader.doc_field_length``.
_LENGTHS = [None, *(byte_to_length(b) for b in range(1, 256))]


def field_lengths(reader, fieldname: str) -> list | None:
    """Every document's length of ``fieldname`` in a segment ``reader`` (a
    list indexed by docnum), kept with the reader; None where Whoosh's own
    lookup should answer (no lengths stored, another kind of reader)."""
    if type(reader) is not SegmentReader:
        return None
    kept = reader.__dict__.setdefault("_portal_lengths", {})
    if fieldname not in kept:
        kept[fieldname] = _decode(reader, fieldname)
    return kept[fieldname]


def _decode(reader, fieldname: str) -> list | None:
    perdoc = reader._perdoc
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if not isinstance(column, NumericColumn.Reader) or column._typecode != "B":
        return None
    count = reader.doc_count_all()
    stored = min(column._count, count)
    raw = column._dbfile.get(column._basepos, stored)
    lengths = [_LENGTHS[b] for b in raw]
    lengths.extend([_LENGTHS[column._default]] * (count - stored))
    return lengths


class PortalBM25F(BM25F):
    """Whoosh's BM25F (same parameters, same scores), reading field lengths
    from :func:`field_lengths`."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if type(scorer) is BM25FScorer and hasattr(scorer, "dfl"):
            lengths = field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer
