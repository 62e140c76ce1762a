import re
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .dossier import Audit, CertificationDecision, Client

#: What separates the words of a file name besides spaces.
_NAME_SEPARATORS = re.compile(r"[\s._\-]+")


def evidence_storage():
    # Its own storage, outside MEDIA_ROOT's public URL space (DESIGN.md, "Files").
    return storages["evidence"]


class EvidenceFile(index.Indexed, models.Model):
    """A confidential file in a client dossier (bewijsmateriaal), optionally tied to
    an audit or a decision. Written once: a new version is a new row pointing at the
    one it replaces. Deleting removes the bytes but keeps this row as a tombstone."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("klant"),
    )
    audit = models.ForeignKey(
        Audit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("onderzoek"),
    )
    decision = models.ForeignKey(
        CertificationDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("certificatiebeslissing"),
    )
    # A file kept with a case (C4, C8, A11) is also filed in the client's dossier.
    signal = models.ForeignKey(
        "cases.Signal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("klantsignaal"),
    )
    complaint = models.ForeignKey(
        "cases.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("klacht"),
    )
    appeal = models.ForeignKey(
        "cases.Appeal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("beroep"),
    )
    mediation = models.ForeignKey(
        "cases.Mediation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("mediation"),
    )
    file = models.FileField(
        _("bestand"), storage=evidence_storage, max_length=300, blank=True
    )
    original_name = models.CharField(_("bestandsnaam"), max_length=255)
    content_type = models.CharField(_("bestandstype"), max_length=120)
    type_label = models.CharField(_("soort bestand"), max_length=60, blank=True)
    size = models.PositiveBigIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.TextField(_("omschrijving"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("toegevoegd door"),
    )
    uploaded_at = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("nieuwe versie van"),
    )
    extracted_text = models.TextField(_("geëxtraheerde tekst"), blank=True)
    extraction_error = models.TextField(_("fout bij tekstextractie"), blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(_("verwijderd op"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verwijderd door"),
    )
    deletion_reason = models.TextField(_("reden van verwijdering"), blank=True)

    search_fields = [
        # The file name as words ("Auditverslag_2025-03.pdf": auditverslag,
        # 2025, 03, pdf) for every backend: PostgreSQL's parser would read the
        # name as one token. The search form turns a typed name into the
        # phrase of its words (``search.forms``).
        index.SearchField("name_words", boost=2),
        index.AutocompleteField("name_words"),
        index.SearchField("description"),
        # The admin listing searches autocomplete fields only.
        index.AutocompleteField("description"),
        index.SearchField("extracted_text"),
        # "auditverslag" finds the report of an audit by what it is.
        index.SearchField("search_kind_words", boost=0.5),
        index.RelatedFields("client", [index.SearchField("name")]),
        index.FilterField("client"),
        index.FilterField("audit"),
        index.FilterField("decision"),
        index.FilterField("signal"),
        index.FilterField("complaint"),
        index.FilterField("appeal"),
        index.FilterField("mediation"),
        index.FilterField("deleted_at"),
        index.FilterField("uploaded_at"),
    ]

    class Meta:
        verbose_name = _("bewijsstuk")
        verbose_name_plural = _("bewijsstukken")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            # The search's "one copy per file" looks up the other copies of
            # each hit by content and name; without it that is a scan per hit.
            models.Index(fields=["sha256", "original_name"], name="evidence_copy_idx"),
        ]

    def __str__(self):
        return self.original_name

    def name_words(self) -> str:
        return " ".join(_NAME_SEPARATORS.split(self.original_name or ""))

    def search_kind_words(self) -> str:
        """What the file is, in the words a reader searches for: a file kept
        with an audit is its audit report. Indexed, not shown."""
        if self.audit_id is not None:
            return str(_("auditverslag auditrapport onderzoeksrapport"))
        return ""

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
