"""A fuzzy word's expansion is kept with the reader it was read from
(``combine.FuzzyTerm``): "Bedoelde u" asks the same fuzzy word of every kind,
whether anything matches and then for the hits, and Whoosh expanded it again
for every matcher and size estimate (issue 15: a page without results spent
most of its time there). The hits stay Whoosh's; a changed index is read by a
new reader, which expands anew."""

from __future__ import annotations

import pytest
from whoosh import fields, index
from whoosh import query as wq

from search.backends.whoosh.combine import FuzzyTerm
from search.backends.whoosh.writer import FastSegmentWriter


@pytest.fixture
def ix(tmp_path):
    schema = fields.Schema(pk=fields.ID(unique=True, stored=True), t=fields.TEXT())
    ix = index.create_in(str(tmp_path), schema)
    texts = ["klacht over de zaak", "klachten en beroep", "de klucht", "brief"]
    for segment in range(2):
        writer = FastSegmentWriter(ix, limitmb=16)
        for n, text in enumerate(texts):
            writer.add_document(pk=f"{segment}-{n}", t=text)
        writer.commit(merge=False)
    return ix


def hits(searcher, query):
    return sorted(hit["pk"] for hit in searcher.search(query, limit=None))


def test_the_hits_are_whooshs_and_each_reader_expands_once(ix, monkeypatch):
    expansions = []
    stock = wq.FuzzyTerm._btexts

    def counted(self, reader):
        expansions.append(id(reader))
        return stock(self, reader)

    with ix.searcher() as searcher:
        theirs = hits(searcher, wq.FuzzyTerm("t", "klacht", maxdist=1))
        monkeypatch.setattr(wq.FuzzyTerm, "_btexts", counted)
        for _ in range(3):
            assert hits(searcher, FuzzyTerm("t", "klacht", maxdist=1)) == theirs
        assert theirs == ["0-0", "0-2", "1-0", "1-2"]  # "klucht" is one edit away
        assert expansions
        assert len(expansions) == len(set(expansions))  # once per reader
        other = hits(searcher, FuzzyTerm("t", "klacht", maxdist=2))
        assert "0-1" in other  # another distance is another expansion


def test_a_changed_index_is_expanded_anew(ix):
    searcher = ix.searcher()
    assert hits(searcher, FuzzyTerm("t", "brief", maxdist=1)) == ["0-3", "1-3"]
    writer = ix.writer()
    writer.add_document(pk="new", t="brieg")
    writer.commit()
    searcher = searcher.refresh()
    assert "new" in hits(searcher, FuzzyTerm("t", "brief", maxdist=1))
    searcher.close()
