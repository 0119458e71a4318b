"""The developer's commands: `make run` picks its address, `make test` leaves nothing behind, and
the development server prints each log line once."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests import conftest

ROOT = Path(__file__).resolve().parent.parent

LOG_LINES = """
import logging
import django
django.setup()
logging.getLogger("django.request").warning("a django line")
logging.getLogger("visits").warning("an app line")
logging.getLogger("django.server").info("a request line")
"""


def _make_dry_run(*args) -> str:
    result = subprocess.run(
        ["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_each_log_line_prints_once_under_debug():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.pop("LOG_LEVEL", None)
    env.update(DJANGO_SETTINGS_MODULE="dudao.settings", DEBUG="True")
    result = subprocess.run(
        [sys.executable, "-c", LOG_LINES], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines.count("a django line") == 1, result.stderr
    assert lines.count("an app line") == 1, result.stderr
    assert len([line for line in lines if line.endswith("] a request line")]) == 1, result.stderr


def test_make_run_takes_port_and_host():
    assert "runserver 0.0.0.0:8000" in _make_dry_run("run")
    assert "runserver 127.0.0.1:8123" in _make_dry_run("run", "PORT=8123", "HOST=127.0.0.1")


def test_make_test_checks_migrations_without_creating_a_database_file():
    (line,) = [line for line in _make_dry_run("test").splitlines() if "makemigrations" in line]
    assert "DATABASE_URL=${DATABASE_URL:-sqlite://:memory:}" in line


def test_uploads_of_finished_runs_are_cleared_and_the_current_one_kept(tmp_path):
    media = Path(settings.MEDIA_ROOT)
    assert media.parent.name == "test-artifacts"
    assert media.name == os.environ["DUDAO_TEST_MEDIA"]
    finished = media.parent / "media-999999999"  # no such process
    (finished / "visits").mkdir(parents=True)
    (finished / "visits" / "old.jpg").write_bytes(b"old")
    media.mkdir(parents=True, exist_ok=True)
    (media / "current.txt").write_bytes(b"in use")

    conftest.pytest_sessionstart(session=None)

    assert not finished.exists()
    assert (media / "current.txt").read_bytes() == b"in use"
    (media / "current.txt").unlink()
