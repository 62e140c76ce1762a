"""Sessions and passwords (issue 18, item 3): idle sessions end, sessions end at
browser close, a password change ends the account's other sessions, passwords of
at least twelve characters, and production cookies Secure/HttpOnly/SameSite=Lax."""

from __future__ import annotations

import datetime
import importlib
import os
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.roles import CORE_GROUP
from tests.factories import PASSWORD, UserFactory

LOGIN = "/inloggen/"


@pytest.fixture
def member(db):
    return UserFactory(username="kerngroep", roles=[CORE_GROUP])


def _login(client):
    response = client.post(LOGIN, {"username": "kerngroep", "password": PASSWORD})
    assert response.status_code == 302
    return Session.objects.get(session_key=client.session.session_key)


def test_the_session_cookie_ends_with_the_browser(client, member):
    response = client.post(LOGIN, {"username": "kerngroep", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_a_session_ends_after_thirty_minutes_without_activity(client, member):
    session = _login(client)
    expected = timezone.now() + datetime.timedelta(minutes=30)
    assert abs(session.expire_date - expected) < datetime.timedelta(seconds=30)
    # Thirty minutes and a second later, without activity in between:
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_activity_moves_the_end_of_the_session_forward(client, member):
    session = _login(client)
    # Twenty-five minutes idle: five left.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=5)
    )
    later = timezone.now().timestamp() + 120
    with mock.patch("portal.accounts.middleware.clock", return_value=later):
        assert client.get("/").status_code == 200
    session.refresh_from_db()
    assert session.expire_date > timezone.now() + datetime.timedelta(minutes=29)


def test_reading_within_the_same_minute_writes_no_session(client, member):
    _login(client)
    now = timezone.now().timestamp()
    with mock.patch("portal.accounts.middleware.clock", return_value=now):
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].startswith(("UPDATE", "INSERT"))
    ]
    assert not writes


def _account_form(client) -> dict:
    page = client.get("/admin/account/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    form = soup.find("form", id="w-editor-form")
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "file"):
            continue
        if field.get("type") in ("checkbox", "radio") and not field.has_attr("checked"):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        else:
            data[name] = field.get("value", field.text or "")
    return data


def test_a_password_change_ends_the_accounts_other_sessions(member):
    here, elsewhere = Client(), Client()
    _login(here)
    _login(elsewhere)
    assert elsewhere.get("/").status_code == 200
    data = _account_form(here)
    data.update(
        {
            "password-old_password": PASSWORD,
            "password-new_password1": "een-lang-nieuw-wachtwoord-2026",
            "password-new_password2": "een-lang-nieuw-wachtwoord-2026",
        }
    )
    response = here.post("/admin/account/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert here.get("/").status_code == 200  # the session that changed it stays
    response = elsewhere.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(
    ("password", "ok"),
    [("kort-1234", False), ("elf-tekens1", False), ("twaalf-teken", True)],
)
def test_passwords_need_at_least_twelve_characters(member, password, ok):
    if ok:
        validate_password(password, member)
    else:
        with pytest.raises(ValidationError) as excinfo:
            validate_password(password, member)
        assert any("12" in message for message in excinfo.value.messages)


def test_production_cookies_are_secure_httponly_and_lax(monkeypatch):
    monkeypatch.setitem(os.environ, "DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setitem(os.environ, "DJANGO_ALLOWED_HOSTS", "portaal.example.nl")
    monkeypatch.setitem(os.environ, "DATABASE_URL", "postgres://u@localhost/db")
    production = importlib.import_module("portal.settings.production")
    production = importlib.reload(production)
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.CSRF_COOKIE_HTTPONLY is True
    assert production.SESSION_COOKIE_SAMESITE == "Lax"
    assert production.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert production.SESSION_COOKIE_AGE == 30 * 60
    assert production.PORTAL_SECOND_FACTOR == "required"
