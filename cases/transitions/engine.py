"""The engine of the life cycles: a row, an opening, and the two services that
apply them (`case_open`, `transition_apply`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import kinds
from ..models import CaseEvent
from ..numbering import next_case_number


class NotYet(str):
    """A refusal that lifts once an earlier step is done (closing before the
    client's satisfaction is recorded). The case page lists such a step as
    "nog niet" with this reason instead of hiding it; any other refusal means
    the step does not apply to this case and it is not shown at all."""


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
    # For a step that cannot be undone: what the user must confirm, as the clause
    # after "Ik begrijp dat" (a required checkbox in the step's form; the view
    # refuses the step without the tick). "" for an ordinary step.
    confirm: str = ""

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


def steps_not_yet(table, case, user) -> list[tuple[Transition, str]]:
    """The steps this user could take on this case in its state but not yet, each
    with the reason (a `NotYet` refusal): the case page lists them so that a step
    is never offered only to be refused, and never missing without a word."""
    seen = set()
    rows = []
    for t in table:
        if t.source != case.state or t.action in seen or not t.may(user, case):
            continue
        reason = t.refusal(case)
        if isinstance(reason, NotYet):
            seen.add(t.action)
            rows.append((t, str(reason)))
    return rows


def step_label(table, action: str) -> str:
    """The Dutch label of ``action`` in ``table`` (any state), for messages about a
    step that is no longer possible; the action code itself never reaches a user."""
    for row in table:
        if row.action == action:
            return str(row.label)
    return action


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
                _(
                    "De stap “%(label)s” is niet (meer) mogelijk: de zaak "
                    "heeft intussen de status “%(state)s”. Bekijk de zaak "
                    "opnieuw."
                )
                % {
                    "label": step_label(kinds.kind_of(model).transitions, action),
                    "state": locked.get_state_display(),
                }
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
