"""The import page: office only, each office into its own county, the report, the passwords."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from inspectors.models import Assignment, Inspector
from schools.models import School
from tests.import_workbooks import (
    assignment_row,
    inspector_row,
    run_import,
    school_row,
    sheet_file,
    upload,
)

pytestmark = pytest.mark.django_db
URL = reverse("schools:import")


def post(client, kind, file, **extra):
    return client.post(URL, {"kind": kind, "file": file, "import": "", **extra})


@pytest.mark.parametrize("role", ["principal", "inspector_user", "committee"])
def test_only_the_office_may_import(client, personas, role):
    client.force_login(getattr(personas, role))
    for url in (URL, reverse("schools:import_template", args=["schools"])):
        assert client.get(url).status_code == 403
    response = post(client, "schools", sheet_file("schools", [school_row()]))
    assert response.status_code == 403
    assert not School.objects.filter(code="2163019901").exists()


def test_page_offers_the_templates_and_the_form(client, personas):
    client.force_login(personas.office)
    response = client.get(URL)
    assert response.status_code == 200
    for kind in ("schools", "inspectors", "assignments"):
        assert reverse("schools:import_template", args=[kind]) in response.text
    assert 'id="import-form"' in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_template_download(client, personas):
    client.force_login(personas.office)
    response = client.get(reverse("schools:import_template", args=["inspectors"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]["A1"].value == "姓名"
    assert client.get(reverse("schools:import_template", args=["nonsense"])).status_code == 404


def test_good_file_is_imported_into_the_office_county(client, personas):
    client.force_login(personas.office)
    rows = [school_row("2163019901"), school_row("2163019902")]
    response = post(client, "schools", sheet_file("schools", rows))
    assert response.status_code == 200
    assert response.context["result"].created == 2
    assert "import-result" in response.text
    assert set(
        School.objects.filter(code__startswith="216301990").values_list("county", flat=True)
    ) == {personas.county.pk}


def test_errors_are_listed_in_chinese_and_nothing_is_imported(client, personas):
    client.force_login(personas.office)
    rows = [school_row("2163019901"), school_row("216301990", **{"乡镇/街道": "不存在镇"})]
    response = post(client, "schools", sheet_file("schools", rows))
    text = response.text
    assert "未导入任何内容" in text
    assert "学校标识码必须是 10 位数字" in text
    assert "不存在镇" in text and "第 3 行" in text
    assert not School.objects.filter(code="2163019901").exists()


def test_a_bad_file_gets_a_message_on_the_form(client, personas):
    client.force_login(personas.office)
    response = post(client, "schools", upload(b"not a workbook"))
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors["file"]


def test_check_only_writes_nothing(client, personas):
    client.force_login(personas.office)
    response = client.post(
        URL, {"kind": "schools", "file": sheet_file("schools", [school_row()]), "check": ""}
    )
    result = response.context["result"]
    assert result.created == 1 and not result.committed
    assert not School.objects.filter(code="2163019901").exists()


def test_another_county_cannot_touch_this_county(client, personas):
    """The other county's office imports rows naming this county's school and inspector."""
    client.force_login(personas.other_office)
    code = personas.school_a.code
    response = post(client, "schools", sheet_file("schools", [school_row(code)]))
    assert response.context["result"].errors[0].message == "此学校标识码已在其他县登记。"
    phone = personas.inspector.phone
    response = post(client, "assignments", sheet_file("assignments", [assignment_row(phone, code)]))
    assert len(response.context["result"].errors) == 2
    school = School.objects.get(pk=personas.school_a.pk)
    assert school.county == personas.county and school.name == personas.school_a.name
    assert not Assignment.objects.filter(school=school).exists()


def test_superuser_imports_into_the_county_they_pick(client, personas):
    client.force_login(personas.superuser)
    file = sheet_file("inspectors", [inspector_row()])
    url = f"{URL}?county={personas.other_county.code}"
    response = client.post(url, {"kind": "inspectors", "file": file, "import": ""})
    assert response.context["result"].created == 1
    assert Inspector.objects.get(phone="13800002001").county == personas.other_county


def test_logins_and_their_passwords_are_downloaded_once(client, personas):
    client.force_login(personas.office)
    rows = [inspector_row("13800002001"), inspector_row("13800002002")]
    response = post(client, "inspectors", sheet_file("inspectors", rows[:1]), create_logins="on")
    assert reverse("schools:import_passwords") in response.text
    # A second import before the download adds to the same sheet.
    post(client, "inspectors", sheet_file("inspectors", rows), create_logins="on")
    sheet = client.get(reverse("schools:import_passwords"))
    assert "no-store" in sheet["Cache-Control"]
    book = load_workbook(io.BytesIO(sheet.content))
    usernames = [row[3] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert usernames == ["i13800002001", "i13800002002"]
    user = User.objects.get(username="i13800002001")
    password = next(
        row[4] for row in book.worksheets[0].iter_rows(values_only=True) if row[3] == user.username
    )
    assert user.check_password(password)
    again = client.get(reverse("schools:import_passwords"))
    assert again.status_code == 302


def test_validation_queries_do_not_grow_with_rows(personas):
    """Lookups are preloaded: 20 rows and 200 rows take the same number of queries."""
    county = personas.county

    def queries(kind, rows):
        with CaptureQueriesContext(connection) as captured:
            result = run_import(kind, county, rows, commit=False)
        assert not result.errors
        return len(captured)

    schools = [school_row(f"{2163010000 + n}") for n in range(200)]
    assert queries("schools", schools[:20]) == queries("schools", schools) <= 6
    inspectors = [inspector_row(f"{13800010000 + n}") for n in range(200)]
    assert queries("inspectors", inspectors[:20]) == queries("inspectors", inspectors) <= 6
    run_import("schools", county, schools)
    run_import("inspectors", county, inspectors)
    assignments = [assignment_row(f"{13800010000 + n}", f"{2163010000 + n}") for n in range(200)]
    assert queries("assignments", assignments[:20]) == queries("assignments", assignments) <= 4


def test_writing_two_thousand_rows_takes_a_bounded_number_of_queries(personas):
    rows = [school_row(f"{2163010000 + n}", 校长=f"校长{n}") for n in range(2000)]
    with CaptureQueriesContext(connection) as captured:
        result = run_import("schools", personas.county, rows)
    assert result.created == 2000
    assert len(captured) < 100  # batches, never one query per row
