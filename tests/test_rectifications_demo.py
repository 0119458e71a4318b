"""seed_demo grows a rectification history: every state, overdue and escalated items, timelines."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from rectifications.models import (
    EventAction,
    RectificationEvent,
    RectificationEvidence,
    RectificationItem,
    RectificationNotice,
    RectificationState,
)


def seed():
    call_command("seed_demo", force=True, stdout=io.StringIO())


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def items(seeded, db):
    return RectificationItem.objects.filter(school__county__code="630122")


def test_every_state_overdue_and_escalated(items):
    assert set(items.values_list("state", flat=True)) == set(RectificationState.values)
    assert items.overdue().exists()
    assert items.escalated().count() >= 3


def test_timelines_are_whole_and_in_order(items):
    closed = items.filter(state=RectificationState.CLOSED).annotate(steps=Count("events"))
    assert closed.filter(steps__gte=4).exists()
    for item in closed[:20]:
        actions = list(item.events.values_list("action", flat=True))
        assert actions[0] == EventAction.OPENED and EventAction.VERIFIED in actions
        times = list(item.events.values_list("at", flat=True))
        assert times == sorted(times)
        assert item.closed_at >= item.created_at
    assert RectificationEvidence.objects.exists()
    assert RectificationEvent.objects.filter(action=EventAction.REOPENED).exists() or (
        RectificationEvent.objects.filter(action=EventAction.FOLLOWED_UP).exists()
    )


def test_demo_logins_have_something_to_do(items):
    principal_items = items.filter(school__principal_accounts__username="principal")
    assert {RectificationState.OPEN, RectificationState.RETURNED} <= set(
        principal_items.values_list("state", flat=True)
    )
    inspector_items = items.filter(responsible_inspector__user__username="inspector")
    assert inspector_items.filter(state=RectificationState.AWAITING_VERIFICATION).exists()
    notices = RectificationNotice.objects.filter(county__code="630122")
    assert notices.filter(acknowledged_at__isnull=True).exists()
    assert notices.filter(acknowledged_at__isnull=False).exists()


def test_second_run_changes_no_rectification(items):
    def snapshot():
        return (
            list(items.order_by("pk").values()),
            RectificationEvent.objects.count(),
            RectificationNotice.objects.count(),
        )

    before = snapshot()
    seed()
    assert snapshot() == before
