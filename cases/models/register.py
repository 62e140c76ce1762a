"""The case register (Casusregister): numbering, the logbook, reminders sent."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.formatting import format_moment

from .. import kinds


class CaseNumberCounter(models.Model):
    """The last number handed out per case type and year; incremented inside the
    transaction that registers the case, so numbers are gap-free (a rolled-back
    registration gives its number back) and unique under concurrency."""

    prefix = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="case_counter_prefix_year_unique"
            )
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


class CaseEvent(models.Model):
    """The logbook (E6, C4, A11): append-only, one row per step of a case.

    The case is any registered kind (``cases.kinds``), reached generically, so a
    new kind needs no field here; each case has ``case.events``, and the logbook
    can be queried by kind (``CaseEvent.objects.filter(complaint=...)``). A case
    with a logbook is never deleted (``cases.apps``: the logbook is the record)."""

    case_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    action = models.CharField(_("stap"), max_length=40)
    from_state = models.CharField(_("van status"), max_length=20, blank=True)
    to_state = models.CharField(_("naar status"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True)
    note = models.TextField(_("toelichting"), blank=True)
    claimant_informed_at = models.DateTimeField(
        _("indiener geïnformeerd op"), null=True, blank=True
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("logboekregel")
        verbose_name_plural = _("logboek")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["case_type", "case_id"], name="caseevent_case_idx")
        ]

    # Steps every kind shares; each kind names its own in its registry entry
    # (cases.kinds: event_labels, beside its transition table).
    ACTION_LABELS = {
        "close": _("Afgesloten"),
        "note": _("Notitie"),
        "letter": _("Brief verzonden"),
        "upload": _("Bestand toegevoegd"),
    }

    def __str__(self):
        return f"{format_moment(self.at, year=True)} {self.action}"

    @property
    def action_label(self) -> str:
        kind = self._kind()
        label = kind.event_labels.get(self.action) if kind is not None else None
        return str(label or self.ACTION_LABELS.get(self.action, self.action))

    def _kind(self):
        """The registered kind whose case this event belongs to (content types
        are cached, so this costs no query once warm)."""
        model = ContentType.objects.get_for_id(self.case_type_id).model_class()
        return kinds.kind_of(model) if kinds.is_case_model(model) else None

    def _state_label(self, state: str) -> str:
        kind = self._kind()
        return kind.state_label(state) if kind is not None else state

    @property
    def from_state_label(self) -> str:
        return self._state_label(self.from_state)

    @property
    def to_state_label(self) -> str:
        return self._state_label(self.to_state)


class ReminderSent(models.Model):
    """One reminder per case, recipient and day: makes `send_reminders` idempotent
    per day when cron runs it more than once."""

    case_number = models.CharField(max_length=20)
    recipient = models.EmailField()
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case_number", "recipient", "day"],
                name="reminder_once_per_case_recipient_day",
            )
        ]

    def __str__(self):
        return f"{self.case_number} → {self.recipient} ({self.day})"
