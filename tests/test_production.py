"""Production settings: the deploy check is clean and the login page serves after collectstatic."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SERVE_LOGIN = """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="dudao.example.org", HTTP_X_FORWARDED_PROTO="https")
response = client.get("/accounts/login/")
css = client.get("/static/bootstrap/css/bootstrap.min.css")
print(response.status_code, css.status_code)
print(response.headers["Content-Security-Policy"])
print(response.headers.get("Strict-Transport-Security", ""))
"""


@pytest.fixture
def production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="dudao.settings",
        DEBUG="False",
        SECRET_KEY="production-like-key-9f8e7d6c5b4a39281706f5e4d3c2b1a0-zyx",
        ALLOWED_HOSTS="dudao.example.org",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    return env


def _run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_is_clean(production_env):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_login_page_serves_with_collected_static(production_env):
    assert _run(["manage.py", "collectstatic", "--noinput", "-v0"], production_env).returncode == 0
    result = _run(["-c", SERVE_LOGIN], production_env)
    assert result.returncode == 0, result.stderr
    statuses, csp, hsts = result.stdout.splitlines()[:3]
    assert statuses == "200 200"
    assert "unsafe-inline" not in csp
    assert "max-age=" in hsts
