"""The case life cycles as explicit tables (DESIGN.md, "Transitions").

Each row: (state, action) -> target state, with a guard naming the rule. One
service, `transition_apply`, applies a row: lock the case, check state and guard,
write exactly one logbook event, save. Anything not in the table is refused and
changes nothing.

The tables live one module per kind of case (``appeals``, ``client_signals``,
``complaints``, ``mediations``), the shared guards in ``guards``, the engine in
``engine``; a kind's table and opening are found through its registry entry
(``cases.kinds``)."""

from .appeals import APPEAL_ACTIONS, APPEAL_OPENING, APPEAL_TRANSITIONS
from .client_signals import SIGNAL_ACTIONS, SIGNAL_OPENING, SIGNAL_TRANSITIONS
from .complaints import COMPLAINT_ACTIONS, COMPLAINT_OPENING, COMPLAINT_TRANSITIONS
from .engine import (
    NotYet,
    Opening,
    Transition,
    allowed_actions,
    case_open,
    find,
    step_label,
    steps_not_yet,
    transition_apply,
)
from .mediations import MEDIATION_ACTIONS, MEDIATION_OPENING, MEDIATION_TRANSITIONS

__all__ = [
    "APPEAL_ACTIONS",
    "APPEAL_OPENING",
    "APPEAL_TRANSITIONS",
    "COMPLAINT_ACTIONS",
    "COMPLAINT_OPENING",
    "COMPLAINT_TRANSITIONS",
    "MEDIATION_ACTIONS",
    "MEDIATION_OPENING",
    "MEDIATION_TRANSITIONS",
    "SIGNAL_ACTIONS",
    "SIGNAL_OPENING",
    "SIGNAL_TRANSITIONS",
    "NotYet",
    "Opening",
    "Transition",
    "allowed_actions",
    "case_open",
    "find",
    "step_label",
    "steps_not_yet",
    "transition_apply",
]
