"""Reads of quality documents."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .models import ProcedurePage, ReadAcknowledgement


def public_procedures():
    """Live procedures marked public: what an anonymous visitor may read."""
    return ProcedurePage.objects.live().filter(is_public=True).order_by("code")


def current_procedures():
    """Live procedures, most recently published first (dashboard, handbook)."""
    return ProcedurePage.objects.live().order_by("-last_published_at", "code")


def handbook():
    """The (first) live quality handbook, or None."""
    from .models import HandbookPage

    return HandbookPage.objects.live().order_by("path").first()


def live_version_of(code: str) -> str:
    """e.g. "P-07 versie 2305": the live version of procedure ``code``, or ""."""
    page = ProcedurePage.objects.live().filter(code=code).only("version_label").first()
    if page is None:
        return ""
    return f"{code} versie {page.version_label}".strip() if page.version_label else code


class _ReadTask:
    """A read acknowledgement (C10) in the shape of a case for the reminder mail."""

    def __init__(self, ack):
        self.number = f"{ack.version.page.code} versie {ack.version.version_label}"
        self.client = f"{ack.version.title} — lezen en bevestigen"


def acknowledgements_due(horizon: datetime.datetime) -> list[tuple]:
    """(user, task, deadline) for every unread version due by ``horizon``; the
    deadline is the end of the due day, local time."""
    local = ZoneInfo(settings.TIME_ZONE)
    due = ReadAcknowledgement.objects.filter(
        acknowledged_at__isnull=True,
        due_on__lte=timezone.localdate(horizon),
        user__is_active=True,
    ).select_related("version__page", "user")
    return [
        (
            a.user,
            _ReadTask(a),
            datetime.datetime.combine(a.due_on, datetime.time.max, tzinfo=local),
        )
        for a in due
    ]
