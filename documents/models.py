import datetime

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.roles import EXTERNAL_MEDIATOR, QUALITY_OFFICER, ROLES

from .blocks import SectionBlock


class PortalDocument(AbstractDocument):
    """A procedure attachment (form, template). Holds its extracted text so the
    search index can find words inside it (filled by the search app)."""

    extracted_text = models.TextField(_("geëxtraheerde tekst"), blank=True)
    extraction_error = models.TextField(_("fout bij tekstextractie"), blank=True)

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documenten")


def _default_review_date():
    return timezone.localdate() + relativedelta(months=12)


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
        max_length=4,
        blank=True,
        help_text=_("JJMM, bijvoorbeeld 2305 voor mei 2023."),
    )
    effective_date = models.DateField(_("ingangsdatum"), default=datetime.date.today)
    review_date = models.DateField(
        _("volgende beoordeling"), default=_default_review_date
    )
    summary = models.TextField(_("samenvatting"), blank=True)
    body = StreamField([("section", SectionBlock())], verbose_name=_("inhoud"))
    change_summary = models.TextField(_("wat is er gewijzigd"), blank=True)
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
                FieldPanel("version_label"),
                FieldPanel("effective_date"),
                FieldPanel("review_date"),
                FieldPanel("is_public"),
            ],
            heading=_("Documentgegevens"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("change_summary"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("code", boost=3),
        index.AutocompleteField("code"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("change_summary"),
        index.FilterField("is_public"),
        index.FilterField("code"),
    ]
    parent_page_types = ["documents.HandbookPage"]
    subpage_types: list[str] = []
    template = "documents/procedure_page.html"

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    @property
    def publicly_visible(self) -> bool:
        return self.is_public

    @property
    def owner_role_name(self) -> str:
        return self.get_owner_role_display()

    def table_of_contents(self) -> list[dict]:
        return [
            {"heading": block.value["heading"], "anchor": self.section_anchor(block)}
            for block in self.body
            if block.block_type == "section"
        ]

    @staticmethod
    def section_anchor(block) -> str:
        return "sectie-" + slugify(block.value["heading"])[:60]
