"""The case register (Casusregister): numbering, the logbook, signals and appeals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .. import kinds
from .base import Case, RegisteredCase, case_search_fields
from .dossier import CertificationDecision, Client


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


class Appeal(RegisteredCase):
    """A formal objection to a certification decision (A1–A12)."""

    PREFIX = "B"

    class Channel(models.TextChoices):
        LETTER = "letter", _("brief")
        EMAIL = "email", _("e-mail")
        WEB_FORM = "web_form", _("webformulier")
        PHONE = "phone", _("telefoon")
        IN_PERSON = "in_person", _("mondeling")

    # A3: only letter and e-mail are named. The web form is treated as written: it
    # is a typed, dated text the appellant sends themselves, like an e-mail.
    WRITTEN_CHANNELS = frozenset({Channel.LETTER, Channel.EMAIL, Channel.WEB_FORM})

    class State(models.TextChoices):
        RECEIVED = "received", _("ontvangen")
        INADMISSIBLE = "inadmissible", _("niet-ontvankelijk")
        ACKNOWLEDGED = "acknowledged", _("ontvangst bevestigd")
        ASSIGNED = "assigned", _("in behandeling")
        DECIDED = "decided", _("besloten")
        CLOSED = "closed", _("afgesloten")

    class Inadmissible(models.TextChoices):
        LATE = "late", _("te laat (A2)")
        ORAL = "oral", _("niet schriftelijk (A3)")
        NOT_HOLDER = "not_holder", _("niet de certificaathouder of aanvrager (A4)")
        NO_MOTIVATION = "no_motivation", _("geen motivering (A5)")
        NOT_SENT = "not_sent", _("beslissing nog niet per e-mail verzonden (A2)")
        FINAL = "final", _("geen hoger beroep mogelijk (A12)")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("beslissing blijft in stand")
        CHANGED = "changed", _("beslissing gewijzigd")

    decision = models.ForeignKey(
        CertificationDecision,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("bestreden beslissing"),
    )
    appellant = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("indiener"),
    )
    channel = models.CharField(
        _("ontvangen via"), max_length=20, choices=Channel.choices
    )
    received_at = models.DateTimeField(_("ontvangen op"))
    motivation = models.TextField(_("motivering van het beroep"), blank=True)
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    inadmissible_reason = models.CharField(
        _("reden niet-ontvankelijk"),
        max_length=20,
        choices=Inadmissible.choices,
        blank=True,
    )
    term_ends_at = models.DateTimeField(_("beroepstermijn tot"), null=True, blank=True)
    decide_by = models.DateTimeField(_("streefdatum besluit"), null=True, blank=True)
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_appeals",
        verbose_name=_("behandelend certificatiebeslisser"),
    )
    acknowledged_at = models.DateTimeField(
        _("ontvangst bevestigd op"), null=True, blank=True
    )
    outcome = models.CharField(
        _("uitkomst"), max_length=20, choices=Outcome.choices, blank=True
    )
    outcome_motivation = models.TextField(_("motivering van de uitkomst"), blank=True)
    new_decision = models.OneToOneField(
        CertificationDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resulting_from_appeal",
        verbose_name=_("nieuwe beslissing"),
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    outcome_sent_at = models.DateTimeField(
        _("uitkomst verzonden op"), null=True, blank=True
    )

    search_fields = case_search_fields(
        index.SearchField("motivation"),
        index.SearchField("outcome_motivation"),
        index.RelatedFields("appellant", [index.SearchField("name")]),
        filters=("appellant", "decider", "received_at"),
    )

    class Meta:
        verbose_name = _("beroep")
        verbose_name_plural = _("beroepen")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.number} {self.appellant}"

    @property
    def client(self) -> Client:
        return self.appellant

    @property
    def client_id(self) -> int:
        return self.appellant_id


class Signal(Case):
    """A client signal (klantsignaal, S1–S5): anything a client said that might be a
    complaint. The quality officer qualifies it within 48 hours (S3)."""

    PREFIX = "S"

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        LETTER = "letter", _("brief")
        PHONE = "phone", _("telefoon")
        IN_PERSON = "in_person", _("persoonlijk (bijv. evaluatie na een onderzoeksdag)")
        EVALUATION_FORM = "evaluation_form", _("opdracht-evaluatieformulier")
        WEB_FORM = "web_form", _("webformulier")

    class State(models.TextChoices):
        RECEIVED = "received", _("te kwalificeren")
        COMPLAINT = "complaint", _("klacht")
        NOT_COMPLAINT = "not_complaint", _("geen klacht")

    class Ground(models.TextChoices):
        # S2 (a), (b), (c)
        LABELLED = "a", _("(a) brief of e-mail duidelijk als klacht gelabeld")
        ORAL = "b", _("(b) mondeling of telefonisch ongenoegen geuit")
        EVALUATION = (
            "c",
            _("(c) evaluatieformulier met opmerkingen die op ongenoegen wijzen"),
        )

    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signals",
        verbose_name=_("klant"),
    )
    about_certificate_holder = models.BooleanField(
        _("gaat over een certificaathouder"),
        default=False,
        help_text=_("Een signaal van derden over een gecertificeerde klant (S4, C9)."),
    )
    channel = models.CharField(
        _("ontvangen via"), max_length=20, choices=Channel.choices
    )
    received_at = models.DateTimeField(_("ontvangen op"))
    description = models.TextField(_("wat zei de klant"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reported_signals",
        verbose_name=_("gemeld door"),
    )
    reported_at = models.DateTimeField(_("gemeld op"), auto_now_add=True)
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    decide_by = models.DateTimeField(_("kwalificeren uiterlijk"))
    ground = models.CharField(
        _("grond (S2)"), max_length=1, choices=Ground.choices, blank=True
    )
    qualification_reason = models.TextField(_("toelichting kwalificatie"), blank=True)
    qualified_at = models.DateTimeField(_("gekwalificeerd op"), null=True, blank=True)
    qualified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gekwalificeerd door"),
    )

    search_fields = case_search_fields(
        index.SearchField("description"),
        index.AutocompleteField("description"),
        index.SearchField("qualification_reason"),
        filters=("client", "reported_by", "received_at"),
    )

    class Meta:
        verbose_name = _("klantsignaal")
        verbose_name_plural = _("klantsignalen")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.number} {self.client or ''}".strip()

    def is_overdue(self, now=None) -> bool:
        """S3: undecided 48 hours after receipt."""
        from django.utils import timezone

        return (
            self.state == self.State.RECEIVED
            and (now or timezone.now()) > self.decide_by
        )


class CaseEvent(models.Model):
    """The logbook (E6, C4, A11): append-only, one row per step of a case."""

    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    signal = models.ForeignKey(
        Signal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    complaint = models.ForeignKey(
        "cases.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    mediation = models.ForeignKey(
        "cases.Mediation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
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

    ACTION_LABELS = {
        "lodge": _("Beroep geregistreerd"),
        "acknowledge": _("Ontvangst bevestigd"),
        "assign_decider": _("Behandelaar aangewezen"),
        "decide": _("Uitkomst vastgelegd"),
        "send_outcome": _("Uitkomst verzonden"),
        "send_inadmissibility": _("Niet-ontvankelijkheid meegedeeld"),
        "record": _("Signaal gemeld"),
        "qualify_complaint": _("Gekwalificeerd als klacht"),
        "qualify_not_complaint": _("Gekwalificeerd als geen klacht"),
        "register": _("Klacht geregistreerd"),
        "open": _("Mediation geregistreerd"),
        "assign_handler": _("Behandelaar aangewezen"),
        "update_handling": _("Behandelgegevens bijgewerkt"),
        "record_satisfaction": _("Tevredenheid klant vastgelegd"),
        "send_outcome_letter": _("Uitkomst meegedeeld"),
        "close": _("Afgesloten"),
        "escalate": _("Voorgelegd aan mediation"),
        "decide_anonymised": _("Besluit geanonimiseerd bespreken (C5)"),
        "inform_parties": _("Certificaathouder en teamleider geïnformeerd (C9)"),
        "decide_follow_up": _("Vervolg besloten (C9)"),
        "propose": _("Drie notarissen voorgesteld"),
        "choose": _("Keuze eiser vastgelegd"),
        "consent": _("Toestemming beide partijen; inzage notaris"),
        "record_session": _("Sessie vastgelegd"),
        "evaluate": _("Uitkomst en evaluatie vastgelegd"),
        "withdraw": _("Ingetrokken"),
        "inform_claimant": _("Eiser geïnformeerd"),
        "note": _("Notitie"),
        "letter": _("Brief verzonden"),
        "upload": _("Bestand toegevoegd"),
    }

    def __str__(self):
        return f"{self.at:%d-%m-%Y %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))

    def _kind(self):
        """The registered kind whose case this event belongs to (its field is
        named after the kind, cases.kinds)."""
        for kind in kinds.all_kinds():
            if getattr(self, f"{kind.key}_id", None):
                return kind
        return None

    @property
    def case(self):
        kind = self._kind()
        return getattr(self, kind.key) if kind is not None else None

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
