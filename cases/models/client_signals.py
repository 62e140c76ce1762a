"""Client signals (klantsignalen, S1–S5): what a client said that might be a
complaint. Named for the procedure's word, not for Django's signals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .base import Case, case_search_fields
from .dossier import Client


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
        help_text=_("Een signaal van derden over een gecertificeerde klant."),
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
        _("grond"), max_length=1, choices=Ground.choices, blank=True
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
