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

from portal import hooks

from .. import kinds
from ..models import ReminderSent


def due_items(*, now: datetime.datetime, within: datetime.timedelta):
    """(recipient user, case, deadline) for every open deadline up to now+within:
    each registered kind with a deadline names who is responsible (cases.kinds),
    and other apps add theirs (portal.hooks.REMINDER_SOURCES)."""
    horizon = now + within
    items = []
    for kind in kinds.all_kinds():
        if kind.deadline_field is None or kind.responsible is None:
            continue
        due = kind.model.objects.filter(
            state__in=kind.deadline_states,
            **{f"{kind.deadline_field}__lte": horizon},
        ).select_related(*kind.related)
        for case in due:
            deadline = getattr(case, kind.deadline_field)
            items.extend((u, case, deadline) for u in kind.responsible(case))
    # Deadlines of other apps (read acknowledgements of the quality documents).
    items.extend(hooks.collect(hooks.REMINDER_SOURCES, horizon))
    return items


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
