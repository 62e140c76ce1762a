"""The figures of the annual management review (C11), against a generated
register: the expected numbers are computed here in plain Python from what the
test itself wrote (the moments it chose), never by the queries under test."""

from __future__ import annotations

import datetime
import json
import math
import random
import re
import statistics
from collections import Counter, defaultdict
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import kinds
from cases.deadlines import add_months_local
from cases.models import (
    Appeal,
    Audit,
    CaseEvent,
    CertificationDecision,
    Complaint,
    Mediation,
    Signal,
)
from insights.figures import annual_figures, figure_tables, format_number
from portal.roles import QUALITY_OFFICER
from tests.factories import ClientFactory, UserFactory

AMS = ZoneInfo("Europe/Amsterdam")
UTC = datetime.UTC
YEARS = (2024, 2025, 2026)
NOW = datetime.datetime(2027, 1, 10, 12, 0, tzinfo=AMS)
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)
VERSIONS = ("2209", "2305", "")
CLOSED = {
    "signal": {"complaint", "not_complaint"},
    "complaint": {"closed"},
    "appeal": {"closed"},
    "mediation": {"closed"},
}


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=AMS)


def year_of(moment: datetime.datetime) -> int:
    return moment.astimezone(AMS).year


# -- the generated register ----------------------------------------------------


@dataclass
class Spec:
    """One case as the test wrote it: what the figures must find."""

    kind: str
    received: datetime.datetime
    state: str
    client: object = None
    closed: datetime.datetime | None = None
    deadline: datetime.datetime | None = None
    done: datetime.datetime | None = None  # the step the deadline waits for
    events: list = field(default_factory=list)  # (from, to, at)
    fields: dict = field(default_factory=dict)
    instance: object = None


def _moment(rng: random.Random, year: int) -> datetime.datetime:
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
    return local(day.year, day.month, day.day, rng.randrange(8, 18), rng.randrange(60))


class Register:
    """Writes cases directly (bulk, with logbooks) and keeps their specs."""

    def __init__(self, seed: int = 13):
        self.rng = random.Random(seed)  # noqa: S311 (a test register)
        self.specs: list[Spec] = []
        self.qo = UserFactory(roles=[QUALITY_OFFICER])
        self.clients = [ClientFactory() for _ in range(14)]
        audit = Audit.objects.create(
            client=self.clients[0],
            kind=Audit.Kind.FOLLOW_UP,
            start_date=datetime.date(2024, 1, 5),
            team_leader=self.qo,
        )
        self.decision = CertificationDecision.objects.create(
            audit=audit,
            decider=self.qo,
            outcome="continued",
            motivation="Voldoet.",
            decided_at=local(2024, 1, 10, 9),
        )
        self.counter = 0

    # -- specs -------------------------------------------------------------

    def signal(self, received, *, qualified=None, complaint=True, client=True):
        rng = self.rng
        c = rng.choice(self.clients) if client else None
        spec = Spec(
            "signal",
            received,
            "received",
            client=c,
            deadline=received + 48 * H,
            fields={
                "channel": rng.choice(Signal.Channel.values),
                "about_certificate_holder": rng.random() < 0.2,
            },
        )
        spec.events.append(("", "received", received))
        if qualified is not None:
            spec.state = "complaint" if complaint and c else "not_complaint"
            spec.fields["ground"] = (
                rng.choice("abc") if spec.state == "complaint" else ""
            )
            spec.fields["qualified_at"] = qualified
            spec.closed = spec.done = qualified
            spec.events.append(("received", spec.state, qualified))
        self.specs.append(spec)
        return spec

    def complaint(self, signal: Spec, scenario: str, *, handled=None):
        """``scenario``: registered, in_progress, closed, escalated,
        escalated_closed, reopened; ``handled``: when it was closed/escalated."""
        rng = self.rng
        received = signal.received
        handle_by = add_months_local(received, 1)
        spec = Spec(
            "complaint",
            received,
            "registered",
            client=signal.client,
            deadline=handle_by,
            fields={
                "signal": signal,
                "about": rng.choice(
                    ["organisation", "organisation", "certificate_holder"]
                ),
                "procedure_version": rng.choice(VERSIONS),
                "leads_to_change": rng.random() < 0.15,
            },
        )
        ev = spec.events
        ev.append(("", "registered", received + H))
        if scenario != "registered":
            spec.state = "in_progress"
            ev.append(("registered", "in_progress", received + 2 * H))
        if handled is None:
            handled = received + rng.randrange(3, 50) * D
        if scenario in ("closed", "reopened"):
            spec.state = "closed"
            spec.done = spec.closed = handled
            ev.append(("in_progress", "closed", handled))
            if rng.random() < 0.7:
                spec.fields["satisfied_at"] = handled - H
            if scenario == "reopened":
                ev.append(("closed", "in_progress", handled + 2 * D))
                spec.closed = handled + 5 * D
                ev.append(("in_progress", "closed", spec.closed))
        elif scenario.startswith("escalated"):
            spec.state = "escalated"
            spec.done = handled
            ev.append(("in_progress", "escalated", handled))
            if scenario == "escalated_closed":
                spec.state = "closed"
                spec.closed = handled + 40 * D
                ev.append(("escalated", "closed", spec.closed))
        if spec.fields["about"] == "certificate_holder" and rng.random() < 0.6:
            spec.fields["follow_up"] = rng.choice(["special_audit", "next_regular"])
            spec.fields["follow_up_decided_at"] = received + rng.randrange(2, 20) * D
        self.specs.append(spec)
        return spec

    def mediation(self, complaint: Spec | None, registered, scenario: str):
        rng = self.rng
        spec = Spec(
            "mediation",
            registered,
            "escalated",
            client=complaint.client if complaint else rng.choice(self.clients),
            fields={
                "complaint": complaint,
                "reason": "Geen oplossing gevonden.",
                "procedure_version": rng.choice(VERSIONS),
            },
        )
        spec.events.append(("", "escalated", registered))
        if scenario in ("session", "closed", "closed_outcome"):
            spec.state = "session_held"
            spec.fields["session_at"] = registered + 20 * D
            spec.events.append(("escalated", "session_held", registered + 20 * D))
        if scenario in ("closed", "closed_outcome"):
            spec.state = "closed"
            spec.closed = registered + rng.randrange(25, 90) * D
            spec.events.append(("session_held", "closed", spec.closed))
            if scenario == "closed_outcome":
                spec.fields["outcome"] = "Partijen kwamen tot een vergelijk."
        self.specs.append(spec)
        return spec

    def appeal(self, received, scenario: str, *, decided=None):
        """``scenario``: inadmissible, open, decided, closed."""
        rng = self.rng
        decide_by = received + datetime.timedelta(
            days=settings.PORTAL_APPEAL_DECISION_DAYS
        )
        spec = Spec(
            "appeal",
            received,
            "received",
            client=rng.choice(self.clients),
            fields={
                "channel": "email",
                "decide_by": decide_by,
                "procedure_version": rng.choice(VERSIONS),
            },
        )
        ev = spec.events
        if scenario == "inadmissible":
            # A3: registered as inadmissible, closed once the letter went out.
            spec.state = "inadmissible"
            spec.fields["inadmissible_reason"] = rng.choice(["late", "oral"])
            ev.append(("", "inadmissible", received))
            if rng.random() < 0.8:
                spec.state = "closed"
                spec.closed = received + 3 * D
                ev.append(("inadmissible", "closed", spec.closed))
            self.specs.append(spec)
            return spec
        spec.deadline = decide_by
        ev.append(("", "received", received))
        ev.append(("received", "acknowledged", received + H))
        ev.append(("acknowledged", "assigned", received + 2 * D))
        spec.state = "assigned"
        if scenario in ("decided", "closed"):
            if decided is None:
                decided = received + rng.randrange(5, 60) * D
            spec.state = "decided"
            spec.done = decided
            spec.fields["decided_at"] = decided
            spec.fields["outcome"] = rng.choice(["upheld", "upheld", "changed"])
            ev.append(("assigned", "decided", decided))
            if scenario == "closed":
                spec.state = "closed"
                spec.closed = decided + 2 * D
                ev.append(("decided", "closed", spec.closed))
        self.specs.append(spec)
        return spec

    def random_cases(self, n_signals: int, n_appeals: int, years=YEARS):
        rng = self.rng
        for _ in range(n_signals):
            received = _moment(rng, rng.choice(years))
            roll = rng.random()
            if roll < 0.1:
                self.signal(received, client=rng.random() < 0.5)
                continue
            qualified = received + (
                rng.randrange(1, 47) * H if roll < 0.8 else rng.randrange(49, 120) * H
            )
            signal = self.signal(
                qualified=qualified, received=received, complaint=rng.random() < 0.7
            )
            if signal.state != "complaint":
                continue
            scenario = rng.choice(
                [
                    "registered",
                    "in_progress",
                    "closed",
                    "closed",
                    "closed",
                    "escalated",
                    "escalated_closed",
                    "reopened",
                ]
            )
            complaint = self.complaint(signal, scenario)
            if scenario.startswith("escalated"):
                self.mediation(
                    complaint,
                    complaint.done,
                    rng.choice(["open", "session", "closed", "closed_outcome"]),
                )
        for _ in range(n_appeals):
            self.appeal(
                _moment(rng, rng.choice(years)),
                rng.choice(["inadmissible", "open", "decided", "closed", "closed"]),
            )
        for _ in range(max(n_appeals // 4, 1)):
            self.mediation(
                None,
                _moment(rng, rng.choice(years)),
                rng.choice(["open", "closed", "closed_outcome"]),
            )

    def boundaries(self):
        """The exact edges: 48 hours (S3), one month (C6), the appeal term,
        the local turn of the year."""
        # S3: qualified at exactly 48 h is on time; 48 h + 1 s is late.
        s1 = self.signal(local(2025, 3, 3, 10), qualified=local(2025, 3, 5, 10))
        self.signal(
            local(2025, 3, 3, 11),
            qualified=local(2025, 3, 5, 11) + SECOND,
            complaint=False,
        )
        # C6: closed at exactly handle_by is on time, one second later is late.
        self.complaint(s1, "closed", handled=add_months_local(s1.received, 1))
        s2 = self.signal(local(2025, 1, 31, 9), qualified=local(2025, 1, 31, 15))
        self.complaint(s2, "closed", handled=add_months_local(s2.received, 1) + SECOND)
        # Appeals: decided at exactly the end of the term, and a second after it.
        days = datetime.timedelta(days=settings.PORTAL_APPEAL_DECISION_DAYS)
        a = local(2025, 6, 2, 9)
        self.appeal(a, "closed", decided=a + days)
        self.appeal(a + H, "decided", decided=a + H + days + SECOND)
        # The local year: 31 December 23:30 belongs to that year (22:30 UTC);
        # 1 January 00:30 local (23:30 UTC the day before) to the next.
        self.signal(local(2025, 12, 31, 23, 30), qualified=local(2026, 1, 1, 9))
        self.signal(
            local(2026, 1, 1, 0, 30), qualified=local(2026, 1, 1, 9), complaint=False
        )
        # Closed at 31 December 23:59 local: closed in that year.
        s3 = self.signal(local(2025, 12, 1, 9), qualified=local(2025, 12, 1, 10))
        self.complaint(s3, "closed", handled=local(2025, 12, 31, 23, 59))

    # -- writing -----------------------------------------------------------

    def _number(self, prefix: str, received) -> str:
        self.counter += 1
        return f"{prefix}-{year_of(received)}-{self.counter:05d}"

    def save(self):
        """Write every spec not yet written: bulk inserts, and the logbook with
        the moments chosen (``at`` is normally set by the database clock)."""
        todo = [s for s in self.specs if s.instance is None]
        with _moments_kept():
            for kind, build in (
                ("signal", self._signal_row),
                ("complaint", self._complaint_row),
                ("appeal", self._appeal_row),
                ("mediation", self._mediation_row),
            ):
                specs = [s for s in todo if s.kind == kind]
                rows = [build(s) for s in specs]
                model = type(rows[0]) if rows else None
                if model is None:
                    continue
                model.objects.bulk_create(rows)
                for s, row in zip(specs, rows, strict=True):
                    s.instance = row
            events = []
            for s in todo:
                ct = ContentType.objects.get_for_model(type(s.instance))
                events.extend(
                    CaseEvent(
                        case_type=ct,
                        case_id=s.instance.pk,
                        action="step",
                        from_state=a,
                        to_state=b,
                        at=at,
                        actor=self.qo,
                    )
                    for a, b, at in s.events
                )
            CaseEvent.objects.bulk_create(events)
        return self

    def _signal_row(self, s: Spec) -> Signal:
        return Signal(
            number=self._number("S", s.received),
            client=s.client,
            received_at=s.received,
            description="Signaal",
            reported_by=self.qo,
            decide_by=s.deadline,
            state=s.state,
            **s.fields,
        )

    def _complaint_row(self, s: Spec) -> Complaint:
        f = dict(s.fields)
        f["signal"] = f["signal"].instance
        return Complaint(
            number=self._number("K", s.received),
            client=s.client,
            received_at=s.received,
            description="Klacht",
            handle_by=s.deadline,
            state=s.state,
            registered_by=self.qo,
            registered_at=s.received + H,
            **f,
        )

    def _appeal_row(self, s: Spec) -> Appeal:
        return Appeal(
            number=self._number("B", s.received),
            decision=self.decision,
            appellant=s.client,
            received_at=s.received,
            motivation="Onterecht.",
            state=s.state,
            registered_by=self.qo,
            registered_at=s.received,
            **s.fields,
        )

    def _mediation_row(self, s: Spec) -> Mediation:
        f = dict(s.fields)
        complaint = f.pop("complaint")
        return Mediation(
            number=self._number("M", s.received),
            complaint=complaint.instance if complaint else None,
            decision=None if complaint else self.decision,
            claimant=s.client,
            registered_at=s.received,
            state=s.state,
            registered_by=self.qo,
            **f,
        )


@contextmanager
def _moments_kept():
    """Let the test choose the moments normally stamped at insert time (the
    logbook's ``at``, a mediation's ``registered_at``)."""
    fields = [
        CaseEvent._meta.get_field("at"),
        *(m._meta.get_field("registered_at") for m in (Complaint, Appeal, Mediation)),
    ]
    with ExitStack() as stack:
        for f in fields:
            stack.enter_context(mock.patch.object(f, "auto_now_add", False))
        yield


@pytest.fixture
def register(db):
    reg = Register()
    reg.random_cases(n_signals=200, n_appeals=50)
    reg.boundaries()
    return reg.save()


# -- the expected figures, in plain Python --------------------------------------


def received_in(specs, kind, year):
    return [s for s in specs if s.kind == kind and year_of(s.received) == year]


def expected_counts(specs, kind, year, only=lambda s: True):
    own = [s for s in specs if s.kind == kind and only(s)]
    start, end = local(year, 1, 1), local(year + 1, 1, 1)

    def open_at(s, moment):
        return s.received < moment and (s.closed is None or s.closed >= moment)

    return {
        "received": sum(year_of(s.received) == year for s in own),
        "closed": sum(s.closed is not None and year_of(s.closed) == year for s in own),
        "open_at_start": sum(open_at(s, start) for s in own),
        "open_at_end": sum(open_at(s, end) for s in own),
    }


def expected_timeliness(specs, kind, year):
    own = [s for s in received_in(specs, kind, year) if s.deadline is not None]
    return {
        "on_time": sum(s.done is not None and s.done <= s.deadline for s in own),
        "late": sum(s.done is not None and s.done > s.deadline for s in own),
        "overdue": sum(s.done is None and s.deadline < NOW for s in own),
        "pending": sum(s.done is None and s.deadline >= NOW for s in own),
    }


def expected_lead(specs, kind, year):
    days = sorted(
        (s.closed.astimezone(AMS).date() - s.received.astimezone(AMS).date()).days
        for s in specs
        if s.kind == kind and s.closed is not None and year_of(s.closed) == year
    )
    if not days:
        return {"count": 0, "median": None, "p90": None, "max": None}
    return {
        "count": len(days),
        "median": statistics.median(days),
        "p90": days[math.ceil(0.9 * len(days)) - 1],
        "max": days[-1],
    }


# -- tests ----------------------------------------------------------------------


def test_the_generated_register_is_big_enough_and_spans_three_years_C11(register):
    assert len(register.specs) >= 200
    assert {year_of(s.received) for s in register.specs} >= set(YEARS)
    assert {k.key: set(k.closed_states()) for k in kinds.all_kinds()} == CLOSED


@pytest.mark.parametrize("year", YEARS)
def test_received_closed_and_open_per_kind_C11(register, year):
    figures = annual_figures(year, now=NOW)
    rows = {r["key"]: r for r in figures["cases"]}
    for kind in CLOSED:
        got = {
            k: rows[kind][k]
            for k in ("received", "closed", "open_at_start", "open_at_end")
        }
        assert got == expected_counts(register.specs, kind, year), kind
    holder = rows["complaint_about_holder"]
    assert {
        k: holder[k] for k in ("received", "closed", "open_at_start", "open_at_end")
    } == (
        expected_counts(
            register.specs,
            "complaint",
            year,
            lambda s: s.fields["about"] == "certificate_holder",
        )
    )


def test_a_case_belongs_to_its_local_year_C11(register):
    """31 December 23:30 in Amsterdam is 2025 (22:30 UTC); 1 January 00:30 is
    2026 (23:30 UTC on 31 December)."""
    late = [s for s in register.specs if s.received == local(2025, 12, 31, 23, 30)]
    early = [s for s in register.specs if s.received == local(2026, 1, 1, 0, 30)]
    assert late[0].received.astimezone(UTC).day == 31
    assert early[0].received.astimezone(UTC).year == 2025
    december = annual_figures(2025, now=NOW)["per_month"]["series"][0]["values"][11]
    january = annual_figures(2026, now=NOW)["per_month"]["series"][0]["values"][0]
    assert december == sum(
        s.received.astimezone(AMS).month == 12
        for s in received_in(register.specs, "signal", 2025)
    )
    assert january == sum(
        s.received.astimezone(AMS).month == 1
        for s in received_in(register.specs, "signal", 2026)
    )


@pytest.mark.parametrize("year", YEARS)
def test_received_per_month_per_kind_C11(register, year):
    figures = annual_figures(year, now=NOW)
    assert figures["per_month"]["months"][:3] == ["jan", "feb", "mrt"]
    for series in figures["per_month"]["series"]:
        expected = Counter(
            s.received.astimezone(AMS).month
            for s in received_in(register.specs, series["key"], year)
        )
        assert series["values"] == [expected[m] for m in range(1, 13)]


@pytest.mark.parametrize("year", YEARS)
def test_signals_per_ground_channel_and_state_C11(register, year):
    """S2: the ground recorded with the qualification; S4 about a holder."""
    signals = annual_figures(year, now=NOW)["signals"]
    own = received_in(register.specs, "signal", year)
    grounds = Counter(s.fields.get("ground", "") for s in own)
    assert {r["key"]: r["count"] for r in signals["per_ground"]} == {
        g: grounds[g] for g in ("a", "b", "c", "")
    }
    channels = Counter(s.fields["channel"] for s in own)
    assert {r["key"]: r["count"] for r in signals["per_channel"]} == {
        c: channels[c] for c in Signal.Channel.values
    }
    states = Counter(s.state for s in own)
    assert {r["key"]: r["count"] for r in signals["per_state"]} == {
        k: states[k] for k in ("complaint", "not_complaint", "received")
    }
    assert signals["about_holder"] == sum(
        s.fields["about_certificate_holder"] for s in own
    )


def test_top_ten_clients_C11(register):
    figures = annual_figures(2025, now=NOW)
    totals: dict = defaultdict(Counter)
    for s in register.specs:
        if s.client is not None and year_of(s.received) == 2025:
            totals[s.client.name][s.kind] += 1
    expected = sorted(totals.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:10]
    assert [(r["name"], r["total"]) for r in figures["clients"]] == [
        (name, sum(c.values())) for name, c in expected
    ]
    assert figures["clients"][0]["counts"] == {k: expected[0][1][k] for k in CLOSED}


def test_cases_per_procedure_version_C11(register):
    figures = annual_figures(2024, now=NOW)
    expected: dict = defaultdict(Counter)
    for s in register.specs:
        if s.kind != "signal" and year_of(s.received) == 2024:
            expected[s.fields["procedure_version"]][s.kind] += 1
    got = {r["version"]: r for r in figures["procedure_versions"]}
    assert set(got) == set(expected)
    for version, counts in expected.items():
        assert got[version]["total"] == sum(counts.values())
        assert got[version]["counts"]["signal"] == 0
        assert got[version]["counts"]["complaint"] == counts["complaint"]
    assert got[""]["label"] == "Niet vastgelegd"


@pytest.mark.parametrize("year", YEARS)
def test_timeliness_per_term_C11(register, year):
    """S3: qualified at or before 48 hours after attention (decide_by); C6:
    handled (closed or put to mediation) at or before one month; appeals
    decided within PORTAL_APPEAL_DECISION_DAYS days (A8). The deadline itself
    is in time, one second after it is late (as ``is_overdue`` says)."""
    figures = annual_figures(year, now=NOW)
    rows = {r["key"]: r for r in figures["timeliness"]}
    assert set(rows) == {"signal", "complaint", "appeal"}
    for kind, row in rows.items():
        expected = expected_timeliness(register.specs, kind, year)
        assert {k: row[k] for k in expected} == expected, kind
        measured = expected["on_time"] + expected["late"] + expected["overdue"]
        assert row["share"] == (
            round(100 * expected["on_time"] / measured, 1) if measured else None
        )


def test_the_exact_boundaries_of_the_terms_C11(db):
    """S3 48 h exactly: on time; 48 h + 1 s: late. C6 one calendar month
    exactly: on time; + 1 s: late. The appeal term likewise."""
    reg = Register(seed=1)
    reg.boundaries()
    reg.save()
    rows = {r["key"]: r for r in annual_figures(2025, now=NOW)["timeliness"]}
    assert (rows["signal"]["on_time"], rows["signal"]["late"]) == (4, 1)
    assert (rows["complaint"]["on_time"], rows["complaint"]["late"]) == (2, 1)
    assert (rows["appeal"]["on_time"], rows["appeal"]["late"]) == (1, 1)
    assert rows["signal"]["share"] == 80.0


@pytest.mark.parametrize("year", YEARS)
def test_lead_times_median_and_90th_percentile_C11(register, year):
    figures = annual_figures(year, now=NOW)
    for row in figures["lead_times"]:
        expected = expected_lead(register.specs, row["key"], year)
        assert {k: row[k] for k in expected} == expected, row["key"]


def test_a_reopened_complaint_closes_at_its_last_closing_C11(db):
    """The closing date is the register's: the last step into a closed state."""
    reg = Register(seed=2)
    s = reg.signal(local(2025, 11, 20, 9), qualified=local(2025, 11, 20, 10))
    c = reg.complaint(s, "reopened", handled=local(2025, 12, 28, 9))
    reg.save()
    assert c.closed == local(2026, 1, 2, 9)
    figures = annual_figures(2025, now=NOW)
    row = {r["key"]: r for r in figures["cases"]}["complaint"]
    assert (row["received"], row["closed"], row["open_at_end"]) == (1, 0, 1)
    assert annual_figures(2026, now=NOW)["cases"][1]["closed"] == 1


@pytest.mark.parametrize("year", YEARS)
def test_outcomes_C11(register, year):
    """C8 satisfied, A9 upheld or changed, A3 inadmissible, E1–E5 mediations,
    C9 special audit or next regular audit."""
    out = annual_figures(year, now=NOW)["outcomes"]
    specs = register.specs
    closed_complaints = [
        s
        for s in specs
        if s.kind == "complaint" and s.closed and year_of(s.closed) == year
    ]
    received = received_in(specs, "complaint", year)
    assert out["complaints"] == {
        "closed": len(closed_complaints),
        "closed_satisfied": sum("satisfied_at" in s.fields for s in closed_complaints),
        "leads_to_change": sum(s.fields["leads_to_change"] for s in received),
        "about_holder": sum(
            s.fields["about"] == "certificate_holder" for s in received
        ),
    }
    decided = [
        s
        for s in specs
        if s.kind == "appeal"
        and "decided_at" in s.fields
        and year_of(s.fields["decided_at"]) == year
    ]
    assert out["appeals"]["upheld"] == sum(
        s.fields["outcome"] == "upheld" for s in decided
    )
    assert out["appeals"]["changed"] == sum(
        s.fields["outcome"] == "changed" for s in decided
    )
    reasons = Counter(
        s.fields.get("inadmissible_reason") for s in received_in(specs, "appeal", year)
    )
    assert {r["key"]: r["count"] for r in out["appeals"]["inadmissible"]} == {
        k: reasons[k] for k in Appeal.Inadmissible.values
    }
    mediations = received_in(specs, "mediation", year)
    closed_m = [
        s
        for s in specs
        if s.kind == "mediation" and s.closed and year_of(s.closed) == year
    ]
    assert out["mediations"] == {
        "registered": len(mediations),
        "from_complaint": sum(s.fields["complaint"] is not None for s in mediations),
        "from_decision": sum(s.fields["complaint"] is None for s in mediations),
        "sessions": sum(
            "session_at" in s.fields and year_of(s.fields["session_at"]) == year
            for s in specs
            if s.kind == "mediation"
        ),
        "closed": len(closed_m),
        "closed_with_outcome": sum("outcome" in s.fields for s in closed_m),
    }
    holder = [
        s
        for s in specs
        if s.kind == "complaint" and s.fields["about"] == "certificate_holder"
    ]
    decided_fu = [
        s
        for s in holder
        if "follow_up" in s.fields and year_of(s.fields["follow_up_decided_at"]) == year
    ]
    assert out["special_audits"] == {
        "special_audit": sum(
            s.fields["follow_up"] == "special_audit" for s in decided_fu
        ),
        "next_regular": sum(
            s.fields["follow_up"] == "next_regular" for s in decided_fu
        ),
        "undecided": sum(
            "follow_up" not in s.fields and year_of(s.received) == year for s in holder
        ),
    }


def test_trend_over_the_years_since_the_first_case_C11(register):
    trend = annual_figures(2026, now=NOW)["trend"]
    assert trend["years"] == [2024, 2025, 2026]  # not five: the register began in 2024
    for series in trend["series"]:
        for i, year in enumerate(trend["years"]):
            expected = expected_counts(register.specs, series["key"], year)
            assert series["received"][i] == expected["received"]
            assert series["closed"][i] == expected["closed"]
    assert annual_figures(2029, now=NOW)["trend"]["years"] == [
        2025,
        2026,
        2027,
        2028,
        2029,
    ]


def test_the_figures_are_plain_json_C11(register):
    """They are frozen into ManagementReview.frozen_figures when approved."""
    figures = annual_figures(2025, now=NOW)
    assert json.loads(json.dumps(figures)) == figures
    assert figures["generated_at"] == NOW.isoformat()


def test_an_empty_register_has_figures_too_C11(db):
    figures = annual_figures(2026, now=NOW)
    assert all(r["received"] == 0 for r in figures["cases"])
    assert figures["trend"]["years"] == [2026]
    assert all(r["share"] is None for r in figures["timeliness"])
    assert figure_tables(figures)


RULE_ID = re.compile(r"\b[SCEAR]\d{1,2}\b")


def test_tables_are_dutch_and_name_no_rule_id_C11(register):
    tables = figure_tables(annual_figures(2025, now=NOW))
    titles = [t["title"] for t in tables]
    assert "Tijdigheid" in titles
    for table in tables:
        texts = [table["title"], *table["columns"]]
        texts += [c for row in table["rows"] for c in row if isinstance(c, str)]
        assert not [t for t in texts if RULE_ID.search(t)], table["title"]
        assert len(table["formats"]) == len(table["columns"])
        assert all(len(row) == len(table["columns"]) for row in table["rows"])
    months = next(t for t in tables if t["title"].startswith("Ontvangen per maand"))
    assert months["columns"][1:13] == [
        "jan",
        "feb",
        "mrt",
        "apr",
        "mei",
        "jun",
        "jul",
        "aug",
        "sep",
        "okt",
        "nov",
        "dec",
    ]


def test_dutch_number_format_C11():
    assert format_number(1234.5, 1) == "1.234,5"
    assert format_number(1234567) == "1.234.567"
    assert format_number(12.0, 1) == "12"


def _count_queries(year=2025) -> int:
    with CaptureQueriesContext(connection) as ctx:
        annual_figures(year, now=NOW)
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_register_C11(db):
    """Aggregates only: a register ten times larger costs the same queries."""
    reg = Register(seed=5)
    reg.random_cases(n_signals=20, n_appeals=5)
    reg.save()
    annual_figures(2025, now=NOW)  # content types cached
    small = _count_queries()
    reg.random_cases(n_signals=200, n_appeals=50)
    reg.save()
    large = _count_queries()
    assert small == large
    assert large < 60


def test_the_benchmark_refuses_to_run_outside_a_sandbox_C11(db):
    """It writes thousands of cases: only into a throwaway database."""
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--sandbox"):
        call_command("benchmark_review", cases=100)
    with pytest.raises(CommandError, match="--inner"):
        call_command("benchmark_review", cases=100, inner=True)
    assert not Signal.objects.exists()


def test_change_requests_raised_by_complaints_C11(db):
    """C10: a complaint that leads to a change of the quality system."""
    from documents.models import ChangeRequest

    reg = Register(seed=3)
    s = reg.signal(local(2025, 2, 3, 9), qualified=local(2025, 2, 3, 10))
    c = reg.complaint(s, "closed")
    reg.save()
    with mock.patch.object(
        ChangeRequest._meta.get_field("opened_at"), "auto_now_add", False
    ):
        for opened, closed in (
            (local(2025, 3, 1, 9), local(2025, 4, 1, 9)),
            (local(2025, 12, 31, 23, 30), None),
            (local(2024, 5, 1, 9), local(2026, 1, 5, 9)),
        ):
            ChangeRequest.objects.create(
                complaint=c.instance,
                reason="Procedure aanscherpen.",
                opened_by=reg.qo,
                opened_at=opened,
                closed_at=closed,
                state="closed" if closed else "open",
            )
    changes = annual_figures(2025, now=NOW)["documents"]["changes"]
    assert (changes["opened"], changes["completed"], changes["open_at_end"]) == (
        2,
        1,
        2,
    )
    assert changes["published"] == 0
