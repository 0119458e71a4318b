"""Importing schools: a good file, every kind of bad row, and re-importing."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from schools.models import PrincipalTenure, School, SchoolKind
from tests import factories
from tests.import_workbooks import problems, run_import, school_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    county = factories.CountyFactory(code="630122", name="湟中县")
    factories.TownshipFactory(county=county, name="鲁沙尔镇")
    factories.TownshipFactory(county=county, name="多巴镇")
    factories.ZoneFactory(county=county, name="第一责任区")
    return county


def good_rows():
    return [
        school_row(
            "2163019901",
            学校名称="示例镇中心学校",
            学校类型="九年一贯制",
            是否中心校="是",
            是否寄宿制="是",
            校长="王校长",
            纬度="36.5012",
            经度="101.5713",
            责任区="第一责任区",
        ),
        school_row("2163019902", 学校名称="示例村小学", 所属中心校="2163019901"),
        school_row(
            "2163019903",
            学校名称="示例教学点",
            学校类型="教学点",
            乡镇="多巴镇",
            所属中心校="示例镇中心学校",
            **{"公办/民办": "民办", "乡镇/街道": "多巴镇"},
        ),
    ]


def test_good_file_creates_every_school(county):
    result = run_import("schools", county, good_rows())
    assert not result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    central = School.objects.get(code="2163019901")
    assert central.kind == SchoolKind.NINE_YEAR
    assert central.is_central and central.is_boarding
    assert central.zone.name == "第一责任区"
    assert central.latitude == Decimal("36.501200")
    assert central.principal_name == "王校长"
    village = School.objects.get(code="2163019902")
    assert village.central_school == central
    assert village.students == 320 and village.phone == "0971-2220001"
    point = School.objects.get(code="2163019903")
    assert point.central_school == central
    assert point.township.name == "多巴镇"
    assert point.is_public is False
    assert PrincipalTenure.objects.get(school=central, ended_on=None).name == "王校长"


def test_reimporting_the_same_file_changes_nothing(county):
    run_import("schools", county, good_rows())
    before = list(School.objects.order_by("code").values())
    result = run_import("schools", county, good_rows())
    assert not result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(School.objects.order_by("code").values()) == before
    assert PrincipalTenure.objects.count() == 1


def test_changed_cells_update_and_name_the_columns(county):
    run_import("schools", county, good_rows())
    rows = good_rows()
    rows[1]["学生数"] = 410
    rows[1]["所属中心校"] = ""
    result = run_import("schools", county, rows)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert result.updates[0].changed == ["学生数", "所属中心校"]
    village = School.objects.get(code="2163019902")
    assert village.students == 410 and village.central_school is None


def test_full_width_digits_and_stray_spaces_are_normalised(county):
    row = school_row(
        "２１６３０１９９０１",
        学校名称="\u3000示例 小学 ",
        学生数="３２０",
        联系电话=" ０９７１－２２２０００１ ",
        **{"乡镇/街道": " 鲁沙尔镇\u3000", "学校类型": "小 学"},
    )
    result = run_import("schools", county, [row])
    assert not result.errors, problems(result)
    school = School.objects.get()
    assert (school.code, school.name, school.students) == ("2163019901", "示例小学", 320)
    assert school.phone == "0971-2220001"


def test_every_kind_of_bad_row_is_reported_by_row_and_column(county):
    township = county.townships.get(name="鲁沙尔镇")
    factories.SchoolFactory(county=county, township=township, code="2163000555", name="已登记小学")
    other = factories.CountyFactory(code="320482", name="金坛区")
    factories.SchoolFactory(county=other, code="3204820001")
    rows = [
        school_row("216301990"),  # row 2: nine digits
        school_row("2163019902", **{"乡镇/街道": "不存在镇"}),  # 3
        school_row("2163019903", 学校名称="同名小学"),  # 4
        school_row("2163019903", 学校名称="同名小学"),  # 5: duplicate code and name
        school_row("2163019905", 学校名称="已登记小学"),  # 6: name of a registered school
        school_row("2163019906", 学校类型="大学", 学生数="很多"),  # 7
        school_row("2163019907", 所属中心校="不存在的中心校"),  # 8
        school_row("2163019908", 所属中心校="2163019902"),  # 9: not a central school
        school_row("2163019909", 纬度="36.5"),  # 10: latitude without longitude
        school_row("3204820001"),  # 11: another county's school
        school_row("2163019911", 学校名称="", 校长电话="没有"),  # 12
        school_row("2163019912", 责任区="第九责任区", 是否中心校="也许"),  # 13
    ]
    result = run_import("schools", county, rows)
    assert not result.committed
    found = problems(result)
    expected = [
        (2, "学校标识码", "A school code is exactly 10 digits."),
        (3, "乡镇/街道", "Unknown township “不存在镇”. Registered: 多巴镇、鲁沙尔镇."),
        (5, "学校标识码", "The same school code is already on row 4."),
        (5, "学校名称", "The same school name is already on row 4."),
        (6, "学校名称", "The registered school with code 2163000555 already has this name."),
        (
            7,
            "学校类型",
            "Not an allowed value. Allowed: "
            "幼儿园、小学、初中、九年一贯制、完全中学、高中、特殊教育、教学点.",
        ),
        (7, "学生数", "Not a number."),
        (
            8,
            "所属中心校",
            "Unknown central school “不存在的中心校”: give the code or exact name of a school "
            "in this file or already registered.",
        ),
        (9, "所属中心校", "“2163019902” is not marked as a central school (是否中心校 = 是)."),
        (10, "经度", "Give both latitude and longitude, or neither."),
        (11, "学校标识码", "This school code is already registered in another county."),
        (12, "学校名称", "Required: this cell is empty."),
        (12, "校长电话", "Not a phone number: use digits and '-', e.g. 0971-2222333."),
        (13, "是否中心校", "Write 是 or 否."),
        (13, "责任区", "Unknown responsibility zone “第九责任区”. Registered: 第一责任区."),
    ]
    assert sorted(found) == sorted(expected)
    assert [error.letter for error in result.errors[:2]] == ["A", "C"]
    assert School.objects.filter(county=county).count() == 1  # nothing imported


def test_one_bad_row_imports_nothing(county):
    rows = [*good_rows(), school_row("2163019999", 学生数=-1)]
    result = run_import("schools", county, rows)
    assert problems(result) == [(5, "学生数", "Must be a whole number, 0 or more.")]
    assert not School.objects.exists()


def test_unknown_township_when_none_is_registered():
    county = factories.CountyFactory(code="620000")
    result = run_import("schools", county, [school_row()])
    assert problems(result) == [
        (
            2,
            "乡镇/街道",
            "Unknown township “鲁沙尔镇”: the county has no townships yet; add them first.",
        )
    ]


def test_a_school_may_not_be_its_own_or_a_central_schools_village_school(county):
    rows = [
        school_row("2163019901", 是否中心校="是", 所属中心校="2163019901"),
        school_row("2163019902", 是否中心校="是", 所属中心校="2163019901"),
    ]
    found = problems(run_import("schools", county, rows))
    assert [message for _row, _column, message in found] == [
        "A school cannot be its own central school.",
        "A central school does not belong to another central school.",
    ]


def test_two_schools_may_swap_names(county):
    run_import(
        "schools",
        county,
        [school_row("2163019901", 学校名称="甲小学"), school_row("2163019902", 学校名称="乙小学")],
    )
    rows = [
        school_row("2163019901", 学校名称="乙小学"),
        school_row("2163019902", 学校名称="甲小学"),
    ]
    result = run_import("schools", county, rows)
    assert not result.errors
    names = dict(School.objects.values_list("code", "name"))
    assert names == {"2163019901": "乙小学", "2163019902": "甲小学"}


def test_a_new_principal_takes_over_the_school(county):
    office = factories.UserFactory(county=county, role=Role.OFFICE)
    run_import("schools", county, [school_row(校长="王校长")], actor=office)
    school = School.objects.get()
    old_login = factories.UserFactory(county=county, role=Role.PRINCIPAL, school=school)
    result = run_import("schools", county, [school_row(校长="李校长")], actor=office)
    assert result.updates[0].changed == ["校长"]
    assert result.notes  # the page explains the previous login lost the school
    old_login.refresh_from_db()
    assert old_login.school is None and not old_login.is_active
    tenures = list(
        PrincipalTenure.objects.order_by("started_on", "pk").values_list("name", "ended_on")
    )
    today = datetime.date.today()
    assert [name for name, _ended in tenures] == ["王校长", "李校长"]
    assert tenures[0][1] is not None and tenures[1][1] is None
    assert tenures[0][1] <= today


def test_a_principal_cannot_be_removed_by_import(county):
    run_import("schools", county, [school_row(校长="王校长")])
    result = run_import("schools", county, [school_row(校长="")])
    assert [column for _row, column, _message in problems(result)] == ["校长"]
    assert School.objects.get().principal_name == "王校长"


def test_check_only_reports_the_plan_and_writes_nothing(county):
    result = run_import("schools", county, good_rows(), commit=False)
    assert not result.errors and not result.committed
    assert result.created == 3
    assert not School.objects.exists()


def test_principal_logins_with_one_time_passwords(county):
    rows = [school_row("2163019901", 校长="王校长"), school_row("2163019902")]
    result = run_import("schools", county, rows, create_logins=True)
    assert [(user.username, user.school.code) for user, _password in result.logins] == [
        ("p2163019901", "2163019901")
    ]
    user, password = result.logins[0]
    assert user.must_change_password and user.check_password(password)
    again = run_import("schools", county, rows, create_logins=True)
    assert again.logins == []
