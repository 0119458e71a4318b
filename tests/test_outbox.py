"""Redis down loses nothing: a step is saved, the user sees a normal page, and the worker's
sweep delivers its notification exactly once when the broker is back."""

import datetime
import threading

import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import health
from accounts.models import Notification, PendingTask
from accounts.tasks import run_pending, sweep_pending_tasks
from dudao.cache import FailOpenRedisCache
from rectifications.models import RectificationState
from tests.celery_broker import DEAD_BROKER, broker
from tests.conftest import PASSWORD
from tests.factories_rectifications import make_item

pytestmark = pytest.mark.django_db


def _age_pending_tasks(minutes: int = 2):
    """As if the broker had been down for a while: past the sweep's grace period."""
    PendingTask.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_a_step_while_the_broker_is_down_is_saved_and_notified_later(
    client, personas, settings, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(personas, responsible_inspector=personas.inspector)
    Notification.objects.all().delete()
    settings.REDIS_URL = DEAD_BROKER
    with broker(DEAD_BROKER):
        response = client.post(
            reverse("login"), {"username": "principal", "password": PASSWORD}, follow=False
        )
        assert response.status_code == 302
        url = reverse("rectifications:item_action", args=[item.pk, "plan_submitted"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"plan_submitted-text": "本周内补齐留样记录"})
        assert response.status_code == 302
        assert response["Location"] == reverse("rectifications:item", args=[item.pk])
        assert health.check(include_details=False)["status"] == "degraded"

    item.refresh_from_db()
    assert item.state == RectificationState.IN_PROGRESS
    assert not Notification.objects.exists()  # not sent yet ...
    assert "waits for the worker's sweep" in caplog.text
    pending = PendingTask.objects.get(done_at__isnull=True)  # ... but not lost
    assert pending.task_name == "rectifications.tasks.notify_event"

    assert sweep_pending_tasks() == 0  # within the grace period the broker may still deliver it
    _age_pending_tasks()
    assert sweep_pending_tasks() == 1  # the broker is back (eager again): the sweep sends it
    assert sweep_pending_tasks() == 0
    assert run_pending(pending.pk) is False  # a late copy from the broker runs nothing
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["inspector"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pending_task_runs_once_when_two_workers_take_it(personas):
    with broker(DEAD_BROKER):
        make_item(personas)
    _age_pending_tasks()
    results = []
    barrier = threading.Barrier(2)

    def worker():
        barrier.wait()
        results.append(sweep_pending_tasks())
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert Notification.objects.count() == 1


def test_a_failing_task_is_released_for_the_next_sweep_and_given_up_after_the_limit(
    personas, monkeypatch
):
    with broker(DEAD_BROKER):
        make_item(personas)
    _age_pending_tasks(minutes=15)
    from rectifications import tasks

    def broken(event_id):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(tasks.notify_event, "run", broken)
    for _ in range(PendingTask.MAX_ATTEMPTS):
        assert sweep_pending_tasks() == 0
    pending = PendingTask.objects.get()
    assert pending.attempts == PendingTask.MAX_ATTEMPTS
    assert "mail server on fire" in pending.last_error
    assert health.check(include_details=False)["outbox"] == "degraded"
    monkeypatch.undo()
    assert sweep_pending_tasks() == 0  # given up: the office sees it in /healthz and the admin


def test_the_cache_fails_open_when_redis_is_down(caplog):
    cache = FailOpenRedisCache(DEAD_BROKER, {})
    with caplog.at_level("WARNING", logger="dudao.cache"):
        assert cache.get("k", "default") == "default"
        cache.set("k", 1)
        assert cache.add("k", 1) is True
        assert cache.incr("k", 3) == 3
        assert cache.has_key("k") is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("k") is False
    assert "Cache unavailable" in caplog.text


@pytest.mark.redis
def test_the_configured_cache_is_the_fail_open_one_with_redis():
    assert isinstance(caches["default"], FailOpenRedisCache)
