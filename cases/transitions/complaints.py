"""The complaint's life cycle (C1–C10)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Complaint
from ..permissions import can_keep_register
from .engine import NotYet, Opening, Transition
from .guards import (
    handler_or_clerk,
    handler_or_quality_officer,
    management,
    quality_officer,
    register_clerk,
)


def _formal_written(case) -> str:
    if not case.formal_written:
        return _("Alleen een formeel schriftelijk ingediende klacht krijgt een brief.")
    return ""


def _not_yet_acknowledged(case) -> str:
    if case.acknowledged_at is not None:
        return _("De ontvangst is al bevestigd.")
    return _formal_written(case)


def _about_holder(case) -> str:
    if not case.about_certificate_holder:
        return _("Dit geldt alleen voor een klacht over een certificaathouder.")
    return ""


def _follow_up_open(case) -> str:
    if case.follow_up:
        return _("Over het vervolg is al besloten.")
    return _about_holder(case)


def close_refusal(complaint) -> str:
    """Why the complaint cannot be closed now, or "" (C7, C8, E5)."""
    if complaint.state == Complaint.State.ESCALATED:
        if complaint.mediations.exclude(state="closed").exists():
            return NotYet(_("Sluit eerst de mediation af."))
        return ""
    if not complaint.solution.strip():
        return NotYet(
            _(
                "Leg eerst de gekozen oplossing vast (via \u201cBehandelgegevens "
                "bijwerken\u201d)."
            )
        )
    if complaint.satisfied_at is None:
        return NotYet(
            _(
                "Een klacht wordt pas afgesloten als de klant heeft laten weten "
                "tevreden te zijn met de oplossing. Leg de tevredenheid eerst vast."
            )
        )
    if complaint.formal_written and complaint.outcome_sent_at is None:
        return NotYet(
            _(
                "Deel de klant eerst de uitkomst mee: de klacht is formeel "
                "schriftelijk ingediend."
            )
        )
    return ""


def _outcome_refusal(case) -> str:
    """C7: the outcome letter states the chosen solution, so it waits for one."""
    refusal = _formal_written(case)
    if refusal:
        return refusal
    if not case.solution.strip():
        return NotYet(
            _(
                "Leg eerst de gekozen oplossing en de afhandeling vast; die staan in "
                "de brief."
            )
        )
    return ""


# C8: closing ends the handling; only the quality officer can undo it (reopen).
CLOSE_CONFIRM = _(
    "na afsluiten alleen de portefeuillehouder kwaliteit de klacht nog kan heropenen"
)

K = Complaint.State
_OPEN = (K.REGISTERED, K.IN_PROGRESS)
COMPLAINT_TRANSITIONS: tuple[Transition, ...] = (
    *(
        Transition(
            state,
            "acknowledge",
            state,
            _("Ontvangstbevestiging sturen"),
            register_clerk,
            "C3",
            _not_yet_acknowledged,
        )
        for state in _OPEN
    ),
    Transition(
        K.REGISTERED,
        "assign_handler",
        K.IN_PROGRESS,
        _("Behandelaar aanwijzen"),
        register_clerk,
        "C2",
    ),
    Transition(
        K.IN_PROGRESS,
        "assign_handler",
        K.IN_PROGRESS,
        _("Andere behandelaar aanwijzen"),
        register_clerk,
        "C2",
    ),
    Transition(
        K.IN_PROGRESS,
        "update_handling",
        K.IN_PROGRESS,
        _("Behandelgegevens bijwerken"),
        handler_or_clerk,
        "C4",
    ),
    Transition(
        K.IN_PROGRESS,
        "record_satisfaction",
        K.IN_PROGRESS,
        _("Tevredenheid klant vastleggen"),
        handler_or_clerk,
        "C8",
    ),
    Transition(
        K.IN_PROGRESS,
        "send_outcome_letter",
        K.IN_PROGRESS,
        _("Uitkomst aan de klant meedelen"),
        handler_or_clerk,
        "C7",
        _outcome_refusal,
    ),
    Transition(
        K.IN_PROGRESS,
        "close",
        K.CLOSED,
        _("Klacht afsluiten"),
        handler_or_quality_officer,
        "C8",
        close_refusal,
        confirm=CLOSE_CONFIRM,
    ),
    Transition(
        K.IN_PROGRESS,
        "escalate",
        K.ESCALATED,
        _("Voorleggen aan mediation"),
        register_clerk,
        "E1",
    ),
    Transition(
        K.ESCALATED,
        "close",
        K.CLOSED,
        _("Klacht afsluiten na mediation"),
        quality_officer,
        "E5",
        close_refusal,
        confirm=CLOSE_CONFIRM,
    ),
    # Issue 16: a closed complaint is reopened, not re-registered (reopen_refusal
    # says who and why; cases.services.corrections.complaint_reopen what changes).
    Transition(
        K.CLOSED,
        "reopen",
        K.IN_PROGRESS,
        _("Klacht heropenen"),
        quality_officer,
        "C8",
    ),
    # Issue 16: a wrongly recorded fact is corrected with a trace (old → new and
    # the reason in the logbook), in any state (cases.services.corrections).
    *(
        Transition(
            state,
            "correct",
            state,
            _("Vastgelegd gegeven corrigeren"),
            quality_officer,
            "C1",
        )
        for state in K.values
    ),
    *(
        Transition(
            state,
            "decide_anonymised",
            state,
            _("Besluiten over geanonimiseerd bespreken"),
            quality_officer,
            "C5",
        )
        for state in (K.IN_PROGRESS, K.ESCALATED, K.CLOSED)
    ),
    *(
        Transition(
            state,
            "inform_parties",
            state,
            _("Informeren certificaathouder en teamleider vastleggen"),
            management,
            "C9",
            _about_holder,
        )
        for state in _OPEN
    ),
    *(
        Transition(
            state,
            "decide_follow_up",
            state,
            _("Besluiten: Speciaal Onderzoek of volgend regulier onderzoek"),
            management,
            "C9",
            _follow_up_open,
        )
        for state in _OPEN
    ),
)
COMPLAINT_ACTIONS = sorted({t.action for t in COMPLAINT_TRANSITIONS})

COMPLAINT_OPENING = Opening(
    "register",
    (Complaint.State.REGISTERED,),
    _("Klacht registreren"),
    can_keep_register,
    "C1",
)

# How the logbook names each step, once taken.
COMPLAINT_EVENTS = {
    "register": gettext_lazy("Klacht geregistreerd"),
    "assign_handler": gettext_lazy("Behandelaar aangewezen"),
    "update_handling": gettext_lazy("Behandelgegevens bijgewerkt"),
    "acknowledge": gettext_lazy("Ontvangst bevestigd"),
    "record_satisfaction": gettext_lazy("Tevredenheid klant vastgelegd"),
    "send_outcome_letter": gettext_lazy("Uitkomst meegedeeld"),
    "escalate": gettext_lazy("Voorgelegd aan mediation"),
    "decide_anonymised": gettext_lazy("Besluit geanonimiseerd bespreken"),
    "inform_parties": gettext_lazy("Certificaathouder en teamleider geïnformeerd"),
    "decide_follow_up": gettext_lazy("Vervolg besloten"),
    "reopen": gettext_lazy("Klacht heropend"),
    "correct": gettext_lazy("Gegeven gecorrigeerd"),
}
