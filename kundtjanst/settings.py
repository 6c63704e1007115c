"""Settings for every deployment, read from the environment (documented in README.md).

The embedded defaults (SQLite under var/, in-memory channel layer, database search) need no
variable at all; production sets DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kundtjanst.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KUNDTJANST_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "simple_history",
    "channels",
    "kundtjanst",
    "cases",
    "checklists",
    "channels_app",
    "kpi",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "kundtjanst.urls"
WSGI_APPLICATION = "kundtjanst.wsgi.application"
ASGI_APPLICATION = "kundtjanst.asgi.application"

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
                "kundtjanst.context_processors.roles",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kundtjanst.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one failing
    # with "database is locked" halfway through (e.g. both allocating a case reference).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not shared-cache memory: concurrent tests need SQLite's real locking (busy
    # timeout, WAL). The process id keeps two suites on one machine apart.
    DATABASES["default"]["TEST"] = {
        "NAME": env_str("SQLITE_TEST_NAME", "") or str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
    }
else:
    test_name = env_str("POSTGRES_TEST_NAME", "")
    if test_name:
        DATABASES["default"]["TEST"] = {"NAME": test_name}
    # Session settings for every connection. JIT compilation costs a KPI query more than it
    # saves (measured: bench/kkik.py), and the year's percentiles sort in memory with 32 MB.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env_str(
        "POSTGRES_OPTIONS", "-c jit=off -c work_mem=32MB"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channels: in-memory for the embedded setup, Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Used by the checklist search (a later issue); empty = database search.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "kundtjanst")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # each role lands where its work is (kundtjanst.views.home)
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# The embedded setup serves static files from the ASGI app itself; a production deployment
# puts a web server in front and sets SERVE_STATIC=0.
SERVE_STATIC = env_bool("SERVE_STATIC", True)

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request then gets 401 with WWW-Authenticate: Token.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "kundtjanst.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kundtjänst API",
    "DESCRIPTION": "Cases, contacts and the organisation of a municipal contact centre.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Fields named alike with different choices get explicit enum names.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.CaseStatus",
        "EscalationStatusEnum": "cases.models.EscalationStatus",
        "ChannelEnum": "cases.models.Channel",
        "CallbackChannelEnum": "cases.services.escalation.CALLBACK_CHANNEL_CHOICES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Shown to citizens on the public pages (self-service FAQ).
MUNICIPALITY_NAME = env_str("MUNICIPALITY_NAME", "Exempelkommun")
CONTACT_CENTRE_PHONE = env_str("CONTACT_CENTRE_PHONE", "0123-45 67 00")
CONTACT_CENTRE_EMAIL = env_str("CONTACT_CENTRE_EMAIL", "kundtjanst@example.se")
CONTACT_CENTRE_HOURS = env_str(
    "CONTACT_CENTRE_HOURS", "Måndag–torsdag 8–17, fredag 8–16. Stängt helgdagar."
)
CONTACT_CENTRE_VISIT = env_str("CONTACT_CENTRE_VISIT", "Kommunhuset, Storgatan 1")

# Case list paging.
CASES_PAGE_SIZE = env_int("CASES_PAGE_SIZE", 50)

# Outgoing mail (escalation reminders; replies to citizens). Without EMAIL_HOST, mail is printed
# to the console, so the embedded setup needs no mail server.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", CONTACT_CENTRE_EMAIL)
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Incoming mail (`manage.py fetch_mail`, ADR 0009): the contact centre's IMAP mailbox. Without
# MAIL_IMAP_HOST nothing is fetched.
MAIL_IMAP_HOST = env_str("MAIL_IMAP_HOST", "")
MAIL_IMAP_PORT = env_int("MAIL_IMAP_PORT", 993)
MAIL_IMAP_SECURITY = env_str("MAIL_IMAP_SECURITY", "ssl")  # ssl | starttls | none
MAIL_IMAP_USER = env_str("MAIL_IMAP_USER", "")
MAIL_IMAP_PASSWORD = env_str("MAIL_IMAP_PASSWORD", "")
MAIL_IMAP_FOLDER = env_str("MAIL_IMAP_FOLDER", "INBOX")
MAIL_IMAP_QUARANTINE_FOLDER = env_str("MAIL_IMAP_QUARANTINE_FOLDER", "Karantan")
MAIL_IMAP_PROCESSED_FLAG = env_str("MAIL_IMAP_PROCESSED_FLAG", "KundtjanstProcessed")
MAIL_FETCH_INTERVAL_SECONDS = env_int("MAIL_FETCH_INTERVAL_SECONDS", 60)
MAIL_FETCH_ATTEMPTS = env_int("MAIL_FETCH_ATTEMPTS", 3)  # then the message is quarantined
MAIL_FETCH_STALL_MINUTES = env_int("MAIL_FETCH_STALL_MINUTES", 15)
MAIL_QUARANTINE_WARN = env_int("MAIL_QUARANTINE_WARN", 5)
# The municipality's own receiving hosts (regex on the "by" host of Received: headers): the
# received time is when the first of them took the message.
MAIL_OWN_HOSTS = env_str("MAIL_OWN_HOSTS", "")
MAIL_MAX_BYTES = env_int("MAIL_MAX_MB", 25) * 1024 * 1024  # attachments per message
MAIL_ANSWER_WORKING_DAYS = env_int("MAIL_ANSWER_WORKING_DAYS", 2)
MAIL_ACKNOWLEDGEMENT_TEXT = env_str(
    "MAIL_ACKNOWLEDGEMENT_TEXT",
    "Hej!\n\nTack för ditt meddelande. Vi har tagit emot det och gett det ärendenummer "
    "{reference}. Du får svar senast {answer_by} (inom {working_days} arbetsdagar).\n\n"
    "Svara gärna på detta mejl om du vill komplettera; behåll ärendenumret i ämnesraden.\n\n"
    "Med vänlig hälsning\nKundtjänsten",
).replace("\\n", "\n")

# Uploaded files (attachments on cases and escalations) go through Django's storage API into
# MEDIA_ROOT, which nothing serves directly: only a view that checks the user may see the case.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-is-not-served/"
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 25) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default; files stream to disk above it

# The manager dashboard (kpi/): the direct-answer target, the traffic lights (good ≥ first,
# OK ≥ second, otherwise "Under medel"), and the contact centre's opening hours per ISO weekday
# (hour from, hour to) for the hour-of-week flow.
KPI_DIRECT_ANSWER_TARGET = env_int("KPI_DIRECT_ANSWER_TARGET", 70)
KPI_THRESHOLDS = {
    "email_within_1": (80, 70),
    "phone_answered_60s": (80, 60),
    "phone_direct": (60, 45),
    "courtesy_index": (80, 70),
    "direct_answer_rate": (KPI_DIRECT_ANSWER_TARGET, KPI_DIRECT_ANSWER_TARGET - 10),
}
KPI_OPENING_HOURS = {1: (8, 17), 2: (8, 17), 3: (8, 17), 4: (8, 17), 5: (8, 16)}

# --- Citizen web form (channels_app.web)
# Spam protection without third parties: a form sent sooner than WEB_FORM_MIN_SECONDS after it
# was shown, or with its hidden field filled, is refused; so is a sender's submission beyond
# WEB_FORM_RATE_LIMIT in WEB_FORM_RATE_WINDOW_MINUTES (counted per hashed IP address). Behind
# reverse proxies, WEB_FORM_PROXY_COUNT says how many of them add to X-Forwarded-For; 0 = the
# peer address is the citizen's.
WEB_FORM_MIN_SECONDS = env_int("WEB_FORM_MIN_SECONDS", 3)
WEB_FORM_MAX_AGE_HOURS = env_int("WEB_FORM_MAX_AGE_HOURS", 24)
WEB_FORM_RATE_LIMIT = env_int("WEB_FORM_RATE_LIMIT", 5)
WEB_FORM_RATE_WINDOW_MINUTES = env_int("WEB_FORM_RATE_WINDOW_MINUTES", 10)
WEB_FORM_PROXY_COUNT = env_int("WEB_FORM_PROXY_COUNT", 0)
WEB_FORM_MAX_LENGTH = env_int("WEB_FORM_MAX_LENGTH", 4000)
# How long a service-survey link works (DOMAIN.md "Service survey").
SURVEY_LINK_DAYS = env_int("SURVEY_LINK_DAYS", 30)
