"""Evidence in a client dossier, end to end in a real browser.

Acceptance: an office manager uploads two evidence files to a dossier and downloads
one; an assessor outside that audit gets "not found" for the same download URL.

The files are general dossier evidence of "Thuiszorg Brabantse Wal", a demo client
without audits: the demo assessor `beoordelaar` has no team role, no audit grant and
no dossier grant there, so the selectors give them nothing of that dossier.
"""

import hashlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import samples
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT = "Thuiszorg Brabantse Wal"
PDF_NAME = "auditplan thuiszorg.pdf"
TXT_NAME = "verslag-opening.txt"
TXT_BYTES = (
    "Verslag openingsgesprek (test)\n\nDe klachtenregeling is besproken; "
    "geëscaleerde klachten gaan naar de directie.\n"
).encode()
# Set to a path to keep a screenshot of the dossier page after the upload.
SCREENSHOT = os.environ.get("PORTAL_DOSSIER_SCREENSHOT")


def _new_page(browser):
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _dossier_url(base, client_name):
    from django.urls import reverse

    from cases.models import Client

    client = Client.objects.get(name=client_name)
    return client, base + reverse("cases_admin:dossier", args=[client.pk])


def _upload(page, files):
    form = page.locator("section.dossier__upload form")
    form.locator("input[type=file][name=files]").set_input_files(
        [{"name": name, "mimeType": mime, "buffer": data} for name, mime, data in files]
    )
    form.get_by_role("button", name="Toevoegen").click()


def _evidence_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_office_uploads_two_files_and_an_outside_assessor_gets_not_found(
    page, browser, demo_live
):
    from cases.models import EvidenceFile

    base = demo_live.url
    pdf_bytes = samples.pdf()
    client, dossier_url = _dossier_url(base, CLIENT)
    assert not client.audits.exists()  # general evidence, no audit team at all

    login(page, base, "office")
    page.goto(dossier_url)
    expect(page.get_by_role("heading", name=CLIENT, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Bewijsstukken toevoegen")).to_be_visible()

    _upload(
        page,
        [
            (PDF_NAME, "application/pdf", pdf_bytes),
            (TXT_NAME, "text/plain", TXT_BYTES),
        ],
    )
    success = page.locator(".messages li.success")
    expect(success).to_contain_text("2 bestanden toegevoegd")
    expect(success).to_contain_text(PDF_NAME)
    expect(success).to_contain_text(TXT_NAME)
    expect(page.locator(".messages li.error")).to_have_count(0)
    assert page.url == dossier_url

    timeline = page.locator("ol.timeline")
    pdf_link = timeline.get_by_role("link", name=PDF_NAME, exact=True)
    txt_link = timeline.get_by_role("link", name=TXT_NAME, exact=True)
    expect(pdf_link).to_be_visible()
    expect(txt_link).to_be_visible()
    items = timeline.locator("li.timeline__item--evidence")
    expect(items.filter(has=page.get_by_text(PDF_NAME))).to_contain_text("PDF-document")
    expect(items.filter(has=page.get_by_text(TXT_NAME))).to_contain_text("Tekstbestand")
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)

    stored = {e.original_name: e for e in EvidenceFile.objects.filter(client=client)}
    assert set(stored) == {PDF_NAME, TXT_NAME}
    assert stored[PDF_NAME].audit is None
    assert stored[PDF_NAME].content_type == "application/pdf"
    assert stored[PDF_NAME].sha256 == hashlib.sha256(pdf_bytes).hexdigest()
    assert stored[TXT_NAME].sha256 == hashlib.sha256(TXT_BYTES).hexdigest()

    # The text file comes as an attachment: a real browser download.
    txt_url = base + txt_link.get_attribute("href")
    with page.expect_download() as download_info:
        txt_link.click()
    download = download_info.value
    assert download.suggested_filename == TXT_NAME
    assert Path(download.path()).read_bytes() == TXT_BYTES

    # The PDF is a download too, sandboxed should a browser show it anyway;
    # fetched with the office manager's cookies.
    pdf_url = base + pdf_link.get_attribute("href")
    response = page.request.get(pdf_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.body() == pdf_bytes

    # An assessor outside that dossier: the same URLs are simply not found.
    outsider = _new_page(browser)
    try:
        login(outsider, base, "beoordelaar")
        for url, name in ((txt_url, TXT_NAME), (pdf_url, PDF_NAME)):
            response = outsider.goto(url)
            assert response.status == 404, url
            body = outsider.content()
            assert "Not Found" in body or "niet gevonden" in body.lower()
            assert name not in body
            assert CLIENT not in body
        # Same answer through the API request context (no download, no viewer).
        assert outsider.request.get(txt_url).status == 404
    finally:
        outsider.context.close()


def test_assessor_in_the_audit_team_does_download_that_audits_evidence(
    browser, demo_live
):
    """The control for the 404 above: the download view does serve `beoordelaar`
    the evidence of the audit they lead (Zorggroep De Linde's report)."""
    from django.urls import reverse

    from cases.models import EvidenceFile

    base = demo_live.url
    report = EvidenceFile.objects.get(client__name="Zorggroep De Linde")
    assert report.audit.team_leader.username == "beoordelaar"
    page = _new_page(browser)
    try:
        login(page, base, "beoordelaar")
        url = base + reverse("cases:evidence_download", args=[report.uuid])
        response = page.request.get(url)
        assert response.status == 200
        assert hashlib.sha256(response.body()).hexdigest() == report.sha256
    finally:
        page.context.close()


def test_refused_file_is_reported_in_dutch_and_the_other_file_is_stored(
    page, demo_live, tmp_path
):
    from cases.models import EvidenceFile

    base = demo_live.url
    client, dossier_url = _dossier_url(base, "Stichting Kinderopvang Het Anker")
    evidence_root = tmp_path / "evidence"  # tests/conftest.py's evidence storage
    before = set(_evidence_files(evidence_root))  # the demo's report is there

    login(page, base, "office")
    page.goto(dossier_url)
    _upload(
        page,
        [
            ("rapport.pdf", "application/pdf", b"MZ\x90\x00\x03" + b"\x00" * 512),
            (TXT_NAME, "text/plain", TXT_BYTES),
        ],
    )
    error = page.locator(".messages li.error")
    expect(error).to_contain_text("'rapport.pdf' is niet opgeslagen.")
    expect(error).to_contain_text("uitvoerbaar programma")
    success = page.locator(".messages li.success")
    expect(success).to_contain_text("1 bestand toegevoegd")
    expect(success).to_contain_text(TXT_NAME)
    expect(success).not_to_contain_text("rapport.pdf")

    timeline = page.locator("ol.timeline")
    expect(timeline.get_by_role("link", name=TXT_NAME, exact=True)).to_be_visible()
    expect(timeline.get_by_role("link", name="rapport.pdf")).to_have_count(0)

    stored = list(EvidenceFile.objects.filter(client=client))
    assert [e.original_name for e in stored] == [TXT_NAME]
    new_files = set(_evidence_files(evidence_root)) - before
    assert [f.read_bytes() for f in new_files] == [TXT_BYTES]
