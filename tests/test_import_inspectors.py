"""Importing inspectors, keyed on their mobile number within the county."""

import datetime

import pytest

from inspectors.models import Inspector, InspectorKind
from tests import factories
from tests.import_workbooks import inspector_row, problems, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    county = factories.CountyFactory(code="630122", name="湟中县")
    township = factories.TownshipFactory(county=county, name="鲁沙尔镇")
    factories.SchoolFactory(county=county, township=township, code="2163019901", name="甲小学")
    factories.ZoneFactory(county=county, name="第一责任区")
    return county


def good_rows():
    return [
        inspector_row("13800002001", 任职学校标识码="2163019901", 责任区="第一责任区"),
        inspector_row("13800002002", 督学类别="专职督学", 聘任日期="2023/9/1"),
        inspector_row(
            "13800002003",
            姓名="赵特聘",
            督学类别="特聘督学",
            工作单位="县公安局",
            专项督导事项="6、食堂、食品、饮用水及卫生",
        ),
    ]


def test_good_file_creates_every_inspector(county):
    result = run_import("inspectors", county, good_rows())
    assert not result.errors, problems(result)
    assert result.created == 3
    first = Inspector.objects.get(phone="13800002001")
    assert first.kind == InspectorKind.PART_TIME
    assert first.employer_school.code == "2163019901"
    assert first.zone.name == "第一责任区"
    assert first.term_ends_on == datetime.date(2027, 8, 31)
    assert Inspector.objects.get(phone="13800002002").appointed_on == datetime.date(2023, 9, 1)
    special = Inspector.objects.get(phone="13800002003")
    assert special.kind == InspectorKind.SPECIAL
    assert sorted(special.themes.values_list("number", flat=True)) == [6, 7]


def test_reimport_changes_nothing_and_matches_registered_phones_by_digits(county):
    factories.InspectorFactory(county=county, phone="138-0000-2002", name="督学2002")
    run_import("inspectors", county, good_rows())
    before = list(Inspector.objects.order_by("pk").values())
    result = run_import("inspectors", county, good_rows())
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(Inspector.objects.order_by("pk").values()) == before
    assert Inspector.objects.count() == 3


def test_changes_update_the_inspector_and_their_themes(county):
    run_import("inspectors", county, good_rows())
    rows = good_rows()
    rows[0]["职务"] = "校长"
    rows[2]["专项督导事项"] = "6"
    result = run_import("inspectors", county, rows)
    assert [step.changed for step in result.updates] == [["职务"], ["专项督导事项"]]
    assert Inspector.objects.get(phone="13800002001").post == "校长"
    special = Inspector.objects.get(phone="13800002003")
    assert list(special.themes.values_list("number", flat=True)) == [6]


def test_full_width_phone_and_spaced_name(county):
    row = inspector_row(
        "１３８ ００００ ２００１", 姓名="王\u3000芳", 聘任日期="２０２４年９月１日"
    )
    result = run_import("inspectors", county, [row])
    assert not result.errors, problems(result)
    inspector = Inspector.objects.get()
    assert (inspector.name, inspector.phone) == ("王芳", "13800002001")
    assert inspector.appointed_on == datetime.date(2024, 9, 1)


def test_every_kind_of_bad_row(county):
    rows = [
        inspector_row("", 姓名="无电话"),  # 2
        inspector_row("1380000200"),  # 3: ten digits
        inspector_row("13800002004"),  # 4
        inspector_row("13800002004"),  # 5: duplicate phone
        inspector_row("13800002006", 督学类别="督学"),  # 6
        inspector_row("13800002007", 聘任日期="明年", 任期截止="2027-02-30"),  # 7
        inspector_row("13800002008", 聘任日期="2024-09-01", 任期截止="2023-08-31"),  # 8
        inspector_row("13800002009", 任职学校标识码="2163099999"),  # 9
        inspector_row("13800002010", 专项督导事项="6"),  # 10: themes for a responsible one
        inspector_row("13800002011", 督学类别="特聘督学", 专项督导事项="6、99、交通"),  # 11
        inspector_row("13800002012", 责任区="第九责任区"),  # 12
    ]
    result = run_import("inspectors", county, rows)
    found = {(row, column): message for row, column, message in problems(result)}
    assert found == {
        (2, "手机号"): "Required: this cell is empty.",
        (3, "手机号"): "Not a mobile number: 11 digits starting with 1, e.g. 13800000001.",
        (5, "手机号"): "The same mobile number is already on row 4.",
        (6, "督学类别"): "Not an allowed value. Allowed: 特聘督学、专职责任督学、兼职责任督学.",
        (7, "聘任日期"): "Not a date: write it as 2024-09-01.",
        (7, "任期截止"): "Not a date: write it as 2024-09-01.",
        (8, "任期截止"): "The term cannot end before the appointment date.",
        (9, "任职学校标识码"): "No school with this code is registered in the county.",
        (
            10,
            "专项督导事项",
        ): "Only special-appointed inspectors (特聘督学) cover supervision matters.",
        (11, "专项督导事项"): found[(11, "专项督导事项")],
        (12, "责任区"): "Unknown responsibility zone “第九责任区”. Registered: 第一责任区.",
    }
    assert found[(11, "专项督导事项")].startswith("Unknown supervision matter 99、交通.")
    assert not Inspector.objects.exists()


def test_assigned_inspector_cannot_become_special_or_work_at_their_school(county):
    school = county.schools.get(code="2163019901")
    inspector = factories.InspectorFactory(county=county, phone="13800002001")
    factories.AssignmentFactory(inspector=inspector, school=school)
    rows = [inspector_row("13800002001", 督学类别="特聘督学", 任职学校标识码="2163019901")]
    result = run_import("inspectors", county, rows)
    assert [(column, message.split(":")[0]) for _row, column, message in problems(result)] == [
        (
            "督学类别",
            "This inspector is currently assigned to 1 schools, but special-appointed "
            "inspectors are not assigned to schools. End those assignments first.",
        ),
        ("任职学校标识码", "Recusal"),
    ]


def test_inspectors_of_another_county_are_never_touched(county):
    other = factories.CountyFactory(code="320482")
    stranger = factories.InspectorFactory(county=other, phone="13800002001", name="周督学")
    result = run_import("inspectors", county, [inspector_row("13800002001")])
    assert result.created == 1
    stranger.refresh_from_db()
    assert stranger.name == "周督学"


def test_inspector_logins_with_one_time_passwords(county):
    result = run_import("inspectors", county, good_rows(), create_logins=True)
    assert sorted(user.username for user, _password in result.logins) == [
        "i13800002001",
        "i13800002002",
        "i13800002003",
    ]
    assert all(user.inspector and user.must_change_password for user, _ in result.logins)
    assert run_import("inspectors", county, good_rows(), create_logins=True).logins == []


def test_themes_by_name_even_with_the_separator_inside_or_as_listed(county):
    row = inspector_row(督学类别="特聘督学", 专项督导事项="招生、收费、择校；6. 校园及周边安全，８")
    result = run_import("inspectors", county, [row])
    assert not result.errors, problems(result)
    assert sorted(Inspector.objects.get().themes.values_list("number", flat=True)) == [2, 6, 8]
