import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from portal.formatting import format_date


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


# A Dutch postcode: four digits (no leading zero), two letters; PostNL never
# issues SA, SD or SS.
_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s*([A-Z]{2})$")
_POSTCODE_UNUSED = {"SA", "SD", "SS"}


def normalise_postcode(value: str) -> str:
    """'1234ab' and ' 1234  AB ' become '1234 AB'; anything else is returned as
    typed (stripped) for `validate_postcode` to refuse."""
    value = (value or "").strip()
    match = _POSTCODE.match(value.upper())
    return f"{match.group(1)} {match.group(2)}" if match else value


def validate_postcode(value: str) -> None:
    match = _POSTCODE.match((value or "").strip().upper())
    if match is None or match.group(2) in _POSTCODE_UNUSED:
        raise ValidationError(
            _(
                "Dit is geen geldige Nederlandse postcode. Vul vier cijfers en twee "
                "letters in, bijvoorbeeld 1234 AB."
            ),
            code="invalid_postcode",
        )


class Client(index.Indexed, models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("beoogd certificaathouder")
        HOLDER = "holder", _("certificaathouder")
        FORMER = "former", _("voormalig certificaathouder")

    class Salutation(models.TextChoices):
        # How the letter addresses the contact person (cases.letters.values).
        MR = "heer", _("de heer")
        MRS = "mevrouw", _("mevrouw")
        NEUTRAL = "", _("neutraal (voorletters en achternaam)")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    region = models.CharField(_("provincie"), max_length=2, choices=Province.choices)
    street = models.CharField(
        _("straat en huisnummer"),
        max_length=200,
        blank=True,
        help_text=_("Het postadres voor brieven, bijvoorbeeld: Stationsweg 12a."),
    )
    postcode = models.CharField(
        _("postcode"),
        # Room for what is typed ("1234  ab "); stored as "1234 AB" (clean).
        max_length=10,
        blank=True,
        validators=[validate_postcode],
        help_text=_("Vier cijfers en twee letters, bijvoorbeeld 1234 AB."),
    )
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    contact_salutation = models.CharField(
        _("aanhef contactpersoon"),
        max_length=10,
        choices=Salutation.choices,
        blank=True,
        default=Salutation.NEUTRAL,
    )
    contact_initials = models.CharField(
        _("voorletters of voornaam contactpersoon"),
        max_length=50,
        blank=True,
        help_text=_("Bijvoorbeeld: J.M."),
    )
    contact_surname = models.CharField(
        _("achternaam contactpersoon"),
        max_length=100,
        blank=True,
        help_text=_(
            "Met tussenvoegsel, bijvoorbeeld: de Vries. Zonder achternaam begint "
            "een brief met 'Geachte heer, mevrouw,'."
        ),
    )
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
        permissions = [
            (
                "view_register",
                _("Mag het hele casusregister en alle klantdossiers zien"),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.postcode = normalise_postcode(self.postcode)

    @property
    def contact_name(self) -> str:
        """'J. de Vries' (empty without a surname)."""
        if not self.contact_surname.strip():
            return ""
        return " ".join(
            part
            for part in (self.contact_initials.strip(), self.contact_surname.strip())
            if part
        )


class Audit(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", _("Eerste Onderzoek")
        FOLLOW_UP = "follow_up", _("Vervolgonderzoek")
        INTERIM = "interim", _("Tussentijds Onderzoek")
        SPECIAL = "special", _("Speciaal Onderzoek")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="audits", verbose_name=_("klant")
    )
    kind = models.CharField(_("soort onderzoek"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(_("begindatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    team_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_audits",
        verbose_name=_("teamleider"),
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assessed_audits",
        blank=True,
        verbose_name=_("beoordelaars"),
    )
    notes = models.TextField(_("toelichting"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = [
        index.SearchField("notes"),
        index.AutocompleteField("notes"),
        index.RelatedFields(
            "client", [index.SearchField("name"), index.AutocompleteField("name")]
        ),
        index.FilterField("client"),
        index.FilterField("kind"),
        index.FilterField("start_date"),
    ]

    class Meta:
        verbose_name = _("onderzoek")
        verbose_name_plural = _("onderzoeken")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="audit_end_not_before_start",
                violation_error_message=_(
                    "De einddatum ligt voor de begindatum. Pas een van beide aan."
                ),
            )
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {format_date(self.start_date, year=True)}"
            f" - {self.client}"
        )


class CertificationDecision(index.Indexed, models.Model):
    """A certification decision. Immutable once e-mailed to the client: a change is
    a new decision that supersedes it, and both stay in the dossier (A9)."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("certificaat verleend")
        CONTINUED = "continued", _("certificaat gecontinueerd")
        REFUSED = "refused", _("certificaat geweigerd")
        SUSPENDED = "suspended", _("certificaat geschorst")
        WITHDRAWN = "withdrawn", _("certificaat ingetrokken")

    audit = models.ForeignKey(
        Audit,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("onderzoek"),
    )
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certification_decisions",
        verbose_name=_("certificatiebeslisser"),
    )
    outcome = models.CharField(_("beslissing"), max_length=20, choices=Outcome.choices)
    motivation = models.TextField(_("motivering"))
    decided_at = models.DateTimeField(_("genomen op"))
    emailed_at = models.DateTimeField(
        _("per e-mail verzonden op"),
        null=True,
        blank=True,
        help_text=_("Vanaf dit moment loopt de beroepstermijn van een maand."),
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("vervangt beslissing"),
    )
    supersede_reason = models.TextField(_("reden van vervanging"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = [
        index.SearchField("motivation"),
        index.AutocompleteField("motivation"),
        index.RelatedFields(
            "audit", [index.RelatedFields("client", [index.SearchField("name")])]
        ),
        index.FilterField("audit"),
        index.FilterField("decider"),
        index.FilterField("outcome"),
    ]

    class Meta:
        verbose_name = _("certificatiebeslissing")
        verbose_name_plural = _("certificatiebeslissingen")
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return (
            f"{self.get_outcome_display()} "
            f"({format_date(self.decided_at, year=True)}) - {self.audit.client}"
        )

    @property
    def is_emailed(self) -> bool:
        return self.emailed_at is not None


class Certificate(models.Model):
    """One version of a certificate. Adjusting a certificate makes a new version
    that points at the previous one; no version is ever overwritten (A9)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("geldig")
        SUSPENDED = "suspended", _("geschorst")
        WITHDRAWN = "withdrawn", _("ingetrokken")
        EXPIRED = "expired", _("verlopen")

    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("klant"),
    )
    number = models.CharField(_("certificaatnummer"), max_length=40)
    version = models.PositiveIntegerField(_("versie"), default=1)
    scope = models.TextField(_("reikwijdte"))
    valid_from = models.DateField(_("geldig vanaf"))
    valid_until = models.DateField(_("geldig tot"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    decision = models.ForeignKey(
        CertificationDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("op grond van beslissing"),
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("vorige versie"),
    )
    change_reason = models.TextField(_("reden van wijziging"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificaat")
        verbose_name_plural = _("certificaten")
        ordering = ["number", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "version"], name="certificate_number_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="certificate_valid_until_after_from",
                violation_error_message=_(
                    "'Geldig tot' ligt voor 'geldig vanaf'. Pas de data aan."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.number} v{self.version} ({self.get_status_display()})"

    @property
    def is_current(self) -> bool:
        # The reverse one-to-one raises (an AttributeError) when there is none.
        return not hasattr(self, "next_version")
