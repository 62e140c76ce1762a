"""Management's journey through the annual management review (C11): from "Mijn
werk" to the review of the past year, the charts drawn, the reflection written,
approved, and its PDF downloaded."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from insights.models import ManagementReview
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_management_reads_writes_approves_and_downloads_the_review_C11(page, demo_live):
    year = timezone.localdate().year - 1
    base = demo_live.url
    login(page, base, "directie")
    page.goto(f"{base}/")
    panel = page.locator("#panel-cijfers")
    expect(panel).to_contain_text("Dit jaar in cijfers")
    drawn = panel.locator("img").evaluate("img => img.complete && img.naturalWidth")
    assert drawn > 0  # the chart is allowed by the Content Security Policy

    panel.get_by_role("link", name=f"Naar de directiebeoordeling {year}").click()
    expect(page.locator("h1")).to_contain_text(f"Directiebeoordeling {year}")
    charts = page.locator("figure.chart img")
    expect(charts).to_have_count(3)
    for i in range(3):
        assert charts.nth(i).evaluate("img => img.naturalWidth") > 0
        assert charts.nth(i).get_attribute("alt")
    expect(page.locator("table.figure-table").first).to_be_visible()

    page.fill("textarea[name=reflection]", "Minder klachten; de planning is beter.")
    page.fill("textarea[name=decisions]", "Planning blijft maandelijks op de agenda.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".messages")).to_contain_text("opgeslagen")
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Goedkeuren en vaststellen").click()
    expect(page.locator(".review-status")).to_contain_text("Goedgekeurd op")
    review = ManagementReview.objects.get(year=year)
    assert review.approved_at is not None
    assert review.frozen_figures["year"] == year

    with page.expect_download() as info:
        page.get_by_role("link", name="Vastgestelde versie (pdf)").click()
    download = info.value
    assert download.suggested_filename == f"directiebeoordeling-{year}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
