"""The search page leaves out a kind whose index holds none of the words
(issue 15, item 1): that kind counts 0 for everyone, so the user's scope for it
(the permission selectors, the costliest part of a restricted user's page) is
never built. And the engine reads a filter "these few files, not deleted" by
checking those few files, not by listing every file that is not deleted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Complaint, EvidenceFile
from search.backends.whoosh.codec import PortalCodec
from search.forms import parse_query
from search.scoping import kind_of_model, may_match
from search.selectors import site_search
from tests.factories import ClientFactory
from tests.search.test_search_page import (
    make_complaint,
    make_evidence,
    whoosh_only,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(people):
    client = ClientFactory(name="Bakkerij Veld")
    complaint = make_complaint(
        client,
        "De auditor kwam te laat; klager noemt de planning rommelig.",
        office=people["office"],
        quality=people["qo"],
        handler=people["handler"],
    )
    evidence = make_evidence(
        client,
        "verslag.txt",
        "Het verslag noemt de weegschaal en de kalibratie.",
        by=people["office"],
    )
    return {"complaint": complaint, "evidence": evidence}


def complaint_sql(captured) -> list[str]:
    """The queries that read complaints themselves (a file's scope may name
    the complaint table in a subquery: a handler sees his cases' files)."""
    table = f'"{Complaint._meta.db_table}"'
    return [
        q["sql"] for q in captured if q["sql"].partition(" FROM ")[2].startswith(table)
    ]


@whoosh_only
def test_may_match_says_no_only_when_no_document_of_the_kind_has_the_words(stored):
    complaints, files = kind_of_model(Complaint), kind_of_model(EvidenceFile)
    weegschaal = parse_query("weegschaal").query
    rommelig = parse_query("rommelig").query
    assert may_match(weegschaal, files)
    assert not may_match(weegschaal, complaints)
    assert may_match(rommelig, complaints)
    assert not may_match(rommelig, files)
    # Every part of an AND must occur; an OR needs one of them.
    assert not may_match(parse_query("weegschaal rommelig").query, files)
    assert may_match(parse_query("weegschaal OR rommelig").query, complaints)


@whoosh_only
def test_may_match_reads_a_phrase_as_its_words(stored, people):
    """A phrase is looked for as its words (no positions read): a kind holding
    the words apart may still be searched, a kind without one of them is
    left out. Under NOT a phrase stays a phrase: as its words it would leave
    out documents the query finds."""
    complaints, files = kind_of_model(Complaint), kind_of_model(EvidenceFile)
    office = people["office"]
    # "Het verslag noemt de weegschaal en de kalibratie."
    assert may_match(parse_query('"weegschaal kalibratie"').query, files)
    assert not may_match(parse_query('"weegschaal kalibratie"').query, complaints)
    assert not may_match(parse_query('"rommelig weegschaal"').query, files)
    # The words stand apart: maybe a match, never a wrong "no"; the page
    # itself still finds no phrase.
    apart = parse_query('"verslag weegschaal"')
    assert may_match(apart.query, files)
    assert site_search(user=office, parsed=apart).total == 0
    # Not the phrase (the words stand apart): the file matches, so the kind
    # must not be left out.
    excluded = parse_query('kalibratie NOT "verslag weegschaal"')
    assert may_match(excluded.query, files)
    page = site_search(user=office, parsed=excluded)
    assert [h.obj for h in page.hits] == [stored["evidence"]]


@whoosh_only
def test_a_kind_without_the_words_is_not_scoped_for_a_restricted_user(stored, people):
    handler = people["handler"]
    with CaptureQueriesContext(connection) as only_files:
        page = site_search(user=handler, parsed=parse_query("weegschaal"))
    assert page.total == 1
    assert [h.kind.key for h in page.hits] == ["bestand"]
    assert complaint_sql(only_files.captured_queries) == []

    with CaptureQueriesContext(connection) as complaints:
        page = site_search(user=handler, parsed=parse_query("rommelig"))
    assert [h.obj for h in page.hits] == [stored["complaint"]]
    assert complaint_sql(complaints.captured_queries)


@whoosh_only
def test_left_out_kinds_still_refuse_what_the_user_may_not_see(stored, people):
    """The shortcut only ever drops kinds without the words: a kind with them
    is still searched within the user's scope."""
    assessor = people["assessor"]  # no role in the complaint, no dossier grant
    assert site_search(user=assessor, parsed=parse_query("rommelig")).total == 0
    assert site_search(user=assessor, parsed=parse_query("weegschaal")).total == 0
    assert site_search(user=people["qo"], parsed=parse_query("rommelig")).total == 1


@whoosh_only
def test_a_deleted_file_among_the_allowed_ones_stays_out(stored, people):
    """A restricted user's allowed files become a list of keys; the condition
    "not deleted" is then checked for those files only (and must still hold)."""
    from cases.services import dossier_access_grant, evidence_delete

    client = stored["evidence"].client
    assessor = people["assessor"]
    dossier_access_grant(client=client, user=assessor, by=people["qo"], reason="t")
    kept = make_evidence(
        client, "tweede.txt", "Nog een weegschaal.", by=people["office"]
    )
    assert site_search(user=assessor, parsed=parse_query("weegschaal")).total == 2
    evidence_delete(evidence=stored["evidence"], by=people["qo"], reason="fout")
    page = site_search(user=assessor, parsed=parse_query("weegschaal"))
    assert page.total == 1
    assert [h.obj for h in page.hits] == [kept]
    # Its name stays in the index with the tombstone: still not found.
    assert site_search(user=people["qo"], parsed=parse_query("verslag")).total == 0
    assert site_search(user=assessor, parsed=parse_query("verslag")).total == 0


def test_the_fuzzy_automaton_of_a_word_is_built_once():
    automata = PortalCodec().automata(None, None)
    first = automata.levenshtein_dfa("kalibratie", 2, 1)
    assert automata.levenshtein_dfa("kalibratie", 2, 1) is first
    assert automata.levenshtein_dfa("kalibratie", 1, 1) is not first
    assert first.next_valid_string("kalibratie") == "kalibratie"
