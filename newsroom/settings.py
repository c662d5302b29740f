"""Newsroom settings, read from the environment (see .env.example) and a .env file.

Secure by default: DEBUG is off unless asked for, and with DEBUG off a missing
SECRET_KEY or ALLOWED_HOSTS stops start-up instead of running with a guess.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A .env file beside manage.py fills in variables the environment does not set (python-dotenv;
# the environment always wins). `make` writes a development one (DEBUG=1) when there is none;
# production sets real variables. NEWSROOM_ENV_FILE names another file, or none when empty
# (the tests, so a developer's .env cannot change what they test).
ENV_FILE = os.environ.get("NEWSROOM_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a key that is obviously not a secret.
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "articles",
    "newsroom.apps.NewsroomConfig",
]

MIDDLEWARE = [
    # First: everything after it reads the client's address from REMOTE_ADDR.
    "newsroom.proxies.TrustedProxyMiddleware",
    # Then the request's id and its one log line (newsroom/log.py), around everything else.
    "newsroom.log.RequestLogMiddleware",
    # /healthz and /readyz, answered before host validation, the HTTPS redirect, sessions,
    # the page cache and the rate limit: probes come by IP over plain HTTP (newsroom/health.py).
    "newsroom.health.HealthCheckMiddleware",
    # Before anything that may query: public requests' SQL under a statement timeout.
    "newsroom.timeouts.PublicStatementTimeoutMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files with far-future caching and gzip, from the app itself (issue 13).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, so its redirects carry CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the admin (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: answers a locked-out login with 429.
    "axes.middleware.AxesMiddleware",
]

# How many proxies we run in front of the app (load balancer, nginx...). Each appends the
# address it got the request from to X-Forwarded-For; only those entries are believed
# (newsroom/proxies.py). 0, the default, ignores the header: a client could write anything.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

ROOT_URLCONF = "newsroom.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# SQLite file by default; PostgreSQL in production via DATABASE_URL
# (postgres://user:password@host:5432/name).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}

# Milliseconds any one SQL statement of a public request (the site and the API; not the
# admin, imports or commands) may run on PostgreSQL before the server cancels it and the
# request answers 503 with Retry-After (issue 11 §4; newsroom/timeouts.py). 0: no limit.
# SQLite has no statement timeout.
PUBLIC_STATEMENT_TIMEOUT_MS = int(os.environ.get("PUBLIC_STATEMENT_TIMEOUT_MS", "2000"))

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; synchronous=NORMAL is safe with WAL and
    # spares an fsync per transaction (the importer commits once per file).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (issue 11 §1, django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one client address, that pair is refused (429, even with the right password)
# until AXES_COOLOFF_MINUTES have passed since the last failure, or an admin resets it
# (`manage.py axes_reset_username NAME`). Keyed by username and address together, so an
# attacker elsewhere cannot lock an editor out; the address is the one newsroom/proxies.py
# found, so a forged X-Forwarded-For does not give a fresh start. Attempts are kept in the
# database, which every process shares.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "newsroom.proxies.request_address"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` puts the files WhiteNoise serves in production.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Uploaded files (lead images). Development serves them (newsroom/urls.py); production
# serves MEDIA_ROOT from the web server or a bucket (README, "Media files").
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
LEAD_IMAGE_MAX_BYTES = int(os.environ.get("LEAD_IMAGE_MAX_BYTES") or 10 * 1024 * 1024)
LEAD_IMAGE_MAX_PIXELS = int(os.environ.get("LEAD_IMAGE_MAX_PIXELS") or 40_000_000)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: names carry a hash of the content (cached for ever by browsers and CDNs)
    # and a gzip twin of each compressible file (WhiteNoise). Both need `collectstatic`;
    # development serves the files as they are in the apps.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security headers for the public site (issue 5). Pages load only their own CSS; the
# JSON-LD block is data, not script, so browsers do not run it and no script source
# needs allowing. Django already sends X-Content-Type-Options: nosniff and
# X-Frame-Options: DENY; both are spelled out here so they are decisions, not defaults.
CONTENT_SECURITY_POLICY = {
    # The API's interactive documentation (Swagger UI, issue #4) runs an inline script
    # and style of its own; every other page gets the policy below.
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# HTTPS in production (issue 11 §5). Off unless set, so development and the test client
# work over plain HTTP; `manage.py check --deploy` warns about each one left off, and the
# production configuration in README.md (and .env.example) turns them all on.
# Behind a TLS-terminating proxy, SECURE_PROXY_SSL_HEADER names the header the proxy sets
# and its value, e.g. "HTTP_X_FORWARDED_PROTO,https"; set it only when the proxy always
# overwrites that header, or a client could claim HTTPS itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE")
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER must be a header and its value, e.g. HTTP_X_FORWARDED_PROTO,https"
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
# Origins (scheme and host) whose forms may post to the admin, e.g. https://news.example.org.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Public pages are cached whole and invalidated when an article, quote or person changes
# (articles/signals.py). Redis in production, so that every worker sees an
# invalidation and counts the same rate limit (`check --deploy` reports its absence:
# newsroom/checks.py); otherwise each process's own memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Keeps two sites (or test runs) on one Redis apart.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a public page may be served from the cache; 0 turns page caching off.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "600"))

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Staff may preview drafts (?status=) from a browser session or with a token; partners
    # read with a token (no anonymous rate limit). The token first: a bad one is then a 401
    # with WWW-Authenticate (the first class names the scheme). Tokens are django-rest-knox's:
    # stored as SHA-512 digests, each with its expiry (made in the admin: articles/admin.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "articles.api_plumbing.ReaderPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only (the viewsets ignore Accept): the interactive documentation is /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Read-only: no request body is ever read, and OPTIONS advertises no parsers.
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_METADATA_CLASS": "articles.api_plumbing.ReaderMetadata",
    "DEFAULT_THROTTLE_CLASSES": ["articles.api_plumbing.ReaderAnonThrottle"],
    # Per client IP, counted in the default cache: shared between processes when REDIS_URL is set.
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    # REMOTE_ADDR already holds the client's address (TRUSTED_PROXY_COUNT above); DRF's
    # default, None, would key the limit on the whole client-sent X-Forwarded-For.
    "NUM_PROXIES": 0,
    "EXCEPTION_HANDLER": "articles.api_plumbing.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "articles.api.ReaderAutoSchema",
}

# API tokens (django-rest-knox): `Authorization: Token <key>` as before; the admin sets each
# token's expiry (a year unless the editor says otherwise), so TOKEN_TTL is only its default.
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": timedelta(days=365),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom reader API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI (/api/docs/) and ReDoc (/api/redoc/) from our own static files: they work
    # offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "articles.models.Source.Kind",
        "QuoteKindEnum": "articles.models.Quote.Kind",
        "ArticleStatusEnum": "articles.models.Article.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "articles.api.describe_schema",
    ],
}

# The API is public and read-only: any origin may GET it, without credentials.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]

# Files larger than this are refused by the importer (a news article is a few
# tens of kilobytes; a saved page with inline assets rarely passes 5 MB).
NEWSROOM_IMPORT_MAX_BYTES = int(os.environ.get("NEWSROOM_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))

# One line per request (newsroom.request, INFO) and per file an import run imports
# (articles.import_runs, INFO), each record with its request id; text, or one JSON object
# per line with LOG_FORMAT=json (newsroom/log.py). Django's own lines for 4xx answers
# (django.request) and runserver's per-request lines (django.server) would repeat the
# request line, so only their errors are kept. LOG_LEVEL is the level for everything else.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.log.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "newsroom.log.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "newsroom.request": {"level": "INFO"},
        "articles.import_runs": {"level": "INFO"},
        "articles.importing": {"level": "INFO"},
        "django.request": {"level": "ERROR"},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": True},
    },
}

# Error reporting to Sentry (or a Sentry-compatible service) when SENTRY_DSN is set: uncaught
# exceptions and ERROR log records, tagged with the request id; no personal data (users'
# names, addresses, cookies) unless SENTRY_SEND_PII=1.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=env_bool("SENTRY_SEND_PII"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# Background tasks (issue 10 §3): Django's Tasks API through the django-tasks backport and
# its database backend, so moving to Django 6's built-in tasks is a settings change. Admin
# uploads are imported by `manage.py import_worker` (started by `make run`; one or more
# per host in production). TASKS_BACKEND=immediate runs tasks inside the request instead.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("TASKS_BACKEND") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
# A run whose worker has shown no sign of life for this long is taken over by another.
# Unreviewed quotes attributed with less confidence than this (0 to 1; from the rule that
# chose the speaker) stay off the public site and API until an editor verifies them.
# 0 shows them all.
NEWSROOM_PUBLIC_MIN_CONFIDENCE = float(os.environ.get("NEWSROOM_PUBLIC_MIN_CONFIDENCE", "0.6"))
NEWSROOM_IMPORT_STALE_SECONDS = int(os.environ.get("NEWSROOM_IMPORT_STALE_SECONDS", "60"))
