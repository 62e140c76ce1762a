"""The admin's search box (the sidebar's, and the first tab of the admin's
search results) searches the portal's one search: cases, files, clients and
procedures as far as the user may see them, not only the page tree."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.search import SearchArea


class PortalSearchArea(SearchArea):
    """Before Wagtail's page search (order 100): the sidebar uses the first.
    Built when the admin first asks for its search areas (URLs loaded)."""

    def __init__(self):
        super().__init__(
            _("Alles in het portaal"),
            reverse("search:search"),
            name="portaal",
            icon_name="search",
            order=10,
        )


@hooks.register("register_admin_search_area")
def register_portal_search_area():
    return PortalSearchArea()
