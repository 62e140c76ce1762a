"""Escalation to mediation (E1–E6), with the refusal paths of each rule."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import CaseEvent, Complaint, EvidenceFile, Mediation, Notary
from cases.selectors import (
    complaints_visible_to,
    dossiers_visible_to,
    eligible_notaries,
    evidence_visible_to,
    mediations_visible_to,
    with_uninformed_steps,
)
from cases.services import (
    complaint_close,
    complaint_escalate,
    mediation_choose,
    mediation_close,
    mediation_consent,
    mediation_evaluate,
    mediation_inform_claimant,
    mediation_open,
    mediation_propose,
    mediation_record_session,
    mediation_withdraw,
)
from portal.roles import EXTERNAL_MEDIATOR
from tests.cases.conftest import local
from tests.cases.test_complaints import in_progress
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def klant(db):
    return ClientFactory(
        name="Zorggroep Mediation", region="GE", contact_email="eiser@example.invalid"
    )


def notary(name, region="GE", **kw):
    user = kw.pop("user", None)
    if user is None:
        user = UserFactory(roles=[EXTERNAL_MEDIATOR])
    return Notary.objects.create(
        name=name, firm=f"Notariaat {name}", region=region, user=user, **kw
    )


@pytest.fixture
def three(db):
    return [notary("Mr. A. Arnhem"), notary("Mr. B. Ede"), notary("Mr. C. Zutphen")]


@pytest.fixture
def escalated(people, klant):
    complaint = in_progress(people, klant)
    return complaint_escalate(
        complaint=complaint,
        by=people["qo"],
        reason="Geen oplossing die voor beide partijen aanvaardbaar is.",
    )


def snapshot():
    return (
        CaseEvent.objects.count(),
        list(Mediation.objects.values()),
        EvidenceFile.objects.count(),
        len(mail.outbox),
    )


def consented(people, escalated, three):
    mediation_propose(mediation=escalated, notaries=three, by=people["office"])
    mediation_choose(mediation=escalated, notary=three[0], by=people["office"])
    return mediation_consent(
        mediation=escalated,
        by=people["office"],
        claimant_consent_at=local(2026, 11, 10, 9, 0),
        organisation_consent_at=local(2026, 11, 11, 9, 0),
    )


# -- E1 ---------------------------------------------------------------------


def test_E1_escalating_a_complaint_registers_a_mediation(people, klant, escalated):
    assert escalated.number == f"M-{timezone.localdate().year}-0001"
    assert escalated.claimant == klant
    complaint = Complaint.objects.get()
    assert complaint.state == Complaint.State.ESCALATED
    assert complaint.events.last().data["mediation"] == escalated.number
    assert escalated.events.get().action == "open"


def test_E1_a_contested_decision_can_be_escalated_by_the_register(setup, office):
    mediation = mediation_open(
        by=UserFactory(roles=["quality_officer"]),
        claimant=setup["client"],
        decision=setup["decision"],
        reason="Oneens met de beslissing; geen oplossing gevonden.",
    )
    assert mediation.decision == setup["decision"]
    with pytest.raises(ValidationError, match="hoort niet bij deze klant"):
        mediation_open(
            by=office,
            claimant=ClientFactory(),
            decision=setup["decision"],
            reason="x",
        )
    with pytest.raises(PermissionDenied, match="registreert een"):
        mediation_open(
            by=setup["other"],
            claimant=setup["client"],
            decision=setup["decision"],
            reason="x",
        )


def test_E1_complaint_closes_after_mediation_only_when_it_is_closed(
    people,
    escalated,
    three,
):
    complaint = Complaint.objects.get()
    with pytest.raises(ValidationError, match="Sluit eerst de mediation af"):
        complaint_close(complaint=complaint, by=people["qo"])
    mediation_withdraw(mediation=escalated, by=people["office"], note="Ingetrokken.")
    complaint = complaint_close(complaint=complaint, by=people["qo"])
    assert complaint.state == Complaint.State.CLOSED


# -- E2 ---------------------------------------------------------------------


def test_E2_proposal_of_three_notaries_in_the_claimants_region_is_sent(
    people,
    escalated,
    three,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        mediation = mediation_propose(
            mediation=escalated, notaries=three, by=people["office"]
        )
    assert mediation.state == Mediation.State.PROPOSED
    assert set(mediation.proposed.all()) == set(three)
    assert mail.outbox[-1].to == ["eiser@example.invalid"]
    event = mediation.events.get(action="propose")
    assert event.claimant_informed_at is not None
    assert EvidenceFile.objects.get(pk__isnull=False, mediation=mediation)


@pytest.mark.parametrize("count", [2, 4])
def test_E2_wrong_count_is_refused(people, escalated, three, count):
    extra = [*three, notary("Mr. D. Doetinchem")][:count]
    before = snapshot()
    with pytest.raises(ValidationError, match="precies drie"):
        mediation_propose(mediation=escalated, notaries=extra, by=people["office"])
    assert snapshot() == before


def test_E2_notary_from_another_region_is_refused(people, escalated, three):
    utrecht = notary("Mr. U. Utrecht", region="UT")
    before = snapshot()
    with pytest.raises(ValidationError, match="regio van de eiser"):
        mediation_propose(
            mediation=escalated, notaries=[*three[:2], utrecht], by=people["office"]
        )
    assert snapshot() == before


def test_E2_notary_with_a_declared_tie_to_the_claimant_is_refused(
    people,
    klant,
    escalated,
    three,
):
    three[2].tied_clients.add(klant)
    before = snapshot()
    with pytest.raises(ValidationError, match="directe band met Zorggroep"):
        mediation_propose(mediation=escalated, notaries=three, by=people["office"])
    assert snapshot() == before
    assert three[2] not in eligible_notaries(escalated)


def test_E2_notary_with_a_tie_to_the_organisation_is_refused(people, escalated, three):
    Notary.objects.filter(pk=three[1].pk).update(tied_to_organisation=True)
    three[1].refresh_from_db()
    with pytest.raises(ValidationError, match="onze organisatie"):
        mediation_propose(mediation=escalated, notaries=three, by=people["office"])
    assert list(eligible_notaries(escalated)) == sorted(
        [three[0], three[2]], key=lambda n: n.name
    )


def test_E2_claimant_chooses_only_from_the_proposal(people, escalated, three):
    mediation_propose(mediation=escalated, notaries=three, by=people["office"])
    outsider = notary("Mr. E. Elders")
    with pytest.raises(ValidationError, match="kiest uit de drie"):
        mediation_choose(mediation=escalated, notary=outsider, by=people["office"])
    mediation = mediation_choose(
        mediation=escalated, notary=three[1], by=people["office"]
    )
    assert mediation.notary == three[1]


# -- E4 ---------------------------------------------------------------------


def test_E4_access_needs_the_consent_of_both_parties(people, escalated, three):
    mediation_propose(mediation=escalated, notaries=three, by=people["office"])
    mediation_choose(mediation=escalated, notary=three[0], by=people["office"])
    before = snapshot()
    with pytest.raises(ValidationError, match="beide partijen"):
        mediation_consent(
            mediation=escalated,
            by=people["office"],
            claimant_consent_at=local(2026, 11, 10, 9, 0),
            organisation_consent_at=None,
        )
    assert snapshot() == before
    assert not dossiers_visible_to(three[0].user).exists()
    assert not mediations_visible_to(three[0].user).exists()


def test_E4_grant_starts_at_double_consent_and_ends_at_closing(
    people,
    klant,
    escalated,
    three,
):
    notary_user = three[0].user
    mediation_propose(mediation=escalated, notaries=three, by=people["office"])
    mediation_choose(mediation=escalated, notary=three[0], by=people["office"])
    assert not dossiers_visible_to(notary_user).exists()  # chosen, no consent yet
    mediation = mediation_consent(
        mediation=escalated,
        by=people["office"],
        claimant_consent_at=local(2026, 11, 10, 9, 0),
        organisation_consent_at=local(2026, 11, 11, 9, 0),
    )
    assert list(dossiers_visible_to(notary_user)) == [klant]
    assert list(mediations_visible_to(notary_user)) == [mediation]
    assert complaints_visible_to(notary_user).count() == 1
    assert mediation.access_until > timezone.now() + datetime.timedelta(days=100)
    # the other proposed notaries see nothing
    assert not dossiers_visible_to(three[1].user).exists()
    mediation_record_session(
        mediation=mediation,
        by=people["office"],
        session_at=local(2026, 11, 20, 14, 0),
        expected_duration="twee weken",
    )
    mediation_evaluate(
        mediation=mediation,
        by=people["office"],
        outcome="Partijen eens over herbeoordeling van het rapport.",
        evaluation="Rapporttermijn moet korter.",
        actions="P-05 aanpassen.",
    )
    assert dossiers_visible_to(notary_user).exists()
    mediation = mediation_close(mediation=mediation, by=people["office"])
    assert mediation.state == Mediation.State.CLOSED
    assert not dossiers_visible_to(notary_user).exists()
    assert not mediations_visible_to(notary_user).exists()
    assert not complaints_visible_to(notary_user).exists()
    assert not evidence_visible_to(notary_user).exists()


def test_E4_access_also_ends_when_the_grant_expires(people, klant, escalated, three):
    mediation = consented(people, escalated, three)
    Mediation.objects.filter(pk=mediation.pk).update(
        access_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert not mediations_visible_to(three[0].user).exists()


def test_E4_notary_without_an_account_is_refused_with_what_to_do(
    people,
    escalated,
    three,
):
    Notary.objects.filter(pk=three[0].pk).update(user=None)
    mediation_propose(mediation=escalated, notaries=three, by=people["office"])
    mediation_choose(mediation=escalated, notary=three[0], by=people["office"])
    with pytest.raises(ValidationError, match="portaalaccount"):
        mediation_consent(
            mediation=escalated,
            by=people["office"],
            claimant_consent_at=local(2026, 11, 10, 9, 0),
            organisation_consent_at=local(2026, 11, 11, 9, 0),
        )
    assert Mediation.objects.get().state == Mediation.State.CHOSEN


def test_E4_withdrawal_after_consent_also_ends_access(people, escalated, three):
    consented(people, escalated, three)
    mediation_withdraw(mediation=escalated, by=people["office"], note="Eiser stopt.")
    assert not dossiers_visible_to(three[0].user).exists()


# -- E5 ---------------------------------------------------------------------


def test_E5_evaluation_needs_outcome_and_evaluation(people, escalated, three):
    mediation = consented(people, escalated, three)
    mediation_record_session(
        mediation=mediation, by=people["office"], session_at=local(2026, 11, 20, 9, 0)
    )
    with pytest.raises(ValidationError, match="evaluatie"):
        mediation_evaluate(
            mediation=mediation, by=people["office"], outcome="x", evaluation=""
        )
    assert Mediation.objects.get().state == Mediation.State.SESSION_HELD


# -- E6 ---------------------------------------------------------------------


def test_E6_steps_without_informing_the_claimant_show_as_warning(
    people,
    escalated,
    three,
):
    # open (not informed) -> propose (letter: informed) -> choose (not informed)
    mediation_propose(mediation=escalated, notaries=three, by=people["office"])
    mediation_choose(mediation=escalated, notary=three[0], by=people["office"])
    listed = with_uninformed_steps(Mediation.objects.all()).get()
    assert listed.uninformed_steps == 2
    mediation_inform_claimant(
        mediation=escalated, by=people["office"], how="Gebeld door de officemanager."
    )
    listed = with_uninformed_steps(Mediation.objects.all()).get()
    assert listed.uninformed_steps == 0
    event = escalated.events.get(action="inform_claimant")
    assert event.data["steps"] == ["Mediation geregistreerd", "Keuze eiser vastgelegd"]


def test_E6_step_taken_with_the_claimant_informed_is_no_warning(
    people,
    escalated,
    three,
):
    mediation_inform_claimant(mediation=escalated, by=people["office"], how="Brief.")
    mediation_propose(mediation=escalated, notaries=three, by=people["office"])
    mediation_choose(
        mediation=escalated,
        notary=three[0],
        by=people["office"],
        claimant_informed=True,
    )
    assert with_uninformed_steps(Mediation.objects.all()).get().uninformed_steps == 0


def test_E6_informing_needs_how_or_a_letter(
    people,
    escalated,
    django_capture_on_commit_callbacks,
):
    with pytest.raises(ValidationError, match="eiser"):
        mediation_inform_claimant(mediation=escalated, by=people["office"], how="")
    with django_capture_on_commit_callbacks(execute=True):
        mediation_inform_claimant(
            mediation=escalated, by=people["office"], how="", send_letter=True
        )
    assert mail.outbox[-1].to == ["eiser@example.invalid"]
    assert EvidenceFile.objects.filter(mediation=escalated).count() == 1
