"""Appeals against certification decisions (A1–A12)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .base import RegisteredCase, case_search_fields
from .dossier import CertificationDecision, Client


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
        LATE = "late", _("te laat")
        ORAL = "oral", _("niet schriftelijk")
        NOT_HOLDER = "not_holder", _("niet de certificaathouder of aanvrager")
        NO_MOTIVATION = "no_motivation", _("geen motivering")
        NOT_SENT = "not_sent", _("beslissing nog niet per e-mail verzonden")
        FINAL = "final", _("geen hoger beroep mogelijk")

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
