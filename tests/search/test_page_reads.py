"""A search page decodes each posting block once (issue 15, item 1): its
counts and facets of every hit and its ranked slice read the same blocks of
a word; decoding them again was a quarter of a common word's page at
100,000 documents. Outside a page nothing is kept."""

from __future__ import annotations

from collections import Counter

import pytest
from whoosh.codec import whoosh3

from search import selectors
from search.forms import parse_query
from search.selectors import site_search
from tests.factories import ClientFactory
from tests.search.test_search_page import make_evidence, whoosh_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def decoded(monkeypatch):
    """Counts how often each block (postings file, data offset) is decoded."""
    seen: Counter = Counter()
    original = whoosh3.W3LeafMatcher._read_data

    def counting(self):
        seen[(id(self._postfile), self._dataoffset)] += 1
        return original(self)

    monkeypatch.setattr(whoosh3.W3LeafMatcher, "_read_data", counting)
    return seen


@pytest.fixture
def scales(people):
    """Twelve files with "weegschaal": a list too long to store inline."""
    office = people["office"]
    bakkerij = ClientFactory(name="Bakkerij Veld")
    garage = ClientFactory(name="Garage Oost")
    for n in range(12):
        make_evidence(
            bakkerij if n % 2 else garage,
            f"verslag-{n}.txt",
            f"De weegschaal is geijkt, meting {n}.",
            by=office,
        )


@whoosh_only
def test_a_page_decodes_each_block_once_and_finds_the_same(people, scales, decoded):
    office = people["office"]
    page = site_search(user=office, parsed=parse_query("weegschaal"))
    assert page.total == 12
    assert sum(f.count for f in page.clients) == 12
    assert decoded, "the page read no posting block"
    assert max(decoded.values()) == 1, decoded

    # The same page's searches each on their own (outside the page's
    # context) decode blocks again, and find the same.
    decoded.clear()
    parsed = parse_query("weegschaal")
    alone = selectors.site_search.__wrapped__(user=office, parsed=parsed)
    assert max(decoded.values()) > 1
    assert alone.total == page.total
    assert [h.title for h in alone.hits] == [h.title for h in page.hits]


@whoosh_only
def test_nothing_is_kept_after_the_page(people, scales):
    from search.backends.whoosh import codec

    site_search(user=people["office"], parsed=parse_query("weegschaal"))
    assert codec._PAGE_BLOCKS.get() is None


@pytest.fixture
def positions_read(monkeypatch):
    """Counts how often the phrase matcher reads word positions."""
    from search.backends.whoosh import phrase

    reads = Counter()
    original = phrase.PhraseMatcher._adjacent

    def counting(self):
        reads["positions" if self.known is None else "known"] += 1
        return original(self)

    monkeypatch.setattr(phrase.PhraseMatcher, "_adjacent", counting)
    return reads


@whoosh_only
def test_a_page_ranks_a_phrase_by_what_its_count_found(people, positions_read):
    """The page counts a phrase first (reading word positions once); its
    ranking then asks that answer instead of reading the positions again,
    and ranks exactly as a search without it."""
    office = people["office"]
    garage = ClientFactory(name="Garage Oost")
    for n in range(12):
        # The words of the phrase together in half of the files, apart in
        # the other half (with a varying number of other words: other scores).
        text = (
            f"De weegschaal is {'geijkt' if n % 2 else 'niet goed geijkt'}, "
            f"meting {n}. " + "Kalibratie herhaald. " * (n % 4)
        )
        make_evidence(garage, f"meting-{n}.txt", text, by=office)
    parsed = parse_query('"weegschaal is geijkt"')

    page = site_search(user=office, parsed=parsed)
    assert positions_read["known"], "the ranking read the positions again"
    assert page.total == 6

    positions_read.clear()
    alone = selectors.site_search.__wrapped__(user=office, parsed=parsed)
    assert positions_read["positions"]
    assert not positions_read["known"]
    assert [h.title for h in alone.hits] == [h.title for h in page.hits]
    assert alone.total == page.total


@whoosh_only
def test_a_restricted_users_ranking_visits_only_his_hits(people, monkeypatch):
    """For a user who may see a few files, the engine first finds his hits
    among them (reading only the blocks that hold one) and ranks only those:
    the phrase matcher is not walked through every other file holding both
    words on its way to his next file."""
    from modelsearch.query import Phrase
    from wagtail.search.backends import get_search_backend

    from cases.selectors import evidence_visible_to
    from cases.services import dossier_access_grant
    from search.backends.whoosh import results as whoosh_results

    office, assessor = people["office"], people["assessor"]
    garage = ClientFactory(name="Garage Oost")
    bakkerij = ClientFactory(name="Bakkerij Veld")
    for n in range(12):
        make_evidence(
            bakkerij if n in (5, 11) else garage,
            f"meting-{n}.txt",
            f"De weegschaal {'slecht' if n == 5 else 'is'} geijkt, meting {n}.",
            by=office,
        )
    dossier_access_grant(client=bakkerij, user=assessor, by=office, reason="t")
    ranked_among = []
    original = whoosh_results.restrict

    def recording(query, allowed):
        ranked_among.append(set(allowed))
        return original(query, allowed)

    monkeypatch.setattr(whoosh_results, "restrict", recording)

    results = get_search_backend().search(
        Phrase("weegschaal geijkt"), evidence_visible_to(assessor)
    )

    assert [f.original_name for f in results[:10]] == ["meting-11.txt"]
    # Ranked among his one hit, not among both of his files.
    assert [len(docs) for docs in ranked_among] == [1]
