"""The appeal's life cycle (A1–A12)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Appeal
from ..permissions import has_register_access
from .engine import Opening, Transition
from .guards import (
    assigned_decider,
    quality_officer,
    register_clerk,
    register_keeper,
    register_or_decider,
)


def _certificate_task(case) -> str:
    """A9: the office manager records that the certificate was issued or adjusted
    after a changed decision left the client a holder without one."""
    # Imported here: the selector reads the services, which apply this table.
    from ..selectors_appeals import certificate_task_refusal

    return certificate_task_refusal(case)


def _reassess_refusal(case) -> str:
    """A2–A5: re-assessment waits until the corrected facts pass."""
    from ..services.corrections import appeal_reassess_refusal

    return appeal_reassess_refusal(case)


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
        confirm=_(
            "de uitkomst na verzenden definitief is: de indiener ontvangt die per "
            "e-mail en er is geen hoger beroep mogelijk"
        ),
    ),
    Transition(
        S.INADMISSIBLE,
        "send_inadmissibility",
        S.CLOSED,
        _("Niet-ontvankelijkheid meedelen"),
        register_keeper,
        "A3",
        confirm=_(
            "de indiener na verzenden hoort dat het beroep niet in behandeling "
            "wordt genomen, en dat de ontvankelijkheid daarna niet opnieuw kan "
            "worden beoordeeld"
        ),
    ),
    # Issue 16: an appeal found inadmissible through a recording error is judged
    # again on the corrected facts, until the letter went out
    # (cases.services.corrections.appeal_reassess).
    Transition(
        S.INADMISSIBLE,
        "reassess",
        S.RECEIVED,
        _("Ontvankelijkheid opnieuw beoordelen"),
        register_keeper,
        "A3",
        _reassess_refusal,
    ),
    # Issue 16: a wrongly recorded fact is corrected with a trace, in any state.
    *(
        Transition(
            state,
            "correct",
            state,
            _("Vastgelegd gegeven corrigeren"),
            quality_officer,
            "A11",
        )
        for state in S.values
    ),
    Transition(
        S.CLOSED,
        "confirm_certificate",
        S.CLOSED,
        _("Certificaat aangepast"),
        register_clerk,
        "A9",
        _certificate_task,
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
    "confirm_certificate": gettext_lazy("Certificaat aangepast"),
    "reassess": gettext_lazy("Ontvankelijkheid opnieuw beoordeeld"),
    "correct": gettext_lazy("Gegeven gecorrigeerd"),
}
