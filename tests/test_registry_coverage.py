"""Coverage rules (全覆盖): the querysets, the report, and the page that lists the fixes."""

import datetime

import pytest
from django.urls import reverse

from inspectors.models import Assignment, Inspector, InspectorStatus
from schools.models import School
from schools.services import coverage_report
from tests import factories
from tests.factories_plaques import posted

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def county():
    return factories.CountyFactory(code="630199", name="覆盖县")


def assign(inspector, school, started_on=datetime.date(2025, 9, 1), **kwargs):
    return factories.AssignmentFactory(
        inspector=inspector, school=school, started_on=started_on, **kwargs
    )


def test_uncovered_schools_ignore_ended_assignments_and_inactive_inspectors(county):
    covered, ended, suspended, bare = factories.SchoolFactory.create_batch(4, county=county)
    closed = factories.SchoolFactory(county=county, is_active=False)
    inspector = factories.InspectorFactory(county=county)
    assign(inspector, covered)
    assign(inspector, ended, ended_on=datetime.date(2026, 1, 1))
    assign(factories.InspectorFactory(county=county, status=InspectorStatus.SUSPENDED), suspended)
    schools = School.objects.filter(county=county)
    assert set(schools.uncovered()) == {ended, suspended, bare}
    assert set(schools.covered()) == {covered}
    assert closed not in schools.uncovered()


def test_central_schools_under_the_minimum(county):
    full = factories.SchoolFactory(county=county, is_central=True)
    short = factories.SchoolFactory(county=county, is_central=True)
    village = factories.SchoolFactory(county=county)
    first, second = factories.InspectorFactory.create_batch(2, county=county)
    assign(first, full)
    assign(second, full)
    assign(first, short)
    under = School.objects.filter(county=county).central_under_minimum(2)
    assert list(under) == [short]
    assert under[0].active_inspector_count == 1
    assert village not in under


def test_inspectors_over_the_load(county):
    busy = factories.InspectorFactory(county=county)
    calm = factories.InspectorFactory(county=county)
    for school in factories.SchoolFactory.create_batch(6, county=county):
        assign(busy, school)
    assign(calm, School.objects.filter(county=county).first())
    over = Inspector.objects.filter(county=county).over_load(5)
    assert list(over) == [busy]
    assert over[0].load == 6


def test_terms_ending_within_the_warning(county):
    soon = factories.InspectorFactory(county=county, term_ends_on=TODAY + datetime.timedelta(30))
    ended = factories.InspectorFactory(county=county, term_ends_on=TODAY - datetime.timedelta(1))
    factories.InspectorFactory(county=county, term_ends_on=TODAY + datetime.timedelta(200))
    factories.InspectorFactory(county=county, term_ends_on=None)
    factories.InspectorFactory(
        county=county, term_ends_on=TODAY, status=InspectorStatus.LEFT
    )  # gone already: nothing to warn about
    by = county.settings.term_warning_date(TODAY)
    assert set(Inspector.objects.filter(county=county).term_ending(by)) == {soon, ended}


def test_assignments_due_for_rotation(county):
    inspector = factories.InspectorFactory(county=county)
    old = assign(inspector, factories.SchoolFactory(county=county), datetime.date(2022, 9, 1))
    assign(inspector, factories.SchoolFactory(county=county), datetime.date(2024, 9, 1))
    assign(
        inspector,
        factories.SchoolFactory(county=county),
        datetime.date(2020, 9, 1),
        ended_on=datetime.date(2023, 9, 1),
    )
    cutoff = county.settings.rotation_cutoff(TODAY)
    assert list(Assignment.objects.due_for_rotation(cutoff)) == [old]


def test_report_and_full_coverage(county):
    office = factories.UserFactory(county=county, username="cover-office")
    central = factories.SchoolFactory(county=county, is_central=True)
    village = factories.SchoolFactory(county=county)
    first, second = factories.InspectorFactory.create_batch(2, county=county)
    assign(first, central)
    report = coverage_report(user=office, county=county, today=TODAY)
    assert report.uncovered.rows == [village]
    assert report.central_under_minimum.rows == [central]
    assert not report.is_full
    assert (report.open_schools, report.covered_schools) == (2, 1)

    assign(second, central)
    assign(second, village)
    report = coverage_report(user=office, county=county, today=TODAY)
    # Every school has its inspectors; full coverage also needs the plaques at the gates.
    assert not report.uncovered and not report.central_under_minimum and not report.is_full
    posted(central, office)
    posted(village, office)
    report = coverage_report(user=office, county=county, today=TODAY)
    assert report.is_full


def test_a_restricted_inspector_still_sees_true_counts(county):
    """Scoping joins an inspector's own assignments; the counts must not be cut down to them."""
    county.settings.inspectors_see_county = False
    county.settings.save()
    school = factories.SchoolFactory(county=county, is_central=True)
    mine, colleague = factories.InspectorFactory.create_batch(2, county=county)
    assign(mine, school)
    assign(colleague, school)
    user = factories.UserFactory(
        county=county, role="inspector", inspector=mine, username="restricted"
    )
    [seen] = School.objects.for_user(user).with_active_inspector_count()
    assert seen.active_inspector_count == 2


def test_coverage_page_lists_each_problem_with_its_fix(client, personas):
    county = personas.county
    central = factories.SchoolFactory(county=county, is_central=True, name="多巴镇中心学校")
    veteran = factories.InspectorFactory(county=county, name="老督学")
    old = assign(veteran, central, datetime.date(2019, 9, 1))
    client.force_login(personas.office)
    response = client.get(reverse("schools:coverage"))
    page = response.content.decode()
    assert "尚未实现全覆盖" in page
    # school_a has no inspector: assign one
    assert f"{reverse('inspectors:assignment_create')}?school={personas.school_a.pk}" in page
    # the central school has one of two: assign another
    assert f"{reverse('inspectors:assignment_create')}?school={central.pk}" in page
    # the old assignment: rotate it
    assert f"{reverse('inspectors:assignment_end', args=[old.pk])}?rotate=1" in page


def test_coverage_page_reports_full_coverage(client, personas):
    factories.AssignmentFactory(inspector=personas.inspector, school=personas.school_a)
    posted(personas.school_a, personas.office)
    posted(personas.school_b, personas.office)
    client.force_login(personas.committee)
    response = client.get(reverse("schools:coverage"))
    page = response.content.decode()
    assert "已实现全覆盖" in page
    # the committee reads; the fixes are the office's
    assert reverse("inspectors:assignment_create") not in page


def test_coverage_lists_are_capped_with_a_link_to_show_all(
    client, personas, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("schools.views.COVERAGE_ROWS", 3)
    township = personas.school_a.township
    factories.SchoolFactory.create_batch(5, county=personas.county, township=township)
    client.force_login(personas.office)
    url = reverse("schools:coverage")
    with django_assert_max_num_queries(30) as few:
        response = client.get(url)
    report = response.context["report"]
    # school_a and the five new schools have no inspector: three shown, six counted
    assert (len(report.uncovered.rows), report.uncovered.total) == (3, 6)
    assert report.covered_schools == 1
    page = response.content.decode()
    assert "显示 3 / 6 条" in page and 'href="?all=1#uncovered"' in page
    assert not report.due_for_rotation.is_capped

    factories.SchoolFactory.create_batch(20, county=personas.county, township=township)
    with django_assert_max_num_queries(len(few)):
        client.get(url)
    everything = client.get(url, {"all": "1"}).context["report"]
    assert len(everything.uncovered.rows) == everything.uncovered.total == 26
    assert 'href="?all=1' not in client.get(url, {"all": "1"}).content.decode()
