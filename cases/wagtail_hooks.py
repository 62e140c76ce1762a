from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.models import ModelLogEntry
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from portal.dashboard import DashboardPanel
from portal.roles import is_external_notary

from .models import (
    Appeal,
    Audit,
    Certificate,
    CertificationDecision,
    Client,
    EvidenceFile,
    Signal,
)
from .panels import lessons_panel, register_panel
from .permissions import can_qualify_signals, can_report_signal, has_register_access
from .selectors import dossier_grants_of, signals_visible_to
from .urls import admin_urlpatterns
from .views.admin import DossierViewSetGroup, RegisterViewSetGroup
from .views.admin_base import DossierPermissionPolicy
from .views.letters import LetterTemplateViewSet

DOSSIER_MODELS = (
    Client,
    Audit,
    CertificationDecision,
    Certificate,
    EvidenceFile,
    Appeal,
)

# Before anything reads them (DESIGN.md pitfalls): per-instance answers from the
# scoping selectors.
for _model in DOSSIER_MODELS:
    register_permission_policy(_model, DossierPermissionPolicy(_model))

register_snippet(DossierViewSetGroup)
RegisterViewSetGroup.items = (*RegisterViewSetGroup.items, LetterTemplateViewSet)
register_snippet(RegisterViewSetGroup)


@hooks.register("register_admin_urls")
def register_dossier_urls():

    return [path("klantdossier/", include(admin_urlpatterns))]


@hooks.register("register_snippet_listing_buttons")
def dossier_listing_button(snippet, user, next_url=None):
    if isinstance(snippet, Client):
        yield ListingButton(
            _("Dossier"),
            reverse("cases_admin:dossier", args=[snippet.pk]),
            icon_name="folder-open-inverse",
            priority=5,
        )
    if isinstance(snippet, Appeal):
        yield ListingButton(
            _("Zaakpagina"),
            reverse("cases_admin:appeal", args=[snippet.pk]),
            icon_name="warning",
            priority=5,
        )


@hooks.register("register_admin_menu_item")
def appeal_lodge_menu_item():
    from wagtail.admin.menu import MenuItem

    class RegisterOnlyMenuItem(MenuItem):
        def is_shown(self, request):
            return has_register_access(request.user)

    return RegisterOnlyMenuItem(
        _("Beroep registreren"),
        reverse("cases_admin:appeal_lodge"),
        icon_name="plus",
        order=160,
    )


@hooks.register("register_admin_menu_item")
def register_list_menu_item():
    from wagtail.admin.menu import MenuItem

    class RegisterOnlyMenuItem(MenuItem):
        def is_shown(self, request):
            return has_register_access(request.user)

    return RegisterOnlyMenuItem(
        _("Registeroverzicht"),
        reverse("cases_admin:register"),
        icon_name="table",
        order=155,
    )


@hooks.register("register_log_actions")
def register_dossier_log_actions(actions):
    for model in DOSSIER_MODELS:
        actions.register_model(model, ModelLogEntry)
    actions.register_action(
        "portal.evidence.upload", _("Bewijsstuk toegevoegd"), _("Bewijsstuk toegevoegd")
    )
    actions.register_action(
        "portal.evidence.download",
        _("Bewijsstuk gedownload"),
        _("Bewijsstuk gedownload of bekeken"),
    )
    actions.register_action(
        "portal.evidence.delete",
        _("Bewijsstuk verwijderd"),
        _("Bewijsstuk verwijderd (grafsteen blijft)"),
    )
    actions.register_action(
        "portal.grant", _("Toegang verleend"), _("Toegang verleend")
    )
    actions.register_action(
        "portal.revoke", _("Toegang ingetrokken"), _("Toegang ingetrokken")
    )
    actions.register_action(
        "portal.grant_expired", _("Toegang verlopen"), _("Toegang verlopen")
    )
    actions.register_action(
        "portal.notary.deactivated",
        _("Account notaris gedeactiveerd"),
        _("Account van de notaris gedeactiveerd: de laatste toegang is beëindigd"),
    )
    actions.register_action(
        "portal.notary.reactivated",
        _("Account notaris geactiveerd"),
        _("Account van de notaris weer geactiveerd na nieuwe toestemming"),
    )
    actions.register_action(
        "portal.decision.emailed",
        _("Beslissing verzonden"),
        _("Beslissing per e-mail verzonden"),
    )
    actions.register_action(
        "portal.decision.superseded",
        _("Beslissing vervangen"),
        _("Beslissing vervangen door een nieuwe"),
    )


@hooks.register("portal_dashboard_panels")
def my_cases_panel(request):
    """Signals to qualify (quality officer, S3) and the user's own reported signals;
    complaints and appeals join here as the register grows."""

    user = request.user
    if can_qualify_signals(user):
        items = signals_visible_to(user).filter(state=Signal.State.RECEIVED)
        title = _("Te kwalificeren signalen")
        empty = _("Er wachten geen signalen op kwalificatie.")
    else:
        items = signals_visible_to(user).filter(reported_by=user)
        title = _("Mijn gemelde signalen")
        empty = _("U hebt nog geen signalen gemeld.")
    items = list(items.select_related("client").order_by("decide_by")[:8])
    may_report = can_report_signal(user)
    if not items and not may_report:
        return None
    return DashboardPanel(
        key="zaken",
        title=title,
        template_name="cases/panels/my_cases.html",
        order=10,
        context={"items": items, "may_report": may_report},
        empty_text=empty,
    )


@hooks.register("portal_dashboard_panels")
def notary_access_panel(request):
    """E4: an external notary sees until when she may read which dossier, or that
    she has no access now."""
    if not is_external_notary(request.user):
        return None
    return DashboardPanel(
        key="toegang",
        title=_("Uw toegang"),
        template_name="cases/panels/notary_access.html",
        order=1,
        context={"grants": dossier_grants_of(request.user)},
        empty_text=_(
            "U hebt op dit moment geen toegang tot een klantdossier. U krijgt "
            "toegang zodra beide partijen toestemming geven voor een mediation."
        ),
    )


@hooks.register("portal_dashboard_panels")
def register_work_panel(request):

    return register_panel(request)


@hooks.register("register_admin_menu_item")
def mediation_open_menu_item():
    from wagtail.admin.menu import MenuItem

    class RegisterOnlyMenuItem(MenuItem):
        def is_shown(self, request):
            return has_register_access(request.user)

    return RegisterOnlyMenuItem(
        _("Beslissing naar mediation"),
        reverse("cases_admin:mediation_open"),
        icon_name="group",
        order=162,
    )


@hooks.register("portal_dashboard_panels")
def lessons_work_panel(request):

    return lessons_panel(request)
