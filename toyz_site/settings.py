"""Toyz settings, driven by TOYZ_* environment variables (see README.md, "Configuration")."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from apps.jobs.queues import INTERACTIVE, QUEUES, TASK_ROUTES
from apps.monitoring.logs import logging_config
from toyz_site.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_networks,
    env_optional,
    env_path,
    env_token,
    env_url_prefix,
)
from toyz_site.ldap_settings import BACKEND as LDAP_BACKEND
from toyz_site.ldap_settings import ldap_settings

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("TOYZ_VAR_DIR", BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    # A key generated once and kept under var/ survives restarts without being committed anywhere.
    explicit = env_optional("TOYZ_SECRET_KEY")
    if explicit:
        return explicit
    key_file = VAR_DIR / "secret_key"
    try:
        # Created private and only once, even when several processes start together.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("TOYZ_DEBUG", False)
ALLOWED_HOSTS = env_list("TOYZ_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("TOYZ_CSRF_TRUSTED_ORIGINS", [])

# Data the users browse, and the cache of pyramids and rendered tiles (shared by every worker).
TOYZ_DATA_ROOT = env_path("TOYZ_DATA_ROOT", VAR_DIR / "data")
TOYZ_CACHE_DIR = env_path("TOYZ_CACHE_DIR", VAR_DIR / "cache")
TOYZ_HOME_FOLDER = "home"
# An upload larger than this (MiB) is refused before its body is read, and cut off if it grows past it.
TOYZ_UPLOAD_MAX_BYTES = env_int("TOYZ_UPLOAD_MAX_MB", 2048, minimum=1) * 1024**2
# The cache keeps to this size (GiB), dropping the least recently used files' pyramids first.
TOYZ_CACHE_MAX_BYTES = env_int("TOYZ_CACHE_MAX_GB", 100, minimum=1) * 1024**3
# Signed pyramid tile URLs (deploy/nginx.d/signed-tiles.conf): nginx checks them itself and sends a
# pre-rendered tile without asking Django; off in the embedded mode, where nothing in front checks them.
TOYZ_SIGNED_TILES = env_bool("TOYZ_SIGNED_TILES", False)
# How long a signed URL holds (s): a revoked grant stops showing tiles once the viewer's last URL expires.
TOYZ_SIGNED_TILE_SECONDS = env_int("TOYZ_SIGNED_TILE_SECONDS", 300, minimum=5, maximum=3600)
# The secret shared with nginx, which checks the URLs with it (rendered into its include): a key of its
# own beside SECRET_KEY, since nginx must not hold that one (make run-production keeps one in var/).
TOYZ_TILE_SIGNING_KEY = env_token("TOYZ_TILE_SIGNING_KEY", minimum_length=32) or ""
if TOYZ_SIGNED_TILES and not TOYZ_TILE_SIGNING_KEY:
    raise ImproperlyConfigured(
        "TOYZ_SIGNED_TILES=1 needs TOYZ_TILE_SIGNING_KEY, the key nginx checks the URLs with "
        "(the same in nginx's include and every web process: deploy/README.md, 'Signed tile URLs')."
    )
# A table with more rows is refused with a sentence (never read until memory runs out).
TOYZ_SOURCES_MAX_ROWS = env_int("TOYZ_SOURCES_MAX_ROWS", 50_000_000, minimum=1)
TOYZ_REDIS_URL = env_optional("TOYZ_REDIS_URL")
TOYZ_EMBEDDED_WORKERS = env_int("TOYZ_EMBEDDED_WORKERS", 2, minimum=1, maximum=64)
# In the distributed mode too, the quickest jobs (pixel readouts: a read of one pixel) run in the server
# process's pool (TOYZ_EMBEDDED_WORKERS threads) rather than a round trip through Redis and a worker.
TOYZ_INLINE_JOBS = env_bool("TOYZ_INLINE_JOBS", True)
# How often an open workspace page says it is still there; after three silent periods it is gone.
TOYZ_PRESENCE_REFRESH_SECONDS = env_int("TOYZ_PRESENCE_REFRESH_SECONDS", 15, minimum=1, maximum=600)
TOYZ_FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
# Behind nginx (deploy/nginx.conf): a tile already on disk is answered with an empty body and
# `X-Accel-Redirect: <this prefix><path in the cache folder>`, after the read check, and nginx sends
# the file. Unset (the default): Django sends every tile's bytes itself.
TOYZ_ACCEL_REDIRECT = env_url_prefix("TOYZ_ACCEL_REDIRECT")
# Job modules every active user may run unless an admin flips a module's "open to all" in the admin;
# the others run only for the groups and users granted them (README, "Module grants").
TOYZ_OPEN_MODULES = env_list("TOYZ_OPEN_MODULES", ["analysis", "files", "headers", "imaging", "prerender", "sources"])
# Whom a refused user should ask for a grant ("the helpdesk, help@example.org"); unset: the admins by name.
TOYZ_ADMIN_CONTACT = env_optional("TOYZ_ADMIN_CONTACT")
# Watched night folders (README, "Watching night folders"): `manage.py toyz_watch` pre-renders the new and
# changed images of these folders (client paths, or absolute paths inside TOYZ_DATA_ROOT; comma-separated)
# as they land, as TOYZ_WATCH_USER (default: the first superuser), once each has kept its size and times
# for TOYZ_WATCH_SETTLE_SECONDS and reads whole. TOYZ_WATCH_INDEX_HEADERS: add them to the header index
# when it holds files of that folder already (auto), always (yes) or never (no).
TOYZ_WATCH_FOLDERS = env_list("TOYZ_WATCH_FOLDERS", [])
TOYZ_WATCH_USER = env_optional("TOYZ_WATCH_USER")
TOYZ_WATCH_POLL_SECONDS = env_int("TOYZ_WATCH_POLL_SECONDS", 5, minimum=1, maximum=3600)
TOYZ_WATCH_SETTLE_SECONDS = env_int("TOYZ_WATCH_SETTLE_SECONDS", 10, minimum=1, maximum=24 * 3600)
TOYZ_WATCH_INDEX_HEADERS = env_choice("TOYZ_WATCH_INDEX_HEADERS", "AUTO", ("AUTO", "YES", "NO"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "channels",
    "guardian",
    # django-ninja: the API docs page's template and its swagger-ui files (no CDN).
    "ninja",
    "apps.accounts",
    "apps.analysis",
    "apps.files",
    "apps.headers",
    "apps.imaging",
    "apps.jobs",
    "apps.monitoring",
    "apps.sources",
    "apps.watch",
    "apps.workspaces",
]

MIDDLEWARE = [
    # First: every later layer's log lines carry the request's id, and the timing covers them all.
    "apps.monitoring.middleware.RequestIdMiddleware",
    "apps.monitoring.middleware.MetricsMiddleware",
    # /healthz and /metrics, answered before the host check (probes use IP addresses) and the login rules.
    "apps.monitoring.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into its response.
    "axes.middleware.AxesMiddleware",
]

# The web process sends /static/ itself (whitenoise; `make run`) unless nginx sends it (deploy/production.py
# sets 0): whitenoise's middleware is sync only, and would cost every request a hop to a thread and back.
TOYZ_SERVE_STATIC = env_bool("TOYZ_SERVE_STATIC", True)
if TOYZ_SERVE_STATIC:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
    )

ROOT_URLCONF = "toyz_site.urls"
ASGI_APPLICATION = "toyz_site.asgi.application"

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

# Seconds a connection is kept for the next request or task (0: closed after each); only where no pool is used.
TOYZ_DB_CONN_MAX_AGE = env_int("TOYZ_DB_CONN_MAX_AGE", 0, minimum=0)
# PostgreSQL connections of a process come from a pool (psycopg_pool, through Django): a request borrows one
# for its duration instead of opening one (a few ms) and giving it up at its end. 0 turns the pool off.
# Celery's prefork workers never use it (toyz_site/celery.py): a pool does not survive a fork.
TOYZ_DB_POOL_MAX_SIZE = env_int("TOYZ_DB_POOL_MAX_SIZE", 20, minimum=0, maximum=1000)
TOYZ_DB_POOL_MIN_SIZE = env_int("TOYZ_DB_POOL_MIN_SIZE", 2, minimum=0, maximum=1000)
DATABASES: dict[str, Any] = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'toyz.sqlite3'}", conn_max_age=TOYZ_DB_CONN_MAX_AGE
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and TOYZ_DB_POOL_MAX_SIZE:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(TOYZ_DB_POOL_MIN_SIZE, TOYZ_DB_POOL_MAX_SIZE),
        "max_size": TOYZ_DB_POOL_MAX_SIZE,
    }
    # Django refuses persistent connections with a pool: a request's connection goes back to it instead.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # An in-memory test database shares one cache between threads, where a busy table fails at once
    # ("table is locked") instead of waiting: the embedded job pool writes from its own threads.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-toyz.sqlite3")}
    # A transaction takes the write lock when it begins: a deferred one that reads and then writes while
    # another connection writes fails at once ("database is locked") instead of waiting its turn.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out user and address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Department accounts (README.md, "Sign-in through LDAP"): checked after the lockout, before local accounts.
TOYZ_LDAP_URL = env_optional("TOYZ_LDAP_URL")
if TOYZ_LDAP_URL:
    globals().update(ldap_settings(TOYZ_LDAP_URL))
    AUTHENTICATION_BACKENDS.insert(1, LDAP_BACKEND)
# Anonymous users see nothing, so guardian needs no anonymous user row.
ANONYMOUS_USER_NAME = None
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Password guessing: after TOYZ_LOGIN_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is refused (even with the right password) for TOYZ_LOGIN_COOLOFF_MINUTES; on the site's and
# the admin's login alike. Lockouts are listed (and lifted by deleting them) in the admin under "Axes".
AXES_FAILURE_LIMIT = env_int("TOYZ_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=1000)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TOYZ_LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=7 * 24 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.locked_out"
# The peer address as the ASGI server saw it (uvicorn puts a trusted proxy's X-Forwarded-For there);
# never a header the client could forge.
AXES_CLIENT_IP_CALLABLE = "apps.accounts.views.client_address"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# whitenoise warns at start-up when the folder is missing, before collectstatic first runs.
STATIC_ROOT.mkdir(exist_ok=True)
# static/: the pages' own style sheet (no inline styles: the Content-Security-Policy forbids them).
STATICFILES_DIRS = [BASE_DIR / "static"] + ([TOYZ_FRONTEND_DIST] if TOYZ_FRONTEND_DIST.is_dir() else [])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the finders when collectstatic has not run (tests, development).
WHITENOISE_USE_FINDERS = True

if TOYZ_REDIS_URL:
    CHANNEL_LAYERS: dict[str, Any] = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # The layer waits in 5 s blocking pops; redis-py's default 5 s read timeout would cut
                # them off and drop every idle socket, so reads may take longer than a pop.
                "hosts": [{"address": TOYZ_REDIS_URL, "socket_timeout": 30, "socket_keepalive": True}],
                "capacity": 1000,
                "expiry": 120,
            },
        }
    }
    CACHES: dict[str, Any] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TOYZ_REDIS_URL}
    }
    # A request's session is one Redis GET (the database is read only when Redis lost it, and written
    # with it): the session row's query was most of a pre-rendered tile's cost.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = TOYZ_REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = TOYZ_REDIS_URL or "cache+memory://"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# A worker that dies mid-task gives the task back to the queue instead of losing it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("TOYZ_JOB_SOFT_TIME_LIMIT", 3600, minimum=1)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
# Redis hands an unacknowledged task to another worker once its lease is this many seconds old,
# which is how the tasks of a worker that died (node lost, whole process group killed) come back.
# Live workers renew their tasks' leases every quarter of it (workers/leases.py), so a task may run
# far longer than this; every worker sweeps for expired leases every few seconds.
TOYZ_CELERY_VISIBILITY_TIMEOUT = env_int("TOYZ_CELERY_VISIBILITY_TIMEOUT", 60, minimum=2)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TOYZ_CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": min(5, max(1, TOYZ_CELERY_VISIBILITY_TIMEOUT // 4)),
    # kombu scans only every 10th sweep by default: scan on each one.
    "unacked_restore_throttle": 1,
    # A worker that dies mid-sweep holds the sweep's mutex this long (kombu's default: 5 minutes).
    "unacked_mutex_expire": 30,
    # A worker polls its queues in the order of its -Q list, always (kombu's default rotates them after
    # each task): `-Q prerender,bulk` starts every queued user's pre-render before the next bulk file.
    "queue_order_strategy": "priority",
}
# Interactive work, user-asked pre-renders and the night's bulk each have a queue (apps/jobs/queues.py);
# a worker started without -Q consumes all three, the most urgent first.
CELERY_TASK_QUEUES = [Queue(name, Exchange(name, type="direct"), routing_key=name) for name in QUEUES]
CELERY_TASK_DEFAULT_QUEUE = INTERACTIVE
CELERY_TASK_ROUTES = TASK_ROUTES
# One exposure's pyramid: minutes at most (a DECam exposure takes about 30 s on 2 cores).
TOYZ_PRERENDER_SOFT_TIME_LIMIT = env_int("TOYZ_PRERENDER_SOFT_TIME_LIMIT", 1800, minimum=1)
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Log lines as text or as one JSON object each; either way with the request's and the job's id.
TOYZ_LOG_FORMAT = env_choice("TOYZ_LOG_FORMAT", "PLAIN", ("PLAIN", "JSON")).lower()
LOGGING: dict[str, Any] = logging_config(
    TOYZ_LOG_FORMAT, env_choice("TOYZ_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
)

# nginx's log of the tiles it answered itself (signed URLs, X-Accel-Redirect): /metrics counts its new lines
# at each scrape (apps/monitoring/nginx_tiles.py). deploy/production.py sets it; unset: not counted.
TOYZ_NGINX_TILE_LOG = env_optional("TOYZ_NGINX_TILE_LOG")
# /metrics answers these addresses (the peer as uvicorn reports it: nginx's client), others get 403.
TOYZ_METRICS_ALLOW = env_networks("TOYZ_METRICS_ALLOW", ["127.0.0.1/32", "::1/128"])
# /healthz fails while one of these queues has no live worker. Unset: the queues Celery routes tasks
# to; empty: the workers are reported but never fail the check.
TOYZ_HEALTH_QUEUES = env_list("TOYZ_HEALTH_QUEUES", []) if "TOYZ_HEALTH_QUEUES" in os.environ else None

# Only this site's own files run or style a page: no inline scripts or styles, no eval, so no
# 'unsafe-inline' either. Styles that scripts set through the CSSOM (OpenLayers, gridstack) are allowed;
# style="" in markup or set with setAttribute (lit's attribute bindings) and <style> elements are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # OpenLayers' WebGL layers (catalogue markers) build their buffers in a worker it makes from a
        # blob of its own code; a page must already run our script to make one, so XSS gains nothing.
        "worker-src": [SELF, "blob:"],
        "style-src": [SELF],
        # data: for the favicon and gridstack's resize-handle icon.
        "img-src": [SELF, "data:"],
        # 'self' covers the workspace WebSocket (ws:/wss: of this origin).
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# TOYZ_HTTPS: the site is served over TLS (behind a TLS proxy, see deploy/README.md): cookies only
# travel encrypted, and browsers are told (HSTS) to use nothing but HTTPS for TOYZ_HSTS_SECONDS.
TOYZ_HTTPS = env_bool("TOYZ_HTTPS", False)
SESSION_COOKIE_SECURE = TOYZ_HTTPS or env_bool("TOYZ_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("TOYZ_HSTS_SECONDS", 365 * 24 * 3600, minimum=0) if TOYZ_HTTPS else 0
# Only for a TLS proxy that uvicorn does not trust (--forwarded-allow-ips): that proxy must set the
# header on every request, or a client could claim HTTPS.
if env_bool("TOYZ_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
