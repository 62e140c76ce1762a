from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.dashboard import DashboardPanel


@hooks.register("portal_dashboard_panels")
def my_cases_panel(request):
    # Filled by the case register (signals, complaints, appeals assigned to the user);
    # until it exists there is honestly nothing to act on.
    return DashboardPanel(
        key="zaken",
        title=_("Mijn zaken"),
        template_name="cases/panels/my_cases.html",
        order=10,
        context={"items": []},
        empty_text=_("Er staan geen zaken voor u open."),
    )
