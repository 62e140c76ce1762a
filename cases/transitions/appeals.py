"""The appeal's life cycle (A1–A12)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Appeal
from ..permissions import has_register_access
from .engine import Opening, Transition
from .guards import assigned_decider, register_keeper, register_or_decider

S = Appeal.State
APPEAL_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        S.RECEIVED,
        "acknowledge",
        S.ACKNOWLEDGED,
        _("Ontvangst bevestigen"),
        register_keeper,
        "A6",
    ),
    Transition(
        S.ACKNOWLEDGED,
        "assign_decider",
        S.ASSIGNED,
        _("Certificatiebeslisser aanwijzen"),
        register_keeper,
        "A7",
    ),
    Transition(
        S.ASSIGNED,
        "assign_decider",
        S.ASSIGNED,
        _("Andere certificatiebeslisser aanwijzen"),
        register_keeper,
        "A7",
    ),
    Transition(
        S.ASSIGNED,
        "decide",
        S.DECIDED,
        _("Uitkomst vastleggen"),
        assigned_decider,
        "A8",
    ),
    Transition(
        S.DECIDED,
        "send_outcome",
        S.CLOSED,
        _("Uitkomst verzenden"),
        register_or_decider,
        "A8",
    ),
    Transition(
        S.INADMISSIBLE,
        "send_inadmissibility",
        S.CLOSED,
        _("Niet-ontvankelijkheid meedelen"),
        register_keeper,
        "A3",
    ),
)
APPEAL_ACTIONS = sorted({t.action for t in APPEAL_TRANSITIONS})

# A3: an inadmissible appeal is registered too, with its reason.
APPEAL_OPENING = Opening(
    "lodge",
    (S.RECEIVED, S.INADMISSIBLE),
    _("Beroep registreren"),
    has_register_access,
    "A11",
)

# How the logbook names each step, once taken.
APPEAL_EVENTS = {
    "lodge": gettext_lazy("Beroep geregistreerd"),
    "acknowledge": gettext_lazy("Ontvangst bevestigd"),
    "assign_decider": gettext_lazy("Behandelaar aangewezen"),
    "decide": gettext_lazy("Uitkomst vastgelegd"),
    "send_outcome": gettext_lazy("Uitkomst verzonden"),
    "send_inadmissibility": gettext_lazy("Niet-ontvankelijkheid meegedeeld"),
}
