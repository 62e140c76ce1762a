"""The client dossier in the Wagtail admin: scoped snippet viewsets.

Wagtail checks only model-level permissions in its snippet views and choosers
(DESIGN.md, "Pitfalls"). Here every view class of every dossier viewset refuses an
object outside the user's scope *before* it runs (`ScopedObjectMixin.dispatch`),
listings and choosers start from the scoping selector, and the permission policy
answers per instance from the same selector. Out of scope is 404, like missing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from portal.roles import ASSESSOR, CORE_GROUP, EXTERNAL_MEDIATOR

from ..forms.people import (
    PersonChoiceField,
    PersonMultipleChoiceField,
    audit_participation,
    deciders_on_audit,
    deciders_pool,
    people,
)
from ..models import (
    Appeal,
    Audit,
    Certificate,
    CertificationDecision,
    Client,
    EvidenceFile,
    Notary,
)
from ..selectors import visible_to
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


User = get_user_model()

# -- the person choosers of the dossier forms -----------------------------------

DECIDER_RULE = _(
    "Alleen certificatiebeslissers; niet wie teamleider of beoordelaar bij het "
    "onderzoek was."
)
AUDITOR_RULE = _("Alleen beoordelaars en kerngroepleden.")
AUDITOR_ROLES = (ASSESSOR, CORE_GROUP)


class DecisionAdminForm(WagtailAdminModelForm):
    """The decider is a certification decider who did not evaluate the audit.
    Once recorded, audit and decider stay: ``decision_update`` changes only the
    outcome, the motivation and the date, so the form does not offer more."""

    decider = PersonChoiceField(label=_("Certificatiebeslisser"), rule=DECIDER_RULE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        decider = self.fields["decider"]
        if self.instance.pk:
            # Whatever became of the decider since: the recorded one stays.
            decider.queryset = User.objects.filter(pk=self.instance.decider_id)
            for name in ("audit", "decider"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Wijzigt niet. Is dit onjuist, leg dan een nieuwe beslissing vast."
                )
        else:
            decider.offer(deciders_pool(), audit_participation(self._posted_audit()))

    def _posted_audit(self):
        """The audit chosen in a posted form, if the user may see it: then its
        team leader and assessors are named as left out on the re-shown form."""
        key = self.data.get(self.add_prefix("audit")) if self.is_bound else None
        try:
            key = int(key)
        except (TypeError, ValueError):
            return None
        return visible_to(self.for_user, Audit).filter(pk=key).first()


class AuditAdminForm(WagtailAdminModelForm):
    """Team leader and assessors: assessors and core-group members, never someone
    who decided on this audit (who evaluated may not decide, and the other way
    round)."""

    team_leader = PersonChoiceField(label=_("Teamleider"), rule=AUDITOR_RULE)
    assessors = PersonMultipleChoiceField(
        label=_("Beoordelaars"), required=False, rule=AUDITOR_RULE
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        audit = self.instance
        current = [audit.team_leader_id]
        if audit.pk:
            current += list(audit.assessors.values_list("pk", flat=True))
        pool = people(*AUDITOR_ROLES, keeping=current)
        refusal = deciders_on_audit(audit)
        self.fields["team_leader"].offer(pool, refusal)
        self.fields["assessors"].offer(pool, refusal)


class NotaryAdminForm(WagtailAdminModelForm):
    """E4: the portal account of a notary is an external notary's account, and
    one account belongs to one notary."""

    user = PersonChoiceField(
        label=_("Portaalaccount"),
        required=False,
        rule=_(
            "Alleen accounts met de rol mediation-notaris (extern). Nodig om na "
            "toestemming het dossier in te zien."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        linked = {
            n.user_id: n
            for n in Notary.objects.filter(user__isnull=False).exclude(
                pk=self.instance.pk
            )
        }

        def refusal(person):
            if person.pk in linked:
                return gettext("is al gekoppeld aan %(notary)s") % {
                    "notary": linked[person.pk]
                }
            return ""

        self.fields["user"].offer(
            people(EXTERNAL_MEDIATOR, keeping=[self.instance.user_id]), refusal
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
        FieldPanel("status"),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldPanel("region"),
            ],
            heading=_("Postadres"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("contact_salutation"),
                        FieldPanel("contact_initials"),
                        FieldPanel("contact_surname"),
                    ]
                ),
                FieldPanel("contact_email"),
            ],
            heading=_("Contactpersoon"),
            help_text=_("Aan wie brieven worden gericht, met de aanhef in de brief."),
        ),
    ]


class AuditViewSet(ScopedSnippetViewSet):
    model = Audit
    icon = "clipboard-list"
    menu_label = _("Onderzoeken")
    url_prefix = "dossier/onderzoeken"
    list_display = ["__str__", "kind", "start_date", "team_leader"]
    list_filter = ["kind"]
    inspect_view_enabled = True
    edit_handler = ObjectList(
        [
            FieldPanel("client"),
            FieldPanel("kind"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldPanel("team_leader"),
            FieldPanel("assessors"),
            FieldPanel("notes"),
        ],
        base_form_class=AuditAdminForm,
    )

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
    edit_handler = ObjectList(
        [
            FieldPanel("audit"),
            FieldPanel("decider"),
            FieldPanel("outcome"),
            FieldPanel("motivation"),
            FieldPanel("decided_at"),
        ],
        base_form_class=DecisionAdminForm,
    )

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
    edit_handler = ObjectList(
        [
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
        ],
        base_form_class=NotaryAdminForm,
    )


class RegisterViewSetGroup(SnippetViewSetGroup):
    items = (AppealViewSet, NotaryViewSet)
    menu_icon = "list-ul"
    menu_label = _("Casusregister")
    menu_name = "casusregister"
    menu_order = 150
