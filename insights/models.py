"""The records of management information (C11).

A core-group meeting keeps, per case it discussed, that it was discussed and what
was concluded; the annual management review keeps management's reflection and,
once approved, the figures as they were (frozen: later edits of cases do not
change it). Cases are named by their kind's key in the registry (``cases.kinds``)
and their primary key, so every kind of case can be discussed without a foreign
key per kind here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.formatting import format_date


def _evidence_storage():
    return storages["evidence"]


class CoreGroupMeeting(models.Model):
    """A meeting of the core group; its standing agenda item is client
    satisfaction (C11): the complaints, the measures taken, the lessons learned."""

    held_on = models.DateField(_("datum"))
    period_start = models.DateField(
        _("besproken periode vanaf"),
        null=True,
        blank=True,
        help_text=_("Leeg bij de eerste bijeenkomst: dan telt alles tot de datum."),
    )
    location = models.CharField(_("plaats"), max_length=120, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="core_group_meetings",
        verbose_name=_("aanwezigen"),
        blank=True,
    )
    satisfaction_notes = models.TextField(
        _("klanttevredenheid: bespreking"), blank=True
    )
    decisions = models.TextField(_("besluiten en acties"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aangemaakt door"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    minutes_fixed_at = models.DateTimeField(
        _("notulen vastgesteld op"), null=True, blank=True
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("kerngroepbijeenkomst")
        verbose_name_plural = _("kerngroepbijeenkomsten")

    def __str__(self) -> str:
        return f"Kerngroepbijeenkomst {format_date(self.held_on, year=True)}"


class MeetingCase(models.Model):
    """One case on a meeting's agenda: why it is there, whether it was discussed
    and what was concluded."""

    class Section(models.TextChoices):
        RECEIVED = "received", _("ontvangen")
        OPEN = "open", _("nog open")
        CLOSED = "closed", _("afgesloten")

    meeting = models.ForeignKey(
        CoreGroupMeeting, on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("soort"), max_length=30)
    case_id = models.PositiveIntegerField()
    number = models.CharField(_("nummer"), max_length=20)
    section = models.CharField(
        _("op de agenda als"), max_length=10, choices=Section.choices
    )
    discussed = models.BooleanField(_("besproken"), default=False)
    conclusion = models.TextField(_("conclusie"), blank=True)

    class Meta:
        ordering = ["kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "case_id"], name="one_item_per_case"
            )
        ]
        indexes = [models.Index(fields=["kind", "case_id"])]
        verbose_name = _("besproken casus")
        verbose_name_plural = _("besproken casussen")

    def __str__(self) -> str:
        return self.number


class ManagementReview(models.Model):
    """The annual management review (directiebeoordeling) of a year: figures
    generated from the register, management's reflection and decisions as text,
    frozen once approved."""

    year = models.PositiveSmallIntegerField(_("jaar"), unique=True)
    reflection = models.TextField(_("reflectie van de directie"), blank=True)
    decisions = models.TextField(_("besluiten en acties"), blank=True)
    # The figures as approved (``insights.figures``), None while a draft: a draft
    # always shows the register as it is now.
    frozen_figures = models.JSONField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goedgekeurd door"),
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    # Kept with the evidence, outside the media URL space: only the review's
    # own view serves it, to whoever may read the reviews.
    pdf = models.FileField(
        _("vastgestelde versie (pdf)"),
        upload_to="directiebeoordeling/",
        storage=_evidence_storage,
        blank=True,
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("directiebeoordeling")
        verbose_name_plural = _("directiebeoordelingen")

    def __str__(self) -> str:
        return f"Directiebeoordeling {self.year}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None
