"""Search in a real browser (issue 6, item 10): a handler finds their case by a
word that occurs only inside a PDF uploaded to it; an assessor searching the same
word gets no result and no suggestion."""

import pytest
from django.core.files.base import ContentFile

from portal.demo import DEMO_PASSWORD
from tests.search.test_search_page import on_whoosh

pytestmark = pytest.mark.django_db(transaction=True)

WORD = "zeearendnest"  # in the PDF only
TYPO = "zeearednest"  # one letter missing


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/inloggen/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def _search_from_header(page, text):
    box = page.get_by_label("Zoeken in het portaal")
    box.fill(text)
    box.press("Enter")
    page.wait_for_load_state("domcontentloaded")


def _pdf_with(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(
        string=f"<h1>Verslag telefoongesprek</h1><p>De klant noemde het {text}.</p>"
    ).write_pdf()


def test_a_handler_finds_the_case_by_a_word_in_a_pdf_an_assessor_does_not(
    page, demo_live
):
    from django.contrib.auth import get_user_model

    from cases.models import Complaint
    from cases.services import evidence_upload

    base = demo_live.url
    complaint = Complaint.objects.get(number="K-2026-0001")
    handler = get_user_model().objects.get(username="kerngroep")
    assert complaint.handler == handler
    assert complaint.client.name == "Stichting Kinderopvang Het Anker"

    # The handler files a PDF with the complaint; its text is extracted (a task,
    # immediate here, queued on commit) and indexed.
    evidence = evidence_upload(
        client=complaint.client,
        uploaded_file=ContentFile(_pdf_with(WORD), name="gespreksverslag.pdf"),
        by=handler,
        description="Verslag van het telefoongesprek.",
        case=complaint,
    )
    evidence.refresh_from_db()
    assert WORD in evidence.extracted_text
    assert WORD not in evidence.original_name + evidence.description

    _login(page, base, "kerngroep")
    _search_from_header(page, WORD)
    assert "/zoeken/?q=" in page.url
    assert page.get_by_text("1 resultaat").is_visible()
    result = page.locator("li.hit").first
    assert result.get_by_role("link", name="gespreksverslag.pdf").is_visible()
    assert result.locator("mark", has_text=WORD).is_visible()
    result.get_by_role("link", name="Klacht K-2026-0001").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith(f"/klachten/{complaint.pk}/")
    assert page.get_by_text("K-2026-0001").first.is_visible()

    # Back on the portal, the search box suggests the file while typing.
    page.goto(f"{base}/")
    box = page.get_by_label("Zoeken in het portaal")
    box.fill("gesprek")
    suggestion = page.locator("#topsearch-suggest a", has_text="gespreksverslag.pdf")
    suggestion.wait_for(state="visible")

    # An assessor (involved in the complaint, C2) finds nothing, not even a hint.
    _login(page, base, "beoordelaar")
    for typed in (WORD, TYPO):
        _search_from_header(page, typed)
        assert page.get_by_text("Geen resultaten.").is_visible()
        assert page.locator("li.hit").count() == 0
        assert page.get_by_text("Bedoelde u").count() == 0
        main = page.locator("main").inner_text()
        assert "gespreksverslag" not in main
        assert "K-2026-0001" not in main
        assert WORD not in main.replace(typed, "")
    box = page.get_by_label("Zoeken in het portaal")
    with page.expect_response(lambda r: "/zoeken/suggesties/" in r.url) as reply:
        box.fill("gespreksv")
    assert reply.value.json() == {"resultaten": []}
    assert page.locator("#topsearch-suggest a").count() == 0

    if not on_whoosh():
        return  # "Bedoelde u" needs fuzzy matching, which SQLite's search lacks
    # The handler's typo, by contrast, is answered with the word.
    _login(page, base, "kerngroep")
    _search_from_header(page, TYPO)
    link = page.get_by_role("link", name=WORD)
    assert link.is_visible()
    link.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("1 resultaat").is_visible()
