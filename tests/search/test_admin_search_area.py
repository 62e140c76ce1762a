"""The admin's search box leads to the portal's one search (issue 17): a handler
who types a case number in the admin's sidebar finds cases and files, not only
pages."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from portal.roles import CORE_GROUP
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _sidebar_modules(response) -> list[dict]:
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the admin page has no sidebar"
    return json.loads(match.group(1))["modules"]


def test_the_admin_sidebar_searches_the_whole_portal(client):
    client.force_login(UserFactory(roles=[CORE_GROUP]))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    packed = json.dumps(_sidebar_modules(response))
    assert reverse("search:search") in packed
    assert reverse("wagtailadmin_pages:search") not in packed


def test_the_admin_search_results_offer_the_portal_search_first(as_qo):
    response = as_qo.get(reverse("wagtailadmin_pages:search"), {"q": "klacht"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alles in het portaal" in body
    assert f"{reverse('search:search')}?q=klacht" in body
