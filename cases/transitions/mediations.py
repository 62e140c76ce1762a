"""The mediation's life cycle (E1–E6)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Mediation
from ..permissions import can_keep_register
from .engine import Opening, Transition
from .guards import register_clerk

M = Mediation.State
MEDIATION_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        M.ESCALATED,
        "propose",
        M.PROPOSED,
        _("Drie notarissen voorstellen"),
        register_clerk,
        "E2",
    ),
    Transition(
        M.PROPOSED,
        "propose",
        M.PROPOSED,
        _("Nieuw voorstel van drie notarissen"),
        register_clerk,
        "E2",
    ),
    Transition(
        M.PROPOSED,
        "choose",
        M.CHOSEN,
        _("Keuze van de eiser vastleggen"),
        register_clerk,
        "E2",
    ),
    Transition(
        M.CHOSEN,
        "consent",
        M.CONSENTED,
        _("Toestemming van beide partijen vastleggen"),
        register_clerk,
        "E4",
    ),
    Transition(
        M.CONSENTED,
        "record_session",
        M.SESSION_HELD,
        _("Mediationsessie vastleggen"),
        register_clerk,
        "E5",
    ),
    Transition(
        M.SESSION_HELD,
        "evaluate",
        M.EVALUATED,
        _("Uitkomst, evaluatie en acties vastleggen"),
        register_clerk,
        "E5",
    ),
    Transition(
        M.EVALUATED,
        "close",
        M.CLOSED,
        _("Mediation afsluiten"),
        register_clerk,
        "E6",
        confirm=_(
            "na afsluiten de toegang van de notaris tot het dossier eindigt en de "
            "mediation niet meer kan worden heropend"
        ),
    ),
    *(
        Transition(
            state,
            "withdraw",
            M.CLOSED,
            _("Mediation beëindigen (ingetrokken)"),
            register_clerk,
            "E1",
        )
        for state in (M.ESCALATED, M.PROPOSED, M.CHOSEN, M.CONSENTED, M.SESSION_HELD)
    ),
    *(
        Transition(
            state,
            "inform_claimant",
            state,
            _("Vastleggen dat de eiser is geïnformeerd"),
            register_clerk,
            "E6",
        )
        for state in M.values
    ),
)
MEDIATION_ACTIONS = sorted({t.action for t in MEDIATION_TRANSITIONS})

MEDIATION_OPENING = Opening(
    "open", (M.ESCALATED,), _("Mediation registreren"), can_keep_register, "E1"
)

# How the logbook names each step, once taken.
MEDIATION_EVENTS = {
    "open": gettext_lazy("Mediation geregistreerd"),
    "propose": gettext_lazy("Drie notarissen voorgesteld"),
    "choose": gettext_lazy("Keuze eiser vastgelegd"),
    "consent": gettext_lazy("Toestemming beide partijen; inzage notaris"),
    "record_session": gettext_lazy("Sessie vastgelegd"),
    "evaluate": gettext_lazy("Uitkomst en evaluatie vastgelegd"),
    "withdraw": gettext_lazy("Ingetrokken"),
    "inform_claimant": gettext_lazy("Eiser geïnformeerd"),
}
