from django.core.cache import cache
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from cases import kinds
from cases.selectors_monitor import appeals_with_letter_unsent, running_deadlines
from documents.selectors_figures import open_read_campaigns
from portal import hooks as portal_hooks
from portal.dashboard import DashboardPanel
from portal.scoping import register_object_scope

from . import charts
from .figures import annual_figures
from .models import CoreGroupMeeting
from .permissions import (
    can_edit_review,
    can_keep_meetings,
    can_monitor,
    can_view_meetings,
    can_view_reviews,
)
from .selectors import closed_not_discussed, discussed_on, meetings_visible_to
from .urls import urlpatterns

# The headline figures on management's dashboard are counted at most this often.
HEADLINE_SECONDS = 300

# Every admin URL naming a meeting answers 404 outside this scope.
register_object_scope(CoreGroupMeeting, meetings_visible_to)

# "Besproken in de kerngroep op …" on the register and the case pages (C11).
hooks.register(portal_hooks.CASE_DISCUSSED, discussed_on)


@hooks.register("register_admin_urls")
def register_insights_urls():
    return [path("kwaliteit/", include((urlpatterns, "insights_admin")))]


class _MeetingsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_meetings(request.user)


class _ReviewsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_reviews(request.user)


@hooks.register("register_admin_menu_item")
def insights_menu():
    return SubmenuMenuItem(
        _("Overleg & cijfers"),
        Menu(
            items=[
                _MeetingsMenuItem(
                    _("Kerngroepbijeenkomsten"),
                    reverse("insights_admin:meetings"),
                    icon_name="group",
                ),
                _ReviewsMenuItem(
                    _("Directiebeoordeling"),
                    reverse("insights_admin:reviews"),
                    icon_name="doc-full",
                ),
            ]
        ),
        icon_name="table",
        order=175,
    )


@hooks.register("portal_dashboard_panels")
def undiscussed_cases_panel(request):
    """C11: closed complaints, appeals and mediations no core-group meeting has
    discussed yet, for whoever keeps the meetings."""
    if not request.user.is_authenticated or not can_keep_meetings(request.user):
        return None
    if not request.user.has_perm("cases.view_register"):
        return None  # a core-group member sees the meeting, not this register list
    count, cases = closed_not_discussed(limit=8)
    if not count:
        return None
    rows = [
        {
            "number": c.number,
            "kind": str(kinds.by_key(c.kind).title),
            "closed": c.closed,
            "url": reverse(kinds.by_key(c.kind).route, args=[c.pk]),
        }
        for c in cases
    ]
    return DashboardPanel(
        key="niet-besproken",
        title=_("Afgesloten, nog niet besproken in de kerngroep"),
        template_name="insights/panels/undiscussed.html",
        order=8,
        context={
            "rows": rows,
            "count": count,
            "more": count - len(rows),
            "meetings_url": reverse("insights_admin:meetings"),
        },
    )


@hooks.register("portal_dashboard_panels")
def year_in_figures_panel(request):
    """Management's "Mijn werk": this year's headline figures with one small chart
    (C11), and the way to the annual review."""
    user = request.user
    if not user.is_authenticated or not can_edit_review(user):
        return None
    year = timezone.localdate().year
    key = f"insights:headline:{year}"
    cached = cache.get(key)
    if cached is None:
        figures = annual_figures(year)
        cached = {
            "rows": figures["cases"],
            "chart": charts.as_image(charts.bars_per_month(figures)),
        }
        cache.set(key, cached, HEADLINE_SECONDS)
    return DashboardPanel(
        key="cijfers",
        title=_("Dit jaar in cijfers"),
        template_name="insights/panels/year_in_figures.html",
        order=5,
        context={
            **cached,
            "year": year,
            "review_url": reverse("insights_admin:review", args=[year - 1]),
            "last_year": year - 1,
        },
    )


@hooks.register("portal_dashboard_panels")
def monitoring_panel(request):
    """The quality officer's watch list (C11): complaints, signals and appeals
    by deadline, decided appeals whose letter has not left, read campaigns still
    running."""
    if not request.user.is_authenticated or not can_monitor(request.user):
        return None
    count, deadlines = running_deadlines(limit=6)
    unsent = appeals_with_letter_unsent()
    campaigns = open_read_campaigns(timezone.localdate())[:4]
    if not (deadlines or unsent or campaigns):
        return None
    return DashboardPanel(
        key="bewaking",
        title=_("Wat u bewaakt"),
        template_name="insights/panels/monitoring.html",
        order=7,
        context={
            "deadlines": deadlines,
            "more": count - len(deadlines),
            "register_url": reverse("cases_admin:register"),
            "unsent": [
                {
                    "number": a.number,
                    "client": a.appellant.name,
                    "decided": a.decided_at,
                    "url": reverse("cases_admin:appeal", args=[a.pk]),
                }
                for a in unsent
            ],
            "campaigns": campaigns,
            "acknowledgements_url": reverse("documents_admin:acknowledgements"),
        },
    )
