"""Visit lists: filters, constant query counts, the .xlsx export."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rectifications.models import Severity
from tests import factories
from tests.factories_visits import submitted_visit
from visits.models import CheckInStatus, VisitKind, VisitMatterNote, VisitProblem

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def make_visits(personas, count: int, *, school=None, **kwargs):
    """Visits with co-inspectors and problems, to catch per-row queries."""
    colleague = factories.InspectorFactory(county=personas.county)
    matter = personas.county.supervision_matters.get(number=6)
    visits = []
    for index in range(count):
        visit = submitted_visit(
            school=school or personas.school_b,
            inspector=personas.inspector,
            created_by=personas.inspector_user,
            arrived_at=datetime.datetime(2026, 10, 1 + index % 28, 9, tzinfo=SHANGHAI),
            **kwargs,
        )
        visit.co_inspectors.add(colleague)
        VisitProblem.objects.create(visit=visit, matter=matter, description="问题")
        visits.append(visit)
    return visits


@pytest.mark.parametrize("role", ["office", "inspector_user", "committee"])
def test_visit_list_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries, role
):
    client.force_login(getattr(personas, role))
    url = reverse("visits:visit_list")
    make_visits(personas, 2)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    make_visits(personas, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 14


def test_school_visits_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.principal)
    url = reverse("visits:school_visits")
    make_visits(personas, 2, school=personas.school_a)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    make_visits(personas, 12, school=personas.school_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 14


def test_my_schools_query_count_does_not_grow_with_schools(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.inspector_user)
    url = reverse("visits:my_schools")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _index in range(6):
        school = factories.SchoolFactory(county=personas.county)
        factories.AssignmentFactory(inspector=personas.inspector, school=school)
        make_visits(personas, 1, school=school)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 7


def test_filters(client, personas):
    october = make_visits(personas, 1)[0]
    special = submitted_visit(
        school=personas.school_a,
        inspector=personas.inspector,
        created_by=personas.office,
        kind=VisitKind.SPECIAL,
        arrived_at=datetime.datetime(2026, 11, 30, 23, 50, tzinfo=SHANGHAI),
    )
    VisitMatterNote.objects.create(
        visit=special,
        matter=personas.county.supervision_matters.get(number=7),
        looked_at=True,
    )
    client.force_login(personas.office)

    def listed(**params):
        response = client.get(reverse("visits:visit_list"), params)
        return [visit.pk for visit in response.context["page"].object_list]

    assert listed(month="2026-11") == [special.pk]
    assert listed(month="2026-10") == [october.pk]
    assert listed(kind=VisitKind.SPECIAL) == [special.pk]
    # Schools and inspectors are found by a text box (name or code), never a long select.
    assert listed(school=personas.school_b.code) == [october.pk]
    assert listed(school="第二") == [october.pk]
    assert listed(school=personas.other_school.name) == []
    matter_7 = personas.county.supervision_matters.get(number=7).pk
    matter_6 = personas.county.supervision_matters.get(number=6).pk
    assert listed(matter=matter_7) == [special.pk]
    assert listed(matter=matter_6) == [october.pk]  # through its problem
    assert listed(township=personas.school_a.township_id) == [special.pk, october.pk]
    assert listed(inspector=personas.inspector.name) == [special.pk, october.pk]
    assert listed(inspector="没有这个人") == []


def test_flagged_check_ins_include_visits_never_checked_in(client, personas):
    visits = {
        status: submitted_visit(
            school=personas.school_b,
            inspector=personas.inspector,
            created_by=personas.inspector_user,
            check_in_status=status,
        )
        for status in CheckInStatus.values
    }
    client.force_login(personas.office)
    response = client.get(reverse("visits:visit_list"), {"flagged": "on"})
    listed = {visit.pk for visit in response.context["page"].object_list}
    flagged = (CheckInStatus.FAR, CheckInStatus.NO_LOCATION, CheckInStatus.PENDING)
    assert listed == {visits[status].pk for status in flagged}
    assert response.content.decode().count('class="badge text-bg-danger"') == len(flagged)


def test_export_contains_the_filtered_visits(client, personas):
    visit = make_visits(personas, 1)[0]
    visit.highlights = '=HYPERLINK("http://evil.example")'
    visit.feedback_to_school = "已反馈"
    visit.save()
    submitted_visit(
        school=personas.school_a,
        inspector=personas.inspector,
        created_by=personas.office,
        arrived_at=datetime.datetime(2026, 9, 5, 9, tzinfo=SHANGHAI),
    )
    client.force_login(personas.office)
    response = client.get(reverse("visits:visit_export"), {"month": "2026-10"})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *data = list(sheet.iter_rows())
    assert len(data) == 1
    cells = dict(zip([cell.value for cell in header], data[0], strict=True))
    row = {name: cell.value for name, cell in cells.items()}
    assert row["学校"] == personas.school_b.name
    assert row["日期"] == "2026-10-01 09:00"
    assert row["督学"] == personas.inspector.name
    assert row["督导类型"] == "经常性督导"
    assert row["问题数"] == 1
    # Shown as typed, stored as quote-prefixed text: never run as a formula.
    assert row["亮点"] == '=HYPERLINK("http://evil.example")'
    assert cells["亮点"].data_type == "s" and cells["亮点"].quotePrefix
    assert row["向学校反馈意见"] == "已反馈"


def test_export_is_for_county_staff(client, personas):
    client.force_login(personas.inspector_user)
    assert client.get(reverse("visits:visit_export")).status_code == 403
    client.force_login(personas.principal)
    assert client.get(reverse("visits:visit_export")).status_code == 403


def test_problem_severity_is_shown_on_the_detail_page(client, personas):
    visit = make_visits(personas, 1)[0]
    visit.problems.update(severity=Severity.MAJOR)
    client.force_login(personas.office)
    html = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "重大" in html


def test_visit_rows_show_each_visit_and_escape_names(client, personas):
    """The rows are written in Python (``visits_tags.visit_rows``): what a row shows, escaped."""
    school = personas.school_b
    school.name = "<b>第二小学</b>"
    school.save()
    visit = make_visits(personas, 1)[0]
    client.force_login(personas.office)
    page = client.get(reverse("visits:visit_list")).content.decode()
    row = page[page.index(f'href="{reverse("visits:visit_detail", args=[visit.pk])}"') :]
    row = row[: row.index("</a>")]
    assert "&lt;b&gt;第二小学&lt;/b&gt;" in row and "<b>" not in row
    assert "2026-10-01 09:00 · 鲁沙尔镇 · 经常性督导 · 李督学 · 1 个问题" in row
    assert '<span class="badge text-bg-warning">未阅</span>' in row
