"""TRECKK settings. Everything that differs between machines comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("TRECKK_ALLOW_INSECURE_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for local development and tests: a fixed key makes sessions survive restarts.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "template_partials",
    "complaints",
    "roles",
    "api",
    "portal",
    "channels",
    "public",
    "duty",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database outage anywhere below answers 503 with Retry-After instead of 500 (config/outage.py).
    "config.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a worker share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database host must fail fast (a 503 the client retries), not hold a worker for the TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# Guardian: complaints use direct foreign-key permission tables; no anonymous user row is needed.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = True

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: phones send photos of a few MB; anything beyond this is refused with 413.
TRECKK_MAX_ATTACHMENT_BYTES = int(os.environ.get("TRECKK_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The first class names the WWW-Authenticate challenge; SessionAuthentication has none, and DRF then
        # answers a missing or bad credential with 403 instead of 401.
        "rest_framework.authentication.TokenAuthentication",
        "api.auth.ChannelKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "TRECKK API",
    "DESCRIPTION": (
        "Complaint handling for Satpol PP Kabupaten Balangan. Every complaint follows the 8-step SOP; "
        "each step belongs to one role and has a time limit. Staff authenticate with a session or a "
        "token (`Authorization: Token <key>`); messaging channels with their API key "
        "(`Authorization: Api-Key <key>`). Workflow errors: 403 the role or row may not act, 409 the "
        "complaint is not in a state that allows the action, 412 the complaint changed since the "
        "version you read (send `If-Match` or `version`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "complaints.workflow.Status",
        "ComplaintKindEnum": "complaints.models.taxonomy.ComplaintKind",
        "AttachmentKindEnum": "complaints.models.attachment.AttachmentKind",
        "ReturnReasonEnum": "complaints.workflow.ReturnReason",
        "OutcomeEnum": "complaints.workflow.Outcome",
        "ChannelKindEnum": "complaints.models.channel.ChannelKind",
        "FieldResultEnum": "complaints.models.field_report.FieldResult",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # httpx logs every request URL at INFO, and Telegram's bot token is part of its URLs.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Background work (outbox delivery): Django's tasks API with the database backend, so one machine needs
# nothing else; `manage.py run_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TRECKK_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("TRECKK_OUTBOX_MAX_ATTEMPTS", "8"))
TRECKK_OUTBOX_FIRST_RETRY_SECONDS = int(os.environ.get("TRECKK_OUTBOX_FIRST_RETRY_SECONDS", "30"))
TRECKK_OUTBOX_MAX_RETRY_SECONDS = int(os.environ.get("TRECKK_OUTBOX_MAX_RETRY_SECONDS", "3600"))
TRECKK_OUTBOX_LEASE_SECONDS = int(os.environ.get("TRECKK_OUTBOX_LEASE_SECONDS", "120"))
TRECKK_OUTBOX_SWEEP_SECONDS = int(os.environ.get("TRECKK_OUTBOX_SWEEP_SECONDS", "60"))
TRECKK_SLA_SWEEP_SECONDS = int(os.environ.get("TRECKK_SLA_SWEEP_SECONDS", "60"))
TRECKK_HTTP_TIMEOUT_SECONDS = float(os.environ.get("TRECKK_HTTP_TIMEOUT_SECONDS", "10"))
# The address citizens and staff reach this site at; messages sent out of the site (tracking links, SLA
# alerts) are built on it, because a worker has no request to take the host from.
TRECKK_PUBLIC_URL = os.environ.get("TRECKK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Cache: the public pages' rate limits count here. With REDIS_URL every app server shares one count; without it
# each process keeps its own in memory, which is right for one process (runserver, a single worker) only.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "treckk"}}

# Public pages (tracking, web form, feedback; messages link to them under TRECKK_PUBLIC_URL above).
# Requests per client address: "<count>/<period>", period s, m, h or d with an optional number ("30/10m").
TRECKK_RATE_LIMITS = {
    "track": os.environ.get("TRECKK_RATE_LIMIT_TRACK", "30/10m"),  # tracking lookups, page and API together
    "report": os.environ.get("TRECKK_RATE_LIMIT_REPORT", "10/h"),  # web form submissions (refused ones too)
    "feedback": os.environ.get("TRECKK_RATE_LIMIT_FEEDBACK", "10/h"),  # ratings sent, page and API together
}
# The client address is REMOTE_ADDR unless the app runs behind this many reverse proxies that each append to
# X-Forwarded-For; a client could write anything into that header, so it is trusted only when this says so.
TRECKK_PROXY_COUNT = int(os.environ.get("TRECKK_PROXY_COUNT", "0"))
# The web form is refused when sent sooner than this after it was served (bots fill forms instantly) or later
# than the maximum age (the hidden timestamp must not be harvested once and replayed for ever).
TRECKK_FORM_MIN_SECONDS = int(os.environ.get("TRECKK_FORM_MIN_SECONDS", "3"))
TRECKK_FORM_MAX_AGE_SECONDS = int(os.environ.get("TRECKK_FORM_MAX_AGE_SECONDS", str(24 * 3600)))

# Messaging providers. Base URLs are settings so tests (and a staging proxy) can point them elsewhere.
WHATSAPP_GRAPH_BASE_URL = os.environ.get("WHATSAPP_GRAPH_BASE_URL", "https://graph.facebook.com/v21.0")
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_ACCESS_TOKEN = os.environ.get("WHATSAPP_ACCESS_TOKEN", "")
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")  # checks X-Hub-Signature-256
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")  # answers the hub.challenge
# Outside the 24-hour customer-service window WhatsApp accepts only approved templates.
WHATSAPP_REPLY_TEMPLATE = os.environ.get("WHATSAPP_REPLY_TEMPLATE", "treckk_update")
WHATSAPP_TEMPLATE_LANGUAGE = os.environ.get("WHATSAPP_TEMPLATE_LANGUAGE", "id")
TELEGRAM_API_BASE_URL = os.environ.get("TELEGRAM_API_BASE_URL", "https://api.telegram.org")
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")  # X-Telegram-Bot-Api-Secret-Token

# SP4N-LAPOR! connector (docs/integrations/sp4n-lapor.md). Without a base URL and a token it stays off: the worker
# does not pull, and `manage.py lapor_pull` says so. Pushes back to LAPOR go through the outbox.
SP4N_LAPOR_BASE_URL = os.environ.get("SP4N_LAPOR_BASE_URL", "").rstrip("/")
SP4N_LAPOR_API_TOKEN = os.environ.get("SP4N_LAPOR_API_TOKEN", "")  # sent as "Authorization: Bearer <token>"
SP4N_LAPOR_AGENCY_ID = os.environ.get("SP4N_LAPOR_AGENCY_ID", "")  # this unit's instansi id, sent as X-Lapor-Agency
SP4N_LAPOR_CHANNEL_NAME = os.environ.get("SP4N_LAPOR_CHANNEL_NAME", "SP4N-LAPOR!")  # the Channel its complaints get
SP4N_LAPOR_PULL_SECONDS = int(os.environ.get("SP4N_LAPOR_PULL_SECONDS", "300"))  # the worker pulls this often
SP4N_LAPOR_PAGE_SIZE = int(os.environ.get("SP4N_LAPOR_PAGE_SIZE", "50"))
SP4N_LAPOR_MAX_PAGES = int(os.environ.get("SP4N_LAPOR_MAX_PAGES", "20"))  # per pull; the next pull goes on
SP4N_LAPOR_DEFAULT_DISTRICT = os.environ.get("SP4N_LAPOR_DEFAULT_DISTRICT", "paringin")  # kecamatan slug
SP4N_LAPOR_FOLLOW_UP_WORKING_DAYS = int(os.environ.get("SP4N_LAPOR_FOLLOW_UP_WORKING_DAYS", "5"))
# Hosts the worker may download a report's files from, besides LAPOR's own (comma-separated).
SP4N_LAPOR_ATTACHMENT_HOSTS = env_list("SP4N_LAPOR_ATTACHMENT_HOSTS", "")


def _env_json_object(name: str) -> dict:
    import json

    value = json.loads(os.environ.get(name) or "{}")
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object.")
    return value


# LAPOR category name -> our category slug, added to the built-in table (channels/sp4n_lapor/mapping.py).
SP4N_LAPOR_CATEGORY_MAP = _env_json_object("SP4N_LAPOR_CATEGORY_MAP")

# Open311 GeoReport v2 at /open311/v2/ (docs/integrations/open311.md).
OPEN311_JURISDICTION_ID = os.environ.get("OPEN311_JURISDICTION_ID", "balangankab.go.id")
OPEN311_DEFAULT_DISTRICT = os.environ.get("OPEN311_DEFAULT_DISTRICT", "paringin")  # when no kecamatan can be read
