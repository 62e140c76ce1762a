from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Site

from portal import hooks as portal_hooks
from portal.dashboard import DashboardPanel
from portal.roles import is_external_notary

from .admin_views import import_parents_for, procedure_import_view
from .models import ProcedureAttachment, ProcedurePage
from .quality_urls import admin_urlpatterns
from .selectors import (
    acknowledgements_due,
    current_procedures,
    live_version_of,
    pending_acknowledgements,
    procedure_choices,
    procedures_visible_to,
    public_procedures,
)

# What the quality documents tell the other apps (portal.hooks).
hooks.register(portal_hooks.REMINDER_SOURCES, acknowledgements_due)
hooks.register(portal_hooks.PROCEDURE_VERSION, live_version_of)
hooks.register(portal_hooks.PUBLIC_DOCUMENTS, public_procedures)
hooks.register(portal_hooks.PROCEDURE_CHOICES, procedure_choices)


@hooks.register("portal_dashboard_panels")
def recent_procedures_panel(request):
    readable = procedures_visible_to(request.user, request).values("pk")
    return DashboardPanel(
        key="procedures",
        title=_("Procedures"),
        template_name="documents/panels/recent_procedures.html",
        order=50,
        context={"procedures": current_procedures().filter(pk__in=readable)[:6]},
        empty_text=_("Er zijn nog geen procedures gepubliceerd."),
    )


@hooks.register("before_serve_page")
def external_notary_reads_only_her_procedures(page, request, serve_args, kwargs):
    """E4: an external notary is served the dashboard, the public section and the
    procedures that apply to her dispute; any other page answers 404, like a page
    that does not exist (the handbook's index lists every procedure)."""
    if not is_external_notary(request.user):
        return None
    site = Site.find_for_request(request)
    if site is not None and page.pk == site.root_page_id:
        return None
    specific = page.specific
    if getattr(specific, "publicly_visible", False):
        return None
    if (
        isinstance(specific, ProcedurePage)
        and procedures_visible_to(request.user, request).filter(pk=page.pk).exists()
    ):
        return None
    raise Http404


@hooks.register("before_serve_document")
def external_notary_downloads_only_her_attachments(document, request):
    """E4: an external notary downloads only the attachments of the procedures
    she may read; any other document answers 404."""
    if not is_external_notary(request.user):
        return None
    readable = procedures_visible_to(request.user, request)
    attached = ProcedureAttachment.objects.filter(document=document, page__in=readable)
    if attached.exists():
        return None
    raise Http404


@hooks.register("register_admin_urls")
def register_quality_urls():
    from django.urls import include, path

    return [path("kwaliteit/", include(admin_urlpatterns))]


@hooks.register("register_admin_menu_item")
def quality_reports_menu():
    from django.urls import reverse
    from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

    class RegisterMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm("cases.view_register")

    return SubmenuMenuItem(
        _("Kwaliteitssysteem"),
        Menu(
            items=[
                RegisterMenuItem(
                    _("Leesbevestigingen"),
                    reverse("documents_admin:acknowledgements"),
                    icon_name="tick-inverse",
                ),
                RegisterMenuItem(
                    _("Periodieke beoordeling"),
                    reverse("documents_admin:reviews"),
                    icon_name="date",
                ),
                RegisterMenuItem(
                    _("Wijzigingsverzoeken"),
                    reverse("documents_admin:change_requests"),
                    icon_name="edit",
                ),
            ]
        ),
        icon_name="doc-full-inverse",
        order=170,
    )


@hooks.register("portal_dashboard_panels")
def acknowledgements_panel(request):
    if not request.user.is_authenticated:
        return None
    items = list(pending_acknowledgements(request.user)[:10])
    if not items:
        return None
    return DashboardPanel(
        key="leesbevestigingen",
        title=_("Te lezen: nieuwe procedureversies"),
        template_name="documents/panels/acknowledgements.html",
        order=5,
        context={"items": items, "today": timezone.localdate()},
    )


@hooks.register("register_admin_urls")
def register_procedure_import_url():
    from django.urls import path

    return [
        path(
            "procedures/importeren/",
            procedure_import_view,
            name="documents_procedure_import",
        )
    ]


@hooks.register("register_admin_menu_item")
def procedure_import_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    class ImportMenuItem(MenuItem):
        def is_shown(self, request):
            return bool(import_parents_for(request.user))

    return ImportMenuItem(
        _("Procedure importeren"),
        reverse("documents_procedure_import"),
        icon_name="upload",
        order=175,
    )
