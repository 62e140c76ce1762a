"""The dossier's "Toegang" panel (issue 18, item 5): who sees a dossier and why,
from the same relations as the selectors; a colleague's time-limited access (C4:
the quality officer consults colleagues) and its end.

Built on the permission matrix's world (its subjects, two dossiers, every kind
of relation and an expired grant); the register matrix's world (complaints,
appeals, mediations, notaries) is compared in `test_access_panel_register.py`."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as DjangoTestClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cases import kinds
from cases.deadlines import LOCAL
from cases.models import Client, ClientUserObjectPermission
from cases.selectors import dossiers_visible_to, selectors
from cases.selectors_access import colleagues_for_access, dossier_access
from cases.services import (
    dossier_access_grant_to_colleague,
    dossier_access_withdraw,
)
from portal.models import User
from tests.cases import test_permission_matrix as matrix

pytestmark = pytest.mark.django_db

world = matrix.world
_isolated_files = matrix._isolated_files

SEARCH = "/zoeken/"

# How each scoped model reaches its client.
_DOSSIER_CLIENT_PATHS = {
    "client": "pk",
    "audit": "client",
    "certificationdecision": "audit__client",
    "certificate": "client",
    "evidencefile": "client",
}


def _client_path(model) -> str:
    if kinds.is_case_model(model):
        return kinds.kind_of(model).client_field
    return _DOSSIER_CLIENT_PATHS[model._meta.model_name]


def sees_part(user, client) -> bool:
    """What the selectors say: does ``user`` see anything of ``client``'s dossier
    (its record, an audit, a decision, a certificate, evidence, a case)?"""
    return any(
        selector(user).filter(**{_client_path(model): client.pk}).exists()
        for model, selector in selectors().items()
    )


def panel_people(client) -> set[int]:
    return {e.user.pk for e in dossier_access(client) if e.active}


def whole_dossier_people(client) -> set[int]:
    return {
        e.user.pk
        for e in dossier_access(client)
        if e.active and any(r.active and r.whole_dossier for r in e.reasons)
    }


def _today():
    return timezone.now().astimezone(LOCAL).date()


def _browser(world, key):
    browser = DjangoTestClient()
    browser.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[key]
    return browser


# -- one source of truth ---------------------------------------------------------


@pytest.mark.parametrize(
    "subject_key", [s.key for s in matrix.SUBJECTS if not s.anonymous]
)
@pytest.mark.parametrize("client_key", list(matrix.CLIENT_DATA))
def test_the_panel_lists_a_subject_exactly_when_the_selectors_let_them_see(
    world, subject_key, client_key
):
    user = world.users[subject_key]
    client = world.instances[f"client_{client_key}"]
    assert (user.pk in panel_people(client)) == sees_part(user, client)
    assert (user.pk in whole_dossier_people(client)) == (
        dossiers_visible_to(user).filter(pk=client.pk).exists()
    )


def test_the_panel_lists_exactly_everyone_the_selectors_let_see(world):
    for client in Client.objects.all():
        want = {u.pk for u in User.objects.all() if sees_part(u, client)}
        assert panel_people(client) == want, client.name


def test_the_panel_reads_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    client = world.instances["client_a"]
    with django_assert_max_num_queries(16):
        entries = dossier_access(client)
        for entry in entries:
            assert entry.roles is not None
    assert len(entries) >= 8


def test_an_expired_grant_is_listed_as_expired_and_gives_nothing(world):
    user = world.users["verlopen_toegang_a"]
    client = world.instances["client_a"]
    (entry,) = [e for e in dossier_access(client) if e.user.pk == user.pk]
    assert not entry.active
    (reason,) = entry.reasons
    assert reason.kind == "dossier_grant"
    assert not reason.active
    assert not sees_part(user, client)


def test_each_relation_gives_its_reason(world):
    client = world.instances["client_a"]
    by_user = {
        e.user.username: {r.kind for r in e.reasons} for e in dossier_access(client)
    }
    assert by_user["kwaliteit"] == {"register"}
    assert by_user["teamleider_a"] == {"team_leader"}
    assert by_user["beoordelaar_a"] == {"assessor"}
    assert by_user["beslisser_a"] == {"decision_decider"}
    assert by_user["dossiertoegang_a"] == {"dossier_grant"}
    assert by_user["onderzoekstoegang_a"] == {"audit_grant"}
    assert "beoordelaar_b" not in by_user
    assert "kerngroep_zonder_toegang" not in by_user


# -- the panel on the page ---------------------------------------------------------


def test_the_panel_shows_people_reasons_and_dates_in_dutch(world, client):
    matrix.login(client, world, matrix.SUBJECTS_BY_KEY["kwaliteit"])
    dossier = world.instances["client_a"]
    response = client.get(reverse("cases_admin:dossier", args=[dossier.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="toegang"' in body
    assert "Teamleider van het onderzoek" in body
    assert "Matrix-dossiertoegang_a" in body
    grant = world.grants["dossiertoegang_a", "a"]
    until = grant.expires_at.astimezone(LOCAL)
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli"]
    months += ["augustus", "september", "oktober", "november", "december"]
    assert f"{until.day} {months[until.month - 1]} {until.year}" in body
    assert "verlopen op" in body  # the expired grant
    assert "Intrekken" in body
    assert reverse("cases_admin:access_revoke", args=[dossier.pk, grant.user_id])
    assert "Toegang verlenen" in body
    # No rule ids on screen.
    panel = body[body.index('id="toegang"') :]
    for rule in ("(C4)", "(E4)", "(A7)"):
        assert rule not in panel


@pytest.mark.parametrize(
    "subject_key",
    ["dossiertoegang_a", "beslisser_a", "onderzoekstoegang_a"],
)
def test_the_panel_is_hidden_from_those_without_a_register_role(
    world, client, subject_key
):
    matrix.login(client, world, matrix.SUBJECTS_BY_KEY[subject_key])
    dossier = world.instances["client_a"]
    response = client.get(reverse("cases_admin:dossier", args=[dossier.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="toegang"' not in body
    assert "Ziet het hele register" not in body
    assert reverse("cases_admin:access_grant", args=[dossier.pk]) not in body


@pytest.mark.parametrize(
    ("subject_key", "status"),
    [
        # Sees the dossier, does not keep the register: Wagtail's "permission
        # denied" (back to the dashboard, with its message), as for the admin's
        # other refusals.
        ("dossiertoegang_a", 302),
        ("onderzoekstoegang_a", 302),
        # Does not see dossier a: as if it did not exist.
        ("kerngroep_zonder_toegang", 404),
        ("beslisser_zonder_relatie", 404),
    ],
)
def test_grant_and_revoke_are_refused_outside_the_register_roles(
    world, client, subject_key, status
):
    matrix.login(client, world, matrix.SUBJECTS_BY_KEY[subject_key])
    dossier = world.instances["client_a"]
    colleague = world.users["kerngroep_zonder_toegang"]
    holder = world.users["dossiertoegang_a"]
    before = ModelLogEntry.objects.count()
    response = client.post(
        reverse("cases_admin:access_grant", args=[dossier.pk]),
        {
            "user": colleague.pk,
            "reason": "Overleg",
            "until": (_today() + datetime.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == matrix.ADMIN_HOME
    response = client.post(
        reverse("cases_admin:access_revoke", args=[dossier.pk, holder.pk]),
        {"reason": "Klaar"},
    )
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == matrix.ADMIN_HOME
    assert ModelLogEntry.objects.count() == before
    assert colleague.pk not in panel_people(dossier)
    assert holder.pk in panel_people(dossier)


# -- a grant opens at once, a revoke closes at once -----------------------------------


def _search_titles(browser, word) -> list[str]:
    response = browser.get(SEARCH, {"q": word})
    assert response.status_code == 200
    result = response.context["result"]
    return [hit.title for hit in result.hits] if result else []


def test_a_grant_opens_the_dossier_and_its_evidence_in_search_at_once_and_revoke_closes_it(  # noqa: E501
    world, client
):
    from wagtail.search.index import insert_or_update_object

    for label, instance in world.instances.items():
        if label.startswith("evidence_a"):
            insert_or_update_object(instance)
    quality = matrix.login(client, world, matrix.SUBJECTS_BY_KEY["kwaliteit"])
    colleague = world.users["kerngroep_zonder_toegang"]
    them = _browser(world, colleague.username)
    dossier = world.instances["client_a"]
    evidence = world.instances["evidence_a_general"]
    page = reverse("cases:dossier", args=[dossier.pk])
    download = reverse("cases:evidence_download", args=[evidence.uuid])
    word = "PEERDESC-ALFA"
    assert them.get(page).status_code == 404
    assert _search_titles(them, word) == []

    until = _today() + datetime.timedelta(days=14)
    response = client.post(
        reverse("cases_admin:access_grant", args=[dossier.pk]),
        {"user": colleague.pk, "reason": "Overleg over de klacht", "until": until},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#toegang")

    assert them.get(page).status_code == 200
    assert them.get(download).status_code == 200
    assert _search_titles(them, word) == [evidence.original_name]
    (entry,) = [e for e in dossier_access(dossier) if e.user.pk == colleague.pk]
    (reason,) = entry.reasons
    assert reason.kind == "dossier_grant"
    assert reason.revocable
    assert reason.granted_by == quality
    assert reason.until.astimezone(LOCAL).date() == until
    grant_log = ModelLogEntry.objects.for_instance(dossier).filter(
        action="portal.grant"
    )
    assert grant_log.latest("pk").user_id == quality.pk
    assert grant_log.latest("pk").data["reason"] == "Overleg over de klacht"

    response = client.post(
        reverse("cases_admin:access_revoke", args=[dossier.pk, colleague.pk]),
        {"reason": "Overleg afgerond"},
    )
    assert response.status_code == 302

    assert them.get(page).status_code == 404
    assert them.get(download).status_code == 404
    assert _search_titles(them, word) == []
    assert colleague.pk not in {e.user.pk for e in dossier_access(dossier)}
    revoke_log = ModelLogEntry.objects.for_instance(dossier).filter(
        action="portal.revoke"
    )
    assert revoke_log.latest("pk").data["reason"] == "Overleg afgerond"
    # The dossier's history on its page shows both.
    body = client.get(reverse("cases_admin:dossier", args=[dossier.pk])).content
    history = body.decode().split("Geschiedenis van de toegang")[1]
    assert "Toegang verleend" in history
    assert "Toegang ingetrokken" in history
    assert "Overleg afgerond" in history
    # And the snippet's own history (Wagtail's audit log of the client).
    response = client.get(
        reverse("wagtailsnippets_cases_client:history", args=[dossier.pk])
    )
    assert response.status_code == 200
    assert "Toegang ingetrokken" in response.content.decode()


# -- refusals: in the service, and on the page without losing what was typed --------


def _grant(world, **overrides):
    values = {
        "client": world.instances["client_a"],
        "user": world.users["kerngroep_zonder_toegang"],
        "by": world.users["kwaliteit"],
        "reason": "Overleg",
        "until": _today() + datetime.timedelta(days=10),
    }
    return dossier_access_grant_to_colleague(**(values | overrides))


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"reason": "  "}, "reason", "reden"),
        ({"until": None}, "until", "datum"),
        ({"until": "yesterday"}, "until", "verleden"),
        ({"until": "91 days"}, "until", "90 dagen"),
        ({"user": "notary"}, "user", "collega"),
        ({"user": "register"}, "user", "hele register"),
    ],
)
def test_the_service_refuses_a_grant_that_breaks_the_rule(
    world, overrides, field, words
):
    if overrides.get("until") == "yesterday":
        overrides["until"] = _today() - datetime.timedelta(days=1)
    if overrides.get("until") == "91 days":
        overrides["until"] = _today() + datetime.timedelta(days=91)
    if overrides.get("user") == "notary":
        overrides["user"] = world.users["zonder_rol"]
    if overrides.get("user") == "register":
        overrides["user"] = world.users["directie"]
    before = ClientUserObjectPermission.objects.count()
    with pytest.raises(ValidationError) as exc:
        _grant(world, **overrides)
    assert words in " ".join(exc.value.message_dict[field])
    assert ClientUserObjectPermission.objects.count() == before


def test_the_service_allows_exactly_ninety_days_and_today(world):
    colleague = world.users["kerngroep_zonder_toegang"]
    grant = _grant(world, until=_today() + datetime.timedelta(days=90))
    assert grant.user == colleague
    grant = _grant(world, until=_today())
    assert grant.expires_at > timezone.now()


@override_settings(PORTAL_GRANT_MAX_DAYS=7)
def test_the_limit_is_a_setting(world):
    with pytest.raises(ValidationError) as exc:
        _grant(world, until=_today() + datetime.timedelta(days=8))
    assert "7 dagen" in " ".join(exc.value.message_dict["until"])


@pytest.mark.parametrize("by", ["dossiertoegang_a", "teamleider_a", None])
def test_only_the_register_roles_grant_and_revoke(world, by):
    user = world.users[by] if by else None
    with pytest.raises(PermissionDenied):
        _grant(world, by=user)
    with pytest.raises(PermissionDenied):
        dossier_access_withdraw(
            client=world.instances["client_a"],
            user=world.users["dossiertoegang_a"],
            by=user,
            reason="Klaar",
        )


def test_revoking_what_is_not_there_is_refused(world):
    quality = world.users["kwaliteit"]
    dossier = world.instances["client_a"]
    for user in (world.users["kerngroep_zonder_toegang"], world.users["teamleider_a"]):
        with pytest.raises(ValidationError, match="niets in te trekken"):
            dossier_access_withdraw(
                client=dossier, user=user, by=quality, reason="Klaar"
            )
    with pytest.raises(ValidationError) as exc:
        dossier_access_withdraw(
            client=dossier, user=world.users["dossiertoegang_a"], by=quality, reason=""
        )
    assert "reason" in exc.value.message_dict
    assert world.users["dossiertoegang_a"].pk in panel_people(dossier)


def test_a_refused_grant_form_keeps_what_was_typed(world, client):
    matrix.login(client, world, matrix.SUBJECTS_BY_KEY["kwaliteit"])
    dossier = world.instances["client_a"]
    colleague = world.users["kerngroep_zonder_toegang"]
    too_far = _today() + datetime.timedelta(days=120)
    response = client.post(
        reverse("cases_admin:access_grant", args=[dossier.pk]),
        {
            "user": colleague.pk,
            "reason": "Tweede mening TYPED-REASON-77",
            "until": too_far.isoformat(),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "TYPED-REASON-77" in body
    assert too_far.isoformat() in body
    assert f'value="{colleague.pk}" selected' in body
    assert "ten hoogste 90 dagen" in body
    assert colleague.pk not in panel_people(dossier)

    response = client.post(
        reverse("cases_admin:access_grant", args=[dossier.pk]),
        {"user": "", "reason": "", "until": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kies een actieve collega" in body
    assert "Geef een reden op" in body
    assert "tot en met welke datum" in body

    response = client.post(
        reverse("cases_admin:access_grant", args=[dossier.pk]),
        {"user": colleague.pk, "reason": "Overleg TYPED-88", "until": "gisteren"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "geldige datum" in body
    assert "TYPED-88" in body


def test_a_refused_revoke_keeps_the_grant_and_says_why(world, client):
    matrix.login(client, world, matrix.SUBJECTS_BY_KEY["kwaliteit"])
    dossier = world.instances["client_a"]
    holder = world.users["dossiertoegang_a"]
    response = client.post(
        reverse("cases_admin:access_revoke", args=[dossier.pk, holder.pk]),
        {"reason": ""},
    )
    assert response.status_code == 400
    assert "Geef een reden op" in response.content.decode()
    assert holder.pk in panel_people(dossier)
    stranger = world.users["kerngroep_zonder_toegang"]
    for user_pk in (stranger.pk, 987_654_321):
        response = client.post(
            reverse("cases_admin:access_revoke", args=[dossier.pk, user_pk]),
            {"reason": "Klaar"},
        )
        assert response.status_code == 400


def test_the_chooser_offers_active_staff_with_their_role(world):
    offered = set(colleagues_for_access().values_list("username", flat=True))
    assert "kerngroep_zonder_toegang" in offered
    assert "teamleider_a" in offered
    assert {"kwaliteit", "officemanager", "directie", "zonder_rol"}.isdisjoint(offered)
