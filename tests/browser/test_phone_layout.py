"""The portal on a phone (issue 17, item 5): at 390 px no page scrolls sideways,
the header is one row with a "Menu" button that opens the navigation, search and
the user's links, and the search page shows one search box, not two. At 1280 px
the header of a role with "Beheer" stays on one row."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _pages(base):
    from cases.models import Audit
    from documents.models import HandbookPage, ProcedurePage

    handbook = HandbookPage.objects.live().first()
    procedure = ProcedurePage.objects.live().get(code="P-07")
    client = Audit.objects.get(client__name="Zorggroep De Linde").client
    return {
        "start": f"{base}/",
        "handboek": f"{base}{handbook.url}",
        "procedure": f"{base}{procedure.url}",
        "signaalformulier": f"{base}{reverse('cases:signal_new')}",
        "zoeken": f"{base}{reverse('search:search')}?q=klacht",
        "dossiers": f"{base}{reverse('cases:dossier_list')}",
        "dossier": f"{base}{reverse('cases:dossier', args=[client.pk])}",
    }


def _sideways(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_no_page_scrolls_sideways_on_a_phone(browser, demo_live):
    context = browser.new_context(locale="nl-NL", viewport=PHONE)
    page = context.new_page()
    try:
        login(page, demo_live.url, "kwaliteit")
        wide = {}
        for name, url in _pages(demo_live.url).items():
            page.goto(url)
            page.wait_for_load_state("load")
            if _sideways(page) > 0:
                wide[name] = _sideways(page)
        assert wide == {}, f"scrolls sideways (px): {wide}"
    finally:
        context.close()


def test_the_phone_header_is_one_row_and_its_menu_opens(browser, demo_live):
    context = browser.new_context(locale="nl-NL", viewport=PHONE)
    page = context.new_page()
    try:
        login(page, demo_live.url, "kwaliteit")
        header = page.locator("header.topbar")
        assert header.bounding_box()["height"] <= 72
        nav = page.get_by_role("navigation", name="Hoofdmenu")
        expect(nav).to_be_hidden()
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_have_attribute("aria-expanded", "false")
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(nav.get_by_role("link", name="Dossiers")).to_be_visible()
        expect(page.get_by_label("Zoeken in het portaal")).to_be_visible()
        expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()

        # The search page has its own box: the header's is not shown beside it.
        page.goto(f"{demo_live.url}{reverse('search:search')}?q=klacht")
        page.get_by_role("button", name="Menu").click()
        visible_boxes = page.locator("input[type=search]:visible")
        expect(visible_boxes).to_have_count(1)
        # The results come first; the filters follow, one tap away.
        first_hit = page.locator(".hit").first.bounding_box()
        facets = page.get_by_role("complementary", name="Resultaten verfijnen")
        assert first_hit["y"] < facets.bounding_box()["y"]
        page.get_by_role("link", name="Resultaten verfijnen").click()
        expect(facets.get_by_role("link", name="Klachten")).to_be_in_viewport()
    finally:
        context.close()


def test_the_wide_header_stays_on_one_row_and_the_name_opens_the_user_menu(
    page, demo_live
):
    login(page, demo_live.url, "kwaliteit")  # a role with "Beheer"
    header = page.locator("header.topbar")
    assert header.bounding_box()["height"] <= 72
    assert _sideways(page) == 0
    logout = page.get_by_role("button", name="Uitloggen")
    expect(logout).to_be_hidden()
    page.get_by_role("button", name="Karin de Vries").click()
    expect(logout).to_be_visible()
    expect(page.get_by_role("link", name="Tweestapsverificatie")).to_be_visible()
    page.keyboard.press("Escape")
    expect(logout).to_be_hidden()

    # At this width the filters stand beside the results: no link needed.
    page.goto(f"{demo_live.url}{reverse('search:search')}?q=klacht")
    expect(page.get_by_role("link", name="Resultaten verfijnen")).to_be_hidden()
