"""Corrections instead of dead ends (issue 16, item 2): reopening a closed
complaint, correcting a recorded fact with a trace, and re-assessing an appeal
that was found inadmissible through a recording error.

Nothing here edits in place without a trace: every write is one step of the
case's life cycle (`transition_apply`), and its logbook event keeps the old and
the new value and the reason. No model field is added: the logbook is the
record of corrections."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..deadlines import add_months_local, appeal_term_end
from ..models import Appeal, Complaint
from ..transitions import NotYet, transition_apply
from .appeals import appeal_admissibility
from .complaints import HANDLE_WITHIN_MONTHS
from .dates import not_in_future

# -- what can be corrected ------------------------------------------------------


@dataclass(frozen=True)
class Correctable:
    """One recorded fact that may be corrected: a moment (date and time) or a
    choice among ``choices`` (stored value, Dutch label)."""

    name: str
    label: str
    choices: tuple[tuple[object, str], ...] = ()
    # Later facts this one must not come after, or earlier ones it must not
    # precede: (field name, its Dutch label).
    not_after: tuple[tuple[str, str], ...] = ()
    not_before: tuple[tuple[str, str], ...] = ()

    @property
    def is_moment(self) -> bool:
        return not self.choices

    def display(self, value) -> str:
        if value is None or value == "":
            return "—"
        if self.is_moment:
            return dateformat.format(timezone.localtime(value), "j F Y H:i")
        return str(dict(self.choices).get(value, value))


_YES_NO = ((True, gettext_lazy("ja")), (False, gettext_lazy("nee")))

# The facts a handler or clerk enters and can get wrong (a date, how it came in).
# Texts the handler keeps up to date are not here: "Behandelgegevens bijwerken"
# changes them, and the logbook records which changed.
CORRECTABLE: dict[type, tuple[Correctable, ...]] = {
    Complaint: (
        Correctable(
            "received_at",
            gettext_lazy("Datum klacht"),
            not_after=(
                ("acknowledged_at", gettext_lazy("ontvangst bevestigd op")),
                ("satisfied_at", gettext_lazy("klant tevreden verklaard op")),
                ("outcome_sent_at", gettext_lazy("uitkomst meegedeeld op")),
                ("closed_at", gettext_lazy("afgesloten op")),
            ),
        ),
        Correctable(
            "satisfied_at",
            gettext_lazy("Klant tevreden verklaard op"),
            not_before=(("received_at", gettext_lazy("datum klacht")),),
        ),
        Correctable(
            "formal_written",
            gettext_lazy("Formeel schriftelijk ingediend"),
            choices=_YES_NO,
        ),
    ),
    Appeal: (
        Correctable(
            "received_at",
            gettext_lazy("Ontvangen op"),
            not_after=(
                ("acknowledged_at", gettext_lazy("ontvangst bevestigd op")),
                ("decided_at", gettext_lazy("besloten op")),
                ("outcome_sent_at", gettext_lazy("uitkomst verzonden op")),
            ),
        ),
        Correctable(
            "channel",
            gettext_lazy("Ontvangen via"),
            choices=tuple(Appeal.Channel.choices),
        ),
    ),
}


def correctable_fields(model) -> tuple[Correctable, ...]:
    """The facts of a case of ``model`` that the correction step offers."""
    return CORRECTABLE.get(model, ())


def _spec(model, field: str) -> Correctable:
    for spec in correctable_fields(model):
        if spec.name == field:
            return spec
    raise ValidationError(
        {
            "field": _(
                "Dit gegeven kan niet via een correctie worden gewijzigd. Kies een "
                "van: %(names)s."
            )
            % {"names": ", ".join(str(s.label) for s in correctable_fields(model))}
        }
    )


def _plausible(case, spec: Correctable, value) -> None:
    """A corrected date is checked like an entered one: not in the future, not
    after a later step of the case, not before an earlier one."""
    not_in_future(spec.name, value)
    for other, label in spec.not_after:
        later = getattr(case, other)
        if later is not None and value > later:
            raise ValidationError(
                {
                    spec.name: _(
                        "%(field)s (%(value)s) kan niet na %(other)s (%(later)s) "
                        "liggen. Controleer de datum."
                    )
                    % {
                        "field": spec.label,
                        "value": spec.display(value),
                        "other": label,
                        "later": spec.display(later),
                    }
                }
            )
    for other, label in spec.not_before:
        earlier = getattr(case, other)
        if earlier is not None and value < earlier:
            raise ValidationError(
                {
                    spec.name: _(
                        "%(field)s (%(value)s) kan niet vóór %(other)s "
                        "(%(earlier)s) liggen. Controleer de datum."
                    )
                    % {
                        "field": spec.label,
                        "value": spec.display(value),
                        "other": label,
                        "earlier": spec.display(earlier),
                    }
                }
            )


def _reason_required(reason: str, field: str = "reason") -> None:
    if not reason.strip():
        raise ValidationError(
            {field: _("Geef de reden op; die komt in het logboek bij de zaak.")}
        )


def _stored(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


# What follows from a corrected fact and is recomputed with it (the derived
# deadline), when it still has its computed value (a reopened complaint's
# extended term is left alone).
def _complaint_derived(locked, field, old) -> dict:
    if field != "received_at":
        return {}
    if locked.handle_by != add_months_local(old, HANDLE_WITHIN_MONTHS):
        return {}
    new = add_months_local(locked.received_at, HANDLE_WITHIN_MONTHS)
    before, locked.handle_by = locked.handle_by, new
    return {"handle_by": [_stored(before), _stored(new)]}


def _appeal_derived(locked, field, old) -> dict:
    if field != "received_at" or locked.decide_by is None:
        return {}
    days = datetime.timedelta(days=settings.PORTAL_APPEAL_DECISION_DAYS)
    if locked.decide_by != old + days:
        return {}
    before, locked.decide_by = locked.decide_by, locked.received_at + days
    return {"decide_by": [_stored(before), _stored(locked.decide_by)]}


_DERIVED: dict[type, Callable] = {
    Complaint: _complaint_derived,
    Appeal: _appeal_derived,
}


def case_correct(*, case, by, field: str, value, reason: str):
    """Issue 16 (C1, C4, A11): correct a wrongly recorded fact of a complaint or
    an appeal (a date, whether it was formal and written, the channel).

    Only the quality officer corrects (C2: she stays responsible for the
    register): the step's guard. The model field is updated and the logbook
    event ("Gegeven gecorrigeerd") keeps the field, the old and the new value
    and the reason; a deadline computed from a corrected receipt date moves with
    it. A corrected date must be plausible: not in the future, not after a later
    step, not before an earlier one. Correcting an appeal's receipt or channel
    does not change its admissibility by itself: that is re-assessed with
    `appeal_reassess` (the event records what the facts now give).

    Raises PermissionDenied for anyone but the quality officer; ValidationError
    for an unknown field, a missing reason, an unchanged or implausible value,
    or a correction of a satisfaction not yet recorded. Then nothing changes."""
    spec = _spec(type(case), field)
    _reason_required(reason)

    def effect(locked):
        old = getattr(locked, field)
        if spec.is_moment:
            if not isinstance(value, datetime.datetime):
                raise ValidationError({field: _("Vul de juiste datum en tijd in.")})
            if old is None:
                raise ValidationError(
                    {
                        field: _(
                            "%(field)s is nog niet vastgelegd; er is niets te "
                            "corrigeren. Zet daarvoor de gewone stap."
                        )
                        % {"field": spec.label}
                    }
                )
            _plausible(locked, spec, value)
        elif value not in dict(spec.choices):
            raise ValidationError({field: _("Kies een van de mogelijke waarden.")})
        if old == value:
            raise ValidationError(
                {
                    field: _(
                        "De nieuwe waarde is gelijk aan de vastgelegde; er is niets "
                        "te corrigeren."
                    )
                }
            )
        setattr(locked, field, value)
        derived = _DERIVED[type(locked)](locked, field, old)
        data = {
            "field": field,
            "old": _stored(old),
            "new": _stored(value),
            "reason": reason,
            **({"derived": derived} if derived else {}),
        }
        if isinstance(locked, Appeal):
            data["admissibility_now"] = appeal_admissibility(
                decision=locked.decision,
                appellant=locked.appellant,
                channel=locked.channel,
                received_at=locked.received_at,
                motivation=locked.motivation,
            )
        return data

    # The note is written before the lock: read the value it replaces as stored.
    old_display = spec.display(
        type(case).objects.values_list(field, flat=True).get(pk=case.pk)
    )
    note = _("%(field)s: %(old)s → %(new)s. Reden: %(reason)s") % {
        "field": spec.label,
        "old": old_display,
        "new": spec.display(value),
        "reason": reason.strip(),
    }
    return transition_apply(
        case=case, action="correct", by=by, effect=effect, note=note
    )


# -- reopening a closed complaint ------------------------------------------------


def complaint_reopen(*, complaint: Complaint, by, reason: str) -> Complaint:
    """Issue 16 (C2, C6, C8): reopen a closed complaint, back to "in behandeling"
    with its handler, for a stated reason (the client turns out not to be
    satisfied after all, or it was closed by mistake).

    Who: only the quality officer. She stays responsible for registering and
    monitoring every complaint (C2), and closing (C8) is the step that ends the
    register's watch; the handler and the office manager ask her.

    What changes: the closing date is cleared, and so is the recorded
    satisfaction: C8 closes a complaint only when the client said they are
    satisfied, and a complaint reopened is one where that no longer holds, so
    closing again needs the satisfaction recorded anew. C6's handling term (one
    month, counted from receipt) is not reset to hide the overrun: the original
    term stays in the logbook and the lead time counts from receipt. But a term
    already passed would make the reopened complaint overdue from its first
    minute and the handler reminded daily of something they could not yet do, so
    the term becomes one month from the reopening (if that is later); the
    reminders then resume as for any complaint in handling. The logbook event
    keeps the old values (closing date, satisfaction, term) and the reason.

    Raises PermissionDenied for anyone but the quality officer; ValidationError
    without a reason or when the complaint is not closed. Then nothing changes."""
    _reason_required(reason)

    def effect(locked):
        now = timezone.now()
        before = {
            "closed_at": _stored(locked.closed_at),
            "satisfied_at": _stored(locked.satisfied_at),
            "satisfaction_note": locked.satisfaction_note,
            "handle_by": _stored(locked.handle_by),
        }
        locked.closed_at = None
        locked.satisfied_at = None
        locked.satisfaction_note = ""
        locked.handle_by = max(
            locked.handle_by, add_months_local(now, HANDLE_WITHIN_MONTHS)
        )
        return {
            "reason": reason,
            "before": before,
            "handle_by": _stored(locked.handle_by),
        }

    return transition_apply(
        case=complaint, action="reopen", by=by, effect=effect, note=reason.strip()
    )


# -- re-assessing an appeal's admissibility ---------------------------------------

# Why the facts as recorded still make the appeal inadmissible, worded for the
# page (the reasons' display names carry the rule ids).
_STILL_INADMISSIBLE = {
    Appeal.Inadmissible.LATE: gettext_lazy("het is na de beroepstermijn ontvangen"),
    Appeal.Inadmissible.ORAL: gettext_lazy("het is niet schriftelijk ingediend"),
    Appeal.Inadmissible.NOT_HOLDER: gettext_lazy(
        "het is niet ingesteld door de klant om wie de beslissing gaat"
    ),
    Appeal.Inadmissible.NO_MOTIVATION: gettext_lazy("het bevat geen motivering"),
    Appeal.Inadmissible.NOT_SENT: gettext_lazy(
        "het is ontvangen voordat de beslissing per e-mail was verzonden"
    ),
    Appeal.Inadmissible.FINAL: gettext_lazy(
        "tegen deze beslissing is geen beroep meer mogelijk"
    ),
}


def _admissibility(appeal: Appeal) -> str:
    return appeal_admissibility(
        decision=appeal.decision,
        appellant=appeal.appellant,
        channel=appeal.channel,
        received_at=appeal.received_at,
        motivation=appeal.motivation,
    )


def appeal_reassess_refusal(appeal: Appeal) -> str:
    """Why the inadmissible ``appeal`` cannot be re-assessed admissible now, or "":
    the admissibility checks (A2–A5, A12) run on the facts as recorded now. A
    `NotYet` refusal: it lifts once the wrongly recorded fact is corrected."""
    reason = _admissibility(appeal)
    if not reason:
        return ""
    return NotYet(
        _(
            "met de vastgelegde gegevens is het beroep nog steeds niet-ontvankelijk: "
            "%(why)s. Was de ontvangstdatum of het kanaal verkeerd vastgelegd, "
            "corrigeer die dan eerst."
        )
        % {"why": _STILL_INADMISSIBLE.get(reason, reason)}
    )


def appeal_reassess(*, appeal: Appeal, by, note: str = "") -> Appeal:
    """Issue 16 (A2–A5, A11): an appeal registered as inadmissible because of a
    recording error (a wrong receipt date or channel, corrected with
    `case_correct`; or the decision's e-mail time, corrected in the dossier) is
    judged again by `appeal_admissibility` on the facts as recorded now. When it
    passes, it goes back to "ontvangen", the admissible path: its receipt is
    confirmed next (A6). The old reason stays in the logbook.

    Who: whoever keeps the register (as registering it, A11); the correction of
    the fact itself is the quality officer's.

    Until when: only while the inadmissibility has not been told to the
    appellant. Once the letter went out (A3) the appellant has the register's
    answer and the case is closed; the portal does not silently take back what
    was sent. Then the appeal is registered again with the right facts: it is
    judged on them, and the case page links both appeals against the decision.

    Raises PermissionDenied for someone who does not keep the register;
    ValidationError when the appeal still fails a check (nothing changes), or
    when the letter was already sent."""
    current = Appeal.objects.get(pk=appeal.pk)
    if current.state == Appeal.State.CLOSED and current.inadmissible_reason:
        raise ValidationError(
            _(
                "De niet-ontvankelijkheid is al aan de indiener meegedeeld; het "
                "beroep kan daarom niet opnieuw worden beoordeeld. Registreer het "
                "beroep opnieuw met de juiste gegevens: het wordt dan op die "
                "gegevens beoordeeld."
            )
        )

    def effect(locked):
        before = locked.inadmissible_reason
        locked.inadmissible_reason = ""
        locked.term_ends_at = (
            appeal_term_end(locked.decision.emailed_at)
            if locked.decision.emailed_at
            else None
        )
        return {"inadmissible_reason_before": before}

    return transition_apply(
        case=appeal,
        action="reassess",
        by=by,
        effect=effect,
        note=note.strip()
        or _("Opnieuw beoordeeld op de gecorrigeerde gegevens: ontvankelijk."),
    )
