import os
import shutil

import pytest

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made
    # by the test itself in between are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium niet gevonden op {CHROMIUM}. Installeer het met "
            "'sudo apt-get install -y chromium' (of zet PORTAL_CHROMIUM)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo_live(transactional_db, live_server):
    """The demo content in the live server's database.

    Transactional tests flush the database afterwards, which also removes the pages
    made by data migrations; load_demo puts the site structure back first."""
    from portal.demo import load_demo

    load_demo()
    return live_server


def login(page, base, username):
    """Log in as a demo user in a fresh session (cookies of an earlier user gone)
    and wait until the login form is left behind."""
    from playwright.sync_api import expect

    from portal.demo import DEMO_PASSWORD

    page.context.clear_cookies()
    page.goto(f"{base}/inloggen/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("input[name=password]")).to_have_count(0)
