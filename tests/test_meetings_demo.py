"""seed_demo's meetings: six months of each kind with invitees, answers, attendance, minutes and
decisions in every state, the next ones generated from the monthly rule; a second run creates
nothing."""

import pytest
from django.db import transaction
from django.utils import timezone

from meetings.models import Attendance, Decision, Meeting, MeetingKind, MeetingSeries, SignIn
from rectifications.models import RectificationState
from schools.demo import run_demo

STEPS = [
    "schools.demo.huangzhong.seed_huangzhong",
    "schools.demo.jintan.seed_jintan",
    "schools.demo.logins.seed_logins",
    "meetings.demo.seed_meetings",
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        run_demo(log=lambda line: None, steps=STEPS)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def meetings(seeded, db):
    return Meeting.objects.filter(county__code="630122")


def test_six_months_of_each_kind_and_the_next_ones(meetings):
    now = timezone.now()
    past = meetings.filter(ends_at__lt=now)
    assert set(past.values_list("kind", flat=True)) >= {
        MeetingKind.INSPECTORS,
        MeetingKind.PRINCIPALS,
        MeetingKind.JOINT,
        MeetingKind.COMMITTEE,
    }
    assert past.filter(kind=MeetingKind.INSPECTORS).count() >= 4  # holiday months skipped
    assert min(past.values_list("starts_at", flat=True)) >= now - timezone.timedelta(days=190)
    upcoming = meetings.filter(starts_at__gt=now, status="scheduled")
    rule = MeetingSeries.objects.get(county__code="630122")
    assert upcoming.filter(series=rule).count() == 2
    assert upcoming.filter(invitees__user__username="inspector").exists()
    assert meetings.filter(status="cancelled").exclude(cancel_reason="").exists()
    assert meetings.filter(sequence__gt=0, status="scheduled").exclude(change_reason="").exists()


def test_held_meetings_have_invitees_attendance_minutes_and_decisions(meetings):
    held = meetings.filter(ends_at__lt=timezone.now(), status="scheduled")
    for meeting in held:
        invitees = meeting.invitees.all()
        assert invitees.count() >= 10
        assert invitees.filter(user__isnull=True).exists()  # people without a login
        assert invitees.exclude(attendance="").count() == invitees.count()
        assert meeting.minutes and meeting.minutes_filed_at
        assert meeting.decisions.exists()
    attendance = set(held.values_list("invitees__attendance", flat=True).distinct())
    assert attendance == {a for a in Attendance.values if a}
    assert SignIn.objects.filter(invitee__meeting__in=held).exists()


def test_decisions_in_every_state_with_and_without_a_school(meetings):
    decisions = Decision.objects.filter(meeting__in=meetings).select_related("item")
    states = {decision.item.state for decision in decisions}
    assert states == set(RectificationState.values)
    assert any(d.item.school_id is None for d in decisions)
    assert any(d.item.school_id is not None for d in decisions)
    assert {d.owner_kind for d in decisions} == {"school", "township", "department", "user"}
    assert any(d.item.is_overdue for d in decisions)


def test_a_second_run_creates_nothing(meetings):
    before = (meetings.count(), Decision.objects.count(), SignIn.objects.count())
    ctx = run_demo(log=lambda line: None, steps=STEPS)
    assert "会议" not in ctx.created and "会议（周期生成）" not in ctx.created
    assert (meetings.count(), Decision.objects.count(), SignIn.objects.count()) == before
