"""Comic Studio settings: one file, every deploy-time value from the environment.

Local defaults are safe and need no services: SQLite under var/, and the Redis that
`manage.py runstudio` starts itself. DATABASE_URL and REDIS_URL switch to real ones.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean from the environment ("1", "true", "yes" are true)."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COMICSTUDIO_VAR_DIR", BASE_DIR / "var"))

# Off unless turned on: `manage.py runstudio` (`make run`) and the tests set DJANGO_DEBUG=1.
DEBUG = env_bool("DJANGO_DEBUG", False)
# With DEBUG off and no key it stays empty: commands that need no key (makemigrations) still
# run, anything that signs refuses, and servers refuse to start (comicstudio.E003).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "local-development-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# Demo data ("Demo Studio" with known passwords) loads only where this is on: the local run.
COMICSTUDIO_DEMO = env_bool("COMICSTUDIO_DEMO", DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # The HTTP API (generation/api/): its docs page's templates and static files.
    "ninja",
    "axes",
    "comicstudio",
    "characters",
    "projects",
    "generation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "comicstudio.not_found.SameNotFound",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# HTTPS in production (behind a TLS-terminating proxy, set DJANGO_SECURE_PROXY_SSL_HEADER=1).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
# Submitting a domain to the browsers' preload list is its owner's decision, not ours.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response: scripts and styles from our own static files
# only (no inline code); image previews are data: URLs; the storyboard's socket is 'self'.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "comicstudio.urls"
ASGI_APPLICATION = "comicstudio.asgi.application"

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
                "projects.context_processors.studio_menu",
                "generation.review.notification_views.unread_notifications",
            ],
            # Scene cards ask character visibility through these filters (pushes included).
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        # A kept connection (a page thread's, below) is checked before a request uses it.
        conn_health_checks=True,
    )
}
# HTTP pages are answered on this many threads per server process (comicstudio/serving.py);
# those threads, and the one of the WebSocket consumers, keep their database connection this
# long. The tests close theirs after every request (their server threads outlive the test
# databases they connect to).
COMICSTUDIO_PAGE_THREADS = int(os.environ.get("COMICSTUDIO_PAGE_THREADS", "2"))
COMICSTUDIO_KEPT_CONNECTION_SECONDS = int(
    os.environ.get("COMICSTUDIO_KEPT_CONNECTION_SECONDS", "300")
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and IMMEDIATE transactions let the web server and the worker write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # A file, not memory: the test worker and test server threads share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes), for the app's and the admin's login alike: after this many
# failures a username is locked, and so is an address, each on its own, for the cool-off.
# Unlock early with `manage.py axes_reset_username NAME` or `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = int(os.environ.get("COMICSTUDIO_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("COMICSTUDIO_LOGIN_LOCK_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a proxy, name the header that carries the client's address (e.g. X-Forwarded-For).
AXES_IPWARE_META_PRECEDENCE_ORDER = [
    h for h in os.environ.get("COMICSTUDIO_CLIENT_IP_HEADERS", "").split(",") if h
] + ["REMOTE_ADDR"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "generation:home"
LOGOUT_REDIRECT_URL = "login"
# Anyone may sign up where this is on (the local run); off, only an invitation's link
# opens the sign-up page (docs/teams.md).
COMICSTUDIO_OPEN_SIGNUP = env_bool("COMICSTUDIO_OPEN_SIGNUP", DEBUG)
# An invitation link works this many days, once.
COMICSTUDIO_INVITATION_DAYS = int(os.environ.get("COMICSTUDIO_INVITATION_DAYS", "7"))

# Email (password resets, invitations, review notifications): SMTP when EMAIL_HOST is set,
# else printed to the console of the local run.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": EMAIL_HOST,
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        },
    }
    if EMAIL_HOST
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
del EMAIL_HOST  # only MAILERS configures mail (Django 6.1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Comic Studio <noreply@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served by WhiteNoise; in production run collectstatic and the manifest storage is used.
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Media is never served by URL: every file goes through a view that checks who asks.
MEDIA_ROOT = Path(os.environ.get("COMICSTUDIO_MEDIA_ROOT", VAR_DIR / "media"))
# Object storage instead of MEDIA_ROOT: any S3-compatible service (docs/operations.md).
MEDIA_BUCKET = os.environ.get("COMICSTUDIO_MEDIA_BUCKET", "")
if MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": os.environ.get("COMICSTUDIO_MEDIA_ENDPOINT") or None,
            "access_key": os.environ.get("COMICSTUDIO_MEDIA_ACCESS_KEY") or None,
            "secret_key": os.environ.get("COMICSTUDIO_MEDIA_SECRET_KEY") or None,
            "region_name": os.environ.get("COMICSTUDIO_MEDIA_REGION") or None,
            "location": os.environ.get("COMICSTUDIO_MEDIA_PREFIX", ""),
            "default_acl": None,  # private objects: delivered by presigned URLs only
            "file_overwrite": False,  # a stored name always means the same bytes
            "querystring_auth": True,
            "signature_version": "s3v4",  # what current S3-compatible services accept
            "querystring_expire": int(os.environ.get("COMICSTUDIO_MEDIA_URL_SECONDS", "300")),
        },
    }
    # Media views answer a checked user with a presigned URL: the page may load it from there.
    _MEDIA_ORIGIN = os.environ.get("COMICSTUDIO_MEDIA_PUBLIC_ORIGIN") or (
        os.environ.get("COMICSTUDIO_MEDIA_ENDPOINT") or f"https://{MEDIA_BUCKET}.s3.amazonaws.com"
    )
    SECURE_CSP["img-src"].append(_MEDIA_ORIGIN)
    SECURE_CSP["media-src"].append(_MEDIA_ORIGIN)
# Local copies of stored files that must be read from disk (characters/stored_files.py).
MEDIA_COPIES = VAR_DIR / "media-copies"
# With a front server (nginx), set e.g. "/protected-media/" to hand files off via X-Accel-Redirect.
MEDIA_ACCEL_REDIRECT_PREFIX = os.environ.get("COMICSTUDIO_MEDIA_ACCEL_REDIRECT", "")

# The largest request body accepted (the character form: three 10 MB images and a 20 MB
# clip); larger ones are refused with 413 before they are read (comicstudio/body_limit.py).
COMICSTUDIO_MAX_REQUEST_BYTES = int(os.environ.get("COMICSTUDIO_MAX_REQUEST_BYTES", 52_428_800))
# Image previews decoding at once, per process and per user of that process.
COMICSTUDIO_PREVIEW_DECODES = int(os.environ.get("COMICSTUDIO_PREVIEW_DECODES", "2"))
COMICSTUDIO_PREVIEW_DECODES_PER_USER = 1
# Past its limit an uploaded file is no longer stored (characters/upload_handlers.py).
FILE_UPLOAD_HANDLERS = [
    "characters.upload_handlers.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The embedded Redis of `runstudio` listens here unless REDIS_URL names another one.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6390/0")

# Sessions are read from the cache (Redis) and kept in the database too: a page costs no
# session query, and a Redis restarted empty signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Rendered storyboard cards are shared by every web process (generation/board/cards.py).
CACHES = {
    "default": {
        "BACKEND": "comicstudio.shared_cache.SharedRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "comicstudio",
        "TIMEOUT": 3600,
    }
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 defaults socket_timeout to 5 s, exactly channels-redis's blocking
            # wait: idle WebSocket consumers would be dropped. Keep it well above that.
            "hosts": [
                {
                    "address": REDIS_URL,
                    "socket_timeout": 30,
                    "socket_connect_timeout": 5,
                    "max_connections": 200,
                }
            ],
            "capacity": 500,
            "expiry": 60,
        },
    }
}

# Celery: see docs/operations.md for why each of these is set.
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 270
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above the longest task (270 s) and the longest countdown we schedule (60 s).
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600")),
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Generation.
COMICSTUDIO_ANIMATIC_FPS = int(os.environ.get("COMICSTUDIO_ANIMATIC_FPS", "12"))
COMICSTUDIO_POLL_SECONDS = float(os.environ.get("COMICSTUDIO_POLL_SECONDS", "1.0"))
COMICSTUDIO_STALL_SECONDS = int(os.environ.get("COMICSTUDIO_STALL_SECONDS", "600"))
# Fernet key for provider credentials at rest (`Fernet.generate_key()`); required when
# DJANGO_DEBUG is off, derived from the local SECRET_KEY otherwise.
COMICSTUDIO_CREDENTIALS_KEY = os.environ.get("COMICSTUDIO_CREDENTIALS_KEY", "")
# Provider and chat-model base URLs may name loopback/private hosts only where this is on:
# the local run and the tests (their fake providers listen on 127.0.0.1), never by default.
COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS = env_bool("COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS", DEBUG)
# Time limit of every provider SDK call, in seconds.
# Requests per API token (generation/api/auth.py), e.g. "120/min"; over it: 429 + Retry-After.
COMICSTUDIO_API_RATE = os.environ.get("COMICSTUDIO_API_RATE", "120/min")
COMICSTUDIO_PROVIDER_TIMEOUT = float(os.environ.get("COMICSTUDIO_PROVIDER_TIMEOUT", "60"))
# A take still in flight this long after it was submitted is stalled, progress or not.
COMICSTUDIO_TAKE_DEADLINE_SECONDS = int(os.environ.get("COMICSTUDIO_TAKE_DEADLINE_SECONDS", "3600"))
# A concurrency slot expires this long after its last renewal (if a worker died).
COMICSTUDIO_SLOT_LEASE_SECONDS = int(os.environ.get("COMICSTUDIO_SLOT_LEASE_SECONDS", "180"))
# 429 / 5xx: how many times a take is retried, and the longest backoff.
COMICSTUDIO_MAX_RETRIES = int(os.environ.get("COMICSTUDIO_MAX_RETRIES", "8"))
COMICSTUDIO_MAX_BACKOFF_SECONDS = float(os.environ.get("COMICSTUDIO_MAX_BACKOFF_SECONDS", "60"))
# An ambiguous submit not found in the provider's job list after this long was never made.
COMICSTUDIO_RECONCILE_GRACE_SECONDS = float(
    os.environ.get("COMICSTUDIO_RECONCILE_GRACE_SECONDS", "10")
)
# With webhooks configured, polling only backs them up, this rarely.
COMICSTUDIO_WEBHOOK_POLL_SECONDS = float(os.environ.get("COMICSTUDIO_WEBHOOK_POLL_SECONDS", "60"))
# The sweep re-drives takes whose tasks were lost (e.g. Redis restarted without data).
COMICSTUDIO_SWEEP_SECONDS = float(os.environ.get("COMICSTUDIO_SWEEP_SECONDS", "30"))
# How often a job we gave up on (stalled, cancelled) is asked whether it ended: it holds
# its concurrency slot until then.
COMICSTUDIO_WATCH_POLL_SECONDS = float(os.environ.get("COMICSTUDIO_WATCH_POLL_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    "sweep-takes": {
        "task": "generation.sweep_takes",
        "schedule": COMICSTUDIO_SWEEP_SECONDS,
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Exports: a running export whose worker has not reported for this long was lost (a killed
# worker); its redelivered task takes it over and starts it again.
COMICSTUDIO_EXPORT_STALE_SECONDS = int(os.environ.get("COMICSTUDIO_EXPORT_STALE_SECONDS", "60"))
