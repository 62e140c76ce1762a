"""Issue 18's browser journey: a core-group member enrols her authenticator app
(the code computed from the key the page shows, with django-otp's own TOTP),
reaches her complaint and logs out; wrong passwords lock her out with the Dutch
message; the quality officer lifts the lockout; the quality officer grants a
colleague a week's access to a dossier with a reason, the colleague finds its
evidence in search, the grant is revoked and the same search finds nothing."""

from __future__ import annotations

import base64
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _code(key_text: str, offset: int = 0) -> str:
    raw = key_text.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    totp = TOTP(key, step=30, digits=6)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def _password(page, base, username, password=DEMO_PASSWORD):
    page.context.clear_cookies()
    page.goto(f"{base}/inloggen/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def _verify(page, key: str, offset: int = 30) -> None:
    # The code of the app's next time step: the one of the enrolment (this
    # step) cannot be used twice.
    expect(page.get_by_role("heading", name="Code invoeren")).to_be_visible()
    page.fill("input[name=code]", _code(key, offset=offset))
    page.get_by_role("button", name="Doorgaan").click()
    page.wait_for_load_state("domcontentloaded")


def _enrol(page) -> str:
    expect(
        page.get_by_role("heading", name="Tweestapsverificatie instellen")
    ).to_be_visible()
    key = page.get_by_test_id("otp-key").inner_text()
    page.fill("input[name=code]", _code(key))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    page.wait_for_load_state("domcontentloaded")
    return key


def test_enrol_reach_the_complaint_lockout_and_lift(page, demo_live, settings):
    from cases.models import Complaint

    settings.PORTAL_SECOND_FACTOR = "required"
    base = demo_live.url
    complaint = Complaint.objects.get()

    # The password alone leads to the enrolment, nothing else.
    _password(page, base, "kerngroep")
    assert "/inloggen/tweede-stap/instellen/" in page.url
    page.goto(f"{base}/dossiers/")
    assert "/inloggen/tweede-stap/instellen/" in page.url
    _enrol(page)
    # On to the page she asked for before the enrolment.
    assert page.url == f"{base}/dossiers/"
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Mijn werk")).to_be_visible()
    page.get_by_role("link", name=complaint.number).first.click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_text(complaint.number).first).to_be_visible()
    page.goto(f"{base}/")
    # Logging out sits in the menu under her name.
    page.locator("[data-usermenu-toggle]").click()
    page.get_by_role("button", name="Uitloggen").first.click()
    page.wait_for_load_state("domcontentloaded")
    assert "/inloggen/" in page.url

    # Six wrong passwords: locked, with the Dutch message saying when to retry.
    for _ in range(6):
        _password(page, base, "kerngroep", "verkeerd-wachtwoord")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("tijdelijk niet worden ingelogd")
    expect(alert).to_contain_text("Probeer het opnieuw na")
    _password(page, base, "kerngroep")
    expect(page.get_by_role("alert")).to_contain_text("tijdelijk niet worden ingelogd")

    # The quality officer (who enrols too) lifts the lockout in the admin.
    _password(page, base, "kwaliteit")
    _enrol(page)
    page.goto(f"{base}/admin/beveiliging/")
    row = page.locator("tr", has_text="kerngroep")
    row.get_by_role("button", name="Blokkade opheffen").click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_text("is opgeheven")).to_be_visible()

    # She can log in again (with her app).
    page.context.clear_cookies()
    _password(page, base, "kerngroep")
    assert "/inloggen/tweede-stap/" in page.url


def _search_hits(page, base, query) -> str:
    page.goto(f"{base}/zoeken/?q={query}")
    page.wait_for_load_state("domcontentloaded")
    return page.locator("main").inner_text()


def test_a_weeks_grant_opens_the_dossier_in_search_and_revoking_closes_it(
    page, demo_live, settings
):
    import datetime

    from django.utils import timezone

    from cases.models import Client
    from portal.models import User

    settings.PORTAL_SECOND_FACTOR = "required"
    base = demo_live.url
    linde = Client.objects.get(name="Zorggroep De Linde")
    colleague = User.objects.get(username="kerngroep2")
    report = "de-linde-2026.txt"  # the report's file name, shown with the hit

    # The colleague enrols, and does not find the report: not her dossier.
    _password(page, base, "kerngroep2")
    colleague_key = _enrol(page)
    assert report not in _search_hits(page, base, "klachtenregistratie")

    # The quality officer gives her a week, with a reason, on the dossier page.
    _password(page, base, "kwaliteit")
    officer_key = _enrol(page)
    page.goto(f"{base}/admin/klantdossier/{linde.pk}/")
    panel = page.locator("#toegang")
    expect(panel).to_be_visible()
    form = panel.locator("form.access__grant")
    form.locator("select[name=user]").select_option(str(colleague.pk))
    form.locator("textarea[name=reason]").fill(
        "Overleg over de klacht over het rapport (tweede lezing)."
    )
    week = timezone.localdate() + datetime.timedelta(days=7)
    form.locator("input[name=until]").fill(week.isoformat())
    form.get_by_role("button", name="Toegang verlenen").click()
    page.wait_for_load_state("domcontentloaded")
    row = page.locator("#toegang tr[data-person=kerngroep2]")
    expect(row).to_contain_text("Overleg over de klacht")

    # The colleague finds the report at once.
    _password(page, base, "kerngroep2")
    _verify(page, colleague_key)
    assert report in _search_hits(page, base, "klachtenregistratie")

    # Revoked: the same search finds nothing of it.
    _password(page, base, "kwaliteit")
    _verify(page, officer_key)
    page.goto(f"{base}/admin/klantdossier/{linde.pk}/")
    revoke = page.locator("#toegang tr[data-person=kerngroep2] form.access__revoke")
    revoke.locator("input[name=reason]").fill("Overleg afgerond.")
    revoke.get_by_role("button", name="Intrekken").click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("#toegang tr[data-person=kerngroep2]")).to_have_count(0)

    _password(page, base, "kerngroep2")
    _verify(page, colleague_key, offset=60)
    assert report not in _search_hits(page, base, "klachtenregistratie")
