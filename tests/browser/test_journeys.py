import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_assessor_logs_in_sees_dutch_dashboard_and_opens_a_procedure(page, demo_live):
    base = demo_live.url
    login(page, base, "beoordelaar")
    assert page.url == f"{base}/"
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", name="Mijn werk").is_visible()
    assert page.get_by_text("Beoordelaar", exact=True).first.is_visible()

    page.get_by_role("link", name="Klachten en beroep").first.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith("/handboek/klachten-en-beroep/")
    assert page.get_by_role("heading", name="Klachten en beroep", level=1).is_visible()
    assert page.get_by_role("navigation", name="Inhoudsopgave").is_visible()
    page.get_by_role("link", name="Beroep", exact=True).click()
    assert page.url.endswith("#sectie-beroep")


def test_anonymous_visitor_is_sent_to_thelogin(page, demo_live):
    base = demo_live.url
    page.goto(f"{base}/handboek/")
    assert "/inloggen/?next=/handboek/" in page.url
    assert page.get_by_role("heading", name="Inloggen").is_visible()
    page.get_by_role("link", name="Bekijk het openbare gedeelte").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith("/openbaar/")
    assert page.get_by_role("link", name="P-07 Klachten en beroep").is_visible()
