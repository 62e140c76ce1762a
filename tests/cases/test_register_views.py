"""The Casusregister listing, its filters and exports, and the logbook export: what
each user sees (C4, E4), deadlines (S3, C6, A2), the E6 warning and query counts."""

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

from cases.models import Appeal, CaseEvent, Complaint, Mediation, Signal
from cases.services import (
    appeal_acknowledge,
    appeal_assign_decider,
    complaint_assign_handler,
    complaint_register,
    mediation_inform_claimant,
    mediation_open,
    signal_qualify,
    signal_record,
)
from portal.roles import ASSESSOR, CORE_GROUP, QUALITY_OFFICER
from tests.cases.conftest import local
from tests.cases.test_appeals import lodge
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/klantdossier/register/"
ROW = re.compile(
    r'<tr class="(register-row[^"]*)" data-number="([^"]+)">(.*?)</tr>', re.S
)


def rows(response) -> dict[str, str]:
    """Number -> the row's classes and cells, for every case row on the page."""
    assert response.status_code == 200
    return {
        number: f"{classes} {cells}"
        for classes, number, cells in ROW.findall(response.content.decode())
    }


def numbers(response) -> set[str]:
    return set(rows(response))


def ago(**kw) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kw)


# -- data ----------------------------------------------------------------------


@pytest.fixture
def people(setup, office):
    return {
        "office": office,
        "qo": UserFactory(roles=[QUALITY_OFFICER]),
        "assessor": UserFactory(roles=[ASSESSOR]),
        "h1": UserFactory(roles=[CORE_GROUP], first_name="Hanna", last_name="Eerst"),
        "h2": UserFactory(roles=[CORE_GROUP], first_name="Bertha", last_name="Vreemd"),
        "decider": setup["other"],
    }


def signal(people, client, received_at):
    # Recorded by the quality officer, who heard it herself: the 48 hours run
    # from receipt (S3), so an old signal is overdue at once.
    return signal_record(
        by=people["qo"],
        client=client,
        channel="email",
        received_at=received_at,
        description="De klant is ontevreden.",
    )


def complaint(people, client, received_at, handler):
    s = signal(people, client, received_at)
    signal_qualify(
        signal=s, by=people["qo"], is_complaint=True, ground="a", reason="Mail."
    )
    k = complaint_register(
        signal=s,
        by=people["office"],
        description="Rapport te laat.",
        formal_written=True,
    )
    return complaint_assign_handler(complaint=k, handler=handler, by=people["office"])


@pytest.fixture
def data(setup, people):
    """Every kind once or twice, over three clients and two years:
    S1 alfa overdue · S2 beta 2025 overdue · S3→K1 beta (h1) · S4→K2 alfa (h2)
    overdue · B1 setup client, decider, overdue · M1 setup client, 1 step not told."""
    alfa = ClientFactory(name="Aannemer Alfa")
    beta = ClientFactory(name="Bouwbedrijf Beta")
    s1 = signal(people, alfa, ago(days=3))
    s2 = signal(people, beta, local(2025, 6, 2, 10, 0))
    k1 = complaint(people, beta, ago(days=2), people["h1"])
    k2 = complaint(people, alfa, local(2026, 9, 1, 10, 0), people["h2"])
    b1 = appeal_acknowledge(appeal=lodge(setup, people["office"]), by=people["office"])
    b1 = appeal_assign_decider(
        appeal=b1, decider=people["decider"], by=people["office"]
    )
    m1 = mediation_open(
        by=people["office"],
        claimant=setup["client"],
        reason="Geen oplossing gevonden.",
        decision=setup["decision"],
    )
    return {
        "alfa": alfa,
        "beta": beta,
        "s1": s1.number,
        "s2": s2.number,
        "s3": k1.signal.number,
        "s4": k2.signal.number,
        "k1": k1.number,
        "k2": k2.number,
        "b1": b1.number,
        "m1": m1.number,
        "mediation": m1,
    }


# -- the listing -------------------------------------------------------------------


def test_register_lists_every_kind_newest_first_with_dutch_labels(client, data, people):
    client.force_login(people["office"])
    response = client.get(reverse("cases_admin:register"))
    found = rows(response)
    assert set(found) == {
        data[k] for k in ("s1", "s2", "s3", "s4", "k1", "k2", "b1", "m1")
    }
    assert "Signaal" in found[data["s1"]]
    assert "Te kwalificeren" in found[data["s1"]]
    assert "Klacht" in found[data["k1"]]
    assert "Hanna Eerst" in found[data["k1"]]
    assert "In behandeling" in found[data["k1"]]
    assert "Beroep" in found[data["b1"]]
    assert str(people["decider"]) in found[data["b1"]]
    assert "Mediation" in found[data["m1"]]
    assert "Zorggroep Beroep" in found[data["m1"]]
    # Newest first; a complaint and its signal share the date of receipt.
    assert list(found) == [
        data[k] for k in ("m1", "s3", "k1", "s1", "s4", "k2", "b1", "s2")
    ]
    assert 'href="/admin/klantdossier/klachten/' in found[data["k1"]]


def test_register_counts_the_logbook_of_each_case(client, data, people):
    client.force_login(people["office"])
    found = rows(client.get(URL))
    # K1: register and assign_handler; its signal: record and qualify.
    assert "2 regels" in found[data["k1"]]
    assert "2 regels" in found[data["s3"]]
    assert re.search(r"\b1 regel\b", found[data["m1"]])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "signal"}, {"s1", "s2", "s3", "s4"}),
        ({"kind": "complaint"}, {"k1", "k2"}),
        ({"kind": "appeal"}, {"b1"}),
        ({"kind": "mediation"}, {"m1"}),
        ({"status": "signal:received"}, {"s1", "s2"}),
        ({"status": "signal:complaint"}, {"s3", "s4"}),
        ({"status": "complaint:in_progress"}, {"k1", "k2"}),
        ({"status": "appeal:assigned"}, {"b1"}),
        ({"status": "mediation:escalated"}, {"m1"}),
        ({"status": "appeal:closed"}, set()),
        # A status left over from another kind is dropped; the kind wins.
        (
            {"kind": "signal", "status": "complaint:in_progress"},
            {"s1", "s2", "s3", "s4"},
        ),
        ({"client": "alfa"}, {"s1", "s4", "k2"}),
        ({"client": "beta"}, {"s2", "s3", "k1"}),
        ({"handler": "h1"}, {"k1"}),
        ({"handler": "decider"}, {"b1"}),
        ({"overdue": "on"}, {"s1", "s2", "k2", "b1"}),
        ({"year": "2025"}, {"s2"}),
        ({"year": "2026"}, {"s1", "s3", "s4", "k1", "k2", "b1", "m1"}),
        ({"q": "alfa"}, {"s1", "s4", "k2"}),
        ({"q": "zorggroep"}, {"b1", "m1"}),
        ({"q": "k1"}, {"k1"}),
        ({"kind": "signal", "overdue": "on", "year": "2026"}, {"s1"}),
    ],
)
def test_each_filter_narrows_the_listing(client, data, people, params, expected):
    query = {}
    for key, value in params.items():
        if key == "client":
            value = data[value].pk
        elif key == "handler":
            value = people[value].pk
        elif key == "q" and value in data:
            value = data[value]
        query[key] = value
    client.force_login(people["office"])
    assert numbers(client.get(URL, query)) == {data[k] for k in expected}


def test_status_options_follow_the_chosen_kind(client, data, people):
    client.force_login(people["office"])
    body = client.get(URL, {"kind": "appeal"}).content.decode()
    assert 'value="appeal:assigned"' in body
    assert 'value="signal:received"' not in body
    body = client.get(URL).content.decode()
    assert '<optgroup label="Klacht">' in body
    assert 'value="mediation:session_held"' in body


def test_overdue_signal_and_complaint_show_te_laat_in_red_S3_C6(client, data, people):
    client.force_login(people["office"])
    found = rows(client.get(URL))
    for key in ("s1", "k2", "b1"):
        assert "deadline--overdue" in found[data[key]]
        assert "te laat" in found[data[key]]
    # K1 has a month to go; a qualified signal has no running deadline at all.
    for key in ("k1", "s3", "m1"):
        assert "te laat" not in found[data[key]]
        assert "deadline--" not in found[data[key]].replace(
            "deadline--soon register-e6", ""
        )


def test_deadline_within_seven_days_is_amber_and_says_so(client, people):
    recent = signal(people, ClientFactory(), ago(hours=1))
    client.force_login(people["office"])
    row = rows(client.get(URL))[recent.number]
    assert "deadline--soon" in row
    assert "nog 2 dagen" in row or "nog 1 dag" in row
    assert "te laat" not in row


def test_mediation_with_an_uninformed_step_shows_the_E6_warning(client, data, people):
    client.force_login(people["office"])
    assert "Eiser niet geïnformeerd over 1 stap" in rows(client.get(URL))[data["m1"]]
    mediation_inform_claimant(
        mediation=data["mediation"], by=people["office"], how="Per e-mail."
    )
    row = rows(client.get(URL))[data["m1"]]
    assert "Eiser niet geïnformeerd" not in row
    assert "2 regels" in row


# -- scope -------------------------------------------------------------------------


def test_core_group_handler_sees_only_the_complaint_they_handle_C4(
    client, data, people
):
    client.force_login(people["h1"])
    response = client.get(URL)
    assert numbers(response) == {data["k1"]}
    body = response.content.decode()
    # Not in the rows, not in the filter options either.
    for foreign in (data["k2"], data["s4"], data["b1"], data["m1"], "Aannemer Alfa"):
        assert foreign not in body
    assert "Bertha Vreemd" not in body
    assert "Bouwbedrijf Beta" in body


def test_handler_exports_contain_only_their_complaint_C4(client, data, people):
    foreign = [data[k] for k in ("s1", "s2", "s3", "s4", "k2", "b1", "m1")] + [
        "Aannemer Alfa",
        "Zorggroep Beroep",
        "Bertha Vreemd",
    ]
    client.force_login(people["h1"])

    text = client.get(URL, {"format": "csv"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [line[0] for line in lines[1:]] == [data["k1"]]
    assert not any(f in text for f in foreign)

    book = load_workbook(io.BytesIO(client.get(URL, {"format": "xlsx"}).content))
    cells = [
        str(c.value)
        for ws in book.worksheets
        for r in ws.iter_rows()
        for c in r
        if c.value is not None
    ]
    assert data["k1"] in cells
    assert not any(f in cell for f in foreign for cell in cells)


def test_filtering_on_a_client_out_of_scope_shows_nothing_of_it(client, data, people):
    client.force_login(people["h1"])
    response = client.get(URL, {"client": data["alfa"].pk})
    assert numbers(response) == {data["k1"]}  # the invalid filter is not applied
    assert "Een filter is niet gebruikt" in response.content.decode()
    assert "Aannemer Alfa" not in response.content.decode()


def test_decider_sees_only_the_appeal_assigned_to_them_A7(client, data, people, setup):
    client.force_login(people["decider"])
    assert numbers(client.get(URL)) == {data["b1"]}
    client.force_login(setup["original"])
    response = client.get(URL)
    assert numbers(response) == set()


def test_admin_user_without_cases_gets_an_empty_page_not_an_error(client, data):
    client.force_login(UserFactory(roles=[CORE_GROUP]))
    response = client.get(URL)
    assert response.status_code == 200
    assert numbers(response) == set()
    assert "Er staan geen zaken voor u in het register." in response.content.decode()


def test_assessor_without_admin_access_is_turned_away_without_data(
    client, data, people
):
    client.force_login(people["assessor"])  # reported every signal, still no admin
    for params in ({}, {"format": "csv"}, {"format": "xlsx"}):
        response = client.get(URL, params)
        assert response.status_code == 302
        assert data["s1"].encode() not in response.content


def test_empty_register_and_empty_filter_result_explain_what_to_do(client, office):
    client.force_login(office)
    body = client.get(URL).content.decode()
    assert "Het casusregister is nog leeg." in body
    body = client.get(URL, {"kind": "appeal"}).content.decode()
    assert "Geen zaken gevonden met deze filters." in body
    assert "wis alle filters" in body


def test_menu_item_only_for_register_roles(client, data, people):
    client.force_login(people["office"])
    assert URL in client.get("/admin/").content.decode()
    client.force_login(people["h1"])
    assert URL not in client.get("/admin/").content.decode()


# -- exports ---------------------------------------------------------------------


def test_csv_export_has_a_bom_semicolons_and_a_dated_name(client, data, people):
    client.force_login(people["office"])
    response = client.get(URL, {"format": "csv", "kind": "complaint"})
    assert response["Content-Type"].startswith("text/csv")
    today = timezone.localdate().isoformat()
    assert f'filename="casusregister-{today}.csv"' in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:3] == ["Nummer", "Soort", "Klant"]
    assert {line[0] for line in lines[1:]} == {data["k1"], data["k2"]}
    k2 = next(line for line in lines if line[0] == data["k2"])
    assert k2[3] == "01-09-2026"
    assert "te laat" in k2


def test_xlsx_export_has_a_bold_header_real_dates_and_sized_columns(
    client, data, people
):
    client.force_login(people["office"])
    response = client.get(URL, {"format": "xlsx", "year": "2025"})
    today = timezone.localdate().isoformat()
    assert f'filename="casusregister-{today}.xlsx"' in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "Nummer"
    assert ws["A1"].font.bold
    assert ws["A2"].value == data["s2"]
    assert ws["D2"].value.date() == datetime.date(2025, 6, 2)  # a date, not text
    assert ws["D2"].is_date
    assert ws["G2"].is_date  # the deadline
    assert ws.column_dimensions["C"].width >= len("Bouwbedrijf Beta")
    assert ws.max_row == 2


def test_export_keeps_a_formula_like_note_as_text(client, people):
    evil = ClientFactory(name='=HYPERLINK("http://x.invalid")')
    signal(people, evil, ago(hours=2))
    client.force_login(people["office"])
    text = client.get(URL, {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    ws = load_workbook(io.BytesIO(client.get(URL, {"format": "xlsx"}).content)).active
    assert ws["C2"].data_type == "s"


def test_pagination_shows_fifty_cases_per_page(client, people):
    by = people["assessor"]
    start = ago(days=10)
    Signal.objects.bulk_create(
        Signal(
            number=f"S-2026-{i:04d}",
            channel="email",
            received_at=start + datetime.timedelta(minutes=i),
            description="x",
            reported_by=by,
            decide_by=start + datetime.timedelta(hours=48),
        )
        for i in range(1, 53)
    )
    client.force_login(people["office"])
    first = client.get(URL)
    assert len(numbers(first)) == 50
    assert "S-2026-0052" in numbers(first)  # newest first
    second = client.get(URL, {"p": 2})
    assert numbers(second) == {"S-2026-0002", "S-2026-0001"}


# -- query counts ----------------------------------------------------------------


def _add_cases(setup, office, start: int, count: int, events: int) -> None:
    """``count`` cases, the four kinds in turn, each with ``events`` logbook rows
    (plain ORM: this is about reading, and it keeps the test fast)."""
    handler = UserFactory(roles=[CORE_GROUP])
    for i in range(start, start + count):
        client, at, kind = ClientFactory(), ago(days=i), i % 4
        if kind in (0, 1):
            case = Signal.objects.create(
                number=f"S-2026-{i:04d}",
                client=client,
                channel="email",
                received_at=at,
                description="x",
                reported_by=office,
                decide_by=at + datetime.timedelta(hours=48),
                state=Signal.State.COMPLAINT if kind == 1 else Signal.State.RECEIVED,
            )
        if kind == 1:
            case = Complaint.objects.create(
                number=f"K-2026-{i:04d}",
                signal=case,
                client=client,
                received_at=at,
                description="x",
                handler=handler,
                handle_by=at,
                registered_by=office,
                state=Complaint.State.IN_PROGRESS,
            )
        elif kind == 2:
            case = Appeal.objects.create(
                number=f"B-2026-{i:04d}",
                decision=setup["decision"],
                appellant=setup["client"],
                channel="email",
                received_at=at,
                decide_by=at,
                decider=setup["other"],
                registered_by=office,
            )
        elif kind == 3:
            case = Mediation.objects.create(
                number=f"M-2026-{i:04d}",
                claimant=client,
                reason="x",
                registered_by=office,
            )
        CaseEvent.objects.bulk_create(
            CaseEvent(action="note", actor=office, note=f"stap {n}", case=case)
            for n in range(events)
        )


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"overdue": "on", "year": "2026", "q": "-"},
        {"format": "csv"},
        {"format": "xlsx"},
    ],
)
def test_register_query_count_is_constant_in_cases_and_events(
    client, setup, office, params
):
    client.force_login(office)
    _add_cases(setup, office, start=1, count=2, events=1)
    client.get(URL)  # warm up: session, permissions, menu
    few = _queries(client, params)
    _add_cases(setup, office, start=3, count=18, events=15)
    many = _queries(client, params)
    assert many == few, (few, many)
    if not params:
        # 20 cases, and the signal each of the 5 complaints came from.
        assert len(numbers(client.get(URL))) == 25


def test_register_page_query_count_is_small(client, setup, office):
    _add_cases(setup, office, start=1, count=20, events=5)
    client.force_login(office)
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL)
    register_queries = [q["sql"] for q in ctx.captured_queries if "cases_" in q["sql"]]
    # The filter options (clients, handlers), the count and the page itself.
    assert len(register_queries) == 4, register_queries


# -- logbook export ----------------------------------------------------------------


def test_logbook_export_has_the_steps_of_a_visible_case_E6(client, data, people):
    k1 = Complaint.objects.get(number=data["k1"])
    client.force_login(people["h1"])
    response = client.get(
        reverse("cases_admin:logbook_export", args=["complaint", k1.pk])
    )
    assert response.status_code == 200
    assert f'filename="logboek-{k1.number}.csv"' in response["Content-Disposition"]
    lines = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    assert lines[0] == [
        "tijdstip",
        "stap",
        "van",
        "naar",
        "door",
        "toelichting",
        "eiser geïnformeerd op",
    ]
    assert [line[1] for line in lines[1:]] == [
        "Klacht geregistreerd",
        "Behandelaar aangewezen",
    ]
    assert lines[2][2:4] == ["geregistreerd", "in behandeling"]
    assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", lines[1][0])


def test_logbook_export_of_a_mediation_shows_when_the_claimant_was_told(
    client, data, people
):
    mediation_inform_claimant(
        mediation=data["mediation"], by=people["office"], how="Per e-mail."
    )
    client.force_login(people["office"])
    response = client.get(
        reverse("cases_admin:logbook_export", args=["mediation", data["mediation"].pk])
    )
    lines = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    assert [line[1] for line in lines[1:]] == [
        "Mediation geregistreerd",
        "Eiser geïnformeerd",
    ]
    assert all(line[6] for line in lines[1:])


def test_logbook_export_is_404_for_a_case_the_user_may_not_see(client, data, people):
    k2 = Complaint.objects.get(number=data["k2"])
    client.force_login(people["h1"])
    url = reverse("cases_admin:logbook_export", args=["complaint", k2.pk])
    assert client.get(url).status_code == 404
    missing = reverse("cases_admin:logbook_export", args=["complaint", 999999])
    assert client.get(missing).status_code == 404
    assert (
        client.get(
            f"/admin/klantdossier/register/dossier/{k2.pk}/logboek.csv"
        ).status_code
        == 404
    )
