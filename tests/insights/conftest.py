"""Fixtures of the management information tests (C11)."""

from __future__ import annotations

import pytest

from cases.models import CaseEvent, Complaint
from cases.services import (
    complaint_assign_handler,
    complaint_register,
    signal_qualify,
    signal_record,
)
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    MANAGEMENT,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
)
from tests.cases.conftest import office, setup  # noqa: F401 (shared fixtures)
from tests.factories import ClientFactory, UserFactory


@pytest.fixture
def people(db):
    return {
        "qo": UserFactory(roles=[QUALITY_OFFICER], username="kwaliteit"),
        "office": UserFactory(roles=[OFFICE_MANAGER]),
        "management": UserFactory(roles=[MANAGEMENT]),
        "handler": UserFactory(roles=[CORE_GROUP], username="behandelaar"),
        "member": UserFactory(roles=[CORE_GROUP], username="kerngroeplid"),
        "assessor": UserFactory(roles=[ASSESSOR]),
        "decider": UserFactory(roles=[CERTIFICATION_DECIDER]),
    }


def complaint(people, client_name, received, *, closed=None, handler=True):
    client = ClientFactory(name=client_name)
    signal = signal_record(
        by=people["assessor"],
        client=client,
        channel="email",
        received_at=received,
        description=f"Signaal over {client_name}.",
    )
    signal = signal_qualify(
        signal=signal, by=people["qo"], is_complaint=True, ground="a", reason="Mail."
    )
    case = complaint_register(
        signal=signal,
        by=people["office"],
        description=f"Omschrijving van de klacht van {client_name}.",
        formal_written=False,
    )
    if handler:
        case = complaint_assign_handler(
            complaint=case, handler=people["handler"], by=people["qo"]
        )
    if closed is not None:
        # Closed at ``closed``: the state and the logbook as the close step
        # leaves them (the register reads the closing date from the logbook).
        Complaint.objects.filter(pk=case.pk).update(
            state=Complaint.State.CLOSED, closed_at=closed
        )
        event = case.events.order_by("-at", "-pk").first()
        closing = CaseEvent.objects.create(
            case_type=event.case_type,
            case_id=case.pk,
            action="close",
            from_state=case.state,
            to_state=Complaint.State.CLOSED,
        )
        CaseEvent.objects.filter(pk=closing.pk).update(at=closed)  # auto_now_add
        case.refresh_from_db()
    return case
