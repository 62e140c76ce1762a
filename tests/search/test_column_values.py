"""A numeric column read whole (``storage.numeric_column_values``: the facets'
dates and clients, one list lookup per hit instead of a file read) holds what
Whoosh's own column reader gives for every document, over several segments,
with deletions and with a segment where no document has a value (issue 15)."""

from __future__ import annotations

import random

from whoosh import fields, index

from search.backends.whoosh.storage import numeric_column_values
from search.backends.whoosh.writer import FastSegmentWriter


def test_every_documents_value_is_whooshs(tmp_path):
    schema = fields.Schema(
        pk=fields.ID(unique=True, stored=False),
        when=fields.NUMERIC(bits=64, signed=True, sortable=True),
        client=fields.NUMERIC(bits=32, signed=True, sortable=True),
        t=fields.TEXT(),
    )
    ix = index.create_in(str(tmp_path), schema)
    rng = random.Random(3)  # noqa: S311
    number = 0
    for segment in range(3):
        writer = FastSegmentWriter(ix, limitmb=16)
        for _ in range(400):
            values = {}
            if segment != 1:  # the middle segment has no values at all
                if rng.random() < 0.8:
                    values["when"] = rng.randint(-(2**40), 2**40)
                if rng.random() < 0.7:  # a document without one: the default
                    values["client"] = rng.randint(1, 90)
            writer.add_document(pk=str(number), t="woord", **values)
            number += 1
        writer.commit(merge=False)
    writer = ix.writer()
    for pk in rng.sample(range(number), 50):
        writer.delete_by_term("pk", str(pk))
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert len(searcher.leaf_searchers()) == 3
        for name in ("when", "client"):
            column = reader.column_reader(name, translate=False)
            theirs = [column[docnum] for docnum in range(reader.doc_count_all())]
            ours = numeric_column_values(reader, name)
            assert list(ours) == theirs, name
            assert len(set(theirs)) > 50  # not vacuous: real values, and defaults


def test_the_dated_values_are_the_sorted_values_without_the_default():
    """The year facet's raw dates (``results._dated_values``): every matched
    document's value, sorted, the column's default (no date) left out, where
    that default falls below, among or above the real values."""
    from search.backends.whoosh.results import _dated_values

    rng = random.Random(3)  # noqa: S311
    for default in (-(2**63), 0, 5_000, 2**63 - 1):
        values = [
            rng.choice([default, rng.randrange(-10_000, 10_000)]) for _ in range(3_000)
        ]
        docs = set(rng.sample(range(3_000), 1_200))
        expected = sorted(values[d] for d in docs if values[d] != default)
        assert _dated_values(values, docs, default) == expected
        assert default in [values[d] for d in docs]  # not vacuous
