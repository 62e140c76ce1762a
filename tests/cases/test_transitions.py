"""Every (state, action) pair of every case life cycle: an allowed pair writes
exactly one logbook event and reaches its target; any other pair is refused and
changes nothing (DESIGN.md, "Transitions")."""

import pytest
from django.core.exceptions import ValidationError

from cases.models import Appeal, CaseEvent, Signal
from cases.services import signal_record
from cases.transitions import TABLES, find, transition_apply
from portal.roles import CERTIFICATION_DECIDER, OFFICE_MANAGER, QUALITY_OFFICER
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
    return UserFactory(roles=[OFFICE_MANAGER, QUALITY_OFFICER, CERTIFICATION_DECIDER])


def _case(model, setup, office, actor):
    if model is Appeal:
        return lodge(setup, office)
    return signal_record(
        by=actor, channel="phone", received_at=local(2026, 11, 2, 9, 0), description="x"
    )


@pytest.mark.parametrize(("model", "state", "action"), PAIRS)
def test_every_state_action_pair_is_applied_or_refused_without_change(
    setup, office, actor, model, state, action
):
    case = _case(model, setup, office, actor)
    extra = {"decider": actor} if model is Appeal else {}
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
    assert set(TABLES) == {Appeal, Signal}
