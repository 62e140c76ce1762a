# ruff: noqa: S101 - pytest tests assert by design
"""Behaviour the portal relies on beyond modelsearch's peer suite.

Each test gets its own index directory; the default backend is pointed at it
with ``AUTO_UPDATE`` off so that saving test objects does not index them
behind the test's back.
"""

import datetime
import json
import os
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core import management
from django.db.models import Subquery
from modelsearch.backends import get_search_backend
from modelsearch.query import MATCH_ALL, Fuzzy, Not, Phrase, PlainText
from modelsearch.test.testapp.models import Author, Book, Novel

from search.backends.whoosh import (
    SearchIndexCorrupt,
    SearchIndexLocked,
    SearchIndexMissing,
    SearchIndexOutdated,
    SearchIndexUnavailable,
    highlight,
)
from search.backends.whoosh.storage import META_FILE

pytestmark = pytest.mark.django_db

DUTCH_TITLES = [
    "Klacht over de beoordeling",
    "Beoordelaar benoemd voor het beroep",
    "Geëscaleerd dossier",
    "Geescaleerd verzoek",
    "Jaarverslag van de commissie",
]


@pytest.fixture
def backend(settings, tmp_path):
    settings.MODELSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(tmp_path / "index"),
            "LOCK_TIMEOUT": 0.3,
            "AUTO_UPDATE": False,
        }
    }
    backend = get_search_backend("default")
    backend.reset_indexes()
    yield backend
    backend.close_searchers()


def make_book(title, pages=100, **kwargs):
    return Book.objects.create(
        title=title,
        number_of_pages=pages,
        publication_date=datetime.date(2024, 1, 1),
        **kwargs,
    )


@pytest.fixture
def dutch_books(backend):
    books = [make_book(title) for title in DUTCH_TITLES]
    backend.add_bulk(Book, books)
    return books


def titles(results):
    return {result.title for result in results}


# ------------------------------------------------------------ analysis


def test_plural_finds_singular_by_dutch_stemming(backend, dutch_books):
    assert titles(backend.search("klachten", Book)) == {"Klacht over de beoordeling"}
    assert titles(backend.search("beoordelaars", Book)) == {
        "Beoordelaar benoemd voor het beroep"
    }


def test_accent_folding_works_both_ways(backend, dutch_books):
    expected = {"Geëscaleerd dossier", "Geescaleerd verzoek"}
    assert titles(backend.search("geescaleerd", Book)) == expected
    assert titles(backend.search("geëscaleerd", Book)) == expected
    assert titles(backend.search("GEËSCALEERD", Book)) == expected


def test_stop_words_alone_match_nothing(backend, dutch_books):
    assert list(backend.search("de het", Book)) == []


def test_language_is_configurable(settings, tmp_path):
    settings.MODELSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(tmp_path / "en"),
            "LANGUAGE": "en",
            "AUTO_UPDATE": False,
        }
    }
    backend = get_search_backend("default")
    backend.reset_indexes()
    backend.add_bulk(Book, [make_book("Running shoes")])
    assert titles(backend.search("runs", Book)) == {"Running shoes"}


# ------------------------------------------------------------- queries


def test_phrase_respects_word_order_and_skips_stop_words(backend, dutch_books):
    found = backend.search(Phrase("klacht over de beoordeling"), Book)
    assert titles(found) == {"Klacht over de beoordeling"}
    assert list(backend.search(Phrase("beoordeling klacht"), Book)) == []


def test_boolean_and_or_not(backend, dutch_books):
    both = PlainText("klacht") & PlainText("beoordeling")
    assert titles(backend.search(both, Book)) == {"Klacht over de beoordeling"}
    either = PlainText("klacht") | PlainText("dossier")
    assert titles(backend.search(either, Book)) == {
        "Klacht over de beoordeling",
        "Geëscaleerd dossier",
    }
    without = PlainText("geescaleerd") & Not(PlainText("dossier"))
    assert titles(backend.search(without, Book)) == {"Geescaleerd verzoek"}
    assert titles(backend.search("klacht dossier", Book, operator="or")) == {
        "Klacht over de beoordeling",
        "Geëscaleerd dossier",
    }
    assert list(backend.search("klacht dossier", Book, operator="and")) == []


def test_fuzzy_tolerates_a_typo(backend, dutch_books):
    assert "Jaarverslag van de commissie" in titles(
        backend.search(Fuzzy("comissie"), Book)
    )


def test_autocomplete_matches_prefixes_with_folding(backend, dutch_books):
    assert titles(backend.autocomplete("beoordela", Book)) == {
        "Beoordelaar benoemd voor het beroep"
    }
    assert titles(backend.autocomplete("geës", Book)) == {
        "Geëscaleerd dossier",
        "Geescaleerd verzoek",
    }


def test_field_boost_ranks_title_matches_first(backend):
    in_summary = make_book("Jaarverslag", summary="klacht klacht klacht")
    in_title = make_book("Klacht", summary="jaarverslag")
    backend.add_bulk(Book, [in_summary, in_title])
    assert list(backend.search("klacht", Book)) == [in_title, in_summary]


# ------------------------------------------- filtering before the cut-off


@pytest.fixture
def mostly_hidden(backend):
    """300 books match "klacht"; the 3 allowed ones score lowest."""
    hidden = [
        Book(
            title="klacht klacht klacht",
            number_of_pages=1,
            publication_date=datetime.date(2024, 1, 1),
        )
        for _ in range(297)
    ]
    Book.objects.bulk_create(hidden)
    allowed = [
        make_book("klacht in een lange titel met veel woorden", 2) for _ in range(3)
    ]
    backend.add_bulk(Book, list(Book.objects.all()))
    return allowed


def test_engine_filter_applies_before_top_k(backend, mostly_hidden):
    queryset = Book.objects.filter(number_of_pages=2)
    results = backend.search("klacht", queryset)
    assert set(results[:10]) == set(mostly_hidden)
    assert results.count() == 3
    assert results[:2].count() == 2
    assert dict(results.facet("number_of_pages")) == {2: 3}
    assert set(backend.autocomplete("klach", queryset)[:5]) == set(mostly_hidden)


def test_subquery_scoped_queryset_applies_before_top_k(backend, mostly_hidden):
    scope = Book.objects.filter(pk__in=[book.pk for book in mostly_hidden])
    queryset = Book.objects.filter(pk__in=Subquery(scope.values("pk")))
    results = backend.search("klacht", queryset)
    assert set(results[:10]) == set(mostly_hidden)
    assert results.count() == 3
    assert set(backend.autocomplete("klach", queryset)) == set(mostly_hidden)


def test_empty_scope_returns_nothing_rather_than_everything(backend, mostly_hidden):
    queryset = Book.objects.filter(pk__in=Subquery(Book.objects.none().values("pk")))
    assert list(backend.search("klacht", queryset)) == []
    assert backend.search("klacht", queryset).count() == 0
    assert list(backend.search("klacht", Book.objects.filter(number_of_pages=9))) == []


def test_child_model_pk_scope_is_not_ignored(backend):
    allowed = Novel.objects.create(
        title="Klacht A", number_of_pages=1, publication_date=datetime.date(2024, 1, 1)
    )
    hidden = Novel.objects.create(
        title="Klacht B", number_of_pages=1, publication_date=datetime.date(2024, 1, 1)
    )
    backend.add_bulk(Novel, [allowed, hidden])
    scoped = Novel.objects.filter(
        pk__in=Subquery(Novel.objects.filter(title="Klacht A").values("pk"))
    )
    assert list(backend.search("klacht", scoped)) == [allowed]
    assert list(backend.search("klacht", Novel.objects.filter(pk=allowed.pk))) == [
        allowed
    ]


# ------------------------------------------------------------ robustness


def index_dir(backend, model=Book) -> Path:
    return Path(backend.get_index_for_model(model).path)


def test_write_lock_is_retried_then_reported(backend, dutch_books):
    ix = backend.get_index_for_model(Book).store.open()
    lock = ix.lock("WRITELOCK")
    assert lock.acquire()
    try:
        started = time.monotonic()
        with pytest.raises(SearchIndexLocked):
            backend.add(make_book("Klacht tijdens slot"))
        assert time.monotonic() - started < 2
    finally:
        lock.release()


def test_write_lock_released_during_retry_lets_the_write_through(backend):
    ix = backend.get_index_for_model(Book).store.open()
    lock = ix.lock("WRITELOCK")
    assert lock.acquire()
    threading.Timer(0.1, lock.release).start()
    backend.add(make_book("Klacht na het slot"))
    assert titles(backend.search("klacht", Book)) == {"Klacht na het slot"}


def test_schema_version_mismatch_is_detected(backend, dutch_books):
    meta_path = index_dir(backend) / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["schema_version"] = "something-older"
    meta_path.write_text(json.dumps(meta))
    backend.close_searchers()
    with pytest.raises(SearchIndexOutdated):
        list(backend.search("klacht", Book))
    with pytest.raises(SearchIndexOutdated):
        backend.add(make_book("Nieuw"))


def test_corrupt_index_raises_and_is_not_wiped(backend, dutch_books):
    directory = index_dir(backend)
    for toc in directory.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    backend.close_searchers()
    with pytest.raises(SearchIndexUnavailable) as excinfo:
        list(backend.search("klacht", Book))
    assert isinstance(excinfo.value, SearchIndexCorrupt)
    assert "update_index" in str(excinfo.value)
    with pytest.raises(SearchIndexUnavailable):
        backend.add(make_book("Nieuw"))
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before


def test_missing_index_raises_and_is_not_created(settings, tmp_path):
    path = tmp_path / "nowhere"
    settings.MODELSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(path),
            "AUTO_UPDATE": False,
        }
    }
    backend = get_search_backend("default")
    with pytest.raises(SearchIndexMissing):
        list(backend.search("klacht", Book))
    assert not path.exists()


def test_rebuild_command_repairs_a_corrupt_index(backend, dutch_books):
    for toc in index_dir(backend).glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    backend.close_searchers()
    management.call_command("rebuild_modelsearch_index", stdout=StringIO())
    backend.close_searchers()
    assert titles(backend.search("klachten", Book)) == {"Klacht over de beoordeling"}
    assert not [p for p in os.listdir(index_dir(backend).parent) if "." in p]


def test_rebuild_keeps_each_object_once(backend):
    novel = Novel.objects.create(
        title="Klacht", number_of_pages=1, publication_date=datetime.date(2024, 1, 1)
    )
    Author.objects.create(name="Beoordelaar")
    management.call_command("rebuild_modelsearch_index", stdout=StringIO())
    assert list(backend.search("klacht", Book)) == [novel.book_ptr]
    assert backend.search(MATCH_ALL, Author).count() == 1


# ------------------------------------------------------------ highlights


def test_highlight_marks_stemmed_matches():
    html = highlight("De klacht is geëscaleerd naar de commissie.", "klachten")
    assert "<mark" in html
    assert "klacht</mark>" in html


# ------------------------------------- cases the shared fixture lacks data for


def test_nested_related_fields_are_searchable(backend):
    from modelsearch.test.testapp.models import AgendaItem, Meeting, Speaker

    meeting = Meeting.objects.create(name="Stand-up", start_time=datetime.time(9))
    item = AgendaItem.objects.create(meeting=meeting, topic="Begroting")
    Speaker.objects.create(agenda_item=item, name="Arthur Conan Doyle")
    backend.add(meeting)
    assert list(backend.search("Doyle", Meeting)) == [meeting]
    assert list(backend.search("begroting", Meeting)) == [meeting]


def test_treebeard_querysets_filter_results(backend):
    from modelsearch.test.testapp.models import MPAnimal

    animal = MPAnimal.add_root(name="Animal")
    mammal = animal.add_child(name="Mammal")
    dog = mammal.add_child(name="Dog")
    animal.add_child(name="Reptile")
    backend.add_bulk(MPAnimal, list(MPAnimal.objects.all()))
    dog.refresh_from_db()
    assert [a.name for a in backend.search("mammal", dog.get_ancestors())] == ["Mammal"]
    assert list(backend.search("dog", animal.get_children())) == []
    assert [a.name for a in backend.search("dog", animal.get_descendants())] == ["Dog"]
