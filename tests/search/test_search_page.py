"""The search page /zoeken/ and its suggestions endpoint (issue 6, items 5, 6, 10).

Written for both search backends: the suite runs on Whoosh by default and on
modelsearch's database backend with ``PORTAL_SEARCH_BACKEND=database``. Tests of
Dutch stemming, accent folding, "Bedoelde u" (fuzzy) and index files are Whoosh's
only (``whoosh_only``); SQLite's full-text search has neither stemming nor fuzzy
matching.
"""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cases.links import case_url
from cases.models import Audit, Complaint, Signal
from cases.services import (
    complaint_assign_handler,
    complaint_register,
    evidence_delete,
    evidence_extract_text,
    evidence_upload,
    signal_qualify,
    signal_record,
)
from documents.models import HandbookPage, ProcedurePage
from portal.roles import CORE_GROUP
from search import selectors as search_selectors
from search import suggestions as search_suggestions
from search.backends.whoosh import SearchIndexLocked
from search.forms import MAX_QUERY_LENGTH, PAGE_SIZE
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
SEARCH = "/zoeken/"
SUGGEST = "/zoeken/suggesties/"


def on_whoosh() -> bool:
    return settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] == (
        "search.backends.whoosh"
    )


whoosh_only = pytest.mark.skipif(
    not on_whoosh(),
    reason="Whoosh only: Dutch analysis, fuzzy matching and index files",
)


# -- building blocks (also used by test_search_security) -------------------------


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=AMS)


def make_procedure(title, code, text, *, by=None, live=True) -> ProcedurePage:
    handbook = HandbookPage.objects.order_by("path").first()
    page = ProcedurePage(
        title=title,
        code=code,
        summary="",
        body=[
            (
                "section",
                {"heading": "Inhoud", "content": [("paragraph", f"<p>{text}</p>")]},
            )
        ],
        change_summary="Eerste versie.",
        live=live,
    )
    handbook.add_child(instance=page)
    if live:
        page.save_revision(user=by).publish()
    return ProcedurePage.objects.get(pk=page.pk)


def make_signal(client, description, *, by, received_at=None) -> Signal:
    return signal_record(
        by=by,
        client=client,
        channel=Signal.Channel.EMAIL,
        received_at=received_at or timezone.now() - datetime.timedelta(hours=2),
        description=description,
    )


def make_complaint(
    client,
    description,
    *,
    office,
    quality,
    handler=None,
    cause_analysis="",
    received_at=None,
    involved=(),
) -> Complaint:
    signal = make_signal(
        client, "Telefoon: ontevreden.", by=office, received_at=received_at
    )
    signal_qualify(
        signal=signal, by=quality, is_complaint=True, ground="a", reason="Klacht."
    )
    complaint = complaint_register(
        signal=signal,
        by=office,
        description=description,
        cause_analysis=cause_analysis,
        formal_written=False,
        involved_staff=list(involved),
    )
    if handler is not None:
        complaint = complaint_assign_handler(
            complaint=complaint, handler=handler, by=quality
        )
    return Complaint.objects.get(pk=complaint.pk)


def make_evidence(client, name, text, *, by, description="", case=None, audit=None):
    """Upload through the service and run its text extraction (the task that
    ``on_commit`` would queue; tests run inside a transaction)."""
    evidence = evidence_upload(
        client=client,
        uploaded_file=ContentFile(text.encode(), name=name),
        by=by,
        description=description,
        case=case,
        audit=audit,
    )
    return evidence_extract_text(evidence=evidence)


def search(http, q="", **params):
    response = http.get(SEARCH, {"q": q, **params})
    assert response.status_code == 200, response.content[:500]
    return response


def result_of(response):
    return response.context["result"]


def titles(response) -> list[str]:
    return [hit.title for hit in result_of(response).hits]


def kinds(response) -> list[str]:
    return [hit.kind.key for hit in result_of(response).hits]


def suggest(http, q) -> list[dict]:
    response = http.get(SUGGEST, {"q": q})
    assert response.status_code == 200
    return response.json()["resultaten"]


def without_echo(body: str, q: str) -> str:
    """The page without the places that repeat the query back: the <title> and
    the two search boxes. What remains may not mention what the query found."""
    body = re.sub(r"<title>.*?</title>", "", body, flags=re.S)
    return body.replace(f'value="{html.escape(q)}"', 'value=""')


# -- fixtures ------------------------------------------------------------------


# -- access ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client):
    for url in (f"{SEARCH}?q=klacht", f"{SUGGEST}?q=kla"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/inloggen/?next=")


def test_the_header_has_a_search_box_for_signed_in_users_only(client, people):
    assert b'action="/zoeken/"' not in client.get("/inloggen/").content
    client.force_login(people["assessor"])
    body = client.get("/").content.decode()
    assert 'role="search"' in body
    assert 'action="/zoeken/"' in body
    assert 'data-suggest-url="/zoeken/suggesties/"' in body


def test_without_a_query_the_page_explains_how_to_search(as_qo):
    response = search(as_qo)
    assert not result_of(response).searched
    body = response.content.decode()
    assert "Tussen aanhalingstekens" in body
    assert response["Cache-Control"] == "private, no-store"


# -- one ranked list, facets, pagination, sorting ----------------------------------


@pytest.fixture
def mixed(people):
    """The word "kraanvogel" in one object of every kind the QO can search."""
    office, qo = people["office"], people["qo"]
    anker = ClientFactory(name="Stichting Kraanvogel")
    linde = ClientFactory(name="Zorggroep De Linde")
    procedure = make_procedure("Kraanvogelprotocol", "P-90", "Over de kraanvogel.")
    complaint = make_complaint(
        linde,
        "De kraanvogel-rapportage kwam te laat.",
        office=office,
        quality=qo,
        handler=people["handler"],
        received_at=local(2025, 3, 4, 10, 0),
    )
    signal = make_signal(
        anker,
        "Klant belde over de kraanvogel.",
        by=office,
        received_at=timezone.now() - datetime.timedelta(hours=1),
    )
    evidence = make_evidence(
        linde, "verslag.txt", "Verslag: een kraanvogel gezien.", by=office
    )
    return {
        "anker": anker,
        "linde": linde,
        "procedure": procedure,
        "complaint": complaint,
        "signal": signal,
        "evidence": evidence,
    }


def test_one_ranked_list_interleaves_every_kind(as_qo, mixed):
    response = search(as_qo, "kraanvogel")
    result = result_of(response)
    assert result.total == 5
    # The best of each kind, in the order procedure, complaint, ..., file.
    assert kinds(response) == ["procedure", "klacht", "signaal", "klant", "bestand"]
    assert {v.value: v.count for v in result.kinds} == {
        "procedure": 1,
        "klacht": 1,
        "signaal": 1,
        "klant": 1,
        "bestand": 1,
    }


def test_the_kind_facet_filters_and_keeps_the_other_kinds_counted(as_qo, mixed):
    response = search(as_qo, "kraanvogel", soort="klacht")
    assert kinds(response) == ["klacht"]
    result = result_of(response)
    assert result.total == 1
    counts = {v.value: (v.count, v.selected) for v in result.kinds}
    assert counts["klacht"] == (1, True)
    assert counts["bestand"] == (1, False)
    selected = next(v for v in result.kinds if v.selected)
    assert "soort=" not in selected.href  # clicking it again removes the filter


def test_year_client_and_status_facets(as_qo, mixed, people):
    make_complaint(
        mixed["anker"],
        "Tweede kraanvogel-klacht.",
        office=people["office"],
        quality=people["qo"],
        received_at=local(2026, 1, 2, 9, 0),
    )
    result = result_of(search(as_qo, "kraanvogel", soort="klacht"))
    assert {v.label: v.count for v in result.years} == {"2025": 1, "2026": 1}
    assert {v.label: v.count for v in result.clients} == {
        "Stichting Kraanvogel": 1,
        "Zorggroep De Linde": 1,
    }
    assert {v.label: v.count for v in result.statuses} == {
        "Klacht: geregistreerd": 1,
        "Klacht: in behandeling": 1,
    }

    by_year = search(as_qo, "kraanvogel", soort="klacht", jaar=2025)
    assert titles(by_year) == [str(mixed["complaint"])]
    # The other year stays listed, to switch to.
    assert {(v.label, v.count, v.selected) for v in result_of(by_year).years} == {
        ("2025", 1, True),
        ("2026", 1, False),
    }
    by_client = search(as_qo, "kraanvogel", klant=mixed["anker"].pk)
    assert set(kinds(by_client)) == {"klacht", "signaal", "klant"}
    by_status = search(as_qo, "kraanvogel", status="klacht:in_progress")
    assert titles(by_status) == [str(mixed["complaint"])]


def test_pages_of_twenty_and_snippets_only_for_the_page_shown(
    as_qo, people, monkeypatch
):
    linde = ClientFactory(name="Zorggroep De Linde")
    for n in range(PAGE_SIZE + 5):
        make_evidence(
            linde, f"notulen-{n}.txt", f"Notulen {n}: reiger.", by=people["office"]
        )
    calls = []
    real = search_selectors.snippet
    monkeypatch.setattr(
        search_selectors, "snippet", lambda *a: calls.append(a) or real(*a)
    )
    first = result_of(search(as_qo, "reiger"))
    assert (first.total, len(first.hits), first.page_count) == (25, 20, 2)
    assert len(calls) == 20
    second = result_of(search(as_qo, "reiger", pagina=2))
    assert len(second.hits) == 5
    assert not {h.obj.pk for h in first.hits} & {h.obj.pk for h in second.hits}
    # A page past the end shows the last one.
    assert result_of(search(as_qo, "reiger", pagina=9)).page == 2


def test_the_number_of_queries_does_not_grow_with_the_hits(as_qo, people):
    anker = ClientFactory(name="Stichting Anker")

    def queries_for(word, n):
        for i in range(n):
            make_complaint(
                anker,
                f"{word} {i}",
                office=people["office"],
                quality=people["qo"],
                handler=people["handler"],
            )
            make_evidence(anker, f"{word}-{i}.txt", word, by=people["office"])
        with CaptureQueriesContext(connection) as ctx:
            result = result_of(search(as_qo, word))
        assert result.total == 2 * n
        return len(ctx.captured_queries)

    search(as_qo, "opwarmen")  # one-time lookups (content types, site) first
    assert queries_for("fuut", 2) == queries_for("meerkoet", 8)


def test_sorting_by_date_puts_the_newest_first(as_qo, people):
    linde = ClientFactory(name="Zorggroep De Linde")
    office, qo = people["office"], people["qo"]
    old = make_complaint(
        linde, "Oud: wulp.", office=office, quality=qo, received_at=local(2024, 5, 1)
    )
    new = make_complaint(
        linde, "Nieuw: wulp.", office=office, quality=qo, received_at=local(2026, 2, 1)
    )
    between = make_signal(
        linde, "Tussendoor: wulp.", by=office, received_at=local(2025, 6, 1)
    )
    response = search(as_qo, "wulp", sorteer="datum")
    assert titles(response) == [str(new), str(between), str(old)]
    assert result_of(response).sort == "datum"


# -- what a result shows and where it leads ------------------------------------------


def test_snippets_are_highlighted_and_escaped(as_qo, people):
    linde = ClientFactory(name="Zorggroep De Linde")
    make_complaint(
        linde,
        "Hij schreef <script>alert('x')</script> tureluur <b>vet</b>.",
        office=people["office"],
        quality=people["qo"],
    )
    response = search(as_qo, "tureluur")
    (hit,) = result_of(response).hits
    assert "<mark" in hit.snippet
    assert "tureluur</mark>" in hit.snippet
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    assert "<b>vet</b>" not in body


def test_an_evidence_result_opens_through_the_logged_download(client, people):
    linde = ClientFactory(name="Zorggroep De Linde")
    evidence = make_evidence(
        linde, "rapport.txt", "Het woord grutto.", by=people["office"]
    )
    client.force_login(people["qo"])
    (hit,) = result_of(search(client, "grutto")).hits
    assert hit.url == reverse("cases:evidence_download", args=[evidence.uuid])
    assert client.get(hit.url).status_code == 200
    assert ModelLogEntry.objects.filter(
        action="portal.evidence.download", object_id=str(evidence.pk)
    ).exists()


def test_cases_link_to_their_page_and_clients_to_the_dossier(client, people, mixed):
    client.force_login(people["qo"])
    hits = {h.kind.key: h for h in result_of(search(client, "kraanvogel")).hits}
    assert hits["klacht"].url == case_url(mixed["complaint"])
    assert hits["signaal"].url == case_url(mixed["signal"])
    assert hits["klant"].url == reverse("cases_admin:dossier", args=[mixed["anker"].pk])
    assert hits["procedure"].url == mixed["procedure"].url

    # An assessor (no admin) on an audit of the client reaches the front-end dossier.
    Audit.objects.create(
        client=mixed["anker"],
        kind=Audit.Kind.INITIAL,
        start_date=datetime.date(2026, 1, 5),
        team_leader=people["assessor"],
    )
    client.force_login(people["assessor"])
    hits = {h.kind.key: h for h in result_of(search(client, "kraanvogel")).hits}
    assert hits["klant"].url == reverse("cases:dossier", args=[mixed["anker"].pk])
    assert client.get(hits["klant"].url).status_code == 200


def test_drafts_and_deleted_files_are_not_found(as_qo, people):
    make_procedure("Ontwerp", "P-91", "Concepttekst ijsvogel.", live=False)
    linde = ClientFactory(name="Zorggroep De Linde")
    evidence = make_evidence(
        linde, "ijsvogel.txt", "Tekst ijsvogel.", by=people["office"]
    )
    assert titles(search(as_qo, "ijsvogel")) == ["ijsvogel.txt"]
    evidence_delete(evidence=evidence, by=people["qo"], reason="Verkeerd dossier.")
    response = search(as_qo, "ijsvogel")
    assert result_of(response).total == 0
    assert "ijsvogel" not in without_echo(response.content.decode(), "ijsvogel")


# -- Dutch, phrases and operators -------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "typed", "accents"),
    [
        ("Elke klacht wordt geregistreerd.", "klachten", False),
        ("De beoordelaar schrijft het rapport.", "beoordelaars", False),
        ("De zaak is geescaleerd naar mediation.", "geëscaleerd", True),
        ("De zaak is geëscaleerd naar mediation.", "geescaleerd", True),
    ],
)
def test_dutch_stemming_and_accent_folding(as_qo, stored, typed, accents):
    # PostgreSQL's "dutch" configuration stems but keeps accents; SQLite does
    # neither.
    postgres = connection.vendor == "postgresql"
    if not on_whoosh() and (accents or not postgres):
        pytest.skip("Dutch analysis of this backend does not do this")
    make_procedure("Werkwijze", "P-92", stored)
    assert titles(search(as_qo, typed)) == ["P-92 Werkwijze"]


@pytest.fixture
def locations(people):
    linde = ClientFactory(name="Zorggroep De Linde")
    office = people["office"]
    return {
        "together": make_evidence(
            linde, "a.txt", "Bezoek aan locatie zuid, met rapport.", by=office
        ),
        "apart": make_evidence(
            linde, "b.txt", "Zuid is niet bezocht; de locatie noord wel.", by=office
        ),
        "other": make_evidence(linde, "c.txt", "Alleen een klok.", by=office),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"locatie zuid"', {"a.txt"}),
        ("locatie zuid", {"a.txt", "b.txt"}),
        ("locatie AND rapport", {"a.txt"}),
        ("rapport OR klok", {"a.txt", "c.txt"}),
        ("rapport OF klok", {"a.txt", "c.txt"}),
        ("locatie NOT rapport", {"b.txt"}),
        ("locatie -rapport", {"b.txt"}),
    ],
)
def test_phrases_and_boolean_operators(as_qo, locations, q, expected):
    assert set(titles(search(as_qo, q))) == expected


def test_excluding_a_phrase_never_shows_it(as_qo, locations):
    found = set(titles(search(as_qo, 'locatie NIET "locatie zuid"')))
    assert "a.txt" not in found
    if connection.vendor != "postgresql" or on_whoosh():
        assert found == {"b.txt"}
    # modelsearch's PostgreSQL backend cannot negate a phrase; the page then
    # excludes every document with all its words (search.scoping).


HOSTILE = [
    '"unbalanced quote',
    'locatie "zuid',
    "AND OR NOT",
    "NOT",
    "OR OR",
    "*",
    "locatie*",
    "field:value",
    "(locatie",
    "100%",
    "%s %d %(x)s",
    "'; DROP TABLE cases_client; --",
    "x" * 5000,
    "locatie " * 1000,
    "a\x00b\x07c\x1b[31m",
    "\u202elocatie",
    "NEAR(locatie zuid)",
    "locatie^2 ~zuid",
    '""',
    "-",
    "\\",
    "Ünïcödé ß 🐦 \u200b\ufeff",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_give_a_normal_page(as_qo, locations, q):
    response = search(as_qo, q)
    result = result_of(response)
    assert len(response.context["search_query"]) <= MAX_QUERY_LENGTH
    assert result.total >= 0
    assert as_qo.get(SUGGEST, {"q": q}).status_code == 200


def test_a_long_or_odd_query_is_adjusted_and_says_so(as_qo, locations):
    body = search(as_qo, "locatie " + "x" * 5000).content.decode()
    assert "Uw zoekvraag is aangepast" in body
    assert "ingekort tot 200 tekens" in body
    assert "stuurtekens" in search(as_qo, "locatie\x00zuid").content.decode()
    assert "aanhalingsteken zonder partner" in search(as_qo, 'a "b').content.decode()


def test_invalid_parameters_are_ignored(as_qo, mixed):
    response = search(
        as_qo,
        "kraanvogel",
        soort="geheim",
        jaar="x",
        klant="-1",
        pagina="0",
        sorteer="?",
    )
    assert result_of(response).total == 5


# -- "Bedoelde u" and autocomplete -----------------------------------------------


@whoosh_only
def test_did_you_mean_offers_a_word_that_finds_something(as_qo, mixed):
    response = search(as_qo, "kraanvogl")
    result = result_of(response)
    assert result.total == 0
    assert result.suggestion == "kraanvogel"
    assert 'href="?q=kraanvogel"' in response.content.decode()
    assert result_of(search(as_qo, result.suggestion)).total == 5


def test_no_suggestion_when_the_query_finds_something(as_qo, mixed):
    assert result_of(search(as_qo, "kraanvogel")).suggestion is None


def test_autocomplete_lists_titles_with_their_links(as_qo, mixed):
    entries = suggest(as_qo, "kraanv")
    assert {
        "soort": "Klant",
        "titel": "Stichting Kraanvogel",
        "url": reverse("cases_admin:dossier", args=[mixed["anker"].pk]),
    } in entries
    assert any(e["titel"] == "P-90 Kraanvogelprotocol" for e in entries)
    assert suggest(as_qo, "k") == []
    assert suggest(as_qo, "") == []


# -- an index that cannot be used --------------------------------------------------


def _index_dirs() -> list[Path]:
    root = Path(settings.WAGTAILSEARCH_BACKENDS["default"]["PATH"])
    return [p for p in root.iterdir() if p.is_dir()]


def _assert_unavailable(http, *, admin_hint=True):
    response = http.get(SEARCH, {"q": "kraanvogel"})
    assert response.status_code == 503
    body = response.content.decode()
    assert "De zoekindex is niet beschikbaar" in body
    if admin_hint:
        assert (
            "Vraag de beheerder <code>manage.py update_index</code> te draaien" in body
        )
    assert "kraanvogel" not in without_echo(body, "kraanvogel")
    suggestion = http.get(SUGGEST, {"q": "kraanv"})
    assert suggestion.status_code == 503
    assert suggestion.json()["resultaten"] == []
    return body


@whoosh_only
def test_a_corrupt_index_gives_a_clear_message_and_503(as_qo, mixed):
    assert result_of(search(as_qo, "kraanvogel")).total == 5
    for directory in _index_dirs():
        for path in directory.iterdir():
            path.write_bytes(b"\x00garbage\xff" * 64)
    body = _assert_unavailable(as_qo)
    assert "beschadigd" in body or "verouderd" in body


@whoosh_only
def test_a_missing_index_gives_a_clear_message_and_503(as_qo, mixed):
    import shutil

    for directory in _index_dirs():
        shutil.rmtree(directory)
    assert "ontbreekt" in _assert_unavailable(as_qo)


def test_a_locked_index_asks_to_try_again(as_qo, mixed, monkeypatch):
    def locked(*args, **kwargs):
        raise SearchIndexLocked()

    monkeypatch.setattr(search_selectors, "run_search", locked)
    monkeypatch.setattr(search_suggestions, "run_search", locked)
    body = _assert_unavailable(as_qo, admin_hint=False)
    assert "Probeer het over een paar minuten opnieuw" in body


def test_a_file_names_its_case_only_to_who_may_see_the_case(client, people):
    from cases.services import dossier_access_grant

    linde = ClientFactory(name="Zorggroep De Linde")
    complaint = make_complaint(
        linde,
        "Klacht over de planning.",
        office=people["office"],
        quality=people["qo"],
        handler=people["handler"],
    )
    make_evidence(
        linde,
        "bijlage.txt",
        "Tekst met roodborst.",
        by=people["handler"],
        case=complaint,
    )
    client.force_login(people["handler"])
    (hit,) = result_of(search(client, "roodborst")).hits
    assert hit.case_title == f"Klacht {complaint.number}"
    assert hit.case_url == case_url(complaint)

    # A dossier grant shows the file, not the complaint it is kept with.
    reader = UserFactory(roles=[CORE_GROUP])
    dossier_access_grant(client=linde, user=reader, by=people["office"], reason="Test")
    client.force_login(reader)
    response = search(client, "roodborst")
    (hit,) = result_of(response).hits
    assert (hit.case_title, hit.case_url) == ("", "")
    assert complaint.number not in response.content.decode()


def test_the_parser_keeps_words_phrases_and_operators():
    from modelsearch.query import And, Not, Or, Phrase, PlainText

    from search.forms import MAX_WORDS, parse_query

    parsed = parse_query('klacht van de klant "locatie zuid" -anker OF rapport.pdf')
    first, second = parsed.query.subqueries
    assert isinstance(parsed.query, Or)
    assert isinstance(first, And)
    plain, phrase, negated = first.subqueries
    assert (type(plain), plain.query_string) == (PlainText, "klacht van de klant")
    assert (type(phrase), phrase.query_string) == (Phrase, "locatie zuid")
    assert isinstance(negated, Not)
    assert negated.subquery.query_string == "anker"
    # A file name: its words as a phrase (as the index holds them).
    assert (type(second), second.query_string) == (Phrase, "rapport pdf")
    assert not parsed.adjusted

    case_number = parse_query("K-2026-0001").query
    assert (type(case_number), case_number.query_string) == (Phrase, "K 2026 0001")

    many = parse_query(" ".join(f"woord{i}" for i in range(MAX_WORDS + 5)))
    assert len(many.positive_words) == MAX_WORDS
    assert "alleen de eerste 12 woorden zijn gezocht" in many.notes
