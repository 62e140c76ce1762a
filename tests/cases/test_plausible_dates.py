"""Dates entered on a case fit the case's own dates (issue 16, item 3): not
before the complaint was received, not in the future, not before the step they
follow. Each refusal names both dates in Dutch and changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Audit, CaseEvent, Complaint, Mediation, Signal
from cases.services import (
    complaint_decide_follow_up,
    complaint_escalate,
    complaint_inform_parties,
    complaint_record_satisfaction,
    complaint_update_handling,
    mediation_choose,
    mediation_consent,
    mediation_propose,
    mediation_record_session,
    signal_record,
)
from tests.cases.conftest import AMS
from tests.cases.test_complaints import in_progress, register
from tests.cases.test_mediations import three  # noqa: F401 (fixture)
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def nl(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=AMS)


@pytest.fixture
def days():
    """The receipt day (ten days ago), the day before it, today and tomorrow."""
    today = timezone.localdate()
    received = today - datetime.timedelta(days=10)
    return {
        "received": received,
        "before": received - datetime.timedelta(days=1),
        "today": today,
        "tomorrow": today + datetime.timedelta(days=1),
    }


@pytest.fixture
def klant(db):
    return ClientFactory(
        name="Zorggroep Datum", region="GE", contact_email="klant@example.invalid"
    )


def snapshot():
    return (
        CaseEvent.objects.count(),
        list(Complaint.objects.values()),
        list(Mediation.objects.values()),
        Audit.objects.count(),
    )


def refused(call, field, *messages):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert field in exc.value.message_dict
    text = " ".join(exc.value.message_dict[field])
    for message in messages:
        assert message in text
    assert snapshot() == before
    return text


# -- C8: the satisfaction date ------------------------------------------------


@pytest.fixture
def solved(people, klant, days):
    complaint = in_progress(people, klant, at=at(days["received"], 14))
    return complaint_update_handling(
        complaint=complaint, by=people["handler"], solution="Rapport hersteld."
    )


def satisfaction(people, complaint, when):
    return lambda: complaint_record_satisfaction(
        complaint=complaint, by=people["handler"], note="Mail: tevreden.", at=when
    )


def test_C8_satisfaction_the_day_before_receipt_is_refused_naming_both_dates(
    people, solved, days
):
    text = refused(
        satisfaction(people, solved, at(days["before"], 9)),
        "satisfied_at",
        f"De datum van tevredenheid ({nl(days['before'])}) ligt vóór de ontvangst "
        f"van de klacht ({nl(days['received'])}).",
        f"Vul een datum op of na {nl(days['received'])} in.",
    )
    assert "C8" not in text


def test_C8_satisfaction_in_2020_for_a_complaint_of_this_year_is_refused(
    people, solved, days
):
    refused(
        satisfaction(people, solved, datetime.datetime(2020, 1, 1, 9, tzinfo=AMS)),
        "satisfied_at",
        "(1 januari 2020) ligt vóór de ontvangst van de klacht",
    )


def test_C8_satisfaction_tomorrow_is_refused_naming_now(people, solved, days):
    refused(
        satisfaction(people, solved, at(days["tomorrow"], 9)),
        "satisfied_at",
        f"De datum van tevredenheid ({nl(days['tomorrow'])} om 09:00) ligt in de "
        f"toekomst; het is nu {nl(days['today'])}",
    )


def test_C8_satisfaction_on_the_day_of_receipt_is_accepted(people, solved, days):
    # Earlier in the day than the receipt's hour: the day is what counts.
    complaint = satisfaction(people, solved, at(days["received"], 8))()
    assert complaint.satisfied_at == at(days["received"], 8)


def test_C8_view_shows_the_refusal_at_the_field_and_keeps_the_input(
    client, people, solved, days
):
    client.force_login(people["handler"])
    response = client.post(
        reverse("cases_admin:complaint", args=[solved.pk]),
        {
            "action": "record_satisfaction",
            "satisfaction_note": "Telefoon met mevrouw Jansen.",
            "satisfied_at": "2020-01-01T10:00",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        "De datum van tevredenheid (1 januari 2020) ligt vóór de ontvangst van de "
        f"klacht ({nl(days['received'])})"
    ) in body
    assert "Telefoon met mevrouw Jansen." in body
    assert 'value="2020-01-01T10:00"' in body
    solved.refresh_from_db()
    assert solved.satisfied_at is None


# -- C9: informing holder and team leader, the special audit ------------------


@pytest.fixture
def about_holder(people, klant, days):
    return register(people, klant, holder=True, at=at(days["received"], 14))


def informed(people, complaint, holder, leader):
    return lambda: complaint_inform_parties(
        complaint=complaint,
        by=people["management"],
        holder_informed_at=holder,
        team_leader_informed_at=leader,
    )


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("holder_informed_at", "De datum waarop de certificaathouder is geïnformeerd"),
        ("team_leader_informed_at", "De datum waarop de teamleider is geïnformeerd"),
    ],
)
def test_C9_informed_dates_before_receipt_or_in_the_future_are_refused(
    people, about_holder, days, field, label
):
    good = at(days["received"], 9)
    for bad, message in (
        (
            at(days["before"], 9),
            f"{label} ({nl(days['before'])}) ligt vóór de ontvangst van de klacht "
            f"({nl(days['received'])})",
        ),
        (at(days["tomorrow"], 9), f"{label} ({nl(days['tomorrow'])} om 09:00) ligt in"),
    ):
        dates = {"holder": good, "leader": good}
        dates["holder" if field == "holder_informed_at" else "leader"] = bad
        refused(
            informed(people, about_holder, dates["holder"], dates["leader"]),
            field,
            message,
        )
    complaint = informed(people, about_holder, good, good)()
    assert complaint.holder_informed_at == good
    assert complaint.team_leader_informed_at == good


def test_C9_special_audit_cannot_start_before_the_complaint(people, about_holder, days):
    leader = UserFactory()

    def decide(start):
        return lambda: complaint_decide_follow_up(
            complaint=about_holder,
            by=people["management"],
            follow_up=Complaint.FollowUp.SPECIAL_AUDIT,
            motivation="Ernstig.",
            special_audit_start=start,
            team_leader=leader,
        )

    refused(
        decide(days["before"]),
        "special_audit_start",
        f"De begindatum van het Speciaal Onderzoek ({nl(days['before'])}) ligt vóór "
        f"de ontvangst van de klacht ({nl(days['received'])})",
    )
    # Planned: a start in the future is what one expects.
    complaint = decide(days["tomorrow"])()
    assert complaint.special_audit.start_date == days["tomorrow"]


def test_C9_special_audit_may_start_on_the_day_of_receipt(people, about_holder, days):
    complaint = complaint_decide_follow_up(
        complaint=about_holder,
        by=people["management"],
        follow_up=Complaint.FollowUp.SPECIAL_AUDIT,
        motivation="Ernstig.",
        special_audit_start=days["received"],
        team_leader=UserFactory(),
    )
    assert complaint.special_audit.start_date == days["received"]


# -- E4/E5: consents and the session -------------------------------------------


@pytest.fixture
def chosen(people, klant, days, three):  # noqa: F811
    complaint = in_progress(people, klant, at=at(days["received"], 14))
    mediation = complaint_escalate(
        complaint=complaint, by=people["qo"], reason="Geen aanvaardbare oplossing."
    )
    mediation_propose(mediation=mediation, notaries=three, by=people["office"])
    return mediation_choose(mediation=mediation, notary=three[0], by=people["office"])


def consent(people, mediation, claimant, organisation):
    return lambda: mediation_consent(
        mediation=mediation,
        by=people["office"],
        claimant_consent_at=claimant,
        organisation_consent_at=organisation,
    )


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("claimant_consent_at", "De datum van toestemming van de eiser"),
        ("organisation_consent_at", "De datum van toestemming van de organisatie"),
    ],
)
def test_E4_consent_before_the_complaint_or_in_the_future_is_refused(
    people, chosen, days, field, label
):
    good = at(days["received"], 9)
    for bad, message in (
        (
            at(days["before"], 9),
            f"{label} ({nl(days['before'])}) ligt vóór de ontvangst van de klacht "
            f"({nl(days['received'])})",
        ),
        (at(days["tomorrow"], 9), f"{label} ({nl(days['tomorrow'])} om 09:00) ligt in"),
    ):
        dates = {"claimant_consent_at": good, "organisation_consent_at": good}
        dates[field] = bad
        refused(
            consent(
                people,
                chosen,
                dates["claimant_consent_at"],
                dates["organisation_consent_at"],
            ),
            field,
            message,
        )
    mediation = consent(people, chosen, good, good)()
    assert mediation.state == Mediation.State.CONSENTED


@pytest.fixture
def consented(people, chosen, days):
    return consent(
        people, chosen, at(days["received"], 9), at(days["received"] + _day(3), 9)
    )()


def _day(n):
    return datetime.timedelta(days=n)


def session(people, mediation, when):
    return lambda: mediation_record_session(
        mediation=mediation, by=people["office"], session_at=when
    )


def test_E5_session_before_the_later_consent_is_refused(people, consented, days):
    later = days["received"] + _day(3)
    refused(
        session(people, consented, at(later - _day(1), 15)),
        "session_at",
        f"De datum van de sessie ({nl(later - _day(1))}) ligt vóór de toestemming "
        f"van de organisatie ({nl(later)}). Vul een datum op of na {nl(later)} in.",
    )


def test_E5_session_tomorrow_is_refused(people, consented, days):
    refused(
        session(people, consented, at(days["tomorrow"], 15)),
        "session_at",
        f"De datum van de sessie ({nl(days['tomorrow'])} om 15:00) ligt in de toekomst",
    )


def test_E5_session_on_the_day_of_the_later_consent_is_accepted(
    people, consented, days
):
    later = days["received"] + _day(3)
    mediation = session(people, consented, at(later, 8))()
    assert mediation.session_at == at(later, 8)


# -- S1: when the client spoke ---------------------------------------------------


def test_S1_signal_received_tomorrow_is_refused_naming_now(people, days):
    with pytest.raises(ValidationError) as exc:
        signal_record(
            by=people["assessor"],
            channel="phone",
            received_at=at(days["tomorrow"], 9),
            description="Klant belde boos.",
        )
    text = " ".join(exc.value.message_dict["received_at"])
    assert f"({nl(days['tomorrow'])} om 09:00) ligt in de toekomst" in text
    assert f"het is nu {nl(days['today'])}" in text
    assert not Signal.objects.exists()


def test_S1_signal_received_earlier_today_is_accepted(people, days):
    now = timezone.now().replace(second=0, microsecond=0)
    signal = signal_record(
        by=people["assessor"],
        channel="phone",
        received_at=now,
        description="Klant belde boos.",
    )
    assert signal.received_at == now
