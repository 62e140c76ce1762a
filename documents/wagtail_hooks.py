from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.dashboard import DashboardPanel

from .selectors import current_procedures


@hooks.register("portal_dashboard_panels")
def recent_procedures_panel(request):
    return DashboardPanel(
        key="procedures",
        title=_("Procedures"),
        template_name="documents/panels/recent_procedures.html",
        order=50,
        context={"procedures": current_procedures()[:6]},
        empty_text=_("Er zijn nog geen procedures gepubliceerd."),
    )
