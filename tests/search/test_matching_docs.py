"""The documents a query matches, counted set by set (``results.matching_docs``:
a word's postings read block by block, "or" a union, "and" an intersection)
are the documents Whoosh's own unscored search finds, over several segments and
with deleted documents (issue 15: counting the hits took most of a search
page)."""

from __future__ import annotations

import random

import pytest
from whoosh import fields, index
from whoosh import query as wq

from search.backends.whoosh.combine import EVERY, NOTHING, AndNot
from search.backends.whoosh.results import matching_docs
from search.backends.whoosh.writer import FastSegmentWriter
from tests.search.test_search_page import whoosh_only

WORDS = ["klacht", "zaak", "brief", "beroep", "dossier", "zeldzaam"]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    path = tmp_path_factory.mktemp("sets")
    schema = fields.Schema(
        pk=fields.ID(unique=True, stored=False),
        t=fields.TEXT(phrase=True),
        a=fields.TEXT(phrase=True),
        n=fields.NUMERIC(bits=64, signed=True),
    )
    ix = index.create_in(str(path), schema)
    rng = random.Random(9)  # noqa: S311
    number = 0
    for _segment in range(3):
        writer = FastSegmentWriter(ix, limitmb=16)
        for _ in range(900):
            writer.add_document(
                pk=str(number),
                t=" ".join(rng.choices(WORDS, weights=[40, 30, 20, 10, 5, 1], k=9)),
                a=" ".join(rng.choices(WORDS[:4], k=2)),
                n=number % 11,
            )
            number += 1
        writer.commit(merge=False)
    writer = ix.writer()
    for pk in rng.sample(range(number), 300):  # deletions in every segment
        writer.delete_by_term("pk", str(pk))
    writer.commit(merge=False)
    searcher = ix.searcher()
    assert len(searcher.leaf_searchers()) == 3
    assert searcher.reader().has_deletions()
    return searcher


def t(word, field="t"):
    return wq.Term(field, word)


QUERIES = [
    t("klacht"),
    t("zeldzaam"),
    t("onbekend"),
    t("klacht", "geen_veld"),
    wq.Or([t("beroep"), t("beroep", "a")]),
    wq.And([wq.Or([t("zaak"), t("zaak", "a")]), wq.Or([t("brief"), t("brief", "a")])]),
    wq.And([t("zeldzaam"), t("dossier")]),
    AndNot(t("klacht"), t("zaak")),
    AndNot(t("zeldzaam"), wq.Or([t("klacht"), t("brief", "a")])),
    AndNot(wq.Or([t("zeldzaam"), t("dossier", "a")]), wq.Or([t("klacht"), t("brief")])),
    wq.Phrase("t", ["klacht", "zaak"]),
    wq.Or([wq.Phrase("t", ["brief", "beroep"]), wq.Phrase("a", ["zaak", "klacht"])]),
    wq.And([wq.Phrase("t", ["klacht", "klacht"]), t("dossier")]),
    wq.Phrase("t", ["zaak", "brief", "klacht"]),
    wq.Phrase("t", ["zeldzaam", "klacht"]),  # an inlined short list
    wq.Phrase("t", ["klacht", "onbekend"]),
    wq.Phrase("t", ["klacht", "zaak"], slop=2),  # Whoosh's own matcher
    wq.Or([t("zeldzaam"), NOTHING]),
    wq.And([t("klacht"), NOTHING]),
    # Kinds without a set form here: Whoosh's own search answers.
    wq.FuzzyTerm("t", "klachd", maxdist=1),
    wq.Ordered([t("klacht"), t("zaak")]),
    wq.NumericRange("n", 2, 4),
    wq.And([t("klacht"), wq.NumericRange("n", 2, 4)]),
]


@pytest.mark.parametrize("query", QUERIES, ids=repr)
def test_the_sets_are_whooshs_unscored_hits(searcher, query):
    theirs = set(searcher.search(query, limit=None, scored=False).docs())
    ours = matching_docs(query, searcher)
    if ours is None:
        assert type(query) in (wq.FuzzyTerm, wq.Ordered, wq.NumericRange, wq.And)
        return
    assert ours == theirs
    assert all(not searcher.reader().is_deleted(d) for d in ours)


def test_the_common_shapes_have_a_set_form(searcher):
    for query in QUERIES[:15]:
        assert matching_docs(query, searcher) is not None, query
    assert matching_docs(t("klacht"), searcher)  # not vacuous


@pytest.mark.parametrize("query", QUERIES[:19], ids=repr)
def test_among_a_few_documents_the_sets_are_whooshs_hits_among_them(searcher, query):
    """A restricted user's allowed documents (``among``): only those are
    looked up, in every segment, and the answer is Whoosh's hits among them."""
    theirs = set(searcher.search(query, limit=None, scored=False).docs())
    rng = random.Random(repr(query))  # noqa: S311
    for size in (0, 1, 25, 300, 2700):
        among = set(rng.sample(range(2700), size))
        ours = matching_docs(query, searcher, among=among)
        if ours is None:
            assert type(query) in (wq.FuzzyTerm, wq.Ordered, wq.NumericRange, wq.And)
            continue
        assert ours == theirs & among, size


def test_phrases_of_every_length_and_order_are_whooshs(searcher):
    """The phrase check (word sets intersected, then positions) against
    Whoosh's span matcher, for random phrases of two to four words, repeated
    words included."""
    rng = random.Random(4)  # noqa: S311
    for _ in range(60):
        words = rng.choices(WORDS, k=rng.randint(2, 4))
        field = rng.choice(["t", "a"])
        query = wq.Phrase(field, words)
        theirs = set(searcher.search(query, limit=None, scored=False).docs())
        assert matching_docs(query, searcher) == theirs, query
        among = set(rng.sample(range(2700), 40))
        assert matching_docs(query, searcher, among=among) == theirs & among


def test_a_phrase_is_counted_without_whooshs_span_matcher(searcher, monkeypatch):
    query = wq.Phrase("t", ["klacht", "zaak"])
    theirs = set(searcher.search(query, limit=None, scored=False).docs())
    assert theirs

    def refused(*args, **kwargs):
        raise AssertionError("the span matcher was used")

    monkeypatch.setattr(wq.Phrase, "matcher", refused)
    assert matching_docs(query, searcher) == theirs


def test_a_search_counts_what_it_lists(searcher):
    """The search page's count and the listed hits agree (the count from sets,
    the list from Whoosh's scored search)."""
    for query in QUERIES[:13]:
        listed = {hit.docnum for hit in searcher.search(query, limit=None)}
        assert matching_docs(query, searcher) == listed
        top = {hit.docnum for hit in searcher.search(query, limit=5)}
        assert top <= listed
    assert matching_docs(EVERY, searcher) is None  # the caller lists all


def test_a_word_left_out_is_left_out_of_the_first_hit_too(searcher):
    """ "zeldzaam, not klacht": a document with both words is never listed,
    also when it is the first "zeldzaam" of its segment and "klacht" occurs
    earlier (Whoosh 2.7.4's own matcher listed it then)."""
    reader = searcher.reader()
    klacht = set(searcher.docs_for_query(t("klacht")))
    both = set(searcher.docs_for_query(t("zeldzaam"))) & klacht
    assert both, "the corpus must hold such documents"
    negated = wq.Or([t("klacht"), t("brief", "a")])
    # The corpus holds the case: Whoosh's own "and not" lists such a document.
    stock = searcher.search(wq.AndNot(t("zeldzaam"), negated), limit=None)
    assert {hit.docnum for hit in stock} & both
    query = AndNot(t("zeldzaam"), negated)
    listed = {hit.docnum for hit in searcher.search(query, limit=None)}
    assert not listed & both
    assert listed
    assert not any(reader.is_deleted(d) for d in listed)


@whoosh_only
@pytest.mark.django_db
def test_the_portal_leaves_a_negated_word_out_of_every_hit():
    from modelsearch.query import And, Not, PlainText
    from wagtail.search.backends import get_search_backend

    from cases.models import Client
    from tests.factories import ClientFactory

    backend = get_search_backend()
    # The first "kwekerij" comes after a "zaak": the case Whoosh got wrong.
    # One commit, so one segment: the three are documents 0, 1 and 2 of it.
    names = ("Zaak Bakkerij", "Kwekerij Zaak", "Kwekerij Oost")
    backend.add_bulk(Client, [ClientFactory(name=name) for name in names])
    query = And([PlainText("kwekerij"), Not(PlainText("zaak"))])
    found = backend.search(query, Client)
    assert [c.name for c in found] == ["Kwekerij Oost"]
    assert found.count() == 1


def test_a_rare_word_without_a_common_one_for_a_few_allowed_documents(tmp_path):
    """ "zeldzaam -klacht" for someone who may see documents after the rare
    word's last one: the restricted matcher skips "zeldzaam, not klacht" past
    its end, where Whoosh's own matcher went on to read a document that was
    not there (an error page)."""
    from search.backends.whoosh.docset import restrict

    ix = index.create_in(str(tmp_path), fields.Schema(t=fields.TEXT()))
    writer = FastSegmentWriter(ix, limitmb=16)
    writer.add_document(t="zeldzaam")
    writer.add_document(t="zeldzaam klacht")
    for _ in range(98):
        writer.add_document(t="klacht zaak")
    writer.commit()
    searcher = ix.searcher()
    query = AndNot(t("zeldzaam"), t("klacht"))
    for allowed in ({0, 1, 50}, {1, 50}, {50, 99}, {0}):
        hits = searcher.search(restrict(query, allowed), limit=10)
        assert {hit.docnum for hit in hits} == {0} & allowed
        assert len(searcher.search(restrict(query, allowed), limit=None)) == len(
            {0} & allowed
        )
