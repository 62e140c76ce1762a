"""The quality system's figures for the annual management review (C10, C11):
change requests raised by complaints, procedures revised, read-and-understood
completion per procedure and the periodic reviews. Register-wide and
independent of who asks; aggregates only (a fixed number of queries)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q

from .models import (
    ChangeRequest,
    ProcedurePage,
    ProcedureReview,
    ProcedureVersion,
    ReadAcknowledgement,
)

LOCAL = ZoneInfo(settings.TIME_ZONE)


def _in(field: str, year: int) -> Q:
    return Q(
        **{
            f"{field}__gte": datetime.datetime(year, 1, 1, tzinfo=LOCAL),
            f"{field}__lt": datetime.datetime(year + 1, 1, 1, tzinfo=LOCAL),
        }
    )


def change_figures(year: int) -> dict:
    """C10: change requests a complaint raised, opened and completed in
    ``year``; the procedure versions published in ``year`` and how many of them
    followed a change request. Two queries."""
    requests = ChangeRequest.objects.order_by().aggregate(
        opened=Count("pk", filter=_in("opened_at", year)),
        completed=Count("pk", filter=_in("closed_at", year)),
        open_at_end=Count(
            "pk",
            filter=Q(opened_at__lt=datetime.datetime(year + 1, 1, 1, tzinfo=LOCAL))
            & (
                Q(closed_at__isnull=True)
                | Q(closed_at__gte=datetime.datetime(year + 1, 1, 1, tzinfo=LOCAL))
            ),
        ),
    )
    versions = ProcedureVersion.objects.order_by().aggregate(
        published=Count("pk", filter=_in("published_at", year)),
        after_request=Count(
            "pk", filter=_in("published_at", year) & Q(change_request__isnull=False)
        ),
        procedures=Count("page", filter=_in("published_at", year), distinct=True),
    )
    return {**requests, **versions}


def acknowledgement_figures(year: int, today: datetime.date) -> list[dict]:
    """Read and understood (C10) of the versions published in ``year``, per
    procedure: asked, confirmed, confirmed by the due date, still open past it
    on ``today``. One query."""
    rows = (
        ReadAcknowledgement.objects.order_by()
        .filter(_in("version__published_at", year))
        .values(code=F("version__page__code"), title=F("version__page__title"))
        .annotate(
            asked=Count("pk"),
            done=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            overdue=Count(
                "pk", filter=Q(acknowledged_at__isnull=True, due_on__lt=today)
            ),
        )
        .order_by("code")
    )
    return [dict(row) for row in rows]


def review_figures(year: int, today: datetime.date) -> dict:
    """Periodic reviews done in ``year`` ("geen wijziging nodig") and live
    procedures whose review date had passed at the end of ``year`` (or
    ``today``, whichever is earlier). Two queries."""
    done = ProcedureReview.objects.order_by().aggregate(
        done=Count("pk", filter=_in("reviewed_at", year))
    )["done"]
    moment = min(datetime.date(year, 12, 31), today)
    overdue = ProcedurePage.objects.filter(live=True, review_date__lt=moment).count()
    return {"done": done, "overdue": overdue}


def open_read_campaigns(today: datetime.date) -> list[dict]:
    """The read-and-understood campaigns still running (C10): per published
    version with an unconfirmed acknowledgement, asked, confirmed and overdue on
    ``today``, the most recently published first. One query."""
    rows = (
        ReadAcknowledgement.objects.order_by()
        .values(
            "version_id",
            code=F("version__page__code"),
            title=F("version__page__title"),
            label=F("version__version_label"),
            published=F("version__published_at"),
        )
        .annotate(
            asked=Count("pk"),
            done=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            overdue=Count(
                "pk", filter=Q(acknowledged_at__isnull=True, due_on__lt=today)
            ),
        )
        .filter(done__lt=F("asked"))
        .order_by("-published")
    )
    return [dict(row) for row in rows]
