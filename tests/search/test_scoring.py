"""The portal's BM25F (``scoring.PortalBM25F``: field lengths decoded once per
segment reader) scores as Whoosh's BM25F does, to the bit, so every ranking
stays Whoosh's (issue 15, item 2: a read path faster than stock Whoosh)."""

from __future__ import annotations

import random

from whoosh import query as wq
from whoosh.reading import SegmentReader

from search.backends.whoosh.scoring import PortalBM25F, field_lengths
from tests.search.test_matching_docs import WORDS, searcher  # noqa: F401 (fixture)


def _ranked(s, query, limit):
    return [(hit.docnum, hit.score) for hit in s.search(query, limit=limit)]


def test_the_scores_and_rankings_are_whooshs(searcher):  # noqa: F811
    ours = searcher._ix.searcher(weighting=PortalBM25F())
    rng = random.Random(21)  # noqa: S311
    for _ in range(60):
        words = rng.sample(WORDS, rng.randint(1, 3))
        fields = [("t", 1.0), ("a", rng.choice([1.0, 2.5]))]
        shape = rng.randrange(3)
        if shape == 0:
            query = wq.Or([wq.Term(f, w, boost=b) for w in words for f, b in fields])
        elif shape == 1:
            query = wq.And(
                [wq.Or([wq.Term(f, w, boost=b) for f, b in fields]) for w in words]
            )
        else:
            phrase = [*words, "klacht"]
            query = wq.Or([wq.Phrase(f, phrase, boost=b) for f, b in fields])
        for limit in (10, None):
            assert _ranked(ours, query, limit) == _ranked(searcher, query, limit), query
    ours.close()


def test_the_lengths_are_read_once_per_segment_and_used(searcher, monkeypatch):  # noqa: F811
    ours = searcher._ix.searcher(weighting=PortalBM25F())
    expected = _ranked(ours, wq.Term("t", "klacht"), 10)
    for leaf, _offset in ours.leaf_searchers():
        reader = leaf.reader()
        assert type(reader) is SegmentReader
        lengths = field_lengths(reader, "t")
        assert lengths is field_lengths(reader, "t")  # kept with the reader
        assert len(lengths) == reader.doc_count_all()
        for docnum in range(0, reader.doc_count_all(), 37):
            assert lengths[docnum] == reader.doc_field_length(docnum, "t", 1)

    def refused(*args, **kwargs):
        raise AssertionError("a length was read document by document")

    monkeypatch.setattr(SegmentReader, "doc_field_length", refused)
    assert _ranked(ours, wq.Term("t", "klacht"), 10) == expected
    ours.close()
