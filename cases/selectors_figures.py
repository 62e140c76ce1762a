"""The register's figures for the annual management review (C11): register-wide
and independent of who asks (the review is about all cases), counted in SQL.

Every count is an aggregate: the number of queries is fixed per registered kind
(``cases.kinds``), whatever the number of cases and logbook rows. Lead times
fetch one pair of moments per closed case of a kind, in one query.

The year of a case is local (Europe/Amsterdam, ``cases.deadlines.LOCAL``): a case
received on 31 December at 23:30 belongs to that year. The closing moment of a
case is the register's (``cases.views.register_rows``): the last logbook step
into one of its kind's closed states from a state that is not one, while the
case is in such a state.
"""

from __future__ import annotations

import datetime
import math
import statistics

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from . import kinds
from .deadlines import LOCAL
from .models import Appeal, CaseEvent, Complaint, Mediation, Signal

CLOSED = "fig_closed"  # annotation: the closing moment (None while open)
DONE = "fig_done"  # annotation: when the step the deadline waits for was done


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[1 January 00:00, next 1 January 00:00) of ``year``, local time."""
    return (
        datetime.datetime(year, 1, 1, tzinfo=LOCAL),
        datetime.datetime(year + 1, 1, 1, tzinfo=LOCAL),
    )


def _in(field: str, year: int) -> Q:
    start, end = year_bounds(year)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _logbook(spec: kinds.CaseKind):
    """The logbook rows of the outer case (``OuterRef("pk")``) of ``spec``."""
    return CaseEvent.objects.filter(
        **{spec.model._meta.model_name: OuterRef("pk")}
    ).order_by()


def closing_moment(spec: kinds.CaseKind, logbook=None):
    """The register's closing moment of a case of ``spec`` as an expression
    (``register_rows``' ``row_closed``, as a subquery so it can be aggregated):
    its last step into a closed state from an open one. ``logbook``: the outer
    case's logbook rows, when the caller reads them another way."""
    closed = spec.closed_states()
    if not closed:
        return Value(None, output_field=DateTimeField())
    last = (
        (logbook if logbook is not None else _logbook(spec))
        .filter(to_state__in=closed)
        .exclude(from_state__in=closed)
        .order_by("-at")
        .values("at")[:1]
    )
    return Case(
        When(state__in=closed, then=Subquery(last, output_field=DateTimeField())),
        default=None,
        output_field=DateTimeField(),
    )


def done_moment(spec: kinds.CaseKind):
    """When a case of ``spec`` first left the states in which its deadline runs
    (``CaseKind.deadline_states``): a signal qualified (S3), a complaint closed
    or put to mediation (C6), an appeal decided or declared inadmissible (A8).
    The same moment at which the register stops calling the case overdue
    (``Signal.is_overdue``, ``Complaint.is_overdue``)."""
    running = spec.deadline_states
    first = (
        _logbook(spec)
        .filter(from_state__in=running)
        .exclude(to_state__in=running)
        .order_by("at")
        .values("at")[:1]
    )
    return Subquery(first, output_field=DateTimeField())


def with_closing(spec: kinds.CaseKind):
    return spec.model.objects.order_by().annotate(**{CLOSED: closing_moment(spec)})


# -- received, closed, open ---------------------------------------------------


def case_counts(spec: kinds.CaseKind, year: int, **only) -> dict:
    """Of ``spec``'s cases (those matching the filters ``only``): received in ``year``,
    closed in ``year``, open at the start and at the end of it. One query."""
    start, end = year_bounds(year)
    date = spec.date_field
    qs = with_closing(spec)
    if only:
        qs = qs.filter(**only)

    def open_at(moment):
        return Q(**{f"{date}__lt": moment}) & (
            Q(**{f"{CLOSED}__isnull": True}) | Q(**{f"{CLOSED}__gte": moment})
        )

    return qs.aggregate(
        received=Count("pk", filter=_in(date, year)),
        closed=Count("pk", filter=_in(CLOSED, year)),
        open_at_start=Count("pk", filter=open_at(start)),
        open_at_end=Count("pk", filter=open_at(end)),
    )


def received_per_month(spec: kinds.CaseKind, year: int) -> list[int]:
    """Twelve counts: ``spec``'s cases received per local month of ``year``."""
    rows = (
        spec.model.objects.order_by()
        .filter(_in(spec.date_field, year))
        .annotate(fig_month=ExtractMonth(spec.date_field, tzinfo=LOCAL))
        .values("fig_month")
        .annotate(n=Count("pk"))
    )
    months = [0] * 12
    for row in rows:
        months[row["fig_month"] - 1] = row["n"]
    return months


def received_per_year(spec: kinds.CaseKind, first: int, last: int) -> dict:
    """{year: (received, closed)} for the years ``first``..``last``. One query."""
    qs = with_closing(spec)
    found = qs.aggregate(
        **{
            f"r{year}": Count("pk", filter=_in(spec.date_field, year))
            for year in range(first, last + 1)
        },
        **{
            f"c{year}": Count("pk", filter=_in(CLOSED, year))
            for year in range(first, last + 1)
        },
    )
    return {
        year: (found[f"r{year}"], found[f"c{year}"]) for year in range(first, last + 1)
    }


def first_year() -> int | None:
    """The local year of the first case of any kind, None without cases (one
    query per kind)."""
    years = []
    for spec in kinds.all_kinds():
        first = (
            spec.model.objects.order_by(spec.date_field)
            .values_list(spec.date_field, flat=True)
            .first()
        )
        if first is not None:
            years.append(first.astimezone(LOCAL).year)
    return min(years) if years else None


def per_value(spec: kinds.CaseKind, year: int, field: str) -> dict[str, int]:
    """{value of ``field``: number} of ``spec``'s cases received in ``year``."""
    rows = (
        spec.model.objects.order_by()
        .filter(_in(spec.date_field, year))
        .values(field)
        .annotate(n=Count("pk"))
    )
    return {row[field] or "": row["n"] for row in rows}


def has_field(spec: kinds.CaseKind, name: str) -> bool:
    return any(f.name == name for f in spec.model._meta.get_fields())


def per_client(year: int) -> dict[int, dict]:
    """{client pk: {"name", "kinds": {kind key: number}}} of the cases received
    in ``year``, every kind (one query per kind)."""
    found: dict[int, dict] = {}
    for spec in kinds.all_kinds():
        field = spec.client_field
        rows = (
            spec.model.objects.order_by()
            .filter(_in(spec.date_field, year), **{f"{field}__isnull": False})
            .values(field, f"{field}__name")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            entry = found.setdefault(
                row[field], {"name": row[f"{field}__name"], "kinds": {}}
            )
            entry["kinds"][spec.key] = row["n"]
    return found


# -- timeliness (S3, C6, A8) -------------------------------------------------------


def timeliness(spec: kinds.CaseKind, year: int, now: datetime.datetime) -> dict:
    """Of ``spec``'s cases received in ``year`` that had a deadline: the step done
    on time (at or before the deadline: a signal qualified at exactly 48 hours
    is on time, as ``Signal.is_overdue`` says), done late, still undone past the
    deadline at ``now``, still undone within it. One query."""
    deadline = spec.deadline_field
    qs = (
        spec.model.objects.order_by()
        .filter(_in(spec.date_field, year), **{f"{deadline}__isnull": False})
        .annotate(**{DONE: done_moment(spec)})
        # Only cases the deadline ran for: an appeal registered inadmissible at
        # once never had a decision term.
        .filter(Q(state__in=spec.deadline_states) | Q(**{f"{DONE}__isnull": False}))
    )
    return qs.aggregate(
        on_time=Count("pk", filter=Q(**{f"{DONE}__lte": F(deadline)})),
        late=Count("pk", filter=Q(**{f"{DONE}__gt": F(deadline)})),
        overdue=Count(
            "pk", filter=Q(**{f"{DONE}__isnull": True, f"{deadline}__lt": now})
        ),
        pending=Count(
            "pk", filter=Q(**{f"{DONE}__isnull": True, f"{deadline}__gte": now})
        ),
    )


def local_days(start: datetime.datetime, end: datetime.datetime) -> int:
    """Calendar days between two moments, counted in local dates (the
    register's doorlooptijd, ``RegisterRow.lead_days``)."""
    return (timezone.localtime(end, LOCAL).date() - start.astimezone(LOCAL).date()).days


def percentile(values: list[int], share: float) -> int | None:
    """Nearest-rank percentile: the smallest value with at least ``share`` of
    the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def lead_times(spec: kinds.CaseKind, year: int) -> dict:
    """Lead time in calendar days of ``spec``'s cases closed in ``year``: number,
    median, 90th percentile (nearest rank), longest. One query."""
    pairs = (
        with_closing(spec)
        .filter(_in(CLOSED, year))
        .values_list(spec.date_field, CLOSED)
    )
    days = [local_days(start, end) for start, end in pairs]
    return {
        "count": len(days),
        "median": statistics.median(days) if days else None,
        "p90": percentile(days, 0.9),
        "max": max(days) if days else None,
    }


# -- outcomes ------------------------------------------------------------------


def complaint_outcomes(year: int) -> dict:
    """Complaints closed in ``year``: with the client's satisfaction recorded
    (C8) or without; complaints received in ``year`` that led to a change of
    the quality system (C10) or were put to mediation (E1). One query."""
    spec = kinds.kind_of(Complaint)
    return with_closing(spec).aggregate(
        closed=Count("pk", filter=_in(CLOSED, year)),
        closed_satisfied=Count(
            "pk", filter=_in(CLOSED, year) & Q(satisfied_at__isnull=False)
        ),
        leads_to_change=Count(
            "pk", filter=_in(spec.date_field, year) & Q(leads_to_change=True)
        ),
        about_holder=Count(
            "pk",
            filter=_in(spec.date_field, year)
            & Q(about=Complaint.About.CERTIFICATE_HOLDER),
        ),
    )


def follow_up_decisions(year: int) -> dict:
    """C9: management's decisions on complaints about certificate holders taken
    in ``year``: a special audit or the next regular audit; and how many such
    complaints received in ``year`` still await that decision. One query."""
    holder = Q(about=Complaint.About.CERTIFICATE_HOLDER)
    return Complaint.objects.order_by().aggregate(
        special_audit=Count(
            "pk",
            filter=holder
            & _in("follow_up_decided_at", year)
            & Q(follow_up=Complaint.FollowUp.SPECIAL_AUDIT),
        ),
        next_regular=Count(
            "pk",
            filter=holder
            & _in("follow_up_decided_at", year)
            & Q(follow_up=Complaint.FollowUp.NEXT_REGULAR),
        ),
        undecided=Count(
            "pk", filter=holder & _in("received_at", year) & Q(follow_up="")
        ),
    )


def appeal_outcomes(year: int) -> dict:
    """Appeals decided in ``year``: decision upheld or changed (A9); appeals
    received in ``year`` not taken into consideration, per reason (A3, A4).
    Two queries."""
    decided = Appeal.objects.order_by().aggregate(
        upheld=Count(
            "pk", filter=_in("decided_at", year) & Q(outcome=Appeal.Outcome.UPHELD)
        ),
        changed=Count(
            "pk", filter=_in("decided_at", year) & Q(outcome=Appeal.Outcome.CHANGED)
        ),
    )
    rows = (
        Appeal.objects.order_by()
        .filter(_in("received_at", year))
        .exclude(inadmissible_reason="")
        .values("inadmissible_reason")
        .annotate(n=Count("pk"))
    )
    decided["inadmissible"] = {r["inadmissible_reason"]: r["n"] for r in rows}
    return decided


def mediation_outcomes(year: int) -> dict:
    """Mediations (E1–E6): registered in ``year`` from a complaint or from a
    contested decision, sessions held, closed in ``year`` and of those with an
    outcome recorded. One query."""
    spec = kinds.kind_of(Mediation)
    return with_closing(spec).aggregate(
        registered=Count("pk", filter=_in(spec.date_field, year)),
        from_complaint=Count(
            "pk", filter=_in(spec.date_field, year) & Q(complaint__isnull=False)
        ),
        from_decision=Count(
            "pk", filter=_in(spec.date_field, year) & Q(decision__isnull=False)
        ),
        sessions=Count("pk", filter=_in("session_at", year)),
        closed=Count("pk", filter=_in(CLOSED, year)),
        closed_with_outcome=Count("pk", filter=_in(CLOSED, year) & ~Q(outcome="")),
    )


def signal_qualifications(year: int) -> dict:
    """Signals received in ``year`` per state (complaint, not a complaint, not
    yet qualified) and about a certificate holder (S4). One query."""
    spec = kinds.kind_of(Signal)
    found = Signal.objects.order_by().aggregate(
        **{
            state: Count("pk", filter=_in(spec.date_field, year) & Q(state=state))
            for state in Signal.State.values
        },
        about_holder=Count(
            "pk",
            filter=_in(spec.date_field, year) & Q(about_certificate_holder=True),
        ),
    )
    return found
