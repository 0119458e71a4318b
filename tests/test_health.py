import os

import pytest
from django.db import DatabaseError
from django.urls import reverse

from accounts import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_parts_without_internals_for_anonymous(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "redis": "eager",
        "celery_worker": "eager",
        "outbox": "ok",
        "status": "ok",
    }


def test_healthz_details_for_staff(client, personas, settings):
    settings.REDIS_URL = ""
    client.force_login(personas.superuser)
    details = client.get(reverse("healthz")).json()["details"]
    assert details["task_always_eager"] is True


def test_healthz_503_when_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "degraded"


def test_healthz_redis_degraded_when_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    body = client.get(reverse("healthz")).json()
    assert body["redis"] == "degraded"
    assert body["celery_worker"] == "degraded"
    assert body["status"] == "degraded"


@pytest.mark.redis
def test_healthz_sees_real_redis_when_configured(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    assert client.get(reverse("healthz")).json()["redis"] == "ok"
