"""CX Center settings: one module, driven by environment variables (see README)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's `.env` (written by `make run`, never committed) fills in what the real environment does not set.
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# A development key is acceptable only on a developer's machine; production must set its own.
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-6f1c2b9e8d7a4c3b2a1f0e9d8c7b6a5f"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "axes",
    "cxcenter",
    "surveys",
    "feedback",
    "kpi",
    "facilities",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cxcenter.middleware.RefuseUndecodableForms",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Axes must be last: it turns a lockout raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = env("ROOT_URLCONF", default="cxcenter.urls")
WSGI_APPLICATION = "cxcenter.wsgi.application"

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
                "cxcenter.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL only. Without DATABASE_URL: the embedded server that `make run` and `make test` start
# (scripts/with_services.py), which listens on a socket in .pgdata/; manage.py by hand reaches it while one runs.
EMBEDDED_DATABASE_URL = f"postgres://postgres@/cxcenter?host={BASE_DIR / '.pgdata'}"
DATABASES = {"default": env.db("DATABASE_URL", default=EMBEDDED_DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cxcenter.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# django-axes: five failures for one account from one address lock that pair for fifteen minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

LANGUAGE_CODE = env("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
FORMAT_MODULE_PATH = ["cxcenter.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Files only staff may read (imports, exports, attachments) live outside the web root.
PRIVATE_ROOT = env.path("PRIVATE_ROOT", default=BASE_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_ROOT}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without a broker, tasks run in the calling process so the zero-setup `make run` still sends mail.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
# Invitations: a sweep re-queues what a lost message or an unreachable broker left behind; reminders go hourly.
CELERY_BEAT_SCHEDULE = {
    # The outbox: e-mails and jobs an unreachable broker, a lost worker or a refusing mail server left behind.
    "sweep-outbox": {"task": "cxcenter.tasks.sweep_outbox_task", "schedule": 60},
    "requeue-stale-invitations": {
        "task": "surveys.tasks.requeue_stale_invitations_task",
        "schedule": crontab(minute="*/5"),
    },
    "send-survey-reminders": {
        "task": "surveys.tasks.send_reminders_task",
        "schedule": crontab(minute=20),
    },
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CX Center <cx@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production defaults follow DEBUG; a closed-network deployment without TLS may relax them explicitly.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {name: {"level": "WARNING"} for name in ("axes", "weasyprint", "fontTools", "celery.app.trace")},
}

CX_PAGE_SIZE = 25
CX_IMPORT_MAX_ROWS = 5000

# Exports up to this many rows download at once; larger ones are built by a task and fetched from a link.
CX_EXPORT_DIRECT_MAX_ROWS = env.int("CX_EXPORT_DIRECT_MAX_ROWS", default=2000)
CX_EXPORT_KEEP_DAYS = env.int("CX_EXPORT_KEEP_DAYS", default=7)
CELERY_BEAT_SCHEDULE["sweep-exports"] = {"task": "cxcenter.tasks.sweep_exports_task", "schedule": 60 * 60}
# Open (QR) surveys: at most this many submissions from one client address per window (seconds).
# Feedback deadlines by severity, in calendar hours from receipt: (respond within, resolve within).
CX_CASE_SLA_HOURS = {
    "critical": (env.int("CX_SLA_CRITICAL_RESPONSE", default=2), env.int("CX_SLA_CRITICAL_RESOLUTION", default=24)),
    "high": (env.int("CX_SLA_HIGH_RESPONSE", default=4), env.int("CX_SLA_HIGH_RESOLUTION", default=72)),
    "medium": (env.int("CX_SLA_MEDIUM_RESPONSE", default=24), env.int("CX_SLA_MEDIUM_RESOLUTION", default=120)),
    "low": (env.int("CX_SLA_LOW_RESPONSE", default=48), env.int("CX_SLA_LOW_RESOLUTION", default=240)),
}
# A survey response with an index below this, or any rating this poor or worse (ranks: 1 good … 4 fairly poor,
# 5 poor), opens a follow-up case for the customer's account manager.
CX_FOLLOW_UP_INDEX_BELOW = env.int("CX_FOLLOW_UP_INDEX_BELOW", default=60)
CX_FOLLOW_UP_RATING_FROM = env.int("CX_FOLLOW_UP_RATING_FROM", default=4)
# The public feedback form: at most this many per address per window, and a form filled faster is a robot.
CX_FEEDBACK_FORM_MAX_POSTS = env.int("CX_FEEDBACK_FORM_MAX_POSTS", default=5)
CX_FEEDBACK_FORM_WINDOW = env.int("CX_FEEDBACK_FORM_WINDOW", default=3600)
CX_FEEDBACK_FORM_MIN_SECONDS = env.int("CX_FEEDBACK_FORM_MIN_SECONDS", default=3)
CX_ATTACHMENT_MAX_BYTES = env.int("CX_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Feedback deadlines: breaches are e-mailed once each to the owner and the supervisors.
CELERY_BEAT_SCHEDULE["flag-case-breaches"] = {
    "task": "feedback.tasks.flag_sla_breaches_task",
    "schedule": crontab(minute="*/10"),
}
CX_OPEN_SURVEY_MAX_POSTS = env.int("CX_OPEN_SURVEY_MAX_POSTS", default=10)
CX_OPEN_SURVEY_WINDOW = env.int("CX_OPEN_SURVEY_WINDOW", default=600)
