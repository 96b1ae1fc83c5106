"""Production: everything from the environment; refuses to start without the essentials."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
for _required in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
    if not env(_required, default=""):
        raise ImproperlyConfigured(f"{_required} must be set in the environment for production.")

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if REDIS_URL := env("REDIS_URL", default=""):
    CACHES = {
        "default": {
            # Django's Redis backend with one shared client (labs/cache.py: sandbox steps).
            "BACKEND": "labs.cache.RedisCache",
            "LOCATION": env("CACHE_URL", default=REDIS_URL),
        }
    }
    # Sessions read from the shared cache, written through to the database (ADR 0036). Only
    # with a shared cache: a per-process cache would keep a logged-out session alive elsewhere.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = False

# A per-process cache cannot see another worker's invalidation (ADR 0036).
_SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
ACCOUNTS_USER_CACHE = COURSES_LEARNER_CACHE = _SHARED_CACHE

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# Wagtail's live preview frames the site's own pages inside the admin, so frames stay allowed
# from the same origin (X_FRAME_OPTIONS and CSP frame-ancestors 'self'); other origins never.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
