"""The client dossier in the Wagtail admin: scoped snippet viewsets.

Wagtail checks only model-level permissions in its snippet views and choosers
(DESIGN.md, "Pitfalls"). Here every view class of every dossier viewset refuses an
object outside the user's scope *before* it runs (`ScopedObjectMixin.dispatch`),
listings and choosers start from the scoping selector, and the permission policy
answers per instance from the same selector. Out of scope is 404, like missing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from ..models import (
    Appeal,
    Audit,
    Certificate,
    CertificationDecision,
    Client,
    EvidenceFile,
    Notary,
)
from ..services import (
    certificate_adjust,
    certificate_issue,
    decision_record,
    decision_update,
)
from .admin_base import (
    PortalSnippetViewSet,
    ScopedSnippetViewSet,
    ServiceErrorsMixin,
)

# -- saving through the services ---------------------------------------------


class DecisionCreateMixin(ServiceErrorsMixin):
    def save_instance(self):

        data = self.form.cleaned_data
        return decision_record(
            audit=data["audit"],
            decider=data["decider"],
            outcome=data["outcome"],
            motivation=data["motivation"],
            decided_at=data.get("decided_at"),
            by=self.request.user,
        )


class DecisionEditMixin(ServiceErrorsMixin):
    def save_instance(self):

        data = self.form.cleaned_data
        return decision_update(
            decision=self.object,
            by=self.request.user,
            outcome=data["outcome"],
            motivation=data["motivation"],
            decided_at=data["decided_at"],
        )


class CertificateCreateMixin(ServiceErrorsMixin):
    def save_instance(self):

        data = self.form.cleaned_data
        return certificate_issue(
            client=data["client"],
            number=data["number"],
            scope=data["scope"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            decision=data.get("decision"),
            by=self.request.user,
        )


class CertificateEditMixin(ServiceErrorsMixin):
    """Saving an edited certificate issues a new version (A9); the edited one
    stays as it was."""

    def save_instance(self):

        data = self.form.cleaned_data
        return certificate_adjust(
            certificate=self.object,
            by=self.request.user,
            reason=data.get("change_reason") or "",
            scope=data["scope"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            status=data["status"],
        )


class ClientViewSet(ScopedSnippetViewSet):
    model = Client
    icon = "group"
    menu_label = _("Klantregister")
    url_prefix = "dossier/klanten"
    add_to_admin_menu = False
    list_display = ["name", "city", "region", "status"]
    list_filter = ["status", "region"]
    search_fields = ["name", "city"]
    ordering = ["name"]
    inspect_view_enabled = True
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("region"), FieldPanel("city")]),
        FieldPanel("contact_email"),
        FieldPanel("status"),
    ]


class AuditViewSet(ScopedSnippetViewSet):
    model = Audit
    icon = "clipboard-list"
    menu_label = _("Onderzoeken")
    url_prefix = "dossier/onderzoeken"
    list_display = ["__str__", "kind", "start_date", "team_leader"]
    list_filter = ["kind"]
    inspect_view_enabled = True
    panels = [
        FieldPanel("client"),
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("team_leader"),
        FieldPanel("assessors"),
        FieldPanel("notes"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client", "team_leader")


class DecisionViewSet(ScopedSnippetViewSet):
    model = CertificationDecision
    icon = "doc-full-inverse"
    menu_label = _("Certificatiebeslissingen")
    url_prefix = "dossier/beslissingen"
    list_display = ["__str__", "decider", "decided_at", "emailed_at"]
    list_filter = ["outcome"]
    inspect_view_enabled = True
    extra_view_mixins = {
        "add_view_class": (DecisionCreateMixin,),
        "edit_view_class": (DecisionEditMixin,),
    }
    panels = [
        FieldPanel("audit"),
        FieldPanel("decider"),
        FieldPanel("outcome"),
        FieldPanel("motivation"),
        FieldPanel("decided_at"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("audit__client", "decider")


class CertificateViewSet(ScopedSnippetViewSet):
    model = Certificate
    icon = "success"
    menu_label = _("Certificaten")
    url_prefix = "dossier/certificaten"
    list_display = ["number", "version", "client", "status", "valid_until"]
    list_filter = ["status"]
    inspect_view_enabled = True
    extra_view_mixins = {
        "add_view_class": (CertificateCreateMixin,),
        "edit_view_class": (CertificateEditMixin,),
    }
    panels = [
        FieldPanel("client"),
        FieldPanel("number"),
        FieldPanel("scope"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
        FieldPanel("status"),
        FieldPanel("decision"),
        MultiFieldPanel(
            [FieldPanel("change_reason")],
            heading=_("Bij wijziging: er ontstaat een nieuwe versie"),
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client")


class EvidenceViewSet(ScopedSnippetViewSet):
    model = EvidenceFile
    icon = "doc-full"
    menu_label = _("Bewijsstukken")
    url_prefix = "dossier/bewijsstukken"
    list_display = ["original_name", "client", "type_label", "uploaded_at"]
    inspect_view_enabled = True
    add_view_enabled = False  # uploads go through the dossier's upload view
    # Never the file field itself: evidence has no URL outside the download view.
    inspect_view_fields = [
        "original_name",
        "client",
        "audit",
        "decision",
        "type_label",
        "content_type",
        "size",
        "sha256",
        "description",
        "uploaded_by",
        "uploaded_at",
        "extraction_error",
        "deleted_at",
        "deleted_by",
        "deletion_reason",
    ]
    panels = [FieldPanel("description")]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client")


class DossierViewSetGroup(SnippetViewSetGroup):
    items = (
        ClientViewSet,
        AuditViewSet,
        DecisionViewSet,
        CertificateViewSet,
        EvidenceViewSet,
    )
    menu_icon = "folder-open-inverse"
    menu_label = _("Klantdossiers")
    menu_name = "klantdossiers"
    menu_order = 200


class AppealViewSet(ScopedSnippetViewSet):
    model = Appeal
    icon = "warning"
    menu_label = _("Beroepen")
    url_prefix = "register/beroepen"
    list_display = ["number", "appellant", "state", "received_at", "decider"]
    list_filter = ["state", "channel"]
    inspect_view_enabled = True
    add_view_enabled = False  # registered through cases_admin:appeal_lodge
    panels = [FieldPanel("motivation")]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("appellant", "decider")


class NotaryViewSet(PortalSnippetViewSet):
    """E2: the notary register. Not confidential client data: plain model
    permissions (quality officer and office manager keep it)."""

    model = Notary
    icon = "user"
    menu_label = _("Mediation-notarissen")
    url_prefix = "register/notarissen"
    list_display = ["name", "firm", "region", "city", "active"]
    list_filter = ["region", "active", "mediation_specialised"]
    search_fields = ["name", "firm", "city"]
    panels = [
        FieldPanel("name"),
        FieldPanel("firm"),
        FieldPanel("region"),
        FieldPanel("city"),
        FieldPanel("email"),
        FieldPanel("mediation_specialised"),
        FieldPanel("active"),
        FieldPanel("tied_to_organisation"),
        FieldPanel("tied_clients"),
        FieldPanel("ties_note"),
        FieldPanel("user"),
    ]


class RegisterViewSetGroup(SnippetViewSetGroup):
    items = (AppealViewSet, NotaryViewSet)
    menu_icon = "list-ul"
    menu_label = _("Casusregister")
    menu_name = "casusregister"
    menu_order = 150
