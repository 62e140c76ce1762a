"""Journeys through the case register in a real browser (issue 4, item 12)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta

from portal.demo import DEMO_PASSWORD
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _step(page, label):
    """Open a step's panel on a case page and return it."""
    step = page.locator("details.step", has=page.locator("summary", has_text=label))
    if not step.evaluate("el => el.open"):
        step.locator("summary").click()
    return step


def _choose(select, name):
    """Choose the option whose label starts with ``name`` (labels carry the role)."""
    value = select.locator("option", has_text=name).first.get_attribute("value")
    select.select_option(value=value)


def test_signal_to_closed_complaint(page, demo_live, tmp_path):
    from cases.models import Complaint, EvidenceFile

    base = demo_live.url

    # An assessor files a signal on the front-end after an audit day (S1, S5).
    login(page, base, "beoordelaar")
    page.goto(f"{base}/signalen/nieuw/")
    page.select_option("select[name=client]", label="Zorggroep De Linde")
    page.select_option("select[name=channel]", value="in_person")
    page.fill(
        "textarea[name=description]",
        "Bij de evaluatie zei de locatiemanager dat het team de planning van de "
        "onderzoeksdag onprettig vond.",
    )
    page.get_by_role("button", name="Signaal doorgeven").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("is doorgegeven aan de portefeuillehouder Q").is_visible()

    # The quality officer qualifies it from the dashboard (S2, S3).
    login(page, base, "kwaliteit")
    panel = page.locator("#panel-zaken")
    panel.get_by_role("link", name="Zorggroep De Linde").click()
    page.wait_for_load_state("domcontentloaded")
    page.check("input[name=is_complaint][value='1']")
    page.select_option("select[name=ground]", value="b")
    page.fill("textarea[name=reason]", "Mondeling ongenoegen over de planning.")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")

    # ... and lands on the C1 registration, with Kees marked as involved (he was an
    # assessor in the audit).
    assert "/klacht-registreren/" in page.url
    page.get_by_label("Kees Visser").check()
    page.get_by_role("button", name="Klacht registreren").click()
    page.wait_for_load_state("domcontentloaded")
    complaint = Complaint.objects.get(client__name="Zorggroep De Linde")
    assert page.url.endswith(f"/klachten/{complaint.pk}/")

    # The involved core-group member is not offered, and the form says why (C2).
    step = _step(page, "Behandelaar aanwijzen")
    handler = step.locator("select[name=handler]")
    assert handler.locator("option", has_text="Kees Visser").count() == 0
    assert step.get_by_text("Kees Visser").first.is_visible()
    complaint.refresh_from_db()
    assert complaint.handler is None
    _choose(handler, "Fatima El Amrani")
    step.get_by_role("button", name="Behandelaar aanwijzen").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("Behandelaar aangewezen").first.is_visible()

    # The handler finds it on the dashboard, records the cause analysis, uploads
    # evidence and closes with the client satisfied (C4, C8).
    login(page, base, "kerngroep2")
    page.locator("#panel-register").get_by_role("link", name=complaint.number).click()
    page.wait_for_load_state("domcontentloaded")
    step = _step(page, "Behandelgegevens bijwerken")
    step.locator("textarea[name=cause_analysis]").fill(
        "De planning is niet vooraf met de locatie afgestemd."
    )
    step.locator("textarea[name=solution]").fill(
        "Excuses aangeboden; planning voortaan twee weken vooraf afgestemd."
    )
    step.locator("textarea[name=lessons_learned]").fill("Planning vooraf afstemmen.")
    step.get_by_role("button", name="Behandelgegevens bijwerken").click()
    page.wait_for_load_state("domcontentloaded")
    report = tmp_path / "gespreksverslag.txt"
    report.write_text("Gesprek met de locatiemanager: tevreden met de oplossing.")
    page.set_input_files("input[name=files]", str(report))
    page.get_by_role("button", name="Toevoegen").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("link", name="gespreksverslag.txt").is_visible()
    step = _step(page, "Tevredenheid klant vastleggen")
    step.locator("textarea[name=satisfaction_note]").fill(
        "Telefonisch: de locatiemanager is tevreden."
    )
    step.get_by_role("button", name="Tevredenheid klant vastleggen").click()
    page.wait_for_load_state("domcontentloaded")
    step = _step(page, "Klacht afsluiten")
    step.locator("input[name=confirmed]").check()
    step.get_by_role("button", name="Klacht afsluiten").click()
    page.wait_for_load_state("domcontentloaded")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.CLOSED
    assert page.get_by_text("Afgesloten", exact=True).first.is_visible()
    assert EvidenceFile.objects.get(complaint=complaint).original_name == (
        "gespreksverslag.txt"
    )


def test_appeal_late_inadmissible_then_timely_handled_by_another_decider(
    page, demo_live
):
    from django.contrib.auth import get_user_model

    from cases.models import Appeal, CertificationDecision
    from portal.roles import CERTIFICATION_DECIDER, role_group

    base = demo_live.url
    decision = CertificationDecision.objects.get(
        audit__client__name="Zorggroep De Linde"
    )
    emailed = decision.emailed_at.astimezone(datetime.UTC)
    other = get_user_model().objects.create_user(
        "beslisser2",
        "b2@ciio.invalid",
        DEMO_PASSWORD,
        first_name="Ruud",
        last_name="Peters",
    )
    other.groups.add(role_group(CERTIFICATION_DECIDER))

    def lodge(received):
        page.goto(f"{base}/admin/klantdossier/beroepen/registreren/")
        page.select_option("select[name=decision]", index=1)
        page.select_option("select[name=appellant]", label="Zorggroep De Linde")
        page.select_option("select[name=channel]", value="email")
        page.fill("input[name=received_at]", received)
        page.fill(
            "textarea[name=motivation]", "De bevinding over locatie Noord is onjuist."
        )
        page.get_by_role("button", name="Registreren", exact=True).click()
        page.wait_for_load_state("domcontentloaded")

    login(page, base, "office")
    # One month and one day after the decision e-mail: late (A2, A3).
    local = emailed.astimezone(ZoneInfo("Europe/Amsterdam"))
    late = (local + relativedelta(months=1, days=1)).replace(hour=9, minute=0)
    lodge(late.strftime("%Y-%m-%dT%H:%M"))
    assert page.get_by_text("niet-ontvankelijk").first.is_visible()
    assert page.get_by_text("te laat").first.is_visible()
    assert Appeal.objects.get().inadmissible_reason == "late"

    # A timely one is acknowledged (A6).
    timely = (local + datetime.timedelta(days=10)).replace(hour=9, minute=0)
    lodge(timely.strftime("%Y-%m-%dT%H:%M"))
    appeal = Appeal.objects.get(inadmissible_reason="")
    page.locator("#stap-acknowledge").get_by_role(
        "link", name="Ontvangst bevestigen"
    ).or_(
        page.locator("#stap-acknowledge").get_by_role(
            "button", name="Ontvangst bevestigen"
        )
    ).first.click()
    page.wait_for_load_state("domcontentloaded")
    # The letter is previewed first; nothing leaves before "Versturen".
    assert "/brief/acknowledge/" in page.url
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_load_state("domcontentloaded")
    appeal.refresh_from_db()
    assert appeal.acknowledged_at is not None

    # The original decider is not offered, and the form says why (A7).
    decider = page.locator("select[name=decider]")
    assert decider.locator("option", has_text=str(decision.decider)).count() == 0
    assert page.get_by_text("nam de bestreden beslissing").first.is_visible()
    _choose(decider, "Ruud Peters")
    page.get_by_role("button", name="Certificatiebeslisser aanwijzen").click()
    page.wait_for_load_state("domcontentloaded")

    # The other decider changes the decision (A8, A9, A10).
    login(page, base, "beslisser2")
    page.goto(f"{base}/admin/klantdossier/beroepen/{appeal.pk}/")
    page.check("input[name=outcome][value=changed]")
    page.fill("textarea[name=outcome_motivation]", "De bevinding is weerlegd.")
    page.select_option("select[name=new_outcome]", index=2)
    page.check("input[name=non_discrimination_confirmed]")
    page.get_by_role("button", name="Uitkomst vastleggen").click()
    page.wait_for_load_state("domcontentloaded")
    appeal.refresh_from_db()
    assert appeal.outcome == "changed"

    # The dossier shows both decisions.
    page.goto(f"{base}/admin/klantdossier/{decision.audit.client_id}/")
    decisions = page.locator(".timeline__item--decision")
    assert decisions.count() == 2
    assert decisions.filter(has_text="vervangt beslissing van").count() == 1
