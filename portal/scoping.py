"""One guard for every Wagtail admin URL that names an object.

Wagtail keeps adding views that take an object from the URL (snippet copy, usage,
history, the choosers, bulk actions, page move-confirm...) and each checks only
model-level permissions. Instead of guarding the views someone remembered, the
apps register, per model, the selector that says which objects a user may know
about (`register_object_scope`), and `ObjectScopeMiddleware` refuses *any*
admin URL that names an object outside it with 404, exactly like a missing
object, before the view runs (DESIGN.md, "Confidentiality model").

This module is part of the small shared core: it knows no app. `cases` registers
its scoping selectors in its AppConfig; pages are scoped here (`pages_known_to`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, QueryDict

Selector = Callable[[object], QuerySet]

_SCOPES: dict[type[Model], Selector] = {}


def register_object_scope(model: type[Model], selector: Selector) -> None:
    """``selector(user)`` answers the objects of ``model`` the user may know of."""
    _SCOPES[model] = selector


def object_scope(model: type[Model]) -> Selector | None:
    """The selector that scopes ``model`` (or a parent model), or None when the
    model is not confidential (model permissions alone decide)."""
    from wagtail.models import Page

    if issubclass(model, Page):
        return pages_known_to
    for klass in model.__mro__:
        if klass in _SCOPES:
            return _SCOPES[klass]
    return None


def scoped_models() -> tuple[type[Model], ...]:
    return tuple(_SCOPES)


def pages_known_to(user) -> QuerySet:
    """Pages whose existence the user may know: everything for those who work on
    pages (any page permission), otherwise the live pages only. A draft that was
    never published is invisible to a reader, in every admin view."""
    from wagtail.models import GroupPagePermission, Page

    if user is None or not user.is_authenticated or not user.is_active:
        return Page.objects.none()
    if (
        user.is_superuser
        or GroupPagePermission.objects.filter(group__user=user).exists()
    ):
        return Page.objects.all()
    return Page.objects.filter(live=True)


# -- which object an admin URL names --------------------------------------------

# URL names (namespace:name) whose keyword arguments name a page.
PAGE_KWARGS = (
    "page_id",
    "parent_page_id",
    "page_to_move_id",
    "destination_id",
    "page_pk",
)
PAGE_URL_NAMESPACES = ("wagtailadmin_pages", "wagtailforms", "wagtailadmin_workflows")
PAGE_URL_NAMES = (
    "wagtailadmin_explore",
    "wagtailadmin_explore_results",
    "wagtailadmin_choose_page_child",
    "wagtailadmin_api:pages:detail",
    "wagtailadmin_api:pages:action",
)
SNIPPET_PREFIXES = ("wagtailsnippets_", "wagtailsnippetchoosers_")


def _snippet_model(namespace: str) -> type[Model] | None:
    for prefix in SNIPPET_PREFIXES:
        if namespace.startswith(prefix):
            app_label, _sep, model_name = namespace.removeprefix(prefix).partition("_")
            try:
                return apps.get_model(app_label, model_name)
            except LookupError:
                return None
    return None


def objects_named(match) -> list[tuple[type[Model], str]]:
    """The (model, pk) pairs that a resolved admin URL names."""
    from wagtail.models import Page

    kwargs = match.kwargs
    named: list[tuple[type[Model], str]] = []
    namespace = match.namespace or ""
    model = _snippet_model(namespace.split(":")[0])
    if model is not None and "pk" in kwargs:
        named.append((model, str(kwargs["pk"])))
    page_url = (
        namespace.split(":")[0] in PAGE_URL_NAMESPACES
        or match.view_name in PAGE_URL_NAMES
    )
    if page_url:
        for kwarg in PAGE_KWARGS:
            if kwarg in kwargs:
                named.append((Page, str(kwargs[kwarg])))
        if "pk" in kwargs and namespace != "wagtailadmin_workflows":
            named.append((Page, str(kwargs["pk"])))
    if match.view_name == "wagtailadmin_editing_sessions:ping":
        try:
            model = apps.get_model(kwargs["app_label"], kwargs["model_name"])
        except LookupError:
            raise Http404 from None
        named.append((model, str(kwargs["object_id"])))
    return named


def _in_scope(user, model: type[Model], pk: str) -> bool:
    selector = object_scope(model)
    if selector is None:
        return True
    try:
        value = model._meta.pk.to_python(unquote(pk))
    except (ValueError, TypeError, ValidationError):
        return False  # an unparsable key names no object
    return selector(user).filter(pk=value).exists()


def _scope_id_params(request, model: type[Model]) -> None:
    """Views that take their objects from ``?id=`` (bulk actions, the choosers'
    "chosen multiple"): keep only the ids the user may know of ("all" included);
    none left answers 404, as Wagtail does for ids that do not exist."""
    selector = object_scope(model)
    if selector is None:
        return
    ids = request.GET.getlist("id")
    visible = selector(request.user)
    if "all" in ids:
        keep = list(visible.values_list("pk", flat=True))
    else:
        wanted = []
        for raw in ids:
            try:
                wanted.append(model._meta.pk.to_python(unquote(raw)))
            except (ValueError, TypeError, ValidationError):
                continue  # an unparsable id names nothing
        keep = list(visible.filter(pk__in=wanted).values_list("pk", flat=True))
    if not keep:
        raise Http404
    query = request.GET.copy()
    query.setlist("id", [str(pk) for pk in keep])
    query.pop("childOf", None)
    request.GET = QueryDict(query.urlencode())


class ObjectScopeMiddleware:
    """Answer 404 for an admin URL naming an object outside the user's scope.

    Only for signed-in users with admin access: anyone else gets Wagtail's own
    answer (the login), which is the same for existing and missing objects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith(settings.PORTAL_ADMIN_PREFIX):
            return None
        user = request.user
        if not user.is_authenticated or not user.has_perm("wagtailadmin.access_admin"):
            return None
        match = request.resolver_match
        if match is None:
            return None
        if match.view_name == "wagtail_bulk_action":
            try:
                model = apps.get_model(
                    match.kwargs["app_label"], match.kwargs["model_name"]
                )
            except LookupError:
                raise Http404 from None
            _scope_id_params(request, model)
            return None
        snippet_model = _snippet_model((match.namespace or "").split(":")[0])
        if snippet_model is not None and match.url_name == "chosen_multiple":
            _scope_id_params(request, snippet_model)
            return None
        if match.view_name == "wagtailadmin_choose_page_chosen_multiple":
            from wagtail.models import Page

            _scope_id_params(request, Page)
            return None
        for model, pk in objects_named(match):
            if not _in_scope(user, model, pk):
                raise Http404
        return None
