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

from .models import Appeal, CaseEvent, Signal
from .selectors import has_register_access


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    label: str
    may: Callable  # (user, case) -> bool: who may take this step
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
    from portal.roles import QUALITY_OFFICER

    return user.is_superuser or user.has_role(QUALITY_OFFICER)


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

TABLES = {Appeal: APPEAL_TRANSITIONS, Signal: SIGNAL_TRANSITIONS}


def find(table, state: str, action: str) -> Transition | None:
    for row in table:
        if row.source == state and row.action == action:
            return row
    return None


def allowed_actions(table, case, user) -> list[Transition]:
    """The steps this user may take on this case now (for the case page)."""
    return [t for t in table if t.source == case.state and t.may(user, case)]


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
    """Apply ``action`` to ``case`` (an Appeal or a Signal): the one way a case changes
    state. ``effect(locked_case)`` does the step's own work inside the same
    transaction (it may raise ValidationError to refuse). Raises ValidationError
    for a step not valid in the current state, PermissionDenied when ``by`` may
    not take it; in both cases nothing changes."""
    model = type(case)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=case.pk)
        row = find(TABLES[model], locked.state, action)
        if row is None:
            raise ValidationError(
                _("'%(action)s' kan niet bij een zaak met status '%(state)s'.")
                % {"action": action, "state": locked.get_state_display()}
            )
        if not row.may(by, locked):
            raise PermissionDenied(
                _("U mag deze stap (%(label)s) niet zetten.") % {"label": row.label}
            )
        if effect is not None:
            effect(locked)
        source = locked.state
        locked.state = row.target
        locked.save()
        CaseEvent.objects.create(
            **{model._meta.model_name: locked},
            action=action,
            from_state=source,
            to_state=row.target,
            actor=by,
            note=note,
            data=data or {},
            claimant_informed_at=timezone.now() if claimant_informed else None,
        )
    case.refresh_from_db()
    return case


__all__ = [
    "APPEAL_ACTIONS",
    "APPEAL_TRANSITIONS",
    "SIGNAL_ACTIONS",
    "SIGNAL_TRANSITIONS",
    "TABLES",
    "Transition",
    "allowed_actions",
    "find",
    "transition_apply",
]
