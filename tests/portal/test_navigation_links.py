"""Every link shown to a user leads somewhere that user may go (issue 17, item 4):
for each demo role, the start page, the admin dashboard and the admin menu are
followed link by link; no 403, no 404, no redirect loop and no detour through the
login page for a signed-in user. Every page so reached also speaks the one date
style (item 2): no "16 Dec", "5 Okt 2026" or "01-01-2027"."""

import json
import re
from urllib.parse import urljoin, urlsplit

import pytest

from portal.demo import DEMO_USERS

from .screen_text import bad_dates

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"')
SIDEBAR = re.compile(
    r'<script[^>]*id="wagtail-sidebar-props"[^>]*>(.*?)</script>', re.DOTALL
)
SKIP = ("/uitloggen/", "/admin/logout/", "mailto:", "tel:", "javascript:")


def follow(client, url, *, limit=6):
    """GET ``url`` and its redirects; the final response and the chain."""
    chain = []
    response = client.get(url)
    while response.status_code in (301, 302, 303, 307, 308):
        chain.append(url)
        url = urljoin(url, response["Location"])
        assert url not in chain, f"redirect loop: {' -> '.join([*chain, url])}"
        assert len(chain) < limit, f"too many redirects: {chain}"
        response = client.get(url)
    chain.append(url)
    return response, chain


def menu_urls(body: str) -> set[str]:
    """The admin sidebar's links: rendered by JavaScript from a JSON blob."""
    urls = set()
    match = SIDEBAR.search(body)
    if not match:
        return urls

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "url" and isinstance(value, str):
                    urls.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(match.group(1)))
    return urls


def internal(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.netloc and href.startswith("/") and not href.startswith(SKIP)


def usernames():
    return [demo_user.username for demo_user in DEMO_USERS]


@pytest.mark.parametrize("username", usernames())
def test_every_link_on_a_roles_start_page_and_admin_menu_leads_somewhere(
    client, demo, username
):
    from portal.models import User

    user = User.objects.get(username=username)
    client.force_login(user)
    links = set()
    entries = ["/"]
    if user.has_perm("wagtailadmin.access_admin"):
        entries.append("/admin/")
    for entry in entries:
        response, chain = follow(client, entry)
        assert response.status_code == 200, (entry, chain, response.status_code)
        assert not any(u.startswith("/inloggen/") for u in chain[1:]), chain
        assert bad_dates(response) == [], entry
        body = response.content.decode()
        links |= {h.replace("&amp;", "&") for h in HREF.findall(body) if internal(h)}
        links |= {u for u in menu_urls(body) if internal(u)}
    problems, dates = [], {}
    for link in sorted(links):
        response, chain = follow(client, link)
        if response.status_code >= 400 or any(
            u.startswith("/inloggen/") for u in chain[1:]
        ):
            problems.append((link, response.status_code, chain))
        elif bad_dates(response):
            dates[link] = bad_dates(response)
    assert not problems, f"{username}: {problems}"
    assert not dates, f"{username}: dates not in the portal's style: {dates}"


def test_a_signed_in_user_without_admin_access_is_sent_home_once(client, demo):
    """The assessor typed /admin/: one message, her start page, no loop."""
    from portal.models import User

    client.force_login(User.objects.get(username="beoordelaar"))
    response, chain = follow(client, "/admin/")
    assert response.status_code == 200
    assert chain[-1] == "/"
    messages = [str(m.message) for m in response.context["messages"]]
    assert len(messages) == 1
    assert "niet voor uw rol" in messages[0]
