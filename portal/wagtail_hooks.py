from django.contrib.auth.views import redirect_to_login
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy

from .accounts import admin_views
from .dashboard import DashboardPanel, panels_for
from .roles import has_register_access
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
        # Only a link the user may follow: the page tree is for those who edit
        # pages (the quality officer), not for every role with admin access.
        context={
            "may_explore_pages": PagePermissionPolicy().explorable_root_instance(
                request.user
            )
            is not None
        },
    )


@hooks.register("construct_page_chooser_queryset")
def page_chooser_only_known_pages(pages, request):
    """The page chooser (browse and search) offers only pages the user may know
    of: a never-published draft stays invisible to readers (portal.scoping)."""
    return pages.filter(pk__in=pages_known_to(request.user).values("pk"))


@hooks.register("construct_explorer_page_queryset")
def explorer_only_known_pages(parent_page, pages, request):
    return pages.filter(pk__in=pages_known_to(request.user).values("pk"))


@hooks.register("register_admin_urls")
def register_security_urls():
    patterns = (
        [
            path("", admin_views.security_index, name="index"),
            path("opheffen/", admin_views.lockout_lift_view, name="lockout_lift"),
            path(
                "tweede-stap/<int:pk>/wissen/",
                admin_views.second_factor_reset_view,
                name="second_factor_reset",
            ),
        ],
        "portal_security",
    )
    return [path("beveiliging/", include(patterns))]


@hooks.register("register_settings_menu_item")
def security_menu_item():
    class RegisterOnlyMenuItem(MenuItem):
        def is_shown(self, request):
            return has_register_access(request.user)

    return RegisterOnlyMenuItem(
        _("Aanmelden en beveiliging"),
        reverse("portal_security:index"),
        icon_name="lock",
        order=50,
    )


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    for action, label in (
        ("portal.login", _("Ingelogd")),
        ("portal.logout", _("Uitgelogd")),
        ("portal.login.failed", _("Mislukte inlogpoging")),
        ("portal.lockout", _("Geblokkeerd na te veel mislukte pogingen")),
        ("portal.lockout.lifted", _("Blokkade opgeheven")),
        ("portal.second_factor.enrolled", _("Tweestapsverificatie ingesteld")),
        ("portal.second_factor.reset", _("Tweestapsverificatie gewist")),
        ("portal.second_factor.recovery_used", _("Herstelcode gebruikt")),
    ):
        actions.register_action(action, label, label)


# The admin as the organisation's portal (issue 17, item 3) ------------------------


@hooks.register("insert_global_admin_css")
def portal_admin_colours():
    """The portal's colours in the admin, through Wagtail's colour variables."""
    return format_html(
        '<link rel="stylesheet" href="{}">', static("portal/admin-brand.css")
    )


# Wagtail's own help menu (registered by wagtail.admin as "help"): its release
# notes ("Wat is er nieuw in Wagtail 8.0", with a badge) and its English editor
# guide mean nothing to staff; the functional administrator keeps them.
@hooks.register("construct_main_menu")
def hide_wagtail_help_menu(request, menu_items):
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "help"]


@hooks.register("construct_homepage_summary_items", order=100)
def site_summary_only_for_superusers(request, summary_items):
    """The site summary ("7 pagina's") tells a role nothing about its work; the
    role's own panels take its place (PortalWorkPanel)."""
    if not request.user.is_superuser:
        summary_items[:] = []


class PortalWorkPanel(Component):
    """The portal's "Mijn werk" panels (portal.dashboard) on the admin's dashboard,
    so that each role finds its work wherever it lands."""

    name = "portal_work"
    template_name = "wagtailadmin/home/portal_work.html"
    order = 50

    def __init__(self, request):
        self.request = request

    def render_html(self, parent_context=None):
        # Rendered with the request, so that the panels' templates see the same
        # context (settings, user) as on the portal's start page.
        panels = [p for p in panels_for(self.request) if p.key != "beheer"]
        return get_template(self.template_name).render(
            {"panels": panels}, request=self.request
        )


@hooks.register("construct_homepage_panels")
def portal_work_on_admin_dashboard(request, panels):
    panels.insert(0, PortalWorkPanel(request))


@hooks.register("register_account_settings_panel")
def register_function_panel(request, user, profile):
    """Each user sets the function that stands under her name in letters."""
    from .users import FunctionSettingsPanel

    return FunctionSettingsPanel(request, user, profile)
