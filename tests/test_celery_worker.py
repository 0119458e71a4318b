"""The real stack: a Celery worker on the Redis broker answers, and does the outbox's work.

Every other test runs tasks eagerly; these start a worker in a thread against the real Redis.
Nothing here depends on timing: each test waits for the state it expects, however long the
worker takes to come up on a busy machine.
"""

import os

import pytest
from celery.contrib.testing.worker import start_worker

from accounts import health
from accounts.models import Notification, PendingTask
from accounts.tasks import sweep_pending_tasks
from tests.celery_broker import broker, wait_until
from tests.factories_rectifications import make_item

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_broker(settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    with broker(settings.REDIS_URL) as app:
        yield app


def test_worker_on_redis_is_seen_by_the_health_check(redis_broker):
    report = health.check(include_details=False)
    assert (report["celery_worker"], report["beat"]) == ("degraded", "degraded")  # none yet
    with start_worker(redis_broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # What beat sends every minute, run by the worker: the sweep records its run.
        sweep_pending_tasks.delay()
        # The worker answers pings once its control consumer is up: wait for that.
        report = wait_until(
            lambda: (r := health.check(include_details=False))["status"] == "ok" and r,
            what="the worker to answer the health check's ping and run the sweep",
        )
    assert list(report.pop("last_sweep")) == ["outbox"]
    assert report == {
        "database": "ok",
        "redis": "ok",
        "celery_worker": "ok",
        "outbox": "ok",
        "beat": "ok",
        "status": "ok",
    }


def test_a_step_is_delivered_through_the_worker_once(redis_broker, personas):
    with start_worker(redis_broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        item = make_item(personas)  # opened by the office at the principal's school
        opened = PendingTask.objects.get()
        wait_until(
            lambda: PendingTask.objects.filter(pk=opened.pk, done_at__isnull=False).exists(),
            what="the worker to run the pending notification",
        )
    assert PendingTask.objects.get(pk=opened.pk).attempts == 1
    event = item.events.get()
    assert list(Notification.objects.values_list("user__username", "dedupe_key")) == [
        ("principal", f"rect-event:{event.pk}")
    ]
