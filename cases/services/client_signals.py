"""Client signals (S1–S5): recorded by anyone, qualified by the quality officer."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Signal
from ..permissions import can_report_signal, is_quality_officer
from ..transitions import case_open, transition_apply
from .dates import not_in_future

QUALIFY_WITHIN = datetime.timedelta(hours=48)  # S3


def signal_record(
    *,
    by,
    channel: str,
    received_at: datetime.datetime,
    description: str,
    client=None,
    about_certificate_holder: bool = False,
) -> Signal:
    """S1/S5: anyone working for the organisation passes a client signal on; the
    48-hour qualification deadline (S3) starts when the signal comes to the
    quality officer's attention (`attention_at`).

    Raises PermissionDenied for a user without a role; ValidationError for an empty
    description or a receipt time in the future."""
    if not can_report_signal(by):
        raise PermissionDenied(
            _("Alleen medewerkers met een rol kunnen signalen melden.")
        )
    if not description.strip():
        raise ValidationError(
            {"description": _("Beschrijf wat de klant zei of schreef.")}
        )
    # The signal is where a case begins: there is no earlier date of its own.
    not_in_future(
        "received_at",
        received_at,
        label=_("Het moment waarop de klant het zei of schreef"),
    )
    signal = Signal(
        client=client,
        about_certificate_holder=about_certificate_holder,
        channel=channel,
        received_at=received_at,
        description=description,
        reported_by=by,
        decide_by=attention_at(by, received_at) + QUALIFY_WITHIN,
    )
    return case_open(case=signal, by=by, year=timezone.localtime(received_at).year)


def attention_at(by, received_at: datetime.datetime) -> datetime.datetime:
    """S3: the 48 hours run from "het ter attentie komen" of the signal to the
    quality officer, not from when the client spoke. A signal comes to her
    attention when it is passed on in the portal (S1: everyone passes signals on
    to her; the portal shows it on her dashboard at once), so that is the start;
    when she records a signal herself, she heard it at receipt. A colleague who
    passes a signal on two days late thus does not make it overdue on arrival."""
    if is_quality_officer(by):
        return received_at
    return max(received_at, timezone.now())


def signal_qualify(
    *, signal: Signal, by, is_complaint: bool, reason: str, ground: str = ""
) -> Signal:
    """S2/S3: the quality officer decides whether the signal is handled as a
    complaint, on which ground of S2 (a, b or c), and why. The decision and its time
    are recorded. Raises PermissionDenied for anyone else, ValidationError without a
    reason, or a complaint without a ground."""

    def effect(locked):
        if not reason.strip():
            raise ValidationError(
                {"qualification_reason": _("Licht de beslissing kort toe.")}
            )
        if is_complaint and ground not in Signal.Ground.values:
            raise ValidationError(
                {"ground": _("Kies de grond (a, b of c) waarop het een klacht is.")}
            )
        locked.ground = ground if is_complaint else ""
        locked.qualification_reason = reason
        locked.qualified_at = timezone.now()
        locked.qualified_by = by

    action = "qualify_complaint" if is_complaint else "qualify_not_complaint"
    return transition_apply(
        case=signal, action=action, by=by, effect=effect, note=reason
    )
