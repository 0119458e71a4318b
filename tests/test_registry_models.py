"""Registry rules on the models: database constraints and the checks in clean()."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from inspectors.models import Assignment, InspectorKind, InspectorStatus
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 9, 1)


def clean_errors(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_assignment_cannot_end_before_it_starts():
    assignment = factories.AssignmentFactory()
    assignment.ended_on = START - datetime.timedelta(days=1)
    with translation.override("zh-hans"):
        assert clean_errors(assignment)["ended_on"] == ["结束日期不能早于开始日期。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        assignment.save()


def test_one_active_assignment_per_pair_in_the_database():
    assignment = factories.AssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            inspector=assignment.inspector, school=assignment.school, started_on=START
        )


def test_duplicate_active_pair_is_a_clear_error_not_an_integrity_error():
    assignment = factories.AssignmentFactory()
    again = Assignment(inspector=assignment.inspector, school=assignment.school, started_on=START)
    with translation.override("zh-hans"):
        message = clean_errors(again)["inspector"][0]
    assert "已经负责" in message and assignment.school.name in message


def test_a_pair_may_be_assigned_again_after_the_old_assignment_ended():
    assignment = factories.AssignmentFactory()
    assignment.ended_on = datetime.date(2025, 7, 1)
    assignment.save()
    again = Assignment(
        inspector=assignment.inspector,
        school=assignment.school,
        started_on=datetime.date(2026, 1, 1),
    )
    again.full_clean()
    again.save()
    assert assignment.school.assignments.count() == 2


def test_recusal_inspector_is_not_assigned_to_their_own_school():
    school = factories.SchoolFactory()
    inspector = factories.InspectorFactory(county=school.county, employer_school=school)
    with translation.override("zh-hans"):
        errors = clean_errors(Assignment(inspector=inspector, school=school, started_on=START))
    assert "回避" in errors["school"][0]


def test_special_appointed_inspectors_are_not_assigned_to_schools():
    school = factories.SchoolFactory()
    inspector = factories.InspectorFactory(county=school.county, kind=InspectorKind.SPECIAL)
    with translation.override("zh-hans"):
        errors = clean_errors(Assignment(inspector=inspector, school=school, started_on=START))
    assert "特聘督学" in errors["inspector"][0]


def test_assignment_stays_inside_one_county():
    school = factories.SchoolFactory()
    inspector = factories.InspectorFactory()  # another county
    errors = clean_errors(Assignment(inspector=inspector, school=school, started_on=START))
    assert "school" in errors


def test_inspectors_who_left_and_closed_schools_take_no_new_assignment():
    school = factories.SchoolFactory()
    gone = factories.InspectorFactory(county=school.county, status=InspectorStatus.LEFT)
    assert "inspector" in clean_errors(Assignment(inspector=gone, school=school, started_on=START))
    closed = factories.SchoolFactory(county=school.county, is_active=False)
    active = factories.InspectorFactory(county=school.county)
    assert "school" in clean_errors(Assignment(inspector=active, school=closed, started_on=START))


def test_school_code_is_unique_and_ten_digits():
    school = factories.SchoolFactory(code="2163000001")
    twin = factories.SchoolFactory.build(
        county=school.county, township=school.township, code="2163000001", name="另一所学校"
    )
    with translation.override("zh-hans"):
        assert "code" in clean_errors(twin)
    for bad in ("216300001", "21630000011", "21630000ab"):
        twin.code = bad
        assert "code" in clean_errors(twin), bad
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SchoolFactory(county=school.county, code="2163000001")


def test_central_school_rules():
    central = factories.SchoolFactory(is_central=True)
    village = factories.SchoolFactory(county=central.county, township=central.township)
    village.central_school = central
    village.full_clean()
    not_central = factories.SchoolFactory(county=central.county, township=central.township)
    village.central_school = not_central
    assert "central_school" in clean_errors(village)
    central.central_school = central
    assert "central_school" in clean_errors(central)


def test_school_township_must_belong_to_its_county():
    school = factories.SchoolFactory()
    school.township = factories.TownshipFactory()  # another county
    assert "township" in clean_errors(school)


def test_rotation_cutoff_and_term_warning_follow_the_county_settings():
    settings = factories.CountyFactory().settings
    settings.rotation_years = 3
    settings.term_warning_days = 60
    assert settings.rotation_cutoff(datetime.date(2027, 9, 1)) == datetime.date(2024, 9, 1)
    assert settings.rotation_cutoff(datetime.date(2028, 2, 29)) == datetime.date(2025, 2, 28)
    assert settings.term_warning_date(datetime.date(2027, 7, 1)) == datetime.date(2027, 8, 30)
