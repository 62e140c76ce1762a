"""Corrections instead of dead ends (issue 16, item 2): a closed complaint is
reopened with a reason; a wrongly recorded fact is corrected by the quality
officer with the old and the new value in the logbook; an appeal inadmissible
through a recording error is re-assessed; a step that cannot be undone asks for
a confirmation first."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.deadlines import add_months_local
from cases.models import Appeal, CaseEvent, Complaint
from cases.services import (
    appeal_send_inadmissibility,
    complaint_close,
    complaint_record_satisfaction,
    complaint_update_handling,
)
from cases.services.corrections import (
    appeal_reassess,
    case_correct,
    complaint_reopen,
)
from cases.transitions import APPEAL_TRANSITIONS, COMPLAINT_TRANSITIONS
from portal.roles import QUALITY_OFFICER
from tests.cases.conftest import local
from tests.cases.test_appeals import lodge
from tests.cases.test_complaints import in_progress
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def klant(db):
    return ClientFactory(name="Zorggroep Correctie", contact_email="k@example.invalid")


def closable(people, klant):
    complaint = in_progress(people, klant, formal=False)
    complaint_update_handling(
        complaint=complaint, by=people["handler"], solution="Rapport herschreven."
    )
    return complaint_record_satisfaction(
        complaint=complaint,
        by=people["handler"],
        note="Per e-mail tevreden.",
        at=local(2026, 11, 20, 10, 0),
    )


def closed(people, klant):
    return complaint_close(complaint=closable(people, klant), by=people["handler"])


def complaint_url(complaint):
    return reverse("cases_admin:complaint", args=[complaint.pk])


def appeal_url(appeal):
    return reverse("cases_admin:appeal", args=[appeal.pk])


def messages_of(response):
    return [str(m.message) for m in response.context["messages"]]


# -- reopening a closed complaint --------------------------------------------------


def test_quality_officer_reopens_a_closed_complaint_with_a_reason(people, klant):
    complaint = closed(people, klant)
    complaint = complaint_reopen(
        complaint=complaint, by=people["qo"], reason="Klant belt: probleem terug."
    )
    assert complaint.state == Complaint.State.IN_PROGRESS
    assert complaint.closed_at is None
    # C8: closing again needs the client's satisfaction recorded anew.
    assert complaint.satisfied_at is None
    event = complaint.events.get(action="reopen")
    assert event.note == "Klant belt: probleem terug."
    assert event.data["before"]["satisfaction_note"] == "Per e-mail tevreden."
    assert event.data["before"]["closed_at"] is not None
    with pytest.raises(ValidationError):
        complaint_close(complaint=complaint, by=people["handler"])


def test_reopened_complaint_gets_a_month_from_reopening_C6(people, klant):
    complaint = closed(people, klant)
    original_term = complaint.handle_by
    before = timezone.now()
    complaint = complaint_reopen(complaint=complaint, by=people["qo"], reason="Terug.")
    assert complaint.handle_by >= add_months_local(before, 1)
    assert complaint.handle_by > original_term
    assert not complaint.is_overdue()
    event = complaint.events.get(action="reopen")
    assert event.data["before"]["handle_by"] == original_term.isoformat()


def test_reopening_without_a_reason_is_refused_and_changes_nothing(people, klant):
    complaint = closed(people, klant)
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        complaint_reopen(complaint=complaint, by=people["qo"], reason="  ")
    assert "reason" in refused.value.error_dict
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.CLOSED
    assert complaint.closed_at is not None
    assert CaseEvent.objects.count() == events


@pytest.mark.parametrize("role", ["handler", "office", "management"])
def test_only_the_quality_officer_reopens(client, people, klant, role):
    complaint = closed(people, klant)
    with pytest.raises(PermissionDenied):
        complaint_reopen(complaint=complaint, by=people[role], reason="Terug.")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.CLOSED
    client.force_login(people[role])
    response = client.get(complaint_url(complaint))
    if response.status_code == 200:
        assert 'value="reopen"' not in response.content.decode()


def test_page_closes_after_confirmation_and_reopens_and_the_logbook_shows_both(
    client, people, klant
):
    complaint = closable(people, klant)
    client.force_login(people["qo"])
    response = client.post(
        complaint_url(complaint),
        {"action": "close", "note": "Afgerond.", "confirmed": "1"},
        follow=True,
    )
    assert Complaint.objects.get().state == Complaint.State.CLOSED
    body = response.content.decode()
    assert 'value="reopen"' in body
    response = client.post(
        complaint_url(complaint),
        {"action": "reopen", "reason": "De klant meldt dat het probleem terugkomt."},
        follow=True,
    )
    assert Complaint.objects.get().state == Complaint.State.IN_PROGRESS
    assert "heropend" in messages_of(response)[-1]
    body = response.content.decode()
    assert "Afgesloten" in body
    assert "Klacht heropend" in body
    assert "De klant meldt dat het probleem terugkomt." in body
    actions = list(complaint.events.values_list("action", flat=True))
    assert actions[-2:] == ["close", "reopen"]


def test_page_reopen_without_reason_keeps_the_case_closed(client, people, klant):
    complaint = closed(people, klant)
    client.force_login(people["qo"])
    response = client.post(complaint_url(complaint), {"action": "reopen", "reason": ""})
    assert response.status_code == 400
    assert 'id="stap-reopen" open' in response.content.decode()
    assert Complaint.objects.get().state == Complaint.State.CLOSED


# -- correcting a recorded fact ----------------------------------------------------


def test_correction_keeps_old_and_new_value_in_the_logbook(people, klant):
    complaint = in_progress(people, klant, formal=False)
    old = complaint.received_at
    new = local(2026, 11, 1, 16, 30)
    complaint = case_correct(
        case=complaint,
        by=people["qo"],
        field="received_at",
        value=new,
        reason="Datum van de verkeerde e-mail overgenomen.",
    )
    assert complaint.received_at == new
    # C6: the term computed from receipt moves with it.
    assert complaint.handle_by == add_months_local(new, 1)
    event = complaint.events.get(action="correct")
    assert event.data["field"] == "received_at"
    assert event.data["old"] == old.isoformat()
    assert event.data["new"] == new.isoformat()
    assert event.data["reason"] == "Datum van de verkeerde e-mail overgenomen."
    assert "2 november 2026 10:00 → 1 november 2026 16:30" in event.note
    assert event.from_state == event.to_state == Complaint.State.IN_PROGRESS


def test_correction_of_a_choice_on_a_complaint(people, klant):
    complaint = in_progress(people, klant, formal=False)
    complaint = case_correct(
        case=complaint,
        by=people["qo"],
        field="formal_written",
        value=True,
        reason="Het was een brief.",
    )
    assert complaint.formal_written is True
    event = complaint.events.get(action="correct")
    assert (event.data["old"], event.data["new"]) == (False, True)
    assert "nee → ja" in event.note


def test_correction_to_a_future_date_is_refused(people, klant):
    complaint = in_progress(people, klant, formal=False)
    with pytest.raises(ValidationError) as refused:
        case_correct(
            case=complaint,
            by=people["qo"],
            field="received_at",
            value=timezone.now() + datetime.timedelta(days=2),
            reason="Typfout.",
        )
    assert "toekomst" in " ".join(refused.value.messages)
    assert Complaint.objects.get().received_at == complaint.received_at
    assert not complaint.events.filter(action="correct").exists()


def test_corrected_satisfaction_before_receipt_is_refused_naming_both_dates(
    people, klant
):
    complaint = closable(people, klant)
    with pytest.raises(ValidationError) as refused:
        case_correct(
            case=complaint,
            by=people["qo"],
            field="satisfied_at",
            value=local(2020, 1, 1, 12, 0),
            reason="Typfout.",
        )
    text = " ".join(refused.value.messages)
    assert "1 januari 2020" in text
    assert "2 november 2026" in text
    assert Complaint.objects.get().satisfied_at == local(2026, 11, 20, 10, 0)


@pytest.mark.parametrize("role", ["handler", "office", "management"])
def test_correction_by_anyone_but_the_quality_officer_is_refused(people, klant, role):
    complaint = in_progress(people, klant, formal=False)
    with pytest.raises(PermissionDenied):
        case_correct(
            case=complaint,
            by=people[role],
            field="received_at",
            value=local(2026, 11, 1, 9, 0),
            reason="Typfout.",
        )
    assert Complaint.objects.get().received_at == complaint.received_at


def test_correction_of_an_unknown_field_is_refused(people, klant):
    complaint = in_progress(people, klant, formal=False)
    with pytest.raises(ValidationError) as refused:
        case_correct(
            case=complaint,
            by=people["qo"],
            field="handler",
            value=people["qo"],
            reason="Andere behandelaar.",
        )
    assert "field" in refused.value.error_dict
    assert Complaint.objects.get().handler == people["handler"]
    assert not complaint.events.filter(action="correct").exists()


def test_correction_without_reason_or_without_change_is_refused(people, klant):
    complaint = in_progress(people, klant, formal=False)
    with pytest.raises(ValidationError):
        case_correct(
            case=complaint,
            by=people["qo"],
            field="received_at",
            value=local(2026, 11, 1, 9, 0),
            reason="",
        )
    with pytest.raises(ValidationError):
        case_correct(
            case=complaint,
            by=people["qo"],
            field="received_at",
            value=complaint.received_at,
            reason="Niets.",
        )
    assert not complaint.events.filter(action="correct").exists()


def test_correction_form_on_the_page_keeps_the_input_on_a_future_date(
    client, people, klant
):
    complaint = in_progress(people, klant, formal=False)
    client.force_login(people["qo"])
    future = timezone.localtime() + datetime.timedelta(days=3)
    response = client.post(
        complaint_url(complaint),
        {
            "action": "correct",
            "field": "received_at",
            "new_moment": future.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Mijn typfout in het jaar.",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "toekomst" in body
    assert "Mijn typfout in het jaar." in body
    assert not complaint.events.filter(action="correct").exists()


def test_correction_form_on_the_page_is_offered_to_the_quality_officer_only(
    client, people, klant
):
    complaint = in_progress(people, klant, formal=False)
    client.force_login(people["handler"])
    assert (
        'value="correct"' not in client.get(complaint_url(complaint)).content.decode()
    )
    response = client.post(
        complaint_url(complaint),
        {
            "action": "correct",
            "field": "received_at",
            "new_moment": "2026-11-01T09:00",
            "reason": "Typfout.",
        },
    )
    assert response.status_code == 302
    assert Complaint.objects.get().received_at == complaint.received_at
    client.force_login(people["qo"])
    response = client.post(
        complaint_url(complaint),
        {
            "action": "correct",
            "field": "received_at",
            "new_moment": "2026-11-01T09:00",
            "reason": "Typfout.",
        },
        follow=True,
    )
    assert Complaint.objects.get().received_at == local(2026, 11, 1, 9, 0)
    assert "Datum klacht gecorrigeerd" in messages_of(response)[-1]


# -- re-assessing an appeal inadmissible by a recording error ----------------------


@pytest.fixture
def qo(db):
    return UserFactory(roles=[QUALITY_OFFICER])


def late_appeal(setup, office):
    # The decision was e-mailed on 31 January: the term ran to 28 February.
    appeal = lodge(setup, office, received_at=local(2026, 3, 10, 9, 0))
    assert appeal.state == Appeal.State.INADMISSIBLE
    assert appeal.inadmissible_reason == Appeal.Inadmissible.LATE
    return appeal


def test_late_by_a_recording_error_is_corrected_and_reassessed_admissible(
    setup, office, qo
):
    appeal = late_appeal(setup, office)
    appeal = case_correct(
        case=appeal,
        by=qo,
        field="received_at",
        value=local(2026, 2, 10, 9, 0),
        reason="Ontvangstdatum van de ontvangstbevestiging overgenomen.",
    )
    # The correction alone does not change the admissibility; the event says
    # what the facts now give.
    assert appeal.state == Appeal.State.INADMISSIBLE
    assert appeal.events.get(action="correct").data["admissibility_now"] == ""
    appeal = appeal_reassess(appeal=appeal, by=office)
    assert appeal.state == Appeal.State.RECEIVED
    assert appeal.inadmissible_reason == ""
    event = appeal.events.get(action="reassess")
    assert event.data["inadmissible_reason_before"] == Appeal.Inadmissible.LATE


def test_reassessing_a_still_late_appeal_is_refused_and_changes_nothing(setup, office):
    appeal = late_appeal(setup, office)
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        appeal_reassess(appeal=appeal, by=office)
    text = " ".join(refused.value.messages)
    assert "beroepstermijn" in text
    assert "A2" not in text
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.INADMISSIBLE
    assert appeal.inadmissible_reason == Appeal.Inadmissible.LATE
    assert CaseEvent.objects.count() == events


def test_reassessing_after_the_inadmissibility_letter_is_refused(setup, office, qo):
    appeal = late_appeal(setup, office)
    appeal = appeal_send_inadmissibility(appeal=appeal, by=office)
    assert appeal.state == Appeal.State.CLOSED
    appeal = case_correct(
        case=appeal,
        by=qo,
        field="received_at",
        value=local(2026, 2, 10, 9, 0),
        reason="Verkeerde datum.",
    )
    with pytest.raises(ValidationError) as refused:
        appeal_reassess(appeal=appeal, by=office)
    assert "al aan de indiener meegedeeld" in " ".join(refused.value.messages)
    assert Appeal.objects.get(pk=appeal.pk).state == Appeal.State.CLOSED


def test_appeal_page_corrects_and_reassesses(client, setup, office, qo):
    appeal = late_appeal(setup, office)
    client.force_login(office)
    body = client.get(appeal_url(appeal)).content.decode()
    assert 'value="reassess"' not in body  # still late: not offered
    assert 'value="correct"' not in body  # the quality officer corrects
    client.force_login(qo)
    response = client.post(
        appeal_url(appeal),
        {
            "action": "correct",
            "field": "received_at",
            "new_moment": "2026-02-10T09:00",
            "reason": "Verkeerde datum overgenomen.",
        },
        follow=True,
    )
    assert "opnieuw" in messages_of(response)[-1]
    client.force_login(office)
    body = client.get(appeal_url(appeal)).content.decode()
    assert 'value="reassess"' in body
    client.post(appeal_url(appeal), {"action": "reassess"})
    assert Appeal.objects.get(pk=appeal.pk).state == Appeal.State.RECEIVED


def test_appeal_channel_correction_on_the_page(client, setup, office, qo):
    appeal = lodge(setup, office, channel="phone")
    assert appeal.inadmissible_reason == Appeal.Inadmissible.ORAL
    client.force_login(qo)
    response = client.post(
        appeal_url(appeal),
        {
            "action": "correct",
            "field": "channel",
            "new_choice": "received_at:0",  # a value of another fact
            "reason": "Kwam per e-mail.",
        },
    )
    assert response.status_code == 400
    assert Appeal.objects.get(pk=appeal.pk).channel == "phone"
    email = [c[0] for c in Appeal.Channel.choices].index("email")
    choice = f"channel:{email}"
    client.post(
        appeal_url(appeal),
        {
            "action": "correct",
            "field": "channel",
            "new_choice": choice,
            "reason": "Kwam per e-mail.",
        },
    )
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.channel == "email"
    assert appeal_reassess(appeal=appeal, by=office).state == Appeal.State.RECEIVED


# -- confirmation of a step that cannot be undone ----------------------------------


def test_closing_without_the_tick_changes_nothing(client, people, klant):
    complaint = closable(people, klant)
    events = CaseEvent.objects.count()
    client.force_login(people["handler"])
    body = client.get(complaint_url(complaint)).content.decode()
    assert 'name="confirmed"' in body
    assert "Ik begrijp dat na afsluiten alleen de portefeuillehouder" in body
    response = client.post(
        complaint_url(complaint), {"action": "close", "note": "Klaar met de klant."}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vink eerst aan" in body
    assert "Klaar met de klant." in body  # what was typed stays
    assert 'id="stap-close" open' in body
    assert Complaint.objects.get().state == Complaint.State.IN_PROGRESS
    assert CaseEvent.objects.count() == events


def test_closing_with_the_tick_closes(client, people, klant):
    complaint = closable(people, klant)
    client.force_login(people["handler"])
    client.post(
        complaint_url(complaint),
        {"action": "close", "note": "Klaar.", "confirmed": "1"},
    )
    assert Complaint.objects.get().state == Complaint.State.CLOSED


def test_irreversible_steps_say_what_cannot_be_undone_without_rule_ids():
    rows = {
        (kind, t.action): t.confirm
        for kind, table in (
            ("complaint", COMPLAINT_TRANSITIONS),
            ("appeal", APPEAL_TRANSITIONS),
        )
        for t in table
        if t.confirm
    }
    assert set(rows) == {
        ("complaint", "close"),
        ("appeal", "send_outcome"),
        ("appeal", "send_inadmissibility"),
    }
    for text in rows.values():
        assert not re.search(r"\b[SCEA]\d+\b", text)
    assert "heropenen" in rows[("complaint", "close")]
