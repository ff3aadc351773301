"""Settings for every environment, read from the process environment (and an optional ``.env``).

With nothing set, the portal runs on a SQLite file and a Celery broker on the filesystem, so
``make run`` needs no server. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
Production settings (``qppportal.settings.production``) harden these defaults.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# What the running portal writes (the embedded broker's folders, development mail, uploads, beat's
# schedule, logs); VAR_DIR moves all of it, e.g. for a test that runs the portal in a temporary folder.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me-0123456789abcdefghijklmnop")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in e-mails; by default the address `make run` serves (scripts/serve reads the same PORT).
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "crispy_forms",
    "csp",
    "django_filters",
    "auditlog",
    "accounts",
    "determinations",
    "messaging",
    "jobs",
    "ui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qppportal.uploads.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.signed_in.SignedInMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
    # After authentication: stamps who made each audited change (docs/decisions/0030-audit-records-and-requirements.md).
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qppportal.urls"
WSGI_APPLICATION = "qppportal.wsgi.application"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded set-up has a web server, a worker and beat writing one file: WAL lets readers
    # work while one writes, IMMEDIATE takes the write lock when a transaction starts (so two
    # writers queue instead of failing with "database is locked"), and the busy timeout is how
    # long a writer waits for its turn.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=30),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Fails open (qppportal/cache.py): with Redis down, pages compute from the database instead.
    CACHES = {
        "default": {
            "BACKEND": "qppportal.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.ProgramAdminBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# Lockout: five failures for one account from one address locks it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = "QPP Portal"

# Sessions are read from the cache (Redis in every deployment) and kept in the database as well,
# so a Redis restart signs nobody out. The signed-in user and device are cached beside them
# (accounts/signed_in.py, docs/decisions/0020-signed-in-pages-from-the-cache.md).
# cached_db, whose cache read also brings the signed-in entry (accounts/sessions.py, decision 0038).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Audit records (django-auditlog) of the reference, configuration and staff models an auditor asks
# about: who changed what, when, from and to. A request's own history is SubmissionEvent's.
# Secrets and noise stay out: password hashes, invitation token digests, TOTP keys and counters.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "accounts.user",
        "exclude_fields": ["password", "last_login"],
        "m2m_fields": ["groups", "user_permissions"],
    },
    "accounts.organization",
    "accounts.membership",
    {"model": "accounts.invitation", "exclude_fields": ["token_hash"]},
    {"model": "auth.group", "m2m_fields": ["permissions"]},
    {"model": "otp_totp.totpdevice", "include_fields": ["user", "name", "confirmed"]},
    "determinations.performanceyear",
    "determinations.submissionwindow",
    "determinations.reminderschedule",
    "determinations.mipsmeasure",
    "determinations.conflictofinterest",
    "determinations.cliniciannpi",
)
AUDITLOG_DISABLE_ON_RAW_SAVE = True
AUDITLOG_STORE_JSON_CHANGES = True

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "uploads")
QPP_MEASURES_DATA_DIR = env.path(
    "QPP_MEASURES_DATA_DIR", default=BASE_DIR / "node_modules" / "qpp-measures-data" / "measures"
)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["uswds"]
CRISPY_TEMPLATE_PACK = "uswds"
CRISPY_FAIL_SILENTLY = not DEBUG

# With no EMAIL_URL (development), every e-mail is written as a file under var/mail/.
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_CONFIG = env.email("EMAIL_URL", default=f"filemail:///{EMAIL_FILE_PATH}")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="QPP Portal <no-reply@qpp-portal.example.gov>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise a filesystem broker that needs no server.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Fail fast when Redis is down: the outbox keeps what was to be sent and its sweep sends it later.
    # A task a dead worker had taken is delivered again after the visibility timeout; it is longer
    # than any task's hard time limit, and a second delivery is harmless (tasks are idempotent).
    # Workers look for such tasks every CELERY_UNACKED_RESTORE_SECONDS: Kombu's default scans on
    # one tick in ten, so a task came back up to 100 s after its timeout had passed.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_SECONDS", default=10),
        "unacked_restore_throttle": 1,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    # Every folder under var/ (Kombu's default control_folder is ./control); qppportal/celery.py
    # makes them when Celery is first configured, so importing the settings creates nothing.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery-broker"),
        "data_folder_out": str(VAR_DIR / "celery-broker"),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# What a task prints (the console e-mail backend's messages) is logged at INFO, not Celery's default WARNING.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "purge-expired-invitations": {
        "task": "accounts.tasks.invitations_purge_expired",
        "schedule": crontab(hour=3, minute=15),
    },
    "send-pending-messages": {
        "task": "messaging.tasks.messages_dispatch",
        "schedule": env.float("MESSAGES_SWEEP_SECONDS", default=60.0),
    },
    "send-due-reminders": {
        "task": "determinations.tasks.reminders_sweep",
        "schedule": crontab(minute=10),
    },
    "sweep-stalled-jobs": {
        "task": "jobs.tasks.jobs_sweep_stalled",
        "schedule": crontab(minute="*/5"),
    },
    "flag-overdue-information-requests": {
        "task": "determinations.tasks.information_requests_flag_overdue",
        "schedule": crontab(minute=5),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint.progress": {"level": "WARNING"}},
}

# The outbox (messaging/services.py): attempts before a message is marked failed, the first retry
# delay (doubling after each failure) and how many messages one dispatcher run sends at most.
MESSAGE_MAX_ATTEMPTS = env.int("MESSAGE_MAX_ATTEMPTS", default=8)
MESSAGE_RETRY_BASE_SECONDS = env.int("MESSAGE_RETRY_BASE_SECONDS", default=60)
MESSAGES_DISPATCH_LIMIT = env.int("MESSAGES_DISPATCH_LIMIT", default=5000)
# A dispatcher claims this many messages at a time, for this long: longer than the dispatch task's
# hard time limit (300 s), so a claimed message goes to another dispatcher only once the one that
# claimed it can no longer be sending it.
MESSAGES_DISPATCH_BATCH = env.int("MESSAGES_DISPATCH_BATCH", default=100)
MESSAGES_CLAIM_SECONDS = env.int("MESSAGES_CLAIM_SECONDS", default=600)

# Batch jobs (jobs/services.py): items per chunk (one Celery task each), items per transaction for
# kinds that do a batch at once, and how long a running job may go without finishing an item before
# the sweeper resumes it and tells program admins.
JOB_CHUNK_SIZE = env.int("JOB_CHUNK_SIZE", default=500)
JOB_BATCH_SIZE = env.int("JOB_BATCH_SIZE", default=50)
JOB_STALL_MINUTES = env.int("JOB_STALL_MINUTES", default=15)
# A chunk task starts no item after this many seconds and queues the rest of its chunk again: with
# the task's soft limit of 300 s, any one item (or batch) has at least 180 s (jobs/tasks.py).
JOB_CHUNK_SECONDS = env.int("JOB_CHUNK_SECONDS", default=120)

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# Request-size limits (qppportal/uploads.py, decision 0029): a file part over its view's limit is
# refused with 413 as it streams, and a body over the limit plus the allowance is refused unread.
# The QP participation file of a whole snapshot is larger than any document.
PARTICIPATION_FILE_MAX_BYTES = env.int("PARTICIPATION_FILE_MAX_BYTES", default=512 * 1024 * 1024)
# Views whose file limit is another setting than DOCUMENT_MAX_BYTES: URL name -> that setting's name.
UPLOAD_FILE_LIMIT_SETTING_BY_VIEW = {"determinations:participation_upload": "PARTICIPATION_FILE_MAX_BYTES"}
UPLOAD_FORM_ALLOWANCE_BYTES = 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "qppportal.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger files stream to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # the form fields other than files (a pasted participant list)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# Demo accounts have published passwords: production settings switch this off.
DEMO_DATA_ALLOWED = True
# CMS aims to decide a request within this many days of its window's deadline (a program-office target).
REVIEW_TARGET_DAYS = env.int("REVIEW_TARGET_DAYS", default=60)
# Submitters answer a CMS information request within this many business days (domain.md 3.3, [U]).
INFORMATION_REQUEST_DUE_BUSINESS_DAYS = env.int("INFORMATION_REQUEST_DUE_BUSINESS_DAYS", default=15)
