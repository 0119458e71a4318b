"""Test settings: tasks run eagerly even when CI sets REDIS_URL, and hashing is fast."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from .settings import *  # noqa: E402, F403

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]
# Each test run uploads into a folder of its own (runs side by side share no files; processes a
# run starts inherit the folder); tests/conftest.py clears it after a run that passed.
os.environ.setdefault("DUDAO_TEST_MEDIA", f"media-{os.getpid()}")
MEDIA_ROOT = BASE_DIR / "test-artifacts" / os.environ["DUDAO_TEST_MEDIA"]  # noqa: F405
# Serve static files straight from the finders: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
