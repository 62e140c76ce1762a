"""A bound on searches per user (issue 18, item 4).

``PORTAL_SEARCH_RATE`` ("120/m": that many requests per minute) is far above what
a person asks by typing; a script that walks the index through the search page
or the autocomplete is stopped at it. Each user has a counter of their own per
fixed window in Django's cache, so one user's searches never slow down another.
``None`` turns the bound off.
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

PERIODS = {"s": 1, "m": 60, "h": 3600}


def _now() -> float:
    return time.time()


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/m"`` -> (120, 60): the number of requests and the window in seconds."""
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period.strip()[:1]]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(
            f"PORTAL_SEARCH_RATE={rate!r}: gebruik bijvoorbeeld '120/m' "
            "(aantal per s, m of h), of None voor geen grens."
        ) from None


def search_allowed(user, scope: str) -> tuple[bool, int]:
    """Count one request of ``user`` for ``scope``; returns whether it is within
    the bound, and the seconds until the window ends."""
    rate = getattr(settings, "PORTAL_SEARCH_RATE", None)
    if not rate:
        return True, 0
    limit, period = parse_rate(rate)
    now = _now()
    window = int(now // period)
    wait = max(1, int((window + 1) * period - now))
    key = f"search:rate:{scope}:{user.pk}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        return True, wait
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        return True, wait
    return count <= limit, wait


def throttled(scope: str, refuse):
    """Count every request of the view per user; above the bound answer
    ``refuse(request, wait)`` (a 429) instead of searching."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            allowed, wait = search_allowed(request.user, scope)
            if not allowed:
                response = refuse(request, wait)
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
