import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from cases.deadlines import appeal_term_end
from cases.models import Appeal, CertificationDecision
from cases.numbering import next_case_number
from cases.selectors import appeals_visible_to, dossiers_visible_to
from cases.services import (
    appeal_acknowledge,
    appeal_assign_decider,
    appeal_decide,
    appeal_lodge,
    appeal_send_inadmissibility,
    appeal_send_outcome,
)
from portal.roles import ASSESSOR, CERTIFICATION_DECIDER
from tests.cases.conftest import local
from tests.factories import ClientFactory, UserFactory


def lodge(setup, office, **kw):
    params = {
        "decision": setup["decision"],
        "appellant": setup["client"],
        "channel": "email",
        "received_at": local(2026, 2, 10, 12, 0),
        "motivation": "Het rapport mist de verbeterplannen die wij hebben ingeleverd.",
        "by": office,
    }
    params.update(kw)
    return appeal_lodge(**params)


# -- A2: the term, computed in Europe/Amsterdam --------------------------------


def test_term_from_31_january_ends_at_the_end_of_28_february_A2():
    assert appeal_term_end(local(2026, 1, 31, 10, 0)) == local(
        2026, 2, 28, 23, 59, 59, 999999
    )


def test_term_in_a_leap_year_ends_on_29_february_A2():
    assert appeal_term_end(local(2028, 1, 31, 10, 0)).date() == datetime.date(
        2028, 2, 29
    )


def test_term_across_the_daylight_saving_change_keeps_the_local_day_A2():
    end = appeal_term_end(local(2026, 3, 15, 9, 0))  # CET -> CEST on 29 March
    assert end == local(2026, 4, 15, 23, 59, 59, 999999)
    assert end.utcoffset() == datetime.timedelta(hours=2)


def test_term_counts_the_local_day_of_an_email_sent_just_after_midnight_A2():
    # 00:30 on 1 March in Amsterdam is still 28 February in UTC.
    sent = local(2026, 3, 1, 0, 30)
    assert sent.astimezone(datetime.UTC).day == 28
    assert appeal_term_end(sent).date() == datetime.date(2026, 4, 1)


def test_appeal_in_the_last_minute_of_the_last_day_is_in_time_A2(setup, office):
    appeal = lodge(setup, office, received_at=local(2026, 2, 28, 23, 59))
    assert appeal.state == Appeal.State.RECEIVED
    assert appeal.inadmissible_reason == ""


def test_appeal_on_the_next_day_is_inadmissible_late_A2(setup, office):
    appeal = lodge(setup, office, received_at=local(2026, 3, 1, 0, 0))
    assert appeal.state == Appeal.State.INADMISSIBLE
    assert appeal.inadmissible_reason == "late"
    assert appeal.number.startswith("B-2026-")  # registered, never dropped


def test_appeal_before_the_decision_email_is_inadmissible_A2(setup, office):
    decision = setup["decision"]
    CertificationDecision.objects.filter(pk=decision.pk).update(emailed_at=None)
    decision.refresh_from_db()
    appeal = lodge(setup, office, decision=decision)
    assert appeal.inadmissible_reason == "not_sent"


# -- A3, A4, A5 -------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["phone", "in_person"])
def test_oral_appeal_is_inadmissible_A3(setup, office, channel):
    appeal = lodge(setup, office, channel=channel)
    assert (appeal.state, appeal.inadmissible_reason) == ("inadmissible", "oral")


@pytest.mark.parametrize("channel", ["letter", "email", "web_form"])
def test_written_appeal_is_admissible_A3(setup, office, channel):
    assert lodge(setup, office, channel=channel).inadmissible_reason == ""


def test_appeal_by_another_organisation_is_inadmissible_A4(setup, office):
    appeal = lodge(setup, office, appellant=ClientFactory(name="Buurman B.V."))
    assert appeal.inadmissible_reason == "not_holder"


def test_appeal_without_motivation_is_inadmissible_A5(setup, office):
    assert lodge(setup, office, motivation="   ").inadmissible_reason == "no_motivation"


def test_inadmissible_appeal_cannot_be_acknowledged_A3(setup, office):
    appeal = lodge(setup, office, received_at=local(2026, 3, 2, 9, 0))
    with pytest.raises(ValidationError, match="niet-ontvankelijk"):
        appeal_acknowledge(appeal=appeal, by=office)
    appeal.refresh_from_db()
    assert appeal.state == "inadmissible"


def test_inadmissibility_letter_names_the_reason_and_the_term_A3(
    setup, office, django_capture_on_commit_callbacks
):
    appeal = lodge(setup, office, received_at=local(2026, 3, 2, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        appeal_send_inadmissibility(appeal=appeal, by=office)
    assert appeal.state == "closed"
    body = mail.outbox[-1].body
    assert appeal.number in body
    assert "te laat" in body
    assert "28 februari 2026" in body


def test_only_register_keepers_register_an_appeal(setup):
    with pytest.raises(PermissionDenied):
        lodge(setup, UserFactory(roles=[CERTIFICATION_DECIDER]))
    assert not Appeal.objects.exists()


def test_receipt_in_the_future_is_refused_and_nothing_is_registered(setup, office):
    with pytest.raises(ValidationError, match="toekomst"):
        lodge(setup, office, received_at=local(2099, 1, 1, 0, 0))
    assert not Appeal.objects.exists()


# -- A6 ---------------------------------------------------------------------------


def test_receipt_is_acknowledged_by_email_A6(
    setup, office, django_capture_on_commit_callbacks
):
    appeal = lodge(setup, office)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_acknowledge(appeal=appeal, by=office)
    assert appeal.state == "acknowledged"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["klant@example.invalid"]
    assert appeal.number in mail.outbox[0].subject
    event = appeal.events.get(action="acknowledge")
    assert event.claimant_informed_at is not None


def test_acknowledgement_without_an_address_is_refused_and_changes_nothing_A6(
    setup, office
):
    setup["client"].contact_email = ""
    setup["client"].save()
    appeal = lodge(setup, office)
    with pytest.raises(ValidationError, match="geen e-mailadres"):
        appeal_acknowledge(appeal=appeal, by=office)
    appeal.refresh_from_db()
    assert appeal.state == "received"
    assert appeal.events.count() == 1


# -- A7 ---------------------------------------------------------------------------


@pytest.fixture
def acknowledged(setup, office):
    appeal = lodge(setup, office)
    return appeal_acknowledge(appeal=appeal, by=office)


@pytest.mark.parametrize("who", ["original", "leader", "assessor"])
def test_excluded_persons_cannot_handle_the_appeal_A7(setup, office, acknowledged, who):
    with pytest.raises(ValidationError) as exc:
        appeal_assign_decider(appeal=acknowledged, decider=setup[who], by=office)
    message = " ".join(exc.value.messages)
    assert "mag het beroep niet behandelen" in message
    assert "(A7)" not in message
    acknowledged.refresh_from_db()
    assert acknowledged.decider is None
    assert acknowledged.state == "acknowledged"
    assert not dossiers_visible_to(setup[who]).exists()


def test_non_decider_cannot_handle_the_appeal_A7(setup, office, acknowledged):
    with pytest.raises(ValidationError, match="geen certificatiebeslisser"):
        appeal_assign_decider(
            appeal=acknowledged, decider=UserFactory(roles=[ASSESSOR]), by=office
        )


def test_assigned_decider_sees_the_appeal_and_the_dossier_and_loses_them_when_replaced(
    setup, office, acknowledged
):
    first, second = setup["other"], UserFactory(roles=[CERTIFICATION_DECIDER])
    appeal_assign_decider(appeal=acknowledged, decider=first, by=office)
    assert list(appeals_visible_to(first)) == [acknowledged]
    assert list(dossiers_visible_to(first)) == [setup["client"]]
    appeal_assign_decider(appeal=acknowledged, decider=second, by=office)
    assert not appeals_visible_to(first).exists()
    assert not dossiers_visible_to(first).exists()
    assert list(dossiers_visible_to(second)) == [setup["client"]]


# -- A8, A9, A10, A12 -------------------------------------------------------------


@pytest.fixture
def assigned(setup, office, acknowledged):
    return appeal_assign_decider(appeal=acknowledged, decider=setup["other"], by=office)


def test_upheld_decision_changes_nothing_A9(setup, assigned):
    appeal_decide(
        appeal=assigned,
        outcome="upheld",
        motivation="De beslissing is juist.",
        by=setup["other"],
        non_discrimination_confirmed=True,
    )
    assert assigned.state == "decided"
    assert CertificationDecision.objects.count() == 1


def test_changed_decision_supersedes_and_both_stay_A9(
    setup, office, assigned, django_capture_on_commit_callbacks
):
    appeal_decide(
        appeal=assigned,
        outcome="changed",
        motivation="De verbeterplannen waren tijdig ingeleverd.",
        new_outcome="granted",
        by=setup["other"],
        non_discrimination_confirmed=True,
    )
    new = assigned.new_decision
    assert new.supersedes == setup["decision"]
    assert new.decider == setup["other"]
    assert set(CertificationDecision.objects.all()) == {setup["decision"], new}

    with django_capture_on_commit_callbacks(execute=True):
        appeal_send_outcome(appeal=assigned, by=office)
    assert assigned.state == "closed"
    to_appellant = [m for m in mail.outbox if m.to == ["klant@example.invalid"]]
    assert "geen hoger beroep" in to_appellant[0].body
    internal = [m for m in mail.outbox if "orig@x.invalid" in m.to]
    assert internal, "the original decider is told the outcome (A8)"


def test_an_outcome_rolled_back_mails_nobody_A8(
    setup, office, assigned, django_capture_on_commit_callbacks
):
    """The internal mail and the letter leave only with the commit: a step that
    fails after them (here: any error later in the same transaction) sends
    nothing and changes nothing."""
    from django.db import transaction

    appeal_decide(
        appeal=assigned,
        outcome="upheld",
        motivation="De beslissing is juist.",
        by=setup["other"],
        non_discrimination_confirmed=True,
    )
    mail.outbox.clear()

    def send_then_fail():
        with transaction.atomic():
            appeal_send_outcome(appeal=assigned, by=office)
            raise RuntimeError("later step failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        send_then_fail()
    assert mail.outbox == []
    assigned.refresh_from_db()
    assert assigned.state == "decided"
    assert assigned.outcome_sent_at is None


def test_only_the_assigned_decider_decides_A8(setup, office, assigned):
    with pytest.raises(PermissionDenied):
        appeal_decide(
            appeal=assigned,
            outcome="upheld",
            motivation="x",
            by=office,
            non_discrimination_confirmed=True,
        )
    assigned.refresh_from_db()
    assert assigned.state == "assigned"


def test_outcome_without_non_discrimination_confirmation_is_refused_A10(
    setup, assigned
):
    with pytest.raises(ValidationError, match="benadeeld"):
        appeal_decide(
            appeal=assigned,
            outcome="upheld",
            motivation="x",
            by=setup["other"],
            non_discrimination_confirmed=False,
        )
    assigned.refresh_from_db()
    assert assigned.state == "assigned"
    assert assigned.outcome == ""


def test_appeal_against_an_appeal_outcome_is_inadmissible_final_A12(
    setup, office, assigned
):
    appeal_decide(
        appeal=assigned,
        outcome="changed",
        motivation="Gegrond.",
        new_outcome="granted",
        by=setup["other"],
        non_discrimination_confirmed=True,
    )
    again = lodge(
        setup,
        office,
        decision=assigned.new_decision,
        received_at=local(2026, 2, 20, 9, 0),
    )
    assert again.inadmissible_reason == "final"
    second = lodge(setup, office, received_at=local(2026, 2, 21, 9, 0))
    assert second.inadmissible_reason == "final"


# -- numbering --------------------------------------------------------------------


def test_numbers_are_consecutive_per_year(setup, office):
    a = lodge(setup, office)
    b = lodge(setup, office, received_at=local(2026, 2, 11, 9, 0))
    assert (a.number, b.number) == ("B-2026-0001", "B-2026-0002")


def test_a_failed_registration_leaves_no_gap(setup, office):
    lodge(setup, office)
    with pytest.raises(ValidationError):
        lodge(setup, office, channel="fax")
    assert lodge(setup, office).number == "B-2026-0002"


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite serialises writers anyway.")

    def register(_):
        from django.db import connections

        try:
            with transaction.atomic():
                return next_case_number("K", year=2026)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        numbers = list(pool.map(register, range(20)))
    assert sorted(numbers) == [f"K-2026-{n:04d}" for n in range(1, 21)]


@pytest.mark.parametrize(
    ("new_outcome", "certificate_status", "client_status"),
    [("suspended", "suspended", "holder"), ("withdrawn", "withdrawn", "former")],
)
def test_changed_decision_updates_client_register_and_certificate_A9(
    setup, office, assigned, new_outcome, certificate_status, client_status
):
    from cases.models import Certificate, Client
    from cases.services import certificate_issue

    certificate = certificate_issue(
        client=setup["client"],
        number="CERT-1",
        scope="Zorg",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2028, 1, 1),
        decision=setup["decision"],
        by=office,
    )
    appeal_decide(
        appeal=assigned,
        outcome="changed",
        motivation="Bij nader inzien onvoldoende.",
        new_outcome=new_outcome,
        by=setup["other"],
        non_discrimination_confirmed=True,
    )
    # Nothing changes in the register before the outcome is sent (final).
    assert Certificate.objects.count() == 1
    appeal_send_outcome(appeal=assigned, by=setup["other"])
    certificate.refresh_from_db()
    assert certificate.status == "active"  # the old version stays as it was
    current = Certificate.objects.get(previous=certificate)
    assert current.status == certificate_status
    assert current.decision == assigned.new_decision
    assert Client.objects.get(pk=setup["client"].pk).status == client_status
    event = assigned.events.get(action="send_outcome")
    assert event.data["register"]["certificate"].endswith(certificate_status)
