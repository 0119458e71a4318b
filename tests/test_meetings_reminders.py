"""The reminder sweep: what is due is worked out from the database, and each reminder is claimed
by one (person, occasion) row before it goes out, so it is sent exactly once; after a long stop
the first sweep sends what still helps and records the rest without sending it."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Notification, PendingTask, SweepRecord
from accounts.tasks import sweep_pending_tasks
from meetings import reminders
from meetings.models import (
    Meeting,
    MeetingStatus,
    NoticeRecipient,
    Reminder,
    ReminderKind,
    ReminderOutcome,
    ReplyKind,
    Response,
)
from meetings.tasks import announce_meeting_change, send_reminder, sweep, sweep_reminders
from tests import factories
from tests.concurrency import race
from tests.factories_notices import make_meeting, make_notice, reply

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# Mid-October, a school month: no month-end visit reminder unless a test moves the clock there.
NOW = datetime.datetime(2026, 10, 12, 9, 0, tzinfo=datetime.UTC)


class Clock:
    """Every "now" of the code under test, the worker's included; a test may move it on."""

    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def _keys(user=None):
    notifications = Notification.objects.all()
    if user is not None:
        notifications = notifications.filter(user=user)
    return sorted(notifications.values_list("dedupe_key", flat=True))


@pytest.fixture
def tomorrow_meeting(personas):
    """Starts in 20 hours, made a week ago: the 1-day reminder is due, the 3-day one is past."""
    personas.inspector_user.email = "li@example.org"
    personas.inspector_user.save()
    return make_meeting(personas, starts_in=20 * HOUR, invite=[personas.inspector_user])


def test_the_sweep_run_twice_sends_one_reminder(tomorrow_meeting, personas):
    assert sweep(send_now=True) == 1
    assert sweep(send_now=True) == 0
    key = f"meeting-soon:{tomorrow_meeting.pk}:0:1d"
    assert _keys(personas.inspector_user) == [key]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["li@example.org"]
    notification = Notification.objects.get()
    assert notification.title == "会议提醒：督学月例会"  # the reader's language: Chinese
    assert notification.url == f"/meetings/{tomorrow_meeting.pk}/"
    # The 3-day reminder came due while nobody swept; the 1-day one supersedes it, unsent.
    outcomes = dict(Reminder.objects.values_list("occasion", "outcome"))
    assert outcomes == {
        f"meeting-soon:{tomorrow_meeting.pk}:0:3d": ReminderOutcome.STALE,
        key: ReminderOutcome.SENT,
    }


def test_through_the_outbox_a_retried_task_sends_nothing_more(
    tomorrow_meeting, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_reminders.delay().get() == 1
        assert sweep_reminders.delay().get() == 0  # beat firing twice
    assert PendingTask.objects.get().done_at is not None
    reminder = Reminder.objects.get(outcome=ReminderOutcome.SENT)
    assert send_reminder(reminder.pk) is False  # a retry, or a late copy from the broker
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_first_and_second_reminders_each_go_once(personas):
    start = NOW + 4 * DAY
    meeting = make_meeting(personas, starts_in=4 * DAY, invite=[personas.inspector_user])
    assert sweep(now=start - 4 * DAY, send_now=True) == 0  # nothing due yet
    assert sweep(now=start - 3 * DAY + HOUR, send_now=True) == 1
    assert sweep(now=start - 2 * DAY, send_now=True) == 0
    assert sweep(now=start - DAY + HOUR, send_now=True) == 1
    assert sweep(now=start - HOUR, send_now=True) == 0
    assert _keys() == [f"meeting-soon:{meeting.pk}:0:1d", f"meeting-soon:{meeting.pk}:0:3d"]


def test_reminder_days_are_a_county_setting(personas):
    settings = personas.county.settings
    settings.meeting_first_reminder_days, settings.meeting_second_reminder_days = 7, 2
    settings.save()
    start = NOW + 10 * DAY
    make_meeting(personas, starts_in=10 * DAY, invite=[personas.inspector_user], made_ago=DAY)
    assert sweep(now=start - 3 * DAY, send_now=True) == 1  # the 7-day one, late but useful
    assert _keys()[0].endswith(":7d")


def test_after_a_long_stop_the_sweep_sends_the_useful_and_records_the_stale(personas):
    """Redis or the worker down for two days: one meeting is tonight, one began this morning."""
    tonight = make_meeting(personas, starts_in=10 * HOUR, invite=[personas.inspector_user])
    this_morning = make_meeting(
        personas, starts_in=-3 * HOUR, invite=[personas.inspector_user], title="校长例会"
    )
    assert sweep(send_now=True) == 1
    assert _keys() == [f"meeting-soon:{tonight.pk}:0:1d"]
    assert Reminder.objects.filter(meeting=this_morning).count() == 2
    assert set(Reminder.objects.filter(meeting=this_morning).values_list("outcome", flat=True)) == {
        ReminderOutcome.STALE
    }
    assert Reminder.objects.filter(meeting=tonight, outcome=ReminderOutcome.STALE).count() == 1
    assert sweep(send_now=True) == 0  # recorded: never looked at again


def test_a_reminder_queued_before_the_stop_is_not_sent_after_the_meeting_began(
    personas, clock, django_capture_on_commit_callbacks
):
    make_meeting(personas, starts_in=20 * HOUR, invite=[personas.inspector_user])
    with django_capture_on_commit_callbacks(execute=False):
        assert sweep() == 1  # claimed and queued, but the broker never delivers it
    reminder = Reminder.objects.get(outcome=ReminderOutcome.PENDING)
    clock.now = NOW + 21 * HOUR  # the worker is back an hour after the meeting began
    assert sweep_pending_tasks() == 1  # the outbox runs it ...
    reminder.refresh_from_db()
    assert reminder.outcome == ReminderOutcome.STALE  # ... and it is recorded, not sent
    assert not Notification.objects.exists()


def test_apologies_cancellations_and_moves(personas, tomorrow_meeting):
    on_leave = personas.committee
    make_meeting(personas, starts_in=HOUR * 20, invite=[on_leave], title="请假的会")
    on_leave.meeting_invitations.update(
        response=Response.LEAVE, leave_reason="出差", responded_at=NOW - DAY
    )
    cancelled = make_meeting(personas, starts_in=HOUR * 20, invite=[personas.principal])
    Meeting.objects.filter(pk=cancelled.pk).update(
        status=MeetingStatus.CANCELLED,
        sequence=1,
        cancelled_at=NOW - 2 * DAY,
        cancel_reason="改期",
    )
    sweep(send_now=True)
    assert _keys(on_leave) == []
    # Told of the cancellation (the task sent it at once; here the sweep catches it), no reminder.
    assert _keys(personas.principal) == [f"meeting-change:{cancelled.pk}:1"]
    # Moved a week later: the reminders of the new date follow in their time.
    Meeting.objects.filter(pk=tomorrow_meeting.pk).update(
        starts_at=tomorrow_meeting.starts_at + 7 * DAY,
        ends_at=tomorrow_meeting.ends_at + 7 * DAY,
        sequence=1,
        changed_at=timezone.now() - DAY,
        change_reason="与全县考试冲突",
    )
    later = NOW + 7 * DAY
    sweep(now=later, send_now=True)
    assert _keys(personas.inspector_user) == [
        f"meeting-soon:{tomorrow_meeting.pk}:0:1d",
        f"meeting-soon:{tomorrow_meeting.pk}:1:1d",
    ]


def test_a_change_is_told_once_by_the_task_and_the_sweep(
    personas, tomorrow_meeting, django_capture_on_commit_callbacks
):
    Meeting.objects.filter(pk=tomorrow_meeting.pk).update(
        sequence=1, changed_at=timezone.now(), change_reason="会场调整"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert announce_meeting_change(tomorrow_meeting.pk, 1) == 1
        assert announce_meeting_change(tomorrow_meeting.pk, 1) == 0
        assert announce_meeting_change(tomorrow_meeting.pk, 0) == 0  # outdated version
        sweep()
    change = Notification.objects.get(dedupe_key=f"meeting-change:{tomorrow_meeting.pk}:1")
    assert change.user == personas.inspector_user
    assert "会场调整" in change.body
    assert Notification.objects.filter(dedupe_key__startswith="meeting-change").count() == 1


def test_a_change_to_a_meeting_already_past_is_recorded_not_sent(personas):
    past = make_meeting(personas, starts_in=-5 * HOUR, invite=[personas.inspector_user])
    Meeting.objects.filter(pk=past.pk).update(sequence=1, changed_at=timezone.now() - DAY)
    sweep(send_now=True)
    reminder = Reminder.objects.get(kind=ReminderKind.MEETING_CHANGED)
    assert reminder.outcome == ReminderOutcome.STALE
    assert not Notification.objects.exists()


def test_reminders_are_written_in_each_readers_language(personas, tomorrow_meeting):
    personas.inspector_user.language = "en"
    personas.inspector_user.save()
    sweep(send_now=True)
    assert Notification.objects.get().title == "Meeting reminder: 督学月例会"


def test_the_office_is_reminded_of_minutes_not_filed(personas):
    ended = make_meeting(personas, starts_in=-3 * DAY)
    recent = make_meeting(personas, starts_in=-DAY, title="昨天的会")
    sweep(send_now=True)
    assert _keys(personas.office) == [f"minutes-missing:{ended.pk}"]
    assert not Reminder.objects.filter(meeting=recent).exists()
    title = Notification.objects.get().title
    assert title == "会议纪要未归档：督学月例会"


def test_minutes_filed_before_the_reminder_goes_out_make_it_stale(
    personas, django_capture_on_commit_callbacks
):
    ended = make_meeting(personas, starts_in=-3 * DAY)
    with django_capture_on_commit_callbacks(execute=False):
        sweep()
    Meeting.objects.filter(pk=ended.pk).update(
        minutes="会议纪要", minutes_filed_at=timezone.now(), minutes_filed_by=personas.office
    )
    assert send_reminder(Reminder.objects.get().pk) is False
    assert Reminder.objects.get().outcome == ReminderOutcome.STALE


def test_unread_notices_and_missing_replies_are_reminded_the_day_before(personas):
    notice = make_notice(
        personas,
        to=[personas.principal, personas.inspector_user, personas.committee],
        reply_kind=ReplyKind.TEXT,
        due_in_days=1,
    )
    # The inspector read and replied; the committee member read but did not reply.
    NoticeRecipient.objects.filter(notice=notice).exclude(user=personas.principal).update(
        read_at=timezone.now()
    )
    reply(notice, personas.inspector_user)
    assert sweep(send_now=True) == 2
    assert sweep(send_now=True) == 0
    titles = dict(Notification.objects.values_list("user__username", "title"))
    due = notice.reply_due_on.isoformat()
    assert titles == {
        "principal": f"未读通知，{due}前回复：{notice.title}",
        "committee": f"{due}前请回复：{notice.title}",
    }


def test_notices_due_later_or_sent_the_same_day_are_not_reminded(personas):
    make_notice(personas, to=[personas.principal], reply_kind=ReplyKind.TEXT, due_in_days=3)
    make_notice(
        personas,
        to=[personas.inspector_user],
        reply_kind=ReplyKind.FILE,
        due_in_days=1,
        sent_ago=datetime.timedelta(minutes=5),
    )
    assert sweep(send_now=True) == 0


def test_inspectors_are_reminded_of_schools_still_due_a_visit_before_month_end(personas):
    # The 27th of a school month: 5 days before a 31-day month ends (the 26th) has passed.
    now = timezone.make_aware(datetime.datetime(2026, 10, 27, 9, 0))
    assert sweep(now=now, send_now=True) == 1
    notification = Notification.objects.get()
    assert notification.user == personas.inspector_user
    assert notification.dedupe_key == "visits-due:2026-10"
    assert personas.school_b.name in notification.body  # the list of schools
    assert sweep(now=now + DAY, send_now=True) == 0


def test_no_visit_reminder_early_in_the_month_or_in_holiday_months(personas):
    early = timezone.make_aware(datetime.datetime(2026, 10, 20, 9, 0))
    holiday = timezone.make_aware(datetime.datetime(2026, 8, 28, 9, 0))  # summer holiday
    assert sweep(now=early, send_now=True) == 0
    assert sweep(now=holiday, send_now=True) == 0


def test_the_sweep_records_that_it_ran(personas):
    sweep_reminders()
    assert SweepRecord.objects.get(name="reminders").every == datetime.timedelta(minutes=5)


def test_a_sweep_with_nothing_new_costs_the_same_for_many_invitees(
    personas, django_assert_max_num_queries
):
    """Beat runs it every few minutes: once all is claimed, a run is a few reads per county."""
    many = [factories.UserFactory(county=personas.county) for _ in range(12)]
    make_meeting(personas, starts_in=20 * HOUR, invite=many)
    make_notice(personas, to=many, reply_kind=ReplyKind.TEXT, due_in_days=1)
    assert reminders.sweep_counties(now=NOW, on_claim=lambda reminder: None)["claimed"] == 24
    with django_assert_max_num_queries(16):
        assert reminders.sweep_counties(now=NOW, on_claim=lambda reminder: None)["claimed"] == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_send_one_reminder(personas):
    meeting = make_meeting(personas, starts_in=20 * HOUR, invite=[personas.inspector_user])
    outcomes = race(lambda: sweep(send_now=True), lambda: sweep(send_now=True), refused=())
    assert outcomes == ["done", "done"]
    assert _keys() == [f"meeting-soon:{meeting.pk}:0:1d"]
    assert Reminder.objects.filter(outcome=ReminderOutcome.SENT).count() == 1
    assert len(mail.outbox) <= 1


def test_the_office_sets_the_reminder_days_on_the_county_settings_page(client, personas):
    from django.urls import reverse

    from tests.factories import county_settings_form_data

    settings = personas.county.settings
    url = reverse("schools:county_settings")
    client.force_login(personas.office)
    page = client.get(url).content.decode()
    assert "会议、通知与提醒" in page and "第一次会议提醒（会前天数）" in page
    refused = client.post(
        url,
        county_settings_form_data(
            settings, meeting_first_reminder_days=2, meeting_second_reminder_days=2
        ),
    )
    assert "第二次提醒应晚于第一次" in refused.content.decode()
    client.post(
        url,
        county_settings_form_data(
            settings, meeting_first_reminder_days=5, visit_duty_reminder_days=3
        ),
    )
    settings.refresh_from_db()
    assert (settings.meeting_first_reminder_days, settings.visit_duty_reminder_days) == (5, 3)
