"""Complaints (C1–C10)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .base import RegisteredCase, case_search_fields
from .client_signals import Signal
from .dossier import Audit, Client


class Complaint(RegisteredCase):
    """A signal the quality officer qualified as a complaint (klacht), registered
    with the C1 data and handled by a core-group member not involved in it (C2)."""

    PREFIX = "K"

    class State(models.TextChoices):
        REGISTERED = "registered", _("geregistreerd")
        IN_PROGRESS = "in_progress", _("in behandeling")
        ESCALATED = "escalated", _("voorgelegd aan mediation")
        CLOSED = "closed", _("afgesloten")

    class About(models.TextChoices):
        ORGANISATION = "organisation", _("de eigen organisatie")
        CERTIFICATE_HOLDER = "certificate_holder", _("een certificaathouder")

    class FollowUp(models.TextChoices):
        # C9: management decides.
        SPECIAL_AUDIT = "special_audit", _("Speciaal Onderzoek")
        NEXT_REGULAR = "next_regular", _("meenemen in het volgende reguliere onderzoek")

    signal = models.OneToOneField(
        Signal,
        on_delete=models.PROTECT,
        related_name="complaint",
        verbose_name=_("klantsignaal"),
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("klant"),
    )
    complainant = models.CharField(
        _("indiener"),
        max_length=200,
        blank=True,
        help_text=_("Alleen invullen als de indiener niet de klant zelf is."),
    )
    about = models.CharField(
        _("klacht over"),
        max_length=20,
        choices=About.choices,
        default=About.ORGANISATION,
    )
    received_at = models.DateTimeField(_("datum klacht"))
    formal_written = models.BooleanField(
        _("formeel schriftelijk ingediend"),
        default=False,
        help_text=_("Dan krijgt de klant een ontvangstbevestiging en de uitkomst."),
    )
    description = models.TextField(_("korte omschrijving"))
    cause_analysis = models.TextField(_("oorzaakanalyse"), blank=True)
    references = models.TextField(
        _("verwijzingen naar procedures en documenten"), blank=True
    )
    handling_notes = models.TextField(_("behandelgegevens"), blank=True)
    involved_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="involved_in_complaints",
        verbose_name=_("direct betrokken medewerkers"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_complaints",
        verbose_name=_("behandelaar"),
    )
    handle_by = models.DateTimeField(_("afhandelen uiterlijk"))
    acknowledged_at = models.DateTimeField(
        _("ontvangst bevestigd op"), null=True, blank=True
    )
    solution = models.TextField(_("gekozen oplossing en afhandeling"), blank=True)
    outcome_sent_at = models.DateTimeField(
        _("uitkomst meegedeeld op"), null=True, blank=True
    )
    satisfied_at = models.DateTimeField(
        _("klant tevreden verklaard op"), null=True, blank=True
    )
    satisfaction_note = models.TextField(
        _("hoe de klant tevredenheid uitte"), blank=True
    )
    measures = models.TextField(_("genomen maatregelen"), blank=True)
    lessons_learned = models.TextField(_("geleerde lessen"), blank=True)
    leads_to_change = models.BooleanField(
        _("leidt tot wijziging van het kwaliteitssysteem"), default=False
    )
    change_note = models.TextField(_("welke wijziging"), blank=True)
    discuss_anonymised = models.BooleanField(
        _("geanonimiseerd bespreken met beoordelaars"), null=True, blank=True
    )
    anonymised_summary = models.TextField(
        _("geanonimiseerde samenvatting voor beoordelaars"), blank=True
    )
    # C9
    holder_informed_at = models.DateTimeField(
        _("certificaathouder geïnformeerd op"), null=True, blank=True
    )
    team_leader_informed_at = models.DateTimeField(
        _("teamleider geïnformeerd op"), null=True, blank=True
    )
    follow_up = models.CharField(
        _("vervolg"), max_length=20, choices=FollowUp.choices, blank=True
    )
    follow_up_decided_at = models.DateTimeField(
        _("vervolg besloten op"), null=True, blank=True
    )
    special_audit = models.OneToOneField(
        Audit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="from_complaint",
        verbose_name=_("Speciaal Onderzoek"),
    )
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)

    search_fields = case_search_fields(
        index.SearchField("description", boost=2),
        index.AutocompleteField("description"),
        index.SearchField("cause_analysis"),
        index.SearchField("measures"),
        index.SearchField("lessons_learned"),
        index.SearchField("solution"),
        index.RelatedFields("client", [index.SearchField("name")]),
        filters=("client", "handler", "received_at"),
    )

    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.REGISTERED
    )

    class Meta:
        verbose_name = _("klacht")
        verbose_name_plural = _("klachten")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.number} {self.client}"

    @property
    def about_certificate_holder(self) -> bool:
        return self.about == self.About.CERTIFICATE_HOLDER

    def is_overdue(self, now=None) -> bool:
        """C6: still open a month after receipt."""
        from django.utils import timezone

        return (
            self.state
            in (
                self.State.REGISTERED,
                self.State.IN_PROGRESS,
            )
            and (now or timezone.now()) > self.handle_by
        )
