"""The register a clerk wants (issue 16, item 7): the status filter per kind,
sortable columns, a signal and the complaint made from it, closing date and lead
time, the case's own logbook page with its export, saved filter links, explicit
exports with the complaint's texts, and a bounded query count; each of them
scoped exactly as the register is (C4)."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import CaseEvent, Complaint, Signal
from portal.formatting import format_date
from portal.roles import ASSESSOR, CORE_GROUP, QUALITY_OFFICER
from tests.cases.conftest import local
from tests.cases.test_register_views import URL, complaint, numbers, rows, signal
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


@pytest.fixture
def staff(office):
    return {
        "office": office,
        "qo": UserFactory(roles=[QUALITY_OFFICER]),
        "assessor": UserFactory(roles=[ASSESSOR]),
        "h1": UserFactory(roles=[CORE_GROUP], first_name="Hanna", last_name="Eerst"),
        "h2": UserFactory(roles=[CORE_GROUP], first_name="Bertha", last_name="Vreemd"),
    }


def close(case, at: datetime.datetime) -> None:
    """Close ``case`` at ``at`` as the register reads it: the state and the logbook
    step into it (the closing services have their own tests)."""
    event = CaseEvent.objects.create(
        case=case, action="close", from_state=case.state, to_state="closed"
    )
    CaseEvent.objects.filter(pk=event.pk).update(at=at)
    type(case).objects.filter(pk=case.pk).update(state="closed", closed_at=at)


@pytest.fixture
def cases(staff):
    """K1 (beta, h1, received 1 March, closed 31 March) from S1; K2 (alfa, h2,
    received 1 September, open) from S2; S3 (alfa, not qualified)."""
    alfa = ClientFactory(name="Aannemer Alfa")
    beta = ClientFactory(name="Bouwbedrijf Beta")
    k1 = complaint(staff, beta, local(2026, 3, 1, 10, 0), staff["h1"])
    Complaint.objects.filter(pk=k1.pk).update(
        description="Rapport zes weken te laat.",
        cause_analysis="Planning liep vast.",
        measures="Tweede planner aangesteld.",
        lessons_learned="Planning wekelijks bespreken.",
    )
    close(k1, local(2026, 3, 31, 15, 0))
    k2 = complaint(staff, alfa, local(2026, 9, 1, 10, 0), staff["h2"])
    s3 = signal(staff, alfa, local(2026, 10, 5, 9, 0))
    return {
        "alfa": alfa,
        "beta": beta,
        "k1": Complaint.objects.get(pk=k1.pk),
        "k2": k2,
        "s1": k1.signal,
        "s2": k2.signal,
        "s3": s3,
    }


def _order(response) -> list[str]:
    return list(rows(response))


# -- 1. the status filter per kind --------------------------------------------------


def test_every_status_option_names_its_kind(client, cases, staff):
    client.force_login(staff["office"])
    body = client.get(URL).content.decode()
    options = {value: label for value, label in OPTION.findall(body) if ":" in value}
    assert options["complaint:closed"] == "Klacht — afgesloten"
    assert options["appeal:closed"] == "Beroep — afgesloten"
    assert options["mediation:closed"] == "Mediation — afgesloten"
    assert '<optgroup label="Klacht">' in body
    # No status stands alone: "afgesloten" three times without its kind was the bug.
    labels = list(options.values())
    assert "afgesloten" not in labels
    assert len(labels) == len(set(labels))


def test_a_status_of_one_kind_does_not_match_the_same_code_of_another(
    client, cases, staff
):
    client.force_login(staff["office"])
    assert numbers(client.get(URL, {"status": "complaint:closed"})) == {
        cases["k1"].number
    }
    # Appeals and mediations have a "closed" state too; none is closed here.
    assert numbers(client.get(URL, {"status": "appeal:closed"})) == set()
    assert numbers(client.get(URL, {"status": "mediation:closed"})) == set()


def test_a_status_of_an_unknown_kind_is_refused_with_a_message_not_a_500(
    client, cases, staff
):
    client.force_login(staff["office"])
    response = client.get(URL, {"status": "inquiry:closed"})
    assert response.status_code == 200
    assert "Een filter is niet gebruikt" in response.content.decode()
    assert len(numbers(response)) == 5  # nothing narrowed, nothing lost


# -- 2. sortable columns ----------------------------------------------------------


def test_sorting_on_client_both_ways_with_an_indicator(client, cases, staff):
    client.force_login(staff["office"])
    up = client.get(URL, {"sort": "klant"})
    order = _order(up)
    clients = [
        Signal.objects.get(number=n).client.name
        if n.startswith("S")
        else Complaint.objects.get(number=n).client.name
        for n in order
    ]
    assert clients == sorted(clients)
    body = up.content.decode()
    # The sorted column says so and links to the reverse order.
    assert re.search(r'aria-sort="ascending">\s*<a href="\?sort=-klant"', body)
    assert "\u25b2" in body
    down = client.get(URL, {"sort": "-klant"})
    assert _order(down)[0] in {cases["k1"].number, cases["s1"].number}  # Beta
    assert 'aria-sort="descending"' in down.content.decode()


def test_sorting_keeps_the_filters_and_the_header_links_keep_them_too(
    client, cases, staff
):
    client.force_login(staff["office"])
    response = client.get(URL, {"kind": "complaint", "sort": "-ontvangen"})
    assert _order(response) == [cases["k2"].number, cases["k1"].number]
    response = client.get(URL, {"kind": "complaint", "sort": "ontvangen"})
    assert _order(response) == [cases["k1"].number, cases["k2"].number]
    body = response.content.decode()
    assert 'href="?kind=complaint&amp;sort=-ontvangen"' in body
    assert 'href="?kind=complaint&amp;sort=klant"' in body


@pytest.mark.parametrize(
    "key", ["nummer", "soort", "klant", "ontvangen", "status", "afgesloten"]
)
def test_every_sort_key_and_its_reverse_answers(client, cases, staff, key):
    client.force_login(staff["office"])
    up = _order(client.get(URL, {"sort": key}))
    down = _order(client.get(URL, {"sort": f"-{key}"}))
    assert sorted(up) == sorted(down)
    assert len(up) == 5


def test_sorting_on_lead_time_puts_open_cases_last_both_ways(client, cases, staff):
    client.force_login(staff["office"])
    s1_closed = timezone.localtime(
        cases["s1"].events.get(to_state="complaint").at
    ).date()
    assert s1_closed  # the qualified signal is closed: it became a complaint
    for sort in ("doorlooptijd", "-doorlooptijd"):
        order = _order(client.get(URL, {"sort": sort}))
        closed = {cases["k1"].number, cases["s1"].number, cases["s2"].number}
        assert set(order[:3]) == closed, (sort, order)
        assert set(order[3:]) == {cases["k2"].number, cases["s3"].number}


@pytest.mark.parametrize("bad", ["bestaatniet", "-", "--klant", "row_pk", "__class__"])
def test_an_unknown_sort_key_is_ignored(client, cases, staff, bad):
    client.force_login(staff["office"])
    response = client.get(URL, {"sort": bad, "kind": "complaint"})
    assert response.status_code == 200
    assert _order(response) == [cases["k2"].number, cases["k1"].number]  # newest
    body = response.content.decode()
    assert "aria-sort" not in body
    # Dropped from every link (the saved "-afgesloten" is another key).
    assert not re.search(rf'sort={re.escape(bad)}["&]', body)


# -- 3. a signal and the complaint made from it -----------------------------------


def test_complaint_shows_its_signal_and_the_signal_its_complaint(client, cases, staff):
    client.force_login(staff["office"])
    found = rows(client.get(URL))
    k1, s1 = cases["k1"], cases["s1"]
    signal_url = reverse("cases:signal", args=[s1.pk])
    complaint_url = reverse("cases_admin:complaint", args=[k1.pk])
    assert (
        f'<a href="{signal_url}">uit klantsignaal {s1.number}</a>' in found[k1.number]
    )
    assert (
        f'<a href="{complaint_url}">omgezet in klacht {k1.number}</a>'
        in found[s1.number]
    )
    assert "omgezet in" not in found[cases["s3"].number]  # not qualified yet


def test_handler_sees_the_origin_without_the_signal_they_may_not_open_C4(
    client, cases, staff
):
    client.force_login(staff["h1"])
    response = client.get(URL)
    found = rows(response)
    assert set(found) == {cases["k1"].number}
    s1 = cases["s1"]
    assert "uit een klantsignaal" in found[cases["k1"].number]
    body = response.content.decode()
    assert s1.number not in body
    assert reverse("cases:signal", args=[s1.pk]) not in body


def test_core_group_member_not_on_a_case_sees_neither_it_nor_its_origin_C4(
    client, cases, staff
):
    client.force_login(staff["h2"])
    body = client.get(URL).content.decode()
    assert numbers(client.get(URL)) == {cases["k2"].number}
    for foreign in (cases["k1"].number, cases["s1"].number, cases["s2"].number):
        assert foreign not in body
    assert reverse("cases:signal", args=[cases["s1"].pk]) not in body
    assert reverse("cases_admin:complaint", args=[cases["k1"].pk]) not in body


# -- 4. closing date and lead time ----------------------------------------------------


def test_closed_complaint_shows_closing_date_and_lead_time_open_one_shows_none(
    client, cases, staff
):
    client.force_login(staff["office"])
    found = rows(client.get(URL))
    closed = found[cases["k1"].number]
    assert format_date(datetime.date(2026, 3, 31)) in closed
    assert "30 dagen" in closed
    open_row = found[cases["k2"].number]
    assert re.search(r'register-closed">—<', open_row)
    assert re.search(r'register-lead">—<', open_row)


def test_reopened_complaint_has_no_closing_date(client, cases, staff):
    Complaint.objects.filter(pk=cases["k1"].pk).update(state="in_progress")
    client.force_login(staff["office"])
    row = rows(client.get(URL))[cases["k1"].number]
    assert format_date(datetime.date(2026, 3, 31)) not in row
    assert "dagen" not in row


def test_exports_carry_closing_date_and_lead_time(client, cases, staff):
    client.force_login(staff["office"])
    text = client.get(URL, {"format": "csv"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = lines[0]
    k1 = next(line for line in lines if line[0] == cases["k1"].number)
    k2 = next(line for line in lines if line[0] == cases["k2"].number)
    assert k1[header.index("Afgesloten op")] == "31-03-2026"
    assert k1[header.index("Doorlooptijd (dagen)")] == "30"
    assert k2[header.index("Afgesloten op")] == ""
    assert k2[header.index("Doorlooptijd (dagen)")] == ""
    assert k1[header.index("Herkomst")] == f"uit klantsignaal {cases['s1'].number}"


# -- 5. the logbook of a case ---------------------------------------------------------


def _logbook(case_kind: str, pk: int) -> str:
    return reverse("cases_admin:logbook", args=[case_kind, pk])


def test_the_logbook_link_opens_that_cases_logbook_page(client, cases, staff):
    k1 = cases["k1"]
    CaseEvent.objects.create(case=k1, action="note", note="Gebeld met de klant.")
    CaseEvent.objects.create(case=cases["k2"], action="note", note="Andere zaak.")
    client.force_login(staff["office"])
    row = rows(client.get(URL))[k1.number]
    assert f'href="{_logbook("complaint", k1.pk)}"' in row
    assert "download" not in row  # a page, not a silent download
    page = client.get(_logbook("complaint", k1.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Logboek {k1.number}" in body
    assert "Gebeld met de klant." in body
    assert "Andere zaak." not in body
    assert "Exporteren (CSV)" in body
    assert "Exporteren (Excel)" in body


def test_logbook_exports_hold_only_that_cases_events(client, cases, staff):
    k1 = cases["k1"]
    CaseEvent.objects.create(case=k1, action="note", note="Gebeld met de klant.")
    CaseEvent.objects.create(case=cases["k2"], action="note", note="Andere zaak.")
    client.force_login(staff["office"])
    url = _logbook("complaint", k1.pk)
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert f"logboek-{k1.number}.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert "Gebeld met de klant." in text
    assert "Andere zaak." not in text
    response = client.get(url, {"format": "xlsx"})
    assert f"logboek-{k1.number}.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    notes = [c.value for r in ws.iter_rows() for c in r]
    assert "Gebeld met de klant." in notes
    assert "Andere zaak." not in notes
    assert ws.max_row == k1.events.count() + 1


def test_logbook_page_and_exports_are_404_outside_the_scope_C4(client, cases, staff):
    client.force_login(staff["h2"])
    url = _logbook("complaint", cases["k1"].pk)
    for params in ({}, {"format": "csv"}, {"format": "xlsx"}):
        response = client.get(url, params)
        assert response.status_code == 404
        assert cases["k1"].number.encode() not in response.content
    assert client.get(_logbook("complaint", cases["k2"].pk)).status_code == 200
    assert client.get(_logbook("vraag", cases["k2"].pk)).status_code == 404
    assert client.get(_logbook("complaint", 987654321)).status_code == 404


# -- 6. saved filter links ------------------------------------------------------------


def test_ready_made_selections_are_links_that_work(client, cases, staff):
    client.force_login(staff["office"])
    body = client.get(URL).content.decode()
    links = {
        label: href.replace("&amp;", "&")
        for href, label in re.findall(
            r'<a href="(\?[^"]*)" class="register-saved__link">([^<]+)</a>', body
        )
    }
    assert links["Open klachten"] == "?kind=complaint&stage=open"
    assert "Verlopen termijnen" in links
    year = timezone.localdate().year
    assert links["Afgesloten dit jaar"].startswith(f"?stage=closed&closed_year={year}")
    assert numbers(client.get(URL + links["Open klachten"])) == {cases["k2"].number}
    closed = numbers(client.get(URL + links["Afgesloten dit jaar"]))
    if year == 2026:
        assert cases["k1"].number in closed
    assert cases["k2"].number not in closed
    assert cases["s3"].number not in closed


def test_the_current_selection_is_a_link_to_copy(client, cases, staff):
    client.force_login(staff["office"])
    body = client.get(URL, {"kind": "complaint", "sort": "-klant", "p": "1"}).content
    body = body.decode()
    assert re.search(
        r'id="register-selection-link"[^>]*value="http://testserver'
        r'/admin/klantdossier/register/\?kind=complaint&amp;sort=-klant"',
        body,
    )
    # Without a filter or sort there is nothing to save.
    assert "register-selection-link" not in client.get(URL).content.decode()


def test_closed_year_filter_refuses_nonsense_with_a_message(client, cases, staff):
    client.force_login(staff["office"])
    response = client.get(URL, {"closed_year": "gisteren", "kind": "complaint"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Een filter is niet gebruikt" in body
    assert 'value="gisteren"' in body  # what was typed comes back
    assert numbers(response) == {cases["k1"].number, cases["k2"].number}


# -- 7. explicit exports, with the complaint's texts ---------------------------------


def test_exports_are_explicit_buttons_with_the_row_count(client, cases, staff):
    client.force_login(staff["office"])
    body = client.get(URL, {"kind": "complaint"}).content.decode()
    assert re.search(r"Exporteren \(CSV\) · 2 zaken</a>", body)
    assert re.search(r"Exporteren \(Excel\) · 2 zaken</a>", body)
    assert 'href="?kind=complaint&amp;format=xlsx"' in body


def test_xlsx_export_has_the_complaints_texts(client, cases, staff):
    client.force_login(staff["office"])
    response = client.get(URL, {"format": "xlsx", "kind": "complaint"})
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    for title in (
        "Omschrijving",
        "Oorzaakanalyse",
        "Genomen maatregelen",
        "Geleerde lessen",
    ):
        assert title in header
    k1 = next(
        [c.value for c in r]
        for r in ws.iter_rows(min_row=2)
        if r[0].value == cases["k1"].number
    )
    assert k1[header.index("Omschrijving")] == "Rapport zes weken te laat."
    assert k1[header.index("Oorzaakanalyse")] == "Planning liep vast."
    assert k1[header.index("Genomen maatregelen")] == "Tweede planner aangesteld."
    assert k1[header.index("Geleerde lessen")] == "Planning wekelijks bespreken."


def test_handler_xlsx_holds_only_their_complaints_texts_C4(client, cases, staff):
    client.force_login(staff["h2"])
    response = client.get(URL, {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for r in ws.iter_rows() for c in r if c.value is not None]
    assert cases["k2"].number in cells
    assert cases["k1"].number not in cells
    assert not any("Planning" in cell or "zes weken" in cell for cell in cells)
    assert not any(cases["s2"].number in cell for cell in cells)  # no origin number


# -- 8. query count -----------------------------------------------------------------


def _count(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "-doorlooptijd"}, {"stage": "closed", "closed_year": "2026"}],
)
def test_register_page_queries_do_not_grow_with_the_rows(
    client, staff, django_assert_max_num_queries, params
):
    client.force_login(staff["office"])
    first = complaint(staff, ClientFactory(), local(2026, 1, 5, 9, 0), staff["h1"])
    close(first, local(2026, 2, 1, 9, 0))
    client.get(URL)  # warm up: session, permissions, menu
    one = _count(client, params)
    for day in range(1, 13):
        k = complaint(staff, ClientFactory(), local(2026, 3, day, 9, 0), staff["h1"])
        if day % 2:
            close(k, local(2026, 4, day, 9, 0))
    with django_assert_max_num_queries(one):
        response = client.get(URL, params)
    assert len(numbers(response)) > 1
