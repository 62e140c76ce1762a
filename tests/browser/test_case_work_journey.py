"""The case work of issue 16 in a real browser, as its acceptance describes: the
quality officer previews and edits an acknowledgement before sending (C3); the
office manager enters the real e-mail time of a decision (A2); an appeal received
that morning is admissible; the decider sees the admissibility checks and the
contested decision on the page and decides (A8); a complaint is closed after
confirmation (C8) and reopened with a reason, and the logbook shows both."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _step(page, label):
    step = page.locator("details.step", has=page.locator("summary", has_text=label))
    if not step.evaluate("el => el.open"):
        step.locator("summary").click()
    return step


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_letter_preview_then_send_and_close_then_reopen(page, demo_live):
    from cases.models import Complaint, EvidenceFile
    from cases.services import (
        complaint_record_satisfaction,
        complaint_send_outcome,
        complaint_update_handling,
    )

    base = demo_live.url
    complaint = Complaint.objects.get(client__name="Stichting Kinderopvang Het Anker")
    complaint_url = f"{base}/admin/klantdossier/klachten/{complaint.pk}/"

    # The quality officer opens the acknowledgement: a preview, nothing sent.
    login(page, base, "kwaliteit")
    sent_before = len(mail.outbox)
    page.goto(complaint_url)
    page.locator("#stap-acknowledge").get_by_role(
        "link", name="Ontvangstbevestiging sturen"
    ).or_(
        page.locator("#stap-acknowledge").get_by_role(
            "button", name="Ontvangstbevestiging sturen"
        )
    ).first.click()
    page.wait_for_load_state("domcontentloaded")
    assert "/brief/acknowledge/" in page.url
    expect(page.locator("#ontvanger")).to_contain_text("Het Anker")
    assert len(mail.outbox) == sent_before
    assert not EvidenceFile.objects.filter(complaint=complaint).exists()

    # She adds a paragraph, updates the preview, reloads: the draft is kept.
    note = "Wij bellen u deze week om de bevindingen over locatie Zuid te bespreken."
    page.locator("textarea[name=aanvulling]").fill(note)
    page.get_by_role("button", name="Voorbeeld bijwerken").click()
    page.wait_for_load_state("domcontentloaded")
    page.reload()
    expect(page.locator("textarea[name=aanvulling]")).to_have_value(note)
    assert len(mail.outbox) == sent_before

    # Versturen: one e-mail with the letter, filed in the dossier.
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.rstrip("/").endswith(f"/klachten/{complaint.pk}")
    assert len(mail.outbox) == sent_before + 1
    assert note in mail.outbox[-1].body or mail.outbox[-1].attachments
    assert EvidenceFile.objects.filter(complaint=complaint).count() == 1
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is not None

    # The handling is done and the client satisfied (services: not this journey).
    quality = complaint.events.get(action="acknowledge").actor
    complaint_update_handling(
        complaint=complaint,
        by=quality,
        cause_analysis="Het rapport is te laat verstuurd.",
        solution="Rapport gecorrigeerd en excuses aangeboden.",
        lessons_learned="Rapportagetermijn bewaken.",
    )
    complaint_record_satisfaction(
        complaint=complaint, by=quality, note="Telefonisch: tevreden."
    )
    complaint_send_outcome(complaint=Complaint.objects.get(pk=complaint.pk), by=quality)

    # Closing asks for confirmation of what cannot be undone.
    page.goto(complaint_url)
    step = _step(page, "Klacht afsluiten")
    confirm = step.locator("input[name=confirmed]")
    expect(confirm).to_be_visible()
    confirm.check()
    step.get_by_role("button", name="Klacht afsluiten").click()
    page.wait_for_load_state("domcontentloaded")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.CLOSED

    # ... and is reopened with a reason; the logbook shows both.
    step = _step(page, "Klacht heropenen")
    step.locator("textarea[name=reason]").fill(
        "De klant meldt dat de correctie van het rapport nog niet is ontvangen."
    )
    step.get_by_role("button", name="Klacht heropenen").click()
    page.wait_for_load_state("domcontentloaded")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.IN_PROGRESS
    logbook = page.locator("body")
    expect(logbook).to_contain_text("correctie van het rapport nog niet is ontvangen")
    actions = list(complaint.events.values_list("action", flat=True))
    assert actions.index("close") < actions.index("reopen")


def test_real_email_time_then_admissible_appeal_decided_with_the_facts(page, demo_live):
    from django.contrib.auth import get_user_model

    from cases.models import Appeal, Audit, CertificationDecision
    from cases.services import decision_record
    from portal.roles import CERTIFICATION_DECIDER, role_group

    base = demo_live.url
    User = get_user_model()
    audit = Audit.objects.get(client__name="Zorggroep De Linde")
    now = timezone.localtime()
    decision = decision_record(
        audit=audit,
        decider=User.objects.get(username="beslisser"),
        outcome="suspended",
        motivation="Twee tekortkomingen op locatie Noord zijn niet opgelost.",
        decided_at=now - datetime.timedelta(days=1),
        by=User.objects.get(username="office"),
    )
    other = User.objects.create_user(
        "beslisser2",
        "b2@ciio.invalid",
        DEMO_PASSWORD,
        first_name="Ruud",
        last_name="Peters",
    )
    other.groups.add(role_group(CERTIFICATION_DECIDER))

    # The office manager enters when the decision e-mail really went out.
    login(page, base, "office")
    page.goto(f"{base}/admin/klantdossier/{audit.client_id}/")
    emailed = (now - datetime.timedelta(hours=3)).replace(second=0, microsecond=0)
    form = page.locator(f"#verzonden-{decision.pk}")
    form.locator("input[name=emailed_at]").fill(_local(emailed))
    form.get_by_role("button", name="Markeer als verzonden").click()
    page.wait_for_load_state("domcontentloaded")
    decision.refresh_from_db()
    assert decision.emailed_at == emailed

    # An appeal received this morning, after that e-mail, is admissible.
    page.goto(f"{base}/admin/klantdossier/beroepen/registreren/")
    page.select_option("select[name=decision]", value=str(decision.pk))
    page.select_option("select[name=appellant]", label="Zorggroep De Linde")
    page.select_option("select[name=channel]", value="email")
    page.fill("input[name=received_at]", _local(emailed + datetime.timedelta(hours=1)))
    page.fill(
        "textarea[name=motivation]",
        "De tekortkoming op locatie Noord was al opgelost; zie ons verbeterplan.",
    )
    page.get_by_role("button", name="Registreren", exact=True).click()
    page.wait_for_load_state("domcontentloaded")
    appeal = Appeal.objects.get(decision=decision)
    assert appeal.inadmissible_reason == ""
    checks = page.locator("#ontvankelijkheid + table")
    expect(checks).not_to_contain_text("niet voldaan")

    # The acknowledgement is previewed and sent (A6).
    page.locator("#stap-acknowledge").get_by_role(
        "link", name="Ontvangst bevestigen"
    ).or_(
        page.locator("#stap-acknowledge").get_by_role(
            "button", name="Ontvangst bevestigen"
        )
    ).first.click()
    page.wait_for_load_state("domcontentloaded")
    assert "/brief/acknowledge/" in page.url
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_load_state("domcontentloaded")

    # The office manager assigns another decider (not the original one).
    step = page.locator("#stap-assign_decider")
    decider = step.locator("select[name=decider]")
    original = str(decision.decider)
    assert decider.locator("option", has_text=original).count() == 0
    value = decider.locator("option", has_text="Ruud Peters").get_attribute("value")
    decider.select_option(value=value)
    step.get_by_role("button", name="Certificatiebeslisser aanwijzen").click()
    page.wait_for_load_state("domcontentloaded")
    appeal.refresh_from_db()
    assert appeal.decider == other

    # The decider sees the checks and the contested decision, and decides.
    login(page, base, "beslisser2")
    page.goto(f"{base}/admin/klantdossier/beroepen/{appeal.pk}/")
    expect(page.locator("#ontvankelijkheid + table")).to_contain_text("voldaan")
    expect(page.locator("body")).to_contain_text(
        "Twee tekortkomingen op locatie Noord zijn niet opgelost."
    )
    expect(page.locator("body")).to_contain_text("onderzoeksrapport-de-linde-2026.txt")
    outcome = page.locator("input[name=outcome]")
    assert outcome.count() == 2
    assert not any(outcome.nth(i).is_checked() for i in range(2))
    page.check("input[name=outcome][value=upheld]")
    page.fill("textarea[name=outcome_motivation]", "Het verbeterplan is onvolledig.")
    page.check("input[name=non_discrimination_confirmed]")
    page.get_by_role("button", name="Uitkomst vastleggen").click()
    page.wait_for_load_state("domcontentloaded")
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.UPHELD
    assert CertificationDecision.objects.filter(pk=decision.pk).exists()
