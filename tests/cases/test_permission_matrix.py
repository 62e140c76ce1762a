"""The confidentiality permission matrix of the client dossier.

DESIGN.md ("Confidentiality model") and the rules in the docstring of
`cases.selectors`: every subject (each role, plus the people a grant, a team or a
decision relates to) x every object (client, audit, decision, certificate,
evidence) x every way in (admin listing, edit, inspect, history, usage, chooser,
download, admin dossier page, its Toegang panel, front-end views) gives exactly
what the rules allow, and an object outside a subject's scope never answers 200
nor shows any of its content, in *any* response that subject gets.

How it is built, so that the case register (complaints, appeals, mediations) can
extend it:

- ``SUBJECTS``/``PEOPLE``: who asks, described by what relates them to the
  dossiers (roles, team, decisions, grants); `build_world` turns that into data.
- ``OBJECT_KINDS`` and ``OBJECTS``: every object of the world with its kind, the
  keys of what it belongs to, its ``secrets`` (strings only that object carries)
  and its ``timeline_marker`` (how a dossier page shows it).
- `expected(subject, obj)`: the rules of `cases.selectors`, derived from the
  subject's relations, never a hand-typed table of booleans.
- ``WAYS``: one small check function per way in, applying to some kinds, asked
  once per object, per kind (listings) or per client (dossier pages).
- `known_bug`: combinations that fail because of a bug in the application; they
  are strict xfails with the bug in the reason (and each bug has its own test).

The world is built once per module inside a transaction that is rolled back at
the end (each test runs in a savepoint within it; pytest-django supports this),
and every person logs in once; nothing is left behind for other test modules.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client as DjangoTestClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cases.models import (
    Audit,
    Certificate,
    CertificationDecision,
    Client,
    ClientUserObjectPermission,
    EvidenceFile,
    Province,
)
from cases.selectors import visible_to
from cases.services import (
    audit_access_grant,
    certificate_issue,
    decision_mark_emailed,
    decision_record,
    dossier_access_grant,
    dossier_access_revoke,
    evidence_upload,
)
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    DOSSIER_MODELS,
    MANAGEMENT,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
    REGISTER_PERMISSION,
    ROLES_BY_CODE,
)
from tests.conftest import _create_empty_search_indexes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/inloggen/"
ADMIN_HOME = "/admin/"
DOWNLOAD_ACTION = "portal.evidence.download"


# -- subjects ------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone in the world, described by what relates them to the dossiers.

    Tuples hold client keys ("a", "b"): each client has one audit and one
    decision, so "team of audit a" is ``team_leader_of=("a",)``."""

    key: str
    roles: tuple[str, ...] = ()
    anonymous: bool = False
    team_leader_of: tuple[str, ...] = ()
    assessor_of: tuple[str, ...] = ()
    decides: tuple[str, ...] = ()
    dossier_grants: tuple[str, ...] = ()
    expired_dossier_grants: tuple[str, ...] = ()
    audit_grants: tuple[str, ...] = ()

    @property
    def register(self) -> bool:
        return any(
            REGISTER_PERMISSION in ROLES_BY_CODE[r].permissions for r in self.roles
        )

    @property
    def admin(self) -> bool:
        return any(ROLES_BY_CODE[r].admin_access for r in self.roles)

    @property
    def perms(self) -> set[str]:
        return {p for r in self.roles for p in ROLES_BY_CODE[r].permissions}

    @property
    def team(self) -> set[str]:
        return set(self.team_leader_of) | set(self.assessor_of)

    def without_decisions(self) -> Person:
        return replace(self, decides=())


SUBJECTS: tuple[Person, ...] = (
    Person("kwaliteit", roles=(QUALITY_OFFICER,)),
    Person("officemanager", roles=(OFFICE_MANAGER,)),
    Person("directie", roles=(MANAGEMENT,)),
    Person("kerngroep_zonder_toegang", roles=(CORE_GROUP,)),
    Person("teamleider_a", roles=(ASSESSOR,), team_leader_of=("a",)),
    Person("beoordelaar_a", roles=(ASSESSOR,), assessor_of=("a",)),
    Person("beoordelaar_b", roles=(ASSESSOR,), assessor_of=("b",)),
    Person("beslisser_a", roles=(CERTIFICATION_DECIDER,), decides=("a",)),
    Person("beslisser_zonder_relatie", roles=(CERTIFICATION_DECIDER,)),
    Person("dossiertoegang_a", roles=(CORE_GROUP,), dossier_grants=("a",)),
    Person("verlopen_toegang_a", roles=(CORE_GROUP,), expired_dossier_grants=("a",)),
    Person("onderzoekstoegang_a", roles=(CORE_GROUP,), audit_grants=("a",)),
    Person("zonder_rol"),
    Person("anoniem", anonymous=True),
)
# Needed to complete the world, not asked themselves.
OTHERS: tuple[Person, ...] = (
    Person("teamleider_b", roles=(ASSESSOR,), team_leader_of=("b",)),
    Person("beslisser_b", roles=(CERTIFICATION_DECIDER,), decides=("b",)),
)
PEOPLE = SUBJECTS + OTHERS
SUBJECTS_BY_KEY = {s.key: s for s in SUBJECTS}


# -- objects -------------------------------------------------------------------

CLIENT_DATA = {
    "a": {
        "name": "Klant Alfa Zichtbaar",
        "city": "Alfastad",
        "contact_email": "post@alfa-zichtbaar.example",
        "region": Province.UTRECHT,
        "audit_notes": "Onderzoeksnotitie AUDITNOTE-ALFA-31",
        "audit_start": datetime.date(2024, 3, 11),
        "motivation": "Motivering DECISIONMOT-ALFA-52",
        "cert_number": "CERTNR-ALFA-4711",
        "cert_scope": "Reikwijdte CERTSCOPE-ALFA-93",
        "ev_audit": ("rapport-KIWIFILE-ALFA.txt", "Omschrijving KIWIDESC-ALFA"),
        "ev_general": ("contract-PEERFILE-ALFA.txt", "Omschrijving PEERDESC-ALFA"),
    },
    "b": {
        "name": "Klant Bravo Geheim",
        "city": "Bravodorp",
        "contact_email": "post@bravo-geheim.example",
        "region": Province.ZEELAND,
        "audit_notes": "Onderzoeksnotitie AUDITNOTE-BRAVO-64",
        "audit_start": datetime.date(2024, 5, 17),
        "motivation": "Motivering DECISIONMOT-BRAVO-18",
        "cert_number": "CERTNR-BRAVO-0815",
        "cert_scope": "Reikwijdte CERTSCOPE-BRAVO-27",
        "ev_audit": ("rapport-KIWIFILE-BRAVO.txt", "Omschrijving KIWIDESC-BRAVO"),
        "ev_general": ("contract-PEERFILE-BRAVO.txt", "Omschrijving PEERDESC-BRAVO"),
    },
}


def _bytes_of(name: str) -> bytes:
    return f"Vertrouwelijke inhoud CONTENT-{name.upper()}\n".encode()


@dataclass(frozen=True)
class ObjectKind:
    name: str
    model: type
    # May the object change at all? Evidence never, an e-mailed decision never,
    # an old certificate version never (`cases.views.admin_base.change_refusal`).
    editable: Callable[[object], bool] = lambda instance: True

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    def url(self, view: str, *args) -> str:
        return reverse(f"wagtailsnippets_cases_{self.model_name}:{view}", args=args)

    def chooser_url(self, view: str, *args) -> str:
        return reverse(
            f"wagtailsnippetchoosers_cases_{self.model_name}:{view}", args=args
        )


CLIENT = ObjectKind("client", Client)
AUDIT = ObjectKind("audit", Audit)
DECISION = ObjectKind("decision", CertificationDecision, lambda d: not d.is_emailed)
CERTIFICATE = ObjectKind("certificate", Certificate, lambda c: c.is_current)
EVIDENCE = ObjectKind("evidence", EvidenceFile, lambda e: False)
OBJECT_KINDS = (CLIENT, AUDIT, DECISION, CERTIFICATE, EVIDENCE)


@dataclass(frozen=True)
class Obj:
    """One object of the world. ``client``, ``audit`` and ``decision`` are the
    keys of what it belongs to (``audit``/``decision`` None: not tied to one)."""

    label: str
    kind: ObjectKind
    client: str
    audit: str | None = None
    decision: str | None = None
    secrets: tuple[str, ...] = ()
    # Shows that a dossier timeline lists this object.
    timeline_marker: str = ""


def _objects() -> tuple[Obj, ...]:
    objs = []
    for key, d in CLIENT_DATA.items():
        objs += [
            Obj(
                f"client_{key}",
                CLIENT,
                key,
                secrets=(d["name"], d["city"], d["contact_email"]),
                timeline_marker=d["name"],
            ),
            Obj(
                f"audit_{key}",
                AUDIT,
                key,
                audit=key,
                secrets=(d["audit_notes"],),
                timeline_marker="timeline__item--audit",
            ),
            Obj(
                f"decision_{key}",
                DECISION,
                key,
                audit=key,
                decision=key,
                secrets=(d["motivation"],),
                timeline_marker="timeline__item--decision",
            ),
            Obj(
                f"certificate_{key}",
                CERTIFICATE,
                key,
                secrets=(d["cert_number"], d["cert_scope"]),
                timeline_marker=d["cert_number"],
            ),
            Obj(
                f"evidence_{key}_audit",
                EVIDENCE,
                key,
                audit=key,
                secrets=(
                    *d["ev_audit"],
                    _bytes_of(d["ev_audit"][0]).decode().strip(),
                ),
                timeline_marker=d["ev_audit"][0],
            ),
            Obj(
                f"evidence_{key}_general",
                EVIDENCE,
                key,
                secrets=(
                    *d["ev_general"],
                    _bytes_of(d["ev_general"][0]).decode().strip(),
                ),
                timeline_marker=d["ev_general"][0],
            ),
        ]
    return tuple(objs)


OBJECTS = _objects()
OBJECTS_BY_LABEL = {o.label: o for o in OBJECTS}


# -- the rules -------------------------------------------------------------------


def expected(subject: Person, obj: Obj) -> bool:
    """May ``subject`` see ``obj``? The rules of `cases.selectors`' docstring."""
    if subject.anonymous:
        return False
    if subject.register:  # quality officer, office manager, management
        return True
    # An unexpired dossier grant: that whole dossier. (An expired one: nothing.)
    dossiers = set(subject.dossier_grants)
    # A team, an audit grant, a dossier grant or having decided on it: that audit,
    # its decisions and its evidence, and the client's basic record.
    audits = subject.team | set(subject.audit_grants) | dossiers | set(subject.decides)
    decisions = audits
    if obj.kind is CLIENT:
        return obj.client in dossiers | audits | decisions
    if obj.kind is AUDIT:
        return obj.audit in audits | set(subject.decides)
    if obj.kind is DECISION:
        return obj.decision in decisions
    if obj.kind is CERTIFICATE:
        return obj.client in dossiers
    if obj.kind is EVIDENCE:
        return (
            obj.client in dossiers
            or obj.audit in audits
            or (obj.decision is not None and obj.decision in decisions)
        )
    raise AssertionError(f"no rule for {obj.kind.name}")


def invisible_secrets(subject: Person) -> list[tuple[str, str]]:
    return [
        (o.label, s) for o in OBJECTS if not expected(subject, o) for s in o.secrets
    ]


# -- known bugs (strict xfail) ---------------------------------------------------

DECIDER_AUDIT_BUG = (
    "BUG: cases/selectors.py audits_visible_to() leaves out the rule 'a "
    "certification decider: the decisions they took (and their audit ...)': the "
    "decider of a decision gets 404 for its audit and never finds it listed."
)
SEARCH_NO_HITS_BUG = (
    "FIXED: search/backends/whoosh/results.py _do_search() passed limit=self.stop "
    "to Whoosh; an admin listing search without hits slices [0:0], Whoosh raises "
    "'ValueError: limit must be >= 1' and the page answers 500."
)
EVIDENCE_SEARCH_BUG = (
    "BUG: cases/models/evidence.py EvidenceFile.search_fields has no "
    "FilterField('decision') but cases/selectors.py evidence_visible_to() filters "
    "on decision__in: searching the evidence listing raises FilterFieldError (500) "
    "for everyone without the whole register."
)


def known_bug(subject: Person, obj: Obj, way: str | None) -> str | None:
    """Why the combination is expected to fail (None: it is not). ``way`` None
    stands for the selector itself. Keep this hook: a bug found later is recorded
    here as a strict xfail until it is fixed."""
    return None


# -- the world -------------------------------------------------------------------


@dataclass
class World:
    users: dict = field(default_factory=dict)
    instances: dict = field(default_factory=dict)  # Obj.label -> model instance
    grants: dict = field(default_factory=dict)  # (person key, client key) -> grant
    sessions: dict = field(default_factory=dict)  # person key -> session key

    def user(self, subject: Person):
        return None if subject.anonymous else self.users[subject.key]

    def instance(self, obj: Obj):
        return self.instances[obj.label]


def _people_with(attr: str, key: str) -> list[Person]:
    return [p for p in PEOPLE if key in getattr(p, attr)]


def build_world() -> World:
    w = World()
    for p in PEOPLE:
        if not p.anonymous:
            w.users[p.key] = UserFactory(
                username=p.key,
                first_name=p.key.split("_")[0].capitalize(),
                last_name=f"Matrix-{p.key}",
                roles=list(p.roles),
            )
    office, quality = w.users["officemanager"], w.users["kwaliteit"]
    for key, d in CLIENT_DATA.items():
        client = Client.objects.create(
            name=d["name"],
            region=d["region"],
            city=d["city"],
            contact_email=d["contact_email"],
            status=Client.Status.HOLDER,
        )
        (leader,) = _people_with("team_leader_of", key)
        audit = Audit.objects.create(
            client=client,
            kind=Audit.Kind.INITIAL,
            start_date=d["audit_start"],
            end_date=d["audit_start"] + datetime.timedelta(days=2),
            team_leader=w.users[leader.key],
            notes=d["audit_notes"],
        )
        audit.assessors.set([w.users[p.key] for p in _people_with("assessor_of", key)])
        (decider,) = _people_with("decides", key)
        decision = decision_record(
            audit=audit,
            decider=w.users[decider.key],
            outcome=CertificationDecision.Outcome.GRANTED,
            motivation=d["motivation"],
            by=office,
        )
        decision = decision_mark_emailed(decision=decision, by=office)
        certificate = certificate_issue(
            client=client,
            number=d["cert_number"],
            scope=d["cert_scope"],
            valid_from=datetime.date(2024, 6, 1),
            valid_until=datetime.date(2027, 5, 31),
            decision=decision,
            by=office,
        )
        evidence = {}
        for which, tied_audit in (("audit", audit), ("general", None)):
            name, description = d[f"ev_{which}"]
            evidence[which] = evidence_upload(
                client=client,
                uploaded_file=ContentFile(_bytes_of(name), name=name),
                by=quality,
                description=description,
                audit=tied_audit,
            )
        w.instances.update(
            {
                f"client_{key}": client,
                f"audit_{key}": audit,
                f"decision_{key}": decision,
                f"certificate_{key}": certificate,
                f"evidence_{key}_audit": evidence["audit"],
                f"evidence_{key}_general": evidence["general"],
            }
        )
    for p in PEOPLE:
        for key in p.dossier_grants:
            w.grants[p.key, key] = dossier_access_grant(
                client=w.instances[f"client_{key}"],
                user=w.users[p.key],
                by=quality,
                reason="Matrix: dossiertoegang",
                expires_at=timezone.now() + datetime.timedelta(days=30),
            )
        for key in p.expired_dossier_grants:
            grant = dossier_access_grant(
                client=w.instances[f"client_{key}"],
                user=w.users[p.key],
                by=quality,
                reason="Matrix: verlopen dossiertoegang",
                expires_at=timezone.now() + datetime.timedelta(hours=1),
            )
            # Time passes: the grant ran out a minute ago. The row is still there
            # (`expire_grants` has not cleaned it up yet) and must give nothing.
            ClientUserObjectPermission.objects.filter(pk=grant.pk).update(
                expires_at=timezone.now() - datetime.timedelta(minutes=1)
            )
            w.grants[p.key, key] = grant
        for key in p.audit_grants:
            audit_access_grant(
                audit=w.instances[f"audit_{key}"],
                user=w.users[p.key],
                by=quality,
                reason="Matrix: onderzoekstoegang",
            )
    # One session per person, reused by every test (logging in 1500 times costs).
    for key, user in w.users.items():
        browser = DjangoTestClient()
        browser.force_login(user)
        w.sessions[key] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The two dossiers and everybody, once per module, in a transaction that is
    rolled back at the end (each test runs in a savepoint inside it)."""
    tmp = tmp_path_factory.mktemp("matrix")
    backends = {k: dict(v) for k, v in settings.WAGTAILSEARCH_BACKENDS.items()}
    if "PATH" in backends["default"]:
        backends["default"]["PATH"] = str(tmp / "whoosh")
    evidence_storage = dict(settings.STORAGES["evidence"])
    evidence_storage["OPTIONS"] = {
        **evidence_storage.get("OPTIONS", {}),
        "location": str(tmp / "evidence"),
    }
    with ExitStack() as stack:
        stack.enter_context(
            override_settings(
                MEDIA_ROOT=tmp / "media",
                DATA_DIR=tmp,
                WAGTAILSEARCH_BACKENDS=backends,
                STORAGES={**settings.STORAGES, "evidence": evidence_storage},
            )
        )
        with django_db_blocker.unblock():
            _create_empty_search_indexes()
            atomic = transaction.atomic()
            atomic.__enter__()

            def rollback():
                with django_db_blocker.unblock():
                    transaction.set_rollback(True)
                    atomic.__exit__(None, None, None)

            stack.callback(rollback)
            built = build_world()
        yield built


@pytest.fixture(autouse=True)
def _isolated_files(world):
    """Overrides tests/conftest.py's per-test media, index and evidence storage:
    here they are the module's (set by `world`), where the world's files are."""


def login(http, world: World, subject: Person):
    if not subject.anonymous:
        http.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[subject.key]
    return world.user(subject)


# -- looking at responses ----------------------------------------------------------


def text_of(response) -> str:
    """The body as text, once (streams are consumed), JSON unpacked so that HTML
    inside a chooser's JSON reads as HTML."""
    cached = getattr(response, "_matrix_text", None)
    if cached is not None:
        return cached
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    response._matrix_bytes = raw
    text = raw.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text = "\n".join(_strings(json.loads(text)))
    response._matrix_text = text
    return text


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def assert_status(response, status: int):
    assert response.status_code == status, (
        f"{response.status_code} (expected {status}) "
        f"{response.get('Location', '')}".strip()
    )


def assert_redirect(response, location: str):
    assert_status(response, 302)
    assert response["Location"] == location


def assert_login_redirect(response):
    assert_status(response, 302)
    assert response["Location"].startswith(f"{LOGIN}?next="), response["Location"]


def assert_no_leak(subject: Person, responses):
    """Not one distinctive string of an object ``subject`` may not see."""
    for response in responses:
        body = text_of(response)
        leaked = [(label, s) for label, s in invisible_secrets(subject) if s in body]
        assert not leaked, f"out-of-scope content in the response: {leaked}"


# -- ways in ---------------------------------------------------------------------


@dataclass
class Ctx:
    """One subject asking for one group of objects (one object, all objects of a
    kind on a listing, all objects of a client on its dossier page)."""

    subject: Person
    objs: tuple[Obj, ...]
    world: World
    http: object  # django.test.Client

    @property
    def obj(self) -> Obj:
        (obj,) = self.objs
        return obj

    def instance(self, obj: Obj | None = None):
        return self.world.instance(obj or self.obj)

    def visible(self, obj: Obj | None = None) -> bool:
        return expected(self.subject, obj or self.obj)

    def has_model_perm(self, *actions: str) -> bool:
        name = self.obj.kind.model_name
        return any(f"cases.{a}_{name}" in self.subject.perms for a in actions)

    def refused_admin(self, response) -> bool:
        """Anonymous, and logged in without admin access: to the login. True when
        that is what was judged."""
        if self.subject.admin:
            return False
        assert_login_redirect(response)
        return True

    def assert_lists_exactly_the_visible(self, response, marker):
        assert_status(response, 200)
        body = text_of(response)
        shown = {o.label for o in self.objs if marker(o) in body}
        assert shown == {o.label for o in self.objs if self.visible(o)}


def _inspect_link(ctx: Ctx, obj: Obj) -> str:
    # Every listed row offers the inspect view (or links its title to it).
    return f'{obj.kind.url("inspect", ctx.instance(obj).pk)}"'


def way_admin_listing(ctx: Ctx):
    response = ctx.http.get(ctx.objs[0].kind.url("list"))
    if not ctx.refused_admin(response):
        ctx.assert_lists_exactly_the_visible(response, lambda o: _inspect_link(ctx, o))
    return [response]


def way_admin_search(ctx: Ctx):
    """The listing searched for a word only this object carries."""
    from wagtail.search.index import class_is_indexed, insert_or_update_object

    # Each test has a fresh, empty search index; the world is built once.
    for o in OBJECTS:
        if o.kind is ctx.obj.kind and class_is_indexed(type(ctx.instance(o))):
            insert_or_update_object(ctx.instance(o))
    word = ctx.obj.secrets[0].split()[-1]
    response = ctx.http.get(ctx.obj.kind.url("list_results"), {"q": word})
    # The page repeats what the user typed ("no results for ..."): not a leak.
    response.content = response.content.replace(word.encode(), b"")
    if not ctx.refused_admin(response):
        ctx.assert_lists_exactly_the_visible(response, lambda o: _inspect_link(ctx, o))
    return [response]


def way_chooser_list(ctx: Ctx):
    response = ctx.http.get(ctx.objs[0].kind.chooser_url("choose"))
    if not ctx.refused_admin(response):
        ctx.assert_lists_exactly_the_visible(
            response,
            lambda o: f'{o.kind.chooser_url("chosen", ctx.instance(o).pk)}"',
        )
    return [response]


def way_chosen(ctx: Ctx):
    response = ctx.http.get(ctx.obj.kind.chooser_url("chosen", ctx.instance().pk))
    if ctx.refused_admin(response):
        pass
    elif ctx.visible():
        assert_status(response, 200)
        assert str(ctx.instance()) in text_of(response)
    else:
        assert_status(response, 404)
    return [response]


def _object_view(view: str, permitted: Callable[[Ctx], bool]):
    """An admin view of one object: out of scope 404; in scope 200 when Wagtail's
    model permission for the view allows, else its 'permission denied' redirect
    to the dashboard."""

    def way(ctx: Ctx):
        response = ctx.http.get(ctx.obj.kind.url(view, ctx.instance().pk))
        if ctx.refused_admin(response):
            pass
        elif not ctx.visible():
            assert_status(response, 404)
        elif permitted(ctx):
            assert_status(response, 200)
        else:
            assert_redirect(response, ADMIN_HOME)
        return [response]

    way.__name__ = f"way_{view}"
    return way


way_inspect = _object_view(
    "inspect", lambda ctx: ctx.has_model_perm("add", "change", "view")
)
way_history = _object_view("history", lambda ctx: ctx.has_model_perm("add", "change"))
way_usage = _object_view("usage", lambda ctx: ctx.has_model_perm("change"))
_edit = _object_view("edit", lambda ctx: ctx.has_model_perm("change"))


def way_edit(ctx: Ctx):
    """As the other object views, but an object that never changes (e-mailed
    decision, old certificate version, evidence) sends whoever may see it to its
    inspect view."""
    if (
        ctx.subject.admin
        and ctx.visible()
        and not ctx.obj.kind.editable(ctx.instance())
    ):
        response = ctx.http.get(ctx.obj.kind.url("edit", ctx.instance().pk))
        assert_redirect(response, ctx.obj.kind.url("inspect", ctx.instance().pk))
        return [response]
    return _edit(ctx)


def _assert_dossier_page(ctx: Ctx, response):
    client_obj = OBJECTS_BY_LABEL[f"client_{ctx.objs[0].client}"]
    if not expected(ctx.subject, client_obj):
        assert_status(response, 404)
    else:
        ctx.assert_lists_exactly_the_visible(response, lambda o: o.timeline_marker)


def _dossier_pk(ctx: Ctx) -> int:
    return ctx.world.instances[f"client_{ctx.objs[0].client}"].pk


def way_admin_dossier(ctx: Ctx):
    """The admin dossier page of a client: exactly the visible part of it."""
    response = ctx.http.get(reverse("cases_admin:dossier", args=[_dossier_pk(ctx)]))
    if not ctx.refused_admin(response):
        _assert_dossier_page(ctx, response)
    return [response]


def way_access_panel(ctx: Ctx):
    """The dossier's Toegang panel: shown to the register roles only, naming as
    seeing it exactly the people the rules let see (a part of) the dossier."""
    response = ctx.http.get(reverse("cases_admin:dossier", args=[_dossier_pk(ctx)]))
    if ctx.refused_admin(response):
        return [response]
    client_key = ctx.objs[0].client
    if not expected(ctx.subject, OBJECTS_BY_LABEL[f"client_{client_key}"]):
        assert_status(response, 404)
        return [response]
    assert_status(response, 200)
    body = text_of(response)
    if not ctx.subject.register:
        assert 'id="toegang"' not in body
        return [response]
    panel = body[body.index('id="toegang"') :]
    shown = set(re.findall(r'data-person="([^"]+)" data-sees="ja"', panel))
    seeing = {
        p.key
        for p in PEOPLE
        if not p.anonymous
        and any(expected(p, o) for o in OBJECTS if o.client == client_key)
    }
    assert shown == seeing
    return [response]


def way_frontend_dossier(ctx: Ctx):
    response = ctx.http.get(reverse("cases:dossier", args=[_dossier_pk(ctx)]))
    if ctx.subject.anonymous:
        assert_login_redirect(response)
    else:
        _assert_dossier_page(ctx, response)
    return [response]


def way_frontend_list(ctx: Ctx):
    response = ctx.http.get(reverse("cases:dossier_list"))
    if ctx.subject.anonymous:
        assert_login_redirect(response)
    else:
        ctx.assert_lists_exactly_the_visible(
            response,
            lambda o: f'href="{reverse("cases:dossier", args=[ctx.instance(o).pk])}"',
        )
    return [response]


def _download_log(evidence):
    return ModelLogEntry.objects.filter(
        action=DOWNLOAD_ACTION, object_id=str(evidence.pk)
    )


def way_download(ctx: Ctx):
    """The bytes, and exactly one audit-log line per download; else 404 and no
    line."""
    evidence = ctx.instance()
    before = _download_log(evidence).count()
    response = ctx.http.get(reverse("cases:evidence_download", args=[evidence.uuid]))
    if ctx.subject.anonymous:
        assert_login_redirect(response)
    elif ctx.visible():
        assert_status(response, 200)
        text_of(response)
        assert response._matrix_bytes == _bytes_of(evidence.original_name)
    else:
        assert_status(response, 404)
    if ctx.visible():
        assert _download_log(evidence).count() == before + 1
        assert (
            _download_log(evidence).latest("pk").user_id
            == ctx.world.user(ctx.subject).pk
        )
    else:
        assert _download_log(evidence).count() == before
    return [response]


@dataclass(frozen=True)
class Way:
    """A way in. ``per``: "object" (one request per object), "kind" (one page
    lists every object of a kind), "client" (one dossier page shows every object
    of a client)."""

    name: str
    check: Callable[[Ctx], list]
    kinds: tuple[ObjectKind, ...] = OBJECT_KINDS
    per: str = "object"

    def groups(self) -> list[tuple[str, tuple[Obj, ...]]]:
        objs = [o for o in OBJECTS if o.kind in self.kinds]
        if self.per == "object":
            return [(o.label, (o,)) for o in objs]
        if self.per == "kind":
            return [(k.name, tuple(o for o in objs if o.kind is k)) for k in self.kinds]
        if self.per == "client":
            return [
                (f"dossier_{c}", tuple(o for o in objs if o.client == c))
                for c in CLIENT_DATA
            ]
        raise ValueError(self.per)


WAYS: tuple[Way, ...] = (
    Way("admin_listing", way_admin_listing, per="kind"),
    Way("admin_search", way_admin_search),
    Way("edit", way_edit),
    Way("inspect", way_inspect),
    Way("history", way_history),
    Way("usage", way_usage),
    Way("chooser_list", way_chooser_list, per="kind"),
    Way("chosen", way_chosen),
    Way("admin_dossier", way_admin_dossier, per="client"),
    Way("frontend_dossier", way_frontend_dossier, per="client"),
    Way("access_panel", way_access_panel, kinds=(CLIENT,), per="client"),
    Way("frontend_list", way_frontend_list, kinds=(CLIENT,), per="kind"),
    Way("download", way_download, kinds=(EVIDENCE,)),
)
WAYS_BY_NAME = {w.name: w for w in WAYS}


def _xfail_marks(reasons) -> list:
    reasons = sorted({r for r in reasons if r})
    return (
        [pytest.mark.xfail(strict=True, reason=" | ".join(reasons))] if reasons else []
    )


def _matrix_params() -> list:
    params = []
    for subject in SUBJECTS:
        for way in WAYS:
            for group_label, objs in way.groups():
                params.append(
                    pytest.param(
                        subject.key,
                        way.name,
                        group_label,
                        marks=_xfail_marks(
                            known_bug(subject, o, way.name) for o in objs
                        ),
                        id=f"{subject.key}-{way.name}-{group_label}",
                    )
                )
    return params


# -- the matrix ------------------------------------------------------------------


@pytest.mark.parametrize(("subject_key", "way_name", "group"), _matrix_params())
def test_matrix(subject_key, way_name, group, world, client):
    subject, way = SUBJECTS_BY_KEY[subject_key], WAYS_BY_NAME[way_name]
    objs = dict(way.groups())[group]
    login(client, world, subject)
    responses = way.check(Ctx(subject, objs, world, client))
    assert_no_leak(subject, responses)


def _selector_params() -> list:
    return [
        pytest.param(
            subject.key,
            kind.name,
            marks=_xfail_marks(
                known_bug(subject, o, None) for o in OBJECTS if o.kind is kind
            ),
            id=f"{subject.key}-{kind.name}",
        )
        for subject in SUBJECTS
        for kind in OBJECT_KINDS
    ]


@pytest.mark.parametrize(("subject_key", "kind_name"), _selector_params())
def test_selector_returns_exactly_the_expected_set(subject_key, kind_name, world):
    subject = SUBJECTS_BY_KEY[subject_key]
    kind = next(k for k in OBJECT_KINDS if k.name == kind_name)
    user = AnonymousUser() if subject.anonymous else world.user(subject)
    want = {
        world.instance(o).pk for o in OBJECTS if o.kind is kind and expected(subject, o)
    }
    assert set(visible_to(user, kind.model).values_list("pk", flat=True)) == want


def test_the_matrix_covers_every_dossier_model():
    """A new model in the dossier needs its kind here (the case register adds
    its own kinds when it extends the matrix)."""
    covered = {k.model_name for k in OBJECT_KINDS}
    assert set(DOSSIER_MODELS) <= covered
    assert {o.kind for o in OBJECTS} == set(OBJECT_KINDS)


def test_the_expectation_itself_says_what_the_rules_say():
    """Guards `expected`: spot checks of what each kind of subject sees."""
    seen = {s.key: {o.label for o in OBJECTS if expected(s, o)} for s in SUBJECTS}
    everything = set(OBJECTS_BY_LABEL)
    assert seen["kwaliteit"] == seen["officemanager"] == seen["directie"] == everything
    assert seen["anoniem"] == seen["zonder_rol"] == set()
    assert seen["verlopen_toegang_a"] == seen["kerngroep_zonder_toegang"] == set()
    assert seen["beslisser_zonder_relatie"] == set()
    assert seen["dossiertoegang_a"] == {o.label for o in OBJECTS if o.client == "a"}
    team_a = {"client_a", "audit_a", "decision_a", "evidence_a_audit"}
    assert seen["onderzoekstoegang_a"] == team_a
    assert seen["teamleider_a"] == seen["beoordelaar_a"] == team_a
    assert seen["beoordelaar_b"] == {
        "client_b",
        "audit_b",
        "decision_b",
        "evidence_b_audit",
    }
    # A decider sees the audit part of the dossier they decided on.
    assert seen["beslisser_a"] == team_a


@pytest.mark.parametrize("label", list(OBJECTS_BY_LABEL))
def test_the_secrets_are_really_shown_to_who_may_see_them(world, client, label):
    """Guards the leak check: every distinctive string of an object does appear
    where the quality officer looks at it (inspect view, download), so its absence
    elsewhere means something."""
    obj = OBJECTS_BY_LABEL[label]
    login(client, world, SUBJECTS_BY_KEY["kwaliteit"])
    instance = world.instance(obj)
    pages = [client.get(obj.kind.url("inspect", instance.pk))]
    if obj.kind is EVIDENCE:
        pages.append(
            client.get(reverse("cases:evidence_download", args=[instance.uuid]))
        )
    shown = "\n".join(text_of(r) for r in pages)
    assert [s for s in obj.secrets if s not in shown] == []


# -- the bugs, each on its own -------------------------------------------------------


def test_a_decider_sees_the_audit_of_their_decision(world, client):
    decider = login(client, world, SUBJECTS_BY_KEY["beslisser_a"])
    audit = world.instances["audit_a"]
    assert visible_to(decider, CertificationDecision).get().audit == audit
    assert visible_to(decider, Client).get() == audit.client
    assert list(visible_to(decider, Audit)) == [audit]
    assert_status(client.get(AUDIT.url("inspect", audit.pk)), 200)


def test_an_admin_listing_search_without_hits_answers_200(world, client):
    login(client, world, SUBJECTS_BY_KEY["kwaliteit"])
    for kind in (CLIENT, AUDIT):
        response = client.get(kind.url("list_results"), {"q": "Onvindbaarwoord"})
        assert_status(response, 200)


def test_a_dossier_grantee_can_search_the_evidence_listing(world, client):
    from wagtail.search.index import insert_or_update_object

    for label, instance in world.instances.items():
        if label.startswith("evidence_"):
            insert_or_update_object(instance)
    login(client, world, SUBJECTS_BY_KEY["dossiertoegang_a"])
    response = client.get(EVIDENCE.url("list_results"), {"q": "KIWIDESC-ALFA"})
    assert_status(response, 200)
    assert CLIENT_DATA["a"]["ev_audit"][0] in text_of(response)


# -- grants in time ------------------------------------------------------------------


def test_a_revoke_takes_effect_at_once_for_the_same_user(world, client):
    user = login(client, world, SUBJECTS_BY_KEY["dossiertoegang_a"])
    evidence = world.instances["evidence_a_general"]
    client_a = world.instances["client_a"]
    download = reverse("cases:evidence_download", args=[evidence.uuid])
    dossier = reverse("cases:dossier", args=[client_a.pk])
    assert_status(client.get(download), 200)
    assert_status(client.get(dossier), 200)

    dossier_access_revoke(
        client=client_a, user=user, by=world.users["kwaliteit"], reason="Matrix"
    )

    # The same session, no new login: every way in is closed at once.
    before = _download_log(evidence).count()
    assert_status(client.get(download), 404)
    assert _download_log(evidence).count() == before
    assert_status(client.get(dossier), 404)
    assert_status(client.get(reverse("cases_admin:dossier", args=[client_a.pk])), 404)
    certificate = world.instances["certificate_a"]
    assert_status(client.get(CERTIFICATE.url("inspect", certificate.pk)), 404)
    listing = client.get(reverse("cases:dossier_list"))
    assert CLIENT_DATA["a"]["name"] not in text_of(listing)
    for kind in OBJECT_KINDS:
        assert not visible_to(user, kind.model).exists(), kind.name


def test_an_expired_grant_gives_404_on_download_and_dossier_page(world, client):
    user = login(client, world, SUBJECTS_BY_KEY["verlopen_toegang_a"])
    grant = ClientUserObjectPermission.objects.get(
        pk=world.grants[user.username, "a"].pk
    )
    assert grant.expires_at < timezone.now()  # the row is still there, ran out
    for label in ("evidence_a_general", "evidence_a_audit"):
        evidence = world.instances[label]
        response = client.get(reverse("cases:evidence_download", args=[evidence.uuid]))
        assert_status(response, 404)
    assert not ModelLogEntry.objects.filter(
        action=DOWNLOAD_ACTION, user_id=user.pk
    ).exists()
    client_a = world.instances["client_a"]
    for url in (
        reverse("cases:dossier", args=[client_a.pk]),
        reverse("cases_admin:dossier", args=[client_a.pk]),
    ):
        response = client.get(url)
        assert_status(response, 404)
        assert CLIENT_DATA["a"]["name"] not in text_of(response)


def test_the_same_grant_before_it_expires_gives_access(world, client):
    user = login(client, world, SUBJECTS_BY_KEY["dossiertoegang_a"])
    assert world.grants[user.username, "a"].expires_at > timezone.now()
    evidence = world.instances["evidence_a_general"]
    response = client.get(reverse("cases:evidence_download", args=[evidence.uuid]))
    assert_status(response, 200)


def test_each_download_is_logged_once(world, client):
    user = login(client, world, SUBJECTS_BY_KEY["kwaliteit"])
    evidence = world.instances["evidence_b_general"]
    url = reverse("cases:evidence_download", args=[evidence.uuid])
    for _ in range(2):
        response = client.get(url)
        assert_status(response, 200)
        text_of(response)
    entries = _download_log(evidence)
    assert entries.count() == 2
    assert {e.user_id for e in entries} == {user.pk}


# -- Wagtail's site history report ---------------------------------------------------

SITE_HISTORY = "/admin/reports/site-history/"


@pytest.mark.parametrize(
    ("subject_key", "status"),
    [
        ("kwaliteit", 200),
        ("officemanager", 200),
        ("directie", 200),
        ("kerngroep_zonder_toegang", 404),
        ("dossiertoegang_a", 404),
        ("onderzoekstoegang_a", 404),
        ("beslisser_a", 404),
        ("beslisser_zonder_relatie", 404),
    ],
)
def test_site_history_is_for_the_register_only(world, client, subject_key, status):
    subject = SUBJECTS_BY_KEY[subject_key]
    login(client, world, subject)
    for url in (SITE_HISTORY, SITE_HISTORY + "results/"):
        response = client.get(url)
        assert_status(response, status)
        assert_no_leak(subject, [response])


@pytest.mark.parametrize("subject_key", ["teamleider_a", "zonder_rol"])
def test_site_history_is_never_shown_without_admin_access(world, client, subject_key):
    subject = SUBJECTS_BY_KEY[subject_key]
    login(client, world, subject)
    response = client.get(SITE_HISTORY)
    # The register-only guard answers before Wagtail's own login check: 404.
    assert_status(response, 404)
    assert_no_leak(subject, [response])


def test_site_history_sends_the_anonymous_visitor_to_the_login(world, client):
    assert_login_redirect(client.get(SITE_HISTORY))
