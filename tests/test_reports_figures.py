"""The report numbers against a county month worked out by hand (tests/factories_reports.py)."""

import pytest

from reports import duty
from reports.figures import Scope, by_matter, compute, duty_by_month
from tests.factories_reports import OCTOBER, TODAY, freeze_clock, october

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(personas, monkeypatch):
    freeze_clock(monkeypatch)  # the figures are worked out for TODAY
    return october(personas)


def test_county_figures_for_october(personas, month):
    scope = Scope(user=personas.office, counties=(month.county,))
    total = compute(scope, OCTOBER, today=TODAY).total()
    assert (total.open_schools, total.covered_schools, total.uncovered_schools) == (3, 2, 1)
    assert total.fully_covered == 1
    assert (total.visits, total.duty_due, total.duty_done, total.not_visited) == (4, 3, 2, 1)
    assert total.duty_rate == pytest.approx(2 / 3)
    assert (total.opened, total.closed, total.unresolved, total.overdue, total.escalated) == (
        3,
        1,
        2,
        1,
        1,
    )
    assert total.median_days == 10
    assert (total.meetings, total.invited, total.present, total.absent) == (1, 3, 2, 1)
    assert total.attendance_rate == pytest.approx(2 / 3)
    assert (total.notices, total.unread) == (1, 1)
    assert (total.received, total.answered_in_time, total.submissions_overdue) == (3, 1, 2)


def test_figures_by_township_add_up(personas, month):
    scope = Scope(user=personas.office, counties=(month.county,))
    towns = compute(scope, OCTOBER, today=TODAY).by_township()
    first, second = towns[month.township_1.pk], towns[month.township_2.pk]
    assert (first.open_schools, first.covered_schools, first.visits) == (2, 1, 3)
    assert (first.fully_covered, second.fully_covered) == (1, 0)
    assert (first.duty_due, first.duty_done, first.not_visited) == (2, 2, 0)
    assert (first.opened, first.closed, first.unresolved, first.overdue) == (2, 1, 1, 1)
    assert (second.open_schools, second.covered_schools, second.visits) == (1, 1, 1)
    assert (second.duty_due, second.duty_done, second.not_visited) == (1, 0, 1)
    assert (second.opened, second.unresolved, second.escalated) == (1, 1, 1)
    assert (first.received, first.answered_in_time, first.submissions_overdue) == (2, 1, 1)
    assert (second.received, second.answered_in_time, second.submissions_overdue) == (1, 0, 1)
    # Meetings belong to the county, not to a township.
    assert towns[None].meetings == 1


def test_a_township_filter_counts_only_its_schools(personas, month):
    scope = Scope(
        user=personas.office, counties=(month.county,), township_ids=(month.township_2.pk,)
    )
    total = compute(scope, OCTOBER, today=TODAY).total()
    assert (total.open_schools, total.visits, total.opened, total.meetings) == (1, 1, 1, 0)


def test_the_committee_counts_the_same_visits_and_items(personas, month):
    office = compute(Scope(personas.office, (month.county,)), OCTOBER, today=TODAY).total()
    committee = compute(Scope(personas.committee, (month.county,)), OCTOBER, today=TODAY).total()
    assert (committee.visits, committee.opened, committee.duty_done) == (
        office.visits,
        office.opened,
        office.duty_done,
    )


def test_items_by_matter(personas, month):
    rows = by_matter(Scope(personas.office, (month.county,)), OCTOBER, today=TODAY)
    found = {row.number: (row.opened, row.closed, row.unresolved, row.overdue) for row in rows}
    assert found == {6: (2, 1, 1, 0), 7: (1, 0, 1, 1)}


def test_duty_month_by_month(personas, month):
    rows = duty_by_month(
        Scope(personas.office, (month.county,)), [(2026, 8), (2026, 9), (2026, 10)]
    )
    # August is a holiday month: nothing due; September: C's visit on the 30th.
    assert [(row.key, row.due, row.done, row.visits) for row in rows] == [
        ("2026-08", 0, 0, 0),
        ("2026-09", 3, 1, 1),
        ("2026-10", 3, 2, 4),
    ]


def test_schools_and_inspectors_against_the_duty(personas, month):
    schools = {
        row.school.name: (row.due, row.done, row.duty_visits, row.visits)
        for row in duty.school_duty(Scope(None, (month.county,)), OCTOBER, TODAY)
    }
    assert schools == {
        "鲁沙尔镇中心学校": (1, 1, 1, 1),
        "鲁沙尔镇第二小学": (1, 1, 2, 2),
        "多巴镇中心学校": (1, 0, 0, 1),
    }
    inspectors = {
        row.inspector.name: (row.schools, row.due, row.done, row.led, row.co_visits, row.on_time)
        for row in duty.inspector_duty(month.county, OCTOBER, TODAY)
    }
    # 李 covers B (visited twice, counted once); 王 covers C (only a special visit) and joined
    # the visit to A, which is not his school.
    assert inspectors == {"李督学": (1, 1, 1, 3, 0, 3), "王督学": (1, 1, 0, 1, 1, 1)}
