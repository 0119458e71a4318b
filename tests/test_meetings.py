"""Meetings: recurrence, invitee groups, answers, attendance and the QR sign-in, decisions tracked
as rectification items (with and without a school), who sees what, and bounded query counts."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Notification, Role
from inspectors.models import InspectorStatus
from meetings import services
from meetings.models import (
    Attendance,
    Decision,
    DecisionOwner,
    Invitee,
    InviteeGroup,
    Meeting,
    MeetingKind,
    MeetingSeries,
    Response,
    SignIn,
    Weekday,
    WeekOfMonth,
    nth_weekday,
)
from meetings.recipients import RecipientChoice, find_people, resolve_recipients
from rectifications.models import (
    RectificationItem,
    RectificationState,
    SourceKind,
    TransitionError,
)
from schools.models import SchoolKind
from tests import factories
from tests.factories_meetings import department, make_meeting, ongoing, past

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def english():
    """Messages of refused steps in English, to match them by their words."""
    with translation.override("en"):
        yield


# Recurrence ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "weekday", "week", "expected"),
    [
        (2026, 6, Weekday.MONDAY, WeekOfMonth.FIRST, D(2026, 6, 1)),  # the 1st is a Monday
        (2026, 7, Weekday.MONDAY, WeekOfMonth.FIRST, D(2026, 7, 6)),
        (2026, 12, Weekday.WEDNESDAY, WeekOfMonth.LAST, D(2026, 12, 30)),
        (2027, 2, Weekday.SUNDAY, WeekOfMonth.LAST, D(2027, 2, 28)),  # the last day itself
        (2028, 2, Weekday.TUESDAY, WeekOfMonth.LAST, D(2028, 2, 29)),  # a leap day
        (2026, 3, Weekday.FRIDAY, WeekOfMonth.FOURTH, D(2026, 3, 27)),
    ],
)
def test_nth_weekday(year, month, weekday, week, expected):
    assert nth_weekday(year, month, weekday, week) == expected


def _rule(personas, **fields):
    fields.setdefault("title", "督学月例会")
    fields.setdefault("place", "县教育局三楼会议室")
    return MeetingSeries.objects.create(
        county=personas.county,
        invitees=RecipientChoice(inspectors=True).as_dict(),
        created_by=personas.office,
        **fields,
    )


def test_first_monday_across_the_year_end(personas):
    rule = _rule(personas, skip_holiday_months=False)
    days = rule.dates(after=D(2026, 11, 20), count=3)
    assert days == [D(2026, 12, 7), D(2027, 1, 4), D(2027, 2, 1)]


def test_the_day_itself_counts_only_after_it(personas):
    rule = _rule(personas, skip_holiday_months=False)
    assert rule.dates(after=D(2026, 6, 1), count=1) == [D(2026, 7, 6)]
    assert rule.dates(after=D(2026, 5, 31), count=1) == [D(2026, 6, 1)]


def test_holiday_months_are_skipped_when_the_rule_says_so(personas):
    rule = _rule(personas, skip_holiday_months=True)
    days = rule.dates(after=D(2026, 12, 31), count=3, holiday_months=[1, 2, 8])
    assert days == [D(2027, 3, 1), D(2027, 4, 5), D(2027, 5, 3)]
    rule.skip_holiday_months = False
    assert rule.dates(after=D(2026, 12, 31), count=1, holiday_months=[1, 2, 8]) == [D(2027, 1, 4)]


def test_every_month_a_holiday_gives_no_dates_rather_than_looping(personas):
    rule = _rule(personas)
    assert rule.dates(after=D(2026, 1, 1), count=2, holiday_months=list(range(1, 13))) == []


def test_bounds_are_local_time(personas):
    rule = _rule(personas, start_time=datetime.time(9, 0), duration_minutes=90)
    starts, ends = rule.bounds_on(D(2026, 12, 7))
    assert timezone.localtime(starts).strftime("%Y-%m-%d %H:%M %Z") == "2026-12-07 09:00 CST"
    assert ends - starts == datetime.timedelta(minutes=90)


def test_generate_next_occurrences_once_with_the_rules_invitees(personas):
    settings = personas.county.settings
    settings.holiday_months = [2, 8]
    settings.save()
    rule = _rule(personas)
    today = D(2027, 1, 10)
    created = services.generate_occurrences(
        series=rule, actor=personas.office, count=3, today=today
    )
    assert [m.occurrence_on for m in created] == [D(2027, 3, 1), D(2027, 4, 5), D(2027, 5, 3)]
    assert all(m.kind == MeetingKind.INSPECTORS and m.title == "督学月例会" for m in created)
    # The persona inspector is an active inspector with a login: invited to each.
    assert all(m.invitees.filter(user=personas.inspector_user).exists() for m in created)
    again = services.generate_occurrences(series=rule, actor=personas.office, count=4, today=today)
    assert [m.occurrence_on for m in again] == [D(2027, 6, 7)]
    occurrences = services.next_occurrences(rule, count=4, today=today)
    assert all(o["meeting"] for o in occurrences)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(personas, series=rule, occurrence_on=D(2027, 3, 1))


def test_a_moved_occurrence_is_not_generated_again(personas):
    rule = _rule(personas, skip_holiday_months=False)
    today = D(2027, 3, 10)
    (first,) = services.generate_occurrences(
        series=rule, actor=personas.office, count=1, today=today
    )
    Meeting.objects.filter(pk=first.pk).update(
        starts_at=first.starts_at + datetime.timedelta(days=2),
        ends_at=first.ends_at + datetime.timedelta(days=2),
    )
    assert (
        services.generate_occurrences(series=rule, actor=personas.office, count=1, today=today)
        == []
    )


# Invitee groups ---------------------------------------------------------------------------


@pytest.fixture
def people(personas):
    """A second township with a kindergarten and its principal, a suspended inspector's login,
    and committee members with and without a login."""
    county = personas.county
    township = factories.TownshipFactory(county=county, name="多巴镇")
    kindergarten = factories.SchoolFactory(
        county=county, township=township, name="多巴镇幼儿园", kind=SchoolKind.KINDERGARTEN
    )
    make = factories.UserFactory
    kg_principal = make(
        username="kg",
        county=county,
        role=Role.PRINCIPAL,
        school=kindergarten,
        display_name="马园长",
    )
    suspended = factories.InspectorFactory(county=county, status=InspectorStatus.SUSPENDED)
    make(username="suspended", county=county, role=Role.INSPECTOR, inspector=suspended)
    factories.CommitteeMemberFactory(county=county, name="张副县长", user=personas.committee)
    factories.CommitteeMemberFactory(county=county, name="赵局长", organisation="县公安局")
    return {"township": township, "kindergarten": kindergarten, "kg_principal": kg_principal}


def test_inspectors_group_is_the_active_inspectors_with_a_login(personas, people):
    found = resolve_recipients(county=personas.county, choice=RecipientChoice(inspectors=True))
    assert found.users == [personas.inspector_user]
    assert found.groups == {personas.inspector_user.pk: InviteeGroup.INSPECTORS}


def test_principals_by_township_and_by_kind(personas, people):
    county = personas.county
    by_township = resolve_recipients(
        county=county, choice=RecipientChoice(township_ids=[people["township"].pk])
    )
    assert by_township.users == [people["kg_principal"]]
    by_kind = resolve_recipients(
        county=county, choice=RecipientChoice(school_kinds=[SchoolKind.KINDERGARTEN])
    )
    assert by_kind.users == [people["kg_principal"]]
    both = resolve_recipients(
        county=county,
        choice=RecipientChoice(
            township_ids=[people["township"].pk], school_kinds=[SchoolKind.PRIMARY]
        ),
    )
    assert both.users == []
    everyone = resolve_recipients(county=county, choice=RecipientChoice(all_principals=True))
    assert set(everyone.users) == {personas.principal, people["kg_principal"]}


def test_committee_members_with_a_login_and_guests_without(personas, people):
    found = resolve_recipients(county=personas.county, choice=RecipientChoice(committee=True))
    assert found.users == [personas.committee]
    assert [(g.name, g.organisation) for g in found.guests] == [("赵局长", "县公安局")]


def test_groups_and_people_together_name_each_person_once(personas, people):
    choice = RecipientChoice(
        inspectors=True,
        all_principals=True,
        user_ids=[personas.inspector_user.pk, personas.office.pk, personas.other_office.pk],
    )
    found = resolve_recipients(county=personas.county, choice=choice)
    assert len(found.users) == len(set(found.users)) == 4  # another county's office is not
    assert found.groups[personas.inspector_user.pk] == InviteeGroup.INSPECTORS
    assert found.groups[personas.office.pk] == InviteeGroup.PERSON


def test_named_people_by_name_username_or_phone(personas, people):
    personas.office.phone = "13800000099"
    personas.office.save()
    found, problems = find_people(
        county=personas.county, text="马园长，inspector\n138-0000-0099、无此人"
    )
    assert found == [people["kg_principal"], personas.inspector_user, personas.office]
    assert problems == ["无此人"]


def test_adding_invitees_keeps_answers_and_adds_guests_once(personas, people):
    meeting = make_meeting(personas, invite=[personas.inspector_user])
    invitee = meeting.invitees.get()
    services.respond(invitee=invitee, response=Response.ATTEND)
    choice = RecipientChoice(inspectors=True, committee=True)
    added = services.add_invitees(meeting=meeting, choice=choice)
    assert {i.name for i in added} == {str(personas.committee), "赵局长"}
    assert services.add_invitees(meeting=meeting, choice=choice) == []
    invitee.refresh_from_db()
    assert invitee.response == Response.ATTEND


# Answers, moves, cancellations --------------------------------------------------------------


def test_answer_attend_or_leave_with_a_reason_until_the_start(personas, english):
    meeting = make_meeting(personas, invite=[personas.inspector_user])
    invitee = meeting.invitees.get()
    with pytest.raises(services.MeetingError):
        services.respond(invitee=invitee, response=Response.LEAVE, reason=" ")
    services.respond(invitee=invitee, response=Response.LEAVE, reason="下乡督导")
    invitee.refresh_from_db()
    assert (invitee.response, invitee.leave_reason) == (Response.LEAVE, "下乡督导")
    started = ongoing(personas, invite=[personas.principal]).invitees.get()
    with pytest.raises(services.MeetingError, match="started"):
        services.respond(invitee=started, response=Response.ATTEND)


def test_moving_and_cancelling_tell_each_invitee_once_per_change(
    personas, django_capture_on_commit_callbacks
):
    invite = [personas.inspector_user, personas.principal]
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.schedule_meeting(
            county=personas.county,
            actor=personas.office,
            kind=MeetingKind.INSPECTORS,
            title="督学月例会",
            starts_at=timezone.now() + datetime.timedelta(days=3),
            ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
            place="县教育局",
            choice=RecipientChoice(user_ids=[u.pk for u in invite]),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.move_meeting(
            meeting=meeting,
            starts_at=meeting.starts_at + datetime.timedelta(days=1),
            ends_at=meeting.ends_at + datetime.timedelta(days=1),
            reason="与县政府会议冲突",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting=meeting, reason="上级检查")
    # The task again (a retry, the outbox sweep): nobody is told twice.
    from meetings.tasks import announce_meeting_change

    assert announce_meeting_change(meeting.pk, 2) == 0
    for user in invite:
        titles = list(
            Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True)
        )
        assert len(titles) == 3, titles
        assert "督学月例会" in titles[0] and "改期" in titles[1] and "取消" in titles[2]
    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.is_cancelled) == (2, True)
    with pytest.raises(services.MeetingError):
        services.move_meeting(
            meeting=meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at, reason="x"
        )


def test_a_move_needs_a_reason_and_a_future_time(personas):
    meeting = make_meeting(personas)
    with pytest.raises(services.MeetingError):
        services.move_meeting(
            meeting=meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at, reason=""
        )
    yesterday = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(services.MeetingError):
        services.move_meeting(
            meeting=meeting,
            starts_at=yesterday,
            ends_at=yesterday + datetime.timedelta(hours=1),
            reason="改期",
        )


# Attendance and the QR sign-in --------------------------------------------------------------


def test_sign_in_marks_present_then_a_replay_is_refused(personas, english):
    meeting = ongoing(personas, invite=[personas.inspector_user])
    services.sign_in(meeting=meeting, user=personas.inspector_user)
    invitee = meeting.invitees.get()
    assert invitee.attendance == Attendance.PRESENT
    with pytest.raises(services.MeetingError, match="already signed in"):
        services.sign_in(meeting=meeting, user=personas.inspector_user)
    assert SignIn.objects.filter(invitee=invitee).count() == 1


def test_one_sign_in_per_invitee_is_a_database_rule(personas):
    meeting = ongoing(personas, invite=[personas.inspector_user])
    invitee = meeting.invitees.get()
    SignIn.objects.create(invitee=invitee)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignIn.objects.create(invitee=invitee)


def test_signing_in_late_is_recorded_as_late(personas):
    meeting = ongoing(
        personas,
        invite=[personas.inspector_user],
        starts_at=timezone.now() - datetime.timedelta(minutes=30),
    )
    services.sign_in(meeting=meeting, user=personas.inspector_user)
    assert meeting.invitees.get().attendance == Attendance.LATE


def test_sign_in_only_during_the_meeting_and_only_invitees(personas, english):
    later = make_meeting(personas, invite=[personas.inspector_user])
    with pytest.raises(services.MeetingError, match="during the meeting"):
        services.sign_in(meeting=later, user=personas.inspector_user)
    over = past(personas, invite=[personas.inspector_user])
    with pytest.raises(services.MeetingError, match="during the meeting"):
        services.sign_in(meeting=over, user=personas.inspector_user)
    now = ongoing(personas, invite=[personas.inspector_user])
    with pytest.raises(services.MeetingError, match="not on the invitation list"):
        services.sign_in(meeting=now, user=personas.office)


def test_the_code_rotates_each_minute_and_only_the_last_two_work(personas):
    meeting = ongoing(personas)
    now = timezone.now()
    minute = datetime.timedelta(seconds=services.SIGN_IN_WINDOW_SECONDS)
    current = services.sign_in_token(meeting, now)
    previous = services.sign_in_token(meeting, now - minute)
    expired = services.sign_in_token(meeting, now - 2 * minute)
    assert len({current, previous, expired}) == 3
    assert services.token_is_current(meeting, current, now)
    assert services.token_is_current(meeting, previous, now)
    assert not services.token_is_current(meeting, expired, now)
    other = ongoing(personas)
    assert not services.token_is_current(other, current, now)


def _sign_in_url(meeting, token=None):
    return reverse("meetings:sign_in", args=[meeting.pk, token or services.sign_in_token(meeting)])


def test_scanning_the_code_signs_in_with_one_tap(client, personas):
    meeting = ongoing(personas, invite=[personas.inspector_user])
    client.force_login(personas.inspector_user)
    page = client.get(_sign_in_url(meeting))
    assert page.status_code == 200 and "签到" in page.content.decode()
    response = client.post(_sign_in_url(meeting), {"pass": page.context["pass"]})
    assert response.status_code == 302
    assert meeting.invitees.get().attendance == Attendance.PRESENT
    replay = client.post(_sign_in_url(meeting), {"pass": page.context["pass"]})
    assert replay.status_code == 400 and "已于" in replay.content.decode()
    assert SignIn.objects.count() == 1


def test_an_expired_code_is_refused_with_a_clear_message(client, personas):
    meeting = ongoing(personas, invite=[personas.inspector_user])
    client.force_login(personas.inspector_user)
    old = services.sign_in_token(meeting, timezone.now() - datetime.timedelta(minutes=3))
    page = client.get(_sign_in_url(meeting, old))
    assert page.context["problem"] and page.context["pass"] is None
    assert "重新扫描" in page.content.decode()
    forged = client.post(_sign_in_url(meeting, old), {"pass": "forged"})
    assert forged.status_code == 400
    assert not SignIn.objects.exists()


def test_a_pass_for_someone_else_does_not_sign_in(client, personas):
    meeting = ongoing(personas, invite=[personas.inspector_user, personas.principal])
    someone_elses = services.sign_in_pass(meeting, personas.principal)
    client.force_login(personas.inspector_user)
    response = client.post(_sign_in_url(meeting), {"pass": someone_elses})
    assert response.status_code == 400 and not SignIn.objects.exists()


def test_a_non_invitee_cannot_sign_in(client, personas):
    meeting = ongoing(personas, invite=[personas.principal])
    client.force_login(personas.inspector_user)
    assert client.get(_sign_in_url(meeting)).status_code == 404  # cannot see the meeting
    client.force_login(personas.office)  # sees it, but is not invited
    page = client.get(_sign_in_url(meeting))
    assert "不在" in page.content.decode() and page.context["pass"] is None


def test_anonymous_scan_goes_to_the_login_and_back(client, personas):
    meeting = ongoing(personas, invite=[personas.inspector_user])
    url = _sign_in_url(meeting)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_screen_shows_a_fresh_svg_code_during_the_meeting_only(client, personas):
    meeting = ongoing(personas)
    client.force_login(personas.office)
    screen = client.get(reverse("meetings:sign_in_screen", args=[meeting.pk]))
    assert b"sign_in_screen.js" in screen.content and b"<script>" not in screen.content
    code = client.get(reverse("meetings:sign_in_code", args=[meeting.pk]))
    assert code["Content-Type"] == "image/svg+xml" and code["Cache-Control"] == "private, no-store"
    assert code.content.startswith(b"<?xml") or b"<svg" in code.content[:200]
    later = make_meeting(personas)
    assert client.get(reverse("meetings:sign_in_code", args=[later.pk])).status_code == 404


def test_office_records_attendance(client, personas):
    meeting = ongoing(personas, invite=[personas.inspector_user, personas.principal])
    a, b = meeting.invitees.order_by("pk")
    client.force_login(personas.office)
    response = client.post(
        reverse("meetings:meeting_attendance", args=[meeting.pk]),
        {f"att-{a.pk}": Attendance.LATE, f"att-{b.pk}": Attendance.EXCUSED},
    )
    assert response.status_code == 302
    assert dict(meeting.invitees.values_list("pk", "attendance")) == {
        a.pk: Attendance.LATE,
        b.pk: Attendance.EXCUSED,
    }
    bad = client.post(
        reverse("meetings:meeting_attendance", args=[meeting.pk]), {f"att-{a.pk}": "asleep"}
    )
    assert bad.status_code == 302
    assert meeting.invitees.get(pk=a.pk).attendance == Attendance.LATE
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert page.context["summary"]["came"] == 1 and page.context["summary"]["not_came"] == 1


# Decisions as rectification items -------------------------------------------------------------


def _decide(personas, meeting, owner, text="修缮多巴镇中心学校厕所", **kwargs):
    return services.add_decision(
        meeting=meeting,
        actor=personas.office,
        text=text,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        owner=owner,
        **kwargs,
    )


def test_a_township_decision_is_an_item_without_school_the_office_moves(personas):
    meeting = ongoing(personas, kind=MeetingKind.JOINT)
    township = personas.school_a.township
    decision = _decide(
        personas,
        meeting,
        services.DecisionOwnerChoice(kind=DecisionOwner.TOWNSHIP, township=township),
    )
    item = decision.item
    assert (item.source, item.school, item.matter) == (SourceKind.MEETING, None, None)
    assert item.county == personas.county and item.owner_name == township.name
    assert item.capacities_of(personas.office) == {"office", "school"}
    assert item.capacities_of(personas.principal) == set()
    # The office takes the owner's steps; evidence photos are optional for it.
    item.submit_plan(personas.office, "乡镇政府安排资金")
    item.report_done(personas.office, "已完工", photos=[])
    item.verify(personas.office, "现场核实")
    item.refresh_from_db()
    assert item.state == RectificationState.CLOSED
    # Nobody outside sees it; the principal and inspector never see an item without a school.
    assert RectificationItem.objects.for_user(personas.office).filter(pk=item.pk).exists()
    assert RectificationItem.objects.for_user(personas.committee).filter(pk=item.pk).exists()
    for outsider in (personas.principal, personas.inspector_user, personas.other_office):
        assert not RectificationItem.objects.for_user(outsider).filter(pk=item.pk).exists()


def test_a_school_decision_is_worked_by_the_school_with_evidence(personas):
    from tests.factories_rectifications import photo

    meeting = ongoing(personas, kind=MeetingKind.PRINCIPALS)
    decision = _decide(
        personas,
        meeting,
        services.DecisionOwnerChoice(kind=DecisionOwner.SCHOOL, school=personas.school_a),
    )
    item = decision.item
    assert item.school == personas.school_a and item.county == personas.county
    assert item.capacities_of(personas.office) == {"office"}
    assert item.capacities_of(personas.principal) == {"school"}
    item.submit_plan(personas.principal, "本周完成")
    with pytest.raises(TransitionError):
        item.report_done(personas.principal, "已完成", photos=[])
    item.report_done(personas.principal, "已完成", photos=[photo()])
    assert item.state == RectificationState.AWAITING_VERIFICATION


def test_department_and_person_owners(personas):
    meeting = ongoing(personas, kind=MeetingKind.JOINT)
    finance = department(personas)
    by_department = _decide(
        personas,
        meeting,
        services.DecisionOwnerChoice(kind=DecisionOwner.DEPARTMENT, department=finance),
    )
    by_person = _decide(
        personas,
        meeting,
        services.DecisionOwnerChoice(kind=DecisionOwner.USER, user=personas.committee),
    )
    assert (by_department.number, by_person.number) == (1, 2)
    assert by_department.owner == finance and by_department.item.owner_name == "县财政局"
    assert by_person.owner == personas.committee


def test_exactly_one_owner_is_a_database_rule(personas):
    decision = _decide(
        personas,
        ongoing(personas),
        services.DecisionOwnerChoice(
            kind=DecisionOwner.DEPARTMENT, department=department(personas)
        ),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(township=personas.school_a.township)


def test_only_meeting_items_may_lack_a_school_or_matter(personas):
    item = _decide(
        personas,
        ongoing(personas),
        services.DecisionOwnerChoice(
            kind=DecisionOwner.DEPARTMENT, department=department(personas)
        ),
    ).item
    with pytest.raises(IntegrityError), transaction.atomic():
        RectificationItem.objects.filter(pk=item.pk).update(source=SourceKind.COMPLAINT)


def test_decisions_wait_for_the_meeting(personas):
    with pytest.raises(services.MeetingError):
        _decide(
            personas,
            make_meeting(personas),
            services.DecisionOwnerChoice(
                kind=DecisionOwner.DEPARTMENT, department=department(personas)
            ),
        )


def test_the_next_meeting_lists_earlier_decisions_open_at_the_previous_one(personas):
    now = timezone.now()
    kind = MeetingKind.JOINT
    first = make_meeting(personas, kind=kind, starts_at=now - datetime.timedelta(days=60))
    second = make_meeting(personas, kind=kind, starts_at=now - datetime.timedelta(days=30))
    third = make_meeting(personas, kind=kind, starts_at=now + datetime.timedelta(days=1))
    other_kind = make_meeting(
        personas, kind=MeetingKind.INSPECTORS, starts_at=now - datetime.timedelta(days=40)
    )
    owner = services.DecisionOwnerChoice(
        kind=DecisionOwner.DEPARTMENT, department=department(personas)
    )

    def decide(meeting, text):
        """A decision of ``meeting`` (taken now, moved to that meeting's date)."""
        decision = _decide(personas, ongoing(personas), owner, text=text)
        number = meeting.decisions.count() + 1
        Decision.objects.filter(pk=decision.pk).update(meeting=meeting, number=number)
        return Decision.objects.get(pk=decision.pk)

    closed_early = decide(first, "早已完成")
    closed_early.item.submit_plan(personas.office, "计划")
    closed_early.item.report_done(personas.office, "完成", photos=[])
    closed_early.item.verify(personas.office)
    from rectifications.models import RectificationEvent

    RectificationEvent.objects.filter(item=closed_early.item).update(
        at=now - datetime.timedelta(days=45)
    )
    decide(first, "仍在办理")
    closed_later = decide(second, "上次会后完成")
    closed_later.item.submit_plan(personas.office, "计划")
    closed_later.item.report_done(personas.office, "完成", photos=[])
    closed_later.item.verify(personas.office)
    decide(other_kind, "别的会议")

    listed = {d.item.description: d.item.state for d in services.earlier_open_decisions(third)}
    assert listed == {
        "仍在办理": RectificationState.OPEN,
        "上次会后完成": RectificationState.CLOSED,
    }
    # The second meeting reviews the first's decisions, both open at the first meeting.
    reviewed = {d.item.description for d in services.earlier_open_decisions(second)}
    assert reviewed == {"早已完成", "仍在办理"}
    # The first meeting has none before it.
    assert list(services.earlier_open_decisions(first)) == []


# Who sees what --------------------------------------------------------------------------------


def test_who_sees_which_meetings(personas):
    inspectors = make_meeting(personas, invite=[personas.inspector_user])
    joint = make_meeting(personas, kind=MeetingKind.JOINT)
    committee_meeting = make_meeting(personas, kind=MeetingKind.COMMITTEE)
    principals = make_meeting(personas, kind=MeetingKind.PRINCIPALS, invite=[personas.principal])
    elsewhere = make_meeting(personas, county=personas.other_county)

    def seen(user, action="view"):
        return set(Meeting.objects.for_user(user, action))

    assert seen(personas.office) == {inspectors, joint, committee_meeting, principals}
    assert seen(personas.committee) == {joint, committee_meeting}
    assert seen(personas.inspector_user) == {inspectors}
    assert seen(personas.principal) == {principals}
    assert seen(personas.other_office) == {elsewhere}
    assert seen(personas.superuser) >= {inspectors, elsewhere}
    for user in (personas.committee, personas.inspector_user, personas.principal):
        assert seen(user, "change") == set()


def test_the_list_puts_upcoming_first_soonest_first(client, personas):
    now = timezone.now()
    later = make_meeting(
        personas,
        invite=[personas.inspector_user],
        title="下月例会",
        starts_at=now + datetime.timedelta(days=30),
    )
    sooner = make_meeting(
        personas,
        invite=[personas.inspector_user],
        title="本周例会",
        starts_at=now + datetime.timedelta(days=2),
    )
    held = past(personas, invite=[personas.inspector_user], title="上月例会")
    client.force_login(personas.inspector_user)
    response = client.get(reverse("meetings:meeting_list"))
    assert response.context["upcoming"] == [sooner, later]
    assert list(response.context["page"]) == [held]
    page = response.content.decode()
    assert page.index("本周例会") < page.index("下月例会") < page.index("上月例会")


# Query counts ---------------------------------------------------------------------------------


def _populate(personas, meetings: int, invitees: int):
    users = [
        factories.UserFactory(county=personas.county, role=Role.INSPECTOR) for _ in range(invitees)
    ]
    owner = services.DecisionOwnerChoice(
        kind=DecisionOwner.DEPARTMENT, department=department(personas)
    )
    made = []
    for n in range(meetings):
        meeting = ongoing(
            personas,
            invite=[personas.inspector_user, *users],
            starts_at=timezone.now() - datetime.timedelta(days=n, minutes=5),
        )
        if n == 0:  # the others are over
            for user in users[:2]:
                services.sign_in(meeting=meeting, user=user)
        _decide(personas, meeting, owner)
        Invitee.objects.create(meeting=meeting, name="王主任", organisation="县财政局")
        made.append(meeting)
    return made


@pytest.mark.parametrize("role", ["office", "inspector_user"])
@pytest.mark.parametrize("size", [(2, 2), (12, 15)])
def test_the_list_query_count_does_not_grow(
    client, personas, role, size, django_assert_max_num_queries
):
    _populate(personas, *size)
    client.force_login(getattr(personas, role))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("meetings:meeting_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [(2, 2), (3, 25)])
def test_the_meeting_page_query_count_does_not_grow(
    client, personas, size, django_assert_max_num_queries
):
    meeting = _populate(personas, *size)[0]
    client.force_login(personas.office)
    with django_assert_max_num_queries(24):
        response = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    assert len(response.context["invitees"]) == size[1] + 2


def test_the_list_rows_show_each_meeting_escaped(client, personas):
    """The rows are written in Python (``meetings_tags.meeting_rows``): what a row says to an
    invitee and to the office, its text escaped."""
    coming = make_meeting(personas, invite=[personas.inspector_user], title="<b>例会</b>")
    coming.place = "<i>会议室</i>"
    coming.save()
    held = past(personas, invite=[personas.inspector_user], title="上月例会")
    client.force_login(personas.inspector_user)
    page = client.get(reverse("meetings:meeting_list")).content.decode()
    row = page[page.index(f'href="{reverse("meetings:meeting_detail", args=[coming.pk])}"') :]
    row = row[: row.index("</li>")]
    assert "&lt;b&gt;例会&lt;/b&gt;" in row and "&lt;i&gt;会议室&lt;/i&gt;" in row
    assert "<b>" not in row and "<i>" not in row
    assert "请回复" in row and "邀请" not in row  # the invitee's own answer; no counts
    starts = timezone.localtime(coming.starts_at)
    assert f"{starts:%Y-%m-%d}" in row

    client.force_login(personas.office)
    page = client.get(reverse("meetings:meeting_list")).content.decode()
    row = page[page.index(f'href="{reverse("meetings:meeting_detail", args=[held.pk])}"') :]
    row = row[: row.index("</li>")]
    assert "邀请 1 人 · 参加 0 · 请假 0 · 到会 0 人" in row
