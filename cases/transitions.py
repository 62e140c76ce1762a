"""The case life cycles as explicit tables (DESIGN.md, "Transitions").

Each row: (state, action) -> target state, with a guard naming the rule. One
service, `transition_apply`, applies a row: lock the case, check state and guard,
write exactly one logbook event, save. Anything not in the table is refused and
changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import kinds
from .models import Appeal, CaseEvent, Complaint, Mediation, Signal
from .numbering import next_case_number
from .permissions import (
    can_decide_for_management,
    can_keep_register,
    can_report_signal,
    has_register_access,
    is_quality_officer,
)


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    label: str
    may: Callable  # (user, case) -> bool: who may take this step
    rule: str
    # (case) -> "" when the step is possible now, else why not (naming the rule).
    when: Callable | None = None

    def refusal(self, case) -> str:
        return self.when(case) if self.when is not None else ""


@dataclass(frozen=True)
class Opening:
    """How a case of one kind comes into the register: the first logbook step."""

    action: str
    states: tuple[str, ...]  # the states a new case may start in
    label: str
    may: Callable  # (user) -> bool: who may open one
    rule: str


def _register_keeper(user, case) -> bool:
    return has_register_access(user)


def _assigned_decider(user, case) -> bool:
    return case.decider_id is not None and case.decider_id == user.pk


def _register_or_decider(user, case) -> bool:
    return has_register_access(user) or _assigned_decider(user, case)


S = Appeal.State
APPEAL_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        S.RECEIVED,
        "acknowledge",
        S.ACKNOWLEDGED,
        _("Ontvangst bevestigen"),
        _register_keeper,
        "A6",
    ),
    Transition(
        S.ACKNOWLEDGED,
        "assign_decider",
        S.ASSIGNED,
        _("Certificatiebeslisser aanwijzen"),
        _register_keeper,
        "A7",
    ),
    Transition(
        S.ASSIGNED,
        "assign_decider",
        S.ASSIGNED,
        _("Andere certificatiebeslisser aanwijzen"),
        _register_keeper,
        "A7",
    ),
    Transition(
        S.ASSIGNED,
        "decide",
        S.DECIDED,
        _("Uitkomst vastleggen"),
        _assigned_decider,
        "A8",
    ),
    Transition(
        S.DECIDED,
        "send_outcome",
        S.CLOSED,
        _("Uitkomst verzenden"),
        _register_or_decider,
        "A8",
    ),
    Transition(
        S.INADMISSIBLE,
        "send_inadmissibility",
        S.CLOSED,
        _("Niet-ontvankelijkheid meedelen"),
        _register_keeper,
        "A3",
    ),
)
APPEAL_ACTIONS = sorted({t.action for t in APPEAL_TRANSITIONS})


def _quality_officer(user, case) -> bool:
    return is_quality_officer(user)


G = Signal.State
SIGNAL_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        G.RECEIVED,
        "qualify_complaint",
        G.COMPLAINT,
        _("Kwalificeren als klacht"),
        _quality_officer,
        "S3",
    ),
    Transition(
        G.RECEIVED,
        "qualify_not_complaint",
        G.NOT_COMPLAINT,
        _("Kwalificeren als geen klacht"),
        _quality_officer,
        "S3",
    ),
)
SIGNAL_ACTIONS = sorted({t.action for t in SIGNAL_TRANSITIONS})


def _register_clerk(user, case) -> bool:
    # C1: the quality officer or the office manager registers and keeps the data.
    return can_keep_register(user)


def _handler_or_clerk(user, case) -> bool:
    return (case.handler_id is not None and case.handler_id == user.pk) or (
        _register_clerk(user, case)
    )


def _handler_or_quality_officer(user, case) -> bool:
    return (case.handler_id is not None and case.handler_id == user.pk) or (
        _quality_officer(user, case)
    )


def _management(user, case) -> bool:
    return can_decide_for_management(user)


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
            _register_clerk,
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
        _register_clerk,
        "C2",
    ),
    Transition(
        K.IN_PROGRESS,
        "assign_handler",
        K.IN_PROGRESS,
        _("Andere behandelaar aanwijzen"),
        _register_clerk,
        "C2",
    ),
    Transition(
        K.IN_PROGRESS,
        "update_handling",
        K.IN_PROGRESS,
        _("Behandelgegevens bijwerken"),
        _handler_or_clerk,
        "C4",
    ),
    Transition(
        K.IN_PROGRESS,
        "record_satisfaction",
        K.IN_PROGRESS,
        _("Tevredenheid klant vastleggen"),
        _handler_or_clerk,
        "C8",
    ),
    Transition(
        K.IN_PROGRESS,
        "send_outcome_letter",
        K.IN_PROGRESS,
        _("Uitkomst aan de klant meedelen"),
        _handler_or_clerk,
        "C7",
        _formal_written,
    ),
    Transition(
        K.IN_PROGRESS,
        "close",
        K.CLOSED,
        _("Klacht afsluiten"),
        _handler_or_quality_officer,
        "C8",
    ),
    Transition(
        K.IN_PROGRESS,
        "escalate",
        K.ESCALATED,
        _("Voorleggen aan mediation"),
        _register_clerk,
        "E1",
    ),
    Transition(
        K.ESCALATED,
        "close",
        K.CLOSED,
        _("Klacht afsluiten na mediation"),
        _quality_officer,
        "E5",
    ),
    *(
        Transition(
            state,
            "decide_anonymised",
            state,
            _("Besluiten over geanonimiseerd bespreken"),
            _quality_officer,
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
            _management,
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
            _management,
            "C9",
            _follow_up_open,
        )
        for state in _OPEN
    ),
)
COMPLAINT_ACTIONS = sorted({t.action for t in COMPLAINT_TRANSITIONS})

M = Mediation.State
MEDIATION_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        M.ESCALATED,
        "propose",
        M.PROPOSED,
        _("Drie notarissen voorstellen"),
        _register_clerk,
        "E2",
    ),
    Transition(
        M.PROPOSED,
        "propose",
        M.PROPOSED,
        _("Nieuw voorstel van drie notarissen"),
        _register_clerk,
        "E2",
    ),
    Transition(
        M.PROPOSED,
        "choose",
        M.CHOSEN,
        _("Keuze van de eiser vastleggen"),
        _register_clerk,
        "E2",
    ),
    Transition(
        M.CHOSEN,
        "consent",
        M.CONSENTED,
        _("Toestemming van beide partijen vastleggen"),
        _register_clerk,
        "E4",
    ),
    Transition(
        M.CONSENTED,
        "record_session",
        M.SESSION_HELD,
        _("Mediationsessie vastleggen"),
        _register_clerk,
        "E5",
    ),
    Transition(
        M.SESSION_HELD,
        "evaluate",
        M.EVALUATED,
        _("Uitkomst, evaluatie en acties vastleggen"),
        _register_clerk,
        "E5",
    ),
    Transition(
        M.EVALUATED,
        "close",
        M.CLOSED,
        _("Mediation afsluiten"),
        _register_clerk,
        "E6",
    ),
    *(
        Transition(
            state,
            "withdraw",
            M.CLOSED,
            _("Mediation beëindigen (ingetrokken)"),
            _register_clerk,
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
            _register_clerk,
            "E6",
        )
        for state in M.values
    ),
)
MEDIATION_ACTIONS = sorted({t.action for t in MEDIATION_TRANSITIONS})

SIGNAL_OPENING = Opening(
    "record", (G.RECEIVED,), _("Signaal melden"), can_report_signal, "S1"
)
COMPLAINT_OPENING = Opening(
    "register",
    (Complaint.State.REGISTERED,),
    _("Klacht registreren"),
    can_keep_register,
    "C1",
)
# A3: an inadmissible appeal is registered too, with its reason.
APPEAL_OPENING = Opening(
    "lodge",
    (S.RECEIVED, S.INADMISSIBLE),
    _("Beroep registreren"),
    has_register_access,
    "A11",
)
MEDIATION_OPENING = Opening(
    "open", (M.ESCALATED,), _("Mediation registreren"), can_keep_register, "E1"
)


def find(table, state: str, action: str) -> Transition | None:
    for row in table:
        if row.source == state and row.action == action:
            return row
    return None


def allowed_actions(table, case, user) -> list[Transition]:
    """The steps this user may take on this case now (for the case page)."""
    return [
        t
        for t in table
        if t.source == case.state and t.may(user, case) and not t.refusal(case)
    ]


def case_open(
    *,
    case,
    by,
    year: int,
    note: str = "",
    data: dict | None = None,
    related: Callable | None = None,
):
    """Bring a new ``case`` (unsaved, its fields set by the kind's service) into the
    register: the one way a case begins, as `transition_apply` is the one way it
    changes. In one transaction: re-check who may open it and the state it starts
    in, hand out its number for ``year`` (gap-free: a refusal below gives the
    number back), validate, save, let ``related(case)`` set its many-to-many
    relations, and write its first logbook event. Raises PermissionDenied or
    ValidationError; then nothing is stored."""
    model = type(case)
    opening = kinds.kind_of(model).opening
    if not opening.may(by):
        raise PermissionDenied(
            _("U mag deze stap (%(label)s) niet zetten.") % {"label": opening.label}
        )
    if case.state not in opening.states:
        raise ValidationError(
            _("Een nieuwe zaak kan niet beginnen met status '%(state)s'.")
            % {"state": case.get_state_display()}
        )
    with transaction.atomic():
        case.number = next_case_number(model.PREFIX, year=year)
        case.full_clean()
        case.save()
        if related is not None:
            related(case)
        CaseEvent.objects.create(
            case=case,
            action=opening.action,
            to_state=case.state,
            actor=by,
            note=note,
            data=data or {},
        )
    return case


def transition_apply(
    *,
    case,
    action: str,
    by,
    effect: Callable | None = None,
    note: str = "",
    data: dict | None = None,
    claimant_informed: bool = False,
):
    """Apply ``action`` to ``case`` (an Appeal, Signal, Complaint or Mediation):
    the one way a case changes state. ``effect(locked_case)`` does the step's own
    work inside the same transaction (it may raise ValidationError to refuse; a
    dict it returns is added to the event's data). Raises ValidationError
    for a step not valid in the current state, PermissionDenied when ``by`` may
    not take it; in both cases nothing changes."""
    model = type(case)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=case.pk)
        row = find(kinds.kind_of(model).transitions, locked.state, action)
        if row is None:
            raise ValidationError(
                _("'%(action)s' kan niet bij een zaak met status '%(state)s'.")
                % {"action": action, "state": locked.get_state_display()}
            )
        if not row.may(by, locked):
            raise PermissionDenied(
                _("U mag deze stap (%(label)s) niet zetten.") % {"label": row.label}
            )
        refusal = row.refusal(locked)
        if refusal:
            raise ValidationError(refusal)
        extra = effect(locked) if effect is not None else None
        source = locked.state
        locked.state = row.target
        locked.save()
        CaseEvent.objects.create(
            case=locked,
            action=action,
            from_state=source,
            to_state=row.target,
            actor=by,
            note=note,
            data={**(data or {}), **(extra or {})},
            claimant_informed_at=timezone.now() if claimant_informed else None,
        )
    case.refresh_from_db()
    return case


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
    "Opening",
    "Transition",
    "allowed_actions",
    "case_open",
    "find",
    "transition_apply",
]
