"""Aggregates that add up the wrong way fail here.

The dashboard counts each school's visits in one pass and adds the schools up per township
(``figures.regroup``), so a number could drift from the records it links to: every number is
checked against its list, counted row by row. The duty is worked out by hand for two counties
whose duties differ (a region side by side), a month counting at most the duty, a holiday month
owing nothing, and a closed school's visits counting as visits but not for the duty.
"""

import datetime

import pytest
from django.urls import reverse

from reports import duty
from reports.figures import Scope, compute, duty_by_month
from reports.periods import Period
from reports.records import FIGURES, records
from reports.views import SIDE_BY_SIDE_ROWS
from tests import factories
from tests.factories_reports import OCTOBER, TODAY, at, freeze_clock, october
from tests.factories_visits import submitted_visit
from visits.models import VisitKind

pytestmark = pytest.mark.django_db

# Each linked number of the dashboard and the tally attribute holding it.
NUMBERS = {
    "open": "open_schools",
    "covered": "covered_schools",
    "uncovered": "uncovered_schools",
    "full": "fully_covered",
    "not_visited": "not_visited",
    "visits": "visits",
    "opened": "opened",
    "closed": "closed",
    "unresolved": "unresolved",
    "overdue": "overdue",
    "escalated": "escalated",
    "received": "received",
    "answered_in_time": "answered_in_time",
    "submissions_overdue": "submissions_overdue",
    "meetings": "meetings",
    "notices": "notices",
    "unread": "unread",
}


def test_every_number_is_the_count_of_the_records_it_links_to(personas, monkeypatch):
    freeze_clock(monkeypatch)
    month = october(personas)
    assert set(NUMBERS) == set(FIGURES)
    county = (month.county,)
    scopes = [
        Scope(personas.office, county),
        Scope(personas.committee, county, (month.township_2.pk,)),
        Scope(None, county, (month.township_1.pk,)),
    ]
    periods = [OCTOBER, Period.month(2026, 9), Period.year(2026), Period.month(2026, 8)]
    for scope in scopes:
        for period in periods:
            total = compute(scope, period, today=TODAY).total()
            for figure, attribute in NUMBERS.items():
                listed = records(FIGURES[figure], scope, period, TODAY).count()
                assert getattr(total, attribute) == listed, (figure, scope, period)
            rows = duty.school_duty(scope, period, TODAY)
            assert (total.duty_due, total.duty_done) == (
                sum(row.due for row in rows),
                sum(row.done for row in rows),
            )


def test_each_township_adds_up_to_the_county(personas, monkeypatch):
    freeze_clock(monkeypatch)
    month = october(personas)
    cells = compute(Scope(personas.office, (month.county,)), OCTOBER, today=TODAY)
    for key, tally in cells.by_township().items():
        if key is None:
            continue
        alone = compute(
            Scope(personas.office, (month.county,), (key,)), OCTOBER, today=TODAY
        ).total()
        for attribute in NUMBERS.values():
            if attribute not in ("meetings", "notices", "unread"):  # the county's, no township
                assert getattr(tally, attribute) == getattr(alone, attribute), attribute
        assert (tally.duty_due, tally.duty_done) == (alone.duty_due, alone.duty_done)


def two_counties(personas):
    """湟中县 owes 2 visits a school a month; 金坛区 owes 1 and has no school in September.

    湟中县: A visited once in September and three times in October (done 1 + 2), B twice in
    September and only for a theme in October (done 2 + 0), D closed (its October visit is a
    visit, not duty); 金坛区: C visited in September, a holiday there (done 0), E twice in
    October (done 1).
    """
    near, far = personas.county, personas.other_county
    far.region = near.region
    far.save()
    near.settings.monthly_visit_duty = 2
    near.settings.holiday_months = [2, 8]
    near.settings.save()
    far.settings.monthly_visit_duty = 1
    far.settings.holiday_months = [8, 9]
    far.settings.save()
    school_a, school_b = personas.school_a, personas.school_b
    school_d = factories.SchoolFactory(county=near, township=school_a.township, is_active=False)
    school_c = personas.other_school
    school_e = factories.SchoolFactory(county=far, township=school_c.township)

    def visits(school, inspector, *days, kind=VisitKind.ROUTINE):
        for day in days:
            submitted_visit(
                school=school,
                inspector=inspector,
                created_by=personas.office,
                kind=kind,
                arrived_at=at(day),
                departed_at=at(day, 12),
                submitted_at=at(day, 16),
            )

    mine, theirs = personas.inspector, personas.other_inspector
    visits(school_a, mine, "2026-09-10", "2026-10-09", "2026-10-16", "2026-10-23")
    visits(school_b, mine, "2026-09-11", "2026-09-25")
    visits(school_b, mine, "2026-10-12", kind=VisitKind.SPECIAL)
    visits(school_d, mine, "2026-10-14")
    visits(school_c, theirs, "2026-09-15")
    visits(school_e, theirs, "2026-10-13", "2026-10-20")
    return near, far


def test_each_month_counts_up_to_its_county_duty(personas, monkeypatch):
    freeze_clock(monkeypatch)
    near, far = two_counties(personas)
    autumn = Period.date_range(datetime.date(2026, 9, 1), datetime.date(2026, 10, 31))
    by_county = compute(Scope(None, (near, far)), autumn, today=TODAY).by_county()
    found = {
        county: (t.open_schools, t.duty_due, t.duty_done, t.visits, t.not_visited)
        for county, t in by_county.items()
    }
    assert found == {near.pk: (2, 8, 5, 8, 0), far.pk: (2, 2, 1, 3, 0)}

    months = duty_by_month(Scope(None, (near, far)), [(2026, 9), (2026, 10)])
    assert [(row.due, row.done, row.visits) for row in months] == [(4, 3, 4), (6, 3, 7)]
    months = duty_by_month(Scope(None, (near,)), [(2026, 9), (2026, 10)])
    assert [(row.due, row.done, row.visits) for row in months] == [(4, 3, 3), (4, 2, 5)]

    schools = {
        row.school.pk: (row.due, row.done, row.duty_visits, row.visits)
        for row in duty.school_duty(Scope(None, (near,)), autumn, TODAY)
    }
    assert schools == {personas.school_a.pk: (4, 3, 4, 4), personas.school_b.pk: (4, 2, 2, 3)}


def test_the_region_and_the_duty_list_show_the_same_duty(client, personas, monkeypatch):
    freeze_clock(monkeypatch)
    near, far = two_counties(personas)
    client.force_login(personas.region)
    page = client.get(reverse("reports:region"), {"period": "month", "month": "2026-10"})
    table = page.context["side_by_side"]
    attributes = [attribute for _figure, _label, attribute in SIDE_BY_SIDE_ROWS]

    def row(attribute):
        return [value for value, _url in table["rows"][attributes.index(attribute)][1]]

    assert table["headings"][:2] == [far.name, near.name]  # by county code
    assert (row("duty_done"), row("duty_due")) == ([1, 2, 3], [2, 4, 6])
    assert (row("open_schools"), row("visits")) == ([2, 2, 4], [2, 5, 7])

    client.force_login(personas.office)
    listed = client.get(
        reverse("reports:records"), {"figure": "duty", "period": "month", "month": "2026-10"}
    )
    assert (listed.context["done"], listed.context["due"]) == (2, 4)
    # Behind first: B (no duty visit in October) before A.
    assert [row.school for row in listed.context["page"]] == [personas.school_b, personas.school_a]
