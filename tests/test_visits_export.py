"""The visit export reads plain values a chunk at a time (a province's year is 360,000 rows):
the same rows as the visits read as model instances, in a fixed number of queries per chunk,
and text that looks like a formula still stored as text."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.utils import timezone
from openpyxl import load_workbook

from dudao.xlsx import write_sheet
from reports.exports import EXPORTS
from tests import factories
from tests.factories_visits import submitted_visit
from visits import export
from visits.models import CheckInStatus, Visit, VisitKind, VisitMethod, VisitProblem
from visits.services import with_list_columns

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def visits(personas):
    """Three visits that between them fill every column: co-inspectors (two, one, none),
    several methods, a check-in distance, problems, a read and replied record."""
    zhang = factories.InspectorFactory(county=personas.county, name="张督学")
    wang = factories.InspectorFactory(county=personas.county, name="王督学")
    matter = personas.county.supervision_matters.get(number=6)
    made = []
    for day, co_inspectors in ((3, [wang, zhang]), (2, [wang]), (1, [])):
        visit = submitted_visit(
            school=personas.school_b,
            inspector=personas.inspector,
            created_by=personas.inspector_user,
            arrived_at=datetime.datetime(2026, 10, day, 9, 30, tzinfo=SHANGHAI),
        )
        visit.co_inspectors.add(*co_inspectors)
        made.append(visit)
    first, second, _third = made
    first.kind = VisitKind.SPECIAL
    first.methods = [VisitMethod.DOCUMENT_REVIEW, VisitMethod.TALKS]
    first.check_in_status, first.check_in_distance = CheckInStatus.NEAR, 120
    first.highlights, first.problems_text = "食堂整洁", "消防通道堵塞"
    first.read_at = first.replied_at = datetime.datetime(2026, 10, 4, 8, 5, tzinfo=SHANGHAI)
    first.principal_reply = "已整改"
    first.save()
    VisitProblem.objects.create(visit=first, matter=matter, description="问题一")
    VisitProblem.objects.create(visit=first, matter=matter, description="问题二")
    VisitProblem.objects.create(visit=second, matter=matter, description="问题")
    return made


def _as_instances(visits) -> list[list]:
    """The rows as the visits' own models show them (how the export read them before)."""

    def local(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    return [
        [
            local(visit.arrived_at),
            visit.school.name,
            visit.school.township.name,
            visit.inspector.name,
            "、".join(inspector.name for inspector in visit.co_inspectors.all()),
            visit.get_kind_display(),
            "、".join(visit.get_methods_display()),
            visit.get_status_display(),
            visit.get_check_in_status_display(),
            visit.check_in_distance,
            visit.problem_count,
            visit.highlights,
            visit.problems_text,
            visit.suggestions,
            visit.feedback_to_school,
            local(visit.read_at),
            visit.principal_reply,
        ]
        for visit in visits.prefetch_related("co_inspectors")
    ]


def test_rows_read_as_values_are_the_rows_of_the_instances(visits, django_assert_max_num_queries):
    listed = with_list_columns(Visit.objects.all()).order_by("-arrived_at", "-pk")
    expected = _as_instances(listed)
    # Their ids, then per chunk (two of two) the visits' values and their co-inspectors.
    with django_assert_max_num_queries(5):
        rows = [export.row(visit) for visit in export.records(listed, chunk_size=2)]
    assert rows == expected
    assert sorted(rows[0][4].split("、")) == ["张督学", "王督学"]  # in the database's collation
    assert [row[4] for row in rows[1:]] == ["王督学", ""]
    assert rows[0][5:11] == ["专项督导", "查阅资料、座谈走访", "已提交", "在校内", 120, 2]
    assert rows[0][15] == "2026-10-04 08:05"


def test_the_workers_sheet_has_the_lists_header_and_rows(personas, visits):
    spec = EXPORTS["visits"]
    queryset = spec.queryset(personas.office, QueryDict("month=2026-10"))
    spool = io.BytesIO()
    assert write_sheet(spool, title="x", header=spec.header(), rows=spec.rows(queryset)) == 3
    sheet = load_workbook(spool).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header) == export.header()
    expected = _as_instances(with_list_columns(Visit.objects.all()))
    # Empty text is an empty cell, as it always read back.
    assert [list(row) for row in rows] == [
        [None if value == "" else value for value in row] for row in expected
    ]


def test_text_that_looks_like_a_formula_stays_text(personas, visits):
    first = visits[0]
    first.highlights = '=HYPERLINK("http://evil.example")'
    first.problems_text = "+1+1"
    first.suggestions = "-2"
    first.principal_reply = "@SUM(A1)"
    first.save()
    first.co_inspectors.set([factories.InspectorFactory(county=personas.county, name="=1+1")])
    spec = EXPORTS["visits"]
    queryset = spec.queryset(personas.office, QueryDict(""))
    spool = io.BytesIO()
    write_sheet(spool, title="x", header=spec.header(), rows=spec.rows(queryset))
    sheet = load_workbook(spool).active
    cells = {cell.value: cell for cell in sheet[2] if isinstance(cell.value, str)}
    for typed in ("=1+1", '=HYPERLINK("http://evil.example")', "+1+1", "-2", "@SUM(A1)"):
        assert cells[typed].data_type == "s" and cells[typed].quotePrefix, typed
    assert sheet["K2"].value == 2 and sheet["K2"].data_type == "n"  # numbers stay numbers
    assert not sheet["A2"].quotePrefix
