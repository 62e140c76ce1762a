"""The guards every admin view of the dossier and the register goes through.

Wagtail checks only model-level permissions in its snippet views and choosers
(DESIGN.md, "Pitfalls"). The mixins here refuse an object outside the user's
scope *before* a view runs (`ScopedObjectMixin.dispatch`), start listings and
choosers from the scoping selector, offer only related objects in scope, and
answer per instance from the same selector (`DossierPermissionPolicy`). Out of
scope is 404, like missing. The viewsets that use them: ``views/admin.py``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.scoping import object_scope

from ..models import (
    Appeal,
    Certificate,
    CertificationDecision,
    EvidenceFile,
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
