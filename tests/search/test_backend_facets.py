"""Facets and counts of the Whoosh backend (issue 6, item 5: the search page at
scale).

A date or a foreign key has about as many distinct values as documents, so its
facet is read from the field's column for the matched documents only; a field
with few values (a state) walks its terms. Both must give the same counts, a
document without a value counts under ``None``, and a page that asks one query
for its count and several facets runs the query in Whoosh once.
"""

from __future__ import annotations

import datetime

import pytest
from wagtail.search.backends import get_search_backend

from cases.models import Complaint
from portal.roles import CORE_GROUP, OFFICE_MANAGER, QUALITY_OFFICER
from search.backends.whoosh import results as whoosh_results
from search.backends.whoosh.schema import filter_field_name
from tests.factories import ClientFactory, UserFactory
from tests.search.test_search_page import local, make_complaint, whoosh_only

pytestmark = [pytest.mark.django_db, whoosh_only]


@pytest.fixture
def complaints():
    office = UserFactory(roles=[OFFICE_MANAGER])
    quality = UserFactory(roles=[QUALITY_OFFICER])
    first, second = UserFactory(roles=[CORE_GROUP]), UserFactory(roles=[CORE_GROUP])
    client = ClientFactory()
    made = []
    for received, handler in (
        (local(2025, 3, 4, 10), first),
        (local(2025, 3, 4, 15), first),
        (local(2026, 1, 2, 9), second),
        (local(2026, 2, 2, 9), None),
    ):
        made.append(
            make_complaint(
                client,
                "Klacht over de gieruiltoren.",
                office=office,
                quality=quality,
                handler=handler,
                received_at=received,
            )
        )
    return {"first": first, "second": second, "complaints": made}


def _results():
    return get_search_backend().search("gieruiltoren", Complaint.objects.all())


def test_a_foreign_key_facet_counts_documents_without_a_value_as_none(complaints):
    facet = _results().facet("handler_id")
    assert dict(facet) == {
        complaints["first"].pk: 2,
        complaints["second"].pk: 1,
        None: 1,
    }
    assert next(iter(facet)) == complaints["first"].pk  # largest count first


def test_a_date_facet_gives_the_stored_moments(complaints):
    """As the engine stores them: naive UTC, one per moment."""
    facet = _results().facet("received_at")
    utc = [
        local(*moment).astimezone(datetime.UTC).replace(tzinfo=None)
        for moment in (
            (2025, 3, 4, 10),
            (2025, 3, 4, 15),
            (2026, 1, 2, 9),
            (2026, 2, 2, 9),
        )
    ]
    assert dict(facet) == dict.fromkeys(utc, 1)


def test_column_and_term_facets_agree(complaints):
    """The column path (dates, keys) against the term walk (any field)."""
    results = _results()
    index, searcher, docs = results._matched()
    reader = searcher.reader()
    for field_name in ("handler_id", "received_at", "client_id"):
        compiler = results.query_compiler
        field = compiler._get_filterable_field(field_name)
        name = filter_field_name(Complaint, field)
        spec = index.layout.specs[name]
        whoosh_field = reader.schema[name]
        values = index.store.column_values(searcher, name)
        by_column = whoosh_results._facet_from_column(values, whoosh_field, spec, docs)
        by_terms = whoosh_results._facet_from_terms(
            reader, name, whoosh_field, spec, docs
        )
        assert sorted(by_column, key=repr) == sorted(by_terms, key=repr), field_name


def test_count_and_facets_of_one_query_run_it_once(complaints, monkeypatch):
    calls = []
    original = whoosh_results.WhooshSearchResults._run

    def counting(self, *args, **kwargs):
        calls.append(kwargs.get("limit"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(whoosh_results.WhooshSearchResults, "_run", counting)
    matching = whoosh_results.matching_docs

    def counting_sets(*args):
        calls.append("sets")
        return matching(*args)

    monkeypatch.setattr(whoosh_results, "matching_docs", counting_sets)
    scopes = []
    allowed = whoosh_results.WhooshSearchResults._allowed

    def counting_scope(self, *args):
        scopes.append(1)
        return allowed(self, *args)

    monkeypatch.setattr(whoosh_results.WhooshSearchResults, "_allowed", counting_scope)
    results = _results()
    assert results.count() == 4
    assert sum(results.facet("state").values()) == 4
    assert sum(results.facet("handler_id").values()) == 4
    assert len(results[:2]) == 2  # a slice is a clone: the shared count stays
    # The hits are found once: set by set (or by one unscored search).
    assert calls.count(None) + calls.count("sets") == 1
    assert len(scopes) == 1  # the user's scope is translated once, clones included


def test_counting_first_leaves_the_ranking_as_it_was(complaints, monkeypatch):
    """After the count, a restricted ranking visits only the documents known
    to match (a few among the allowed); it gives the same hits in the same
    order as a ranking without the count, for everyone and for a restricted
    scope."""
    office = UserFactory(roles=[OFFICE_MANAGER])
    quality = UserFactory(roles=[QUALITY_OFFICER])
    client = ClientFactory()
    made = [
        make_complaint(
            client,
            "Klacht over de gieruiltoren." + " fuut" * (n if n < 5 else 0),
            office=office,
            quality=quality,
            received_at=local(2026, 3, 1 + n % 28, 9),
        )
        for n in range(30)
    ]
    everything = Complaint.objects.all()
    # A restriction of 10 of 34 documents, the 4 hits among them.
    some = Complaint.objects.filter(pk__in=[c.pk for c in made[:10]])
    backend = get_search_backend()
    seen = []
    run = whoosh_results.WhooshSearchResults._run

    def spying(self, searcher, query, allowed, **kwargs):
        seen.append(allowed[0])
        return run(self, searcher, query, allowed, **kwargs)

    for queryset in (everything, some):
        plain = [c.pk for c in backend.search("fuut", queryset)[:5]]
        monkeypatch.setattr(whoosh_results.WhooshSearchResults, "_run", spying)
        counted = backend.search("fuut", queryset)
        total = counted.count()
        assert [c.pk for c in counted[:5]] == plain
        assert len(plain) == total == 4
        if queryset is some:  # a restriction: ranked among the hits only
            assert seen[-1] is not None
            assert len(seen[-1]) == total
        else:  # everyone: Whoosh's own ranking, which passes whole blocks
            assert seen[-1] is None
        monkeypatch.undo()
