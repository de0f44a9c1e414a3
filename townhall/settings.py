"""Townhall settings, read from environment variables (see `.env.example`).

The defaults run the embedded demo: SQLite, a SQLite-backed Celery broker and a
mailbox readable in the staff console. Production sets TOWNHALL_DEMO=false and
supplies its own secrets, database and broker.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from townhall.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TOWNHALL_VAR_DIR", str(BASE_DIR / "var")))

DEMO_MODE = env_bool("TOWNHALL_DEMO", True)
DEBUG = env_bool("DEBUG", False)
HTTPS = env_bool("HTTPS", not DEMO_MODE)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEMO_MODE:
        raise ImproperlyConfigured("SECRET_KEY must be set when TOWNHALL_DEMO is false")
    SECRET_KEY = "demo-only-not-secret-3f9c2b7e1d4a8c6f0e5b9a2d7c4f1e8b6a3d0c9f"  # noqa: S105 - demo mode only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
COUNCIL_NAME = env_str("COUNCIL_NAME", "Borough of Wexmoor (demo)")
CASE_REFERENCE_PREFIX = env_str("CASE_REFERENCE_PREFIX", "WX")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "townhall.accounts",  # before allauth, so our GOV.UK sign-in templates win
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "townhall.core",
    "townhall.gazetteer",
    "townhall.catalogue",
    "townhall.customers",
    "townhall.cases",
    "townhall.notifications",
    "townhall.payments",
    "townhall.bookings",
    "townhall.waste",
    "townhall.streetcare",
    "townhall.integrations",
    "drf_spectacular",  # the REST API's schema, and its docs page's templates
    "drf_spectacular_sidecar",  # the docs page's Swagger UI, served from our own static files
    "townhall.api",
    "townhall.portal",
    "townhall.console",
    "townhall.demo",
    "django.forms",  # after our apps, so core's GOV.UK widget templates win
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "townhall.core.audit.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "townhall.accounts.middleware.MFARequiredMiddleware",
]

ROOT_URLCONF = "townhall.urls"
WSGI_APPLICATION = "townhall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "townhall.core.context_processors.site",
                "townhall.console.context_processors.console_navigation",
            ],
        },
    },
]
FORM_RENDERER = "townhall.core.forms.GovUKFormRenderer"

# Database: DATABASE_URL, e.g. postgres://user@host:5432/townhall.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'townhall.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/account/"

# Residents sign in with their email address, which they must verify.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None  # our User has no username; sign-up fails without this
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{COUNCIL_NAME}: "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = COUNCIL_NAME
# GOV.UK wording and markup for allauth's forms and messages (townhall/accounts/).
ACCOUNT_ADAPTER = "townhall.accounts.adapters.AccountAdapter"
MFA_ADAPTER = "townhall.accounts.adapters.MFAAdapter"
ACCOUNT_FORMS = {
    "login": "townhall.accounts.forms.LoginForm",
    "signup": "townhall.accounts.forms.SignupForm",
    "add_email": "townhall.accounts.forms.AddEmailForm",
    "change_password": "townhall.accounts.forms.ChangePasswordForm",
    "set_password": "townhall.accounts.forms.SetPasswordForm",
    "reset_password": "townhall.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "townhall.accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "townhall.accounts.forms.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "townhall.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "townhall.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "townhall.accounts.forms.ActivateTOTPForm",
}

LANGUAGE_CODE = "en-gb"
# Welsh joins when its translations do; claiming it without them would mislabel pages.
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages from npm, and the stylesheet `make` compiles from core/assets/.
STATICFILES_DIRS = [
    ("vendor/govuk-frontend", BASE_DIR / "node_modules/govuk-frontend/dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules/leaflet/dist"),
    ("build", BASE_DIR / "build"),
]

# Maps enhance location questions (the street or postcode search works without them).
# Any XYZ tile server: the council's own or a licensed provider; blank shows no base map.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = env_str("MAP_ATTRIBUTION", "© OpenStreetMap contributors")
MAP_CENTRE = (env_float("MAP_CENTRE_LATITUDE", 51.42), env_float("MAP_CENTRE_LONGITUDE", -0.19))
MAP_ZOOM = env_int("MAP_ZOOM", 14)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_BYTES = env_int("FILE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_BYTES + 1024 * 1024

# Email. The demo keeps every message in a mailbox shown in the staff console.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@wexmoor.example")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "townhall.notifications.backends.DemoMailboxBackend"
    if DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Celery: Redis or RabbitMQ in production; a SQLite file needs no server in the demo.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # The safety net behind the on-commit nudge: nothing waits longer than this.
    "relay-outbox": {"task": "townhall.core.tasks.relay_outbox", "schedule": 30.0},
    # Answers to forms nobody came back to (any channel) are personal data we no longer need.
    "purge-expired-drafts": {"task": "townhall.cases.tasks.purge_expired_drafts", "schedule": 60 * 60.0},
    # The console's one-time form keys only need to outlive a double click or a resent page.
    "purge-submitted-forms": {"task": "townhall.console.tasks.purge_submitted_forms", "schedule": 60 * 60.0},
    # Sent outbox messages past OUTBOX_KEEP_SENT_DAYS: the table stays weeks long, not years.
    "purge-sent-outbox": {"task": "townhall.core.tasks.purge_sent_outbox", "schedule": 6 * 60 * 60.0},
    # Payers who closed the browser mid-payment: their payments are settled from the provider.
    "check-live-payments": {"task": "townhall.payments.tasks.check_live_payments", "schedule": 5 * 60.0},
    "withdraw-unpaid-requests": {
        "task": "townhall.payments.tasks.withdraw_abandoned_requests",
        "schedule": crontab(hour=3, minute=30),
    },
    "check-submitted-refunds": {"task": "townhall.payments.tasks.check_submitted_refunds", "schedule": 15 * 60.0},
    # Bookings held but not confirmed (not paid for) in time give their places back.
    "release-expired-holds": {"task": "townhall.bookings.tasks.release_expired_holds", "schedule": 60.0},
    # Yesterday's provider records against ours, early each morning.
    "reconcile-payments": {
        "task": "townhall.payments.tasks.reconcile_yesterday",
        "schedule": crontab(hour=4, minute=15),
    },
}

# The transactional outbox: topic -> handler (a function taking payload and delivery key).
OUTBOX_HANDLERS = {
    "email": "townhall.notifications.delivery.send_email",
    "payment_refund": "townhall.payments.services.send_refund",
}
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12)
OUTBOX_KEEP_SENT_DAYS = env_int("OUTBOX_KEEP_SENT_DAYS", 30)
if OUTBOX_KEEP_SENT_DAYS < 1:
    raise ImproperlyConfigured("OUTBOX_KEEP_SENT_DAYS must be at least 1")
NOTIFICATIONS_EMAIL_PROVIDER = env_str(
    "NOTIFICATIONS_EMAIL_PROVIDER", "townhall.notifications.providers.django_email.DjangoEmailProvider"
)

# Payments. The sandbox provider shows its own card page and takes no money: the demo and
# tests use it. A council sets PAYMENTS_PROVIDER=govuk_pay and its GOV.UK Pay API key.
PAYMENTS_PROVIDERS = {
    "sandbox": "townhall.payments.providers.sandbox.SandboxProvider",
    "govuk_pay": "townhall.payments.providers.govuk_pay.GovUkPayProvider",
}
PAYMENTS_PROVIDER = env_str("PAYMENTS_PROVIDER", "sandbox")
if PAYMENTS_PROVIDER not in PAYMENTS_PROVIDERS:
    raise ImproperlyConfigured(f"PAYMENTS_PROVIDER must be one of {', '.join(PAYMENTS_PROVIDERS)}")
GOVUK_PAY_API_URL = env_str("GOVUK_PAY_API_URL", "https://publicapi.payments.service.gov.uk")
GOVUK_PAY_API_KEY = env_str("GOVUK_PAY_API_KEY", "")
GOVUK_PAY_WEBHOOK_SECRET = env_str("GOVUK_PAY_WEBHOOK_SECRET", "")
GOVUK_PAY_TIMEOUT_SECONDS = env_float("GOVUK_PAY_TIMEOUT_SECONDS", 10.0)
PAYMENTS_SANDBOX_OUTAGE = env_bool("PAYMENTS_SANDBOX_OUTAGE", False)
# A request nobody has paid for after this many days is closed, and the requester told.
PAYMENTS_UNPAID_DAYS = env_int("PAYMENTS_UNPAID_DAYS", 14)

# Waste: missed collections can be reported from the collection day until this many working
# days after it (bank holidays excluded), through this service of the catalogue. A round
# not marked finished by its crew counts as finished at this hour (24-hour clock) of its
# day. Crews' pages are for officers and team managers of this team, and council admins.
WASTE_MISSED_REPORT_WORKING_DAYS = env_int("WASTE_MISSED_REPORT_WORKING_DAYS", 2)
if WASTE_MISSED_REPORT_WORKING_DAYS < 0:
    raise ImproperlyConfigured("WASTE_MISSED_REPORT_WORKING_DAYS must not be negative")
WASTE_MISSED_SERVICE = env_str("WASTE_MISSED_SERVICE", "missed-bin")
WASTE_ROUND_FINISHED_BY_HOUR = env_int("WASTE_ROUND_FINISHED_BY_HOUR", 18)
if not 1 <= WASTE_ROUND_FINISHED_BY_HOUR <= 24:
    raise ImproperlyConfigured("WASTE_ROUND_FINISHED_BY_HOUR must be an hour from 1 to 24")
WASTE_CREWS_TEAM = env_str("WASTE_CREWS_TEAM", "waste")

# Waste: garden waste subscriptions, through this service of the catalogue: a term of so
# many months for the first bin and each extra bin, up to a maximum; residents who declare
# Council Tax Support get the concession discount. Renewal opens this many days before
# the end, with a reminder email so many days before it (each sent once). Fewer bins or a
# cancellation mid-term refund the unused whole months ("prorata"), or nothing ("none",
# when more bins also cost the whole term's difference).
WASTE_GARDEN_SERVICE = env_str("WASTE_GARDEN_SERVICE", "garden-waste")
WASTE_GARDEN_TERM_MONTHS = env_int("WASTE_GARDEN_TERM_MONTHS", 12)
WASTE_GARDEN_FIRST_BIN_PENCE = env_int("WASTE_GARDEN_FIRST_BIN_PENCE", 6500)
WASTE_GARDEN_EXTRA_BIN_PENCE = env_int("WASTE_GARDEN_EXTRA_BIN_PENCE", 4500)
WASTE_GARDEN_CONCESSION_PERCENT = env_int("WASTE_GARDEN_CONCESSION_PERCENT", 50)
WASTE_GARDEN_MAX_BINS = env_int("WASTE_GARDEN_MAX_BINS", 3)
WASTE_GARDEN_RENEWAL_WINDOW_DAYS = env_int("WASTE_GARDEN_RENEWAL_WINDOW_DAYS", 42)
try:
    WASTE_GARDEN_REMINDER_DAYS = sorted({int(day) for day in env_list("WASTE_GARDEN_REMINDER_DAYS", ["42", "14"])})
except ValueError as exc:
    raise ImproperlyConfigured("WASTE_GARDEN_REMINDER_DAYS must be whole numbers of days, like 42,14") from exc
WASTE_GARDEN_PRORATA = env_str("WASTE_GARDEN_PRORATA", "prorata")
if WASTE_GARDEN_PRORATA not in ("prorata", "none"):
    raise ImproperlyConfigured("WASTE_GARDEN_PRORATA must be prorata or none")
if not 1 <= WASTE_GARDEN_TERM_MONTHS <= 36:
    raise ImproperlyConfigured("WASTE_GARDEN_TERM_MONTHS must be from 1 to 36")
if WASTE_GARDEN_MAX_BINS < 1 or min(WASTE_GARDEN_FIRST_BIN_PENCE, WASTE_GARDEN_EXTRA_BIN_PENCE) < 0:
    raise ImproperlyConfigured("WASTE_GARDEN_MAX_BINS must be at least 1 and garden waste prices not negative")
if not 0 <= WASTE_GARDEN_CONCESSION_PERCENT <= 100:
    raise ImproperlyConfigured("WASTE_GARDEN_CONCESSION_PERCENT must be from 0 to 100")
if any(not 1 <= day <= WASTE_GARDEN_RENEWAL_WINDOW_DAYS for day in WASTE_GARDEN_REMINDER_DAYS):
    raise ImproperlyConfigured("WASTE_GARDEN_REMINDER_DAYS must fall inside WASTE_GARDEN_RENEWAL_WINDOW_DAYS")
# Reminders in the morning; subscriptions whose last day was yesterday end just after midnight.
CELERY_BEAT_SCHEDULE["garden-renewal-reminders"] = {
    "task": "townhall.waste.garden_tasks.send_renewal_reminders",
    "schedule": crontab(hour=9, minute=0),
}
CELERY_BEAT_SCHEDULE["garden-expiry"] = {
    "task": "townhall.waste.garden_tasks.expire_subscriptions",
    "schedule": crontab(hour=0, minute=20),
}

# Waste: containers and assisted collections, through these services of the catalogue; a
# larger bin is for households of at least this many people, or with a medical need. The
# waste back office (events out through the outbox, rounds and crew records in) is this
# class; the built-in one keeps what it receives, and with WASTE_BACKOFFICE_OUTAGE refuses
# it like a back office that is down (the outbox retries until it is back).
WASTE_CONTAINERS_SERVICE = env_str("WASTE_CONTAINERS_SERVICE", "new-bin")
WASTE_ASSISTED_SERVICE = env_str("WASTE_ASSISTED_SERVICE", "assisted-collection")
WASTE_LARGER_BIN_HOUSEHOLD = env_int("WASTE_LARGER_BIN_HOUSEHOLD", 6)
if WASTE_LARGER_BIN_HOUSEHOLD < 1:
    raise ImproperlyConfigured("WASTE_LARGER_BIN_HOUSEHOLD must be at least 1")
WASTE_BACKOFFICE = env_str("WASTE_BACKOFFICE", "townhall.waste.backoffice.builtin.BuiltinBackOffice")
WASTE_BACKOFFICE_OUTAGE = env_bool("WASTE_BACKOFFICE_OUTAGE", False)
OUTBOX_HANDLERS["waste_event"] = "townhall.waste.backoffice.deliver_waste_event"

# Integrations: every case event is shared out after commit to webhook subscribers and the
# Open311 back offices its service is routed to (each delivery through the outbox). Back
# offices are asked for status updates every so many seconds.
OUTBOX_HANDLERS["case_event"] = "townhall.integrations.fanout.fan_out_case_event"
OUTBOX_HANDLERS["backoffice_send"] = "townhall.integrations.backoffice.send_request"
OUTBOX_HANDLERS["backoffice_update"] = "townhall.integrations.backoffice.send_update"
OUTBOX_HANDLERS["webhook"] = "townhall.integrations.webhooks.deliver"
BACKOFFICE_POLL_SECONDS = env_int("BACKOFFICE_POLL_SECONDS", 5 * 60)
if BACKOFFICE_POLL_SECONDS < 10:
    raise ImproperlyConfigured("BACKOFFICE_POLL_SECONDS must be at least 10")
BACKOFFICE_TIMEOUT_SECONDS = env_float("BACKOFFICE_TIMEOUT_SECONDS", 20.0)
WEBHOOK_TIMEOUT_SECONDS = env_float("WEBHOOK_TIMEOUT_SECONDS", 10.0)
CELERY_BEAT_SCHEDULE["poll-backoffice-updates"] = {
    "task": "townhall.integrations.tasks.poll_backoffice_updates",
    "schedule": float(BACKOFFICE_POLL_SECONDS),
}

# Waste: bulky waste collections, requested through this service of the catalogue and
# booked in this calendar of the bookings app (its window, cut-off and hold minutes), a
# place per item, at most so many items a collection. Crews start at this hour (24-hour
# clock) on the day; the "no refund within so many hours" refund rule counts back from it.
WASTE_BULKY_SERVICE = env_str("WASTE_BULKY_SERVICE", "bulky-waste")
WASTE_BULKY_CALENDAR = env_str("WASTE_BULKY_CALENDAR", "bulky-waste")
WASTE_BULKY_MAX_ITEMS = env_int("WASTE_BULKY_MAX_ITEMS", 6)
if WASTE_BULKY_MAX_ITEMS < 1:
    raise ImproperlyConfigured("WASTE_BULKY_MAX_ITEMS must be at least 1")
WASTE_BULKY_COLLECTION_HOUR = env_int("WASTE_BULKY_COLLECTION_HOUR", 6)
if not 0 <= WASTE_BULKY_COLLECTION_HOUR <= 23:
    raise ImproperlyConfigured("WASTE_BULKY_COLLECTION_HOUR must be an hour from 0 to 23")
WASTE_BULKY_NO_REFUND_HOURS = env_int("WASTE_BULKY_NO_REFUND_HOURS", 24)
if WASTE_BULKY_NO_REFUND_HOURS < 0:
    raise ImproperlyConfigured("WASTE_BULKY_NO_REFUND_HOURS must not be negative")
# Bookings not paid for in time are withdrawn, and changes not paid for dropped, every
# minute; reminders go the afternoon before the collection (each once, so hourly is safe).
CELERY_BEAT_SCHEDULE["bulky-release-unpaid"] = {
    "task": "townhall.waste.bulky_tasks.release_unpaid_bookings",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["bulky-reminders"] = {
    "task": "townhall.waste.bulky_tasks.send_bulky_reminders",
    "schedule": crontab(minute=5, hour="15-20"),
}

# Street reports: their reporters are asked "is it fixed?" this many weeks after a report is
# marked fixed (each once; checked hourly); area alerts go out as one digest each morning.
STREETCARE_QUESTIONNAIRE_WEEKS = env_int("STREETCARE_QUESTIONNAIRE_WEEKS", 4)
if STREETCARE_QUESTIONNAIRE_WEEKS < 1:
    raise ImproperlyConfigured("STREETCARE_QUESTIONNAIRE_WEEKS must be at least 1")
CELERY_BEAT_SCHEDULE["streetcare-questionnaires"] = {
    "task": "townhall.streetcare.questionnaire_tasks.send_due_questionnaires",
    "schedule": crontab(minute=40),
}
CELERY_BEAT_SCHEDULE["streetcare-area-alerts"] = {
    "task": "townhall.streetcare.alerts_tasks.send_area_digests",
    "schedule": crontab(hour=7, minute=0),
}
# Photos added to street reports nobody sent go with the reports' drafts.
CELERY_BEAT_SCHEDULE["streetcare-purge-pending-photos"] = {
    "task": "townhall.streetcare.tasks.purge_pending_photos",
    "schedule": 60 * 60.0,
}

# The REST API (/api/v1/, townhall/api/, docs/api.md): JSON only, API keys only (never the
# session cookie, so no CSRF surface), errors as problem details, lists paged by cursor.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["townhall.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["townhall.api.permissions.KeyScopeAndRole"],
    "DEFAULT_THROTTLE_CLASSES": ["townhall.api.authentication.KeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "townhall.api.pagination.CursorPage",
    "DEFAULT_FILTER_BACKENDS": ["townhall.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "townhall.api.schema.ProblemAutoSchema",
    "DEFAULT_METADATA_CLASS": None,
    "EXCEPTION_HANDLER": "townhall.api.problems.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{COUNCIL_NAME}: Townhall REST API",
    "DESCRIPTION": "Services, cases, customers and contacts, for the council's own systems and partners. "
    "Send an API key as `Authorization: Bearer <key>`; errors are RFC 9457 problem details.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_AUTHENTICATION": [],  # the schema and its docs page are public
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links would put a link inside each operation's button, which screen readers stumble on; the
    # highlighter's colours are too pale to read.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
    # Names for the choice sets that more than one field shares.
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "townhall.catalogue.models.Channel",
        "CustomerKindEnum": "townhall.customers.models.CustomerKind",
        "EventKindEnum": "townhall.cases.models.EventKind",
        "NewEventKindEnum": ["note", "public_update"],
    },
}

# Security. HTTPS turns on everything `check --deploy` asks for.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Proxies (load balancer, nginx) in front of Townhall that append to X-Forwarded-For: the
# client's address, for the audit log and per-address limits, is that many from the right.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Tracking a request by reference and email: wrong guesses allowed per window, per browser
# session and per client address (which a household or office may share, hence more).
TRACKING_WINDOW_SECONDS = env_int("TRACKING_WINDOW_SECONDS", 60 * 60)
TRACKING_MAX_FAILURES = env_int("TRACKING_MAX_FAILURES", 10)
TRACKING_MAX_FAILURES_PER_IP = env_int("TRACKING_MAX_FAILURES_PER_IP", 30)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's SQLite cannot enforce "one change per round and day" for all-round changes;
    # PostgreSQL, which production and the tests use, does.
    SILENCED_SYSTEM_CHECKS.append("models.W047")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
