"""The monthly duty: months as the calendar reads in Asia/Shanghai, holidays, who is still due."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests import factories
from tests.factories_visits import VisitFactory, submitted_visit
from visits.models import Visit, VisitKind, local_month, month_bounds
from visits.services import (
    due_schools,
    inspector_month,
    month_duty,
    today_in_shanghai,
    with_duty_counts,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def visit_at(personas, moment, **kwargs):
    return submitted_visit(
        school=personas.school_b,
        inspector=personas.inspector,
        created_by=personas.inspector_user,
        arrived_at=moment,
        submitted_at=moment,
        **kwargs,
    )


def month_visits(school, year, month) -> int:
    schools = with_duty_counts(type(school).objects.filter(pk=school.pk), year=year, month=month)
    return schools.get().month_visits


def test_month_bounds_are_shanghai_midnights():
    start, following = month_bounds(2026, 12)
    assert start == at(2026, 12, 1) and following == at(2027, 1, 1)
    assert start.astimezone(datetime.UTC) == datetime.datetime(
        2026, 11, 30, 16, tzinfo=datetime.UTC
    )


def test_a_visit_late_on_the_last_evening_counts_for_that_month(personas):
    # 23:30 on 31 October in Shanghai is 15:30 UTC, still October.
    visit_at(personas, at(2026, 10, 31, 23, 30))
    assert local_month(Visit.objects.get().arrived_at) == (2026, 10)
    assert month_visits(personas.school_b, 2026, 10) == 1
    assert month_visits(personas.school_b, 2026, 11) == 0


def test_a_visit_just_after_midnight_counts_for_the_new_month(personas):
    # 00:15 on 1 November in Shanghai is still 31 October in UTC.
    visit_at(personas, at(2026, 11, 1, 0, 15))
    assert month_visits(personas.school_b, 2026, 10) == 0
    assert month_visits(personas.school_b, 2026, 11) == 1


def test_today_is_the_shanghai_date():
    late_utc = datetime.datetime(2026, 10, 31, 16, 30, tzinfo=datetime.UTC)
    assert today_in_shanghai(late_utc) == datetime.date(2026, 11, 1)


def test_due_this_month_around_the_month_end(personas):
    visit_at(personas, at(2026, 10, 31, 23, 30))
    october = datetime.date(2026, 10, 31)
    november = datetime.date(2026, 11, 1)
    _duty, rows = inspector_month(personas.inspector_user, today=october)
    assert [(row.school, row.is_due) for row in rows] == [(personas.school_b, False)]
    _duty, rows = inspector_month(personas.inspector_user, today=november)
    assert rows[0].is_due
    assert rows[0].last_visit_at == at(2026, 10, 31, 23, 30)


def test_drafts_and_theme_visits_do_not_fulfil_the_duty(personas):
    VisitFactory(
        school=personas.school_b,
        inspector=personas.inspector,
        created_by=personas.inspector_user,
        arrived_at=at(2026, 10, 10, 9),
    )
    visit_at(personas, at(2026, 10, 12, 9), kind=VisitKind.SPECIAL)
    visit_at(personas, at(2026, 10, 13, 9), kind=VisitKind.INCIDENT)
    _duty, rows = inspector_month(personas.inspector_user, today=datetime.date(2026, 10, 20))
    assert rows[0].is_due
    assert rows[0].draft is not None  # the page offers to continue it
    # The last visit is shown with its kind, so "due" next to a recent date makes sense.
    assert rows[0].last_visit_at == at(2026, 10, 13, 9)
    assert rows[0].last_visit_kind == VisitKind.INCIDENT.label


def test_county_duty_of_two_visits(personas):
    settings = personas.county.settings
    settings.monthly_visit_duty = 2
    settings.save()
    visit_at(personas, at(2026, 10, 5, 9))
    _duty, rows = inspector_month(personas.inspector_user, today=datetime.date(2026, 10, 20))
    assert rows[0].is_due and rows[0].month_visits == 1
    visit_at(personas, at(2026, 10, 19, 9), kind=VisitKind.UNANNOUNCED)
    _duty, rows = inspector_month(personas.inspector_user, today=datetime.date(2026, 10, 20))
    assert not rows[0].is_due


def test_nothing_is_due_in_holiday_months(personas):
    settings = personas.county.settings
    assert settings.is_holiday_month(8)  # the national default: winter and summer holidays
    duty, rows = inspector_month(personas.inspector_user, today=datetime.date(2026, 8, 15))
    assert duty.is_holiday and duty.visits_required == 0
    assert not rows[0].is_due
    settings.holiday_months = [1, 7]
    settings.save()
    assert month_duty(settings, year=2026, month=8).visits_required == 1
    assert due_schools(personas.county.schools.all(), year=2026, month=7) == []


def test_due_schools_of_the_county(personas):
    visit_at(personas, at(2026, 10, 9, 9))
    rows = due_schools(personas.county.schools.all(), year=2026, month=10)
    assert [row.school for row in rows] == [personas.school_a]
    assert rows[0].school.current_assignments == []
    rows = due_schools(personas.county.schools.all(), year=2026, month=11)
    assert {row.school for row in rows} == {personas.school_a, personas.school_b}


def test_my_schools_page_offers_a_one_tap_start(client, personas):
    client.force_login(personas.inspector_user)
    response = client.get(reverse("visits:my_schools"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("visits:visit_start", args=[personas.school_b.pk]) in html
    assert personas.school_a.name not in html  # not theirs


def test_office_list_shows_the_months_due_schools(client, personas):
    visit_at(personas, at(2026, 10, 9, 9))
    client.force_login(personas.office)
    response = client.get(reverse("visits:visit_list"), {"month": "2026-10", "due": "1"})
    assert [row.school for row in response.context["due_rows"]] == [personas.school_a]
    assert response.context["due_month"] == "2026-10"
    assert [visit.school for visit in response.context["page"].object_list] == [personas.school_b]


def test_other_county_schools_are_never_in_the_due_list(client, personas):
    factories.AssignmentFactory(
        inspector=personas.other_inspector,
        school=factories.SchoolFactory(county=personas.other_county),
    )
    client.force_login(personas.office)
    response = client.get(reverse("visits:visit_list"), {"month": "2026-10", "due": "1"})
    assert {row.school.county_id for row in response.context["due_rows"]} == {personas.county.pk}
