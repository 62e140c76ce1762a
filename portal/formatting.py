"""How numbers read in the portal's Dutch: one place, for code and templates.

Sizes count in binary units (1 MB = 1024 kB), as the upload limits are set."""

from __future__ import annotations

import datetime

from django.utils import formats, timezone, translation

KB = 1024
MB = 1024 * 1024


def _decimal(value: float) -> str:
    text = f"{value:.1f}".replace(".", ",")
    return text.removesuffix(",0")


def format_size(num_bytes: int) -> str:
    """A file size as a reader expects it: "740 bytes", "850 kB", "57,2 MB".

    Below 1 MB in kB (rounded up, so a small limit never reads as "0 MB")."""
    if num_bytes < KB:
        return f"{num_bytes} bytes"
    if num_bytes < MB:
        return f"{-(-num_bytes // KB)} kB"
    return f"{_decimal(num_bytes / MB)} MB"


# -- dates -------------------------------------------------------------------------
#
# One date style everywhere (issue 17, item 2): Dutch month names in lower case
# ("5 oktober"), the year only when it is not the current one (letters and
# records that leave the building always carry it), a time only where the time
# matters ("5 oktober om 14:30"). Templates reach these through the builtin
# filters ``datum``, ``datum_jaar``, ``datumtijd``, ``maand`` and
# ``bestandsgrootte`` (portal/templatetags/portal_format.py).

Moment = datetime.date | datetime.datetime


def _local(value: Moment) -> Moment:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _day(value: Moment) -> datetime.date:
    value = _local(value)
    return value.date() if isinstance(value, datetime.datetime) else value


def _this_year() -> int:
    return timezone.localdate().year


def format_date(value: Moment | None, *, year: bool | None = None) -> str:
    """'5 oktober' in the current year, '5 oktober 2025' otherwise; ``year=True``
    always names the year (letters, exports, records)."""
    if value is None or value == "":
        return ""
    day = _day(value)
    with_year = year if year is not None else day.year != _this_year()
    with translation.override("nl"):
        return formats.date_format(day, "j F Y" if with_year else "j F")


def format_moment(value: Moment | None, *, year: bool | None = None) -> str:
    """'5 oktober om 14:30' (the year as in :func:`format_date`); a date
    without a time reads as a date."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime.datetime):
        return format_date(value, year=year)
    local = _local(value)
    return f"{format_date(local, year=year)} om {local:%H:%M}"


def format_month(value: Moment | None) -> str:
    """'oktober 2026'."""
    if value is None or value == "":
        return ""
    with translation.override("nl"):
        return formats.date_format(_day(value), "F Y")
