from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from wagtail import views as wagtail_views

ADMIN_PREFIX = "/admin/"


@login_not_required
def serve(request, path):
    """Wagtail's page serving, reachable without login so that the public section
    works; the ``before_serve_page`` hook sends anonymous visitors of any other page
    to the login. A path that does not exist does the same for them, so an
    anonymous visitor cannot tell a private page from a missing one."""
    try:
        return wagtail_views.serve(request, path)
    except Http404:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise


# Overriding dispatch drops the base class's login_not_required mark.
@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        # Wagtail sends a signed-in user without admin access to the login page
        # with ?next=/admin/...; sending her back there would loop (and pile up
        # Wagtail's message once per round). Her start page is where her work is.
        user = request.user
        target = self.get_redirect_url() or ""
        if (
            user.is_authenticated
            and target.startswith(ADMIN_PREFIX)
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            list(messages.get_messages(request))  # Wagtail's informal "je"
            messages.info(
                request,
                _(
                    "Het beheergedeelte is niet voor uw rol. Op deze startpagina "
                    "vindt u alles wat u in het portaal kunt doen."
                ),
            )
            return redirect("/")
        return super().dispatch(request, *args, **kwargs)
