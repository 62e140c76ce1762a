"""Deadline reminders (`manage.py send_reminders`, for cron): signals to qualify
(S3, 48 hours), complaints to handle (C6, one month) and appeals to decide (the
configured target), and procedure versions to read and acknowledge (C10), to the
people who must act, once per case, recipient and day."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ReminderSent
from ..selectors import due_items


def reminders_send(*, days: int = 2, now: datetime.datetime | None = None) -> int:
    """E-mail each person their cases due within ``days`` or overdue. Idempotent per
    day: a second run on the same day sends nothing new. Returns e-mails sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    per_person = defaultdict(list)
    for user, case, deadline in due_items(
        now=now, within=datetime.timedelta(days=days)
    ):
        if user.email:
            per_person[user].append((case, deadline, deadline < now))
    sent = 0
    for user, cases in per_person.items():
        fresh = []
        for case, deadline, overdue in cases:
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        case_number=case.number, recipient=user.email, day=today
                    )
            except IntegrityError:
                continue  # already reminded today
            fresh.append((case, deadline, overdue))
        if not fresh:
            continue
        body = render_to_string(
            "cases/email/reminder.txt",
            {"user": user, "cases": sorted(fresh, key=lambda c: c[1])},
        )
        overdue = sum(1 for _c, _d, o in fresh if o)
        subject = (
            _("Herinnering: %(n)d zaak/zaken over de termijn") % {"n": overdue}
            if overdue
            else _("Herinnering: termijnen die binnenkort verlopen")
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        sent += 1
    return sent
