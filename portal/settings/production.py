"""Production: every secret must come from the environment, or the process refuses
to start. With them set, ``manage.py check --deploy`` reports nothing."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

_REQUIRED = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")
_missing = [name for name in _REQUIRED if not env.str(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Productie-instellingen: de omgevingsvariabele(n) "
        + ", ".join(_missing)
        + " ontbreken. Zet ze (zie README, 'Configuratie') en start opnieuw."
    )

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # A database that does not answer fails a request (and /health/) after this
    # many seconds instead of hanging on the TCP timeout; a connect_timeout in
    # DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DJANGO_DB_CONNECT_TIMEOUT", default=10)
    )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The load balancer may probe the backend over plain HTTP: no redirect there.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
PORTAL_SECOND_FACTOR = env("PORTAL_SECOND_FACTOR", default="required")
# Wagtail marks its own preview views SAMEORIGIN where it needs them.
X_FRAME_OPTIONS = "DENY"

# Background work (evidence and attachment text extraction, search indexing) runs
# in a worker process, `manage.py db_worker`, not in the request (issue 14). The
# web processes and the worker must use the same backend.
TASKS = {
    "default": {
        "BACKEND": env(
            "PORTAL_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"
        )
    }
}

STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)

LOGGING["root"]["level"] = "INFO"
