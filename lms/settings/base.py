"""Settings shared by every environment; everything that varies is read from the environment."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from .providers import social_providers

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "lms",
    "lms.accounts",
    "lms.organizations",
    "courses",
    "labs",
    "credentials",
    "ninja",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    # Installed always, inert until an app is configured from the environment (see below).
    "allauth.socialaccount.providers.github",
    "lms.accounts.weixin",  # allauth's weixin provider with WeChat's error codes handled
    "allauth.socialaccount.providers.openid_connect",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.accounts.middleware.MFARequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "lms.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, reading the signed-in user from the cache (ADR 0036).
    "lms.accounts.usercache.CachedModelBackend",
    "lms.accounts.usercache.CachedAuthenticationBackend",
]

# Internationalisation: Simplified Chinese first (most of our learners), English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "lms" / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Users, permissions and learners' course state cached between requests (ADR 0036): safe in
# one process (the development server, tests); production turns them on only with a cache
# that every worker shares.
ACCOUNTS_USER_CACHE = True
COURSES_LEARNER_CACHE = True
# Routes and whole pages that carry their versions, also kept in each process's memory (the
# most recently used this many), so a warm page only reads the small version tokens (ADR 0036).
COURSES_LOCAL_COPIES = env.int("COURSES_LOCAL_COPIES", default=500)

# Celery: JSON only, bounded tasks. Without a broker URL tasks run in-process (embedded default).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis as broker, a task acknowledged late whose worker died is handed out again only
# after this many seconds: longer than any task's time limit, far shorter than the 1 h default.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
}
# Learner notebooks are graded on their own queue: run a separate worker for it
# (`celery -A lms worker -Q notebooks`) where the platform's secrets are not (README).
LABS_NOTEBOOK_QUEUE = env("LABS_NOTEBOOK_QUEUE", default="notebooks")
CELERY_TASK_ROUTES = {"labs.tasks.grade_notebook_submission": {"queue": LABS_NOTEBOOK_QUEUE}}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "lms.tasks.worker_heartbeat", "schedule": 60.0},
    "labs-reap-realtime": {"task": "labs.tasks.reap_realtime_endpoints", "schedule": 60.0},
}

# Accounts (django-allauth): e-mail is the login; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "lms.adapters.AccountAdapter"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# allauth's own rate limits (per IP, per key = e-mail address, per user), made explicit.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/180s/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    # Ours, through allauth's limiter: guessing sponsorship codes, scraping talent profiles.
    "redeem_code": "10/m/user,30/m/ip",
    "talent_search": "30/m/user,60/m/ip",
}
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
# Wagtail's and Django's own login forms know nothing of MFA: both go through allauth.
WAGTAILADMIN_LOGIN_URL = "account_login"

# Multi-factor authentication (allauth.mfa). Required for institution staff and employer
# admins by lms.accounts.middleware.MFARequiredMiddleware, optional for learners.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "OT/IT Academy"
# One period either side: phones' clocks drift; allauth still refuses a code used twice.
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)

# Social and single sign-on: each provider switches on when its variables are set.
SOCIALACCOUNT_ADAPTER = "lms.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = social_providers(env)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="OT/IT Academy <noreply@localhost>")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

WAGTAIL_SITE_NAME = "OT/IT Academy"
WAGTAILADMIN_BASE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
SITE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "zip", "ipynb", "st", "json", "xlsx"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security headers. The site's own pages need no inline script or style; the Wagtail and
# Django admins are excluded because their bundled UI still relies on inline code.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-src": ["'self'", "https://player.bilibili.com", "https://www.youtube-nocookie.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
    },
}

SITE_NAME = _("OT/IT Academy")

# Demo content: each app's idempotent loader, in dependency order (`manage.py load_demo`).
DEMO_LOADERS = [
    "lms.demo.load",
    "courses.demo.load",
    "labs.demo.load",
    "credentials.demo.load",
    "lms.organizations.demo.load",
]
DEMO_ALLOWED = env.bool("DEMO_ALLOWED", default=False)

# Credentials (Open Badges 3.0). The issuers' Ed25519 private keys are stored encrypted with
# a key derived from this secret: set it in production and never change it without
# re-encrypting (dev and test settings have their own throw-away value).
CREDENTIALS_KEY_SECRET = env("CREDENTIALS_KEY_SECRET", default="")
CREDENTIALS_FETCH_TIMEOUT = env.float("CREDENTIALS_FETCH_TIMEOUT", default=3.0)
CREDENTIALS_FETCH_MAX_BYTES = env.int("CREDENTIALS_FETCH_MAX_BYTES", default=1024 * 1024)
CREDENTIALS_VERIFY_RATE = env("CREDENTIALS_VERIFY_RATE", default="30/m")
CREDENTIALS_BULK_MAX_ROWS = env.int("CREDENTIALS_BULK_MAX_ROWS", default=500)
CREDENTIALS_PDF_FONT = env("CREDENTIALS_PDF_FONT", default="")

# Labs: live sandboxes (state in CACHES["default"], Redis in production), grading, endpoints.
LABS_SANDBOX_TTL = env.int("LABS_SANDBOX_TTL", default=1800)
LABS_MAX_SANDBOXES_PER_USER = env.int("LABS_MAX_SANDBOXES_PER_USER", default=4)
LABS_MAX_SOURCE_CHARS = env.int("LABS_MAX_SOURCE_CHARS", default=100_000)
LABS_MAX_ADVANCE_MS = env.int("LABS_MAX_ADVANCE_MS", default=1000)
# seconds a lab page's step token lasts (labs.sandbox.step_token); the page renews it itself
LABS_STEP_TOKEN_MAX_AGE = env.int("LABS_STEP_TOKEN_MAX_AGE", default=8 * 3600)
LABS_REALTIME_BIND = env("LABS_REALTIME_BIND", default="127.0.0.1")
LABS_REALTIME_PUBLIC_HOST = env("LABS_REALTIME_PUBLIC_HOST", default="")
LABS_REALTIME_PORTS = tuple(env.list("LABS_REALTIME_PORTS", cast=int, default=[15020, 15119]))
LABS_REALTIME_MAX_TOTAL = env.int("LABS_REALTIME_MAX_TOTAL", default=20)
LABS_REALTIME_IDLE_SECONDS = env.int("LABS_REALTIME_IDLE_SECONDS", default=600)
LABS_REALTIME_MAX_SECONDS = env.int("LABS_REALTIME_MAX_SECONDS", default=3600)
# Notebook grading: limits of the child process that runs a learner's notebook.
LABS_NOTEBOOK_TIMEOUT = env.int("LABS_NOTEBOOK_TIMEOUT", default=90)
LABS_NOTEBOOK_CPU_SECONDS = env.int("LABS_NOTEBOOK_CPU_SECONDS", default=60)
LABS_NOTEBOOK_MEMORY_MB = env.int("LABS_NOTEBOOK_MEMORY_MB", default=1024)
# JupyterHub for Jupyter labs; empty means "not configured" (the block says so).
JUPYTERHUB_API_URL = env("JUPYTERHUB_API_URL", default="")
JUPYTERHUB_PUBLIC_URL = env("JUPYTERHUB_PUBLIC_URL", default="")
JUPYTERHUB_API_TOKEN = env("JUPYTERHUB_API_TOKEN", default="")
JUPYTERHUB_TOKEN_TTL = env.int("JUPYTERHUB_TOKEN_TTL", default=3600)
JUPYTERHUB_TIMEOUT = env.float("JUPYTERHUB_TIMEOUT", default=10.0)
JUPYTERHUB_SPAWN_TIMEOUT = env.int("JUPYTERHUB_SPAWN_TIMEOUT", default=60)
