"""The core-group meeting (C11): its agenda compiled from the register for its
period, C5's anonymised summaries, what the meeting records, and who sees it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from cases.services import (
    complaint_decide_anonymised,
)
from insights import services
from insights.models import CoreGroupMeeting, MeetingCase
from insights.selectors import agenda_for, closed_not_discussed
from tests.cases.conftest import local
from tests.insights.conftest import complaint

pytestmark = pytest.mark.django_db

HELD_ON = datetime.date(2026, 10, 15)
PERIOD_START = datetime.date(2026, 7, 1)


@pytest.fixture
def register(people):
    """Complaints before, in and after the period 1 July - 15 October 2026."""
    return {
        "closed_in": complaint(
            people, "Klant Gesloten", local(2026, 5, 4, 9), closed=local(2026, 8, 1, 9)
        ),
        "open_before": complaint(people, "Klant Lopend", local(2026, 6, 2, 9)),
        "received_in": complaint(people, "Klant Nieuw", local(2026, 9, 1, 9)),
        "done_before": complaint(
            people, "Klant Oud", local(2026, 2, 1, 9), closed=local(2026, 3, 1, 9)
        ),
        "after": complaint(people, "Klant Later", local(2026, 10, 16, 9)),
        "first_day": complaint(people, "Klant Eerste Dag", local(2026, 7, 1, 0, 5)),
        "unseen": complaint(
            people, "Klant Onzichtbaar", local(2026, 9, 2, 9), handler=False
        ),
    }


def plan(people, **kw):
    return services.meeting_plan(
        by=people["qo"],
        held_on=kw.pop("held_on", HELD_ON),
        period_start=kw.pop("period_start", PERIOD_START),
        attendees=[people["handler"], people["member"]],
        **kw,
    )


def sections(meeting):
    return {i.number: i.section for i in meeting.items.all()}


def test_the_meeting_compiles_exactly_the_cases_of_its_period_C11(people, register):
    meeting = plan(people)
    found = sections(meeting)
    assert found == {
        register["closed_in"].number: "closed",
        register["open_before"].number: "open",
        register["received_in"].number: "received",
        register["first_day"].number: "received",
        register["unseen"].number: "received",
    }
    # Signals are not on the agenda; a case closed before the period, or received
    # after the meeting, is not either.
    assert register["done_before"].number not in found
    assert register["after"].number not in found


def test_the_next_meeting_looks_back_to_the_day_after_the_previous_one_C11(
    people, register
):
    plan(people)
    later = services.meeting_plan(by=people["qo"], held_on=datetime.date(2026, 12, 1))
    assert later.period_start == datetime.date(2026, 10, 16)
    found = sections(later)
    assert found[register["after"].number] == "received"
    assert found[register["open_before"].number] == "open"
    assert register["closed_in"].number not in found


def test_a_period_that_starts_after_the_meeting_is_refused_and_nothing_saved_C11(
    people, client
):
    client.force_login(people["qo"])
    response = client.post(
        reverse("insights_admin:meeting_new"),
        {"held_on": "2026-10-15", "period_start": "2026-11-01", "location": "Utrecht"},
    )
    assert response.status_code == 200
    assert "ligt na de datum van de bijeenkomst" in response.content.decode()
    assert 'value="Utrecht"' in response.content.decode()
    assert not CoreGroupMeeting.objects.exists()


def _page(client, user, meeting) -> str:
    client.force_login(user)
    response = client.get(reverse("insights_admin:meeting", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_meeting_shows_each_case_as_the_reader_may_see_it_C5_C11(
    people, register, client
):
    complaint_decide_anonymised(
        complaint=register["closed_in"],
        by=people["qo"],
        anonymised=True,
        summary="Een rapport kwam drie weken te laat; planning aangepast.",
    )
    meeting = plan(people)
    member = _page(client, people["member"], meeting)
    # C5: the anonymised summary, never the client or the description.
    assert "planning aangepast" in member
    assert "Klant Gesloten" not in member
    assert "Omschrijving van de klacht van Klant Gesloten" not in member
    # A case the member has no role in: neither its number nor its client.
    assert "Klant Nieuw" not in member
    assert register["received_in"].number not in member
    assert "alleen zichtbaar voor wie een rol in deze zaak heeft" in member
    # The handler sees the cases she handles in full; the anonymised one stays so.
    handler = _page(client, people["handler"], meeting)
    assert "Omschrijving van de klacht van Klant Nieuw" in handler
    assert "Klant Gesloten" not in handler
    # The quality officer sees every case (the register).
    qo = _page(client, people["qo"], meeting)
    assert "Klant Onzichtbaar" in qo


@pytest.mark.parametrize("who", ["assessor", "decider"])
def test_assessors_and_deciders_see_nothing_of_the_meetings_C11(
    people, register, client, who
):
    meeting = plan(people)
    client.force_login(people[who])
    for name in (
        "meeting",
        "meeting_agenda_pdf",
        "meeting_minutes_pdf",
        "meeting_xlsx",
    ):
        response = client.get(reverse(f"insights_admin:{name}", args=[meeting.pk]))
        assert response.status_code in (302, 404), name
        assert b"Klant" not in response.content
    response = client.get(reverse("insights_admin:meetings"))
    assert response.status_code in (302, 404)


def test_the_meeting_records_discussed_and_the_register_and_case_show_it_C11(
    people, register, client
):
    meeting = plan(people)
    closed = MeetingCase.objects.get(
        meeting=meeting, number=register["closed_in"].number
    )
    other = MeetingCase.objects.get(
        meeting=meeting, number=register["open_before"].number
    )
    client.force_login(people["member"])
    response = client.post(
        reverse("insights_admin:meeting", args=[meeting.pk]),
        {
            f"item-{closed.pk}-present": "1",
            f"item-{closed.pk}-discussed": "on",
            f"item-{closed.pk}-conclusion": "Planning voortaan wekelijks bewaken.",
            f"item-{other.pk}-present": "1",
            "decisions": "Actie: planningsoverleg, kwaliteit, 1 december.",
        },
    )
    assert response.status_code == 302
    closed.refresh_from_db()
    other.refresh_from_db()
    assert closed.discussed
    assert "wekelijks" in closed.conclusion
    assert not other.discussed
    meeting.refresh_from_db()
    assert meeting.decisions.startswith("Actie: planningsoverleg")

    client.force_login(people["qo"])
    page = client.get(
        reverse("cases_admin:complaint", args=[register["closed_in"].pk])
    ).content.decode()
    assert "besproken op 15 oktober 2026" in page
    page = client.get(
        reverse("cases_admin:complaint", args=[register["open_before"].pk])
    ).content.decode()
    assert "nog niet besproken" in page
    listing = client.get(reverse("cases_admin:register")).content.decode()
    assert "besproken in kerngroep op 15 oktober" in listing


def test_a_closed_case_never_discussed_is_listed_for_the_quality_officer_C11(
    people, register, client
):
    count, cases = closed_not_discussed()
    assert count == 2
    numbers = {c.number for c in cases}
    assert numbers == {register["closed_in"].number, register["done_before"].number}
    client.force_login(people["qo"])
    home = client.get("/").content.decode()
    assert "nog niet besproken in de kerngroep" in home
    assert register["done_before"].number in home
    meeting = plan(people, period_start=datetime.date(2026, 1, 1))
    services.meeting_record(
        meeting=meeting,
        by=people["qo"],
        items={i.pk: (True, "") for i in meeting.items.all()},
    )
    assert closed_not_discussed()[0] == 0
    assert "nog niet besproken in de kerngroep" not in client.get("/").content.decode()
    # Only the register's keepers get the list; a core-group member does not.
    client.force_login(people["member"])
    assert "nog niet besproken in de kerngroep" not in client.get("/").content.decode()


def test_the_minutes_are_fixed_only_after_the_meeting_and_then_frozen_C11(
    people, register, client
):
    meeting = plan(people, held_on=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="vanaf die dag"):
        services.meeting_fix_minutes(meeting=meeting, by=people["qo"])
    meeting = plan(people, held_on=datetime.date(2026, 10, 20), period_start=None)
    with pytest.raises(ValidationError, match="nog geen zaak als besproken"):
        services.meeting_fix_minutes(meeting=meeting, by=people["qo"])
    item = meeting.items.first()
    services.meeting_record(
        meeting=meeting, by=people["qo"], items={item.pk: (True, "")}
    )
    client.force_login(people["qo"])
    url = reverse("insights_admin:meeting_action", args=[meeting.pk, "vaststellen"])
    client.post(url)  # without "Ik begrijp dat ...": refused
    meeting.refresh_from_db()
    assert meeting.minutes_fixed_at is None
    client.post(url, {"confirm": "on"})
    meeting.refresh_from_db()
    assert meeting.minutes_fixed_at is not None
    with pytest.raises(ValidationError, match="vastgesteld"):
        services.meeting_record(
            meeting=meeting, by=people["qo"], items={item.pk: (False, "anders")}
        )
    item.refresh_from_db()
    assert item.discussed
    assert item.conclusion == ""
    page = _page(client, people["qo"], meeting)
    assert "Notulen vaststellen" not in page
    assert f'name="item-{item.pk}-conclusion"' not in page


def test_the_agenda_and_minutes_export_as_pdf_and_xlsx_C11(people, register, client):
    meeting = plan(people)
    item = MeetingCase.objects.get(meeting=meeting, number=register["closed_in"].number)
    services.meeting_record(
        meeting=meeting,
        by=people["qo"],
        items={item.pk: (True, "Planning voortaan wekelijks bewaken.")},
        decisions="Actie: planningsoverleg.",
    )
    client.force_login(people["qo"])
    agenda = client.get(reverse("insights_admin:meeting_agenda_pdf", args=[meeting.pk]))
    assert agenda["Content-Type"] == "application/pdf"
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(agenda.content)).pages
    )
    assert "Agenda kerngroepbijeenkomst" in text
    assert "15 oktober 2026" in text
    assert register["received_in"].number in text
    assert "wekelijks" not in text  # the agenda goes out before the meeting
    minutes = client.get(
        reverse("insights_admin:meeting_minutes_pdf", args=[meeting.pk])
    )
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(minutes.content)).pages
    )
    assert "Notulen kerngroepbijeenkomst" in text
    assert "wekelijks" in text
    assert "Besluiten en acties" in text

    # A core-group member's copy shows only what she may see.
    client.force_login(people["member"])
    member_pdf = client.get(
        reverse("insights_admin:meeting_agenda_pdf", args=[meeting.pk])
    )
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(member_pdf.content)).pages
    )
    assert "Klant Nieuw" not in text
    sheet = client.get(reverse("insights_admin:meeting_xlsx", args=[meeting.pk]))
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][0] == "Soort"
    assert len(rows) == 1 + meeting.items.count()
    assert not any("Klant Nieuw" in str(v) for row in rows for v in row)


def test_the_meeting_page_reads_a_constant_number_of_queries_C11(people, register):
    meeting = plan(people)
    agenda_for(people["member"], meeting)  # the user's roles, read once
    with CaptureQueriesContext(connection) as few:
        agenda_for(people["member"], meeting)
    for n in range(6):
        complaint(people, f"Extra {n}", local(2026, 9, 10 + n, 9))
    services.meeting_recompile(meeting=meeting, by=people["qo"])
    assert meeting.items.count() == 11
    with CaptureQueriesContext(connection) as many:
        agenda_for(people["member"], meeting)
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
