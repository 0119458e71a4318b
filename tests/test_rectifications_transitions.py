"""Every step of an item, by every role, from every state: allowed ones move, others refuse."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from accounts.models import Role
from rectifications.models import (
    EventAction,
    OwnerLevel,
    RectificationEvent,
    RectificationItem,
    RectificationState,
    TransitionError,
)
from tests import factories
from tests.factories_rectifications import make_item, photo

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock_at(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


S = RectificationState
UNRESOLVED = {S.OPEN, S.IN_PROGRESS, S.RETURNED, S.AWAITING_VERIFICATION}

# transition: (call, states it may start from, roles that may take it, resulting state)
TRANSITIONS = {
    "submit_plan": (
        lambda i, u: i.submit_plan(u, "整改方案"),
        {S.OPEN},
        {"principal"},
        S.IN_PROGRESS,
    ),
    "report_progress": (
        lambda i, u: i.report_progress(u, "已完成一半"),
        {S.IN_PROGRESS, S.RETURNED},
        {"principal"},
        None,  # unchanged
    ),
    "report_done": (
        lambda i, u: i.report_done(u, "已整改", [photo()]),
        {S.IN_PROGRESS, S.RETURNED},
        {"principal"},
        S.AWAITING_VERIFICATION,
    ),
    "verify": (
        lambda i, u: i.verify(u, "现场复查合格"),
        {S.AWAITING_VERIFICATION},
        {"inspector", "office"},  # the office may record a check, e.g. from a paper record
        S.CLOSED,
    ),
    "return_to_school": (
        lambda i, u: i.return_to_school(u, "照片不清楚"),
        {S.AWAITING_VERIFICATION},
        {"inspector", "office"},
        S.RETURNED,
    ),
    "escalate": (
        lambda i, u: i.escalate(u, OwnerLevel.BUREAU, "学校无力解决"),
        UNRESOLVED,
        {"inspector", "office"},
        None,
    ),
    "extend_deadline": (
        lambda i, u: i.extend_deadline(u, i.deadline + datetime.timedelta(days=30), "冬季无法施工"),
        UNRESOLVED,
        {"office"},
        None,
    ),
    "follow_up": (
        lambda i, u: i.follow_up(u, True, "仍然有效"),
        {S.CLOSED},
        {"inspector", "office"},
        S.CLOSED,
    ),
}


@pytest.fixture
def actors(personas):
    """One user per way of standing towards an item of school A whose inspector is ``inspector``."""
    make = factories.UserFactory
    stranger_inspector = factories.InspectorFactory(county=personas.county)
    return {
        "principal": personas.principal,
        "other_principal": make(
            username="principal_b",
            county=personas.county,
            role=Role.PRINCIPAL,
            school=personas.school_b,
        ),
        "inspector": personas.inspector_user,
        "other_inspector": make(
            username="inspector_2",
            county=personas.county,
            role=Role.INSPECTOR,
            inspector=stranger_inspector,
        ),
        "office": personas.office,
        "other_office": personas.other_office,
        "committee": personas.committee,
        "superuser": personas.superuser,
    }


def item_in_state(personas, state):
    item = make_item(personas, responsible_inspector=personas.inspector)
    now = timezone.now()
    # Closed long enough ago for the follow-up check to be due.
    closed_at = now - datetime.timedelta(days=personas.county.settings.follow_up_days)
    RectificationItem.objects.filter(pk=item.pk).update(
        state=state,
        reported_done_at=now if state == S.AWAITING_VERIFICATION else None,
        closed_at=closed_at if state == S.CLOSED else None,
    )
    item.refresh_from_db()
    return item


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_transition_by_every_role_from_every_state(personas, actors, name, state):
    call, from_states, roles, to_state = TRANSITIONS[name]
    for role, user in actors.items():
        item = item_in_state(personas, state)
        events_before = item.events.count()
        allowed = state in from_states and role in roles
        if allowed:
            event = call(item, user)
            item.refresh_from_db()
            expected = to_state or state
            assert item.state == expected, (name, state, role)
            assert (event.from_state, event.to_state, event.actor) == (state, expected, user)
            assert item.events.count() == events_before + 1
        else:
            with pytest.raises(TransitionError) as raised:
                call(item, user)
            assert str(raised.value.message), (name, state, role)
            item.refresh_from_db()
            assert item.state == state, (name, state, role)
            assert item.events.count() == events_before, (name, state, role)


def test_full_loop_keeps_every_step_in_history(personas):
    item = make_item(personas, responsible_inspector=personas.inspector)
    principal, inspector = personas.principal, personas.inspector_user
    item.submit_plan(principal, "本周内补齐留样")
    item.report_done(principal, "已补齐", [photo()])
    item.return_to_school(inspector, "缺少周末记录")
    item.report_progress(principal, "正在补周末记录")
    item.report_done(principal, "周末也已补齐", [photo(), photo()])
    item.verify(inspector, "合格")
    item.refresh_from_db()
    assert item.state == S.CLOSED and item.closed_at
    steps = list(item.events.values_list("action", "from_state", "to_state"))
    assert steps == [
        (EventAction.OPENED, "", S.OPEN),
        (EventAction.PLAN_SUBMITTED, S.OPEN, S.IN_PROGRESS),
        (EventAction.DONE_REPORTED, S.IN_PROGRESS, S.AWAITING_VERIFICATION),
        (EventAction.RETURNED, S.AWAITING_VERIFICATION, S.RETURNED),
        (EventAction.PROGRESS_REPORTED, S.RETURNED, S.RETURNED),
        (EventAction.DONE_REPORTED, S.RETURNED, S.AWAITING_VERIFICATION),
        (EventAction.VERIFIED, S.AWAITING_VERIFICATION, S.CLOSED),
    ]
    assert item.events.get(comment="周末也已补齐").evidence.count() == 2


def test_follow_up_reopens_with_history_and_a_new_deadline(personas):
    item = item_in_state(personas, S.CLOSED)
    item.follow_up(personas.inspector_user, False, "问题复发")
    item.refresh_from_db()
    settings = personas.county.settings
    assert item.state == S.OPEN
    assert item.closed_at is None
    assert item.deadline == timezone.localdate() + datetime.timedelta(
        settings.deadline_days_general
    )
    last = item.events.last()
    assert (last.action, last.from_state, last.to_state) == (EventAction.REOPENED, S.CLOSED, S.OPEN)
    assert last.deadline == item.deadline


def test_follow_up_is_recorded_once(personas):
    item = item_in_state(personas, S.CLOSED)
    item.follow_up(personas.office, True, "")
    with pytest.raises(TransitionError):
        item.follow_up(personas.inspector_user, True, "")


def test_reopening_needs_a_description(personas):
    item = item_in_state(personas, S.CLOSED)
    with pytest.raises(TransitionError):
        item.follow_up(personas.office, False, " ")


def test_escalation_only_moves_up(personas):
    item = make_item(personas)
    item.escalate(personas.office, OwnerLevel.GOVERNMENT, "需县政府协调校舍")
    with pytest.raises(TransitionError):
        item.escalate(personas.office, OwnerLevel.BUREAU, "再上报")
    item.refresh_from_db()
    assert item.owner_level == OwnerLevel.GOVERNMENT
    assert item.events.last().owner_level == OwnerLevel.GOVERNMENT


def test_deadline_extension_must_extend_and_give_a_reason(personas):
    today = timezone.localdate()
    current = today + datetime.timedelta(days=30)
    later = today + datetime.timedelta(days=60)
    item = make_item(personas, deadline=current)
    with pytest.raises(TransitionError):
        item.extend_deadline(personas.office, current - datetime.timedelta(days=1), "提前")
    with pytest.raises(TransitionError):
        item.extend_deadline(personas.office, later, "  ")
    item.extend_deadline(personas.office, later, "寒假无法施工")
    item.refresh_from_db()
    assert item.deadline == later
    assert item.events.last().deadline == later


@pytest.mark.parametrize(
    ("new_date", "allowed"),
    [
        (datetime.date(2026, 2, 28), False),
        (datetime.date(2026, 3, 1), True),
        (datetime.date(2028, 3, 1), True),
        (datetime.date(2028, 3, 2), False),
        (datetime.date(2031, 1, 1), False),
    ],
)
def test_deadlines_run_from_today_to_two_years_ahead(personas, clock_at, new_date, allowed):
    # 1 March 2026 in Shanghai is still 28 February in UTC: today is Shanghai's date.
    clock_at(datetime.datetime(2026, 3, 1, 1, 0, tzinfo=SHANGHAI))
    item = make_item(personas, deadline=datetime.date(2026, 2, 1))  # already overdue
    if allowed:
        item.extend_deadline(personas.office, new_date, "施工期延长")
        item.refresh_from_db()
        assert item.deadline == new_date
    else:
        with pytest.raises(TransitionError) as raised:
            item.extend_deadline(personas.office, new_date, "施工期延长")
        assert "今天" in str(raised.value.message)
        item.refresh_from_db()
        assert item.deadline == datetime.date(2026, 2, 1)


def test_completion_needs_evidence_and_return_needs_a_reason(personas):
    item = item_in_state(personas, S.IN_PROGRESS)
    with pytest.raises(TransitionError):
        item.report_done(personas.principal, "已整改", [])
    item = item_in_state(personas, S.AWAITING_VERIFICATION)
    with pytest.raises(TransitionError):
        item.return_to_school(personas.inspector_user, "")


def test_events_and_items_cannot_be_deleted_in_the_admin(personas, client):
    item = make_item(personas)
    client.force_login(personas.superuser)
    response = client.post(
        f"/admin/rectifications/rectificationitem/{item.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert RectificationItem.objects.filter(pk=item.pk).exists()
    assert RectificationEvent.objects.filter(item=item).exists()


def test_the_office_records_the_work_on_an_escalated_item(personas):
    item = make_item(personas, responsible_inspector=personas.inspector)
    office = personas.office
    assert EventAction.PLAN_SUBMITTED not in item.allowed_actions(office)
    with pytest.raises(TransitionError):
        item.submit_plan(office, "由教育局统筹")
    item.escalate(office, OwnerLevel.BUREAU, "需要教育局调配资金")
    assert EventAction.PLAN_SUBMITTED in item.allowed_actions(office)
    item.submit_plan(office, "教育局已立项")
    item.report_progress(office, "已招标")
    item.report_done(office, "已完工", [photo()])
    item.refresh_from_db()
    assert item.state == S.AWAITING_VERIFICATION
    # The school still may act too, and the office of another county never.
    assert EventAction.RETURNED in item.allowed_actions(office)
    item.return_to_school(personas.inspector_user, "缺少验收单")
    item.report_progress(personas.principal, "学校补充验收单")
    with pytest.raises(TransitionError):
        item.report_progress(personas.other_office, "越权")
    actors = list(item.events.values_list("action", "actor"))
    assert (EventAction.DONE_REPORTED, office.pk) in actors


def test_follow_up_check_is_not_possible_before_it_is_due(personas, clock_at):
    days = personas.county.settings.follow_up_days
    closed_at = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)  # 1 March in Shanghai
    item = make_item(personas, responsible_inspector=personas.inspector)
    RectificationItem.objects.filter(pk=item.pk).update(state=S.CLOSED, closed_at=closed_at)
    item.refresh_from_db()
    due_on = datetime.date(2026, 3, 1) + datetime.timedelta(days=days)
    assert item.follow_up_due_on(personas.county.settings) == due_on
    midnight = datetime.datetime.combine(due_on, datetime.time(0, 0), SHANGHAI)
    clock_at(midnight - datetime.timedelta(minutes=1))
    assert EventAction.FOLLOWED_UP not in item.allowed_actions(personas.inspector_user)
    with pytest.raises(TransitionError) as raised:
        item.follow_up(personas.inspector_user, True, "提前回访")
    assert due_on.isoformat() in str(raised.value.message)
    assert item.events.count() == 1
    clock_at(midnight)
    assert EventAction.FOLLOWED_UP in item.allowed_actions(personas.inspector_user)
    item.follow_up(personas.inspector_user, True, "仍然有效")
    item.refresh_from_db()
    assert item.followed_up_at


@pytest.mark.parametrize("model", ["rectificationitem", "rectificationnotice"])
def test_admin_cannot_add_items_or_notices(personas, client, model):
    client.force_login(personas.superuser)
    assert client.get(f"/admin/rectifications/{model}/add/").status_code == 403
    assert client.post(f"/admin/rectifications/{model}/add/", {}).status_code == 403


def test_admin_shows_items_and_notices_read_only(personas, client):
    from rectifications import services

    item = make_item(personas)
    notice = services.issue_notice(
        school=item.school, items=[item], inspector=None, actor=personas.office
    )
    client.force_login(personas.superuser)
    item_url = f"/admin/rectifications/rectificationitem/{item.pk}/change/"
    page = client.get(item_url)
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    assert 'name="deadline"' not in page.content.decode()
    client.post(item_url, {"state": S.CLOSED, "deadline": "2026-01-01", "severity": "major"})
    item.refresh_from_db()
    assert (item.state, item.severity) == (S.OPEN, "general")
    notice_url = f"/admin/rectifications/rectificationnotice/{notice.pk}/change/"
    assert client.get(notice_url).status_code == 200
    for model in ("rectificationevent", "rectificationevidence"):
        assert client.get(f"/admin/rectifications/{model}/add/").status_code == 403
    listing = client.get("/admin/rectifications/rectificationitem/", {"q": "食堂", "state": "open"})
    assert listing.status_code == 200 and item_url in listing.content.decode()
