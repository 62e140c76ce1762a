"""The client dossier in the Wagtail admin: scoped snippet viewsets.

Wagtail checks only model-level permissions in its snippet views and choosers
(DESIGN.md, "Pitfalls"). Here every view class of every dossier viewset refuses an
object outside the user's scope *before* it runs (`ScopedObjectMixin.dispatch`),
listings and choosers start from the scoping selector, and the permission policy
answers per instance from the same selector. Out of scope is 404, like missing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.scoping import object_scope

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
from .errors import add_service_errors

# -- permission policy -------------------------------------------------------


class DossierPermissionPolicy(ModelPermissionPolicy):
    """Model permissions as the coarse gate, the scoping selector per instance.

    Deleting through generic views is off for every dossier model: evidence is
    deleted by its own service (tombstone), everything else is never deleted.
    Certification decisions cannot be changed once e-mailed; evidence never."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)

    def _instance_allows(self, user, action, instance) -> bool:
        return not (action == "change" and change_refusal(instance))

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and self._instance_allows(user, action, instance)
            and visible_to(user, self.model).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, a) for a in actions):
            return self.model.objects.none()
        return visible_to(user, self.model)


# -- view guards -------------------------------------------------------------


class ScopedObjectMixin:
    """Refuse any URL that names an object outside the user's scope (404)."""

    scope_model = None

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None:
            try:
                pk_value = int(unquote(str(pk)))
            except (TypeError, ValueError):
                raise Http404 from None
            if (
                not visible_to(request.user, self.scope_model)
                .filter(pk=pk_value)
                .exists()
            ):
                raise Http404
        return super().dispatch(request, *args, **kwargs)


class ChangeGuardMixin:
    """Wagtail's edit view checks only the model-level 'change' permission; refuse
    objects that may not change (an e-mailed decision, an old certificate version,
    evidence) with a Dutch message and send the user to the inspect view."""

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None:
            obj = visible_to(request.user, self.scope_model).get(pk=unquote(str(pk)))
            reason = change_refusal(obj)
            if reason:
                messages.error(request, reason)
                return redirect(
                    f"wagtailsnippets_cases_{self.scope_model._meta.model_name}:inspect",
                    obj.pk,
                )
        return super().dispatch(request, *args, **kwargs)


def change_refusal(obj) -> str:
    if isinstance(obj, CertificationDecision) and obj.is_emailed:
        return _(
            "Deze beslissing is per e-mail verzonden en kan niet meer worden "
            "gewijzigd. Leg een nieuwe beslissing vast die haar vervangt."
        )
    if isinstance(obj, Certificate) and not obj.is_current:
        return _("Dit is een oude versie van het certificaat; wijzig de nieuwste.")
    if isinstance(obj, Appeal):
        return _("Een beroep verandert alleen via de stappen op de zaakpagina.")
    if isinstance(obj, EvidenceFile):
        return _(
            "Een bewijsstuk wordt niet gewijzigd. Voeg zo nodig een nieuwe versie toe."
        )
    return ""


class ServiceErrorsMixin:
    """Turn a refused rule (ValidationError/PermissionDenied from a service) into a
    form error: the user keeps what they typed and sees the Dutch message."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
            # What Wagtail's own validation sets before form_invalid (without it
            # form_invalid fails on a missing attribute).
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ScopedChoicesMixin:
    """Every choice of a related object in a create/edit form offers only what the
    user may see (portal.scoping): an audit outside the user's scope is refused as
    "not one of the choices", exactly like one that does not exist."""

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        for field in form.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            selector = object_scope(queryset.model)
            if selector is not None:
                field.queryset = queryset.filter(
                    pk__in=selector(self.request.user).values("pk")
                )
            if hasattr(field.widget, "get_instance"):
                field.widget.get_instance = _instance_from(field.queryset)
        return form


def _instance_from(queryset):
    """A chooser widget re-rendering a refused form shows the chosen object's
    title: look it up in the field's (scoped) choices only, and read a key that
    is no number as nothing (Wagtail's own lookup fails on it)."""

    def get_instance(value):
        if value is None or isinstance(value, queryset.model):
            return value
        try:
            return queryset.filter(pk=value).first()
        except (ValueError, TypeError, ValidationError):
            return None

    return get_instance


class SearchOrderingMixin:
    """Searching a listing sorted on a column: the engine sorts only on indexed
    filter fields, so search without its ordering and let the database sort the
    hits (instead of Wagtail's OrderByFieldError, a server error)."""

    def search_queryset(self, queryset):
        if not self.is_searching or not self.is_explicitly_ordered:
            return super().search_queryset(queryset)
        # No ordering at all: the engine may sort on nothing but its filter fields
        # (not even the key), and the database sorts the hits below.
        hits = super().search_queryset(queryset.order_by())
        return queryset.filter(pk__in=[obj.pk for obj in hits])


class NotFoundView(View):
    """A generic view switched off in code answers as if it did not exist."""

    def dispatch(self, request, *args, **kwargs):
        raise Http404


def _scoped(view_class, model, *mixins):
    return type(
        f"Scoped{view_class.__name__}",
        (ScopedObjectMixin, *mixins, view_class),
        {"scope_model": model},
    )


VIEW_CLASS_ATTRS = (
    "index_view_class",
    "add_view_class",
    "edit_view_class",
    "copy_view_class",
    "delete_view_class",
    "usage_view_class",
    "history_view_class",
    "inspect_view_class",
    "revisions_view_class",
    "revisions_compare_view_class",
    "revisions_unschedule_view_class",
    "unpublish_view_class",
    "preview_on_add_view_class",
    "preview_on_edit_view_class",
    "lock_view_class",
    "unlock_view_class",
    "workflow_action_view_class",
    "collect_workflow_action_data_view_class",
    "confirm_workflow_cancellation_view_class",
    "workflow_preview_view_class",
    "workflow_history_view_class",
    "workflow_history_detail_view_class",
)


def scoped_chooser_viewset(model):
    class ScopedChooseMixin:
        def get_object_list(self):
            return visible_to(self.request.user, model)

    class ChooseView(ScopedChooseMixin, snippet_chooser.ChooseView):
        pass

    class ChooseResultsView(ScopedChooseMixin, snippet_chooser.ChooseResultsView):
        pass

    class ChosenView(snippet_chooser.SnippetChosenView):
        def get_object(self, pk):
            obj = visible_to(self.request.user, model).filter(pk=unquote(pk)).first()
            if obj is None:
                raise Http404
            return obj

    class ChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
        def get_objects(self, pks):
            return visible_to(self.request.user, model).filter(pk__in=pks)

    return type(
        f"Scoped{model.__name__}ChooserViewSet",
        (NoCreateChooserViewSet,),
        {
            "choose_view_class": ChooseView,
            "choose_results_view_class": ChooseResultsView,
            "chosen_view_class": ChosenView,
            "chosen_multiple_view_class": ChosenMultipleView,
        },
    )


class NoCreateChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    # No object is created from a chooser: register and dossier objects come into
    # being through their forms and services (Wagtail's create view also fails
    # without a creation form).
    create_view_class = NotFoundView


class PortalSnippetViewSet(SnippetViewSet):
    """A SnippetViewSet without Wagtail's views that the portal switched off.

    Wagtail registers add/ (and copy/) even when the add button is hidden, and a
    chooser's create/ without a form; searching a listing sorted on a column
    fails in the engine. Every snippet viewset of the portal derives from here."""

    add_view_enabled = True

    def __init__(self, *args, **kwargs):
        index = getattr(type(self), "index_view_class", SnippetViewSet.index_view_class)
        if not issubclass(index, SearchOrderingMixin):
            self.index_view_class = type(
                f"Searchable{index.__name__}", (SearchOrderingMixin, index), {}
            )
        if not self.add_view_enabled:
            self.add_view_class = NotFoundView
            self.copy_view_enabled = False
        if not issubclass(self.chooser_viewset_class, NoCreateChooserViewSet):
            self.chooser_viewset_class = NoCreateChooserViewSet
        super().__init__(*args, **kwargs)


class ScopedSnippetViewSet(PortalSnippetViewSet):
    """A snippet viewset whose every view and chooser is scoped by the selector."""

    extra_view_mixins: dict[str, tuple] = {}

    def __init__(self, *args, **kwargs):
        for attr in VIEW_CLASS_ATTRS:
            base = getattr(type(self), attr, None) or getattr(SnippetViewSet, attr)
            mixins = self.extra_view_mixins.get(attr, ())
            if attr == "edit_view_class":
                mixins = (ChangeGuardMixin, *mixins)
            if attr in ("add_view_class", "edit_view_class", "copy_view_class"):
                mixins = (*mixins, ScopedChoicesMixin)
            setattr(self, attr, _scoped(base, self.model, *mixins))
        self.chooser_viewset_class = scoped_chooser_viewset(self.model)
        super().__init__(*args, **kwargs)

    def get_queryset(self, request):
        return visible_to(request.user, self.model)


# -- saving through the services ---------------------------------------------


class DecisionCreateMixin(ServiceErrorsMixin):
    def save_instance(self):
        from ..services import decision_record

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
        from ..services import decision_update

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
        from ..services import certificate_issue

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
        from ..services import certificate_adjust

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
