"""The reminder sweep on the real stack: beat's task goes through Redis to a Celery worker, which
claims the reminder and sends it through the outbox; beat firing twice still sends one."""

import datetime
import os

import pytest
from celery.contrib.testing.worker import start_worker

from accounts.models import Notification, PendingTask, SweepRecord
from meetings.models import Reminder, ReminderOutcome
from meetings.tasks import sweep_reminders
from tests.celery_broker import broker, wait_until
from tests.factories_notices import make_meeting

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_broker(settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    with broker(settings.REDIS_URL) as app:
        yield app


def _sweep_ran_after(moment):
    record = SweepRecord.objects.filter(name="reminders").first()
    return record is not None and (moment is None or record.last_run_at > moment)


def test_the_sweep_runs_on_a_worker_and_one_reminder_is_delivered(redis_broker, personas):
    # The committee member has no schools: the only reminder due is the meeting's.
    meeting = make_meeting(
        personas, starts_in=datetime.timedelta(hours=20), invite=[personas.committee]
    )
    key = f"meeting-soon:{meeting.pk}:0:1d"
    with start_worker(redis_broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sweep_reminders.delay()
        wait_until(
            lambda: (
                Notification.objects.filter(dedupe_key=key).exists()
                and not PendingTask.objects.filter(done_at__isnull=True).exists()
            ),
            what="the worker to sweep and deliver the meeting reminder",
        )
        first_run = SweepRecord.objects.get(name="reminders").last_run_at
        sweep_reminders.delay()  # beat firing again
        wait_until(lambda: _sweep_ran_after(first_run), what="the second sweep")
    assert Notification.objects.filter(dedupe_key=key).count() == 1
    assert Notification.objects.get(dedupe_key=key).user == personas.committee
    reminder = Reminder.objects.get(occasion=key)
    assert reminder.outcome == ReminderOutcome.SENT
    sends = PendingTask.objects.filter(task_name="meetings.tasks.send_reminder", args=[reminder.pk])
    assert sends.count() == 1 and sends.get().attempts == 1
