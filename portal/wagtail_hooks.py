from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .dashboard import DashboardPanel
from .scoping import pages_known_to


@hooks.register("before_serve_page")
def require_login_outside_public_section(page, request, serve_args, serve_kwargs):
    """Intranet by default: only pages that declare themselves publicly visible (the
    public section, procedures marked public) are served to anonymous visitors."""
    if request.user.is_authenticated:
        return None
    if getattr(page.specific, "publicly_visible", False):
        return None
    return redirect_to_login(request.get_full_path())


@hooks.register("portal_dashboard_panels")
def admin_shortcuts_panel(request):
    if not request.user.has_perm("wagtailadmin.access_admin"):
        return None
    return DashboardPanel(
        key="beheer",
        title=_("Beheeromgeving"),
        template_name="portal/panels/admin_shortcuts.html",
        order=900,
    )


@hooks.register("construct_page_chooser_queryset")
def page_chooser_only_known_pages(pages, request):
    """The page chooser (browse and search) offers only pages the user may know
    of: a never-published draft stays invisible to readers (portal.scoping)."""
    return pages.filter(pk__in=pages_known_to(request.user).values("pk"))


@hooks.register("construct_explorer_page_queryset")
def explorer_only_known_pages(parent_page, pages, request):
    return pages.filter(pk__in=pages_known_to(request.user).values("pk"))
