"""Escalation to mediation (E1–E6) and the register of mediation notaries (E2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .base import RegisteredCase, case_search_fields
from .complaints import Complaint
from .dossier import CertificationDecision, Client, Province


class Notary(models.Model):
    """A notary specialised in mediation (E2), with the ties they declared."""

    name = models.CharField(_("naam"), max_length=200)
    firm = models.CharField(_("kantoor"), max_length=200)
    region = models.CharField(_("provincie"), max_length=2, choices=Province.choices)
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    mediation_specialised = models.BooleanField(
        _("gespecialiseerd in mediation"), default=True
    )
    active = models.BooleanField(_("beschikbaar"), default=True)
    tied_to_organisation = models.BooleanField(
        _("heeft een directe band met onze organisatie"), default=False
    )
    tied_clients = models.ManyToManyField(
        Client,
        blank=True,
        related_name="tied_notaries",
        verbose_name=_("klanten met een directe band"),
    )
    ties_note = models.TextField(_("toelichting op banden"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notary",
        verbose_name=_("portaalaccount"),
        help_text=_("Nodig om na toestemming het dossier in te zien."),
    )

    class Meta:
        verbose_name = _("mediation-notaris")
        verbose_name_plural = _("mediation-notarissen")
        ordering = ["region", "name"]

    def __str__(self):
        return f"{self.name} ({self.firm}, {self.get_region_display()})"


class Mediation(RegisteredCase):
    """Escalation of a complaint or a contested decision to an external mediator
    (E1–E6). The outcome does not bind either party (E1, E5)."""

    PREFIX = "M"

    class State(models.TextChoices):
        ESCALATED = "escalated", _("geëscaleerd")
        PROPOSED = "proposed", _("drie notarissen voorgesteld")
        CHOSEN = "chosen", _("notaris gekozen")
        CONSENTED = "consented", _("toestemming beide partijen")
        SESSION_HELD = "session_held", _("sessie gehouden")
        EVALUATED = "evaluated", _("geëvalueerd")
        CLOSED = "closed", _("afgesloten")

    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("klacht"),
    )
    decision = models.ForeignKey(
        CertificationDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("betwiste beslissing"),
    )
    claimant = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="mediations",
        verbose_name=_("eiser"),
    )
    reason = models.TextField(_("waarom geen oplossing werd gevonden"))
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.ESCALATED
    )
    proposed = models.ManyToManyField(
        Notary,
        blank=True,
        related_name="proposed_in",
        verbose_name=_("voorgestelde notarissen"),
    )
    proposed_at = models.DateTimeField(_("voorgesteld op"), null=True, blank=True)
    notary = models.ForeignKey(
        Notary,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("gekozen notaris"),
    )
    claimant_consent_at = models.DateTimeField(
        _("toestemming eiser op"), null=True, blank=True
    )
    organisation_consent_at = models.DateTimeField(
        _("toestemming organisatie op"), null=True, blank=True
    )
    access_until = models.DateTimeField(_("inzage notaris tot"), null=True, blank=True)
    # E4: besides the complaints and appeals procedure, the notary reads the
    # procedures the dispute is about. Kept by code, as `procedure_version` is:
    # the register does not depend on the quality documents' models.
    procedure_codes = models.JSONField(
        _("procedures die op het geschil van toepassing zijn"),
        default=list,
        blank=True,
        help_text=_(
            "Codes van de procedures die de notaris naast de klachten- en "
            "beroepsprocedure mag inzien, bijvoorbeeld P-03."
        ),
    )
    expected_duration = models.CharField(
        _("verwachte duur (volgens notaris)"), max_length=200, blank=True
    )
    session_at = models.DateTimeField(_("sessie op"), null=True, blank=True)
    outcome = models.TextField(_("uitkomst (niet bindend)"), blank=True)
    evaluation = models.TextField(_("evaluatie"), blank=True)
    actions = models.TextField(_("acties van de organisatie"), blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)

    search_fields = case_search_fields(
        index.SearchField("reason"),
        index.AutocompleteField("reason"),
        index.SearchField("outcome"),
        index.SearchField("evaluation"),
        index.SearchField("actions"),
        index.RelatedFields("claimant", [index.SearchField("name")]),
        filters=("claimant", "registered_at"),
    )

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        ordering = ["-registered_at", "-pk"]

    def __str__(self):
        return f"{self.number} {self.claimant}"

    @property
    def received_at(self):
        return self.registered_at

    @property
    def client(self) -> Client:
        return self.claimant

    @property
    def client_id(self) -> int:
        return self.claimant_id
