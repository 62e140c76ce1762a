"""Settings shared by every environment.

Values that differ per deployment come from the environment (django-environ); a `.env`
file is read only when ``DJANGO_READ_DOT_ENV_FILE=true`` so that nothing is picked up by
accident on a server.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

# Everything the portal writes (SQLite file, search index, uploads, evidence) lives
# below one git-ignored folder, so a backup is one folder plus the database.
DATA_DIR = Path(env("PORTAL_DATA_DIR", default=str(BASE_DIR / "data")))

# Backups (manage.py backup, README "Backup and restore"): where the dated archives
# go. The command refuses a folder below MEDIA_ROOT, the evidence or STATIC_ROOT.
PORTAL_BACKUP_DIR = Path(env("PORTAL_BACKUP_DIR", default=str(DATA_DIR / "backups")))

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "portal",
    "documents",
    "cases",
    "search",
    "insights",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "portal.users_app.PortalUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "guardian",
    # Accounts (issue 18): lockout after failed logins, and the second factor.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The task queue production runs (PORTAL_TASKS_BACKEND=
    # django_tasks_db.DatabaseBackend, worker: manage.py db_worker); issue 14.
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.accounts.middleware.SessionIdleMiddleware",
    "portal.accounts.middleware.SecondFactorMiddleware",
    "portal.middleware.IntranetLoginRequiredMiddleware",
    "portal.scoping.ObjectScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.security_headers.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.portal",
            ],
            # One date and size style in every template (issue 17, item 2).
            "builtins": ["portal.templatetags.portal_format"],
        },
    },
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'portal.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses a locked-out username/address pair
    # before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Clients never log in and there is no anonymous object access: no guardian
# anonymous user is created.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout (issue 18, item 1; OWASP ASVS 2.2.1): after this many failed logins for one
# account from one address, that pair is locked for the cool-off time. It counts the
# portal's login, the admin's login and wrong second-factor codes alike.
AXES_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("PORTAL_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.lockout_response"
# No Django admin here: lockouts are shown and lifted in the Wagtail admin.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Behind a proxy, set PORTAL_CLIENT_IP_HEADER (e.g. HTTP_X_FORWARDED_FOR) so that
# the lockout counts per client and not per proxy.
PORTAL_CLIENT_IP_HEADER = env("PORTAL_CLIENT_IP_HEADER", default="")
AXES_CLIENT_IP_CALLABLE = "portal.accounts.lockout.client_ip"
# Password-reset requests per address within the cool-off time.
PORTAL_PASSWORD_RESET_LIMIT = env.int("PORTAL_PASSWORD_RESET_LIMIT", default=5)

# Second factor (issue 18, item 2): "required" makes every account that sees
# dossiers or the register enrol a TOTP app and give a code after each password;
# "optional" asks a code only of those who enrolled. Production defaults to
# "required" (production.py); `make run` keeps "optional" for newcomers.
PORTAL_SECOND_FACTOR = env("PORTAL_SECOND_FACTOR", default="optional")
OTP_TOTP_ISSUER = env("PORTAL_OTP_ISSUER", default="Kwaliteitsportaal")
PORTAL_RECOVERY_CODES = 10

# Sessions (issue 18, item 3): end after 30 minutes without activity and when the
# browser closes. A password change ends the account's other sessions (Django
# checks each session's password hash).
SESSION_COOKIE_AGE = env.int("PORTAL_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "portal:login"
WAGTAILADMIN_LOGIN_URL = "portal:login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(
    env("PORTAL_STATIC_ROOT", default=str(BASE_DIR / "static_collected"))
)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("PORTAL_MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "/media/"

EVIDENCE_ROOT = Path(env("PORTAL_EVIDENCE_ROOT", default=str(DATA_DIR / "evidence")))


def _evidence_storage_from_env() -> dict:
    """STORAGES["evidence"] from PORTAL_EVIDENCE_STORAGE: ``local`` (a folder on
    this server, EVIDENCE_ROOT) or ``s3`` (a private bucket of an S3-compatible
    object store, shared by several web servers; README, "Several web servers")."""
    from django.core.exceptions import ImproperlyConfigured

    kind = env("PORTAL_EVIDENCE_STORAGE", default="local").strip().lower()
    if kind == "local":
        return {
            "BACKEND": "cases.storage.EvidenceStorage",
            "OPTIONS": {"location": str(EVIDENCE_ROOT), "base_url": None},
        }
    if kind != "s3":
        raise ImproperlyConfigured(
            f"PORTAL_EVIDENCE_STORAGE={kind!r} is onbekend; kies 'local' (een map op "
            "deze server) of 's3' (een objectopslag die alle webservers delen)."
        )
    bucket = env("PORTAL_S3_BUCKET", default="").strip()
    if not bucket:
        raise ImproperlyConfigured(
            "PORTAL_EVIDENCE_STORAGE=s3 vraagt om PORTAL_S3_BUCKET: de naam van een "
            "privé-bucket voor de bewijsstukken."
        )
    return {
        "BACKEND": "cases.storage.S3EvidenceStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("PORTAL_S3_ENDPOINT_URL", default="") or None,
            "access_key": env("PORTAL_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("PORTAL_S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env("PORTAL_S3_REGION", default="eu-west-1"),
            "location": env("PORTAL_S3_PREFIX", default="").strip("/"),
        },
    }


# Confidential evidence: never below MEDIA_ROOT and without a URL; served only by
# the permission-checked download view.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": _evidence_storage_from_env(),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# With evidence on S3, the download view may answer (after its permission check and
# audit-log entry) with a redirect to a signed link valid this many seconds, so the
# bytes do not pass through the web server. 0 (the default): the view streams them.
PORTAL_EVIDENCE_PRESIGNED_SECONDS = env.int(
    "PORTAL_EVIDENCE_PRESIGNED_SECONDS", default=0
)
# Evidence uploads: files above this size are refused (bytes).
PORTAL_EVIDENCE_MAX_BYTES = env.int(
    "PORTAL_EVIDENCE_MAX_BYTES", default=50 * 1024 * 1024
)
# Uploads above 1 MB go to a temporary file, never to memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Text extraction from uploads runs in a child process with these limits: a file
# that needs longer (seconds) or more memory (MB) is kept, its text marked
# unreadable (files/extraction/bounded.py; README, "Text extraction limits").
PORTAL_EXTRACTION_ISOLATED = env.bool("PORTAL_EXTRACTION_ISOLATED", default=True)
PORTAL_EXTRACTION_TIMEOUT = env.int("PORTAL_EXTRACTION_TIMEOUT", default=30)
PORTAL_EXTRACTION_MEMORY_MB = env.int("PORTAL_EXTRACTION_MEMORY_MB", default=512)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Background work: Wagtail 8 runs search indexing and similar jobs through
# django-tasks. Immediate by default; production may switch to django-tasks-db.
TASKS = {
    "default": {
        "BACKEND": env(
            "PORTAL_TASKS_BACKEND",
            default="django_tasks.backends.immediate.ImmediateBackend",
        )
    }
}

# GET /health/ (portal/health.py): each check is given up after this many
# seconds, and a task that waits longer than the lag bound for a worker makes
# the answer 503 (with django-tasks-db).
PORTAL_HEALTH_TIMEOUT = env.float("PORTAL_HEALTH_TIMEOUT", default=5.0)
PORTAL_HEALTH_MAX_QUEUE_LAG = env.int("PORTAL_HEALTH_MAX_QUEUE_LAG", default=300)

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="kwaliteit@ciio.invalid")

WAGTAIL_SITE_NAME = "Kwaliteitsportaal"
WAGTAILADMIN_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("nl", "Nederlands")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands")]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: it would send hashes of staff e-mail addresses
# outside the organisation (privacy), and the intranet may not reach it anyway.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Procedure attachments are Wagtail documents with room for their extracted text.
WAGTAILDOCS_DOCUMENT_MODEL = "documents.PortalDocument"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "documents.forms.document.PortalDocumentForm"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024

# One engine for the admin, the pages and the cross-dossier search: Whoosh on local
# disk with Dutch analysis (search/backends/whoosh). A deployment with several web
# servers sets PORTAL_SEARCH_BACKEND=database to use modelsearch's database backend
# (PostgreSQL full text) instead; nothing else changes.
if env("PORTAL_SEARCH_BACKEND", default="whoosh") == "database":
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.database",
            "SEARCH_CONFIG": "dutch",
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(DATA_DIR / "whoosh"),
            "LANGUAGE": "nl",
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "portal": {"level": "INFO"},
        "cases": {"level": "INFO"},
        "documents": {"level": "INFO"},
        "search": {"level": "INFO"},
        # Production logs at INFO; the PDF renderer would log every step of
        # every letter and report it makes.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

PORTAL_ORGANISATION_DEFAULT_NAME = "CIIO"
# Target for deciding an appeal after receipt (the procedure sets none; A8).
PORTAL_APPEAL_DECISION_DAYS = env.int("PORTAL_APPEAL_DECISION_DAYS", default=42)
PORTAL_ADMIN_PREFIX = "/admin/"
PORTAL_REGISTER_ONLY_ADMIN_PATHS = ("/admin/reports/site-history/",)
# Traceability (issue 5, item 9): the code of the complaints & appeals procedure
# whose current version each new case records.
PORTAL_COMPLAINTS_PROCEDURE_CODE = env(
    "PORTAL_COMPLAINTS_PROCEDURE_CODE", default="P-07"
)
# E4: a notary's access to the dossier ends at closing, and at the latest after this.
PORTAL_MEDIATION_ACCESS_DAYS = env.int("PORTAL_MEDIATION_ACCESS_DAYS", default=180)

# Security headers (issue 18, item 4). One policy for the portal and the Wagtail
# admin, also in the tests (tests/browser/test_csp.py fails on any violation).
# Scripts and styles only from our own origin: no inline script, style or eval in
# the portal's templates. frame-ancestors is 'none', except for Wagtail's preview,
# which the editor shows in a same-origin iframe (portal.security_headers).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The Wagtail admin (below PORTAL_ADMIN_PREFIX) needs more, and gets it only there:
# inline scripts, which Wagtail 8 writes itself for every chooser, date field and
# inline panel and runs again when a form row is added (wagtail/wagtail#1288);
# style attributes in its markup; blob: images for the previews of uploads.
PORTAL_ADMIN_CSP_UPDATE = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Search and its autocomplete, per user: a bound no person reaches by typing
# (the autocomplete asks once per pause in typing), only a script. None: no bound.
PORTAL_SEARCH_RATE = env("PORTAL_SEARCH_RATE", default="120/m") or None
CACHES = {"default": env.cache("PORTAL_CACHE_URL", default="locmemcache://")}
