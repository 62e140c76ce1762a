"""Lockout after failed logins (issue 18, item 1), through the real login views of
the portal (`/inloggen/`) and the Wagtail admin (`/admin/login/`), and the password
reset; lifted by a register role in the admin; every event in the audit log."""

from __future__ import annotations

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from portal.roles import ASSESSOR, CORE_GROUP, OFFICE_MANAGER, QUALITY_OFFICER
from tests.factories import PASSWORD, UserFactory

LOGIN = "/inloggen/"
ADMIN_LOGIN = "/admin/login/"
RESET = "/admin/password_reset/"
HOME_ADDR = "10.1.1.1"
OTHER_ADDR = "10.2.2.2"
LOCKED_TEXT = "tijdelijk niet worden ingelogd"


@pytest.fixture
def member(db):
    return UserFactory(username="kerngroep", roles=[CORE_GROUP], email="k@x.invalid")


def _login(client, username, password, *, path=LOGIN, addr=HOME_ADDR):
    return client.post(
        path, {"username": username, "password": password}, REMOTE_ADDR=addr
    )


def _fail(client, username, times, *, path=LOGIN, addr=HOME_ADDR):
    return [
        _login(client, username, "verkeerd-wachtwoord", path=path, addr=addr)
        for _ in range(times)
    ]


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_four_failures_still_allow_the_right_password(client, member):
    responses = _fail(client, "kerngroep", 4)
    assert all(r.status_code == 200 for r in responses)
    assert "Gebruikersnaam of wachtwoord klopt niet" in responses[-1].content.decode()
    response = _login(client, "kerngroep", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_the_fifth_failure_locks_and_the_right_password_is_then_refused(client, member):
    responses = _fail(client, "kerngroep", 5)
    locked = responses[-1]
    assert locked.status_code == 429
    body = locked.content.decode()
    assert LOCKED_TEXT in body
    assert "Probeer het opnieuw na" in body
    # It says when: the wait ends a quarter of an hour after the last failure.
    until = timezone.localtime(timezone.now() + datetime.timedelta(minutes=15))
    assert (
        until.strftime("%H:%M") in body
        or (until - datetime.timedelta(minutes=1)).strftime("%H:%M") in body
    )

    right = _login(client, "kerngroep", PASSWORD)
    assert right.status_code == 429
    assert LOCKED_TEXT in right.content.decode()
    assert not _logged_in(client)


def test_the_lockout_is_per_address(client, member):
    _fail(client, "kerngroep", 5, addr=HOME_ADDR)
    response = _login(client, "kerngroep", PASSWORD, addr=OTHER_ADDR)
    assert response.status_code == 302
    assert _logged_in(client)


def test_an_unknown_username_is_locked_with_the_same_message(client, member):
    known = _fail(client, "kerngroep", 5)[-1]
    unknown = _fail(client, "bestaat-niet", 5)[-1]
    assert unknown.status_code == known.status_code == 429

    # Word for word the same page: the lockout reveals nothing about the account.
    def page(response, name):
        text = response.content.decode().replace(name, "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)

    assert page(unknown, "bestaat-niet") == page(known, "kerngroep")


def test_the_admin_login_counts_towards_and_obeys_the_same_lockout(client, member):
    _fail(client, "kerngroep", 3, path=LOGIN)
    _fail(client, "kerngroep", 2, path=ADMIN_LOGIN)
    response = _login(client, "kerngroep", PASSWORD, path=ADMIN_LOGIN)
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert not _logged_in(client)


def test_the_lockout_ends_after_the_cool_off_time(client, member):
    _fail(client, "kerngroep", 5)
    assert _login(client, "kerngroep", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=16)
    )
    assert _login(client, "kerngroep", PASSWORD).status_code == 302


def test_password_reset_requests_are_limited_per_address(client, member):
    for _ in range(5):
        response = client.post(RESET, {"email": member.email}, REMOTE_ADDR=HOME_ADDR)
        assert response.status_code == 302
    assert len(mail.outbox) == 5
    refused = client.post(RESET, {"email": member.email}, REMOTE_ADDR=HOME_ADDR)
    assert refused.status_code == 429
    assert LOCKED_TEXT in refused.content.decode()
    assert len(mail.outbox) == 5  # nothing sent
    # Another address is not affected.
    other = client.post(RESET, {"email": member.email}, REMOTE_ADDR=OTHER_ADDR)
    assert other.status_code == 302


@pytest.mark.parametrize("code", [QUALITY_OFFICER, OFFICE_MANAGER])
def test_a_register_role_sees_and_lifts_a_lockout(client, member, code):
    _fail(client, "kerngroep", 5)
    officer = UserFactory(username="register", roles=[code])
    client.force_login(officer)
    page = client.get("/admin/beveiliging/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "kerngroep" in body
    assert HOME_ADDR in body
    assert "Blokkade opheffen" in body

    response = client.post(
        "/admin/beveiliging/opheffen/",
        {"username": "kerngroep", "ip_address": HOME_ADDR},
    )
    assert response.status_code == 302
    client.logout()
    assert _login(client, "kerngroep", PASSWORD).status_code == 302
    lifted = ModelLogEntry.objects.filter(
        action="portal.lockout.lifted", object_id=str(member.pk)
    ).get()
    assert lifted.user_id == officer.pk
    assert lifted.data["ip_address"] == HOME_ADDR


@pytest.mark.parametrize("code", [CORE_GROUP, ASSESSOR])
def test_others_can_neither_see_nor_lift_a_lockout(client, member, code):
    _fail(client, "kerngroep", 5)
    colleague = UserFactory(username="collega", roles=[code])
    client.force_login(colleague)
    assert client.get("/admin/beveiliging/").status_code in (302, 403)
    response = client.post(
        "/admin/beveiliging/opheffen/",
        {"username": "kerngroep", "ip_address": HOME_ADDR},
    )
    assert response.status_code in (302, 403)
    client.logout()
    assert _login(client, "kerngroep", PASSWORD).status_code == 429


def _actions(user) -> list[tuple[str, str | None]]:
    return [
        (e.action, (e.data or {}).get("ip_address"))
        for e in ModelLogEntry.objects.filter(object_id=str(user.pk))
        .filter(action__startswith="portal.l")
        .order_by("timestamp", "pk")
    ]


def test_login_logout_failure_and_lockout_are_in_the_audit_log(client, member):
    _login(client, "kerngroep", PASSWORD)
    client.post("/uitloggen/", REMOTE_ADDR=HOME_ADDR)
    _fail(client, "kerngroep", 5)
    actions = _actions(member)
    assert actions[:2] == [
        ("portal.login", HOME_ADDR),
        ("portal.logout", HOME_ADDR),
    ]
    assert actions.count(("portal.login.failed", HOME_ADDR)) == 5
    assert ("portal.lockout", HOME_ADDR) in actions
    entry = ModelLogEntry.objects.filter(action="portal.login").first()
    assert entry.timestamp is not None
