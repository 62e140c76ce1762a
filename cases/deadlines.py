"""Deadlines of the procedure, computed in Europe/Amsterdam (STYLE.md): never kept
in someone's head (DOMAIN.md, "What the portal adds")."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings

LOCAL = ZoneInfo(settings.TIME_ZONE)


def end_of_local_day(day: datetime.date) -> datetime.datetime:
    """The last instant of ``day`` in local time (aware)."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=LOCAL)


def appeal_term_end(emailed_at: datetime.datetime) -> datetime.datetime:
    """A2: one calendar month from the decision e-mail, the whole last day included.

    The day is counted in local time: an e-mail on 31 January gives until the end of
    28 (or 29) February; one on 15 March at 09:00 until 15 April 23:59:59.999999,
    whatever the daylight-saving change in between."""
    local_day = emailed_at.astimezone(LOCAL).date()
    return end_of_local_day(local_day + relativedelta(months=1))


def add_months_local(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` plus calendar months, keeping the local wall-clock time (C6)."""
    local = moment.astimezone(LOCAL)
    return (local + relativedelta(months=months)).replace(tzinfo=LOCAL)
