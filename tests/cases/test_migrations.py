"""Migrations keep every row (issue 12): the logbook's move from one foreign key
per kind to one generic link gives each existing event its own case back."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("cases", "0006_complaints_mediation")]
AFTER = [("cases", "0007_caseevent_generic_case")]


@pytest.mark.django_db(transaction=True)
def test_every_logbook_event_keeps_its_case_through_the_generic_link():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("portal", "User").objects.create(username="migratie")
    client = old.get_model("cases", "Client").objects.create(name="Klant M")
    now = timezone.now()
    signal = old.get_model("cases", "Signal").objects.create(
        number="S-2026-0001",
        client=client,
        channel="phone",
        received_at=now,
        description="x",
        reported_by=user,
        decide_by=now + datetime.timedelta(hours=48),
    )
    Complaint = old.get_model("cases", "Complaint")
    complaint = Complaint.objects.create(
        number="K-2026-0001",
        signal=signal,
        client=client,
        received_at=now,
        description="x",
        handle_by=now + datetime.timedelta(days=30),
        registered_by=user,
    )
    Event = old.get_model("cases", "CaseEvent")
    Event.objects.create(signal=signal, action="record")
    Event.objects.create(complaint=complaint, action="register")
    Event.objects.create(complaint=complaint, action="assign_handler")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    events = new.get_model("cases", "CaseEvent").objects.select_related("case_type")
    pairs = sorted((e.action, e.case_type.model, e.case_id) for e in events)
    assert pairs == sorted(
        [
            ("record", "signal", signal.pk),
            ("register", "complaint", complaint.pk),
            ("assign_handler", "complaint", complaint.pk),
        ]
    )

    # And back: the old foreign keys are filled again.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model("cases", "CaseEvent")
    assert back.objects.filter(complaint_id=complaint.pk).count() == 2
    assert back.objects.filter(signal_id=signal.pk).count() == 1
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
