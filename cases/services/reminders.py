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
from portal.roles import QUALITY_OFFICER, ROLES_BY_CODE

from ..models import Appeal, Complaint, ReminderSent, Signal
from ..permissions import has_register_access


def _quality_officers():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        groups__name=ROLES_BY_CODE[QUALITY_OFFICER].name, is_active=True
    )


def _register_keepers():
    from django.contrib.auth import get_user_model

    return [
        u
        for u in get_user_model().objects.filter(is_active=True).exclude(email="")
        if has_register_access(u)
    ]


def due_items(*, now: datetime.datetime, within: datetime.timedelta):
    """(recipient user, case, deadline) for every open deadline up to now+within."""
    horizon = now + within
    items = []
    for signal in Signal.objects.filter(
        state=Signal.State.RECEIVED, decide_by__lte=horizon
    ).select_related("client"):
        items.extend((u, signal, signal.decide_by) for u in _quality_officers())
    open_states = [
        Appeal.State.RECEIVED,
        Appeal.State.ACKNOWLEDGED,
        Appeal.State.ASSIGNED,
    ]
    for appeal in Appeal.objects.filter(
        state__in=open_states, decide_by__lte=horizon
    ).select_related("decider", "appellant"):
        people = [appeal.decider] if appeal.decider else _register_keepers()
        items.extend((u, appeal, appeal.decide_by) for u in people)
    for complaint in Complaint.objects.filter(
        state__in=[Complaint.State.REGISTERED, Complaint.State.IN_PROGRESS],
        handle_by__lte=horizon,
    ).select_related("handler", "client"):
        # C6: the handler; while there is none, those who must appoint one.
        people = [complaint.handler] if complaint.handler else _register_keepers()
        items.extend((u, complaint, complaint.handle_by) for u in people)
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
