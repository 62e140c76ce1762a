from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from . import hooks
from .dashboard import panels_for
from .roles import ROLES_BY_NAME


class User(AbstractUser):
    """The portal's user. Custom from the first migration so it can grow later."""

    function = models.CharField(
        _("functie"),
        max_length=120,
        blank=True,
        default="",
        # Rows written by code that predates the field (migration tests,
        # historical models) still get an empty function.
        db_default="",
        help_text=_(
            "Staat in brieven onder de naam van deze medewerker, bijvoorbeeld: "
            "Portefeuillehouder kwaliteit."
        ),
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_codes(self) -> list[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            names = self.groups.values_list("name", flat=True)
            cached = self._role_codes = sorted(
                ROLES_BY_NAME[n] for n in names if n in ROLES_BY_NAME
            )
        return cached

    def has_role(self, code: str) -> bool:
        return code in self.role_codes


@register_setting(icon="site")
class OrganisationSettings(BaseGenericSetting):
    name = models.CharField(_("naam organisatie"), max_length=120, default="CIIO")
    full_name = models.CharField(
        _("volledige naam"),
        max_length=255,
        blank=True,
        help_text=_("Zoals in brieven en op gecontroleerde kopieën."),
    )
    email = models.EmailField(_("e-mailadres kwaliteitszaken"), blank=True)
    address = models.TextField(
        _("postadres"),
        blank=True,
        help_text=_(
            "Zoals in het briefhoofd, een regel per adresregel, bijvoorbeeld: "
            "Postbus 123 / 3500 AA Utrecht."
        ),
    )
    phone = models.CharField(_("telefoonnummer"), max_length=40, blank=True)
    website = models.CharField(
        _("website"),
        max_length=120,
        blank=True,
        help_text=_("Zoals in het briefhoofd, bijvoorbeeld: www.ciio.nl."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Staat in het briefhoofd. Zonder logo toont de brief de naam van de "
            "organisatie als beeldmerk."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("full_name"),
        FieldPanel("logo"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("website"),
        FieldPanel("address"),
    ]

    class Meta:
        verbose_name = _("organisatie")


class HomePage(Page):
    """The dashboard every member of staff lands on after logging in."""

    intro = RichTextField(_("welkomsttekst"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["documents.HandbookPage", "portal.PublicIndexPage"]
    max_count = 1
    template = "portal/home_page.html"

    class Meta:
        verbose_name = _("startpagina")

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        context["panels"] = panels_for(request)
        return context


class PublicIndexPage(Page):
    """The public section: the only pages an anonymous visitor may open."""

    intro = RichTextField(_("inleiding"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "portal/public_index_page.html"
    publicly_visible = True

    class Meta:
        verbose_name = _("openbaar gedeelte")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The quality documents say what is public (portal.hooks).
        context["procedures"] = list(hooks.collect(hooks.PUBLIC_DOCUMENTS))
        return context
