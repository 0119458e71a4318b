import datetime
import os

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from accounts import health
from accounts.models import SweepRecord
from accounts.tasks import sweep_pending_tasks

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
        "beat": "eager",
        "last_sweep": {},
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


def test_healthz_reports_when_each_sweep_last_ran(client, settings):
    settings.REDIS_URL = ""
    sweep_pending_tasks()
    body = client.get(reverse("healthz")).json()
    ran_at = datetime.datetime.fromisoformat(body["last_sweep"]["outbox"])
    assert timezone.now() - ran_at < datetime.timedelta(minutes=1)
    assert body["beat"] == "eager"  # no broker, no beat to miss


def _broker_up(monkeypatch, settings):
    settings.REDIS_URL = "redis://broker.example:6379/0"
    monkeypatch.setattr(health, "_redis", lambda: "ok")
    monkeypatch.setattr(health, "_worker", lambda redis_state: "ok")


def test_a_stopped_beat_is_visible(client, settings, monkeypatch):
    _broker_up(monkeypatch, settings)
    assert client.get(reverse("healthz")).json()["beat"] == "degraded"  # never ran
    SweepRecord.objects.touch("reminders", every=datetime.timedelta(minutes=5))
    body = client.get(reverse("healthz")).json()
    assert (body["beat"], body["status"]) == ("ok", "ok")
    # Beat stopped 20 minutes ago: four periods of five minutes without a sweep.
    SweepRecord.objects.update(last_run_at=timezone.now() - datetime.timedelta(minutes=20))
    body = client.get(reverse("healthz")).json()
    assert (body["beat"], body["status"]) == ("degraded", "degraded")
    assert list(body["last_sweep"]) == ["reminders"]


def test_sweep_record_is_one_row_per_name():
    every = datetime.timedelta(minutes=1)
    for _run in range(3):
        SweepRecord.objects.touch("outbox", every=every)
    SweepRecord.objects.touch("reminders", every=every * 5)
    assert SweepRecord.objects.count() == 2
