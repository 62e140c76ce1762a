"""The portal codec's block reader (``codec.BlockMatcher``) reads the postings
Whoosh 3's own reader reads: ``skip_to`` bisects inside a block instead of
stepping posting by posting, ``all_ids`` lists a block at once; every posting,
weight and position must come out as the stock reader gives them, whatever the
order of skips (issue 15: a faster read path than stock Whoosh, on the same
standard files)."""

from __future__ import annotations

import random

import pytest
from whoosh import fields, index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ReadTooFar

from search.backends.whoosh.codec import BlockMatcher, PortalCodec


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    path = tmp_path_factory.mktemp("blocks")
    ix = index.create_in(str(path), fields.Schema(t=fields.TEXT(phrase=True)))
    rng = random.Random(17)  # noqa: S311
    writer = ix.writer()
    for _ in range(5000):
        words = rng.choices(
            ["klacht", "zaak", "brief", "zeldzaam"],
            weights=[50, 30, 15, 1],
            k=rng.randint(1, 12),
        )
        writer.add_document(t=" ".join(words))
    writer.commit()
    return ix.reader()


def matchers(reader, word):
    """The stock reader and ours on the same posting list of the same file."""
    offset, length = reader.term_info("t", word).extent()
    fmt = reader.schema["t"].format
    postfile = reader._terms._postfile
    return (
        W3LeafMatcher(postfile, offset, length, fmt, term=("t", word)),
        BlockMatcher(postfile, offset, length, fmt, term=("t", word)),
    )


def state(m):
    if not m.is_active():
        return None
    return (m.id(), m.weight(), m.value())


@pytest.mark.parametrize("word", ["klacht", "zaak", "brief", "zeldzaam"])
def test_all_ids_are_the_stock_readers(reader, word):
    stock, ours = matchers(reader, word)
    expected = list(stock.all_ids())
    assert list(ours.all_ids()) == expected
    assert len(expected) == reader.doc_frequency("t", word)
    # From the middle of a block on: the rest of the list.
    stock, ours = matchers(reader, word)
    for m in (stock, ours):
        m.next(), m.next(), m.next()
    assert list(ours.all_ids()) == list(stock.all_ids())


@pytest.mark.parametrize("word", ["klacht", "zaak", "brief", "zeldzaam"])
@pytest.mark.parametrize("seed", range(6))
def test_skips_land_where_the_stock_reader_lands(reader, word, seed):
    rng = random.Random(seed)  # noqa: S311
    stock, ours = matchers(reader, word)
    assert reader.doc_frequency("t", word) > 10
    target = 0
    while stock.is_active():
        step = rng.choice([0, 1, 2, 7, 60, 130, 400, 1500])
        target += step
        if rng.random() < 0.2:
            stock.next()
            ours.next()
        else:
            stock.skip_to(target)
            ours.skip_to(target)
        assert state(ours) == state(stock), target
    assert not ours.is_active()
    with pytest.raises(ReadTooFar):
        ours.skip_to(target + 1)


def test_the_portal_codec_reads_long_lists_with_the_block_reader(reader):
    info = reader.term_info("t", "klacht")
    codec_reader = reader._terms
    matcher = PortalCodec().postings_reader(
        codec_reader._postfile, info, reader.schema["t"].format, term=("t", "klacht")
    )
    assert isinstance(matcher, BlockMatcher)


@pytest.mark.parametrize("word", ["klacht", "zaak", "brief", "zeldzaam"])
def test_items_among_are_the_stock_postings_of_those_documents(reader, word):
    """A few documents (blocks passed by their header), many (a block read
    whole), none, and documents past the end of the list."""
    rng = random.Random(word)  # noqa: S311
    stock, _ours = matchers(reader, word)
    postings = dict(stock.all_items())
    for size in (0, 1, 7, 60, 900, 4000, 5000):
        docs = set(rng.sample(range(5200), size))
        _stock, ours = matchers(reader, word)
        got = list(ours.items_among(docs))
        assert got == [(d, postings[d]) for d in sorted(docs) if d in postings]
        _stock, ours = matchers(reader, word)
        ids = [d for d, value in ours.items_among(docs, values=False)]
        assert ids == [d for d, _value in got]


@pytest.mark.parametrize("word", ["klacht", "zaak", "brief", "zeldzaam"])
def test_ids_into_adds_the_rest_of_the_list(reader, word):
    stock, ours = matchers(reader, word)
    expected = list(stock.all_ids())
    docs = {-1}
    ours.ids_into(docs)
    assert docs == {-1, *expected}
    assert not ours.is_active()
    _stock, ours = matchers(reader, word)
    ours.skip_to(expected[len(expected) // 2])  # from the middle of a block on
    rest: set = set()
    ours.ids_into(rest)
    assert rest == set(expected[len(expected) // 2 :])
