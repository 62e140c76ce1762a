from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Site

from portal import hooks as portal_hooks
from portal.dashboard import DashboardPanel
from portal.roles import is_external_notary

from .admin_views import import_parents_for, procedure_import_view
from .models import ProcedureAttachment, ProcedurePage
from .permissions import can_manage_quality_system
from .quality_urls import admin_urlpatterns
from .selectors import (
    acknowledgements_due,
    current_procedures,
    live_version_of,
    pending_acknowledgements,
    procedure_choices,
    procedures_review_overdue,
    procedures_visible_to,
    public_procedures,
    review_task_state,
    revisions_awaiting_review,
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


# -- approving revisions ----------------------------------------------------------


@hooks.register("before_edit_page")
def approver_reviews_instead_of_editing(request, page):
    """The approver of a revision lands on the review screen, not in the editor:
    every link to the edit view (Wagtail's e-mails and its dashboard, the page
    explorer) leads there while the revision awaits their approval."""
    if request.method != "GET" or not isinstance(page, ProcedurePage):
        return None
    if request.user.is_superuser and request.GET.get("bewerken"):
        return None  # the site administrator may still open the editor
    if review_task_state(page, request.user) is None:
        return None
    return redirect("documents_admin:revision_review", page.pk)


@hooks.register("portal_dashboard_panels")
def revisions_to_review_panel(request):
    items = revisions_awaiting_review(request.user)
    if not items:
        return None
    return DashboardPanel(
        key="te-beoordelen",
        title=_("Te beoordelen: herziene procedures"),
        template_name="documents/panels/revisions_to_review.html",
        order=4,
        context={"items": items},
    )


@hooks.register("portal_dashboard_panels")
def overdue_reviews_panel(request):
    """The quality officer sees every procedure whose periodic review is late."""
    if not request.user.is_authenticated or not can_manage_quality_system(request.user):
        return None
    pages = list(procedures_review_overdue()[:10])
    if not pages:
        return None
    return DashboardPanel(
        key="beoordeling-te-laat",
        title=_("Te laat: periodieke beoordeling"),
        template_name="documents/panels/overdue_reviews.html",
        order=6,
        context={"pages": pages},
    )
