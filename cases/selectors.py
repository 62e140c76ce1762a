"""Reads of the client dossier, scoped by who is asking.

One selector per model is the single source of truth for confidentiality: every
listing, chooser, search, export and download goes through it (DESIGN.md). Scopes
are built from subqueries, never from materialised id lists, so they stay one SQL
statement and a revoked or expired grant counts at once.

Who sees what:
- register roles (`cases.view_register`: quality officer, office manager,
  management): everything;
- a dossier grant (`view_client` on a Client, per user or group, unexpired): that
  whole dossier (e.g. a mediation's notary, E4); likewise, derived from the case
  itself, a complaint's handler (C4) and an appeal's assigned decider (A8);
- an audit's team leader and assessors, audit grants, and the decider of a
  decision on it: that audit, its decisions and its evidence, and the client's
  basic record (a decider decides on the audit's report and evidence);
- anybody else: nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal import hooks
from portal.roles import CERTIFICATION_DECIDER, ROLES_BY_CODE

from . import kinds
from .models import (
    Appeal,
    Audit,
    AuditGroupObjectPermission,
    AuditUserObjectPermission,
    Certificate,
    CertificationDecision,
    Client,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
    Complaint,
    EvidenceFile,
    Mediation,
    Notary,
    Signal,
)
from .permissions import can_read_lessons, has_register_access


def _unexpired(qs: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    return qs.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def is_unexpired(
    expires_at: datetime.datetime | None, now: datetime.datetime | None = None
) -> bool:
    """`_unexpired` for one row already read (the Toegang panel's expired grants)."""
    return expires_at is None or expires_at > (now or timezone.now())


def _granted_ids(user, user_model, group_model, codename: str) -> Q:
    by_user = _unexpired(
        user_model.objects.filter(user=user, permission__codename=codename)
    ).values("content_object_id")
    by_group = _unexpired(
        group_model.objects.filter(group__user=user, permission__codename=codename)
    ).values("content_object_id")
    return Q(pk__in=by_user) | Q(pk__in=by_group)


@dataclass(frozen=True)
class Relation:
    """A role a person holds in a row that opens (part of) a dossier: the scoping
    selectors ask it from the person's side, the Toegang panel
    (`cases.selectors_access.dossier_access`) from the client's side, so that the
    panel cannot say otherwise than the selectors enforce."""

    key: str
    model: type
    person: str  # the field naming the person (foreign key or many-to-many)
    client: str  # the path from the row to its client's pk
    audit: str = ""  # the path from the row to the audit it opens ("": none)

    def rows_of(self, user) -> QuerySet:
        return self.model.objects.filter(**{self.person: user})

    def rows_about(self, client: Client) -> QuerySet:
        return self.model.objects.filter(**{self.client: client.pk})


# Whole dossiers through a case (C4: a complaint's handler; A8: an appeal's
# assigned decider).
DOSSIER_RELATIONS = (
    Relation("complaint_handler", Complaint, "handler", "client_id"),
    Relation("appeal_decider", Appeal, "decider", "decision__audit__client_id"),
)
# One audit's part of a dossier: its team, and the decider of a decision on it.
AUDIT_RELATIONS = (
    Relation("team_leader", Audit, "team_leader", "client_id", audit="pk"),
    Relation("assessor", Audit, "assessors", "client_id", audit="pk"),
    Relation(
        "decision_decider",
        CertificationDecision,
        "decider",
        "audit__client_id",
        audit="audit_id",
    ),
)
# (user table, group table, codename, path from a grant to its client's pk)
DOSSIER_GRANTS = (
    ClientUserObjectPermission,
    ClientGroupObjectPermission,
    "view_client",
    "content_object_id",
)
AUDIT_GRANTS = (
    AuditUserObjectPermission,
    AuditGroupObjectPermission,
    "view_audit",
    "content_object__client_id",
)


def _dossier_client_q(user) -> Q:
    """Whole dossiers: granted ones, and those a case role gives (C4: a complaint's
    handler; A8: an appeal's assigned decider). The case roles are derived from the
    cases themselves, not stored as grants, so replacing a handler or decider ends
    exactly that access and never another one the person still has."""
    q = _granted_ids(user, *DOSSIER_GRANTS[:3])
    for relation in DOSSIER_RELATIONS:
        q |= Q(pk__in=relation.rows_of(user).values(relation.client))
    return q


def _dossier_client_ids(user) -> QuerySet:
    return Client.objects.filter(_dossier_client_q(user)).values("pk")


def _is_anonymous(user) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


def audits_visible_to(user) -> QuerySet[Audit]:
    """Audits the user may see (their team's, granted, or in a granted dossier)."""
    if _is_anonymous(user):
        return Audit.objects.none()
    if has_register_access(user):
        return Audit.objects.all()
    return _audits_of(user, _dossier_client_ids(user))


def _audits_of(user, dossier_ids: QuerySet) -> QuerySet[Audit]:
    """``audits_visible_to`` for someone without the register, given their whole
    dossiers (built once by the callers that need both: building a selector
    costs more than running it)."""
    q = _granted_ids(user, *AUDIT_GRANTS[:3]) | Q(client__in=dossier_ids)
    for relation in AUDIT_RELATIONS:
        q |= Q(pk__in=relation.rows_of(user).values(relation.audit))
    return Audit.objects.filter(q)


def _decisions_on(audits: QuerySet[Audit]) -> QuerySet[CertificationDecision]:
    return CertificationDecision.objects.filter(audit__in=audits.values("pk"))


def decisions_visible_to(user) -> QuerySet[CertificationDecision]:
    if _is_anonymous(user):
        return CertificationDecision.objects.none()
    if has_register_access(user):
        return CertificationDecision.objects.all()
    return _decisions_on(audits_visible_to(user))


def clients_visible_to(user) -> QuerySet[Client]:
    """Clients whose record (name, region, status) the user may see."""
    if _is_anonymous(user):
        return Client.objects.none()
    if has_register_access(user):
        return Client.objects.all()
    dossier_q = _dossier_client_q(user)
    audits = _audits_of(user, Client.objects.filter(dossier_q).values("pk"))
    return Client.objects.filter(
        dossier_q
        | Q(pk__in=audits.values("client_id"))
        | Q(pk__in=_decisions_on(audits).values("audit__client_id"))
    )


def dossiers_visible_to(user) -> QuerySet[Client]:
    """Clients whose *whole* dossier the user may see."""
    if _is_anonymous(user):
        return Client.objects.none()
    if has_register_access(user):
        return Client.objects.all()
    return Client.objects.filter(_dossier_client_q(user))


def certificates_visible_to(user) -> QuerySet[Certificate]:
    if _is_anonymous(user):
        return Certificate.objects.none()
    if has_register_access(user):
        return Certificate.objects.all()
    return Certificate.objects.filter(client__in=_dossier_client_ids(user))


def evidence_visible_to(user) -> QuerySet[EvidenceFile]:
    """Evidence the user may see, tombstones of deleted files included (they show
    in the register; their bytes are gone)."""
    if _is_anonymous(user):
        return EvidenceFile.objects.none()
    if has_register_access(user):
        return EvidenceFile.objects.all()
    dossier_ids = _dossier_client_ids(user)
    audits = _audits_of(user, dossier_ids)
    return EvidenceFile.objects.filter(
        Q(client__in=dossier_ids)
        | Q(audit__in=audits.values("pk"))
        | Q(decision__in=_decisions_on(audits).values("pk"))
        | Q(signal__in=signals_visible_to(user).values("pk"))
        | Q(complaint__in=complaints_visible_to(user).values("pk"))
        | Q(appeal__in=appeals_visible_to(user).values("pk"))
        | Q(mediation__in=mediations_visible_to(user).values("pk"))
    )


def appeals_visible_to(user) -> QuerySet[Appeal]:
    """Register roles see every appeal; the assigned decider sees theirs (A7)."""
    if _is_anonymous(user):
        return Appeal.objects.none()
    if has_register_access(user):
        return Appeal.objects.all()
    return Appeal.objects.filter(decider=user)


def signals_visible_to(user) -> QuerySet[Signal]:
    """Register roles see every signal; whoever reported one sees their own."""
    if _is_anonymous(user):
        return Signal.objects.none()
    if has_register_access(user):
        return Signal.objects.all()
    return Signal.objects.filter(reported_by=user)


def _mediations_open_to_notary(user) -> QuerySet[Mediation]:
    return open_mediations().filter(notary__user=user)


def open_mediations(now: datetime.datetime | None = None) -> QuerySet[Mediation]:
    """E4: mediations whose notary sees the dossier now: from double consent until
    closing (and never past access_until)."""
    return Mediation.objects.filter(
        state__in=[
            Mediation.State.CONSENTED,
            Mediation.State.SESSION_HELD,
            Mediation.State.EVALUATED,
        ],
        access_until__gt=now or timezone.now(),
    )


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Register roles see every complaint; the handler sees theirs (C2, C4); the
    notary of a mediation about it sees it while their access lasts (E4). Staff
    involved in the situation see nothing of it. Assessors read only the
    anonymised summaries (`complaint_lessons`)."""
    if _is_anonymous(user):
        return Complaint.objects.none()
    if has_register_access(user):
        return Complaint.objects.all()
    return Complaint.objects.filter(
        Q(handler=user)
        | Q(pk__in=_mediations_open_to_notary(user).values("complaint_id"))
    )


def mediations_visible_to(user) -> QuerySet[Mediation]:
    """Register roles see every mediation; the chosen notary sees theirs from
    double consent until closing (E4)."""
    if _is_anonymous(user):
        return Mediation.objects.none()
    if has_register_access(user):
        return Mediation.objects.all()
    return _mediations_open_to_notary(user)


def procedure_codes_named_for(user) -> set[str]:
    """E4: the codes of the procedures the mediations ``user`` mediates now name
    (besides the complaints and appeals procedure, which always applies): what a
    notary may read of the quality system while her access lasts."""
    if _is_anonymous(user):
        return set()
    codes: set[str] = set()
    for named in _mediations_open_to_notary(user).values_list(
        "procedure_codes", flat=True
    ):
        codes.update(named or ())
    return codes


def dossier_grants_of(user) -> list[tuple[Client, datetime.datetime | None]]:
    """(client, until) for every unexpired grant of a whole dossier to ``user``
    personally, soonest end first; ``until`` is None for a grant without end.
    What an external notary's dashboard says of her access (E4)."""
    if _is_anonymous(user):
        return []
    grants = _unexpired(
        ClientUserObjectPermission.objects.filter(
            user=user, permission__codename="view_client"
        )
    ).select_related("content_object")
    rows = [(g.content_object, g.expires_at) for g in grants]
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return sorted(rows, key=lambda row: (row[1] or far, row[0].name))


def complaint_lessons(user):
    """C5: what every assessor may read of complaints the quality officer decided to
    discuss anonymised: the summary and the month, nothing else."""
    if _is_anonymous(user) or not can_read_lessons(user):
        return Complaint.objects.none().values("pk")
    return (
        Complaint.objects.filter(discuss_anonymised=True)
        .exclude(anonymised_summary="")
        .order_by("-received_at")
        .values("pk", "anonymised_summary", "received_at")
    )


def deciders() -> QuerySet:
    """Everyone with the certification decider role (candidates for A7)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=ROLES_BY_CODE[CERTIFICATION_DECIDER].name)
        .order_by("last_name", "first_name")
    )


# The dossier's own models; each kind of case brings its selector in its
# registry entry (cases.kinds).
DOSSIER_SELECTORS = {
    Client: clients_visible_to,
    Audit: audits_visible_to,
    CertificationDecision: decisions_visible_to,
    Certificate: certificates_visible_to,
    EvidenceFile: evidence_visible_to,
}


def selectors() -> dict:
    """Every scoping selector by model: the dossier's and each case kind's."""
    return {
        **{kind.model: kind.selector for kind in kinds.all_kinds()},
        **DOSSIER_SELECTORS,
    }


def visible_to(user, model) -> QuerySet:
    """The scoping selector of ``model`` applied to ``user``."""
    if kinds.is_case_model(model):
        return kinds.kind_of(model).selector(user)
    return DOSSIER_SELECTORS[model](user)


def get_visible_or_404(user, model, **lookup):
    """The object, or Http404 if it does not exist *or* the user may not see it: the
    same answer, so that access cannot be probed (Zulip's access_<thing>)."""
    from django.http import Http404

    obj = visible_to(user, model).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def complaint_visible_or_404(user, pk) -> Complaint:
    """The complaint, for another app (a change request starts from one, C10)."""
    return get_visible_or_404(user, Complaint, pk=pk)


def dossier_timeline(user, client: Client, *, kinds: set[str] | None = None) -> list:
    """Everything in ``client``'s dossier that ``user`` may see, newest first, as
    (date, kind, object) tuples. A fixed number of queries, whatever the size."""
    kinds = kinds or {"audit", "decision", "certificate", "evidence"}
    items = []
    if "audit" in kinds:
        for a in (
            audits_visible_to(user)
            .filter(client=client)
            .select_related("team_leader", "client")
            .prefetch_related("assessors")
        ):
            items.append((a.start_date, "audit", a))
    if "decision" in kinds:
        for d in (
            decisions_visible_to(user)
            .filter(audit__client=client)
            .select_related("audit__client", "decider", "supersedes")
        ):
            items.append((timezone.localdate(d.decided_at), "decision", d))
    if "certificate" in kinds:
        for c in (
            certificates_visible_to(user)
            .filter(client=client)
            .select_related("client", "previous", "next_version")
        ):
            items.append((c.valid_from, "certificate", c))
    if "evidence" in kinds:
        for e in (
            evidence_visible_to(user)
            .filter(client=client)
            .select_related("audit", "uploaded_by", "deleted_by")
        ):
            items.append((timezone.localdate(e.uploaded_at), "evidence", e))
    items.sort(key=lambda item: item[0], reverse=True)
    return items


# -- reads for the case pages and lists ----------------------------------------


def with_uninformed_steps(qs: QuerySet[Mediation]) -> QuerySet[Mediation]:
    """Annotate ``uninformed_steps``: logbook steps the claimant was not (yet)
    informed of (E6); one query for a whole list."""
    return qs.annotate(
        uninformed_steps=Count(
            "events", filter=Q(events__claimant_informed_at__isnull=True)
        )
    )


def eligible_notaries(mediation: Mediation) -> QuerySet[Notary]:
    """E2: active mediation notaries in the claimant's region without a declared tie
    to the claimant or the organisation."""
    return (
        Notary.objects.filter(
            active=True,
            mediation_specialised=True,
            region=mediation.claimant.region,
            tied_to_organisation=False,
        )
        .exclude(tied_clients=mediation.claimant)
        .order_by("name")
    )


def latest_team_leader(client: Client):
    """The team leader of the client's latest regular audit (C9 informs them)."""
    audit = (
        Audit.objects.filter(client=client)
        .exclude(kind=Audit.Kind.SPECIAL)
        .order_by("-start_date", "-pk")
        .select_related("team_leader")
        .first()
    )
    return audit.team_leader if audit else None


def due_items(*, now: datetime.datetime, within: datetime.timedelta):
    """(recipient user, case, deadline) for every open deadline up to now+within:
    each registered kind with a deadline names who is responsible (cases.kinds),
    and other apps add theirs (portal.hooks.REMINDER_SOURCES)."""
    horizon = now + within
    items = []
    for kind in kinds.all_kinds():
        if kind.deadline_field is None or kind.responsible is None:
            continue
        due = kind.model.objects.filter(
            state__in=kind.deadline_states,
            **{f"{kind.deadline_field}__lte": horizon},
        ).select_related(*kind.related)
        for case in due:
            deadline = getattr(case, kind.deadline_field)
            items.extend((u, case, deadline) for u in kind.responsible(case))
    # Deadlines of other apps (read acknowledgements of the quality documents).
    items.extend(hooks.collect(hooks.REMINDER_SOURCES, horizon))
    return items
