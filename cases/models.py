from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class Province(models.TextChoices):
    # E2: mediators are chosen from the claimant's region.
    DRENTHE = "DR", "Drenthe"
    FLEVOLAND = "FL", "Flevoland"
    FRIESLAND = "FR", "Friesland"
    GELDERLAND = "GE", "Gelderland"
    GRONINGEN = "GR", "Groningen"
    LIMBURG = "LI", "Limburg"
    NOORD_BRABANT = "NB", "Noord-Brabant"
    NOORD_HOLLAND = "NH", "Noord-Holland"
    OVERIJSSEL = "OV", "Overijssel"
    UTRECHT = "UT", "Utrecht"
    ZEELAND = "ZE", "Zeeland"
    ZUID_HOLLAND = "ZH", "Zuid-Holland"


class Client(index.Indexed, models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("beoogd certificaathouder")
        HOLDER = "holder", _("certificaathouder")
        FORMER = "former", _("voormalig certificaathouder")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    region = models.CharField(_("provincie"), max_length=2, choices=Province.choices)
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    contact_email = models.EmailField(_("e-mailadres contactpersoon"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLICANT
    )
    created_at = models.DateTimeField(_("geregistreerd op"), auto_now_add=True)

    search_fields = [
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("city"),
        index.FilterField("status"),
        index.FilterField("region"),
    ]

    class Meta:
        verbose_name = _("klant")
        verbose_name_plural = _("klanten")
        ordering = ["name"]

    def __str__(self):
        return self.name
