"""TRECKK settings. Everything that differs between machines comes from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
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
    "axes",
    "csp",
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
    "audit",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Oversized bodies (413) and undecodable forms (400) are refused before anything reads them (config/limits.py).
    "config.limits.RequestLimitsMiddleware",
    # Errors Django answers itself (a 405) are problem+json under /api/ and /channels/ too (config/error_views.py).
    "config.error_views.ProblemFallbackMiddleware",
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
    # Records 403s and reporter-data exports with user, time and address (audit/middleware.py).
    "audit.middleware.AuditMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout answer.
    "axes.middleware.AxesMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django writes joins from the complaint outwards, the order PostgreSQL picks for this app's queries anyway;
    # letting it search every order of the 7-10 tables a list or case query joins cost 20-40 ms of planning per
    # query at a million rows, against 1-2 ms of execution (docs/scaling.md). A DATABASE_URL ?options= wins.
    # JIT compilation pays off for hour-long analytics, not here: it added 200-350 ms to each of the dashboard's
    # year-long aggregates (EXPLAIN's "JIT: Timing") and nothing to any other query.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c join_collapse_limit=1 -c jit=off")
    # An unreachable database host must fail fast (a 503 the client retries), not hold a worker for the TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address before any password is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# Login lockout (django-axes, docs/security.md): TRECKK_LOGIN_FAILURE_LIMIT failures for one username from one
# address lock that pair for TRECKK_LOGIN_LOCKOUT_MINUTES (failures older than that no longer count); the portal
# login and the API token endpoint count together. A correct password resets the count. `manage.py axes_reset`
# (or axes_reset_username <name>) unlocks.
AXES_FAILURE_LIMIT = int(os.environ.get("TRECKK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("TRECKK_LOGIN_LOCKOUT_MINUTES", "30")))
# Username and address together: a stranger guessing someone's password cannot lock that person out of the
# office, and one office address (many staff behind one NAT) is not locked for one person's typos.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "audit.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "common.ratelimit.client_ip"  # the same address the rate limits and the audit use
AXES_VERBOSE = False  # the audit log records each failure and lockout once, in its own format
AXES_ENABLE_ACCESS_FAILURE_LOG = True

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

# Request limits (config/limits.py, common/limits.py, docs/errors.md). Uploads: phones send photos of a few MB; a file beyond
# TRECKK_MAX_ATTACHMENT_BYTES is refused with 413 `file_too_large`, a multipart body beyond TRECKK_MAX_REQUEST_BYTES
# (TRECKK_MAX_FILES_PER_REQUEST such photos and the form) with 413 `request_too_large` before it is read. Any other body (JSON, forms,
# webhooks) may have DATA_UPLOAD_MAX_MEMORY_SIZE (1 MB; a complaint is a few kB, a provider's webhook batch tens).
TRECKK_MAX_ATTACHMENT_BYTES = int(os.environ.get("TRECKK_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024)))
# Files one request may bring (each form, the case page's photo upload, a complaint from a conversation; the API's
# upload takes one): each is decoded in turn, so the count bounds a request's time. More are refused with the form's
# message (400 `invalid_input` on `file` in the API); DATA_UPLOAD_MAX_NUMBER_FILES stops Django reading far more.
TRECKK_MAX_FILES_PER_REQUEST = int(os.environ.get("TRECKK_MAX_FILES_PER_REQUEST", "5"))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(1024 * 1024)))
TRECKK_MAX_REQUEST_BYTES = int(
    os.environ.get(
        "TRECKK_MAX_REQUEST_BYTES", str(TRECKK_MAX_FILES_PER_REQUEST * TRECKK_MAX_ATTACHMENT_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE)
    )
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # bigger files are spooled to a temporary file while uploading
# Django's default is 100. Beyond the forms' own limit, so that a few too many get the form back with its message.
DATA_UPLOAD_MAX_NUMBER_FILES = 4 * TRECKK_MAX_FILES_PER_REQUEST
TRECKK_MAX_JSON_DEPTH = 20  # a complaint nests 3 levels; deeper JSON is refused with 400 `json_too_deep`
# Photos are decoded to strip their metadata; a larger image (a decompression bomb, or a 200 MP camera) is refused.
TRECKK_MAX_IMAGE_PIXELS = int(os.environ.get("TRECKK_MAX_IMAGE_PIXELS", str(50_000_000)))
# The memory one decode may take, estimated from the header before any pixel is read (common/images.py): pixels
# x Pillow's bytes a pixel (4 for RGB and RGBA), a second image when a photo is turned upright, a progressive JPEG's
# coefficients, a WebP codec's canvases. 96 MiB keeps a worker (about 90 MB after start-up) under 200 MB and
# takes a 12 MP phone photo (4000 x 3000 x 4 = 48 MB) at full size even when it must be turned (96 MB); a 48 or
# 50 MP phone JPEG is decoded at half its size (DCT scaling: 12 MP, 48 MB) and kept so; a 7070 x 7070 RGBA PNG
# (200 MB) is refused. PNG and WebP have no reduced decoding: up to about 25 MP (PNG) or 4.5 MP (WebP) fit.
TRECKK_IMAGE_MAX_DECODED_BYTES = int(os.environ.get("TRECKK_IMAGE_MAX_DECODED_BYTES", str(96 * 1024 * 1024)))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The first class names the WWW-Authenticate challenge; SessionAuthentication has none, and DRF then
        # answers a missing or bad credential with 403 instead of 401.
        "api.auth.ExpiringTokenAuthentication",  # DRF's TokenAuthentication, with idle and absolute expiry
        "api.auth.ChannelKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # JSON only, within common/limits.py's limits (UTF-8, depth): one body format per endpoint, as openapi.yaml
    # documents it, so a generated client sends what the server reads. Uploads (multipart) and Open311 (forms, as
    # GeoReport v2 prescribes) set their own parsers; anything else answers 415 `unsupported_media_type`.
    "DEFAULT_PARSER_CLASSES": ["common.parsers.LimitedJSONParser"],
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
    # 3.1: JSON Schema 2020-12, so a nullable reference (`oneOf: [$ref, {type: "null"}]`) and every example can be
    # checked with a standard validator (tests/test_openapi_contract.py); 3.0's `nullable` cannot say that.
    "OAS_VERSION": "3.1.0",
    # Relative: the installation that serves this document (`/` is OpenAPI's default, written out for linters).
    "SERVERS": [{"url": "/", "description": "This installation (e.g. http://127.0.0.1:8000 with `make run`)."}],
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
    # Every operation's error responses as problem+json with the Problem schema and its codes; then the document
    # made a contract generators can rely on: `security: []` on public operations, no default that breaks its own
    # constraints, no OpenAPI 3.0 `nullable` left over (api/openapi_hooks.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.openapi_hooks.add_problem_responses",
        "channels.open311.openapi.describe_xml",  # Open311's answers in XML too, as its path suffix chooses
        "api.openapi_hooks.make_contract",
    ],
}

# A credential in a URL (Open311's `?api_key=`) is redacted in every request line and error report (config/redaction.py):
# the filter on the request loggers and the console, and the error reporter for the 500 page and the ADMINS e-mail.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "config.redaction.RedactSecretsFilter"}},
    "formatters": {
        # Django's own format for the development server's request lines, which this configuration takes over.
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # httpx logs every request URL at INFO, and Telegram's bot token is part of its URLs.
    "loggers": {
        "httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"},
        # The request loggers, filtered where the record is made, so every handler (Django's own too) gets it redacted.
        "django.request": {"filters": ["redact_secrets"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False, "filters": ["redact_secrets"]},
        # One JSON line per audit entry (kind, user, address, path, status), for a log collector.
        "treckk.audit": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # the audit log records logins and failures; axes' INFO lines would repeat them
    },
}

DEFAULT_EXCEPTION_REPORTER = "config.redaction.RedactingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.redaction.RedactingReporterFilter"

# Sessions: staff share laptops at the kecamatan posts and the Operator desk, so a session ends when the browser
# closes and in any case after TRECKK_SESSION_HOURS (a shift with handover), never lingering for the next person.
SESSION_COOKIE_AGE = int(os.environ.get("TRECKK_SESSION_HOURS", "12")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("TRECKK_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# Staff API tokens (api/auth.py) expire like sessions do: after TRECKK_API_TOKEN_IDLE_HOURS without a request (a
# token left on a shared laptop or in a script dies with the shift), and TRECKK_API_TOKEN_MAX_AGE_DAYS after they
# were issued even when used every day (a leaked token kept alive by its thief still ends). 0 switches either off.
TRECKK_API_TOKEN_IDLE_HOURS = int(os.environ.get("TRECKK_API_TOKEN_IDLE_HOURS", "12"))
TRECKK_API_TOKEN_MAX_AGE_DAYS = int(os.environ.get("TRECKK_API_TOKEN_MAX_AGE_DAYS", "7"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # forms carry the token in a hidden field; the cookie itself holds no session
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS (production, DEBUG off): redirect http to https, cookies only over https, HSTS. `manage.py check --deploy`
# passes without warnings with these defaults (tests/security/test_deploy_check.py proves it).
SECURE_SSL_REDIRECT = env_bool("TRECKK_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # a load balancer's plain-http health probe
SESSION_COOKIE_SECURE = env_bool("TRECKK_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("TRECKK_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TRECKK_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("TRECKK_HSTS_PRELOAD", True)
# Behind a reverse proxy that terminates TLS, Django sees plain http; only when the proxy is ours and always sets
# X-Forwarded-Proto (overwriting the client's) may that header be believed, so this is off unless set.
if env_bool("TRECKK_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp 4): only our own scripts, styles, images and forms; no inline script or
# style, no eval (htmx runs with allowEval off), never framed. The API docs pages relax it for themselves only
# (api/docs.py). docs/security.md.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": [],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}

# Background work (outbox delivery): Django's tasks API with the database backend, so one machine needs
# nothing else; `manage.py run_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TRECKK_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("TRECKK_OUTBOX_MAX_ATTEMPTS", "8"))
TRECKK_OUTBOX_FIRST_RETRY_SECONDS = int(os.environ.get("TRECKK_OUTBOX_FIRST_RETRY_SECONDS", "30"))
TRECKK_OUTBOX_MAX_RETRY_SECONDS = int(os.environ.get("TRECKK_OUTBOX_MAX_RETRY_SECONDS", "3600"))
TRECKK_OUTBOX_LEASE_SECONDS = int(os.environ.get("TRECKK_OUTBOX_LEASE_SECONDS", "120"))
TRECKK_OUTBOX_SWEEP_SECONDS = int(os.environ.get("TRECKK_OUTBOX_SWEEP_SECONDS", "60"))
# Webhooks to integrators retry on Standard Webhooks' example schedule (the waits after the first, immediate attempt:
# 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: ten attempts over about three days), each wait varied by up to
# TRECKK_WEBHOOK_RETRY_JITTER either way; then the message is a dead letter. Other outbound messages keep the
# TRECKK_OUTBOX_* backoff above. A rotated webhook secret keeps signing beside the new one for the grace period.
TRECKK_WEBHOOK_RETRY_SCHEDULE = tuple(
    int(seconds) for seconds in os.environ.get("TRECKK_WEBHOOK_RETRY_SCHEDULE", "5,300,1800,7200,18000,36000,50400,72000,86400").split(",")
)
TRECKK_WEBHOOK_RETRY_JITTER = float(os.environ.get("TRECKK_WEBHOOK_RETRY_JITTER", "0.1"))
TRECKK_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("TRECKK_WEBHOOK_TIMEOUT_SECONDS", "15"))  # the spec: 15 to 30 s
TRECKK_WEBHOOK_SECRET_GRACE_HOURS = int(os.environ.get("TRECKK_WEBHOOK_SECRET_GRACE_HOURS", "24"))
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
    # Tracking lookups, page and API together, and Open311 reads without a key (each tracking code counts once).
    "track": os.environ.get("TRECKK_RATE_LIMIT_TRACK", "30/10m"),
    "report": os.environ.get("TRECKK_RATE_LIMIT_REPORT", "10/h"),  # web form submissions (refused ones too)
    "feedback": os.environ.get("TRECKK_RATE_LIMIT_FEEDBACK", "10/h"),  # ratings sent, page and API together
    # Login attempts per address, portal and API token together (the lockout above counts per username+address).
    "login": os.environ.get("TRECKK_RATE_LIMIT_LOGIN", "50/10m"),
    # Intake per channel (counted by channel, not by address): messages and complaints a channel key may send.
    "intake": os.environ.get("TRECKK_RATE_LIMIT_INTAKE", "600/m"),
}
# The client address is REMOTE_ADDR unless the app runs behind this many reverse proxies that each append to
# X-Forwarded-For; a client could write anything into that header, so it is trusted only when this says so.
TRECKK_PROXY_COUNT = int(os.environ.get("TRECKK_PROXY_COUNT", "0"))
# The web form is refused when sent sooner than this after it was served (bots fill forms instantly) or later
# than the maximum age (the hidden timestamp must not be harvested once and replayed for ever).
TRECKK_FORM_MIN_SECONDS = int(os.environ.get("TRECKK_FORM_MIN_SECONDS", "3"))
TRECKK_FORM_MAX_AGE_SECONDS = int(os.environ.get("TRECKK_FORM_MAX_AGE_SECONDS", str(24 * 3600)))

# Messaging providers. Base URLs are settings so tests (and a staging proxy) can point them elsewhere.
# The Graph API version is part of it; channels/whatsapp/versions.py knows when each ends and warns before.
WHATSAPP_GRAPH_BASE_URL = os.environ.get("WHATSAPP_GRAPH_BASE_URL", "https://graph.facebook.com/v26.0")
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
# How TRECKK and LAPOR exchange reports (channels/sp4n_lapor/adapters.py): "api" pulls and pushes through LAPOR's
# integration API (the settings below); "manual" has the Operator record LAPOR's reports in the portal and post the
# follow-ups into LAPOR's admin by hand (/sp4n-lapor/). Empty: "api" when SP4N_LAPOR_BASE_URL is set, else "manual".
SP4N_LAPOR_MODE = os.environ.get("SP4N_LAPOR_MODE", "").strip().lower()
if SP4N_LAPOR_MODE not in ("", "api", "manual"):
    raise ImproperlyConfigured("SP4N_LAPOR_MODE must be 'api', 'manual' or empty.")
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
