"""The portal addresses staff formally ("u"), also in Wagtail's own admin strings
(issue 17, item 3): every entry of Wagtail's Dutch catalogues that says "je",
"jij" or "jouw" has an override in locale/nl, and the screens a quality officer
works in show none of the informal forms."""

import gettext
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile

from portal.roles import QUALITY_OFFICER
from tests.factories import UserFactory

from .screen_text import HIDDEN, visible_text

INFORMAL = re.compile(r"\b(?:je|jij|jou|jouw|jezelf)\b", re.I)
# What a translation must keep: placeholders (%(name)s, %s, {name}) and tags.
KEPT = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|</?[a-z]+\b", re.I)
DOMAINS = ("django", "djangojs")
# The apps whose screens staff see; each must have been checked.
REQUIRED = {
    "wagtail",
    "wagtail.admin",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.snippets",
    "wagtail.users",
}
PROJECT = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"


def load(path):
    with path.open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def msgid(key):
    """The msgid (with its context, as "ctxt\\x04msgid") of a catalogue key;
    plural forms are keyed (msgid, n)."""
    return key if isinstance(key, str) else key[0]


def wagtail_catalogues():
    """(app, domain, catalogue) for each installed Wagtail app's Dutch .mo."""
    found = []
    for config in apps.get_app_configs():
        if config.name != "wagtail" and not config.name.startswith("wagtail."):
            continue
        for domain in DOMAINS:
            mo = Path(config.path) / "locale/nl/LC_MESSAGES" / f"{domain}.mo"
            if mo.exists():
                found.append((config.name, domain, load(mo)))
    return found


def informal_entries():
    """Each informal entry of Wagtail's catalogues: (app, domain, key, msgstr)."""
    return [
        (app, domain, key, text)
        for app, domain, catalogue in wagtail_catalogues()
        for key, text in catalogue.items()
        if key and INFORMAL.search(text)
    ]


def test_every_staff_facing_wagtail_catalogue_is_checked():
    checked = {(app, domain) for app, domain, _ in wagtail_catalogues()}
    apps_checked = {app for app, _ in checked}
    assert apps_checked >= REQUIRED, REQUIRED - apps_checked
    assert ("wagtail.admin", "djangojs") in checked
    # The check has something to check: Wagtail's Dutch says "je".
    assert len(informal_entries()) > 100


def test_every_informal_wagtail_string_is_overridden_formally():
    ours = {domain: load(PROJECT / f"{domain}.mo") for domain in DOMAINS}
    overridden = {domain: {msgid(k) for k in ours[domain]} for domain in DOMAINS}
    missing = sorted(
        {
            f"{app} ({domain}): {msgid(key)!r}"
            for app, domain, key, _ in informal_entries()
            if msgid(key) not in overridden[domain]
        }
    )
    assert not missing, (
        f"{len(missing)} informal Wagtail strings have no override in "
        "locale/nl/LC_MESSAGES (add them, then `make messages`):\n" + "\n".join(missing)
    )
    still_informal = [
        f"{domain}: {msgid(key)!r} -> {text!r}"
        for domain, catalogue in ours.items()
        for key, text in catalogue.items()
        if key and INFORMAL.search(text)
    ]
    assert not still_informal, "\n".join(still_informal)


def test_overrides_keep_wagtails_placeholders_and_tags():
    ours = {domain: load(PROJECT / f"{domain}.mo") for domain in DOMAINS}
    changed = [
        f"{msgid(key)!r}: {sorted(KEPT.findall(text))} -> "
        f"{sorted(KEPT.findall(ours[domain][key]))}"
        for _, domain, key, text in informal_entries()
        if key in ours[domain]
        and sorted(KEPT.findall(text)) != sorted(KEPT.findall(ours[domain][key]))
    ]
    assert not changed, "\n".join(changed)


def informal(text):
    return [
        " ".join(text[max(0, m.start() - 40) : m.end() + 30].split())
        for m in INFORMAL.finditer(text)
    ]


@pytest.mark.django_db
def test_the_quality_officers_document_screens_are_formal(client):
    from wagtail.documents import get_document_model

    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    screens = {
        # Empty index: "Waarom voegt u er niet een toe?"
        "/admin/documents/": "Waarom voegt u er niet een toe",
        "/admin/documents/multiple/add/": "Of kies vanaf uw computer",
    }
    for url, formal in screens.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text = " ".join(visible_text(response).split())
        assert informal(text) == [], url
        assert formal in text, url

    # The chooser is a modal: its HTML comes as JSON.
    response = client.get("/admin/documents/chooser/")
    assert response.status_code == 200
    text = " ".join(HIDDEN.sub(" ", response.json()["html"]).split())
    assert informal(text) == []
    assert "U hebt nog geen documenten geüpload." in text

    document = get_document_model().objects.create(
        title="Werkinstructie", file=ContentFile(b"inhoud", name="instructie.txt")
    )
    response = client.get(f"/admin/documents/delete/{document.pk}/")
    assert response.status_code == 200
    text = " ".join(visible_text(response).split())
    assert informal(text) == []
    assert "Weet u zeker dat u dit document wilt verwijderen?" in text
