"""Checks of the dates and times a user enters on a case.

A date entered on a case must fit the case's own dates: not in the future, not
before the case came in, not before the step it follows. Each check raises
``ValidationError({field: message})`` so that the form shows the message at the
field and keeps what the user typed; the message names both dates."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.formatting import format_date, format_moment

# A clock a few minutes ahead of the server's is not "the future".
CLOCK_SLACK = datetime.timedelta(minutes=5)

Moment = datetime.datetime | datetime.date


def _local_day(value: Moment) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def display_date(value: Moment | None) -> str:
    """'12 november 2026': a message about a date a user typed always names the
    year (a typo is most often in the year); a datetime counts by its day in
    Europe/Amsterdam."""
    return format_date(value, year=True)


def display_moment(value: Moment | None) -> str:
    """'12 november 2026 om 14:30'; a date is shown as a date."""
    return format_moment(value, year=True)


def not_in_future(
    field: str, moment: datetime.datetime | None, *, label: str = ""
) -> None:
    """Refuse ``moment`` for ``field`` when it lies in the future (a typo in the
    year, most often); None passes. ``label`` names the date in the message
    ("De datum van tevredenheid")."""
    now = timezone.now()
    if moment is None or moment <= now + CLOCK_SLACK:
        return
    raise ValidationError(
        {
            field: _(
                "%(what)s (%(value)s) ligt in de toekomst; het is nu %(now)s. "
                "Controleer de datum en vul het werkelijke moment in."
            )
            % {
                "what": label or _("Het tijdstip"),
                "value": display_moment(moment),
                "now": display_moment(now),
            }
        }
    )


def not_before_day(
    field: str,
    value: Moment | None,
    *,
    label: str,
    earliest: Moment | None,
    earliest_label: str,
) -> None:
    """Refuse ``value`` when its day lies before the day of ``earliest`` (the
    receipt of the case, or the step it follows). The same day passes whatever
    the hour: what the user knows is the day. None on either side passes."""
    if value is None or earliest is None:
        return
    if _local_day(value) >= _local_day(earliest):
        return
    raise ValidationError(
        {
            field: _(
                "%(what)s (%(value)s) ligt vóór %(step)s (%(earliest)s). Vul een "
                "datum op of na %(earliest)s in."
            )
            % {
                "what": label,
                "value": display_date(value),
                "step": earliest_label,
                "earliest": display_date(earliest),
            }
        }
    )


def not_before_moment(
    field: str,
    moment: datetime.datetime | None,
    *,
    label: str,
    earliest: datetime.datetime | None,
    earliest_label: str,
) -> None:
    """Refuse ``moment`` when it lies before ``earliest`` itself, to the minute:
    for two moments that are both known by the hour (a decision and its
    e-mail). None on either side passes."""
    if moment is None or earliest is None:
        return
    if moment.replace(second=0, microsecond=0) >= earliest.replace(
        second=0, microsecond=0
    ):
        return
    raise ValidationError(
        {
            field: _(
                "%(what)s (%(value)s) ligt vóór %(step)s (%(earliest)s). Vul een "
                "moment op of na %(earliest)s in."
            )
            % {
                "what": label,
                "value": display_moment(moment),
                "step": earliest_label,
                "earliest": display_moment(earliest),
            }
        }
    )


def plausible_date(
    field: str,
    value: datetime.datetime | None,
    *,
    label: str,
    after: tuple[tuple[Moment | None, str], ...] = (),
) -> None:
    """A date entered on a case: not in the future and, for each (date, what
    that date is) in ``after``, not on a day before it. The first failing
    check raises."""
    not_in_future(field, value, label=label)
    for earliest, earliest_label in after:
        not_before_day(
            field,
            value,
            label=label,
            earliest=earliest,
            earliest_label=earliest_label,
        )
