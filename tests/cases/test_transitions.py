"""Every (state, action) pair of every case life cycle: an allowed pair writes
exactly one logbook event and reaches its target; any other pair is refused and
changes nothing (DESIGN.md, "Transitions")."""

import pytest
from django.core.exceptions import ValidationError

from cases.models import Appeal, CaseEvent, Complaint, Mediation, Signal
from cases.services import signal_record
from cases.transitions import TABLES, find, transition_apply
from portal.roles import (
    CERTIFICATION_DECIDER,
    MANAGEMENT,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
)
from tests.cases.conftest import local
from tests.cases.test_appeals import lodge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAIRS = [
    pytest.param(model, state, action, id=f"{model.__name__}-{state}-{action}")
    for model, table in TABLES.items()
    for state in model.State.values
    for action in sorted({t.action for t in table})
]


@pytest.fixture
def actor():
    # Allowed by every guard: keeps the register, is the quality officer, and is
    # made the case's decider below.
    return UserFactory(
        roles=[OFFICE_MANAGER, QUALITY_OFFICER, CERTIFICATION_DECIDER, MANAGEMENT]
    )


def _case(model, setup, office, actor):
    if model is Appeal:
        return lodge(setup, office)
    signal = signal_record(
        by=actor, channel="phone", received_at=local(2026, 11, 2, 9, 0), description="x"
    )
    if model is Signal:
        return signal
    # Every data guard satisfied: formal, about a certificate holder, undecided.
    complaint = Complaint.objects.create(
        number="K-2026-9999",
        signal=signal,
        client=setup["client"],
        about=Complaint.About.CERTIFICATE_HOLDER,
        formal_written=True,
        received_at=signal.received_at,
        handle_by=local(2026, 12, 2, 9, 0),
        description="x",
        registered_by=actor,
    )
    if model is Complaint:
        return complaint
    return Mediation.objects.create(
        number="M-2026-9999",
        complaint=complaint,
        claimant=setup["client"],
        reason="x",
        registered_by=actor,
    )


@pytest.mark.parametrize(("model", "state", "action"), PAIRS)
def test_every_state_action_pair_is_applied_or_refused_without_change(
    setup, office, actor, model, state, action
):
    case = _case(model, setup, office, actor)
    extra = {"decider": actor} if model is Appeal else {}
    if model is Complaint:
        extra = {"handler": actor}
    model.objects.filter(pk=case.pk).update(state=state, **extra)
    case.refresh_from_db()
    before = CaseEvent.objects.count()
    row = find(TABLES[model], state, action)
    if row is None:
        with pytest.raises(ValidationError):
            transition_apply(case=case, action=action, by=actor)
        case.refresh_from_db()
        assert case.state == state
        assert CaseEvent.objects.count() == before
    else:
        transition_apply(case=case, action=action, by=actor)
        assert case.state == row.target
        assert CaseEvent.objects.count() == before + 1


def test_every_case_model_has_a_table():
    assert set(TABLES) == {Appeal, Signal, Complaint, Mediation}
