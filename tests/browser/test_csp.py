"""The Content Security Policy in a real browser (issue 18, item 4): the portal and
the admin pages the quality officer uses daily work under it, with no violation
reported by Chromium. A violation is a test failure, named with the page and the
directive, so that the policy or the template can be fixed."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

# Every document (frames included) reports its violations into a list that the
# test reads after each page; Chromium also logs them on the console.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(
    e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " in " +
    (e.sourceFile || document.location.pathname) + ":" + e.lineNumber +
    (e.sample ? " (" + e.sample + ")" : "")
  );
});
"""


class Violations:
    def __init__(self, page):
        self.page = page
        self.found: list[str] = []
        page.add_init_script(COLLECT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"pageerror: {error}"))

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.found.append(f"{self.page.url}: {message.text}")

    def collect(self):
        for frame in self.page.frames:
            try:
                reported = frame.evaluate("window.__cspViolations || []")
            except Exception:  # noqa: S112 - a frame that went away
                continue
            self.found.extend(f"{frame.url}: {v}" for v in reported)

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        self.page.wait_for_load_state("load")
        self.collect()


def test_the_portal_and_the_admin_work_under_the_csp(page, demo_live):
    from cases.models import Client, Complaint
    from documents.models import ProcedurePage

    base = demo_live.url
    procedure = ProcedurePage.objects.get(code="P-07")
    client = Client.objects.get(name="Stichting Kinderopvang Het Anker")
    complaint = Complaint.objects.get(number="K-2026-0001")
    violations = Violations(page)

    login(page, base, "kwaliteit")
    violations.collect()

    # The front-end: the home page, a procedure, a dossier and the search page
    # with the search box's suggestions.
    violations.visit(f"{base}/")
    violations.visit(f"{base}{procedure.url}")
    violations.visit(f"{base}/dossiers/{client.pk}/")
    violations.visit(f"{base}/signalen/nieuw/")
    violations.visit(f"{base}/inloggen/tweede-stap/instellen/")
    violations.visit(f"{base}/zoeken/?q=klacht")
    box = page.get_by_label("Zoeken in het portaal")
    box.fill("")
    with page.expect_response(lambda r: "/zoeken/suggesties/" in r.url):
        box.press_sequentially("kla", delay=50)
    expect(page.locator("#topsearch-suggest a").first).to_be_visible()
    violations.collect()

    # The admin: dashboard, explorer, the editor of a procedure with its preview
    # (a same-origin iframe), the register and its listings, a case and a dossier.
    violations.visit(f"{base}/admin/")
    violations.visit(f"{base}/admin/pages/")
    violations.visit(f"{base}/admin/pages/{procedure.get_parent().pk}/")
    violations.visit(f"{base}/admin/pages/{procedure.pk}/edit/")
    preview = page.locator("[data-side-panel-toggle='preview']")
    if preview.count():
        preview.first.click()
        frame = page.locator("iframe[data-w-preview-target='iframe'], iframe").first
        expect(frame).to_be_attached()
        page.wait_for_timeout(1500)
        violations.collect()
    violations.visit(f"{base}/admin/klantdossier/register/")
    violations.visit(f"{base}/admin/klantdossier/klachten/{complaint.pk}/")
    violations.visit(f"{base}/admin/klantdossier/{client.pk}/")
    violations.visit(f"{base}/admin/dossier/onderzoeken/")
    violations.visit(f"{base}/admin/dossier/klanten/")
    violations.visit(f"{base}/admin/register/briefsjablonen/")
    violations.visit(f"{base}/admin/documents/")

    assert not violations.found, "\n".join(violations.found)


def test_a_violation_is_seen_by_the_test(page, demo_live):
    """The check above is not vacuous: an inline script on a portal page is
    blocked and reported."""
    base = demo_live.url
    violations = Violations(page)
    login(page, base, "kwaliteit")
    violations.visit(f"{base}/")
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.ranInline = true";
        document.body.appendChild(script);
    }"""
    )
    assert page.evaluate("window.ranInline === undefined")
    violations.collect()
    assert any("script-src" in found for found in violations.found)
