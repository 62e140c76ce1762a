"""The function under a signer's name in letters (issue 17, item 8) is kept
where users are kept: the admin's user forms, and each user's own account."""

import re

import pytest
from django.urls import reverse

from portal.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def form_data(html):
    """The values a browser would send back for the account form as shown."""
    data = {}
    for tag in re.findall(r"<input\b[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag or 'type="file"' in tag:
            continue
        if ('type="checkbox"' in tag or 'type="radio"' in tag) and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(
        r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_the_administrator_sets_a_users_function_on_create_and_edit(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert (
        'name="function"'
        in client.get(reverse("wagtailusers_users:add")).content.decode()
    )
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "jvdberg",
            "email": "j.vandenberg@ciio.invalid",
            "first_name": "Joke",
            "last_name": "van den Berg",
            "function": "Officemanager",
            "password1": "een-lang-wachtwoord-2026",
            "password2": "een-lang-wachtwoord-2026",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    joke = User.objects.get(username="jvdberg")
    assert joke.function == "Officemanager"

    edit = reverse("wagtailusers_users:edit", args=[joke.pk])
    html = client.get(edit).content.decode()
    assert 'value="Officemanager"' in html
    data = form_data(html)
    data["function"] = "Portefeuillehouder kwaliteit"
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    joke.refresh_from_db()
    assert joke.function == "Portefeuillehouder kwaliteit"


def test_a_user_sets_her_own_function_under_account(client, demo):
    karin = User.objects.get(username="kwaliteit")
    client.force_login(karin)
    account = reverse("wagtailadmin_account")
    response = client.get(account)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    html = response.content.decode()
    assert "Functie" in html
    data = form_data(html)
    assert "function-function" in data
    data["function-function"] = "Kwaliteitsmanager"
    response = client.post(account, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    karin.refresh_from_db()
    assert karin.function == "Kwaliteitsmanager"
