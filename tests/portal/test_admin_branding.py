"""One portal, not two visual worlds (issue 17, item 3): the Wagtail admin carries the
organisation's name, mark and colours, hides Wagtail's own help from staff, names the
page tree's root, shows each role its work on the dashboard and addresses everyone
formally ("u"), also in Wagtail's workflow e-mails."""

import json
import re
from pathlib import Path

import pytest
import wagtail
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from portal.demo import DEMO_USERS

from .screen_text import visible_text

pytestmark = pytest.mark.django_db

INFORMAL = re.compile(r"\b(?:je|jouw|jij|jou|jezelf)\b", re.I)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
SIDEBAR = re.compile(
    r'<script[^>]*id="wagtail-sidebar-props"[^>]*>(.*?)</script>', re.DOTALL
)
ADMIN_ROLES = [
    d.username
    for d in DEMO_USERS
    if d.superuser or (d.role and d.role not in ("assessor", "external_mediator"))
]


def org_name():
    from portal.models import OrganisationSettings

    return OrganisationSettings.load().name


def login(client, username):
    from portal.models import User

    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def informal(text):
    return [
        " ".join(text[max(0, m.start() - 40) : m.end() + 30].split())
        for m in INFORMAL.finditer(text)
    ]


def menu_names(body):
    """Every menu item's name in the admin sidebar (rendered from JSON by JS)."""
    names = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "name" and isinstance(value, str):
                    names.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(SIDEBAR.search(body).group(1)))
    return names


def test_every_role_with_admin_access_is_covered():
    assert "kwaliteit" in ADMIN_ROLES
    assert "beoordelaar" not in ADMIN_ROLES
    assert "notaris" not in ADMIN_ROLES


@pytest.mark.parametrize("username", ADMIN_ROLES)
def test_admin_speaks_as_the_portal_to_each_role(client, demo, username):
    from portal.dashboard import panels_for

    user = login(client, username)
    response = client.get("/admin/")
    assert response.status_code == 200
    body = response.content.decode()
    title = " ".join(TITLE.search(body).group(1).split())
    text = visible_text(response)

    # Name, mark and colours of the organisation; no "- Wagtail".
    assert "Wagtail" not in title
    assert title.endswith(f"· {org_name()} kwaliteitsportaal")
    assert f'portal-brand__mark" aria-hidden="true">{org_name()[0]}<' in body
    assert "portal/admin-brand.css" in body
    # Formal, on the dashboard and on the account page.
    assert informal(text) == []
    account = client.get("/admin/account/")
    assert account.status_code == 200
    assert informal(visible_text(account)) == []
    # Each role's work ("Mijn werk"), the same panels as on the portal's start page.
    request = response.wsgi_request
    request.user = user
    expected = [p for p in panels_for(request) if p.key != "beheer"]
    assert 'id="portal-work-title"' in body
    for panel in expected:
        assert f'id="panel-{panel.key}"' in body, (username, panel.key)

    if username == "beheerder":
        # The functional administrator keeps Wagtail's summary and help.
        assert "help" in menu_names(body)
        return
    assert expected, f"{username} has no work panel at all"
    # Not "Site samenvatting: 7 pagina's".
    assert "w-summary" not in body
    # No Wagtail help, release notes or English editor guide for staff.
    names = menu_names(body)
    assert "help" not in names
    assert "editor-guide" not in names
    assert not any(n.startswith("whats-new-in-wagtail") for n in names)
    with translation.override("nl"):
        whats_new = translation.gettext("What's new in Wagtail %(version)s")
    assert whats_new.split("%")[0].strip() not in body
    assert "Editor Guide" not in body
    assert "editor guide" not in body.lower()
    assert "Wagtail" not in text


def test_login_pages_are_formal_and_name_the_organisation(client, demo):
    for url in ("/inloggen/", "/admin/login/", "/admin/password_reset/"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response)
        assert informal(text) == [], url
        assert org_name() in text, url
        assert "Wagtail" not in TITLE.search(response.content.decode()).group(1)


def test_the_page_trees_root_has_a_name(demo):
    from wagtail.models import Page

    assert Page.get_first_root_node().title == "Kwaliteitsportaal"


def test_no_access_messages_are_formal():
    with translation.override("nl"):
        no_admin = translation.gettext(
            "You do not have permission to access the admin."
        )
        no_area = translation.gettext(
            "Sorry, you do not have permission to access this area."
        )
    assert no_admin == "U hebt geen toegang tot de beheeromgeving."
    assert informal(no_area) == []
    assert no_area.startswith("U hebt")


def test_wagtails_request_changes_is_not_the_portals_change_request():
    """A "wijzigingsverzoek" is the portal's complaint-driven change request
    (documents); Wagtail's workflow action that sends a draft back is another
    thing and is named so."""
    with translation.override("nl"):
        labels = [
            translation.gettext(s)
            for s in (
                "Request changes",
                "Changes requested",
                "Changes requested at",
                "Changes requested by %(requested_by)s",
                "Changes requested %(finished_at)s",
                "Rejected at '%(task)s'. Changes requested",
            )
        ]
    assert labels[0] == "Aanpassing vragen"
    assert not [label for label in labels if "ijzigingsverzoek" in label]


def test_the_overridden_catalogue_is_compiled():
    """The .mo next to each .po is what Django reads: `make messages` rebuilds
    it. Same number of entries, and the .mo says what the .po says."""
    import gettext

    locale = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"
    for name in ("django", "djangojs"):
        po = (locale / f"{name}.po").read_text(encoding="utf-8")
        with (locale / f"{name}.mo").open("rb") as mo:
            catalog = gettext.GNUTranslations(mo)._catalog
        compiled = {k if isinstance(k, str) else k[0] for k in catalog} - {""}
        in_po = len(re.findall(r"^msgid ", po, re.M)) - 1  # less the header
        assert len(compiled) == in_po, f"{name}.mo is stale: run `make messages`"
        for msgid, msgstr in re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po, re.M):
            assert catalog[msgid.replace('\\"', '"')] == msgstr.replace('\\"', '"')


def test_admin_skeleton_copy_differs_from_wagtails_only_in_the_title():
    """templates/wagtailadmin/skeleton.html is a copy (the title's separator is
    not in a block); after a Wagtail upgrade this says when to copy it again."""
    name = "wagtailadmin/skeleton.html"
    ours = (Path(settings.BASE_DIR) / "templates" / name).read_text()
    theirs = (Path(wagtail.__file__).parent / "admin/templates" / name).read_text()

    def strip(text):
        text = re.sub(r"\{#.*?#\}", "", text)
        return re.sub(r"<title>.*?</title>", "<title/>", text)

    assert strip(ours) == strip(theirs)


def workflow_context(kind):
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Page, Workflow

    from portal.models import User

    page = Page.objects.filter(depth=2).first().specific
    workflow = Workflow(name="Wijziging kwaliteitsdocument")
    task = GroupApprovalTask.objects.create(name="Goedkeuring directie")
    task.groups.set(Group.objects.all()[:1])
    approver = User.objects.get(username="directie")
    author = User.objects.get(username="kwaliteit")

    class TaskState:
        finished_by = approver

    return {
        "settings": settings,
        "page": page,
        "object": page,
        "model_name": page._meta.verbose_name,
        "workflow": workflow,
        "task": task,
        "task_state": TaskState(),
        "comment": "Paragraaf 3 graag korter.",
        "requested_by": author,
        "user": approver if kind == "task_state_submitted" else author,
    }


WORKFLOW_EMAILS = (
    "task_state_submitted",
    "workflow_state_submitted",
    "workflow_state_approved",
    "workflow_state_rejected",
)


def test_workflow_emails_are_formal_and_link_to_the_page(demo):
    for kind in WORKFLOW_EMAILS:
        check_workflow_email(kind)


def check_workflow_email(kind):
    context = workflow_context(kind)
    page = context["page"]
    with translation.override("nl"):
        subject = render_to_string(
            f"wagtailadmin/notifications/{kind}_subject.txt", context
        ).strip()
        text = render_to_string(f"wagtailadmin/notifications/{kind}.txt", context)
        html = render_to_string(f"wagtailadmin/notifications/{kind}.html", context)

    assert page.title in subject
    assert text.startswith(f"Goedendag {context['user'].first_name},")
    assert f"het {org_name()} kwaliteitsportaal" in text
    assert f"/admin/pages/{page.id}/edit/" in text
    assert f"/admin/pages/{page.id}/edit/" in html
    for message in (subject, text, visible_text_of(html)):
        assert informal(message) == [], message
        assert "Wagtail" not in message
        assert "has been" not in message
        assert "Wijzigingsverzoek" not in message
    if kind == "workflow_state_rejected":
        assert "Paragraaf 3 graag korter." in text
        assert "aan te passen" in text


def visible_text_of(html):
    return re.sub(
        r"<(script|style|template)\b.*?</\1>|<!--.*?-->|<[^>]+>", " ", html, flags=re.S
    )
