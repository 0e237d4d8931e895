"""Django settings for the PAC tracker.

Every value comes from an environment variable with a working local default (see the
README's configuration table); ``pacsite.env`` rejects malformed values at start-up.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import (
    env_bool,
    env_database,
    env_fernet_key,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PAC_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)
# With DEBUG on, a missing page is still the app's 404; DEBUG_PAGES=1 shows Django's instead.
DEBUG_PAGES = env_bool("DEBUG_PAGES", False)
_DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG=0."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
# Links in emails. Left unset it follows the address `make run` serves (HOST/PORT); a deploy
# check (pacsite/checks.py) warns when DEBUG=0 and it is unset.
SITE_URL_SET = bool(env_str("SITE_URL", ""))
SITE_URL = env_str(
    "SITE_URL", f"http://{env_str('HOST', '127.0.0.1')}:{env_str('PORT', '8000')}"
).rstrip("/")

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
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "teams",
    "pacsite",
    "plans",
    "indicators",
    "coaching",
    "reminders",
    "crm",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "pacsite.faults.DatabaseUnavailableMiddleware",  # database gone: a clean 503, nothing saved
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # DEBUG=1: the app's 404, not Django's page; inside the CSP so its page gets the policy.
    "pacsite.errors.RealNotFoundMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pacsite.urls"
WSGI_APPLICATION = "pacsite.wsgi.application"
ASGI_APPLICATION = "pacsite.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pacsite.context_processors.navigation",
                "reminders.context_processors.bell",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pac.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "pacsite.auth_backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is locked out for a cooling-off time, then may try again.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pacsite.views.locked_out"
AXES_VERBOSE = False

# Sessions expire: a shared office computer does not stay logged in for weeks.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# Production hardening: on whenever DEBUG is off (`check --deploy` then reports nothing).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # /healthz is probed over plain HTTP by the load balancer.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy: only this origin, no inline script (every script is a static file).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Internationalisation: French by default, English on request (per user / cookie).
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# A filter's empty choice reads "All" (teams.forms.AllYesNo for the yes / no ones).
FILTERS_EMPTY_CHOICE_LABEL = _("All")
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the finders so no collectstatic step is needed on a fresh machine.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: a line on the console per message in development unless an SMTP server is named.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "PAC <pac@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "pacsite.dev_console.EmailBackend"  # one line per email, the message in var/mail/
)

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/
# so a worker and beat run on a fresh machine with no server installed.
REDIS_URL = env_redis_url("REDIS_URL")
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Well above the longest task, so Redis never redelivers a task that is still running.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    for folder in ("queue", "processed", "results", "control"):
        (CELERY_DATA_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        # Broadcast (remote control) messages; kombu's default is ./control in the cwd.
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
# A cache shared by the web processes and the workers (import progress bars, challenge
# regeneration marks): Redis when there is one, else files under var/.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_EXPIRES = 3600
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Reminders (reminders/sweep.py): the beat job sweeps every REMINDER_SWEEP_MINUTES minutes.
# Run exactly one beat in production; `make run` runs it inside its single worker.
REMINDER_SWEEP_MINUTES = env_int("REMINDER_SWEEP_MINUTES", 15, minimum=1)
# How long a worker owns a digest it is sending; above the task's time limit (150 s).
REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 300, minimum=180)
# The first wait before an SMTP failure is retried (then twice as long each time, to 1 h).
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 30, minimum=1)
# Imports (plans/imports.py): a file with more rows is refused while it is read.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000, minimum=1)
# Nothing lost (teams/archive.py): what is deleted from a plan that has been active is
# archived, and really deleted this many days later by the daily purge.
ARCHIVE_RETENTION_DAYS = env_int("ARCHIVE_RETENTION_DAYS", 90, minimum=1)
# CRM connections (crm/): credentials and chat webhook addresses are encrypted with this key
# (unset: a key derived from SECRET_KEY, so changing SECRET_KEY then loses them).
CRM_ENCRYPTION_KEY = env_fernet_key("CRM_ENCRYPTION_KEY")
CRM_SYNC_MINUTES = env_int("CRM_SYNC_MINUTES", 30, minimum=1)
# A 429 or a 5xx is retried this many times (honouring Retry-After, else 1 s, 2 s, 4 s...).
CRM_MAX_RETRIES = env_int("CRM_MAX_RETRIES", 5, minimum=0)
CRM_TIMEOUT_SECONDS = env_int("CRM_TIMEOUT_SECONDS", 30, minimum=1)
CRM_RETRY_BASE_SECONDS = env_int("CRM_RETRY_BASE_SECONDS", 1, minimum=0)
CELERY_BEAT_SCHEDULE: dict = {
    "reminders-sweep": {
        "task": "reminders.tasks.sweep_reminders",
        "schedule": REMINDER_SWEEP_MINUTES * 60.0,
        # A sweep that could not start in time is dropped: the next one does the same work.
        "options": {"expires": REMINDER_SWEEP_MINUTES * 60.0},
    },
    # Imports whose worker stopped are marked failed (plans/import_jobs.py, LEASE_SECONDS).
    "imports-expire-leases": {
        "task": "plans.tasks.expire_import_leases",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # Weekly / monthly challenges open their next period (at most once per period).
    "coaching-recurring-challenges": {
        "task": "coaching.tasks.regenerate_recurring_challenges",
        "schedule": 24 * 3600.0,
    },
    # Form tokens and idempotency keys are remembered for a day (teams.once).
    "pacsite-purge-claims": {
        "task": "pacsite.tasks.purge_claims",
        "schedule": 24 * 3600.0,
    },
    "archive-purge": {"task": "pacsite.tasks.purge_archived_rows", "schedule": 24 * 3600.0},
    # Every active CRM connection pulls what changed since its cursor (crm.tasks).
    "crm-sync": {
        "task": "crm.tasks.sync_all",
        "schedule": CRM_SYNC_MINUTES * 60.0,
        "options": {"expires": CRM_SYNC_MINUTES * 60.0},
    },
    # Chat messages whose post failed are tried again (crm.chat).
    "chat-retry": {
        "task": "crm.tasks.chat_retry",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
    # Escalations and slipped milestones, to the teams' chats (after the reminder sweep made
    # them); the weekly round-up on Mondays.
    "chat-events": {
        "task": "crm.tasks.chat_events",
        "schedule": REMINDER_SWEEP_MINUTES * 60.0,
        "options": {"expires": REMINDER_SWEEP_MINUTES * 60.0},
    },
    "chat-weekly": {"task": "crm.tasks.chat_weekly", "schedule": 24 * 3600.0},
}

# API tokens (django-rest-knox): hashed in the database, one per sign-in, expiring.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30, minimum=1)
KNOX_TOKEN_MODEL = "pacsite.ApiToken"
# knox's migrations would create its own token table, unused here and pointing at users (a
# PostgreSQL TRUNCATE of the users then fails); without them, it is never created.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_DAYS), "AUTH_HEADER_PREFIX": "Token"}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pacsite.api_tokens.PasswordBoundTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "teams.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PAC tracker API",
    "DESCRIPTION": "Commercial action plans: plans, levers, actions, indicators, coaching.",
    "VERSION": "1.0.0",
    # Several models have a "status" field with its own choices: name each enum after its
    # model's choices so the schema stays stable and drf-spectacular does not warn.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "plans.models.PlanStatus",
        "ActionStatusEnum": "plans.models.ActionStatus",
        "MilestoneStatusEnum": "plans.models.MilestoneStatus",
        "EnrollmentStatusEnum": "coaching.models.EnrollmentStatus",
        "RequestStatusEnum": "coaching.models.RequestStatus",
        "SchemeStatusEnum": "coaching.models.SchemeStatus",
        "ProgressStatusEnum": ["on_track", "at_risk", "off_track", "no_target", "no_data"],
        "CrmKindEnum": "crm.models.Kind",
        "CrmStateEnum": "crm.models.State",
    },
    # Each endpoint tagged with its resource (/api/v1/<resource>/...): the docs page groups
    # them so, collapsed, in order.
    "SCHEMA_PATH_PREFIX": r"/api/v1/",
    "SWAGGER_UI_SETTINGS": {
        "docExpansion": "none",
        "tagsSorter": "alpha",
        "deepLinking": True,
        # No badge fetched from validator.swagger.io: nothing leaves this origin.
        "validatorUrl": None,
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_4xx_traceback": {"()": "pacsite.errors.NoTracebackFor4xx"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs every login attempt at INFO; lockouts are WARNING and still show.
        "axes": {"level": "WARNING"},
        # httpx logs every CRM page it reads at INFO; failures are WARNING and still show.
        "httpx": {"level": "WARNING"},
        "django.request": {"filters": ["no_4xx_traceback"]},
    },
}
