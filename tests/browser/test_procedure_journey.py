"""Issue 5, item 10: the quality officer revises a procedure after a complaint,
management approves, an assessor sees the new version on the dashboard, opens the
comparison, acknowledges, and downloads the PDF."""

import pytest
from django.utils import timezone

from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _action_menu(page, button_name):
    """Open Wagtail's page action menu and press one of its buttons."""
    page.locator(
        "footer .dropdown-toggle, [data-w-dropdown-target='toggle']"
    ).last.click()
    page.locator(f"button[name='{button_name}']").first.click()
    page.wait_for_load_state("domcontentloaded")


def test_revision_after_complaint_reaches_the_assessor(page, demo_live):
    from django.contrib.auth import get_user_model

    from cases.models import Complaint
    from cases.services import complaint_update_handling
    from documents.models import ProcedurePage, ReadAcknowledgement

    base = demo_live.url
    complaint = Complaint.objects.get(number__startswith="K-")
    handler = get_user_model().objects.get(username="kerngroep")
    complaint_update_handling(
        complaint=complaint,
        by=handler,
        leads_to_change=True,
        change_note="P-07 moet de registratietermijn noemen.",
    )
    procedure = ProcedurePage.objects.get(code="P-07")
    before = procedure.version_label

    # The quality officer opens a change request from the complaint (C10) ...
    login(page, base, "kwaliteit")
    page.goto(f"{base}/admin/klantdossier/klachten/{complaint.pk}/")
    page.get_by_role("link", name="Wijzigingsverzoek openen").click()
    page.wait_for_load_state("domcontentloaded")
    page.get_by_label("P-07 Klachten en beroep", exact=False).check()
    page.get_by_role("button", name="Wijzigingsverzoek openen").click()
    page.wait_for_load_state("domcontentloaded")

    # ... revises P-07 for it and submits it for approval.
    page.goto(f"{base}/admin/pages/{procedure.pk}/edit/")
    page.fill(
        "textarea[name=summary]",
        "Hoe wij omgaan met klantsignalen en klachten: registratie binnen één "
        "werkdag, bemiddeling en beroep.",
    )
    page.fill("textarea[name=change_summary]", "Registratietermijn toegevoegd.")
    page.select_option("select[name=change_request]", index=1)
    _action_menu(page, "action-submit")
    procedure.refresh_from_db()
    assert procedure.workflow_in_progress
    assert procedure.version_label == before

    # Management approves on the review screen (the editor sends the approver
    # there): why, what changed, and one button; approval publishes.
    login(page, base, "directie")
    page.goto(f"{base}/admin/pages/{procedure.pk}/edit/")
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("Registratietermijn toegevoegd.").first.is_visible()
    page.get_by_label("Toelichting").fill("Akkoord, de termijn staat er nu in.")
    page.get_by_role("button", name="Goedkeuren en publiceren", exact=True).click()
    page.wait_for_load_state("networkidle")
    procedure.refresh_from_db()
    label = timezone.localtime().strftime("%y%m")
    assert procedure.version_label == label

    # The assessor sees it on the dashboard, compares, acknowledges, gets the PDF.
    login(page, base, "beoordelaar")
    panel = page.locator("#panel-leesbevestigingen")
    assert panel.get_by_text(f"versie {label}").is_visible()
    panel.get_by_role("link", name="Klachten en beroep").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text(f"Wat is er gewijzigd in versie {label}").is_visible()
    assert page.get_by_text(
        f"naar aanleiding van {complaint.number}"
    ).first.is_visible()
    page.get_by_role("link", name="Bekijk de wijzigingen").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("ins", has_text="werkdag").first.is_visible()
    page.go_back()
    page.get_by_role("button", name="Gelezen en begrepen").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("gelezen en begrepen").first.is_visible()
    ack = ReadAcknowledgement.objects.get(
        user__username="beoordelaar", version__version_label=label
    )
    assert ack.acknowledged_at is not None
    pdf_href = page.get_by_role("link", name="PDF", exact=True).get_attribute("href")
    response = page.context.request.get(f"{base}{pdf_href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
