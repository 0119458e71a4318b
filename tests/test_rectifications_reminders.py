"""Overdue in Asia/Shanghai, daily reminders sent once, instant notices, the notification pages."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from rectifications.models import OwnerLevel, RectificationItem, RectificationState, Severity
from rectifications.tasks import send_daily_reminders
from tests.factories_rectifications import make_item

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(monkeypatch):
    """Set the wall clock: ``clock(datetime)`` makes timezone.now() return it."""

    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def shanghai(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def test_overdue_turns_at_midnight_in_shanghai_not_utc(personas, clock):
    item = make_item(personas, deadline=datetime.date(2026, 3, 10))
    overdue = RectificationItem.objects.overdue
    # 23:59 on the deadline in Shanghai is 15:59 UTC: still in time.
    clock(shanghai(2026, 3, 10, 23, 59))
    assert not item.is_overdue and not overdue().exists()
    # 00:00 the next day in Shanghai is still 10 March in UTC: overdue already.
    clock(shanghai(2026, 3, 11, 0, 0))
    assert timezone.now().astimezone(datetime.UTC).date() == datetime.date(2026, 3, 10)
    assert item.is_overdue and list(overdue()) == [item]


def test_items_awaiting_verification_or_closed_are_never_overdue(personas, clock):
    clock(shanghai(2026, 3, 20, 9, 0))
    item = make_item(personas, deadline=datetime.date(2026, 3, 10))
    RectificationItem.objects.filter(pk=item.pk).update(
        state=RectificationState.AWAITING_VERIFICATION, reported_done_at=timezone.now()
    )
    item.refresh_from_db()
    assert not item.is_overdue and not RectificationItem.objects.overdue().exists()


def test_daily_reminders_are_sent_once_per_item_user_and_day(personas, clock, settings):
    personas.principal.email = "principal@example.com"
    personas.principal.save()
    clock(shanghai(2026, 3, 10, 7, 30))
    due_soon = make_item(
        personas, deadline=datetime.date(2026, 3, 12), responsible_inspector=personas.inspector
    )
    overdue = make_item(
        personas, deadline=datetime.date(2026, 3, 1), responsible_inspector=personas.inspector
    )
    make_item(personas, deadline=datetime.date(2026, 4, 30))  # far away: no reminder

    first = send_daily_reminders()
    second = send_daily_reminders()  # a second run, or a retry, the same day
    assert (first, second) == (4, 0)
    for user in (personas.principal, personas.inspector_user):
        reminded = Notification.objects.filter(user=user)
        assert sorted(n.url for n in reminded) == sorted(
            reverse("rectifications:item", kwargs={"pk": i.pk}) for i in (due_soon, overdue)
        )
    assert len(mail.outbox) == 2  # only the principal has an e-mail address
    assert (
        "逾期"
        in Notification.objects.get(user=personas.principal, url__endswith=f"/{overdue.pk}/").title
    )

    clock(shanghai(2026, 3, 11, 7, 30))  # the next day: reminded again, once
    assert send_daily_reminders() == 4
    assert send_daily_reminders() == 0


def test_each_reminder_is_written_in_its_readers_language(personas, clock):
    personas.inspector_user.language = "en"
    personas.inspector_user.save()
    clock(shanghai(2026, 3, 10, 7, 30))
    make_item(
        personas, deadline=datetime.date(2026, 3, 1), responsible_inspector=personas.inspector
    )
    send_daily_reminders()
    english = Notification.objects.get(user=personas.inspector_user)
    chinese = Notification.objects.get(user=personas.principal)
    assert english.title.startswith("Overdue rectification at")
    assert "deadline 2026-03-01" in english.body
    assert "整改逾期" in chinese.title


def test_escalated_items_remind_the_principal_and_the_office(personas, clock):
    clock(shanghai(2026, 3, 10, 7, 30))
    item = make_item(personas, deadline=datetime.date(2026, 3, 1))
    item.escalate(personas.office, OwnerLevel.BUREAU, "需要教育局调配教师")
    send_daily_reminders()
    # The school still does the work; the office acts for the bureau. Both are reminded.
    for user in (personas.principal, personas.office):
        assert Notification.objects.filter(
            user=user, dedupe_key=f"rect-due:2026-03-10:{item.pk}"
        ).exists()


def test_verification_and_follow_up_reminders(personas, clock):
    settings = personas.county.settings
    clock(shanghai(2026, 5, 1, 7, 30))
    reported = timezone.now() - datetime.timedelta(days=settings.verification_days)
    awaiting = make_item(personas, school=personas.school_b)
    RectificationItem.objects.filter(pk=awaiting.pk).update(
        state=RectificationState.AWAITING_VERIFICATION, reported_done_at=reported
    )
    closed = make_item(personas, school=personas.school_b)
    RectificationItem.objects.filter(pk=closed.pk).update(
        state=RectificationState.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=settings.follow_up_days),
    )
    fresh = make_item(personas, school=personas.school_b)
    RectificationItem.objects.filter(pk=fresh.pk).update(
        state=RectificationState.CLOSED, closed_at=timezone.now()
    )
    assert send_daily_reminders() == 2
    titles = sorted(
        Notification.objects.filter(user=personas.inspector_user).values_list("title", flat=True)
    )
    assert len(titles) == 2
    assert any("复查" in t and "回访" not in t for t in titles)
    assert any("回访" in t for t in titles)
    clock(shanghai(2026, 5, 2, 7, 30))
    assert send_daily_reminders() == 1  # verification daily; the follow-up reminder once


def test_major_items_and_escalations_notify_the_office_at_once(
    personas, django_capture_on_commit_callbacks
):
    personas.office.email = "office@example.com"
    personas.office.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_item(personas, severity=Severity.MAJOR, actor=personas.inspector_user)
    office = Notification.objects.filter(user=personas.office)
    assert [n.title for n in office.all()] == [f"{personas.school_a.name}发现重大问题"]
    assert mail.outbox[-1].to == ["office@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(
            personas, actor=personas.inspector_user, responsible_inspector=personas.inspector
        )
    assert office.count() == 1  # a general item: the school hears of it, the office does not
    with django_capture_on_commit_callbacks(execute=True):
        item.escalate(personas.inspector_user, OwnerLevel.GOVERNMENT, "校舍需县政府立项")
    assert office.count() == 2
    assert Notification.objects.filter(user=personas.principal).count() == 3


def test_notification_pages(client, personas):
    first = Notification.objects.deliver(
        personas.principal, dedupe_key="a", title="甲", url="/rectifications/ours/"
    )
    Notification.objects.deliver(personas.principal, dedupe_key="b", title="乙")
    assert Notification.objects.deliver(personas.principal, dedupe_key="a", title="甲") is None
    Notification.objects.deliver(personas.office, dedupe_key="a", title="别人的")
    client.force_login(personas.principal)
    page = client.get(reverse("notifications:list"))
    assert [n.title for n in page.context["page"]] == ["乙", "甲"]
    assert page.context["unread_notification_count"] == 2
    response = client.post(reverse("notifications:read", kwargs={"pk": first.pk}))
    assert response["Location"] == "/rectifications/ours/"
    first.refresh_from_db()
    assert first.read_at
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.for_user(personas.principal).unread().exists()
    assert Notification.objects.filter(user=personas.office, read_at__isnull=True).count() == 1


def test_unread_count_costs_one_query(client, personas, django_assert_num_queries):
    client.force_login(personas.principal)
    client.get(reverse("notifications:list"))
    for n in range(5):
        Notification.objects.deliver(personas.principal, dedupe_key=str(n), title="提醒")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("rectifications:our_items"))
    counting = [q for q in queries if "accounts_notification" in q["sql"]]
    assert len(counting) == 1


def test_a_failing_email_does_not_stop_the_other_reminders(personas, clock, monkeypatch, caplog):
    import django.core.mail

    personas.principal.email = "broken@example.com"
    personas.principal.save()
    personas.inspector_user.email = "inspector@example.com"
    personas.inspector_user.save()
    clock(shanghai(2026, 3, 10, 7, 30))
    item = make_item(
        personas, deadline=datetime.date(2026, 3, 1), responsible_inspector=personas.inspector
    )
    real_send_mail = django.core.mail.send_mail

    def flaky_send_mail(subject, message, from_email, recipient_list, **kwargs):
        if "broken@example.com" in recipient_list:
            raise OSError("SMTP server refused the connection")
        return real_send_mail(subject, message, from_email, recipient_list, **kwargs)

    monkeypatch.setattr("accounts.models.send_mail", flaky_send_mail)
    with caplog.at_level("ERROR"):
        assert send_daily_reminders() == 2
    for user in (personas.principal, personas.inspector_user):
        assert Notification.objects.filter(user=user, url__endswith=f"/{item.pk}/").exists()
    assert [m.to for m in mail.outbox] == [["inspector@example.com"]]
    assert "SMTP server refused" in caplog.text
