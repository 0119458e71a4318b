"""Settings for running past one machine: persistent database connections with health checks
by default, server-side cursors switched off for PgBouncer in transaction mode, uploads on the
storage the environment names, and no bench URL in the deployed URL configuration."""

import json
import os
import subprocess
import sys

import pytest
from django.urls import Resolver404, resolve

PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], "
    "d['DISABLE_SERVER_SIDE_CURSORS'], s.STORAGES['default']['BACKEND']]))"
)


def settings_with(**environment) -> list:
    """The database and storage settings a production process gets from ``environment``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CONN_", "DISABLE_SERVER", "STORAGE_", "AWS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dudao.settings",
        DEBUG="False",
        SECRET_KEY="settings-test-only-0123456789abcdefghijklmnopqrstuvwxyz",
        **environment,
    )
    output = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_persistent_connections_with_health_checks_by_default():
    assert settings_with() == [60, True, False, "django.core.files.storage.FileSystemStorage"]


def test_pgbouncer_and_object_storage_by_environment():
    assert settings_with(
        CONN_MAX_AGE="0",
        DISABLE_SERVER_SIDE_CURSORS="True",
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="dudao-uploads",
    ) == [0, True, True, "storages.backends.s3.S3Storage"]


def test_the_trivial_view_of_the_load_run_is_not_a_site_url():
    with pytest.raises(Resolver404):
        resolve("/bench/trivial/")
