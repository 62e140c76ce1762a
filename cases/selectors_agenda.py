"""What the core-group meeting reads of the register (C11: every meeting discusses
client satisfaction: the complaints, the measures taken and the lessons learned;
appeals and mediations likewise).

The kinds on the agenda are those whose registry entry says what the meeting reads
of them (``extra["agenda"]``: the field names of summary, outcome, measures,
lessons and, for C5, the anonymised summary); signals are not on it. These reads
are register-wide: what a person may see of each case is decided by the caller
through `visible_case_ids` (the kind's own scoping selector).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, DateTimeField, F, Max, Q, When
from django.urls import reverse

from portal import hooks as portal_hooks

from . import kinds
from .deadlines import LOCAL


@dataclass(frozen=True)
class AgendaCase:
    kind: str
    pk: int
    number: str
    section: str  # "received", "open" or "closed" (insights.MeetingCase.Section)
    received: datetime.datetime
    closed: datetime.datetime | None


def agenda_kinds() -> list[kinds.CaseKind]:
    return [k for k in kinds.all_kinds() if k.extra.get("agenda")]


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LOCAL)


def _with_closing(spec: kinds.CaseKind, qs):
    """``closed_on``: when the case reached a closed state (the logbook), or None
    while it is open."""
    closed = spec.closed_states()
    closing = Max(
        "events__at",
        filter=Q(events__to_state__in=closed) & ~Q(events__from_state__in=closed),
    )
    return qs.annotate(
        closed_on=Case(
            When(state__in=closed, then=closing),
            default=None,
            output_field=DateTimeField(),
        )
    )


def cases_for_meeting(
    start: datetime.date | None, end: datetime.date
) -> list[AgendaCase]:
    """The cases a meeting held on ``end`` discusses for the period ``start`` to
    ``end`` (both days included, local time): those closed in it, those received
    in it, and those received earlier and still open at its end. One query per
    kind."""
    upto = _start_of(end + datetime.timedelta(days=1))
    since = _start_of(start) if start else None
    found: list[AgendaCase] = []
    for spec in agenda_kinds():
        date = spec.date_field
        qs = _with_closing(spec, spec.model.objects.all())
        received_in = Q(**{f"{date}__lt": upto})
        if since:
            received_in &= Q(**{f"{date}__gte": since})
        closed_in = Q(closed_on__lt=upto)
        if since:
            closed_in &= Q(closed_on__gte=since)
        open_at_end = Q(**{f"{date}__lt": upto}) & (
            Q(closed_on__isnull=True) | Q(closed_on__gte=upto)
        )
        rows = (
            qs.filter(received_in | closed_in | open_at_end)
            .annotate(received=F(date))
            .values("pk", "number", "received", "closed_on")
            .order_by(date, "pk")
        )
        for row in rows:
            closed_on = row["closed_on"]
            if closed_on is not None and closed_on < upto:
                section = "closed" if since is None or closed_on >= since else None
            else:
                section = None
            if section is None:
                received = row["received"]
                section = "received" if since is None or received >= since else "open"
            found.append(
                AgendaCase(
                    kind=spec.key,
                    pk=row["pk"],
                    number=row["number"],
                    section=section,
                    received=row["received"],
                    closed=closed_on if closed_on and closed_on < upto else None,
                )
            )
    return found


def agenda_details(kind_key: str, pks) -> dict[int, dict]:
    """What the meeting reads of these cases of one kind, live: number, client,
    state, dates and the kind's agenda texts (``summary``, ``outcome``,
    ``measures``, ``lessons``, ``anonymised``, ``anonymised_summary``)."""
    spec = kinds.by_key(kind_key)
    fields = spec.extra.get("agenda", {})
    qs = _with_closing(spec, spec.model.objects.filter(pk__in=list(pks)))
    rows = qs.values(
        "pk",
        "number",
        "state",
        "closed_on",
        client_name=F(f"{spec.client_field}__name"),
        received=F(spec.date_field),
        **{f"agenda_{name}": F(field) for name, field in fields.items()},
    )
    details = {}
    for row in rows:
        for name in fields:
            row[name] = row.pop(f"agenda_{name}")
        row["kind"] = spec.key
        row["state_label"] = spec.state_label(row["state"])
        row["anonymised"] = bool(row.get("anonymised")) and bool(
            (row.get("anonymised_summary") or "").strip()
        )
        details[row["pk"]] = row
    return details


def visible_case_ids(user, kind_key: str, pks) -> set[int]:
    """The cases among ``pks`` that ``user`` may see (the kind's scoping selector)."""
    spec = kinds.by_key(kind_key)
    return set(
        spec.selector(user).filter(pk__in=list(pks)).values_list("pk", flat=True)
    )


def closed_agenda_cases(since: datetime.date | None = None) -> list[AgendaCase]:
    """Every closed case of the agenda kinds (closed on or after ``since``), the
    most recently closed first."""
    found = []
    for spec in agenda_kinds():
        qs = _with_closing(spec, spec.model.objects.all()).filter(
            closed_on__isnull=False
        )
        if since:
            qs = qs.filter(closed_on__gte=_start_of(since))
        for row in qs.annotate(received=F(spec.date_field)).values(
            "pk", "number", "received", "closed_on"
        ):
            found.append(
                AgendaCase(
                    kind=spec.key,
                    pk=row["pk"],
                    number=row["number"],
                    section="closed",
                    received=row["received"],
                    closed=row["closed_on"],
                )
            )
    return sorted(found, key=lambda c: c.closed, reverse=True)


def case_url_of(kind_key: str, pk: int) -> str:
    """The case page of a case."""
    return reverse(kinds.by_key(kind_key).route, args=[pk])


def discussed_on(user, cases) -> dict[tuple[str, int], tuple]:
    """When the core group last discussed each of ``cases`` (``(kind key, pk)``
    pairs), and the page of that meeting where ``user`` may read it (else ""):
    ``{(kind, pk): (date, url)}`` (C11; answered by management information
    through ``portal.hooks.CASE_DISCUSSED``, in one query)."""
    on_agenda = {k.key for k in agenda_kinds()}
    cases = [(kind, pk) for kind, pk in cases if kind in on_agenda]
    if not cases:
        return {}
    return dict(portal_hooks.collect(portal_hooks.CASE_DISCUSSED, user, cases))
