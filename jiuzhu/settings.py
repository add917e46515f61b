"""Settings of Jiuzhu, read from the environment in this one place.

Nothing configured: SQLite (WAL) under ``var/``, a secret key generated once into
``var/secret_key``. ``DATABASE_URL`` (``postgres://…`` or ``sqlite:///path``) selects
another database.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Files this process creates (the SQLite database and its WAL, uploads, generated documents,
# key files) are readable by its own user only: 0600 in 0700 folders. An older
# installation's data folder and database are narrowed here too.
os.umask(0o077)
DATA_DIR = Path(os.environ.get("JIUZHU_DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
DATA_DIR.chmod(0o700)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "*").split(",") if h.strip()]
# How many reverse proxies in front of the server append to X-Forwarded-For (0: none, so
# the header is ignored and REMOTE_ADDR is the client).
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
# Residents' self-service: online submissions per address and hour, wrong progress queries
# per address and hour and per query code.
SELF_APPLY_MAX_PER_HOUR = int(os.environ.get("SELF_APPLY_MAX_PER_HOUR", "5"))
SELF_TRACK_MAX_FAILURES_PER_HOUR = int(os.environ.get("SELF_TRACK_MAX_FAILURES_PER_HOUR", "10"))
SELF_TRACK_MAX_FAILURES_PER_CODE = int(os.environ.get("SELF_TRACK_MAX_FAILURES_PER_CODE", "10"))
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",  # second factor (TOTP + recovery codes), jiuzhu/accounts/twofactor.py
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "jiuzhu.core",
    "jiuzhu.regions",
    "jiuzhu.accounts",
    "jiuzhu.audit",
    "jiuzhu.households",
    "jiuzhu.assessments",
    "jiuzhu.exchange",
    "jiuzhu.calendars",
    "jiuzhu.documents",
    "jiuzhu.verification",
    "jiuzhu.applications",
    "jiuzhu.payments", "jiuzhu.supervision",
    "jiuzhu.catalogue", "jiuzhu.intake", "jiuzhu.leads", "jiuzhu.selfservice",
    "jiuzhu.funds", "jiuzhu.emergency",
    "jiuzhu.stations", "jiuzhu.points", "jiuzhu.contracts", "jiuzhu.xingfu", "jiuzhu.socialwork",
    "jiuzhu.recertify",
    "jiuzhu.policy",  # the parameters a county enters (政策参数, #16)
    # oversight (#13): dashboard, monthly statistics, upward reporting, electronic archive
    "jiuzhu.monitoring", "jiuzhu.monthly", "jiuzhu.upward", "jiuzhu.archive",
    # the top floor: the home page and the demo county loader (they may import any app)
    "jiuzhu.portal", "jiuzhu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiuzhu.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "jiuzhu.audit.middleware.AuditContextMiddleware",
    # the parameter sets approved in another process (政策参数), at most every few seconds
    "jiuzhu.policy.middleware.ParameterOverlays",
]

ROOT_URLCONF = "jiuzhu.urls"
WSGI_APPLICATION = "jiuzhu.wsgi.application"

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
                "jiuzhu.portal.menu.menu",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "jiuzhu.sqlite3"
for _path in (SQLITE_PATH, SQLITE_PATH.with_name(SQLITE_PATH.name + "-wal"),
              SQLITE_PATH.with_name(SQLITE_PATH.name + "-shm")):
    if _path.exists():
        _path.chmod(0o600)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the server and the task worker read while the other writes.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("JIUZHU_TEST_DB") or None}
# A read replica (PostgreSQL streaming replica of default) for the dashboard's and the 月报's
# figures (jiuzhu/core/routers.py); every write and every other read stays on default.
if _replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["jiuzhu.core.routers.PrimaryReplicaRouter"]
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: the dashboard's and the ranking's queries (CASE over hashed subplans) spent
        # more time compiling than running — the 20 most difficult of a township at 1,000,000
        # households took 25 s with JIT, 8 s without (bench_dashboard, 2026-12-05).
        options = _database.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background tasks (django-tasks, database backend) ------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "JIUZHU_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"
        ),
    }
}

# --- accounts and sessions --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # passwords only: permissions come from the rules predicates (jiuzhu/*/rules.py)
    "jiuzhu.accounts.backends.PasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# GB/T 22239 password policy, checked on every change (change-password page, admin's
# set-password): length, 3 of 4 character classes, not the user name, not the last 5.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "jiuzhu.accounts.validators.ComplexityValidator",
     "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10")), "min_classes": 3}},
    {"NAME": "jiuzhu.accounts.validators.NotUserNameValidator"},
    {"NAME": "jiuzhu.accounts.validators.HistoryValidator", "OPTIONS": {"count": 5}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Idle sessions end after SESSION_IDLE_MINUTES (every request renews the cookie).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", _env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Login delays, never a lockout (jiuzhu/accounts/throttle.py): after LOGIN_FREE_FAILURES
# failures of one user name (since its last sign-in) the next attempt waits 2^(n-3) s, at
# most LOGIN_DELAY_MAX_SECONDS from an address that failed for that name, at most
# LOGIN_DELAY_OTHER_SECONDS from any other address (the attacker cannot lock the owner
# out); one address waits likewise after LOGIN_FREE_FAILURES_PER_IP failures of any names.
LOGIN_FREE_FAILURES = int(os.environ.get("LOGIN_FREE_FAILURES", "3"))
LOGIN_FREE_FAILURES_PER_IP = int(os.environ.get("LOGIN_FREE_FAILURES_PER_IP", "10"))
LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_DELAY_MAX_SECONDS", "300"))
LOGIN_DELAY_OTHER_SECONDS = int(os.environ.get("LOGIN_DELAY_OTHER_SECONDS", "4"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "1440"))
# Second factor (TOTP): "off" or "required_roles" where a region has no SecondFactorPolicy.
TWO_FACTOR_DEFAULT = os.environ.get("TWO_FACTOR_DEFAULT", "off")
OTP_TOTP_ISSUER = "救助 Jiuzhu"
# API tokens expire after this many days unless made with --days.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

# --- language ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static files, served by the application itself (intranet, no CDN) ---------------
STATIC_URL = "/static/"
# JIUZHU_STATIC_ROOT: collected static files outside the private data folder, for a web
# server in front to serve (deploy/nginx/jiuzhu.conf); else whitenoise serves them.
STATIC_ROOT = Path(os.environ.get("JIUZHU_STATIC_ROOT", DATA_DIR / "static")).resolve()
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_MB", "50")) * 1024 * 1024

# Economic-status verification: departments' export files, and the demo source. The demo
# source is off unless VERIFICATION_DEMO=true; without it, it answers only for the
# households of the demo county after `jiuzhu demo` loaded it into this database.
VERIFICATION_EXPORT_DIR = Path(os.environ.get("VERIFICATION_EXPORT_DIR",
                                              DATA_DIR / "verification_exports"))
VERIFICATION_DEMO = _env_bool("VERIFICATION_DEMO", False)

# The audit chain's anchor outside the database (audit/anchor.py): the newest event's id and
# SM3 hash after every audited transaction; empty: no anchor. It protects against whoever can
# change the database but not this server's files; `jiuzhu backup` puts it in its manifest.
AUDIT_ANCHOR_FILE = os.environ.get("AUDIT_ANCHOR_FILE", str(DATA_DIR / "audit" / "anchor"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- HTTPS and headers (README "Security") ----------------------------------------------
# HTTPS=true when the site is served over HTTPS only: secure cookies, redirect to HTTPS,
# HSTS for a year (SECURE_HSTS_SECONDS); behind a proxy (TRUSTED_PROXIES > 0) its
# X-Forwarded-Proto tells HTTPS.
HTTPS = _env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): scripts only from this site's static files — no
# inline <script>, no on…= handlers, no eval (htmx: allowEval false, no hx-on; base.html's
# htmx-config); <style> elements only with the request's nonce; style="" attributes allowed
# (the templates' and ECharts' element styles).
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-elem": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],  # the field kit's service worker (/applications/investigations/sw.js)
        "media-src": [SELF, "blob:"],  # a video clip's length read before it is sent
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
