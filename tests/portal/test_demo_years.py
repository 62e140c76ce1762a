"""The demo history that ``make run`` loads for management information (issue
13, item 7): years of signals and complaints, closed as the register closes
them, and core-group meetings."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cases.models import Appeal, Client, Complaint, Signal
from cases.services import signal_record
from insights.figures import annual_figures
from insights.models import CoreGroupMeeting
from insights.selectors import closed_not_discussed
from portal.demo import load_demo
from portal.demo_years import MARK, load_demo_history

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 5, 12, tzinfo=datetime.UTC)


@pytest.fixture
def history(db):
    load_demo()
    return load_demo_history(now=NOW)


def test_the_history_spans_five_years_of_closed_and_open_cases(history):
    signals = Signal.objects.filter(description__endswith=MARK)
    complaints = Complaint.objects.filter(description__endswith=MARK)
    appeals = Appeal.objects.filter(motivation__endswith=MARK)
    assert signals.count() + complaints.count() + appeals.count() == history >= 120
    years = {s.received_at.year for s in signals}
    assert years >= {2022, 2023, 2024, 2025}
    assert complaints.filter(state=Complaint.State.CLOSED).count() > 30
    assert complaints.exclude(state=Complaint.State.CLOSED).exists()


def test_every_closed_complaint_has_its_closing_step_in_the_logbook(history):
    for complaint in Complaint.objects.filter(
        description__endswith=MARK, state=Complaint.State.CLOSED
    ):
        close = complaint.events.get(action="close")
        assert close.at == complaint.closed_at
        assert close.at >= complaint.received_at


def test_the_review_of_last_year_counts_the_history_C11(history):
    figures = annual_figures(2025, now=NOW)
    rows = {r["key"]: r for r in figures["cases"]}
    assert rows["complaint"]["received"] > 5
    assert rows["complaint"]["closed"] > 5
    assert figures["trend"]["years"][0] <= 2022


def test_loading_twice_adds_nothing_and_numbering_continues(history):
    before = (Signal.objects.count(), Complaint.objects.count())
    assert load_demo_history(now=NOW) == 0
    assert (Signal.objects.count(), Complaint.objects.count()) == before
    prefix = f"S-{timezone.localdate().year}-"
    taken = [
        int(n.rsplit("-", 1)[1])
        for n in Signal.objects.filter(number__startswith=prefix).values_list(
            "number", flat=True
        )
    ]
    new = signal_record(
        by=get_user_model().objects.get(username="beoordelaar"),
        client=Client.objects.first(),
        channel="email",
        received_at=timezone.now() - datetime.timedelta(hours=1),
        description="Nieuw signaal.",
    )
    assert new.number == f"{prefix}{max(taken, default=0) + 1:04d}"


def test_meetings_have_fixed_minutes_and_recent_closings_wait_C11(history):
    meetings = CoreGroupMeeting.objects.all()
    assert meetings.count() >= 6
    assert not meetings.filter(minutes_fixed_at__isnull=True).exists()
    count, _cases = closed_not_discussed()
    assert count >= 1


def test_no_demo_text_names_a_rule_of_the_procedure(history):
    texts = [
        s.description + s.qualification_reason
        for s in Signal.objects.filter(description__endswith=MARK)
    ] + [
        c.description + c.measures + c.lessons_learned + c.anonymised_summary
        for c in Complaint.objects.filter(description__endswith=MARK)
    ]
    assert not [t for t in texts if re.search(r"\b[SCEA]\d{1,2}\b", t)]


def test_the_history_opens_on_the_register_and_case_pages(history, client):
    client.force_login(get_user_model().objects.get(username="kwaliteit"))
    assert client.get(reverse("cases_admin:register")).status_code == 200
    appeals = Appeal.objects.filter(motivation__endswith=MARK)
    assert appeals.filter(outcome="changed").exists()
    assert appeals.filter(outcome="upheld").exists()
    for appeal in appeals[:4]:
        page = client.get(reverse("cases_admin:appeal", args=[appeal.pk]))
        assert page.status_code == 200
    closed = Complaint.objects.filter(description__endswith=MARK, state="closed")
    page = client.get(reverse("cases_admin:complaint", args=[closed.first().pk]))
    assert page.status_code == 200


def test_some_demo_complaints_lead_to_a_change_C10(history):
    changes = Complaint.objects.filter(description__endswith=MARK, leads_to_change=True)
    assert changes.exists()
    assert all(c.change_note for c in changes)
    figures = annual_figures(NOW.year - 1, now=NOW)
    assert "leads_to_change" in figures["outcomes"]["complaints"]
