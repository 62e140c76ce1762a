import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.formatting import format_date
from portal.roles import EXTERNAL_MEDIATOR, QUALITY_OFFICER, ROLES

from .blocks import SectionBlock
from .forms import ProcedurePageForm
from .permissions import can_manage_quality_system


class PortalDocument(AbstractDocument):
    """A procedure attachment (form, template). Holds its extracted text so the
    search index can find words inside it (filled by the search app)."""

    extracted_text = models.TextField(_("geëxtraheerde tekst"), blank=True)
    extraction_error = models.TextField(_("fout bij tekstextractie"), blank=True)
    # The ``file_hash`` the text was extracted from: extraction runs once per
    # file, again only when the file is replaced (``documents.signals``).
    extracted_file_hash = models.CharField(max_length=40, blank=True, editable=False)
    extracted_at = models.DateTimeField(null=True, blank=True, editable=False)

    admin_form_fields = Document.admin_form_fields

    #: Written only by the extraction (``documents.services``), as a queryset
    #: update: saving an instance loaded before the extraction finished must not
    #: put its stale (empty) text back.
    EXTRACTION_FIELDS = frozenset(
        {"extracted_text", "extraction_error", "extracted_file_hash", "extracted_at"}
    )

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.EXTRACTION_FIELDS
            ]
        super().save(*args, **kwargs)

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documenten")


#: How long a procedure stays valid without a review: the periodic review and
#: every published revision move the next review date this far on.
REVIEW_INTERVAL = relativedelta(months=12)


def _default_review_date():
    return timezone.localdate() + REVIEW_INTERVAL


class HandbookPage(Page):
    """The quality handbook: the index of all procedures."""

    intro = RichTextField(_("inleiding"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["documents.ProcedurePage"]
    template = "documents/handbook_page.html"

    class Meta:
        verbose_name = _("kwaliteitshandboek")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["procedures"] = (
            ProcedurePage.objects.child_of(self).live().order_by("code")
        )
        return context


class ProcedurePage(Page):
    """One quality document (procedure) of the handbook."""

    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Bijvoorbeeld P-07.")
    )
    owner_role = models.CharField(
        _("eigenaar (rol)"),
        max_length=40,
        choices=[(r.code, r.name) for r in ROLES if r.code != EXTERNAL_MEDIATOR],
        default=QUALITY_OFFICER,
    )
    version_label = models.CharField(
        _("versie"),
        max_length=10,
        blank=True,
        help_text=_(
            "JJMM, bijvoorbeeld 2305 voor mei 2023. Wordt bij publicatie gezet."
        ),
    )
    effective_date = models.DateField(_("ingangsdatum"), default=datetime.date.today)
    review_date = models.DateField(
        _("volgende beoordeling"), default=_default_review_date
    )
    summary = models.TextField(_("samenvatting"), blank=True)
    body = StreamField([("section", SectionBlock())], verbose_name=_("inhoud"))
    change_summary = models.TextField(
        _("wat is er gewijzigd"),
        blank=True,
        help_text=_("Verplicht bij elke herziening; de beoordelaars lezen dit."),
    )
    related_procedures = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="referenced_by",
        verbose_name=_("gerelateerde procedures"),
    )
    notify_groups = ParentalManyToManyField(
        "auth.Group",
        blank=True,
        related_name="+",
        verbose_name=_("ook informeren (naast de beoordelaars)"),
        help_text=_("Deze groepen krijgen bij publicatie ook bericht en een leestaak."),
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(
        _("gelezen en begrepen binnen (dagen)"), default=14
    )
    change_request = models.ForeignKey(
        "documents.ChangeRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wijzigingsverzoek"),
        help_text=_("Het wijzigingsverzoek waarvoor deze herziening is."),
    )
    is_public = models.BooleanField(
        _("openbaar"),
        default=False,
        help_text=_(
            "Ook zichtbaar in het openbare gedeelte, zonder inloggen "
            "(verplicht voor de klachten- en beroepsprocedure)."
        ),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldPanel("owner_role"),
                FieldPanel("effective_date"),
                FieldPanel("review_date"),
                FieldPanel("is_public"),
            ],
            heading=_("Documentgegevens"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", heading=_("Bijlagen (formulieren, sjablonen)")),
        FieldPanel("related_procedures"),
        MultiFieldPanel(
            [
                FieldPanel("change_summary"),
                FieldPanel("change_request"),
                FieldPanel("notify_groups"),
                FieldPanel("acknowledge_within_days"),
            ],
            heading=_("Herziening"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("code", boost=3),
        index.AutocompleteField("code"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("change_summary"),
        # The attachments' names and extracted text (issue 6, item 3).
        index.SearchField("attachments_text"),
        index.FilterField("is_public"),
        index.FilterField("code"),
    ]
    parent_page_types = ["documents.HandbookPage"]
    subpage_types: list[str] = []
    template = "documents/procedure_page.html"
    base_form_class = ProcedurePageForm

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    @property
    def publicly_visible(self) -> bool:
        return self.is_public

    @property
    def review_interval(self) -> relativedelta:
        return REVIEW_INTERVAL

    def review_overdue(self, today=None) -> bool:
        """The periodic review date of the live procedure has passed."""
        return bool(self.live and self.review_date) and self.review_date < (
            today or timezone.localdate()
        )

    @property
    def owner_role_name(self) -> str:
        return self.get_owner_role_display()

    def table_of_contents(self) -> list[dict]:
        return [
            {"heading": block.value["heading"], "anchor": self.section_anchor(block)}
            for block in self.body
            if block.block_type == "section"
        ]

    def attachments_text(self) -> str:
        """What search finds of the attachments: label, title and the text
        extracted from the file. Of the live page: a draft's attachments are
        in its revision, not yet in these rows."""
        lines = []
        for attachment in self.attachments.all():
            document = attachment.document
            names = dict.fromkeys(n for n in (attachment.label, document.title) if n)
            name = " – ".join(names)
            text = document.extracted_text
            lines.append(f"Bijlage {name}: {text}" if text else f"Bijlage {name}")
        return "\n".join(lines)

    @staticmethod
    def section_anchor(block) -> str:
        return "sectie-" + slugify(block.value["heading"])[:60]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.reading_context(request))
        return context

    def reading_context(self, request) -> dict:
        """What the page shows around the text: the current and earlier versions,
        attachments, related procedures and what the reader may do. A fixed
        number of queries, however many versions there are."""
        user = request.user
        signed_in = user.is_authenticated
        is_preview = getattr(request, "is_preview", False)
        versions = []
        if self.pk is not None:  # a new page being previewed has none yet
            versions = list(
                self.versions.select_related("change_request__complaint", "approved_by")
                .defer("pdf")
                .order_by("-published_at", "-pk")
            )
        current = versions[0] if versions else None
        my_acknowledgement = None
        if current is not None and signed_in:
            my_acknowledgement = current.acknowledgements.filter(user=user).first()
        related = sorted(
            (
                p
                for p in self.related_procedures.all()
                if p.live and p.pk != self.pk and (signed_in or p.publicly_visible)
            ),
            key=lambda p: p.code,
        )
        return {
            "current_version": current,
            "earlier_versions": versions[1:],
            "my_acknowledgement": my_acknowledgement,
            # Documents are served to logged-in users only (/documenten/).
            "attachments": (
                list(self.attachments.select_related("document")) if signed_in else []
            ),
            "related": related,
            "can_edit": signed_in and self.permissions_for_user(user).can_edit(),
            "is_preview": is_preview,
            # Readers are told when the periodic review is late (the date alone
            # is easily read past); the quality officer gets the way to it.
            "review_overdue": signed_in and not is_preview and self.review_overdue(),
            "can_review": signed_in and can_manage_quality_system(user),
            # A revision in preview takes effect on the day it is published
            # unless the editor chose a later day (services.effective_date_for).
            "effective_on_publication": is_preview
            and current is not None
            and not (
                self.effective_date and self.effective_date > current.effective_date
            ),
        }


class ProcedureAttachment(Orderable):
    page = ParentalKey(
        ProcedurePage, on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("document"),
    )
    label = models.CharField(_("omschrijving"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")


class ProcedureVersion(models.Model):
    """One published version of a procedure: its label (YYMM), the revision it is,
    what changed and why, and its controlled PDF (rendered once: a published
    revision never changes, so neither does its PDF)."""

    page = models.ForeignKey(
        ProcedurePage,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("procedure"),
    )
    revision = models.OneToOneField(
        "wagtailcore.Revision",
        on_delete=models.PROTECT,
        related_name="procedure_version",
    )
    version_label = models.CharField(_("versie"), max_length=10)
    title = models.CharField(_("titel"), max_length=255)
    effective_date = models.DateField(_("ingangsdatum"))
    change_summary = models.TextField(_("wat is er gewijzigd"), blank=True)
    change_request = models.ForeignKey(
        "documents.ChangeRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("naar aanleiding van"),
    )
    published_at = models.DateTimeField(_("gepubliceerd op"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gepubliceerd door"),
    )
    # Who approved the revision in the workflow, when, and what they wrote with
    # it (the approving task state); a version published without the workflow
    # was approved by whoever published it (publish permission is management's).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goedgekeurd door"),
    )
    approved_by_name = models.CharField(
        _("goedgekeurd door (naam)"), max_length=150, blank=True
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    approval_comment = models.TextField(_("toelichting bij goedkeuring"), blank=True)
    pdf = models.BinaryField(_("gecontroleerde PDF"), blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("procedureversie")
        verbose_name_plural = _("procedureversies")
        ordering = ["page", "-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "version_label"], name="procedure_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.page.code} versie {self.version_label}"

    @property
    def approver_name(self) -> str:
        """The approver as recorded: the name kept with the version, so that it
        stays on the record (and the controlled PDF) if the account goes."""
        if self.approved_by_name:
            return self.approved_by_name
        if self.approved_by is not None:
            return self.approved_by.get_full_name() or self.approved_by.get_username()
        return ""


class ReadAcknowledgement(models.Model):
    """C10: an assessor (or another informed person) confirms they read and
    understood a published version ("Gelezen en begrepen")."""

    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
        verbose_name=_("versie"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="read_acknowledgements",
        verbose_name=_("medewerker"),
    )
    due_on = models.DateField(_("uiterlijk"))
    acknowledged_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("leesbevestiging")
        verbose_name_plural = _("leesbevestigingen")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"], name="acknowledgement_once_per_version"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.version}"

    def is_overdue(self, today=None) -> bool:
        return (
            self.acknowledged_at is None
            and (today or timezone.localdate()) > self.due_on
        )


class ChangeRequest(models.Model):
    """C10: a complaint showed a weakness in the quality system; the quality officer
    names the procedures to change and why. Closed when all are published."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("afgerond")

    complaint = models.ForeignKey(
        "cases.Complaint",
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("klacht"),
    )
    procedures = models.ManyToManyField(
        ProcedurePage, related_name="change_requests", verbose_name=_("procedures")
    )
    reason = models.TextField(_("wat moet er veranderen en waarom"))
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("geopend door"),
    )
    opened_at = models.DateTimeField(_("geopend op"), auto_now_add=True)
    closed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)

    class Meta:
        verbose_name = _("wijzigingsverzoek")
        verbose_name_plural = _("wijzigingsverzoeken")
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"{self.complaint.number}: " + ", ".join(
            p.code for p in self.procedures.all()
        )


class ProcedureReview(models.Model):
    """Periodic review: "geen wijziging nodig" moves the review date on."""

    page = models.ForeignKey(
        ProcedurePage,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("procedure"),
    )
    reviewed_at = models.DateTimeField(_("beoordeeld op"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beoordeeld door"),
    )
    note = models.TextField(_("toelichting"), blank=True)
    next_review_date = models.DateField(_("volgende beoordeling"))

    class Meta:
        verbose_name = _("periodieke beoordeling")
        verbose_name_plural = _("periodieke beoordelingen")
        ordering = ["-reviewed_at"]

    def __str__(self):
        return f"{self.page.code} {format_date(self.reviewed_at, year=True)}"
