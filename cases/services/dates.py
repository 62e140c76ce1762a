"""Checks of the dates and times a user enters on a case."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# A clock a few minutes ahead of the server's is not "the future".
CLOCK_SLACK = datetime.timedelta(minutes=5)


def not_in_future(field: str, moment: datetime.datetime | None) -> None:
    """Refuse ``moment`` for ``field`` when it lies in the future (a typo in the
    year, most often); None passes."""
    if moment is not None and moment > timezone.now() + CLOCK_SLACK:
        raise ValidationError(
            {field: _("Het tijdstip ligt in de toekomst. Controleer de datum.")}
        )
