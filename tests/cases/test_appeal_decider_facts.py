"""Issue 16, item 5: the decider does not decide blind. The appeal page lists each
admissibility check with its result and facts (A2–A5, A12), the contested decision
with its audit, team and documents (A8), other appeals against the same decision,
no default outcome, and the office manager's certificate task after a changed
decision (A9)."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape

from cases.models import Appeal, Audit, CertificationDecision
from cases.panels import work_items
from cases.selectors_appeals import (
    MET,
    NOT_MET,
    UNKNOWN,
    appeal_admissibility_checks,
    appeals_awaiting_certificate,
    contested_decision_for,
)
from cases.services import (
    appeal_acknowledge,
    appeal_assign_decider,
    appeal_decide,
    appeal_send_outcome,
    certificate_issue,
    decision_record,
    evidence_upload,
)
from cases.services.appeals import appeal_confirm_certificate
from portal.formatting import format_date, format_moment
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    MANAGEMENT,
    QUALITY_OFFICER,
)
from tests.cases.conftest import local
from tests.cases.test_appeals import lodge
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

R = Appeal.Inadmissible
RULE_ID = re.compile(r"\b[SCEA]\d{1,2}\b")


def results(appeal) -> dict[str, str]:
    return {c.reason: c.result for c in appeal_admissibility_checks(appeal)}


def check(appeal, reason):
    return next(c for c in appeal_admissibility_checks(appeal) if c.reason == reason)


def page(client, user, appeal):
    client.force_login(user)
    return client.get(reverse("cases_admin:appeal", args=[appeal.pk]))


def visible_text(html: str) -> str:
    """What a reader sees: no tags, no attributes, no scripts or styles."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def assigned(setup, office):
    appeal = appeal_acknowledge(appeal=lodge(setup, office), by=office)
    return appeal_assign_decider(appeal=appeal, decider=setup["other"], by=office)


def _upload(setup, by, name, **kw):
    return evidence_upload(
        client=setup["client"],
        uploaded_file=ContentFile(b"Bevindingen van het onderzoek.\n", name=name),
        by=by,
        **kw,
    )


# -- the checks, one by one (A2–A5, A12) ------------------------------------------


def test_an_admissible_appeal_meets_every_check_and_shows_the_term(setup, office):
    appeal = lodge(setup, office)
    assert set(results(appeal).values()) == {MET}
    assert set(results(appeal)) == {
        R.FINAL,
        R.NOT_SENT,
        R.ORAL,
        R.NOT_HOLDER,
        R.LATE,
        R.NO_MOTIVATION,
    }
    term = {f.label: f for f in check(appeal, R.LATE).facts}
    assert term["Beslissing per e-mail verzonden op"].at == local(2026, 1, 31, 10, 0)
    assert term["Ontvangen op"].at == local(2026, 2, 10, 12, 0)
    last_day = term["Uiterste dag (tot en met)"]
    assert last_day.date_only
    assert last_day.at.date() == datetime.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("received", "result"),
    [
        (local(2026, 2, 28, 0, 0), MET),  # the last day, first minute
        (local(2026, 2, 28, 23, 59), MET),  # the last day, last minute
        (local(2026, 3, 1, 0, 0), NOT_MET),  # the day after
    ],
)
def test_the_term_check_counts_the_whole_last_day_A2(setup, office, received, result):
    appeal = lodge(setup, office, received_at=received)
    checks = results(appeal)
    assert checks.pop(R.LATE) == result
    assert set(checks.values()) == {MET}  # nothing else is held against it
    assert (appeal.inadmissible_reason == R.LATE) == (result == NOT_MET)


@pytest.mark.parametrize("channel", ["phone", "in_person"])
def test_an_oral_appeal_fails_only_the_written_check_A3(setup, office, channel):
    appeal = lodge(setup, office, channel=channel)
    checks = results(appeal)
    assert checks.pop(R.ORAL) == NOT_MET
    assert set(checks.values()) == {MET}
    facts = check(appeal, R.ORAL).facts
    assert facts[0].text == appeal.get_channel_display()


def test_an_appeal_by_another_client_fails_the_holder_check_and_names_both_A4(
    setup, office
):
    other = ClientFactory(name="Andere Organisatie")
    appeal = lodge(setup, office, appellant=other)
    checks = results(appeal)
    assert checks.pop(R.NOT_HOLDER) == NOT_MET
    assert set(checks.values()) == {MET}
    facts = {f.label: f.text for f in check(appeal, R.NOT_HOLDER).facts}
    assert facts == {
        "Beslissing over": "Zorggroep Beroep",
        "Ingediend door": "Andere Organisatie",
    }


def test_an_unmotivated_appeal_fails_the_motivation_check_A5(setup, office):
    appeal = lodge(setup, office, motivation="   ")
    checks = results(appeal)
    assert checks.pop(R.NO_MOTIVATION) == NOT_MET
    assert set(checks.values()) == {MET}


def test_an_appeal_against_a_final_decision_fails_the_final_check_A12(
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
    against_outcome = lodge(
        setup,
        office,
        decision=assigned.new_decision,
        received_at=local(2026, 2, 20, 9, 0),
    )
    assert results(against_outcome)[R.FINAL] == NOT_MET
    again = lodge(setup, office, received_at=local(2026, 2, 21, 9, 0))
    assert results(again)[R.FINAL] == NOT_MET
    # The decided appeal itself stays admissible: its own outcome is not held
    # against it afterwards.
    assert set(results(assigned).values()) == {MET}


def test_a_decision_without_an_email_date_leaves_the_term_unjudged_A2(setup, office):
    audit = setup["decision"].audit
    unsent = decision_record(
        audit=audit,
        decider=setup["original"],
        outcome="refused",
        motivation="Onvoldoende.",
        decided_at=local(2026, 2, 1, 9, 0),
        by=office,
    )
    appeal = lodge(setup, office, decision=unsent)
    checks = results(appeal)
    assert checks[R.LATE] == UNKNOWN
    assert checks[R.NOT_SENT] == NOT_MET
    term = check(appeal, R.LATE)
    assert term.result_label == "nog niet beoordeeld"
    assert not any(f.label.startswith("Uiterste dag") for f in term.facts)


def test_the_page_lists_each_check_with_its_result_and_no_rule_ids(
    client, setup, office
):
    appeal = lodge(setup, office, channel="phone", received_at=local(2026, 3, 1, 0, 0))
    response = page(client, office, appeal)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    for c in appeal_admissibility_checks(appeal):
        assert c.label in text
    assert text.count("niet voldaan") >= 2  # in writing, in time
    # One date style: the year only when it is not this year (issue 17).
    assert format_date(datetime.date(2026, 2, 28)) in text  # the term's last day
    assert format_moment(local(2026, 1, 31, 10, 0)) in text  # the decision e-mail
    assert format_moment(local(2026, 3, 1, 0, 0)) in text  # the receipt
    # The logbook repeats the note stored at registration, whose wording is not
    # this page's (the reason labels of `Appeal.Inadmissible`).
    above_logbook = text.split("Logboek")[0]
    assert "Binnen de beroepstermijn ingediend" in above_logbook
    assert not RULE_ID.findall(above_logbook), RULE_ID.findall(above_logbook)


# -- the contested decision (A8) ---------------------------------------------------


@pytest.fixture
def documents(setup, office):
    audit = setup["decision"].audit
    report = _upload(setup, office, "rapport-onderzoek.txt", audit=audit)
    basis = _upload(
        setup, office, "onderbouwing-beslissing.txt", decision=setup["decision"]
    )
    other_audit = Audit.objects.create(
        client=setup["client"],
        kind=Audit.Kind.INTERIM,
        start_date=datetime.date(2025, 6, 1),
        team_leader=setup["leader"],
    )
    unrelated = _upload(setup, office, "ander-onderzoek.txt", audit=other_audit)
    return report, basis, unrelated


@pytest.mark.parametrize("who", ["decider", QUALITY_OFFICER, "office", MANAGEMENT])
def test_decider_and_register_roles_see_the_contested_decision_and_its_documents(
    client, setup, office, assigned, documents, who
):
    user = {
        "decider": setup["other"],
        "office": office,
    }.get(who) or UserFactory(roles=[who])
    report, basis, unrelated = documents
    body = page(client, user, assigned).content.decode()
    assert "Voldoet." in body  # the decision's motivation
    assert escape(str(setup["original"])) in body  # who decided
    assert escape(str(setup["leader"])) in body  # the audit's team
    assert escape(str(setup["assessor"])) in body
    assert format_moment(local(2026, 1, 30, 9, 0)) in body  # decided
    for f in (report, basis):
        assert reverse("cases:evidence_download", args=[f.uuid]) in body
    assert reverse("cases:evidence_download", args=[unrelated.uuid]) not in body


def test_someone_outside_the_decision_gets_no_contested_decision(
    setup, office, assigned, documents
):
    for outsider in (
        UserFactory(roles=[CERTIFICATION_DECIDER]),
        UserFactory(roles=[ASSESSOR]),
    ):
        assert contested_decision_for(outsider, assigned) is None
    # A replaced decider loses the appeal and its decision together.
    former = setup["other"]
    appeal_assign_decider(
        appeal=assigned, decider=UserFactory(roles=[CERTIFICATION_DECIDER]), by=office
    )
    assert contested_decision_for(former, assigned) is None


def test_the_page_hides_the_decision_when_the_user_may_not_see_it(
    client, setup, office, assigned, documents, monkeypatch
):
    """The page shows nothing of the decision that the selector does not hand it
    (no such user exists today: who sees the appeal sees its dossier)."""
    from cases.views import appeals as view

    monkeypatch.setattr(view, "contested_decision_for", lambda user, appeal: None)
    body = page(client, office, assigned).content.decode()
    assert "Voldoet." not in body
    for f in documents:
        assert str(f.uuid) not in body
    assert "buiten wat u mag inzien" in body


# -- no default outcome -------------------------------------------------------------


def test_the_outcome_is_a_choice_with_none_chosen(client, setup, assigned):
    body = page(client, setup["other"], assigned).content.decode()
    radios = re.findall(r'<input[^>]*name="outcome"[^>]*>', body)
    assert len(radios) == 2
    assert not any("checked" in r for r in radios)


def test_deciding_without_an_outcome_is_refused_and_keeps_the_input(
    client, setup, assigned
):
    client.force_login(setup["other"])
    response = client.post(
        reverse("cases_admin:appeal", args=[assigned.pk]),
        {
            "action": "decide",
            "outcome_motivation": "Mijn afweging van de bezwaren.",
            "non_discrimination_confirmed": "on",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kies de uitkomst" in body
    assert "Mijn afweging van de bezwaren." in body
    assigned.refresh_from_db()
    assert (assigned.state, assigned.outcome, assigned.decided_at) == (
        "assigned",
        "",
        None,
    )
    assert not assigned.events.filter(action="decide").exists()
    assert CertificationDecision.objects.count() == 1


# -- two appeals against one decision (issue 16, item 8) ---------------------------


def test_a_second_appeal_against_the_same_decision_warns_and_both_link(
    client, setup, office
):
    first = lodge(setup, office)
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:appeal_lodge"),
        {
            "decision": setup["decision"].pk,
            "appellant": setup["client"].pk,
            "channel": "letter",
            "received_at": "2026-02-12T09:30",
            "motivation": "Ook onterecht.",
        },
    )
    second = Appeal.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302
    warnings = [
        str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"
    ]
    assert len(warnings) == 1
    assert first.number in warnings[0]
    assert not RULE_ID.findall(warnings[0])
    for this, other in ((first, second), (second, first)):
        body = page(client, office, this).content.decode()
        assert f'href="{reverse("cases_admin:appeal", args=[other.pk])}"' in body


def test_a_first_appeal_gives_no_warning(client, setup, office):
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:appeal_lodge"),
        {
            "decision": setup["decision"].pk,
            "appellant": setup["client"].pk,
            "channel": "letter",
            "received_at": "2026-02-12T09:30",
            "motivation": "Onterecht.",
        },
    )
    assert response.status_code == 302
    assert not [
        m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"
    ]


def test_the_other_appeal_is_named_but_not_linked_for_who_may_not_open_it(
    client, setup, office, assigned
):
    second = lodge(setup, office, received_at=local(2026, 2, 12, 9, 0))
    body = page(client, setup["other"], assigned).content.decode()
    assert second.number in body
    assert reverse("cases_admin:appeal", args=[second.pk]) not in body


# -- A9: the office manager's certificate task --------------------------------------


def _changed_and_sent(setup, office, appeal, new_outcome="granted"):
    appeal_decide(
        appeal=appeal,
        outcome="changed",
        motivation="De verbeterplannen waren tijdig ingeleverd.",
        new_outcome=new_outcome,
        by=setup["other"],
        non_discrimination_confirmed=True,
    )
    return appeal_send_outcome(appeal=appeal, by=office)


def _certificate_items(user):
    return [i for i in work_items(user) if i.url.endswith("#certificaat")]


def test_a_changed_decision_leaving_a_holder_without_certificate_is_a_task_A9(
    client, setup, office, assigned
):
    appeal = _changed_and_sent(setup, office, assigned)
    assert list(appeals_awaiting_certificate()) == [appeal]
    [item] = _certificate_items(office)
    assert item.number == appeal.number
    assert not RULE_ID.findall(str(item.what))

    # Not yet possible while no certificate is in force.
    body = page(client, office, appeal).content.decode()
    assert 'id="certificaat"' in body
    assert reverse("wagtailsnippets_cases_certificate:add") in body
    assert 'id="nog-niet-confirm_certificate"' in body
    assert 'id="stap-confirm_certificate"' not in body
    with pytest.raises(ValidationError):
        appeal_confirm_certificate(appeal=appeal, by=office)
    assert not appeal.events.filter(action="confirm_certificate").exists()

    # A certificate in force: the step is offered.
    certificate_issue(
        client=setup["client"],
        number="CERT-9",
        scope="Zorg",
        valid_from=datetime.date(2026, 2, 1),
        valid_until=datetime.date(2029, 2, 1),
        decision=appeal.new_decision,
        by=office,
    )
    body = page(client, office, appeal).content.decode()
    assert 'id="stap-confirm_certificate"' in body
    assert 'id="nog-niet-confirm_certificate"' not in body
    response = client.post(
        reverse("cases_admin:appeal", args=[appeal.pk]),
        {"action": "confirm_certificate"},
    )
    assert response.status_code == 302
    assert appeal.events.filter(action="confirm_certificate").count() == 1

    # Done: no task, no step, no section.
    assert _certificate_items(office) == []
    body = page(client, office, appeal).content.decode()
    assert 'id="certificaat"' not in body
    assert "confirm_certificate" not in body
    with pytest.raises(ValidationError):
        appeal_confirm_certificate(appeal=appeal, by=office)


def test_only_the_register_keepers_record_the_certificate_A9(
    client, setup, office, assigned
):
    appeal = _changed_and_sent(setup, office, assigned)
    certificate_issue(
        client=setup["client"],
        number="CERT-9",
        scope="Zorg",
        valid_from=datetime.date(2026, 2, 1),
        valid_until=datetime.date(2029, 2, 1),
        by=office,
    )
    management = UserFactory(roles=[MANAGEMENT])
    for user in (management, setup["other"]):
        with pytest.raises(PermissionDenied):
            appeal_confirm_certificate(appeal=appeal, by=user)
        assert _certificate_items(user) == []
        body = page(client, user, appeal).content.decode()
        assert "confirm_certificate" not in body
        response = client.post(
            reverse("cases_admin:appeal", args=[appeal.pk]),
            {"action": "confirm_certificate"},
        )
        assert response.status_code == 302
    assert not appeal.events.filter(action="confirm_certificate").exists()
    assert list(appeals_awaiting_certificate()) == [appeal]
    # The quality officer keeps the register too.
    appeal_confirm_certificate(appeal=appeal, by=UserFactory(roles=[QUALITY_OFFICER]))
    assert not appeals_awaiting_certificate().exists()


def test_a_changed_decision_with_the_certificate_in_force_is_no_task_A9(
    setup, office, assigned
):
    certificate_issue(
        client=setup["client"],
        number="CERT-1",
        scope="Zorg",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2029, 1, 1),
        decision=setup["decision"],
        by=office,
    )
    _changed_and_sent(setup, office, assigned)
    assert not appeals_awaiting_certificate().exists()
    assert _certificate_items(office) == []


def test_a_suspension_on_appeal_is_no_certificate_task_A9(setup, office, assigned):
    certificate_issue(
        client=setup["client"],
        number="CERT-1",
        scope="Zorg",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2029, 1, 1),
        decision=setup["decision"],
        by=office,
    )
    _changed_and_sent(setup, office, assigned, new_outcome="suspended")
    assert not appeals_awaiting_certificate().exists()


# -- the page's cost ----------------------------------------------------------------


def test_the_case_page_has_a_bounded_number_of_queries(
    client, setup, office, assigned, documents, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lodge(setup, office, received_at=local(2026, 2, 11, 9, 0))
    client.force_login(office)
    url = reverse("cases_admin:appeal", args=[assigned.pk])
    client.get(url)  # warm the content-type and site caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in (12, 13, 14):
        lodge(setup, office, received_at=local(2026, 2, day, 9, 0))
        _upload(setup, office, f"bijlage-{day}.txt", audit=setup["decision"].audit)
    with django_assert_max_num_queries(36):
        response = client.get(url)
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)  # not one more per appeal or document
