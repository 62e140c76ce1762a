from documents.selectors import handbook

from .models import PublicIndexPage
from .roles import is_external_notary, role_name


def portal(request):
    user = getattr(request, "user", None)
    public = PublicIndexPage.objects.live().first()
    context = {
        "portal_roles": [],
        "portal_can_admin": False,
        "public_url": public.url if public else None,
    }
    if user is None or not user.is_authenticated:
        return context
    # The handbook's index lists every procedure: not for an external notary, who
    # reads only those of her dispute (E4), from her dashboard.
    book = None if is_external_notary(user) else handbook()
    context.update(
        portal_roles=[role_name(code) for code in user.role_codes],
        portal_can_admin=user.has_perm("wagtailadmin.access_admin"),
        handbook_url=book.url if book else None,
    )
    return context
