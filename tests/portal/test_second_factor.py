"""The second factor (issue 18, item 2), through the real login views of the portal
and the admin: enrolment with the shown key, a code after each password, recovery
codes used once, a colleague's reset, and a half-logged-in session that reaches
nothing but the enrolment, verification and logout pages."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from portal.roles import ASSESSOR, CORE_GROUP, QUALITY_OFFICER
from tests.cases.test_url_enumeration import all_routes
from tests.factories import PASSWORD, UserFactory

LOGIN = "/inloggen/"
ADMIN_LOGIN = "/admin/login/"
ENROL = "/inloggen/tweede-stap/instellen/"
VERIFY = "/inloggen/tweede-stap/"


@pytest.fixture
def required(settings):
    settings.PORTAL_SECOND_FACTOR = "required"


@pytest.fixture
def member(db):
    return UserFactory(username="kerngroep", roles=[CORE_GROUP])


def _login(client, username="kerngroep", path=LOGIN):
    return client.post(path, {"username": username, "password": PASSWORD})


def _key_from_page(body: str) -> bytes:
    shown = re.search(r'data-testid="otp-key">([A-Z2-7 ]+)<', body).group(1)
    raw = shown.replace(" ", "")
    return base64.b32decode(raw + "=" * (-len(raw) % 8))


def _code(key: bytes, *, offset: int = 0) -> str:
    totp = TOTP(key, step=30, digits=6)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def _enrol(client) -> tuple[bytes, list[str]]:
    page = client.get(ENROL)
    key = _key_from_page(page.content.decode())
    response = client.post(ENROL, {"code": _code(key), "next": "/"})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    return key, codes


def test_optional_mode_lets_an_unenrolled_member_in_after_the_password(client, member):
    assert _login(client).status_code == 302
    assert client.get("/").status_code == 200


def test_required_mode_sends_a_dossier_role_to_enrolment_after_the_password(
    client, member, required
):
    response = _login(client)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith(ENROL)
    page = client.get(ENROL)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Tweestapsverificatie instellen" in body
    assert "<svg" in body  # the QR code
    assert "Mijn werk" not in body  # no navigation before the second factor


def test_enrolment_with_the_shown_key_verifies_and_shows_ten_recovery_codes(
    client, member, required
):
    _login(client)
    _key, codes = _enrol(client)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=member).confirmed
    assert ModelLogEntry.objects.filter(
        action="portal.second_factor.enrolled", object_id=str(member.pk)
    ).exists()
    # Shown once: the page does not show them again.
    again = client.get(ENROL).content.decode()
    assert codes[0] not in again


def test_an_enrolment_code_cannot_be_replayed_at_the_next_login(
    client, member, required
):
    _login(client)
    key, _codes = _enrol(client)
    client.post("/uitloggen/")
    _login(client)
    replay = client.post(VERIFY, {"code": _code(key)})
    assert "Deze code klopt niet" in replay.content.decode()


def test_a_wrong_enrolment_code_is_refused_and_the_key_stays_the_same(
    client, member, required
):
    _login(client)
    first = _key_from_page(client.get(ENROL).content.decode())
    # A code the app shows for no time step the device accepts now.
    accepted = {_code(first, offset=o) for o in (-30, 0, 30)}
    wrong = next(f"{n:06d}" for n in range(10) if f"{n:06d}" not in accepted)
    response = client.post(ENROL, {"code": wrong})
    body = response.content.decode()
    assert "Deze code klopt niet" in body
    assert _key_from_page(body) == first  # a reload keeps the scanned key
    assert not TOTPDevice.objects.get(user=member).confirmed
    assert client.get("/").status_code == 302


def test_after_enrolment_each_login_asks_a_code_and_refuses_a_wrong_one(
    client, member, required
):
    _login(client)
    key, _codes = _enrol(client)
    client.post("/uitloggen/")
    _login(client)
    assert client.get("/zoeken/?q=klacht")["Location"].startswith(VERIFY)
    wrong = client.post(VERIFY, {"code": "12345"})
    assert "Deze code klopt niet" in wrong.content.decode()
    assert client.get("/").status_code == 302
    time.sleep(1.1)  # django-otp holds the device for a second after a failure
    # The enrolment's code cannot be replayed: the next one from the app.
    right = client.post(
        VERIFY, {"code": _code(key, offset=30), "next": "/zoeken/?q=klacht"}
    )
    assert right.status_code == 302
    assert right["Location"] == "/zoeken/?q=klacht"
    assert client.get("/").status_code == 200


def test_a_recovery_code_works_once(client, member, required):
    _login(client)
    _key, codes = _enrol(client)
    client.post("/uitloggen/")
    _login(client)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/uitloggen/")
    _login(client)
    reused = client.post(VERIFY, {"code": codes[0]})
    assert "Deze code klopt niet" in reused.content.decode()
    assert client.get("/").status_code == 302


def test_the_admin_login_also_requires_the_code(client, member, required):
    _login(client)
    key, _codes = _enrol(client)
    client.post("/uitloggen/")
    response = _login(client, path=ADMIN_LOGIN)
    assert response.status_code == 302
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": _code(key, offset=30)})
    assert client.get("/admin/").status_code == 200


def test_an_assessor_is_not_asked_for_a_second_factor(client, db, required):
    UserFactory(username="beoordelaar", roles=[ASSESSOR])
    _login(client, "beoordelaar")
    assert client.get("/").status_code == 200


def test_wrong_codes_count_towards_the_lockout(client, member, required):
    _login(client)
    _enrol(client)
    client.post("/uitloggen/")
    _login(client)
    responses = [client.post(VERIFY, {"code": "99999"}) for _ in range(5)]
    assert responses[-1].status_code == 429
    assert "tijdelijk niet worden ingelogd" in responses[-1].content.decode()
    # The half session is ended and the password alone no longer works.
    assert "_auth_user_id" not in client.session
    assert _login(client).status_code == 429


def test_a_register_role_resets_a_colleagues_second_factor(client, member, required):
    _login(client)
    _enrol(client)
    client.post("/uitloggen/")
    officer = UserFactory(username="kwaliteit", roles=[QUALITY_OFFICER])
    client.force_login(officer)
    # The officer herself must enrol too before she reaches the admin.
    assert client.get("/admin/beveiliging/").status_code == 302
    _enrol(client)
    page = client.get("/admin/beveiliging/")
    assert "Opnieuw laten instellen" in page.content.decode()
    response = client.post(
        reverse("portal_security:second_factor_reset", args=[member.pk])
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    entry = ModelLogEntry.objects.get(
        action="portal.second_factor.reset", object_id=str(member.pk)
    )
    assert entry.user_id == officer.pk
    client.post("/uitloggen/")
    _login(client)
    assert client.get("/")["Location"].startswith(ENROL)


def test_a_non_register_role_cannot_reset_a_second_factor(client, member):
    colleague = UserFactory(username="collega", roles=[CORE_GROUP])
    TOTPDevice.objects.create(user=member, name="app", confirmed=True)
    client.force_login(colleague)
    response = client.post(
        reverse("portal_security:second_factor_reset", args=[member.pk])
    )
    assert response.status_code in (302, 403)
    assert TOTPDevice.objects.filter(user=member).exists()


OPEN = {ENROL, VERIFY, "/uitloggen/", "/admin/logout/"}


def _sample_url(route) -> str:
    values = dict.fromkeys(route.args, "1")
    return route.url(values)


@pytest.mark.parametrize("state", ["enrol", "verify"])
def test_a_session_past_only_the_password_reaches_nothing_else(
    client, member, required, state
):
    """Walk every URL pattern of the project (GET and POST) with a session that
    has passed only the password: none answers with content except the
    enrolment, verification and logout pages."""
    if state == "verify":
        TOTPDevice.objects.create(user=member, name="app", confirmed=True)
    _login(client)
    answered = []
    for route in all_routes():
        url = _sample_url(route)
        if url in OPEN:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 200 or (
                response.status_code != 302 and response.content.strip()
            ):
                answered.append((method, url, response.status_code))
            elif response.status_code == 302:
                assert response["Location"].startswith((ENROL, VERIFY)), url
    assert not answered
    # The session is still the half one: nothing above logged it in further.
    assert client.get("/")["Location"].startswith(ENROL if state == "enrol" else VERIFY)


def test_a_recovery_code_does_not_hold_back_the_apps_next_code(
    client, member, required
):
    """A code goes only to its own device: checked against the app first, a
    recovery code counted as a failed app code, and django-otp then refused
    the app's right code for a second (the load run's refused login)."""
    _login(client)
    key, codes = _enrol(client)
    client.post("/uitloggen/")
    _login(client)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    client.post("/uitloggen/")
    _login(client)
    right = client.post(VERIFY, {"code": _code(key, offset=30)})
    assert right.status_code == 302
    assert client.get("/").status_code == 200


def test_a_mistyped_recovery_code_does_not_hold_back_the_app(client, member, required):
    _login(client)
    key, _codes = _enrol(client)
    client.post("/uitloggen/")
    _login(client)
    wrong = client.post(VERIFY, {"code": "abcd efgh"})
    assert "Deze code klopt niet" in wrong.content.decode()
    right = client.post(VERIFY, {"code": _code(key, offset=30)})
    assert right.status_code == 302
    assert client.get("/").status_code == 200
