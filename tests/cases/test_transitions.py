"""Every (state, action) pair of every case life cycle: an allowed pair writes
exactly one logbook event and reaches its target; any other pair is refused and
changes nothing (DESIGN.md, "Transitions")."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from cases import kinds
from cases.models import (
    Appeal,
    CaseEvent,
    CaseNumberCounter,
    Complaint,
    Mediation,
    Signal,
)
from cases.services import (
    complaint_register,
    mediation_open,
    signal_qualify,
    signal_record,
)
from cases.transitions import case_open, find, transition_apply
from portal.roles import (
    CERTIFICATION_DECIDER,
    EXTERNAL_MEDIATOR,
    MANAGEMENT,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
)
from tests.cases.conftest import local
from tests.cases.test_appeals import lodge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The procedure's kinds, registered when the app is ready (cases.case_kinds).
TABLES = {kind.model: kind.transitions for kind in kinds.all_kinds()}
OPENINGS = {kind.model: kind.opening for kind in kinds.all_kinds()}
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
    if row is None or row.refusal(case):
        # Not in the table, or its guard refuses this case now (closing before
        # the satisfaction is recorded): refused, and nothing changes.
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


# -- case_open: the one way a case begins --------------------------------------


def test_every_case_model_has_an_opening():
    assert set(OPENINGS) == set(TABLES)


def test_each_service_opens_its_case_with_exactly_one_first_event(setup, office, actor):
    appeal = lodge(setup, office)
    signal = signal_record(
        by=actor, channel="phone", received_at=local(2026, 11, 2, 9, 0), description="x"
    )
    signal_qualify(
        signal=signal, by=actor, is_complaint=True, ground="b", reason="Klacht."
    )
    complaint = complaint_register(
        signal=signal,
        by=actor,
        client=setup["client"],
        description="x",
        formal_written=False,
    )
    mediation = mediation_open(
        by=actor,
        claimant=setup["client"],
        reason="Geen oplossing.",
        complaint=complaint,
    )
    for model, case in (
        (Appeal, appeal),
        (Signal, signal),
        (Complaint, complaint),
        (Mediation, mediation),
    ):
        events = list(CaseEvent.objects.filter(**{model._meta.model_name: case}))
        assert events[0].action == OPENINGS[model].action
        assert events[0].from_state == ""
        assert [e.action for e in events].count(OPENINGS[model].action) == 1
        assert case.number.startswith(f"{model.PREFIX}-2026-")


def _new_signal(by, **fields) -> Signal:
    """An unsaved signal as signal_record builds it."""
    return Signal(
        channel="phone",
        received_at=local(2026, 11, 2, 9, 0),
        description="x",
        decide_by=local(2026, 11, 4, 9, 0),
        reported_by=by,
        **fields,
    )


def test_opening_by_someone_who_may_not_is_refused_and_keeps_the_number_S1(setup):
    outsider = UserFactory(roles=[EXTERNAL_MEDIATOR])
    signal = _new_signal(outsider)
    with pytest.raises(PermissionDenied):
        case_open(case=signal, by=outsider, year=2026)
    assert not Signal.objects.exists()
    assert not CaseNumberCounter.objects.filter(prefix="S").exists()
    assert not CaseEvent.objects.exists()


def test_a_case_cannot_begin_in_a_later_state(setup, actor):
    signal = _new_signal(actor, state=Signal.State.COMPLAINT)
    with pytest.raises(ValidationError):
        case_open(case=signal, by=actor, year=2026)
    assert not Signal.objects.exists()
    assert not CaseEvent.objects.exists()


def test_an_invalid_case_gives_its_number_back(setup, actor):
    with pytest.raises(ValidationError):
        case_open(
            case=Signal(channel="phone", received_at=local(2026, 11, 2, 9, 0)),
            by=actor,
            year=2026,
        )
    first = signal_record(
        by=actor, channel="phone", received_at=local(2026, 11, 2, 9, 0), description="x"
    )
    assert first.number == "S-2026-0001"


def test_a_failing_relation_undoes_the_whole_opening(setup, actor):
    def fail(case):
        raise ValidationError("relatie mislukt")

    signal = _new_signal(actor)
    with pytest.raises(ValidationError):
        case_open(case=signal, by=actor, year=2026, related=fail)
    assert not Signal.objects.exists()
    assert not CaseEvent.objects.exists()


def test_a_case_with_a_logbook_cannot_be_deleted(setup, actor):
    signal = signal_record(
        by=actor, channel="phone", received_at=local(2026, 11, 2, 9, 0), description="x"
    )
    with pytest.raises(ProtectedError), transaction.atomic():
        signal.delete()
    assert Signal.objects.filter(pk=signal.pk).exists()
    assert CaseEvent.objects.filter(signal=signal).count() == 1


@pytest.mark.parametrize("kind", list(kinds.all_kinds()), ids=lambda k: k.key)
def test_the_logbook_names_every_step_of_every_kind(kind):
    actions = {t.action for t in kind.transitions} | {kind.opening.action}
    named = set(kind.event_labels) | set(CaseEvent.ACTION_LABELS)
    assert actions <= named, sorted(actions - named)
