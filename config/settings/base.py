"""Settings shared by every environment. They only read the environment (config.env); the
embedded servers are started before, by config.bootstrap. Each concern is set in one block."""

import ipaddress
import re
from pathlib import Path

import dj_database_url
import pghistory
from django.core.exceptions import ImproperlyConfigured

from config import bootstrap
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_htmx",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip when the client asks (Accept-Encoding); Django's adds a BREACH mitigation.
    "tracker.views.caching.CompressionMiddleware",
    # CORS and Vary for /api/ and /feeds/ (tracker/api/http.py).
    "tracker.api.http.CrossOriginMiddleware",
    # A CDN's revalidation of a public page or feed: its 304 before sessions, auth and the rest.
    "tracker.views.caching.RevalidationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Feeds and exports spend the same rate budgets as the API (tracker/api/throttles.py).
    "tracker.api.throttles.FeedRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Puts the requesting user into every history event written during the request (writes
    # only: PGHISTORY_MIDDLEWARE_METHODS).
    "pghistory.middleware.HistoryMiddleware",
    # request.htmx: in-page saves answer with a partial instead of a whole page.
    "django_htmx.middleware.HtmxMiddleware",
    # Content-Security-Policy without 'unsafe-inline'; login throttling per account.
    "config.security.ContentSecurityPolicyMiddleware",
    "config.security.LoginThrottleMiddleware",
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
                "tracker.context_processors.role",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------
# config.bootstrap.ensure_services() ran before these are read: it put the data folder and the
# URLs (of the embedded servers where none were given) into the environment. Imported without it
# (the type checker's Django plugin), DATABASES is left empty and nothing connects anywhere.
DATA_DIR = Path(env_str("COUNTERCLAIM_DATA_DIR") or BASE_DIR / "var").resolve()
DATABASE_URL = env_str("DATABASE_URL")
REDIS_URL = env_str("REDIS_URL")
EMBEDDED_DATABASE = bootstrap.EMBEDDED_POSTGRES in env_list("COUNTERCLAIM_EMBEDDED")
EMBEDDED_BROKER = bootstrap.EMBEDDED_VALKEY in env_list("COUNTERCLAIM_EMBEDDED")

# Connections are kept per thread between requests (gunicorn's fixed threads reuse them); a
# server that starts a thread per request must set 0, or every thread leaves one open.
DATABASES = (
    {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("COUNTERCLAIM_DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    if DATABASE_URL
    else {}
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "counterclaim",
        "TIMEOUT": 300,
    }
}

# --- Celery --------------------------------------------------------------------------------------
# The embedded Valkey is a unix socket: the cache reads it as unix://, Celery as redis+socket://.
CELERY_BROKER_URL = (
    "redis+socket://" + REDIS_URL.removeprefix("unix://").split("?", 1)[0]
    if REDIS_URL.startswith("unix://")
    else REDIS_URL
)
CELERY_RESULT_BACKEND = None  # results are rows in PostgreSQL, never broker messages
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message for the next one
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# With the broker down, a publish gives up after ~1 s instead of holding the request; the work
# is kept in PostgreSQL (due feeds, unenriched sources, pending webhook deliveries) and the
# periodic scans find it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "resend-lost-webhooks": {"task": "webhooks.resend_lost_webhooks", "schedule": 120.0},
    "schedule-due-feeds": {"task": "ingest.schedule_due_feeds", "schedule": 60.0},
    # New or changed sources (from ingest or by hand) are found by this scan and enriched one
    # by one.
    "enrich-scan": {
        "task": "enrich.enrich_scan",
        "schedule": env_int("COUNTERCLAIM_ENRICH_SCAN_SECONDS", 120),
    },
    # Official statements' original pages re-fetched for edits and removals
    # (tracker.services.statement_watch).
    "watch-statements": {
        "task": "statement_watch.watch_statements",
        "schedule": env_int("COUNTERCLAIM_WATCH_ROUND_SECONDS", 300),
    },
}

# --- Auth, i18n, static -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Bare URLs typed into forms are taken as https (Django 6's default already).
FORMS_URLFIELD_ASSUME_HTTPS = True
# ModelBackend, with a user's own and group permissions read in one query (tracker/web/auth.py).
AUTHENTICATION_BACKENDS = ["tracker.web.auth.OneQueryModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tracker:incident-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # made by config.bootstrap: WhiteNoise warns on a missing one
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the finders so that `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True

# History records who wrote; a GET writes nothing, and reading its user would load the session
# on every page, so that even the public page varied by cookie and no shared cache could keep it.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# History is read by object (pgh_obj) and context; the foreign keys an event copies from its row
# are not indexed (an index each, written with every event, that no query read: a third of the
# source history's indexes). The two the activity feed filters on are indexed on their event
# models (tracker.models: Statement's incident, Claim's statement).
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)

# --- REST framework ------------------------------------------------------------------------------
# Rate limits (DRF syntax: N/second|minute|hour|day), counted in the Redis cache.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.ApiSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.permissions.ReadAnyoneWriteEditors"],
    "DEFAULT_THROTTLE_CLASSES": ["tracker.api.throttles.CallerThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("COUNTERCLAIM_API_RATE_ANON", "60/minute"),
        "token": env_str("COUNTERCLAIM_API_RATE_TOKEN", "1200/minute"),
        "user": env_str("COUNTERCLAIM_API_RATE_USER", "600/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "tracker.api.renderers.OrjsonRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Bodies are JSON only: the types the schema declares are the types a body carries
    # (a form field is always text).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Formats are negotiated with Accept only: `?format=` would be one more parameter
    # every operation accepts and no client needs.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.KeysetPagination",
    "EXCEPTION_HANDLER": "tracker.api.errors.exception_handler",
    # Bare numbers of client IPs behind this many proxies (X-Forwarded-For); 0 = none.
    "NUM_PROXIES": env_int("COUNTERCLAIM_API_NUM_PROXIES", 0),
}
# Origins (scheme://host[:port], comma-separated) whose pages may write through the API; reads
# are open to every origin (tracker/api/http.py).
COUNTERCLAIM_CORS_WRITE_ORIGINS = env_list("COUNTERCLAIM_CORS_WRITE_ORIGINS")
for _origin in COUNTERCLAIM_CORS_WRITE_ORIGINS:
    if not re.fullmatch(r"https?://[^/\s]+", _origin):
        raise ImproperlyConfigured(
            f"COUNTERCLAIM_CORS_WRITE_ORIGINS: {_origin!r} is not scheme://host[:port]."
        )

# --- OpenAPI (drf-spectacular) -------------------------------------------------------------------
SPECTACULAR_SETTINGS = {
    "TITLE": "Counterclaim API",
    "DESCRIPTION": "Incidents, each party's statements and claims, verdicts and citations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body declares what it requires (`version`, for the optimistic lock) instead
    # of a copy of the component with nothing required.
    "COMPONENT_SPLIT_PATCH": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tracker.api.schema.add_common_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "VerdictEnum": "tracker.enums.Verdict",
        "AspectEnum": "tracker.enums.Aspect",
        "TimePrecisionEnum": "tracker.enums.TimePrecision",
        "WebhookEventEnum": "tracker.enums.WebhookEvent",
        "EditorialStateEnum": "tracker.enums.EditorialState",
        "ProposalStateEnum": "tracker.enums.ProposalState",
        "SourceKindEnum": "tracker.enums.SourceKind",
        "PartyKindEnum": "tracker.enums.PartyKind",
    },
}

# --- Logging -------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"pgserver": {"level": "WARNING"}},
}

# --- Project ------------------------------------------------------------------------------------
DEMO_PASSWORD = env_str("COUNTERCLAIM_DEMO_PASSWORD")
HEALTH_CHECK_TIMEOUT = env_int("COUNTERCLAIM_HEALTH_TIMEOUT", 2)
# Official statements' original pages re-fetched per round: at most this many per host.
COUNTERCLAIM_WATCH_PER_HOST = env_int("COUNTERCLAIM_WATCH_PER_HOST", 4)

# --- Ingest -------------------------------------------------------------------------------------
# Networks a fetch may reach besides the public internet (comma-separated CIDRs; empty by
# default). Validated here so a typo stops start-up instead of silently blocking or allowing.
COUNTERCLAIM_FETCH_ALLOW_NETWORKS = env_list("COUNTERCLAIM_FETCH_ALLOW_NETWORKS")
try:
    for _network in COUNTERCLAIM_FETCH_ALLOW_NETWORKS:
        ipaddress.ip_network(_network, strict=False)
except ValueError as _exc:
    raise ImproperlyConfigured(f"COUNTERCLAIM_FETCH_ALLOW_NETWORKS: {_exc}") from _exc
COUNTERCLAIM_FETCH_MAX_BYTES = env_int("COUNTERCLAIM_FETCH_MAX_BYTES", 10 * 1024 * 1024)
COUNTERCLAIM_FETCH_CONNECT_TIMEOUT = env_int("COUNTERCLAIM_FETCH_CONNECT_TIMEOUT", 5)
COUNTERCLAIM_FETCH_READ_TIMEOUT = env_int("COUNTERCLAIM_FETCH_READ_TIMEOUT", 10)
COUNTERCLAIM_FETCH_TOTAL_TIMEOUT = env_int("COUNTERCLAIM_FETCH_TOTAL_TIMEOUT", 30)
COUNTERCLAIM_FETCH_MAX_REDIRECTS = env_int("COUNTERCLAIM_FETCH_MAX_REDIRECTS", 5)
COUNTERCLAIM_FETCH_USER_AGENT = env_str(
    "COUNTERCLAIM_FETCH_USER_AGENT",
    "Counterclaim/0.1 (newsroom claim-and-counterclaim tracker; feed reader)",
)
# Entries read from one feed document; the rest are counted in the fetch log, not read.
COUNTERCLAIM_FETCH_MAX_ENTRIES = env_int("COUNTERCLAIM_FETCH_MAX_ENTRIES", 1000)
# Fetches in a row answered by a permanent redirect to the same URL before the feed's URL
# follows it.
COUNTERCLAIM_FEED_MOVED_AFTER = env_int("COUNTERCLAIM_FEED_MOVED_AFTER", 3)
# Least time between two article-page fetches from one host, in seconds.
COUNTERCLAIM_PAGE_HOST_INTERVAL = env_int("COUNTERCLAIM_PAGE_HOST_INTERVAL", 2)
# Celery time limits of one feed fetch or page fetch (soft: the fetch is stopped and logged;
# hard: the worker process is killed). Both above the fetch's own total timeout.
COUNTERCLAIM_FETCH_TASK_SOFT_LIMIT = env_int("COUNTERCLAIM_FETCH_TASK_SOFT_LIMIT", 120)
COUNTERCLAIM_FETCH_TASK_HARD_LIMIT = env_int("COUNTERCLAIM_FETCH_TASK_HARD_LIMIT", 180)
# Fetch the article page of entries that carry only a summary (extract text, keep a snapshot).
COUNTERCLAIM_FETCH_ARTICLE_PAGES = env_bool("COUNTERCLAIM_FETCH_ARTICLE_PAGES", default=True)
# WebSub: the public address this deployment is reached at (e.g. https://tracker.example.org);
# feeds that advertise a hub are subscribed with a callback under it. Empty: no subscriptions.
COUNTERCLAIM_WEBSUB_CALLBACK_URL = env_str("COUNTERCLAIM_WEBSUB_CALLBACK_URL", "")
if COUNTERCLAIM_WEBSUB_CALLBACK_URL and not COUNTERCLAIM_WEBSUB_CALLBACK_URL.startswith(
    ("http://", "https://")
):
    raise ImproperlyConfigured("COUNTERCLAIM_WEBSUB_CALLBACK_URL must be an http(s) URL")
# Longest back-off of a failing feed, in minutes.
COUNTERCLAIM_FEED_MAX_BACKOFF_MINUTES = env_int("COUNTERCLAIM_FEED_MAX_BACKOFF_MINUTES", 24 * 60)

# Notification e-mail: sent only when EMAIL_HOST is set (Django's other EMAIL_* settings apply).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "counterclaim@localhost")
# The address the e-mails link to (the newsroom's own address of this site).
COUNTERCLAIM_SITE_URL = env_str("COUNTERCLAIM_SITE_URL", "http://localhost:8000")
