"""seed_demo's work notices: read by most, not by some, some replies, one due tomorrow that the
worker's sweep reminds of; a second run creates nothing."""

import pytest
from django.db import transaction

from accounts.models import Notification
from meetings.models import Notice, NoticeRecipient, NoticeReply, ReplyKind
from meetings.tasks import sweep
from schools.demo import run_demo

STEPS = [
    "schools.demo.huangzhong.seed_huangzhong",
    "schools.demo.jintan.seed_jintan",
    "schools.demo.logins.seed_logins",
    "meetings.notice_demo.seed_notices",
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        run_demo(log=lambda line: None, steps=STEPS)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def notices(seeded, db):
    return Notice.objects.filter(county__code="630122")


def test_notices_some_have_not_read(notices):
    assert notices.count() == 4
    receipts = NoticeRecipient.objects.filter(notice__in=notices)
    assert receipts.filter(read_at__isnull=True).exists()
    assert receipts.filter(read_at__isnull=False).count() > receipts.count() / 3
    assert NoticeReply.objects.filter(recipient__notice__in=notices).exists()
    assert all(notice.files.exists() for notice in notices.exclude(reply_kind=ReplyKind.TEXT))
    for username in ("inspector", "principal"):
        assert receipts.filter(user__username=username, read_at__isnull=True).exists()


def test_a_second_run_creates_nothing(notices):
    before = (notices.count(), NoticeRecipient.objects.count(), NoticeReply.objects.count())
    ctx = run_demo(log=lambda line: None, steps=STEPS)
    assert "工作通知" not in ctx.created and "阅读通知的账号" not in ctx.created
    assert (notices.count(), NoticeRecipient.objects.count(), NoticeReply.objects.count()) == before


def test_the_sweep_reminds_those_behind_on_the_notice_due_tomorrow(notices):
    due = notices.get(reply_kind=ReplyKind.FILE)
    behind = NoticeRecipient.objects.filter(notice=due).exclude(
        read_at__isnull=False, reply__isnull=False
    )
    sweep(send_now=True)
    reminded = Notification.objects.filter(dedupe_key=f"notice-due:{due.pk}")
    assert set(reminded.values_list("user_id", flat=True)) == set(
        behind.values_list("user_id", flat=True)
    )
    assert reminded.filter(user__username="principal").exists()
