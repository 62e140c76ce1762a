from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.pages import PagePermissionPolicy

from .accounts import admin_views
from .dashboard import DashboardPanel
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
