"""Timing the register's pages per role with Django's test client.

Each page is asked once to warm the caches (content types, templates), then
``rounds`` times, timed, with its queries counted (`CaptureQueriesContext`);
the exports are asked once more under ``tracemalloc`` for their peak memory
(separately, as tracing slows everything down). A streamed response is read to
its end inside the timing.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import kinds
from portal.roles import ROLES_BY_CODE

from .generate import ROLES, Register

# The sandbox settings allow the hosts of a development server, not "testserver".
HOST = "localhost"


@dataclass(frozen=True)
class Page:
    key: str
    label: str  # Dutch, for the table
    url: str
    export: bool = False  # an export: its peak memory is measured too


@dataclass
class Result:
    role: str
    page: str
    label: str
    url: str
    status: int = 0
    times_ms: list[float] = field(default_factory=list)
    query_counts: list[int] = field(default_factory=list)
    size: int = 0
    peak_mb: float | None = None

    @property
    def queries(self) -> int:
        """The fewest over the rounds: the idle-session check writes the session
        at most once a minute, which adds its queries to whichever request
        happens to cross the minute."""
        return min(self.query_counts, default=0)

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else 0.0

    @property
    def p95(self) -> float:
        values = sorted(self.times_ms)
        if len(values) < 2:
            return values[0] if values else 0.0
        return statistics.quantiles(values, n=20, method="inclusive")[18]

    def as_dict(self) -> dict:
        return {
            "role": self.role,
            "page": self.page,
            "label": self.label,
            "url": self.url,
            "status": self.status,
            "p50_ms": round(self.p50, 1),
            "p95_ms": round(self.p95, 1),
            "times_ms": [round(t, 1) for t in self.times_ms],
            "queries": self.queries,
            "query_counts": self.query_counts,
            "bytes": self.size,
            "peak_mb": None if self.peak_mb is None else round(self.peak_mb, 2),
        }


def has_admin(role_code: str) -> bool:
    return ROLES_BY_CODE[role_code].admin_access


def pages_for(reg: Register, role_key: str) -> list[Page]:
    """The pages ``role_key`` works with: the register (plain and filtered) and
    its exports, the dashboards, its focus case and the focus dossier. The
    assessor has no admin: the front end's case and dossier pages instead."""
    code = {k: c for k, c, _n in ROLES}[role_key]
    case = reg.focus[role_key]
    client = reg.focus_client
    front = [Page("home", "Dashboard /", "/")]

    def case_and_dossier(dossier_route: str) -> list[Page]:
        return [
            Page(
                "case",
                f"Zaak met {reg.plan.case_events} logboekregels",
                reverse(kinds.kind_of(case).route, args=[case.pk]),
            ),
            Page(
                "dossier",
                f"Dossier met {reg.plan.dossier_files} bestanden",
                reverse(dossier_route, args=[client.pk]),
            ),
        ]

    if not has_admin(code):
        return [*front, *case_and_dossier("cases:dossier")]
    register = reverse("cases_admin:register")
    # The year of the role's own case: the filtered list is never empty (an
    # empty page skips the queries of its rows, which would hide an N+1).
    year = timezone.localtime(getattr(case, kinds.kind_of(case).date_field)).year

    def query(**params) -> str:
        return f"{register}?{urlencode(params)}"

    return [
        Page("register", "Register", register),
        Page("register_kind", "Register, soort", query(kind="complaint")),
        Page(
            "register_status",
            "Register, status",
            query(kind="complaint", status="complaint:in_progress"),
        ),
        Page("register_year", "Register, jaar", query(year=year)),
        Page("register_client", "Register, klant", query(client=client.pk)),
        Page("csv", "Export CSV", query(format="csv"), export=True),
        Page("xlsx", "Export XLSX", query(format="xlsx"), export=True),
        *front,
        Page("admin", "Dashboard /admin/", reverse("wagtailadmin_home")),
        *case_and_dossier("cases_admin:dossier"),
    ]


def client_for(user) -> Client:
    browser = Client(HTTP_HOST=HOST)
    browser.force_login(user)
    return browser


def _fetch(browser: Client, url: str):
    response = browser.get(url)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return response, size


def count_queries(browser: Client, url: str) -> tuple[int, int]:
    """(status, number of queries) of one request."""
    with CaptureQueriesContext(connection) as ctx:
        response, _size = _fetch(browser, url)
    return response.status_code, len(ctx.captured_queries)


def measure_page(
    browser: Client, role: str, page: Page, rounds: int, *, memory: bool = True
) -> Result:
    result = Result(role=role, page=page.key, label=page.label, url=page.url)
    _fetch(browser, page.url)  # warm up
    for _round in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response, size = _fetch(browser, page.url)
            result.times_ms.append(1000 * (time.perf_counter() - started))
        result.status, result.size = response.status_code, size
        result.query_counts.append(len(ctx.captured_queries))
    if page.export and memory:
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            _fetch(browser, page.url)
            result.peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    return result


def measure(reg: Register, rounds: int, *, out=None) -> list[Result]:
    results = []
    for key, _code, name in ROLES:
        browser = client_for(reg.users[key])
        started = time.perf_counter()
        for page in pages_for(reg, key):
            results.append(measure_page(browser, key, page, rounds))
        if out is not None:
            out(f"  {name} gemeten in {time.perf_counter() - started:.1f} s")
    return results
