"""Lockout after failed logins (django-axes), read and lifted by register roles.

django-axes counts failures per (username, address) pair and refuses the pair for
``AXES_COOLOFF_TIME`` after ``AXES_FAILURE_LIMIT`` failures, on every login that goes
through ``django.contrib.auth.authenticate`` with a request: the portal's
``/inloggen/``, the admin's login, and the second-factor step (which reports a wrong
code as a failed login). A username that does not exist is counted and locked
exactly like one that does, so the message reveals nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from wagtail.log_actions import log

from portal.models import User


def client_ip(request) -> str | None:
    """The address a request comes from: the configured proxy header's first entry
    (``PORTAL_CLIENT_IP_HEADER``) when set, otherwise the socket's address."""
    header = getattr(settings, "PORTAL_CLIENT_IP_HEADER", "")
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


def _cooloff() -> datetime.timedelta:
    return settings.AXES_COOLOFF_TIME


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str
    failures: int
    last_attempt: datetime.datetime
    until: datetime.datetime
    user: User | None


def _pairs(attempts) -> dict[tuple[str, str], tuple[int, datetime.datetime]]:
    # django-axes keeps one row per (username, address, browser); the lockout
    # counts per (username, address).
    pairs: dict[tuple[str, str], tuple[int, datetime.datetime]] = {}
    for a in attempts:
        key = (a.username or "", a.ip_address or "")
        failures, last = pairs.get(key, (0, a.attempt_time))
        pairs[key] = (failures + a.failures_since_start, max(last, a.attempt_time))
    return pairs


def locked_until(username: str, ip_address: str) -> datetime.datetime | None:
    """Until when the pair is locked, or None when it is not."""
    since = timezone.now() - _cooloff()
    attempts = AccessAttempt.objects.filter(
        username=username, ip_address=ip_address, attempt_time__gt=since
    )
    pair = _pairs(attempts).get((username, ip_address))
    if pair is None or pair[0] < settings.AXES_FAILURE_LIMIT:
        return None
    return pair[1] + _cooloff()


def lockouts_active() -> list[Lockout]:
    """Every pair that is locked now, newest first, with its account if any."""
    since = timezone.now() - _cooloff()
    pairs = _pairs(AccessAttempt.objects.filter(attempt_time__gt=since))
    locked = {
        key: value
        for key, value in pairs.items()
        if value[0] >= settings.AXES_FAILURE_LIMIT
    }
    users = {
        u.username: u
        for u in User.objects.filter(username__in={name for name, _ip in locked})
    }
    rows = [
        Lockout(
            username=name,
            ip_address=ip,
            failures=failures,
            last_attempt=last,
            until=last + _cooloff(),
            user=users.get(name),
        )
        for (name, ip), (failures, last) in locked.items()
    ]
    return sorted(rows, key=lambda row: row.last_attempt, reverse=True)


def lockout_lift(*, username: str, ip_address: str, by) -> int:
    """Lift the lockout of one pair at once (a register role in the admin);
    logged on the account when it exists."""
    count = reset(username=username, ip=ip_address)
    account = User.objects.filter(username=username).first()
    if count and account is not None:
        log(
            account,
            "portal.lockout.lifted",
            user=by,
            data={"ip_address": ip_address, "username": username},
        )
    return count


def _reset_key(ip_address: str) -> str:
    return f"portal:password-reset:{ip_address}"


def password_reset_allowed(request) -> bool:
    """Count a password-reset request from this address; False once the address
    asked more than ``PORTAL_PASSWORD_RESET_LIMIT`` times within the cool-off
    time (the reset form would otherwise let anyone mail any colleague without
    end, and probe which addresses exist)."""
    key = _reset_key(client_ip(request) or "")
    timeout = int(_cooloff().total_seconds())
    if cache.add(key, 1, timeout):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return True
    return count <= settings.PORTAL_PASSWORD_RESET_LIMIT
