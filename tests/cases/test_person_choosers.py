"""Every person chooser offers only those the rule allows, shows each person's
role, says who is left out and why, and refuses a forged post of someone left
out with a form error (the services refuse as well: test_appeals, test_complaints).
"""

import datetime
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.forms import (
    AppealAssignForm,
    ComplaintRegisterForm,
    DecisionSupersedeForm,
    FollowUpForm,
    HandlerForm,
    HandlingForm,
)
from cases.forms.people import deciders_pool
from cases.models import Audit, CertificationDecision, Client, Complaint, Notary
from cases.services import appeal_acknowledge, appeal_assign_decider, decision_record
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    EXTERNAL_MEDIATOR,
    QUALITY_OFFICER,
)
from tests.cases.test_appeals import lodge
from tests.cases.test_complaints import in_progress, qualified_signal, register
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def offered(field) -> set:
    return set(field.queryset)


def labels(field) -> list[str]:
    return [label for _key, label in field.choices]


@pytest.fixture
def klant(db):
    return ClientFactory(name="Zorggroep Kiezen", region="GE")


@pytest.fixture
def notary(db):
    return UserFactory(
        first_name="Anna", last_name="de Groot", roles=[EXTERNAL_MEDIATOR]
    )


# -- A7: the decider of an appeal ----------------------------------------------


def test_A7_chooser_leaves_out_the_original_decider_team_leader_and_assessor(
    setup, office
):
    appeal = lodge(setup, office)
    form = AppealAssignForm(appeal=appeal)
    field = form.fields["decider"]
    assert setup["other"] in offered(field)
    for person in ("original", "leader", "assessor"):
        assert setup[person] not in offered(field)
    assert f"{setup['other']} (Certificatiebeslisser)" in labels(field)
    assert f"{setup['original']} \u2014 nam de bestreden beslissing" in field.help_text
    assert f"{setup['leader']} \u2014 was teamleider bij het onderzoek" in (
        field.help_text
    )
    assert f"{setup['assessor']} \u2014 was beoordelaar bij het onderzoek" in (
        field.help_text
    )
    assert "(A7)" not in field.help_text


def test_A7_chooser_on_the_case_page_shows_roles_and_who_is_left_out(
    client, setup, office
):
    appeal = appeal_acknowledge(appeal=lodge(setup, office), by=office)
    client.force_login(office)
    body = client.get(reverse("cases_admin:appeal", args=[appeal.pk])).content.decode()
    assert escape(f"{setup['other']} (Certificatiebeslisser)") in body
    assert escape(f"{setup['original']} \u2014 nam de bestreden beslissing") in body
    assert f'value="{setup["original"].pk}"' not in body


def test_A7_forged_post_of_the_original_decider_is_a_form_error(client, setup, office):
    appeal = appeal_acknowledge(appeal=lodge(setup, office), by=office)
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:appeal", args=[appeal.pk]),
        {"action": "assign_decider", "decider": setup["leader"].pk},
    )
    assert response.status_code == 400
    assert (
        escape(
            f"{setup['leader']} kan hier niet worden gekozen: was teamleider bij het "
            "onderzoek"
        )
        in response.content.decode()
    )
    appeal.refresh_from_db()
    assert appeal.decider is None


def test_A7_service_still_refuses_the_original_decider(setup, office):
    appeal = appeal_acknowledge(appeal=lodge(setup, office), by=office)
    with pytest.raises(ValidationError):
        appeal_assign_decider(appeal=appeal, decider=setup["original"], by=office)


# -- C2: the handler of a complaint, and who is "directly involved" ------------


def test_C2_handler_chooser_leaves_out_the_involved_core_group_member(people, klant):
    complaint = register(people, klant)
    field = HandlerForm(complaint=complaint).fields["handler"]
    assert offered(field) == {people["handler"]}
    assert f"{people['handler']} (Kerngroeplid)" in labels(field)
    assert (
        f"{people['involved']} \u2014 is direct betrokken bij de klachtsituatie"
        in field.help_text
    )


def test_C2_forged_post_of_an_involved_handler_is_a_form_error(client, people, klant):
    complaint = register(people, klant)
    client.force_login(people["qo"])
    response = client.post(
        reverse("cases_admin:complaint", args=[complaint.pk]),
        {"action": "assign_handler", "handler": people["involved"].pk},
    )
    assert response.status_code == 400
    assert (
        escape(
            f"{people['involved']} kan hier niet worden gekozen: is direct betrokken"
        )
        in response.content.decode()
    )
    complaint.refresh_from_db()
    assert complaint.handler is None


def test_involved_staff_offers_internal_staff_only_with_their_roles(
    people, klant, notary
):
    field = ComplaintRegisterForm(clients=Client.objects.all()).fields["involved_staff"]
    choices = offered(field)
    assert notary not in choices
    assert people["qo"] not in choices
    assert {people["assessor"], people["office"], people["involved"]} <= choices
    assert f"{people['assessor']} (Beoordelaar)" in labels(field)
    assert f"{notary} \u2014 externe mediation-notaris, geen medewerker" in (
        field.help_text
    )
    assert f"{people['qo']} \u2014 registreert en bewaakt de klacht" in field.help_text


def test_a_quality_officer_who_also_sits_in_the_core_group_can_be_involved(klant):
    both = UserFactory(roles=[QUALITY_OFFICER, CORE_GROUP])
    field = ComplaintRegisterForm(clients=Client.objects.all()).fields["involved_staff"]
    assert both in offered(field)
    assert f"{both} (Kerngroeplid, Portefeuillehouder Q)" in labels(field)


def test_forged_post_of_the_notary_as_involved_staff_registers_nothing(
    client, people, klant, notary
):
    signal = qualified_signal(people, klant)
    client.force_login(people["office"])
    response = client.post(
        reverse("cases_admin:complaint_register", args=[signal.pk]),
        {
            "client": klant.pk,
            "description": "Mijn omschrijving blijft staan.",
            "about": "organisation",
            "involved_staff": [people["assessor"].pk, notary.pk],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert escape(f"{notary} kan hier niet worden gekozen") in body
    assert "Mijn omschrijving blijft staan." in body
    assert not Complaint.objects.exists()


def test_the_handler_is_not_offered_as_involved_in_the_complaint_he_handles(
    people, klant
):
    complaint = in_progress(people, klant)
    field = HandlingForm(complaint=complaint).fields["involved_staff"]
    assert people["handler"] not in offered(field)
    assert f"{people['handler']} \u2014 behandelt de klacht" in field.help_text
    form = HandlingForm(
        {"description": "x", "involved_staff": [people["handler"].pk]},
        complaint=complaint,
    )
    assert not form.is_valid()
    assert "behandelt de klacht" in str(form.errors["involved_staff"])


def test_special_audit_team_leader_offers_assessors_and_core_group_only(people, notary):
    field = FollowUpForm().fields["team_leader"]
    choices = offered(field)
    assert {people["assessor"], people["handler"]} <= choices
    assert not {notary, people["qo"], people["office"]} & choices
    form = FollowUpForm(
        {"follow_up": "special_audit", "motivation": "x", "team_leader": notary.pk}
    )
    assert not form.is_valid()
    assert "Kies een persoon uit de lijst." in str(form.errors["team_leader"])


# -- the decision and audit forms of the dossier --------------------------------


def test_decision_form_in_the_admin_offers_deciders_only_with_their_role(
    client, setup, office, notary
):
    plain_assessor = UserFactory(roles=[ASSESSOR])
    client.force_login(office)
    response = client.get(reverse("wagtailsnippets_cases_certificationdecision:add"))
    field = response.context["form"].fields["decider"]
    assert offered(field) == set(deciders_pool())
    assert setup["other"] in offered(field)
    assert not {plain_assessor, notary, office} & offered(field)
    assert escape(f"{setup['other']} (Certificatiebeslisser)") in (
        response.content.decode()
    )


def test_decision_form_names_the_team_leader_of_the_posted_audit_as_left_out(
    client, setup, office
):
    audit = setup["decision"].audit
    client.force_login(office)
    response = client.post(
        reverse("wagtailsnippets_cases_certificationdecision:add"),
        {
            "audit": audit.pk,
            "decider": setup["leader"].pk,
            "outcome": "granted",
            "motivation": "Wat ik typte.",
            "decided_at": "2026-02-01 10:00",
        },
    )
    assert response.status_code in (200, 400)
    body = response.content.decode()
    assert (
        escape(
            f"{setup['leader']} kan hier niet worden gekozen: was teamleider bij het "
            "onderzoek"
        )
        in body
    )
    assert "Wat ik typte." in body
    assert CertificationDecision.objects.count() == 1


def test_decision_edit_in_the_admin_keeps_audit_and_decider(client, setup, office):
    decision = decision_record(
        audit=setup["decision"].audit,
        decider=setup["other"],
        outcome="granted",
        motivation="Eerst.",
        decided_at=setup["decision"].decided_at,
        by=office,
    )
    client.force_login(office)
    url = reverse(
        "wagtailsnippets_cases_certificationdecision:edit", args=[decision.pk]
    )
    form = client.get(url).context["form"]
    assert form.fields["decider"].disabled
    assert form.fields["audit"].disabled
    client.post(
        url,
        {
            "audit": decision.audit_id,
            "decider": setup["assessor"].pk,
            "outcome": "granted",
            "motivation": "Daarna.",
            "decided_at": "2026-01-30 09:00",
        },
    )
    decision.refresh_from_db()
    assert decision.decider == setup["other"]


def test_supersede_form_leaves_out_who_evaluated_the_audit(setup):
    decision = setup["decision"]
    field = DecisionSupersedeForm(deciders=deciders_pool(), decision=decision).fields[
        "decider"
    ]
    assert setup["leader"] not in offered(field)
    assert setup["original"] in offered(field)
    assert f"{setup['leader']} \u2014 was teamleider bij het onderzoek" in (
        field.help_text
    )


def test_audit_form_offers_assessors_and_core_group_but_not_who_decided(
    client, office, notary
):
    both = UserFactory(roles=[ASSESSOR, CERTIFICATION_DECIDER])
    leader = UserFactory(roles=[ASSESSOR])
    core = UserFactory(roles=[CORE_GROUP])
    audit = Audit.objects.create(
        client=ClientFactory(),
        kind=Audit.Kind.INTERIM,
        start_date=datetime.date(2026, 1, 5),
        team_leader=leader,
    )
    decision_record(
        audit=audit, decider=both, outcome="granted", motivation="x", by=office
    )
    client.force_login(office)
    url = reverse("wagtailsnippets_cases_audit:edit", args=[audit.pk])
    response = client.get(url)
    form = response.context["form"]
    for name in ("team_leader", "assessors"):
        field = form.fields[name]
        assert {leader, core} <= offered(field)
        assert not {both, notary, office} & offered(field)
        assert f"{both} \u2014 nam een beslissing over dit onderzoek" in (
            field.help_text
        )
    response = client.post(
        url,
        {
            "client": audit.client_id,
            "kind": audit.kind,
            "start_date": "2026-01-05",
            "team_leader": leader.pk,
            "assessors": [both.pk],
        },
    )
    assert response.status_code in (200, 400)
    assert "assessors" in response.context["form"].errors
    assert not audit.assessors.exists()


def test_notary_account_offers_unlinked_notary_accounts_only(client, office, notary):
    linked = UserFactory(roles=[EXTERNAL_MEDIATOR])
    Notary.objects.create(
        name="mr. B. Bezet", firm="F", region="UT", city="Utrecht", user=linked
    )
    client.force_login(office)
    response = client.get(reverse("wagtailsnippets_cases_notary:add"))
    field = response.context["form"].fields["user"]
    assert offered(field) == {notary}
    assert f"{linked} \u2014 is al gekoppeld aan mr. B. Bezet" in field.help_text
    assert f"{notary} (Mediation-notaris (extern))" in labels(field)
