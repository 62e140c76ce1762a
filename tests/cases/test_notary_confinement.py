"""Issue 18, item 6: the external notary is confined to her mediation (E4).

She sees the dossier of her consented mediation and the procedures that apply to
the dispute (the complaints and appeals procedure and those the mediation names),
nothing else: no signal form, no client list, no other handbook page, no search
hit outside that scope. Her dashboard says until when she has access; her account
is deactivated when her last grant ends and reactivated by a new consent.

The demo site (home, handbook, P-01/P-03/P-05 and the public P-07, the public
section, the demo notary "notaris" = mr. A.M. (Anna) de Groot) is walked page by
page with her logged in, before and after consent, and with a member of staff
for comparison (so that the refusals are not vacuous).
"""

from __future__ import annotations

import datetime
import html
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client as HttpClient
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import ModelLogEntry, Page
from wagtail.search import index as wagtail_index

from cases.forms import ConsentForm
from cases.models import (
    Client,
    ClientUserObjectPermission,
    Mediation,
    Notary,
    Signal,
)
from cases.services import (
    complaint_escalate,
    dossier_access_grant,
    dossier_access_revoke,
    grants_expire,
    mediation_choose,
    mediation_close,
    mediation_consent,
    mediation_evaluate,
    mediation_propose,
    mediation_record_session,
    mediation_withdraw,
)
from documents.models import (
    HandbookPage,
    ProcedureAttachment,
    ProcedurePage,
    ReadAcknowledgement,
)
from documents.selectors import procedures_visible_to
from portal.roles import ASSESSOR, CORE_GROUP, EXTERNAL_MEDIATOR, is_external_notary
from tests.cases.conftest import AMS
from tests.cases.test_complaints import in_progress
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN = settings.PORTAL_ADMIN_PREFIX
KLANT = "Zorggroep Bemiddeling"
# Words that occur only in one demo procedure's title.
WORDS = {
    "P-01": "kwaliteitsdocumenten",
    "P-03": "onderzoeken",
    "P-05": "certificatiebeslissing",
}


# -- the world -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _second_factor_optional(settings):
    # Another concern (issue 18, item 2); here the notary signs in with force_login.
    settings.PORTAL_SECOND_FACTOR = "optional"


@pytest.fixture
def world(demo, people):
    for model in (ProcedurePage, Client):
        for obj in model.objects.all():
            wagtail_index.insert_or_update_object(obj)
    notaries = {
        n.name.split("(")[1].split(")")[0]: n
        for n in Notary.objects.filter(region="GE")
    }
    return {
        "notary": get_user_model().objects.get(username="notaris"),
        "anna": notaries["Anna"],
        "proposal": [notaries["Anna"], notaries["Pieter"], notaries["Sanne"]],
        "klant": ClientFactory(
            name=KLANT, region="GE", city="Arnhem", contact_email="e@example.invalid"
        ),
        "assessor": UserFactory(roles=[ASSESSOR]),
        "office": people["office"],
        "people": people,
    }


def access_day(years_ahead: int = 1) -> datetime.datetime:
    """Noon on 4 January of next year, local time: a fixed date for the text."""
    year = timezone.localdate().year + years_ahead
    return datetime.datetime(year, 1, 4, 12, 0, tzinfo=AMS)


def escalate(world, client=None):
    complaint = in_progress(world["people"], client or world["klant"])
    return complaint_escalate(
        complaint=complaint,
        by=world["people"]["qo"],
        reason="Geen oplossing die voor beide partijen aanvaardbaar is.",
    )


def consent(world, mediation=None, *, codes=("P-03",), until=None):
    mediation = mediation or escalate(world)
    office = world["office"]
    mediation_propose(mediation=mediation, notaries=world["proposal"], by=office)
    mediation_choose(mediation=mediation, notary=world["anna"], by=office)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    mediation = mediation_consent(
        mediation=mediation,
        by=office,
        claimant_consent_at=yesterday,
        organisation_consent_at=yesterday,
        procedure_codes=codes,
    )
    if until is not None:
        Mediation.objects.filter(pk=mediation.pk).update(access_until=until)
        ClientUserObjectPermission.objects.filter(
            user=world["notary"], content_object=mediation.claimant
        ).update(expires_at=until)
        mediation.refresh_from_db()
    return mediation


def login(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def text_of(response) -> str:
    """The visible text of a page, tags stripped and white space collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def live_pages() -> list[Page]:
    return [p.specific for p in Page.objects.live().filter(depth__gte=2)]


def allowed_pages(codes: set[str]) -> set[int]:
    """What the notary may be served: the dashboard (site root), the public
    section and the procedures ``codes``."""
    root = Page.objects.get(depth=2)
    allowed = {root.pk}
    for page in live_pages():
        if getattr(page, "publicly_visible", False):
            allowed.add(page.pk)
        if isinstance(page, ProcedurePage) and page.code in codes:
            allowed.add(page.pk)
    return allowed


def other_client_names(world, except_for=()) -> list[str]:
    return list(
        Client.objects.exclude(name__in=except_for).values_list("name", flat=True)
    )


def walk(http, world, codes: set[str]) -> list[str]:
    """Every live page: served only in scope, 404 outside. Returns the text of
    every page she was served."""
    served = []
    allowed = allowed_pages(codes)
    for page in live_pages():
        response = http.get(page.url)
        expected = 200 if page.pk in allowed else 404
        assert response.status_code == expected, (page.url, response.status_code)
        if expected == 200:
            served.append(text_of(response))
    return served


def search_titles(http, q: str) -> list[str]:
    response = http.get("/zoeken/", {"q": q})
    assert response.status_code == 200
    return [hit.title for hit in response.context["result"].hits]


def suggestions(http, q: str) -> str:
    response = http.get("/zoeken/suggesties/", {"q": q})
    assert response.status_code == 200
    return json.dumps(response.json(), ensure_ascii=False)


def attach(code: str, title: str):
    document = get_document_model().objects.create(
        title=title, file=ContentFile(b"Formulier (demo).", name=f"{code}.txt")
    )
    ProcedureAttachment.objects.create(
        page=ProcedurePage.objects.get(code=code), document=document
    )
    return document


# -- who is an external notary -----------------------------------------------------


def test_the_notary_role_alone_makes_an_external_notary_E4(world):
    assert is_external_notary(world["notary"])
    assert not is_external_notary(world["assessor"])
    # Staff who also mediate, and superusers, are not confined by the role.
    assert not is_external_notary(UserFactory(roles=[EXTERNAL_MEDIATOR, ASSESSOR]))
    boss = UserFactory(roles=[EXTERNAL_MEDIATOR])
    boss.is_superuser = True
    assert not is_external_notary(boss)
    assert not is_external_notary(None)


# -- without a consented mediation ----------------------------------------------


def test_notary_without_mediation_reaches_only_dashboard_public_pages_and_P07(world):
    http = login(world["notary"])
    served = walk(http, world, {"P-07"})
    names = other_client_names(world)
    for text in served:
        for name in names:
            assert name not in text
    dashboard = text_of(http.get("/"))
    assert "U hebt op dit moment geen toegang tot een klantdossier." in dashboard
    assert "Klantsignaal melden" not in dashboard
    assert "Handboek" not in dashboard
    assert "kwaliteitsdocumenten" not in dashboard.lower()


def test_staff_still_read_the_whole_handbook(world):
    """Not vacuous: the pages refused to the notary exist and are served."""
    http = login(world["assessor"])
    for page in live_pages():
        assert http.get(page.url).status_code == 200, page.url
    assert {p.code for p in procedures_visible_to(world["assessor"])} >= set(WORDS)


def test_notary_is_refused_the_signal_form_and_never_sees_client_names_S1_E4(world):
    http = login(world["notary"])
    names = other_client_names(world)
    for response in (
        http.get("/signalen/nieuw/"),
        http.post(
            "/signalen/nieuw/",
            {"client": world["klant"].pk, "channel": "email", "description": "x"},
        ),
    ):
        assert response.status_code == 404
        for name in names:
            assert name not in response.content.decode()
    assert not Signal.objects.filter(reported_by=world["notary"]).exists()
    for signal in Signal.objects.all():
        assert http.get(f"/signalen/{signal.pk}/").status_code == 404


def test_notary_without_mediation_has_no_client_list(world):
    http = login(world["notary"])
    response = http.get("/dossiers/")
    assert response.status_code == 200
    assert list(response.context["clients"]) == []
    body = response.content.decode()
    for client in Client.objects.all():
        assert client.name not in body
        assert http.get(f"/dossiers/{client.pk}/").status_code == 404


def test_notary_is_refused_every_procedure_url_outside_scope(world):
    http = login(world["notary"])
    assert http.get("/procedures/P-07/").status_code == 302
    for code in WORDS:
        page = ProcedurePage.objects.get(code=code)
        version = page.versions.order_by("-published_at").first()
        assert http.get(f"/procedures/{code}/").status_code == 404
        assert http.get(f"/procedures/{code}/vergelijk/").status_code == 404
        if version is not None:
            label = version.version_label
            pdf = f"/procedures/{code}/versie/{label}.pdf"
            assert http.get(pdf).status_code == 404
            ack = f"/procedures/{code}/versie/{label}/gelezen/"
            assert http.post(ack).status_code == 404
    assert not ReadAcknowledgement.objects.filter(user=world["notary"]).exists()


def test_notary_has_no_admin(world):
    http = login(world["notary"])
    for url in (
        ADMIN,
        f"{ADMIN}klantdossier/register/",
        f"{ADMIN}klantdossier/{world['klant'].pk}/",
        f"{ADMIN}pages/",
        f"{ADMIN}documents/",
    ):
        response = http.get(url)
        assert response.status_code in (302, 403, 404), url
        assert KLANT not in response.content.decode()


def test_notary_search_and_autocomplete_find_nothing_outside_scope(world):
    staff = login(world["assessor"])
    http = login(world["notary"])
    for code, word in WORDS.items():
        # The index has the procedure: staff find it ...
        assert any(code in t for t in search_titles(staff, word)), code
        # ... the notary does not.
        assert not any(code in t for t in search_titles(http, word)), code
        assert code not in suggestions(http, word[:6])
    for client in Client.objects.all():
        assert all(client.name not in t for t in search_titles(http, client.name))
        assert client.name not in suggestions(http, client.name[:6])


# -- with a consented mediation ---------------------------------------------------


def test_notary_with_consent_reaches_her_dossier_and_the_named_procedures_E4(world):
    mediation = consent(world, codes=("P-03",))
    assert mediation.procedure_codes == ["P-03"]
    http = login(world["notary"])
    served = walk(http, world, {"P-07", "P-03"})
    others = other_client_names(world, except_for=[KLANT])
    for text in served:
        for name in others:
            assert name not in text
    response = http.get("/dossiers/")
    assert list(response.context["clients"]) == [world["klant"]]
    for client in Client.objects.all():
        expected = 200 if client == world["klant"] else 404
        assert http.get(f"/dossiers/{client.pk}/").status_code == expected
    assert http.get("/procedures/P-03/").status_code == 302
    assert http.get("/procedures/P-01/").status_code == 404
    assert http.get("/signalen/nieuw/").status_code == 404
    assert "Klantsignaal melden" not in text_of(http.get("/"))


def test_notary_search_with_consent_finds_her_dossier_and_procedures_only(world):
    consent(world, codes=("P-03",))
    wagtail_index.insert_or_update_object(world["klant"])
    http = login(world["notary"])
    assert any("P-03" in t for t in search_titles(http, WORDS["P-03"]))
    assert not any("P-01" in t for t in search_titles(http, WORDS["P-01"]))
    assert not any("P-05" in t for t in search_titles(http, WORDS["P-05"]))
    assert KLANT in search_titles(http, "Bemiddeling")
    for name in other_client_names(world, except_for=[KLANT]):
        assert all(name not in t for t in search_titles(http, name))
        assert name not in suggestions(http, name[:6])
    assert "P-01" not in suggestions(http, WORDS["P-01"][:6])


def test_notary_downloads_only_attachments_of_her_procedures(world):
    own = attach("P-03", "Formulier onderzoek")
    other = attach("P-01", "Formulier documentbeheer")
    loose = get_document_model().objects.create(
        title="Los document", file=ContentFile(b"intern", name="los.txt")
    )
    http = login(world["notary"])
    for document in (own, other, loose):
        assert http.get(document.url).status_code == 404
    consent(world, codes=("P-03",))
    assert http.get(own.url).status_code == 200
    assert http.get(other.url).status_code == 404
    assert http.get(loose.url).status_code == 404
    # Staff download them all.
    staff = login(world["assessor"])
    assert staff.get(other.url).status_code == 200


def test_dashboard_says_until_when_she_has_access_E4(world):
    until = access_day()
    consent(world, until=until)
    text = text_of(login(world["notary"]).get("/"))
    assert (
        f"U hebt toegang tot het dossier van {KLANT} tot en met 4 januari "
        f"{until.year}." in text
    )
    assert "E4" not in text


def test_dashboard_says_no_access_once_the_mediation_is_withdrawn(world):
    mediation = consent(world)
    http = login(world["notary"])
    mediation_withdraw(mediation=mediation, by=world["office"], note="Eiser stopt.")
    # Her account is deactivated: the session no longer signs her in.
    response = http.get("/")
    assert response.status_code == 302
    assert "toegang tot het dossier" not in response.content.decode()


def test_the_consent_form_offers_the_procedures_besides_P07(world):
    form = ConsentForm()
    codes = [code for code, _label in form.fields["procedure_codes"].choices]
    assert codes == ["P-01", "P-03", "P-05"]


def test_consent_naming_an_unknown_procedure_is_refused_and_writes_nothing(world):
    mediation = escalate(world)
    office = world["office"]
    mediation_propose(mediation=mediation, notaries=world["proposal"], by=office)
    mediation_choose(mediation=mediation, notary=world["anna"], by=office)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="P-99"):
        mediation_consent(
            mediation=mediation,
            by=office,
            claimant_consent_at=yesterday,
            organisation_consent_at=yesterday,
            procedure_codes=["P-03", "P-99"],
        )
    mediation.refresh_from_db()
    assert mediation.state == Mediation.State.CHOSEN
    assert mediation.procedure_codes == []
    assert not ClientUserObjectPermission.objects.filter(user=world["notary"]).exists()


# -- the account follows the access -------------------------------------------------


def logged(user, action: str) -> bool:
    return ModelLogEntry.objects.filter(
        content_type__model="user", object_id=str(user.pk), action=action
    ).exists()


def test_account_is_deactivated_when_her_last_grant_expires_E4(world):
    consent(world, until=access_day())
    notary = world["notary"]
    http = login(notary)
    assert http.get("/").status_code == 200
    assert grants_expire(now=access_day() + datetime.timedelta(minutes=1)) >= 1
    notary.refresh_from_db()
    assert not notary.is_active
    assert logged(notary, "portal.notary.deactivated")
    # Her open session no longer signs her in.
    response = http.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


def test_account_stays_active_while_another_grant_lasts(world):
    consent(world, until=access_day())
    second = ClientFactory(
        name="Tweede Bemiddeling", region="GE", contact_email="t@example.invalid"
    )
    consent(world, escalate(world, second), until=access_day(years_ahead=2))
    grants_expire(now=access_day() + datetime.timedelta(minutes=1))
    world["notary"].refresh_from_db()
    assert world["notary"].is_active
    assert not logged(world["notary"], "portal.notary.deactivated")


def close(world, mediation):
    office = world["office"]
    mediation_record_session(
        mediation=mediation,
        by=office,
        session_at=timezone.now() - datetime.timedelta(hours=1),
    )
    mediation_evaluate(
        mediation=mediation,
        by=office,
        outcome="Partijen eens over herbeoordeling.",
        evaluation="Rapporttermijn moet korter.",
    )
    return mediation_close(mediation=mediation, by=office)


def test_account_is_deactivated_when_the_mediation_closes_E4(world):
    close(world, consent(world))
    world["notary"].refresh_from_db()
    assert not world["notary"].is_active
    assert logged(world["notary"], "portal.notary.deactivated")


def test_account_is_deactivated_when_her_grant_is_revoked(world):
    consent(world)
    dossier_access_revoke(
        client=world["klant"],
        user=world["notary"],
        by=world["office"],
        reason="Toegang ingetrokken door het register.",
    )
    world["notary"].refresh_from_db()
    assert not world["notary"].is_active


def test_a_new_consent_reactivates_the_account_E4(world):
    close(world, consent(world))
    notary = world["notary"]
    notary.refresh_from_db()
    assert not notary.is_active
    second = ClientFactory(
        name="Tweede Bemiddeling", region="GE", contact_email="t@example.invalid"
    )
    consent(world, escalate(world, second))
    notary.refresh_from_db()
    assert notary.is_active
    assert logged(notary, "portal.notary.reactivated")
    assert login(notary).get("/").status_code == 200


def test_staff_accounts_are_never_deactivated_by_an_ending_grant(world):
    """Refusal path: only an external notary's account follows her access."""
    colleague = UserFactory(roles=[CORE_GROUP])
    mediating_staff = UserFactory(roles=[EXTERNAL_MEDIATOR, ASSESSOR])
    for user in (colleague, mediating_staff):
        dossier_access_grant(
            client=world["klant"],
            user=user,
            by=world["office"],
            reason="Tijdelijk.",
            expires_at=access_day(),
        )
    grants_expire(now=access_day() + datetime.timedelta(minutes=1))
    for user in (colleague, mediating_staff):
        user.refresh_from_db()
        assert user.is_active
        assert not logged(user, "portal.notary.deactivated")


def test_a_notary_who_never_had_a_grant_keeps_her_account(world):
    """The demo notary waits for her first consent: nothing ended, nothing is
    deactivated (she sees that she has no access)."""
    grants_expire()
    world["notary"].refresh_from_db()
    assert world["notary"].is_active
    assert HandbookPage.objects.live().exists()
