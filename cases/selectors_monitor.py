"""What the quality officer monitors across the register (C11 management
information, issue 13 item 4): the deadlines running now, nearest first, and the
decided appeals whose outcome letter has not left yet (A9). Register-wide reads:
the caller shows them only to the register's roles."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from . import kinds
from .models import Appeal


def running_deadlines(limit: int = 8) -> tuple[int, list[dict]]:
    """Every case whose next step is due by a date (the kind's deadline, in the
    states in which it runs), nearest first: ``(count, [row, ...])``. One query
    per kind with a deadline."""
    rows, count = [], 0
    now = timezone.now()
    for spec in kinds.all_kinds():
        if not spec.deadline_field:
            continue
        qs = spec.model.objects.filter(
            state__in=spec.deadline_states, **{f"{spec.deadline_field}__isnull": False}
        )
        found = list(
            qs.order_by(spec.deadline_field).values(
                "pk",
                "number",
                client_name=F(f"{spec.client_field}__name"),
                due=F(spec.deadline_field),
            )
        )
        count += len(found)
        rows.extend(
            {
                **row,
                "kind": str(spec.title),
                "url": kinds_url(spec, row["pk"]),
                "overdue": row["due"] < now,
            }
            for row in found[:limit]
        )
    rows.sort(key=lambda r: r["due"])
    return count, rows[:limit]


def kinds_url(spec: kinds.CaseKind, pk: int) -> str:
    return reverse(spec.route, args=[pk])


def appeals_with_letter_unsent() -> list[Appeal]:
    """A9: decided appeals whose outcome letter has not been sent."""
    return list(
        Appeal.objects.filter(state=Appeal.State.DECIDED, outcome_sent_at__isnull=True)
        .select_related("appellant")
        .order_by("decided_at", "pk")
    )
