from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import health, views
from .accounts import urls as account_urls
from .accounts.views import ThrottledPasswordResetView

portal_patterns = (
    [
        path("inloggen/", views.LoginView.as_view(), name="login"),
        path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
        *account_urls.patterns,
    ],
    "portal",
)

urlpatterns = [
    # For the load balancer and monitoring: no login, no cookie (issue 14).
    path("health/", health.health, name="health"),
    path("", include(portal_patterns)),
    path("", include("cases.urls")),
    path("", include("documents.quality_urls")),
    path("", include("documents.urls")),
    path("zoeken/", include("search.urls")),
    # Wagtail's password reset, throttled per address (issue 18, item 1).
    path(
        settings.PORTAL_ADMIN_PREFIX.strip("/") + "/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    path(settings.PORTAL_ADMIN_PREFIX.strip("/") + "/", include(wagtailadmin_urls)),
    path("documenten/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Page serving last: our wrapper first (same pattern and name as Wagtail's), then
    # Wagtail's own helper URLs.
    re_path(r"^((?:[\w\-]+/)*)$", views.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
