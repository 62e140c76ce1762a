from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import Http404

from .roles import has_register_access


class IntranetLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every URL needs a login unless its view says otherwise (Django's
    ``login_not_required``).

    Two exceptions are delegated rather than listed here: the Wagtail admin does its
    own login check (and has views Django's marker does not know), and page serving
    (`portal.views.serve`) lets anonymous visitors into the public section only.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(settings.PORTAL_ADMIN_PREFIX):
            if (
                request.user.is_authenticated
                and request.path.startswith(settings.PORTAL_REGISTER_ONLY_ADMIN_PATHS)
                and not has_register_access(request.user)
            ):
                # Wagtail's site history lists every log entry of a model to anyone
                # with any permission on it, titles (client and file names)
                # included; only those who see the whole register may read it.
                raise Http404
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
