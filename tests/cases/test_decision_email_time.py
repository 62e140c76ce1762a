"""The office manager enters when a decision was really e-mailed (issue 16,
item 2): the appeal term of A2 counts from that moment, not from the click."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cases.models import Appeal, Audit, CertificationDecision
from cases.services import (
    appeal_lodge,
    decision_mark_emailed,
    decision_record,
    dossier_access_grant,
)
from portal.formatting import format_moment
from portal.roles import ASSESSOR, CERTIFICATION_DECIDER, CORE_GROUP, OFFICE_MANAGER
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def nl_moment(moment: datetime.datetime) -> str:
    # Messages name the moment with its year (one date style, issue 17).
    return format_moment(moment, year=True)


def typed(moment: datetime.datetime) -> str:
    """As the browser's date-time field sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def times():
    """This morning's e-mail, the decision of the day before and an appeal that
    came in after the e-mail but before anyone marked it as sent. Relative to
    now, so that none of them lies in the future whenever the test runs."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    emailed = now - datetime.timedelta(hours=2)
    return {
        "now": now,
        "emailed": emailed,
        "decided": emailed - datetime.timedelta(days=1),
        "appeal": emailed + datetime.timedelta(minutes=90),
    }


@pytest.fixture
def office(db):
    return UserFactory(roles=[OFFICE_MANAGER])


@pytest.fixture
def leader(db):
    return UserFactory(roles=[ASSESSOR])


@pytest.fixture
def decision(office, leader, times):
    klant = ClientFactory(name="Zorggroep Verzonden", contact_email="k@example.invalid")
    audit = Audit.objects.create(
        client=klant,
        kind=Audit.Kind.FOLLOW_UP,
        start_date=timezone.localdate() - datetime.timedelta(days=20),
        team_leader=leader,
    )
    return decision_record(
        audit=audit,
        decider=UserFactory(roles=[CERTIFICATION_DECIDER]),
        outcome="continued",
        motivation="Voldoet aan de eisen.",
        decided_at=times["decided"],
        by=office,
    )


def mark(client, decision, value):
    return client.post(
        reverse("cases_admin:decision_mark_emailed", args=[decision.pk]),
        {"emailed_at": value},
    )


def test_entered_email_time_makes_an_appeal_of_that_morning_admissible_A2(
    client, office, decision, times
):
    client.force_login(office)
    response = mark(client, decision, typed(times["emailed"]))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.emailed_at == times["emailed"]
    # The dossier's log keeps the moment entered, not the moment of the click.
    entry = ModelLogEntry.objects.get(
        action="portal.decision.emailed", object_id=str(decision.pk)
    )
    assert entry.data["at"] == times["emailed"].isoformat()
    assert entry.user_id == office.pk

    appeal = appeal_lodge(
        decision=decision,
        appellant=decision.audit.client,
        channel="email",
        received_at=times["appeal"],
        motivation="Het rapport mist onze verbeterplannen.",
        by=office,
    )
    assert appeal.inadmissible_reason == ""
    assert appeal.state == Appeal.State.RECEIVED


def test_the_dossier_offers_the_time_prefilled_with_now(client, office, decision):
    client.force_login(office)
    body = client.get(
        reverse("cases_admin:dossier", args=[decision.audit.client_id])
    ).content.decode()
    assert 'name="emailed_at"' in body
    assert 'type="datetime-local"' in body
    assert f'value="{timezone.localtime():%Y-%m-%dT}' in body
    assert "Markeer als verzonden" in body


def test_email_time_in_the_future_is_refused_and_the_input_kept(
    client, office, decision, times
):
    tomorrow = times["now"] + datetime.timedelta(days=1)
    client.force_login(office)
    response = mark(client, decision, typed(tomorrow))
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Het verzendmoment ({nl_moment(tomorrow)}) ligt in de toekomst" in body
    assert "het is nu" in body
    assert f'value="{typed(tomorrow)}"' in body
    decision.refresh_from_db()
    assert decision.emailed_at is None
    assert not ModelLogEntry.objects.filter(action="portal.decision.emailed").exists()


def test_email_time_before_the_decision_is_refused_naming_both(
    client, office, decision, times
):
    too_early = times["decided"] - datetime.timedelta(hours=1)
    client.force_login(office)
    response = mark(client, decision, typed(too_early))
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        f"Het verzendmoment ({nl_moment(too_early)}) ligt vóór het nemen van de "
        f"beslissing ({nl_moment(times['decided'])})"
    ) in body
    assert f'value="{typed(too_early)}"' in body
    decision.refresh_from_db()
    assert decision.emailed_at is None


def test_email_time_equal_to_the_decision_is_accepted(office, decision, times):
    decision = decision_mark_emailed(decision=decision, at=times["decided"], by=office)
    assert decision.emailed_at == times["decided"]


def test_unreadable_time_is_refused_and_kept(client, office, decision):
    client.force_login(office)
    response = mark(client, decision, "gisteren ochtend")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vul datum en tijd in" in body
    assert 'value="gisteren ochtend"' in body
    decision.refresh_from_db()
    assert decision.emailed_at is None


@pytest.mark.parametrize("role", [ASSESSOR, CORE_GROUP])
def test_only_the_register_and_deciders_mark_a_decision_as_emailed(
    decision, times, role
):
    with pytest.raises(PermissionDenied):
        decision_mark_emailed(
            decision=decision, at=times["emailed"], by=UserFactory(roles=[role])
        )
    assert CertificationDecision.objects.get(pk=decision.pk).emailed_at is None


def test_a_core_group_member_who_sees_the_dossier_cannot_mark_it_via_the_page(
    client, office, decision, times
):
    member = UserFactory(roles=[CORE_GROUP])
    dossier_access_grant(
        client=decision.audit.client, user=member, by=office, reason="Klacht."
    )
    client.force_login(member)
    response = mark(client, decision, typed(times["emailed"]))
    assert response.status_code == 403
    assert "Alleen een certificatiebeslisser of de officemanager" in (
        response.content.decode()
    )
    decision.refresh_from_db()
    assert decision.emailed_at is None


def test_a_decision_is_marked_as_emailed_only_once(office, decision, times):
    decision_mark_emailed(decision=decision, at=times["emailed"], by=office)
    with pytest.raises(ValidationError, match="al als verzonden"):
        decision_mark_emailed(decision=decision, at=times["now"], by=office)
    decision.refresh_from_db()
    assert decision.emailed_at == times["emailed"]
