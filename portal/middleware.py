from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware


class IntranetLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every URL needs a login unless its view says otherwise (Django's
    ``login_not_required``).

    Two exceptions are delegated rather than listed here: the Wagtail admin does its
    own login check (and has views Django's marker does not know), and page serving
    (`portal.views.serve`) lets anonymous visitors into the public section only.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(settings.PORTAL_ADMIN_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
