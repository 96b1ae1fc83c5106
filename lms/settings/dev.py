"""Embedded default for a laptop: SQLite, in-process tasks, console e-mail, DEBUG on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CREDENTIALS_KEY_SECRET = env(
    "CREDENTIALS_KEY_SECRET", default="dev-and-test-only-credentials-key-secret"
)

# Page-by-page admin logs are useful in production, noise while loading the demo locally.
LOGGING["loggers"]["wagtail"] = {"level": "WARNING"}  # noqa: F405
