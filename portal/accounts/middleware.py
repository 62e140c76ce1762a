"""Session middleware of the accounts (issue 18)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import second_factor

SEEN_KEY = "_portal_seen_minute"
# The clock the idle check reads (tests hold it still, so that a minute
# turning over never adds a session write to a counted request).
clock = time.time


class SessionIdleMiddleware:
    """Sessions end after ``SESSION_COOKIE_AGE`` without activity: each request
    of a logged-in session moves the end forward. The session is written at most
    once a minute (not on every request), so reading costs no database write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            session is not None
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and SESSION_KEY in session
        ):
            minute = int(clock() // 60)
            if session.get(SEEN_KEY) != minute:
                session[SEEN_KEY] = minute
        return response


class SecondFactorMiddleware:
    """A session that has passed the password but owes its second factor
    reaches nothing but the enrolment and verification pages and logout:
    front end, admin, downloads and search alike (every other path is sent to
    the page it owes, never answered)."""

    OPEN_URL_NAMES = (
        "portal:second_factor_enrol",
        "portal:second_factor_verify",
        "portal:logout",
        "wagtailadmin_logout",
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(n) for n in self.OPEN_URL_NAMES)
        return self._open_paths

    def __call__(self, request):
        owed = second_factor.pending(request)
        if owed is None:
            return self.get_response(request)
        request.second_factor_pending = owed
        path = request.path
        if path in self.open_paths() or path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        target = reverse(
            "portal:second_factor_enrol"
            if owed == second_factor.ENROL
            else "portal:second_factor_verify"
        )
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
