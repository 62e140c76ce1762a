from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from wagtail import views as wagtail_views


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


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
