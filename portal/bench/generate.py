"""A generated case register: clients with an audit and a decision each, cases of
every kind with their logbook, evidence rows with tiny placeholder files, and
one user per role whose view of the register is realistic (a core-group member
handling ``own`` complaints, a decider with ``own`` appeals, an assessor who
reported ``own`` signals and sits on some audit teams).

Everything is inserted in bulk, with moments chosen here (the ``auto_now_add``
stamps are switched off for the duration and restored). One client, the
*focus* client, carries ``dossier_files`` files, and one case per role carries
``case_events`` logbook lines: the pages the benchmark opens. ``tag`` prefixes
every unique name, so that a test can generate twice in one database.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from cases import kinds
from cases.models import (
    Appeal,
    Audit,
    CaseEvent,
    CertificationDecision,
    Client,
    Complaint,
    EvidenceFile,
    Mediation,
    Signal,
)
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
    role_group,
)

#: The measured roles, in the order of the table: (key, role code, Dutch name).
ROLES = (
    ("kwaliteit", QUALITY_OFFICER, "Portefeuillehouder Q"),
    ("kerngroep", CORE_GROUP, "Kerngroeplid (behandelaar)"),
    ("beslisser", CERTIFICATION_DECIDER, "Certificatiebeslisser"),
    ("beoordelaar", ASSESSOR, "Beoordelaar"),
)
BATCH = 2000
PLACEHOLDER = b"Testbestand van benchmark_register.\n"


@dataclass(frozen=True)
class Plan:
    cases: int = 20_000
    events: int = 200_000
    files: int = 5_000
    own: int = 30  # the handler's complaints, the decider's appeals...
    case_events: int = 200  # logbook lines of each role's focus case
    dossier_files: int = 500  # files in the focus client's dossier
    tag: str = ""  # prefix of every unique name (numbers, user and client names)
    seed: int = 15

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Register:
    """What was generated: the users per role and the objects the pages open."""

    plan: Plan
    users: dict = field(default_factory=dict)  # role key -> user
    focus_client: Client | None = None
    focus: dict = field(default_factory=dict)  # role key -> the case it opens
    year: int = 0  # a full year of cases (the register's year filter)
    counts: dict = field(default_factory=dict)


@contextlib.contextmanager
def _chosen_moments(*fields) -> Iterator[None]:
    """Let bulk inserts keep the moments chosen here instead of "now"."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _split(n: int) -> dict[str, int]:
    """About half signals (two in five becoming a complaint), an eighth appeals,
    a sixteenth mediations; at least one of each."""
    appeals = max(n // 8, 1)
    mediations = max(n // 16, 1)
    rest = max(n - appeals - mediations, 2)
    complaints = max(rest * 2 // 5, 1)
    return {
        "signal": rest - complaints,
        "complaint": complaints,
        "appeal": appeals,
        "mediation": mediations,
    }


def generate(plan: Plan, *, now: datetime.datetime | None = None) -> Register:
    """Fill the (empty or test) database with ``plan``'s register. The focus
    case's logbook and the focus dossier never exceed the totals asked for."""
    plan = replace(
        plan,
        case_events=max(min(plan.case_events, plan.events // 4), 1),
        dossier_files=min(plan.dossier_files, plan.files),
    )
    fields = [
        CaseEvent._meta.get_field("at"),
        EvidenceFile._meta.get_field("uploaded_at"),
        Signal._meta.get_field("reported_at"),
        *(m._meta.get_field("registered_at") for m in (Complaint, Appeal, Mediation)),
    ]
    with _chosen_moments(*fields):
        return _generate(plan, now or timezone.now())


def _users(plan: Plan) -> dict:
    User = get_user_model()
    t = plan.tag
    wanted = {
        **{key: (code, key.capitalize()) for key, code, _name in ROLES},
        "bureau": (OFFICE_MANAGER, "Bureau"),
        "teamleider": (ASSESSOR, "Teamleider"),
        "beslisser2": (CERTIFICATION_DECIDER, "Tweede"),
        **{f"kerngroep{i}": (CORE_GROUP, f"Lid {i}") for i in range(2, 7)},
    }
    users = {}
    for key, (code, last) in wanted.items():
        user = User(
            username=f"{t}bench-{key}",
            first_name="Bench",
            last_name=last,
            email=f"{t}{key}@example.invalid",
        )
        user.set_unusable_password()
        user.save()
        user.groups.add(role_group(code))
        users[key] = user
    return users


def _generate(plan: Plan, now: datetime.datetime) -> Register:
    rng = random.Random(plan.seed)  # noqa: S311 (synthetic data)
    t = plan.tag
    hour, day = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    start = now - datetime.timedelta(days=3 * 365)
    span = int((now - start).total_seconds()) - 86_400 * 2

    def moment() -> datetime.datetime:
        return start + datetime.timedelta(seconds=rng.randrange(span))

    reg = Register(plan=plan, year=timezone.localtime(now).year - 1)
    users = _users(plan)
    reg.users = {key: users[key] for key, _code, _name in ROLES}
    office, leader = users["bureau"], users["teamleider"]
    handlers = [users["kerngroep"], *(users[f"kerngroep{i}"] for i in range(2, 7))]
    n = _split(plan.cases)
    own = max(
        1, min(plan.own, n["signal"] - n["complaint"] - 1, n["complaint"], n["appeal"])
    )

    # The dossiers: a client per 40 cases, each with an audit and a decision.
    n_clients = max(plan.cases // 40, 3)
    clients = Client.objects.bulk_create(
        [
            Client(name=f"{t}Klantorganisatie {i:05d}", region="UT", city="Utrecht")
            for i in range(n_clients)
        ],
        batch_size=BATCH,
    )
    focus = clients[0]
    reg.focus_client = focus
    audits = Audit.objects.bulk_create(
        [
            Audit(
                client=c,
                kind=Audit.Kind.FOLLOW_UP,
                start_date=(start + rng.randrange(300) * day).date(),
                team_leader=leader,
            )
            for c in clients
        ],
        batch_size=BATCH,
    )
    # The assessor is on the focus client's audit team and a few others.
    Audit.assessors.through.objects.bulk_create(
        Audit.assessors.through(audit_id=a.pk, user_id=users["beoordelaar"].pk)
        for a in audits[: max(own // 3, 1)]
    )
    decisions = CertificationDecision.objects.bulk_create(
        [
            CertificationDecision(
                audit=a,
                decider=users["beslisser2"],
                outcome=CertificationDecision.Outcome.CONTINUED,
                motivation="Voldoet aan de normen.",
                decided_at=timezone.make_aware(
                    datetime.datetime.combine(a.start_date, datetime.time(12))
                )
                + 20 * day,
            )
            for a in audits
        ],
        batch_size=BATCH,
    )
    decision_of = {d.audit.client_id: d for d in decisions}

    # Signals: the first become complaints, the next ``own`` were reported by
    # the assessor (the first of those is the assessor's focus case).
    signals = []
    for i in range(n["signal"]):
        received = moment()
        if i < n["complaint"]:
            state = Signal.State.COMPLAINT
        elif i < n["complaint"] + own:
            state = Signal.State.RECEIVED
        else:
            state = rng.choice(Signal.State.values)
        client = focus if i in (0, n["complaint"]) else rng.choice(clients)
        signals.append(
            Signal(
                number=f"{t}S-{i:06d}",
                client=client,
                channel=rng.choice(Signal.Channel.values),
                received_at=received,
                reported_at=received,
                description=f"Signaal {i} van {client.name}.",
                reported_by=users["beoordelaar"]
                if n["complaint"] <= i < n["complaint"] + own
                else office,
                decide_by=received + 48 * hour,
                state=state,
                ground="a" if state == Signal.State.COMPLAINT else "",
                qualified_at=None
                if state == Signal.State.RECEIVED
                else received + rng.randrange(1, 48) * hour,
                qualified_by=None if state == Signal.State.RECEIVED else office,
            )
        )
    Signal.objects.bulk_create(signals, batch_size=BATCH)

    # Complaints, one per qualified signal; the first ``own`` are handled by the
    # core-group member (the first of them, about the focus client, is theirs).
    complaints = []
    for i, signal in enumerate(signals[: n["complaint"]]):
        received = signal.received_at
        if i < own:
            state, handler = Complaint.State.IN_PROGRESS, handlers[0]
        else:
            state = rng.choice(
                [Complaint.State.REGISTERED, *[Complaint.State.IN_PROGRESS] * 2]
                + [Complaint.State.CLOSED] * 5
            )
            handler = (
                None
                if state == Complaint.State.REGISTERED
                else rng.choice(handlers[1:])
            )
        closed = received + rng.randrange(5, 60) * day
        complaints.append(
            Complaint(
                number=f"{t}K-{i:06d}",
                signal=signal,
                client=signal.client,
                received_at=received,
                registered_at=received + hour,
                description=f"Klacht {i}: de klant is ontevreden over de planning.",
                cause_analysis="Planning niet afgestemd." if i % 3 == 0 else "",
                handler=handler,
                handle_by=received + 30 * day,
                state=state,
                registered_by=office,
                procedure_version="2305",
                satisfied_at=closed if state == Complaint.State.CLOSED else None,
                closed_at=closed if state == Complaint.State.CLOSED else None,
            )
        )
    Complaint.objects.bulk_create(complaints, batch_size=BATCH)

    # Appeals against the appellant's own decision; the first ``own`` are the
    # decider's (the first about the focus client).
    appeals = []
    for i in range(n["appeal"]):
        appellant = focus if i == 0 else rng.choice(clients)
        received = moment()
        if i < own:
            state, decider = Appeal.State.ASSIGNED, users["beslisser"]
        else:
            state = rng.choice(
                [
                    Appeal.State.ACKNOWLEDGED,
                    Appeal.State.ASSIGNED,
                    Appeal.State.DECIDED,
                    Appeal.State.CLOSED,
                    Appeal.State.CLOSED,
                ]
            )
            decider = (
                None if state == Appeal.State.ACKNOWLEDGED else users["beslisser2"]
            )
        decided = state in (Appeal.State.DECIDED, Appeal.State.CLOSED)
        appeals.append(
            Appeal(
                number=f"{t}B-{i:06d}",
                decision=decision_of[appellant.pk],
                appellant=appellant,
                channel=Appeal.Channel.EMAIL,
                received_at=received,
                registered_at=received + hour,
                motivation="De beslissing is onvoldoende gemotiveerd.",
                state=state,
                term_ends_at=received + 30 * day,
                decide_by=received + 42 * day,
                decider=decider,
                acknowledged_at=received + day,
                outcome=Appeal.Outcome.UPHELD if decided else "",
                decided_at=received + rng.randrange(10, 40) * day if decided else None,
                registered_by=office,
                procedure_version="2305",
            )
        )
    Appeal.objects.bulk_create(appeals, batch_size=BATCH)

    mediations = []
    for i in range(n["mediation"]):
        claimant = rng.choice(clients)
        registered = moment()
        state = rng.choice([Mediation.State.ESCALATED, Mediation.State.CLOSED])
        mediations.append(
            Mediation(
                number=f"{t}M-{i:06d}",
                decision=decision_of[claimant.pk],
                claimant=claimant,
                reason="Geen oplossing gevonden in overleg.",
                state=state,
                registered_at=registered,
                registered_by=office,
                procedure_version="2305",
                closed_at=registered + 60 * day
                if state == Mediation.State.CLOSED
                else None,
            )
        )
    Mediation.objects.bulk_create(mediations, batch_size=BATCH)

    rows = {
        "signal": signals,
        "complaint": complaints,
        "appeal": appeals,
        "mediation": mediations,
    }
    reg.focus = {
        "kwaliteit": complaints[0],
        "kerngroep": complaints[0],
        "beslisser": appeals[0],
        "beoordelaar": signals[n["complaint"]],
    }
    reg.counts = {
        "cases": sum(len(v) for v in rows.values()),
        **{k: len(v) for k, v in rows.items()},
        "clients": len(clients),
    }
    reg.counts["events"] = _logbook(plan, rows, reg, office, rng)
    reg.counts["files"] = _evidence(plan, clients, audits, office, now, rng)
    return reg


def _logbook(plan: Plan, rows: dict, reg: Register, actor, rng) -> int:
    """Every case's opening step, ``case_events`` lines on each focus case, and
    notes spread at random over the register up to ``plan.events`` lines."""
    types = {
        key: ContentType.objects.get_for_model(kinds.by_key(key).model) for key in rows
    }
    focus = {(kinds.kind_of(c).key, c.pk) for c in reg.focus.values()}
    budget = [plan.events]

    def lines():
        for key, cases in rows.items():
            opening = kinds.by_key(key).opening
            for case in cases:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
                at = getattr(case, kinds.by_key(key).date_field)
                yield CaseEvent(
                    case_type=types[key],
                    case_id=case.pk,
                    action=opening.action,
                    from_state="",
                    to_state=opening.states[0],
                    actor=actor,
                    at=at,
                )
        for key, pk in sorted(focus):
            case = next(c for c in rows[key] if c.pk == pk)
            at = getattr(case, kinds.by_key(key).date_field)
            for i in range(plan.case_events - 1):
                if budget[0] <= 0:
                    return
                budget[0] -= 1
                yield _note(types[key], pk, actor, at + datetime.timedelta(hours=i))
        every = [(key, c) for key, cases in rows.items() for c in cases]
        while budget[0] > 0:
            budget[0] -= 1
            key, case = rng.choice(every)
            at = getattr(case, kinds.by_key(key).date_field)
            yield _note(
                types[key],
                case.pk,
                actor,
                at + datetime.timedelta(hours=rng.randrange(1, 24 * 60)),
            )

    written = 0
    batch = []
    for line in lines():
        batch.append(line)
        if len(batch) >= 5 * BATCH:
            CaseEvent.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    CaseEvent.objects.bulk_create(batch)
    return written + len(batch)


def _note(case_type, case_id, actor, at) -> CaseEvent:
    return CaseEvent(
        case_type=case_type,
        case_id=case_id,
        action="note",
        actor=actor,
        at=at,
        note="Telefonisch contact met de klant over de voortgang.",
    )


def _evidence(plan: Plan, clients, audits, actor, now, rng) -> int:
    """``dossier_files`` files in the focus client's dossier (with its audit, so
    the assessor on that audit's team sees them too), the rest spread over the
    other dossiers; each row has a tiny placeholder file in evidence storage."""
    storage = storages["evidence"]
    digest = hashlib.sha256(PLACEHOLDER).hexdigest()
    audit_of = {a.client_id: a for a in audits}
    focus = clients[0]
    others = clients[1:] or clients
    placeholder = storage.save(
        f"{plan.tag}bench/placeholder.txt", ContentFile(PLACEHOLDER)
    )
    files = []
    for i in range(plan.files):
        client = focus if i < plan.dossier_files else rng.choice(others)
        with_audit = client is focus or i % 3 == 0
        files.append(
            EvidenceFile(
                client=client,
                audit=audit_of[client.pk] if with_audit else None,
                file=placeholder,
                original_name=f"verslag-{i:05d}.txt",
                content_type="text/plain",
                type_label="tekst",
                size=len(PLACEHOLDER),
                sha256=digest,
                description="Onderzoeksverslag" if with_audit else "",
                uploaded_by=actor,
                uploaded_at=now - datetime.timedelta(minutes=rng.randrange(1, 10**6)),
            )
        )
    EvidenceFile.objects.bulk_create(files, batch_size=BATCH)
    return len(files)
