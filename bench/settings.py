"""Settings for the load run only: production settings, plus the trivial view it compares
against, and cookies over plain HTTP on the loopback address gunicorn listens on.

Never used by a deployment: ``dudao.settings`` has no trivial view and no bench URL.
"""

from dudao.settings import *  # noqa: F403
from dudao.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
# gunicorn listens on 127.0.0.1 without TLS for the run.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
