import pytest
from django.urls import reverse

from cases.models import Appeal
from cases.services import appeal_acknowledge
from portal.roles import CERTIFICATION_DECIDER, CORE_GROUP
from tests.cases.test_appeals import lodge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_lodge_form_registers_and_opens_the_case_page(client, setup, office):
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:appeal_lodge"),
        {
            "decision": setup["decision"].pk,
            "appellant": setup["client"].pk,
            "channel": "letter",
            "received_at": "2026-02-10T09:30",
            "motivation": "Onterecht.",
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases_admin:appeal", args=[appeal.pk])
    assert appeal.number == "B-2026-0001"


def test_lodge_form_with_a_bad_date_keeps_the_input_and_says_what_to_do(
    client, setup, office
):
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:appeal_lodge"),
        {
            "decision": setup["decision"].pk,
            "appellant": setup["client"].pk,
            "channel": "email",
            "received_at": "31-02-2026",
            "motivation": "Mijn uitgebreide motivering",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vul datum en tijd in" in body
    assert "Mijn uitgebreide motivering" in body
    assert not Appeal.objects.exists()


def test_late_appeal_is_registered_and_shown_as_inadmissible(client, setup, office):
    client.force_login(office)
    client.post(
        reverse("cases_admin:appeal_lodge"),
        {
            "decision": setup["decision"].pk,
            "appellant": setup["client"].pk,
            "channel": "email",
            "received_at": "2026-03-01T00:00",
            "motivation": "Te laat.",
        },
    )
    appeal = Appeal.objects.get()
    body = client.get(reverse("cases_admin:appeal", args=[appeal.pk])).content.decode()
    assert "te laat" in body
    assert "Niet-ontvankelijkheid meedelen" in body
    assert "Ontvangst bevestigen" not in body


def test_case_page_offers_only_the_steps_valid_for_this_user(client, setup, office):
    appeal = appeal_acknowledge(appeal=lodge(setup, office), by=office)
    client.force_login(office)
    body = client.get(reverse("cases_admin:appeal", args=[appeal.pk])).content.decode()
    assert "Certificatiebeslisser aanwijzen" in body
    assert "Uitkomst vastleggen" not in body
    assert "Ontvangst bevestigen" not in body


def test_assigning_the_original_decider_shows_the_A7_refusal(client, setup, office):
    appeal = appeal_acknowledge(appeal=lodge(setup, office), by=office)
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:appeal", args=[appeal.pk]),
        {"action": "assign_decider", "decider": setup["original"].pk},
    )
    assert response.status_code == 400
    assert "nam de bestreden beslissing" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.decider is None


def test_a_step_not_offered_is_refused_and_changes_nothing(client, setup, office):
    appeal = lodge(setup, office)
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:appeal", args=[appeal.pk]), {"action": "decide"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == "received"
    assert appeal.events.count() == 1


def test_the_assigned_decider_decides_through_the_case_page(client, setup, office):
    appeal = appeal_acknowledge(appeal=lodge(setup, office), by=office)
    client.force_login(office)
    client.post(
        reverse("cases_admin:appeal", args=[appeal.pk]),
        {"action": "assign_decider", "decider": setup["other"].pk},
    )
    client.force_login(setup["other"])
    response = client.post(
        reverse("cases_admin:appeal", args=[appeal.pk]),
        {
            "action": "decide",
            "outcome": "changed",
            "outcome_motivation": "De plannen waren op tijd.",
            "new_outcome": "granted",
            "non_discrimination_confirmed": "on",
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.state, appeal.outcome) == ("decided", "changed")
    dossier = client.get(
        reverse("cases_admin:dossier", args=[setup["client"].pk])
    ).content.decode()
    assert "Certificaat verleend" in dossier
    assert "Certificaat gecontinueerd" in dossier


@pytest.mark.parametrize("role", [CORE_GROUP, CERTIFICATION_DECIDER])
def test_staff_without_a_role_in_the_appeal_get_not_found(client, setup, office, role):
    appeal = lodge(setup, office)
    client.force_login(UserFactory(roles=[role]))
    for url in (
        reverse("cases_admin:appeal", args=[appeal.pk]),
        reverse("wagtailsnippets_cases_appeal:inspect", args=[appeal.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert appeal.number not in response.content.decode()
    listing = client.get(reverse("wagtailsnippets_cases_appeal:list"))
    assert appeal.number not in listing.content.decode()


def test_only_register_keepers_open_the_lodge_form(client, setup):
    client.force_login(UserFactory(roles=[CERTIFICATION_DECIDER]))
    response = client.get(reverse("cases_admin:appeal_lodge"))
    assert response.status_code in (302, 403)
