"""Importing assignments of responsible inspectors to schools."""

import datetime

import pytest

from inspectors.models import Assignment, InspectorKind, InspectorStatus
from tests import factories
from tests.import_workbooks import assignment_row, problems, run_import

pytestmark = pytest.mark.django_db

A, B, C = "2163019901", "2163019902", "2163019903"
LI, WANG, ZHAO = "13800002001", "13800002002", "13800002003"


@pytest.fixture
def county():
    county = factories.CountyFactory(code="630122", name="湟中县")
    township = factories.TownshipFactory(county=county, name="鲁沙尔镇")
    for code, name in [(A, "甲小学"), (B, "乙小学"), (C, "丙小学")]:
        factories.SchoolFactory(county=county, township=township, code=code, name=name)
    factories.InspectorFactory(county=county, phone="138-0000-2001", name="李督学")
    factories.InspectorFactory(
        county=county, phone=WANG, name="王督学", employer_school=county.schools.get(code=C)
    )
    factories.InspectorFactory(county=county, phone=ZHAO, name="赵特聘", kind=InspectorKind.SPECIAL)
    return county


def test_good_file_and_idempotent_reimport(county):
    rows = [
        assignment_row(LI, A),
        assignment_row(LI, B, 开始日期="2021-09-01", 结束日期="2024-08-31"),
        assignment_row(WANG, A),
    ]
    result = run_import("assignments", county, rows)
    assert not result.errors, problems(result)
    assert result.created == 3
    assert Assignment.objects.current().count() == 2
    assert Assignment.objects.get(school__code=B).ended_on == datetime.date(2024, 8, 31)
    before = list(Assignment.objects.order_by("pk").values())
    again = run_import("assignments", county, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Assignment.objects.order_by("pk").values()) == before


def test_a_current_pair_is_matched_whatever_its_start_and_can_be_ended(county):
    run_import("assignments", county, [assignment_row(LI, A)])
    moved = run_import("assignments", county, [assignment_row(LI, A, 开始日期="2024-03-01")])
    assert moved.updates[0].changed == ["开始日期"]
    ended = run_import(
        "assignments",
        county,
        [assignment_row(LI, A, 开始日期="2024-03-01", 结束日期="2025-07-31")],
    )
    assert ended.updates[0].changed == ["结束日期"]
    assignment = Assignment.objects.get()
    assert (assignment.started_on, assignment.ended_on) == (
        datetime.date(2024, 3, 1),
        datetime.date(2025, 7, 31),
    )


def test_every_kind_of_bad_row(county):
    other = factories.CountyFactory(code="320482")
    factories.SchoolFactory(county=other, code="3204820001")
    rows = [
        assignment_row("13800009999", A),  # 2: unknown inspector
        assignment_row(LI, "2163099999"),  # 3: unknown school
        assignment_row(LI, "3204820001"),  # 4: another county's school
        assignment_row(ZHAO, A),  # 5: special-appointed
        assignment_row(WANG, C),  # 6: recusal
        assignment_row(LI, B, 开始日期="2024-09-01", 结束日期="2024-08-31"),  # 7
        assignment_row(LI, A, 开始日期="2024-09-01"),  # 8
        assignment_row(LI, A, 开始日期="2024-09-01", 结束日期="2025-01-31"),  # 9: same start
        assignment_row(LI, A, 开始日期="2023-09-01"),  # 10: second current pair
        assignment_row(LI, C, 开始日期="九月"),  # 11
        assignment_row("", "", 开始日期="", 结束日期="2025-01-01"),  # 12: only an end date
    ]
    result = run_import("assignments", county, rows)
    found = {(row, column): message for row, column, message in problems(result)}
    assert found == {
        (2, "督学手机号"): "No inspector with this mobile number is registered in the county.",
        (3, "学校标识码"): "No school with this code is registered in the county.",
        (4, "学校标识码"): "No school with this code is registered in the county.",
        (5, "督学手机号"): "赵特聘 is a special-appointed inspector (特聘督学): they cover themes "
        "county-wide and are not assigned to schools.",
        (6, "学校标识码"): "Recusal: 王督学 works at this school and cannot be assigned to it.",
        (7, "结束日期"): "The end date cannot be before the start date.",
        (9, "学校标识码"): "The same assignment is already on row 8.",
        (10, "学校标识码"): "Row 8 already gives this inspector a current assignment to this "
        "school; a pair has one current assignment.",
        (11, "开始日期"): "Not a date: write it as 2024-09-01.",
        (12, "督学手机号"): "Required: this cell is empty.",
        (12, "学校标识码"): "Required: this cell is empty.",
        (12, "开始日期"): "Required: this cell is empty.",
    }
    assert not Assignment.objects.exists()


def test_reopening_an_old_assignment_while_another_is_current(county):
    run_import(
        "assignments",
        county,
        [
            assignment_row(LI, A, 开始日期="2020-09-01", 结束日期="2023-08-31"),
            assignment_row(LI, A, 开始日期="2023-09-01"),
        ],
    )
    result = run_import("assignments", county, [assignment_row(LI, A, 开始日期="2020-09-01")])
    assert problems(result) == [
        (
            2,
            "开始日期",
            "This inspector is already currently assigned to this school since 2023-09-01; give "
            "that start date, or end the current assignment first.",
        )
    ]


def test_new_assignments_need_an_active_inspector_and_an_open_school(county):
    run_import("assignments", county, [assignment_row(LI, A)])
    county.inspectors.filter(phone="138-0000-2001").update(status=InspectorStatus.LEFT)
    county.schools.filter(code=B).update(is_active=False)
    rows = [
        assignment_row(LI, A),  # 2: already registered: unchanged, not refused
        assignment_row(LI, C),  # 3: the inspector has left
        assignment_row(WANG, B),  # 4: the school is closed
    ]
    result = run_import("assignments", county, rows)
    assert problems(result) == [
        (3, "督学手机号", "李督学 is not active (Left) and cannot take on a school."),
        (4, "学校标识码", "乙小学 is closed and cannot be assigned."),
    ]
    assert Assignment.objects.count() == 1
