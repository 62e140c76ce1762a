"""The confidentiality permission matrix of the case register.

It extends the dossier matrix (`test_permission_matrix`, whose docstring explains
the pattern) with signals, complaints, appeals, mediations and the evidence kept
with them: every subject x every object x every way in gives exactly what the
rules of `cases.selectors` allow, and an object outside a subject's scope never
answers 200 nor shows any of its content, in *any* response that subject gets.

Who sees what (`cases.selectors`, DOMAIN.md C2, C4, C5, E4, A7):

- the register roles (quality officer, office manager, management): everything;
- a signal's reporter: that signal and the files kept with it;
- a complaint's handler: that complaint, and the whole dossier of its client (a
  grant); a replaced handler loses both; staff involved in the complaint see
  nothing of it; assessors read only the anonymised summaries (C5);
- an appeal's assigned decider: that appeal and the appellant's dossier; the
  decider of the contested decision and other deciders: nothing of the appeal;
- a mediation's chosen notary: the mediation, its complaint and the claimant's
  dossier, only from double consent until closing (and never past
  ``access_until``); the other proposed notaries never.

The pieces are those of the dossier matrix: ``SUBJECTS``, ``OBJECTS`` (each
case and file with its ``secrets``; the relations that give access are written
on the objects), `expected` derived from those relations, ``WAYS`` and the
`known_bug` hook. The world is built once per module, through the services,
inside a transaction that is rolled back at the end; every person logs in once.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client as DjangoTestClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cases.links import case_url
from cases.models import (
    Appeal,
    Audit,
    CertificationDecision,
    Client,
    ClientUserObjectPermission,
    Complaint,
    EvidenceFile,
    Mediation,
    Notary,
    Province,
    Signal,
)
from cases.selectors import complaint_lessons, visible_to
from cases.services import (
    appeal_acknowledge,
    appeal_assign_decider,
    appeal_lodge,
    complaint_acknowledge,
    complaint_assign_handler,
    complaint_decide_anonymised,
    complaint_escalate,
    complaint_register,
    complaint_update_handling,
    decision_mark_emailed,
    decision_record,
    evidence_upload,
    mediation_choose,
    mediation_close,
    mediation_consent,
    mediation_evaluate,
    mediation_open,
    mediation_propose,
    mediation_record_session,
    mediation_withdraw,
    signal_qualify,
    signal_record,
)
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    EXTERNAL_MEDIATOR,
    MANAGEMENT,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
    REGISTER_PERMISSION,
    ROLES_BY_CODE,
)
from tests.cases.test_permission_matrix import (
    ADMIN_HOME,
    DOWNLOAD_ACTION,
    assert_login_redirect,
    assert_redirect,
    assert_status,
)
from tests.conftest import _create_empty_search_indexes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_SEARCH = "/admin/pages/search/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- subjects ------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone in the world. What relates them to a case is written on the case
    (``OBJECTS``), what relates them to a dossier on the client (``CLIENT_DATA``)."""

    key: str
    roles: tuple[str, ...] = ()
    anonymous: bool = False
    # An account the portal deactivated (E4: a notary whose last access ended):
    # its session no longer signs in, so it gets the login like anybody anonymous.
    deactivated: bool = False

    @property
    def perms(self) -> set[str]:
        return {p for r in self.roles for p in ROLES_BY_CODE[r].permissions}

    @property
    def register(self) -> bool:
        return REGISTER_PERMISSION in self.perms

    @property
    def admin(self) -> bool:
        return any(ROLES_BY_CODE[r].admin_access for r in self.roles)


SUBJECTS: tuple[Person, ...] = (
    Person("kwaliteit", roles=(QUALITY_OFFICER,)),
    Person("officemanager", roles=(OFFICE_MANAGER,)),
    Person("directie", roles=(MANAGEMENT,)),
    Person("behandelaar", roles=(CORE_GROUP,)),
    Person("vervangen_behandelaar", roles=(CORE_GROUP,)),
    Person("kerngroep_betrokken", roles=(CORE_GROUP,)),
    Person("kerngroep_onbetrokken", roles=(CORE_GROUP,)),
    Person("beoordelaar_melder", roles=(ASSESSOR,)),
    Person("beoordelaar_ander", roles=(ASSESSOR,)),
    Person("teamleider_b", roles=(ASSESSOR,)),
    Person("beslisser_beroep", roles=(CERTIFICATION_DECIDER,)),
    Person("beslisser_origineel", roles=(CERTIFICATION_DECIDER,)),
    Person("beslisser_ander", roles=(CERTIFICATION_DECIDER,)),
    Person("notaris_gekozen", roles=(EXTERNAL_MEDIATOR,)),
    Person("notaris_actief", roles=(EXTERNAL_MEDIATOR,)),
    Person("notaris_afgesloten", roles=(EXTERNAL_MEDIATOR,), deactivated=True),
    Person("notaris_verlopen", roles=(EXTERNAL_MEDIATOR,)),
    Person("notaris_voorgesteld", roles=(EXTERNAL_MEDIATOR,)),
    Person("zonder_rol"),
    Person("anoniem", anonymous=True),
)
# Needed to complete the world (team leader and decider of the other dossiers).
OTHERS: tuple[Person, ...] = (
    Person("teamleider_overig", roles=(ASSESSOR,)),
    Person("beslisser_overig", roles=(CERTIFICATION_DECIDER,)),
)
PEOPLE = SUBJECTS + OTHERS
SUBJECTS_BY_KEY = {s.key: s for s in SUBJECTS}
NOTARIES = (
    "notaris_gekozen",
    "notaris_actief",
    "notaris_afgesloten",
    "notaris_verlopen",
    "notaris_voorgesteld",
)


# -- the dossiers the cases are about ---------------------------------------------


def _client(key: str, name: str, team_leader: str, decider: str) -> dict:
    return {
        "name": name,
        "contact_email": f"post@klant-{key}.example",
        "team_leader": team_leader,
        "decider": decider,
    }


CLIENT_DATA = {
    "a": _client("a", "Klant Alfa Register", "teamleider_overig", "beslisser_overig"),
    "b": _client("b", "Klant Bravo Register", "teamleider_b", "beslisser_origineel"),
    "c": _client(
        "c", "Klant Charlie Register", "teamleider_overig", "beslisser_overig"
    ),
    "d": _client("d", "Klant Delta Register", "teamleider_overig", "beslisser_overig"),
    "e": _client("e", "Klant Echo Register", "teamleider_overig", "beslisser_overig"),
}


# -- objects -------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    page: str | None = None  # the url name of its case page

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    def snippet_url(self, view: str, *args) -> str:
        return reverse(f"wagtailsnippets_cases_{self.model_name}:{view}", args=args)

    def chooser_url(self, view: str, *args) -> str:
        return reverse(
            f"wagtailsnippetchoosers_cases_{self.model_name}:{view}", args=args
        )


SIGNAL = Kind("signal", Signal, "cases:signal")
COMPLAINT = Kind("complaint", Complaint, "cases_admin:complaint")
APPEAL = Kind("appeal", Appeal, "cases_admin:appeal")
MEDIATION = Kind("mediation", Mediation, "cases_admin:mediation")
EVIDENCE = Kind("evidence", EvidenceFile)
CASE_KINDS = (SIGNAL, COMPLAINT, APPEAL, MEDIATION)
OBJECT_KINDS = (*CASE_KINDS, EVIDENCE)
KINDS_BY_NAME = {k.name: k for k in OBJECT_KINDS}

# Where a mediation stands for its notary (E4).
CHOSEN, ACTIVE, CLOSED, EXPIRED = "chosen", "active", "closed", "expired"


@dataclass(frozen=True)
class Obj:
    """One object of the world, with the relations that give access to it.

    ``secrets``: distinctive strings only this object carries (letters get
    theirs, the file name, when the world is built: it holds the case number)."""

    label: str
    kind: Kind
    client: str
    secrets: tuple[str, ...] = ()
    # signal
    reporter: str | None = None
    # complaint
    handler: str | None = None
    former_handler: str | None = None
    involved: tuple[str, ...] = ()
    # appeal
    decider: str | None = None
    # mediation
    notary: str | None = None
    phase: str | None = None
    complaint: str | None = None
    # evidence: the case it is kept with (None: the general dossier), a letter?
    case: str | None = None
    letter: bool = False


def _evidence(label: str, client: str, case: str | None) -> Obj:
    token = label.removeprefix("ev_").replace("_", "-").upper()
    return Obj(
        label,
        EVIDENCE,
        client,
        secrets=(
            f"stuk-EVFILE-{token}.txt",
            f"Omschrijving EVDESC-{token}",
            f"Vertrouwelijke inhoud EVBODY-{token}",
        ),
        case=case,
    )


def _letter(label: str, client: str, case: str) -> Obj:
    return Obj(label, EVIDENCE, client, case=case, letter=True)


OBJECTS: tuple[Obj, ...] = (
    Obj(
        "signal_a",
        SIGNAL,
        "a",
        secrets=("De klant belde: SIGDESC-ALFA-17", "Toelichting SIGQUAL-ALFA-23"),
        reporter="beoordelaar_melder",
    ),
    Obj(
        "signal_b",
        SIGNAL,
        "b",
        secrets=("De klant mailde: SIGDESC-BRAVO-41",),
        reporter="officemanager",
    ),
    Obj(
        "complaint_a",
        COMPLAINT,
        "a",
        secrets=(
            "Omschrijving KLACHTDESC-ALFA-58",
            "Oorzaak KLACHTOORZAAK-ALFA-62",
            "Behandeling KLACHTNOTE-ALFA-77",
            "Logboeknotitie KLACHTLOG-ALFA-81",
        ),
        handler="behandelaar",
        former_handler="vervangen_behandelaar",
        involved=("kerngroep_betrokken",),
    ),
    Obj(
        "appeal_b",
        APPEAL,
        "b",
        secrets=("Motivering BEROEPMOT-BRAVO-35",),
        decider="beslisser_beroep",
    ),
    # About complaint_a; its reason is also the complaint's escalation note, so
    # only what the mediation alone carries is secret.
    Obj(
        "mediation_a",
        MEDIATION,
        "a",
        secrets=("Verwachte duur MEDDUUR-ALFA-44",),
        notary="notaris_actief",
        phase=ACTIVE,
        complaint="complaint_a",
    ),
    Obj(
        "mediation_c",
        MEDIATION,
        "c",
        secrets=("Reden MEDREDEN-CHARLIE-19",),
        notary="notaris_gekozen",
        phase=CHOSEN,
    ),
    Obj(
        "mediation_d",
        MEDIATION,
        "d",
        secrets=(
            "Reden MEDREDEN-DELTA-26",
            "Uitkomst MEDUITKOMST-DELTA-88",
            "Evaluatie MEDEVAL-DELTA-90",
        ),
        notary="notaris_afgesloten",
        phase=CLOSED,
    ),
    Obj(
        "mediation_e",
        MEDIATION,
        "e",
        secrets=("Reden MEDREDEN-ECHO-31",),
        notary="notaris_verlopen",
        phase=EXPIRED,
    ),
    _evidence("ev_signal_a", "a", "signal_a"),
    _evidence("ev_signal_b", "b", "signal_b"),
    _evidence("ev_complaint_a", "a", "complaint_a"),
    _evidence("ev_appeal_b", "b", "appeal_b"),
    _evidence("ev_mediation_a", "a", "mediation_a"),
    _evidence("ev_mediation_c", "c", "mediation_c"),
    _evidence("ev_mediation_d", "d", "mediation_d"),
    _evidence("ev_mediation_e", "e", "mediation_e"),
    *(_evidence(f"ev_dossier_{c}", c, None) for c in CLIENT_DATA),
    _letter("letter_complaint_a", "a", "complaint_a"),
    _letter("letter_appeal_b", "b", "appeal_b"),
    *(_letter(f"letter_mediation_{c}", c, f"mediation_{c}") for c in "acde"),
)
OBJECTS_BY_LABEL = {o.label: o for o in OBJECTS}
CASES = tuple(o for o in OBJECTS if o.kind in CASE_KINDS)


# -- the rules -------------------------------------------------------------------


def _notary_open(subject: Person, mediation: Obj) -> bool:
    # E4: from double consent until closing, never past access_until.
    return mediation.notary == subject.key and mediation.phase == ACTIVE


def dossier_grants(subject: Person) -> set[str]:
    """The clients whose whole dossier ``subject`` sees through a case."""
    grants = set()
    for o in CASES:
        if (
            (o.kind is COMPLAINT and o.handler == subject.key)
            or (o.kind is APPEAL and o.decider == subject.key)
            or (o.kind is MEDIATION and _notary_open(subject, o))
        ):
            grants.add(o.client)
    return grants


def expected(subject: Person, obj: Obj) -> bool:
    """May ``subject`` see ``obj``? The rules of `cases.selectors`' docstrings."""
    if subject.anonymous:
        return False
    if subject.register:
        return True
    if obj.kind is SIGNAL:
        return obj.reporter == subject.key
    if obj.kind is COMPLAINT:
        return obj.handler == subject.key or any(
            m.complaint == obj.label and _notary_open(subject, m)
            for m in CASES
            if m.kind is MEDIATION
        )
    if obj.kind is APPEAL:
        return obj.decider == subject.key
    if obj.kind is MEDIATION:
        return _notary_open(subject, obj)
    if obj.kind is EVIDENCE:
        return obj.client in dossier_grants(subject) or (
            obj.case is not None and expected(subject, OBJECTS_BY_LABEL[obj.case])
        )
    raise AssertionError(f"no rule for {obj.kind.name}")


def client_visible(subject: Person, client: str) -> bool:
    """Does the dossier page of ``client`` open for ``subject``? (Its record is
    visible: register, a dossier grant, or the team or decider of its audit.)"""
    if subject.anonymous:
        return False
    d = CLIENT_DATA[client]
    return (
        subject.register
        or client in dossier_grants(subject)
        or subject.key in (d["team_leader"], d["decider"])
    )


# -- known bugs (strict xfail) ---------------------------------------------------


MEDIATION_ON_COMPLAINT_PAGE_BUG = (
    "FIXED (regression test): cases/views/complaints.py complaint_detail() "
    "passed the complaint's "
    "mediations unscoped (with_uninformed_steps(complaint.mediations...)) to "
    "complaint_detail.html: the handler, who may not see the mediation (E4: "
    "register and notary only), gets its number, state, E6 warning and a link."
)


def known_bug(subject: Person, obj: Obj, way: str | None) -> str | None:
    """Why the combination is expected to fail (None: it is not). ``way`` None
    stands for the selector itself. A bug found is recorded here as a strict
    xfail until it is fixed (and has its own test below)."""
    return None


# -- the world -------------------------------------------------------------------


@dataclass
class World:
    users: dict = field(default_factory=dict)
    instances: dict = field(default_factory=dict)  # Obj.label -> instance
    clients: dict = field(default_factory=dict)  # client key -> Client
    decisions: dict = field(default_factory=dict)  # client key -> decision
    notaries: dict = field(default_factory=dict)  # person key -> Notary
    secrets: dict = field(default_factory=dict)  # Obj.label -> its secrets
    sessions: dict = field(default_factory=dict)  # person key -> session key
    evidence_dir: Path | None = None
    _invisible: dict = field(default_factory=dict)

    def user(self, subject: Person):
        return None if subject.anonymous else self.users[subject.key]

    def instance(self, obj: Obj):
        return self.instances[obj.label]

    def invisible_secrets(self, subject: Person) -> list[tuple[str, str]]:
        if subject.key not in self._invisible:
            self._invisible[subject.key] = [
                (o.label, s)
                for o in OBJECTS
                if not expected(subject, o)
                for s in self.secrets[o.label]
            ]
        return self._invisible[subject.key]


def _bytes_of(obj: Obj) -> bytes:
    return f"{obj.secrets[2]}\n".encode()


def _upload(w: World, label: str, by: str, case=None):
    obj = OBJECTS_BY_LABEL[label]
    w.instances[label] = evidence_upload(
        client=w.clients[obj.client],
        uploaded_file=ContentFile(_bytes_of(obj), name=obj.secrets[0]),
        by=w.users[by],
        description=obj.secrets[1],
        case=case,
    )


def _letter_of(case) -> EvidenceFile:
    letters = EvidenceFile.objects.filter(
        **{case._meta.model_name: case}, original_name__endswith=".pdf"
    )
    (letter,) = letters
    return letter


LESSON_SUMMARY = "Les voor beoordelaars LESSON-ANONIEM-C5: rapporten op tijd sturen."


def build_world() -> World:
    w = World()
    for p in PEOPLE:
        if not p.anonymous:
            w.users[p.key] = UserFactory(
                username=p.key,
                first_name=p.key.split("_")[0].capitalize(),
                last_name=f"Register-{p.key}",
                roles=list(p.roles),
            )
    u = w.users
    now = timezone.now()
    hours = datetime.timedelta(hours=1)
    office, quality = u["officemanager"], u["kwaliteit"]

    # Five dossiers, each with an e-mailed decision.
    for key, d in CLIENT_DATA.items():
        client = Client.objects.create(
            name=d["name"],
            region=Province.UTRECHT,
            city="Utrecht",
            contact_email=d["contact_email"],
            status=Client.Status.HOLDER,
        )
        audit = Audit.objects.create(
            client=client,
            kind=Audit.Kind.FOLLOW_UP,
            start_date=datetime.date(2025, 3, 3),
            end_date=datetime.date(2025, 3, 4),
            team_leader=u[d["team_leader"]],
        )
        decision = decision_record(
            audit=audit,
            decider=u[d["decider"]],
            outcome=CertificationDecision.Outcome.GRANTED,
            motivation="Voldoet aan de norm.",
            decided_at=now - 5 * 24 * hours,
            by=office,
        )
        w.decisions[key] = decision_mark_emailed(
            decision=decision, at=now - 4 * 24 * hours, by=office
        )
        w.clients[key] = client
        _upload(w, f"ev_dossier_{key}", "officemanager")

    # Five notaries in the claimants' region (E2), each with a portal account.
    for key in NOTARIES:
        w.notaries[key] = Notary.objects.create(
            name=f"Mr. {key.replace('_', ' ').title()}",
            firm="Notariaat Register",
            region=Province.UTRECHT,
            user=u[key],
        )
    n = w.notaries

    # Signal a: reported by an assessor, a complaint; handled, replaced, escalated.
    spec = OBJECTS_BY_LABEL
    signal = signal_record(
        by=u["beoordelaar_melder"],
        client=w.clients["a"],
        channel=Signal.Channel.EMAIL,
        received_at=now - 3 * 24 * hours,
        description=spec["signal_a"].secrets[0],
    )
    _upload(w, "ev_signal_a", "kwaliteit", case=signal)
    w.instances["signal_a"] = signal_qualify(
        signal=signal,
        by=quality,
        is_complaint=True,
        ground=Signal.Ground.LABELLED,
        reason=spec["signal_a"].secrets[1],
    )
    complaint = complaint_register(
        signal=signal,
        by=office,
        description=spec["complaint_a"].secrets[0],
        cause_analysis=spec["complaint_a"].secrets[1],
        formal_written=True,
        involved_staff=[u[k] for k in spec["complaint_a"].involved],
    )
    complaint_acknowledge(complaint=complaint, by=office)
    w.instances["letter_complaint_a"] = _letter_of(complaint)
    complaint_assign_handler(
        complaint=complaint, handler=u[spec["complaint_a"].former_handler], by=quality
    )
    complaint_assign_handler(
        complaint=complaint, handler=u[spec["complaint_a"].handler], by=quality
    )
    complaint_update_handling(
        complaint=complaint,
        by=u["behandelaar"],
        handling_notes=spec["complaint_a"].secrets[2],
        note=spec["complaint_a"].secrets[3],
    )
    _upload(w, "ev_complaint_a", "behandelaar", case=complaint)
    complaint_decide_anonymised(
        complaint=complaint,
        by=quality,
        anonymised=True,
        summary=LESSON_SUMMARY,
    )
    mediation = complaint_escalate(
        complaint=complaint,
        by=office,
        reason="Geen oplossing gevonden die voor beide partijen aanvaardbaar is.",
    )
    w.instances["complaint_a"] = Complaint.objects.get(pk=complaint.pk)

    # Signal b: reported by the office manager, not yet qualified.
    signal_b = signal_record(
        by=office,
        client=w.clients["b"],
        channel=Signal.Channel.EMAIL,
        received_at=now - 2 * hours,
        description=spec["signal_b"].secrets[0],
    )
    _upload(w, "ev_signal_b", "officemanager", case=signal_b)
    w.instances["signal_b"] = signal_b

    # Appeal b against beslisser_origineel's decision, handled by another (A7).
    appeal = appeal_lodge(
        decision=w.decisions["b"],
        appellant=w.clients["b"],
        channel=Appeal.Channel.EMAIL,
        received_at=now - 3 * 24 * hours,
        motivation=spec["appeal_b"].secrets[0],
        by=office,
    )
    appeal_acknowledge(appeal=appeal, by=office)
    w.instances["letter_appeal_b"] = _letter_of(appeal)
    appeal = appeal_assign_decider(
        appeal=appeal, decider=u[spec["appeal_b"].decider], by=office
    )
    _upload(w, "ev_appeal_b", "beslisser_beroep", case=appeal)
    w.instances["appeal_b"] = appeal

    # Mediations: about complaint a, and about the decisions of c, d and e.
    mediations = {"a": mediation}
    for key in "cde":
        mediations[key] = mediation_open(
            by=office,
            claimant=w.clients[key],
            reason=spec[f"mediation_{key}"].secrets[0],
            decision=w.decisions[key],
        )
    others = {
        "a": "notaris_gekozen",
        "c": "notaris_actief",
        "d": "notaris_verlopen",
        "e": "notaris_afgesloten",
    }
    for key, m in mediations.items():
        obj = spec[f"mediation_{key}"]
        mediation_propose(
            mediation=m,
            notaries=[n[obj.notary], n["notaris_voorgesteld"], n[others[key]]],
            by=office,
        )
        w.instances[f"letter_mediation_{key}"] = _letter_of(m)
        mediation_choose(mediation=m, notary=n[obj.notary], by=office)
        _upload(w, f"ev_mediation_{key}", "officemanager", case=m)
        if obj.phase == CHOSEN:
            continue
        mediation_consent(
            mediation=m,
            by=office,
            claimant_consent_at=now - 2 * hours,
            organisation_consent_at=now - hours,
        )
        if obj.phase == ACTIVE:
            mediation_record_session(
                mediation=m,
                by=office,
                session_at=now - hours,
                expected_duration=obj.secrets[0],
            )
        elif obj.phase == CLOSED:
            mediation_record_session(mediation=m, by=office, session_at=now - hours)
            mediation_evaluate(
                mediation=m,
                by=office,
                outcome=obj.secrets[1],
                evaluation=obj.secrets[2],
            )
            mediation_close(mediation=m, by=office, note="Afgerond.")
        elif obj.phase == EXPIRED:
            # Time passes: the access period ran out a minute ago, the mediation
            # is still open and the grant row still there (not yet cleaned up).
            past = timezone.now() - datetime.timedelta(minutes=1)
            Mediation.objects.filter(pk=m.pk).update(access_until=past)
            ClientUserObjectPermission.objects.filter(
                user=u[obj.notary], content_object=w.clients[key]
            ).update(expires_at=past)
    for key, m in mediations.items():
        w.instances[f"mediation_{key}"] = Mediation.objects.get(pk=m.pk)

    for obj in OBJECTS:
        w.secrets[obj.label] = (
            (w.instance(obj).original_name,) if obj.letter else obj.secrets
        )
    _check_world(w)
    _index_pages()
    # One session per person, reused by every test.
    for key, user in w.users.items():
        browser = DjangoTestClient()
        browser.force_login(user)
        w.sessions[key] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return w


def _check_world(w: World) -> None:
    """The world is what ``OBJECTS`` says it is (so `expected` judges it)."""
    for obj in OBJECTS:
        instance = w.instance(obj)
        assert isinstance(instance, obj.kind.model), obj.label
        if obj.kind is SIGNAL:
            assert instance.reported_by.username == obj.reporter
        elif obj.kind is COMPLAINT:
            assert instance.handler.username == obj.handler
            assert [
                e.data["handler"]
                for e in instance.events.filter(action="assign_handler")
            ] == [w.users[obj.former_handler].pk, w.users[obj.handler].pk]
            assert {x.username for x in instance.involved_staff.all()} == set(
                obj.involved
            )
        elif obj.kind is APPEAL:
            assert instance.decider.username == obj.decider
        elif obj.kind is MEDIATION:
            assert instance.notary.user.username == obj.notary
            assert (
                instance.state
                == {
                    CHOSEN: Mediation.State.CHOSEN,
                    ACTIVE: Mediation.State.SESSION_HELD,
                    CLOSED: Mediation.State.CLOSED,
                    EXPIRED: Mediation.State.CONSENTED,
                }[obj.phase]
            )
            about = obj.complaint and w.instances[obj.complaint].pk
            assert instance.complaint_id == about
        elif obj.kind is EVIDENCE:
            assert instance.client == w.clients[obj.client]
            cases = [
                getattr(instance, f"{k.model_name}_id") is not None for k in CASE_KINDS
            ]
            if obj.case is None:
                assert not any(cases), obj.label
            else:
                case = w.instances[obj.case]
                assert getattr(instance, type(case)._meta.model_name) == case
        assert all(w.secrets[obj.label]), obj.label


def _index_pages() -> None:
    """As `update_index` leaves an install: the pages indexed (the admin search
    box searches them). The cases were indexed as they were saved."""
    from wagtail.models import Page
    from wagtail.search.index import insert_or_update_object

    for page in Page.objects.all().specific():
        insert_or_update_object(page)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Everything once per module, in a transaction that is rolled back at the
    end (each test runs in a savepoint inside it)."""
    tmp = tmp_path_factory.mktemp("register_matrix")
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
            built.evidence_dir = tmp / "evidence"
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
    """The body as text, once; an XLSX export as the text of all its cells."""
    cached = getattr(response, "_matrix_text", None)
    if cached is not None:
        return cached
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    response._matrix_bytes = raw
    if response.get("Content-Type", "").startswith(XLSX):
        text = "\n".join(
            "\t".join("" if v is None else str(v) for v in row) for row in _xlsx(raw)
        )
    else:
        text = raw.decode("utf-8", errors="replace")
    response._matrix_text = text
    return text


def _xlsx(raw: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw), read_only=True)
    return [
        row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
    ]


def assert_no_leak(world: World, subject: Person, responses):
    """Not one distinctive string of an object ``subject`` may not see."""
    for response in responses:
        body = text_of(response)
        leaked = [
            (label, s) for label, s in world.invisible_secrets(subject) if s in body
        ]
        assert not leaked, f"out-of-scope content in the response: {leaked}"


def _evidence_count() -> int:
    return EvidenceFile.objects.count()


def _stored_files(world: World) -> int:
    return sum(1 for p in world.evidence_dir.rglob("*") if p.is_file())


# -- ways in ---------------------------------------------------------------------


@dataclass
class Ctx:
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

    @property
    def signed_out(self) -> bool:
        return self.subject.anonymous or self.subject.deactivated

    def has_model_perm(self, *actions: str) -> bool:
        name = self.obj.kind.model_name
        return any(f"cases.{a}_{name}" in self.subject.perms for a in actions)

    def refused_admin(self, response) -> bool:
        """Anonymous, and logged in without admin access: to the login."""
        if self.subject.admin:
            return False
        assert_login_redirect(response)
        return True

    def assert_shows_exactly_the_visible(self, body: str, marker):
        shown = {o.label for o in self.objs if marker(o) in body}
        assert shown == {o.label for o in self.objs if self.visible(o)}


def _number(ctx: Ctx, obj: Obj) -> str:
    return ctx.instance(obj).number


def _download_href(ctx: Ctx, obj: Obj) -> str:
    return reverse("cases:evidence_download", args=[ctx.instance(obj).uuid])


def way_case_page(ctx: Ctx):
    """The admin case page of a complaint, appeal or mediation."""
    response = ctx.http.get(case_url(ctx.instance()))
    if ctx.refused_admin(response):
        pass
    elif ctx.visible():
        assert_status(response, 200)
        body = text_of(response)
        assert ctx.world.secrets[ctx.obj.label][0] in body
        # Nor any trace of a case out of scope (its number, state or link). A
        # complaint does name the signal it was registered from (C1 data).
        for o in CASES:
            if o.kind is not SIGNAL and not ctx.visible(o):
                assert case_url(ctx.instance(o)) not in body, o.label
                assert _number(ctx, o) not in body, o.label
    else:
        assert_status(response, 404)
    return [response]


def way_signal_page(ctx: Ctx):
    response = ctx.http.get(case_url(ctx.instance()))
    if ctx.signed_out:
        assert_login_redirect(response)
    elif ctx.visible():
        assert_status(response, 200)
        assert ctx.obj.secrets[0] in text_of(response)
    else:
        assert_status(response, 404)
    return [response]


def way_case_upload(ctx: Ctx):
    """A file posted to a case: stored only for who sees the case and may add
    evidence; anyone else stores nothing, not even bytes on disk."""
    url = reverse(f"cases_admin:{ctx.obj.kind.name}_upload", args=[ctx.instance().pk])
    before, files_before = _evidence_count(), _stored_files(ctx.world)
    upload = SimpleUploadedFile(
        "matrix-upload.txt", b"Nieuw stuk van de matrix\n", content_type="text/plain"
    )
    response = ctx.http.post(url, {"files": [upload], "description": "Matrix"})
    may_store = ctx.visible() and "cases.add_evidencefile" in ctx.subject.perms
    if ctx.refused_admin(response):
        pass
    elif ctx.visible():
        assert_redirect(response, case_url(ctx.instance()))
    else:
        assert_status(response, 404)
    if may_store:
        assert _evidence_count() == before + 1
        new = EvidenceFile.objects.latest("pk")
        assert getattr(new, f"{ctx.obj.kind.model_name}_id") == ctx.instance().pk
    else:
        assert _evidence_count() == before
        assert _stored_files(ctx.world) == files_before
    return [response]


def way_logbook(ctx: Ctx):
    response = ctx.http.get(
        reverse(
            "cases_admin:logbook_export", args=[ctx.obj.kind.name, ctx.instance().pk]
        )
    )
    if ctx.refused_admin(response):
        pass
    elif ctx.visible():
        assert_status(response, 200)
        assert response["Content-Type"].startswith("text/csv")
    else:
        assert_status(response, 404)
    return [response]


def way_complaint_register(ctx: Ctx):
    """C1's registration page: the register only (a role gate before any lookup,
    the same answer for every signal, existing or not)."""
    signal = ctx.instance()
    response = ctx.http.get(reverse("cases_admin:complaint_register", args=[signal.pk]))
    if ctx.refused_admin(response):
        pass
    elif not ctx.subject.register:
        # Wagtail's answer to PermissionDenied: back to the dashboard.
        assert_redirect(response, ADMIN_HOME)
    elif hasattr(signal, "complaint"):
        assert_redirect(response, case_url(signal.complaint))
    else:
        assert_status(response, 200)
        assert ctx.obj.secrets[0] in text_of(response)
    return [response]


def _download_log(evidence):
    return ModelLogEntry.objects.filter(
        action=DOWNLOAD_ACTION, object_id=str(evidence.pk)
    )


def way_download(ctx: Ctx):
    evidence = ctx.instance()
    before = _download_log(evidence).count()
    response = ctx.http.get(_download_href(ctx, ctx.obj))
    if ctx.signed_out:
        assert_login_redirect(response)
    elif ctx.visible():
        assert_status(response, 200)
        text_of(response)
        if ctx.obj.letter:
            assert response._matrix_bytes.startswith(b"%PDF")
        else:
            assert response._matrix_bytes == _bytes_of(ctx.obj)
    else:
        assert_status(response, 404)
    after = _download_log(evidence)
    if ctx.visible():
        assert after.count() == before + 1
        assert after.latest("pk").user_id == ctx.world.user(ctx.subject).pk
    else:
        assert after.count() == before
    return [response]


def _object_view(view: str, permitted: Callable[[Ctx], bool]):
    """A Wagtail snippet view of one object: out of scope 404; in scope 200 when
    the model permission allows, else Wagtail's redirect to the dashboard."""

    def way(ctx: Ctx):
        response = ctx.http.get(ctx.obj.kind.snippet_url(view, ctx.instance().pk))
        if ctx.refused_admin(response):
            pass
        elif not ctx.visible():
            assert_status(response, 404)
        elif permitted(ctx):
            assert_status(response, 200)
        else:
            assert_redirect(response, ADMIN_HOME)
        return [response]

    way.__name__ = f"way_snippet_{view}"
    return way


way_snippet_inspect = _object_view(
    "inspect", lambda ctx: ctx.has_model_perm("add", "change", "view")
)
way_snippet_history = _object_view(
    "history", lambda ctx: ctx.has_model_perm("add", "change")
)


def way_snippet_edit(ctx: Ctx):
    """An appeal changes only through its case page: whoever may see it is sent
    to the inspect view; out of scope 404."""
    response = ctx.http.get(ctx.obj.kind.snippet_url("edit", ctx.instance().pk))
    if ctx.refused_admin(response):
        pass
    elif not ctx.visible():
        assert_status(response, 404)
    else:
        assert_redirect(
            response, ctx.obj.kind.snippet_url("inspect", ctx.instance().pk)
        )
    return [response]


def way_snippet_chosen(ctx: Ctx):
    response = ctx.http.get(ctx.obj.kind.chooser_url("chosen", ctx.instance().pk))
    if ctx.refused_admin(response):
        pass
    elif ctx.visible():
        assert_status(response, 200)
    else:
        assert_status(response, 404)
    return [response]


def _snippet_link(ctx: Ctx, obj: Obj) -> str:
    return f'{obj.kind.snippet_url("inspect", ctx.instance(obj).pk)}"'


def way_snippet_listing(ctx: Ctx):
    """The snippet listing of a kind: exactly the visible objects (or, without
    any model permission, Wagtail's redirect to the dashboard)."""
    kind = ctx.objs[0].kind
    response = ctx.http.get(kind.snippet_url("list"))
    if ctx.refused_admin(response):
        pass
    elif not any(
        f"cases.{a}_{kind.model_name}" in ctx.subject.perms
        for a in ("add", "change", "delete", "view")
    ):
        assert_redirect(response, ADMIN_HOME)
    else:
        assert_status(response, 200)
        ctx.assert_shows_exactly_the_visible(
            text_of(response), lambda o: _snippet_link(ctx, o)
        )
    return [response]


def way_register(ctx: Ctx):
    """The register listing: exactly the visible cases, all on one page."""
    response = ctx.http.get(reverse("cases_admin:register"))
    if not ctx.refused_admin(response):
        assert_status(response, 200)
        ctx.assert_shows_exactly_the_visible(
            text_of(response), lambda o: f'data-number="{_number(ctx, o)}"'
        )
    return [response]


def _export_numbers(rows) -> list[str]:
    return [row[0] for row in rows[1:] if row and row[0]]


def way_register_csv(ctx: Ctx):
    response = ctx.http.get(reverse("cases_admin:register"), {"format": "csv"})
    if not ctx.refused_admin(response):
        assert_status(response, 200)
        rows = list(
            csv.reader(io.StringIO(text_of(response).lstrip("\ufeff")), delimiter=";")
        )
        assert sorted(_export_numbers(rows)) == sorted(
            _number(ctx, o) for o in ctx.objs if ctx.visible(o)
        )
    return [response]


def way_register_xlsx(ctx: Ctx):
    response = ctx.http.get(reverse("cases_admin:register"), {"format": "xlsx"})
    if not ctx.refused_admin(response):
        assert_status(response, 200)
        text_of(response)
        rows = _xlsx(response._matrix_bytes)
        assert sorted(_export_numbers(rows)) == sorted(
            _number(ctx, o) for o in ctx.objs if ctx.visible(o)
        )
    return [response]


def _client_key(ctx: Ctx) -> str:
    return ctx.objs[0].client


def _assert_dossier_page(ctx: Ctx, response):
    if not client_visible(ctx.subject, _client_key(ctx)):
        assert_status(response, 404)
    else:
        assert_status(response, 200)
        ctx.assert_shows_exactly_the_visible(
            text_of(response), lambda o: _download_href(ctx, o)
        )


def way_admin_dossier(ctx: Ctx):
    pk = ctx.world.clients[_client_key(ctx)].pk
    response = ctx.http.get(reverse("cases_admin:dossier", args=[pk]))
    if not ctx.refused_admin(response):
        _assert_dossier_page(ctx, response)
    return [response]


def way_frontend_dossier(ctx: Ctx):
    pk = ctx.world.clients[_client_key(ctx)].pk
    response = ctx.http.get(reverse("cases:dossier", args=[pk]))
    if ctx.signed_out:
        assert_login_redirect(response)
    else:
        _assert_dossier_page(ctx, response)
    return [response]


def way_dashboard(ctx: Ctx):
    """'Mijn werk': never the number of, or a link to, a case out of scope."""
    response = ctx.http.get("/")
    if ctx.signed_out:
        assert_login_redirect(response)
        return [response]
    assert_status(response, 200)
    body = text_of(response)
    for o in ctx.objs:
        if not ctx.visible(o):
            assert _number(ctx, o) not in body, o.label
            assert f'href="{case_url(ctx.instance(o))}"' not in body, o.label
    return [response]


def way_admin_search(ctx: Ctx):
    """The admin's search box (Wagtail 8: the page search) for a word only this
    case carries: pages only, never a case."""
    word = ctx.obj.secrets[0].split()[-1]
    response = ctx.http.get(ADMIN_SEARCH, {"q": word})
    # The page repeats what the user typed: not a leak.
    response.content = response.content.replace(word.encode(), b"")
    if ctx.refused_admin(response):
        pass
    elif any(ROLES_BY_CODE[r].page_permissions for r in ctx.subject.roles):
        assert_status(response, 200)
    else:
        assert_redirect(response, ADMIN_HOME)
    return [response]


@dataclass(frozen=True)
class Way:
    """A way in. ``per``: "object" (one request per object), "kind" (one page
    lists every object of the kinds), "client" (a dossier page shows every file
    of a client), "all" (one page for the whole world)."""

    name: str
    check: Callable[[Ctx], list]
    kinds: tuple[Kind, ...]
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
        if self.per == "all":
            return [("all", tuple(objs))]
        raise ValueError(self.per)


WAYS: tuple[Way, ...] = (
    Way("case_page", way_case_page, (COMPLAINT, APPEAL, MEDIATION)),
    Way("signal_page", way_signal_page, (SIGNAL,)),
    Way("case_upload", way_case_upload, (COMPLAINT, MEDIATION)),
    Way("logbook_csv", way_logbook, CASE_KINDS),
    Way("complaint_register", way_complaint_register, (SIGNAL,)),
    Way("download", way_download, (EVIDENCE,)),
    Way("register", way_register, CASE_KINDS, per="all"),
    Way("register_csv", way_register_csv, CASE_KINDS, per="all"),
    Way("register_xlsx", way_register_xlsx, CASE_KINDS, per="all"),
    Way("admin_dossier", way_admin_dossier, (EVIDENCE,), per="client"),
    Way("frontend_dossier", way_frontend_dossier, (EVIDENCE,), per="client"),
    Way("dashboard", way_dashboard, CASE_KINDS, per="all"),
    Way("snippet_listing", way_snippet_listing, (APPEAL, EVIDENCE), per="kind"),
    Way("snippet_inspect", way_snippet_inspect, (APPEAL, EVIDENCE)),
    Way("snippet_edit", way_snippet_edit, (APPEAL,)),
    Way("snippet_history", way_snippet_history, (APPEAL,)),
    Way("snippet_chosen", way_snippet_chosen, (APPEAL, EVIDENCE)),
    Way("admin_search", way_admin_search, CASE_KINDS),
)
WAYS_BY_NAME = {w.name: w for w in WAYS}


def _xfail_marks(reasons) -> list:
    reasons = sorted({r for r in reasons if r})
    return (
        [pytest.mark.xfail(strict=True, reason=" | ".join(reasons))] if reasons else []
    )


def _matrix_params() -> list:
    return [
        pytest.param(
            subject.key,
            way.name,
            group,
            marks=_xfail_marks(known_bug(subject, o, way.name) for o in objs),
            id=f"{subject.key}-{way.name}-{group}",
        )
        for subject in SUBJECTS
        for way in WAYS
        for group, objs in way.groups()
    ]


# -- the matrix ------------------------------------------------------------------


@pytest.mark.parametrize(("subject_key", "way_name", "group"), _matrix_params())
def test_matrix(subject_key, way_name, group, world, client):
    subject, way = SUBJECTS_BY_KEY[subject_key], WAYS_BY_NAME[way_name]
    objs = dict(way.groups())[group]
    login(client, world, subject)
    responses = way.check(Ctx(subject, objs, world, client))
    assert_no_leak(world, subject, responses)


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
    kind = KINDS_BY_NAME[kind_name]
    user = AnonymousUser() if subject.anonymous else world.user(subject)
    want = {
        world.instance(o).pk for o in OBJECTS if o.kind is kind and expected(subject, o)
    }
    assert set(visible_to(user, kind.model).values_list("pk", flat=True)) == want


# -- guards of the matrix itself ---------------------------------------------------


def test_the_world_holds_only_the_matrix_objects(world):
    """Listings are judged as "exactly the visible": nothing else may exist."""
    for kind in OBJECT_KINDS:
        assert set(kind.model.objects.values_list("pk", flat=True)) == {
            world.instance(o).pk for o in OBJECTS if o.kind is kind
        }, kind.name


def test_exactly_the_deactivated_subjects_have_an_inactive_account(world):
    """E4: the notary of the closed mediation lost her account; nobody else."""
    for subject in SUBJECTS:
        if not subject.anonymous:
            shared = world.user(subject)  # shared between tests: read afresh
            user = type(shared).objects.get(pk=shared.pk)
            assert user.is_active is not subject.deactivated, subject.key


def test_no_secret_is_part_of_another_objects_secret(world):
    for obj in OBJECTS:
        for other in OBJECTS:
            if other is obj:
                continue
            for secret in world.secrets[obj.label]:
                assert not any(secret in s for s in world.secrets[other.label]), (
                    obj.label,
                    other.label,
                )


def test_the_expectation_itself_says_what_the_rules_say():
    """Guards `expected`: spot checks of what each kind of subject sees."""
    seen = {s.key: {o.label for o in OBJECTS if expected(s, o)} for s in SUBJECTS}
    everything = set(OBJECTS_BY_LABEL)
    assert seen["kwaliteit"] == seen["officemanager"] == seen["directie"] == everything
    nothing = (
        "anoniem",
        "zonder_rol",
        "vervangen_behandelaar",
        "kerngroep_betrokken",
        "kerngroep_onbetrokken",
        "beoordelaar_ander",
        "teamleider_b",
        "beslisser_origineel",
        "beslisser_ander",
        "notaris_gekozen",
        "notaris_afgesloten",
        "notaris_verlopen",
        "notaris_voorgesteld",
    )
    for key in nothing:
        assert seen[key] == set(), key
    assert seen["beoordelaar_melder"] == {"signal_a", "ev_signal_a"}
    dossier_a = {o.label for o in OBJECTS if o.kind is EVIDENCE and o.client == "a"}
    assert seen["behandelaar"] == {"complaint_a"} | dossier_a
    assert seen["notaris_actief"] == {"mediation_a", "complaint_a"} | dossier_a
    dossier_b = {o.label for o in OBJECTS if o.kind is EVIDENCE and o.client == "b"}
    assert seen["beslisser_beroep"] == {"appeal_b"} | dossier_b
    assert [
        c for c in CLIENT_DATA if client_visible(SUBJECTS_BY_KEY["teamleider_b"], c)
    ] == ["b"]


@pytest.mark.parametrize("label", [o.label for o in OBJECTS])
def test_the_secrets_are_really_shown_to_who_may_see_them(world, client, label):
    """Guards the leak check: every secret of an object does appear where the
    quality officer looks at it, so its absence elsewhere means something."""
    obj = OBJECTS_BY_LABEL[label]
    login(client, world, SUBJECTS_BY_KEY["kwaliteit"])
    instance = world.instance(obj)
    if obj.kind is EVIDENCE:
        pages = [
            client.get(reverse("cases_admin:dossier", args=[instance.client_id])),
            client.get(reverse("cases:evidence_download", args=[instance.uuid])),
        ]
    else:
        pages = [client.get(case_url(instance))]
    for page in pages:
        assert_status(page, 200)
    shown = "\n".join(text_of(r) for r in pages)
    assert [s for s in world.secrets[label] if s not in shown] == []


# -- more of the rules, each on its own ----------------------------------------------


def test_complaint_registration_answers_the_same_for_a_signal_that_does_not_exist(
    world, client
):
    """The role gate answers before any lookup: no probing for signals."""
    login(client, world, SUBJECTS_BY_KEY["behandelaar"])
    existing = world.instances["signal_a"].pk
    missing = Signal.objects.order_by("-pk").first().pk + 1000
    answers = [
        client.get(reverse("cases_admin:complaint_register", args=[pk]))
        for pk in (existing, missing)
    ]
    assert [(r.status_code, r["Location"]) for r in answers] == [
        (302, ADMIN_HOME),
        (302, ADMIN_HOME),
    ]


@pytest.mark.parametrize(
    "subject_key", ["beoordelaar_melder", "beoordelaar_ander", "teamleider_b"]
)
def test_assessors_read_only_the_anonymised_summary_C5(world, client, subject_key):
    subject = SUBJECTS_BY_KEY[subject_key]
    user = login(client, world, subject)
    lessons = list(complaint_lessons(user))
    assert [set(x) for x in lessons] == [{"pk", "anonymised_summary", "received_at"}]
    assert lessons[0]["anonymised_summary"] == LESSON_SUMMARY
    pages = [client.get("/"), client.get(reverse("cases:dossier_list"))]
    for page in pages:
        assert_status(page, 200)
    assert_no_leak(world, subject, pages)


@pytest.mark.parametrize("subject_key", ["zonder_rol", "anoniem"])
def test_without_a_role_there_are_no_lessons_either(world, subject_key):
    subject = SUBJECTS_BY_KEY[subject_key]
    user = AnonymousUser() if subject.anonymous else world.user(subject)
    assert not complaint_lessons(user).exists()


def test_closing_a_mediation_ends_the_notarys_access_at_once(world, client):
    """E4, in time: the same session, no new login."""
    user = login(client, world, SUBJECTS_BY_KEY["notaris_actief"])
    mediation = world.instances["mediation_a"]
    evidence = world.instances["ev_dossier_a"]
    download = reverse("cases:evidence_download", args=[evidence.uuid])
    dossier = reverse("cases:dossier", args=[world.clients["a"].pk])
    assert_status(client.get(download), 200)
    assert_status(client.get(dossier), 200)
    office = world.users["officemanager"]
    mediation_evaluate(mediation=mediation, by=office, outcome="x", evaluation="y")
    mediation_close(mediation=mediation, by=office)
    # Her last access ended: her account is deactivated, her session signs out.
    assert_login_redirect(client.get(download))
    assert_login_redirect(client.get(dossier))
    # (A fresh copy: the world's user objects are shared between tests.)
    assert not type(user).objects.get(pk=user.pk).is_active
    for kind in OBJECT_KINDS:
        assert not visible_to(user, kind.model).exists(), kind.name


def test_replacing_the_handler_ends_the_old_handlers_access_at_once(world, client):
    """C2/C4, in time: the same session, no new login."""
    user = login(client, world, SUBJECTS_BY_KEY["behandelaar"])
    complaint = world.instances["complaint_a"]
    page = case_url(complaint)
    download = reverse(
        "cases:evidence_download", args=[world.instances["ev_complaint_a"].uuid]
    )
    assert_status(client.get(page), 200)
    assert_status(client.get(download), 200)
    # An escalated complaint keeps its handler; take it back a step to replace.
    Complaint.objects.filter(pk=complaint.pk).update(state=Complaint.State.IN_PROGRESS)
    complaint_assign_handler(
        complaint=complaint,
        handler=world.users["kerngroep_onbetrokken"],
        by=world.users["kwaliteit"],
    )
    assert_status(client.get(page), 404)
    assert_status(client.get(download), 404)
    for kind in OBJECT_KINDS:
        assert not visible_to(user, kind.model).exists(), kind.name


# -- the bugs, each on its own -------------------------------------------------------


def test_the_handler_sees_nothing_of_a_mediation_they_may_not_see(world, client):
    login(client, world, SUBJECTS_BY_KEY["behandelaar"])
    mediation = world.instances["mediation_a"]
    response = client.get(case_url(world.instances["complaint_a"]))
    assert_status(response, 200)
    body = text_of(response)
    assert_status(client.get(case_url(mediation)), 404)
    assert mediation.number not in body
    assert case_url(mediation) not in body
    assert str(Mediation.State(mediation.state).label) not in body


LESSONS_FOR_NOTARIES_BUG = (
    "FIXED (regression test): cases/selectors.py complaint_lessons() gave the "
    "C5 summaries to anyone "
    "with any role, the external mediator (a notary outside the organisation, "
    "who sees 'only that client dossier', portal/roles.py) included; C5 speaks "
    "of the assessors (staff)."
)


@pytest.mark.parametrize("subject_key", NOTARIES)
def test_notaries_read_no_lessons_of_the_organisation(world, subject_key):
    assert not complaint_lessons(world.users[subject_key]).exists()


def _second_complaint(world, *, handler: str):
    """Another complaint about client a, handled by ``handler``."""
    u = world.users
    signal = signal_record(
        by=u["officemanager"],
        client=world.clients["a"],
        channel=Signal.Channel.PHONE,
        received_at=timezone.now() - datetime.timedelta(hours=1),
        description="Tweede klacht",
    )
    signal_qualify(
        signal=signal, by=u["kwaliteit"], is_complaint=True, ground="b", reason="Tel."
    )
    complaint = complaint_register(
        signal=signal, by=u["officemanager"], description="Tweede", formal_written=False
    )
    return complaint_assign_handler(
        complaint=complaint, handler=u[handler], by=u["kwaliteit"]
    )


SHARED_GRANT_BUG = (
    "FIXED (regression test): cases/services/complaints.py complaint_assign_handler(), "
    "cases/services/appeals.py appeal_assign_decider() and "
    "cases/services/mediations.py _end_access() revoke the person's one dossier "
    "grant on the client unconditionally (grants.py keeps one row per user and "
    "client): replaced on, or done with, one case, they lose the dossier that "
    "another case of the same client still gives them."
)


def test_a_handler_replaced_on_one_complaint_keeps_the_dossier_of_another(
    world, client
):
    """C2/C4: behandelaar handles complaint_a and a second complaint of the same
    client; being replaced on the second must not end the access the first
    gives."""
    user = login(client, world, SUBJECTS_BY_KEY["behandelaar"])
    second = _second_complaint(world, handler="behandelaar")
    complaint_assign_handler(
        complaint=second,
        handler=world.users["kerngroep_onbetrokken"],
        by=world.users["kwaliteit"],
    )
    assert list(visible_to(user, Complaint)) == [world.instances["complaint_a"]]
    evidence = world.instances["ev_dossier_a"]
    assert visible_to(user, EvidenceFile).filter(pk=evidence.pk).exists()
    assert_status(
        client.get(reverse("cases:dossier", args=[world.clients["a"].pk])), 200
    )


def test_a_decider_replaced_on_one_appeal_keeps_the_dossier_of_another(world, client):
    """A7: beslisser_beroep handles appeal_b and a second appeal of the same
    appellant; being replaced on the second must not end appeal_b's access."""
    user = login(client, world, SUBJECTS_BY_KEY["beslisser_beroep"])
    office = world.users["officemanager"]
    second = appeal_lodge(
        decision=world.decisions["b"],
        appellant=world.clients["b"],
        channel=Appeal.Channel.LETTER,
        received_at=timezone.now() - datetime.timedelta(hours=1),
        motivation="Tweede beroep",
        by=office,
    )
    appeal_acknowledge(appeal=second, by=office)
    appeal_assign_decider(appeal=second, decider=user, by=office)
    appeal_assign_decider(
        appeal=second, decider=world.users["beslisser_ander"], by=office
    )
    assert list(visible_to(user, Appeal)) == [world.instances["appeal_b"]]
    evidence = world.instances["ev_dossier_b"]
    assert visible_to(user, EvidenceFile).filter(pk=evidence.pk).exists()
    assert_status(
        client.get(reverse("cases:dossier", args=[world.clients["b"].pk])), 200
    )


def test_closing_one_mediation_keeps_the_notarys_access_for_another(world, client):
    """E4: notaris_actief mediates mediation_a and a second, consented mediation
    of the same claimant; ending the second (withdrawn; closing does the same)
    must not end the first's access."""
    user = login(client, world, SUBJECTS_BY_KEY["notaris_actief"])
    office = world.users["officemanager"]
    n = world.notaries
    second = mediation_open(
        by=office,
        claimant=world.clients["a"],
        reason="Tweede mediation",
        decision=world.decisions["a"],
    )
    mediation_propose(
        mediation=second,
        notaries=[n["notaris_actief"], n["notaris_voorgesteld"], n["notaris_gekozen"]],
        by=office,
    )
    mediation_choose(mediation=second, notary=n["notaris_actief"], by=office)
    now = timezone.now()
    mediation_consent(
        mediation=second,
        by=office,
        claimant_consent_at=now - datetime.timedelta(hours=1),
        organisation_consent_at=now - datetime.timedelta(hours=1),
    )
    mediation_withdraw(mediation=second, by=office, note="Ingetrokken.")
    assert list(visible_to(user, Mediation)) == [world.instances["mediation_a"]]
    evidence = world.instances["ev_dossier_a"]
    assert visible_to(user, EvidenceFile).filter(pk=evidence.pk).exists()
    assert_status(
        client.get(reverse("cases:dossier", args=[world.clients["a"].pk])), 200
    )


EMPTY_INDEX_SEARCH_BUG = (
    "FIXED (regression test): search/backends/whoosh/storage.py pk_to_docnum() calls "
    "reader.column_reader('pk'), which Whoosh's empty reader does not implement: "
    "a search whose scope is a subquery (Untranslatable, results.py _allowed()) "
    "on an index without documents raises NotImplementedError, so the admin page "
    "search answers 500 until the first page is indexed."
)


def test_admin_page_search_on_an_empty_page_index_answers_200(world, client):
    """A fresh install before its first page is indexed (or a rebuilt index)."""
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend

    index = get_search_backend().get_index_for_model(Page)
    index.reset()
    try:
        login(client, world, SUBJECTS_BY_KEY["kwaliteit"])
        assert_status(client.get(ADMIN_SEARCH, {"q": "klacht"}), 200)
    finally:
        _index_pages()
