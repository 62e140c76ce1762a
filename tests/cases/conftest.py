"""Fixtures shared by the case-register tests."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import Audit
from cases.services import decision_mark_emailed, decision_record
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    MANAGEMENT,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
)
from tests.factories import ClientFactory, UserFactory

AMS = ZoneInfo("Europe/Amsterdam")


def local(*args):
    return datetime.datetime(*args, tzinfo=AMS)


@pytest.fixture
def office(db):
    return UserFactory(roles=[OFFICE_MANAGER], email="office@example.invalid")


@pytest.fixture
def setup(db, office):
    client = ClientFactory(
        name="Zorggroep Beroep", contact_email="klant@example.invalid"
    )
    leader = UserFactory(roles=[ASSESSOR, CERTIFICATION_DECIDER], email="tl@x.invalid")
    assessor = UserFactory(roles=[ASSESSOR, CERTIFICATION_DECIDER])
    audit = Audit.objects.create(
        client=client,
        kind=Audit.Kind.FOLLOW_UP,
        start_date=datetime.date(2026, 1, 5),
        team_leader=leader,
    )
    audit.assessors.add(assessor)
    original = UserFactory(roles=[CERTIFICATION_DECIDER], email="orig@x.invalid")
    decision = decision_record(
        audit=audit,
        decider=original,
        outcome="continued",
        motivation="Voldoet.",
        decided_at=local(2026, 1, 30, 9, 0),
        by=office,
    )
    decision = decision_mark_emailed(
        decision=decision, at=local(2026, 1, 31, 10, 0), by=original
    )
    return {
        "client": client,
        "decision": decision,
        "original": original,
        "leader": leader,
        "assessor": assessor,
        "other": UserFactory(roles=[CERTIFICATION_DECIDER]),
    }


@pytest.fixture
def people(db):
    """One person per role of the complaint rules."""
    return {
        "qo": UserFactory(roles=[QUALITY_OFFICER]),
        "office": UserFactory(roles=[OFFICE_MANAGER]),
        "management": UserFactory(roles=[MANAGEMENT]),
        "handler": UserFactory(roles=[CORE_GROUP]),
        "involved": UserFactory(roles=[CORE_GROUP]),
        "assessor": UserFactory(roles=[ASSESSOR]),
    }
