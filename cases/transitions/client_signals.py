"""The client signal's life cycle (S1–S5): reported, then qualified (S3)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Signal
from ..permissions import can_report_signal
from .engine import Opening, Transition
from .guards import quality_officer

G = Signal.State
SIGNAL_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        G.RECEIVED,
        "qualify_complaint",
        G.COMPLAINT,
        _("Kwalificeren als klacht"),
        quality_officer,
        "S3",
    ),
    Transition(
        G.RECEIVED,
        "qualify_not_complaint",
        G.NOT_COMPLAINT,
        _("Kwalificeren als geen klacht"),
        quality_officer,
        "S3",
    ),
)
SIGNAL_ACTIONS = sorted({t.action for t in SIGNAL_TRANSITIONS})

SIGNAL_OPENING = Opening(
    "record", (G.RECEIVED,), _("Signaal melden"), can_report_signal, "S1"
)

# How the logbook names each step, once taken.
SIGNAL_EVENTS = {
    "record": gettext_lazy("Signaal gemeld"),
    "qualify_complaint": gettext_lazy("Gekwalificeerd als klacht"),
    "qualify_not_complaint": gettext_lazy("Gekwalificeerd als geen klacht"),
}
