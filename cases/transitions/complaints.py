"""The complaint's life cycle (C1–C10)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Complaint
from ..permissions import can_keep_register
from .engine import Opening, Transition
from .guards import (
    handler_or_clerk,
    handler_or_quality_officer,
    management,
    quality_officer,
    register_clerk,
)


def _formal_written(case) -> str:
    if not case.formal_written:
        return _(
            "Alleen een formeel schriftelijk ingediende klacht krijgt een brief "
            "(C3, C7)."
        )
    return ""


def _not_yet_acknowledged(case) -> str:
    if case.acknowledged_at is not None:
        return _("De ontvangst is al bevestigd (C3).")
    return _formal_written(case)


def _about_holder(case) -> str:
    if not case.about_certificate_holder:
        return _("Dit geldt alleen voor een klacht over een certificaathouder (C9).")
    return ""


def _follow_up_open(case) -> str:
    if case.follow_up:
        return _("Over het vervolg is al besloten (C9).")
    return _about_holder(case)


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
        _formal_written,
    ),
    Transition(
        K.IN_PROGRESS,
        "close",
        K.CLOSED,
        _("Klacht afsluiten"),
        handler_or_quality_officer,
        "C8",
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
    "decide_anonymised": gettext_lazy("Besluit geanonimiseerd bespreken (C5)"),
    "inform_parties": gettext_lazy("Certificaathouder en teamleider geïnformeerd (C9)"),
    "decide_follow_up": gettext_lazy("Vervolg besloten (C9)"),
}
