"""Settings of the Mê Linh cleaner-production portal, driven only by environment variables.

The variables and their defaults are listed in README.md, "Configuration". With DEBUG off (the
default outside `make run`) the production values apply: SECRET_KEY is required, cookies are
secure, HSTS is on.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from melinh_sxsh.lib.env import check_origins, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ

DEBUG = env_bool(ENV, "DEBUG", False)

DEV_SECRET_KEY = "dev-only-not-secret-melinh-sxsh-0000000000000000000000000000"
SECRET_KEY = env_str(ENV, "SECRET_KEY") or DEV_SECRET_KEY
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list(ENV, "ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list(ENV, "CSRF_TRUSTED_ORIGINS", "")

# Sites that may show the public progress card (/public/embed/progress/) in a frame, e.g. the
# district portal; none by default. Each is written into a Content-Security-Policy header, so
# anything but a plain origin (a space, a quote, a ";") is refused here.
PUBLIC_EMBED_ORIGINS = check_origins("PUBLIC_EMBED_ORIGINS",
                                     env_list(ENV, "PUBLIC_EMBED_ORIGINS", ""))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "melinh_sxsh",
    "accounts",
    "facilities",
    "audits",
    "campaigns",
    "reports",
    "public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise (static files are compressed ahead), above everything that writes a body.
    "melinh_sxsh.middleware.CompressPagesMiddleware",
    # Sees every response but static files: private unless the view declared it public.
    "melinh_sxsh.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "melinh_sxsh.middleware.VietnameseFirstLocaleMiddleware",
    # Before anything reads a parameter, the session cookie included.
    "melinh_sxsh.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "melinh_sxsh.middleware.DomainErrorMiddleware",
    # Axes must come last: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "melinh_sxsh.urls"
WSGI_APPLICATION = "melinh_sxsh.wsgi.application"

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
                "accounts.context_processors.navigation",
                "accounts.context_processors.place",
            ],
        },
    },
]

# Database: one URL; SQLite under var/ for the embedded default.
DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
DATABASE_URL = env_str(ENV, "DATABASE_URL") or DEFAULT_DATABASE_URL
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL and IMMEDIATE transactions let the worker and the web process share the file
        # without "database is locked" errors under normal load.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The first hasher stores every new password; the others only check the hashes made before it
# and are replaced by the first's at their owner's next login (docs/ARCHITECTURE.md,
# "Passwords"). Django's own Argon2 hasher is left out: it shares the algorithm name.
PASSWORD_HASHERS = [
    "accounts.hashers.SxshArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failures are counted per account, from whatever address, and per account at one address
# (the finer record of where they came from); never per address alone, because an office behind
# one NAT address would be locked out by one person's typos, and a success of one account must
# not wipe another's failures (a success resets only what is filed under its own name).
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_username"
AXES_CLIENT_IP_CALLABLE = "melinh_sxsh.lib.http.client_ip"
# Locks are seen and lifted on the portal's own page (/accounts/users/); axes' admin pages
# name its records in English only.
AXES_ENABLE_ADMIN = False
# How many reverse proxies of our own stand in front of the application. 0: the address is the
# connection's own and X-Forwarded-For, which any client can write, is ignored; N: the address
# is the N-th entry from the right of X-Forwarded-For, the one our outermost proxy appended.
TRUSTED_PROXY_COUNT = env_int(ENV, "TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

SESSION_COOKIE_AGE = env_int(ENV, "SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Language, time and number formats: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["melinh_sxsh.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str(ENV, "STATIC_ROOT") or BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str(ENV, "MEDIA_ROOT") or BASE_DIR / "var" / "media")
# The PDF's fonts are read from disk by WeasyPrint and source maps only by developer tools:
# compressing them would only make collectstatic slower.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf", "map")
# Outside DEBUG, whitenoise serves the manifest's hashed names as immutable for ten years (a
# changed file gets a new name) and the brotli and gzip copies collectstatic made beside them.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: 10 MB is the import limit; anything larger is refused before it is read.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: Redis as broker. Without REDIS_URL there is no worker: imports and reports run in
# threads of the web process, JOB_THREADS for each kind of job (melinh_sxsh/lib/jobs.py,
# docs/ARCHITECTURE.md "Background work"); 0 runs them inside the request (the tests' default).
REDIS_URL = env_str(ENV, "REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
JOB_THREADS = env_int(ENV, "JOB_THREADS", 2)
if JOB_THREADS < 0:
    raise ImproperlyConfigured("JOB_THREADS must be 0 or more.")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Hard limits of tasks stay well under this (docs/ARCHITECTURE.md, "Background work").
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Imports have a queue of their own, taken by workers of their own (docker-compose.yml), so that
# however many files are being checked, a report or the beat's housekeeping never waits behind
# them. Everything else goes to the default queue.
IMPORT_QUEUE = "imports"
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"facilities.tasks.run_import_job": {"queue": IMPORT_QUEUE}}
# A running job (import or report) whose heartbeat is older than this is taken as abandoned by a
# dead worker: requeued, up to JOB_MAX_ATTEMPTS claims, then failed with a message.
# REPORT_STALE_SECONDS is its former name, still read.
JOB_STALE_SECONDS = env_int(ENV, "JOB_STALE_SECONDS", env_int(ENV, "REPORT_STALE_SECONDS", 600))
JOB_MAX_ATTEMPTS = env_int(ENV, "JOB_MAX_ATTEMPTS", 3)
# The one schedule of Celery beat. The sweep runs often enough to find a stale job soon after
# it goes stale.
CELERY_BEAT_SCHEDULE = {
    "weekly-draft-report": {"task": "reports.tasks.weekly_draft",
                            "schedule": crontab(minute=0, hour=6, day_of_week="mon")},
    "purge-old-drafts": {"task": "reports.tasks.purge_old_drafts",
                         "schedule": crontab(minute=30, hour=2)},
    # Data requests' deadlines (audits/reminders.py): in the morning, when offices read mail.
    "data-request-reminders": {"task": "audits.tasks.send_reminders",
                               "schedule": crontab(minute=0, hour=7)},
    "sweep-stale-jobs": {"task": "melinh_sxsh.tasks.sweep_stale_jobs",
                         "schedule": float(min(60, max(1, JOB_STALE_SECONDS // 4)))},
}
REPORT_STEP_DELAY = env_int(ENV, "SXSH_REPORT_STEP_DELAY", 0)

# E-mail (audits/mail.py sends it): Django's SMTP backend when EMAIL_HOST is set; without it,
# under DEBUG (`make run`) each message is a file under var/mail for a person to read, and in
# production e-mail is off: nothing is sent and the reminders wait, unsent and unrecorded, until
# a server is configured (the letters on paper do not depend on it).
EMAIL_HOST = env_str(ENV, "EMAIL_HOST")
EMAIL_USE_TLS = env_bool(ENV, "EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool(ENV, "EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
EMAIL_PORT = env_int(ENV, "EMAIL_PORT", 465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25)
EMAIL_HOST_USER = env_str(ENV, "EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = ENV.get("EMAIL_HOST_PASSWORD", "")
# Seconds to wait for the SMTP server: a hung server must not hold the beat's task for long.
EMAIL_TIMEOUT = env_int(ENV, "EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str(ENV, "DEFAULT_FROM_EMAIL") or "Cổng SXSH Mê Linh <sxsh@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# The address links in e-mails and letters start with (no "/" at the end): the first of
# ALLOWED_HOSTS over HTTPS unless told otherwise; under DEBUG, `make run`'s own address.
SITE_URL = env_str(ENV, "SITE_URL").rstrip("/")
if SITE_URL:
    check_origins("SITE_URL", [SITE_URL])
elif DEBUG:
    SITE_URL = "http://127.0.0.1:8000"
else:
    SITE_URL = "https://" + next(
        (host for host in ALLOWED_HOSTS if host[:1] not in ".*"), "localhost")

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Security headers everywhere; the transport settings only when DEBUG is off.
# A strict policy: nothing inline, nothing from elsewhere. Charts are SVG images (data:), whose
# own stylesheet stays inside the image. The public card widens frame-ancestors for itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool(ENV, "SECURE_SSL_REDIRECT", True)
    # The load balancer's health probe speaks plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int(ENV, "SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str(ENV, "LOG_LEVEL", "INFO")},
    # Axes announces its version at every start; keep its warnings only.
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"},
                "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
