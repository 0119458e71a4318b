"""The worker's tasks of meetings and notices: transient database trouble (a restart, a dropped
connection) is retried later each time, by Celery's autoretry with exponential backoff, other
errors are not; and each task says in the log what it did."""

import datetime
import logging

import celery.utils.time
import pytest
from celery.canvas import Signature
from celery.exceptions import Retry
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from accounts.models import Notification
from meetings import reminders
from meetings.models import Reminder, ReminderKind, ReminderOutcome
from meetings.tasks import RETRY, announce_meeting_change, send_reminder, sweep
from tests.factories_notices import make_meeting

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
# Mid-October, a school month: the month-end visit reminder is not due yet.
NOW = datetime.datetime(2026, 10, 12, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def reminder(personas):
    """A claimed reminder of tomorrow's meeting, waiting to be sent."""
    meeting = make_meeting(personas, starts_in=20 * HOUR, invite=[personas.inspector_user])
    return Reminder.objects.create(
        user=personas.inspector_user,
        occasion=reminders.soon_occasion(meeting, 1),
        kind=ReminderKind.MEETING_SOON,
        meeting=meeting,
        useful_until=meeting.starts_at,
        claimed_at=timezone.now(),
    )


class LongestWait:
    """Celery's ``random`` with the full jitter always at its upper bound, so each retry's wait is
    the backoff's own limit for that attempt (a real worker waits a random part of it)."""

    @staticmethod
    def randrange(stop: int) -> int:
        return stop - 1


def _fail_with(error):
    def fail(*args, **kwargs):
        raise error

    return fail


def test_transient_errors_are_retried_with_a_growing_wait(monkeypatch, reminder):
    """As on a worker: the task publishes itself again with a countdown and raises ``Retry``;
    the countdown doubles each attempt, and after ``max_retries`` the error is raised."""
    assert RETRY["autoretry_for"] == (OperationalError, InterfaceError)
    assert RETRY["retry_backoff"] is True and RETRY["max_retries"] == 5
    monkeypatch.setattr(celery.utils.time, "random", LongestWait)
    monkeypatch.setattr(reminders, "send", _fail_with(OperationalError("connection lost")))
    published = []
    monkeypatch.setattr(
        Signature, "apply_async", lambda signature, *args, **kwargs: published.append(signature)
    )
    raised = []
    for retries in range(RETRY["max_retries"]):
        send_reminder.push_request(
            id=f"attempt-{retries}",
            args=[reminder.pk],
            kwargs={},
            retries=retries,
            called_directly=False,
            is_eager=False,
        )
        try:
            with pytest.raises(Retry) as retry:
                send_reminder.run(reminder.pk)
        finally:
            send_reminder.pop_request()
        raised.append(retry.value)
    assert [retry.when for retry in raised] == [1, 2, 4, 8, 16]
    assert all(isinstance(retry.exc, OperationalError) for retry in raised)
    # Each retry is the same task with the same id, published again with that countdown.
    assert [signature.options["countdown"] for signature in published] == [1, 2, 4, 8, 16]
    assert [signature.options["retries"] for signature in published] == [1, 2, 3, 4, 5]
    assert {tuple(signature.args) for signature in published} == {(reminder.pk,)}
    assert {signature.task for signature in published} == {"meetings.tasks.send_reminder"}

    # The sixth failure gives up: the error is raised (and the outbox tries again later).
    send_reminder.push_request(
        id="attempt-5", args=[reminder.pk], kwargs={}, retries=5, called_directly=False
    )
    try:
        with pytest.raises(OperationalError):
            send_reminder.run(reminder.pk)
    finally:
        send_reminder.pop_request()
    assert len(published) == 5


def test_the_wait_never_exceeds_the_backoff_maximum(monkeypatch):
    monkeypatch.setattr(celery.utils.time, "random", LongestWait)
    waits = [
        celery.utils.time.get_exponential_backoff_interval(
            factor=1, retries=retries, maximum=RETRY["retry_backoff_max"], full_jitter=True
        )
        for retries in (0, 5, 9, 10, 20)
    ]
    assert waits == [1, 32, 512, 600, 600]


def test_a_retried_task_sends_the_reminder_once_it_gets_through(monkeypatch, reminder):
    """Run by Celery (eagerly here): two transient failures, then the database is back."""
    send = reminders.send
    attempts = []

    def flaky(reminder_id, **kwargs):
        attempts.append(reminder_id)
        if len(attempts) == 1:
            raise OperationalError("the database system is starting up")
        if len(attempts) == 2:
            raise InterfaceError("connection already closed")
        return send(reminder_id, **kwargs)

    monkeypatch.setattr(reminders, "send", flaky)
    # Eager runs retry in place (no countdown) when errors are not propagated, as on a worker.
    monkeypatch.setitem(send_reminder.app.conf, "task_eager_propagates", False)
    result = send_reminder.apply(args=[reminder.pk])
    assert result.get() is True
    assert attempts == [reminder.pk] * 3
    reminder.refresh_from_db()
    assert reminder.outcome == ReminderOutcome.SENT
    assert Notification.objects.filter(dedupe_key=reminder.occasion).count() == 1


def test_other_errors_are_not_retried(monkeypatch, reminder):
    monkeypatch.setattr(reminders, "send", _fail_with(ValueError("a bug")))
    published = []
    monkeypatch.setattr(
        Signature, "apply_async", lambda signature, *args, **kwargs: published.append(signature)
    )
    send_reminder.push_request(
        id="once", args=[reminder.pk], kwargs={}, retries=0, called_directly=False
    )
    try:
        with pytest.raises(ValueError):
            send_reminder.run(reminder.pk)
    finally:
        send_reminder.pop_request()
    assert published == []


def test_the_sweep_logs_what_it_did(personas, caplog):
    """A meeting tonight, made long ago: the 3-day reminder is past (recorded, not sent), the
    1-day one goes out; a second sweep finds nothing new."""
    meeting = make_meeting(personas, starts_in=10 * HOUR, invite=[personas.inspector_user], now=NOW)
    caplog.set_level(logging.INFO, logger="meetings")
    assert sweep(now=NOW, send_now=True) == 1
    messages = [record.getMessage() for record in caplog.records]
    key = f"meeting-soon:{meeting.pk}:0:1d"
    assert f"Reminder {Reminder.objects.get(occasion=key).pk} ({key}) to user " in "\n".join(
        messages
    )
    assert messages[-1] == "Reminder sweep: 1 reminders claimed to send, 1 recorded as too late"
    assert any(message.endswith(": sent") and key in message for message in messages)
    caplog.clear()
    assert sweep(now=NOW + HOUR, send_now=True) == 0
    assert [record.getMessage() for record in caplog.records] == [
        "Reminder sweep: 0 reminders claimed to send, 0 recorded as too late"
    ]
    assert {record.levelno for record in caplog.records} == {logging.INFO}


def test_telling_invitees_of_a_change_is_logged(
    personas, caplog, django_capture_on_commit_callbacks
):
    meeting = make_meeting(personas, starts_in=48 * HOUR, invite=[personas.inspector_user])
    caplog.set_level(logging.INFO, logger="meetings")
    with django_capture_on_commit_callbacks(execute=True):
        assert announce_meeting_change(meeting.pk, meeting.sequence) == 1
    messages = [record.getMessage() for record in caplog.records]
    assert f"Meeting {meeting.pk} version 0: 1 told, 0 too late" in messages
    assert any(f"(meeting-change:{meeting.pk}:0)" in m and m.endswith(": sent") for m in messages)
