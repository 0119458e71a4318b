"""Printed documents: dates in Chinese form and the visit record's document number."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories
from tests.factories_visits import VisitFactory, submitted_visit
from visits.models import Visit

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def chinese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# Dates ---------------------------------------------------------------------------------------


def render_dates(value) -> str:
    template = Template("{% load documents %}{{ v|document_date }}|{{ v|document_datetime }}")
    return template.render(Context({"v": value}))


def test_document_dates_are_chinese_in_chinese_and_local_to_shanghai():
    # 16:30 UTC on 26 November is 00:30 on 27 November in Shanghai.
    moment = datetime.datetime(2026, 11, 26, 16, 30, tzinfo=datetime.UTC)
    with translation.override("zh-hans"):
        assert render_dates(moment) == "2026年11月27日|2026年11月27日 00:30"
        assert render_dates(datetime.date(2026, 3, 5)) == "2026年3月5日|2026年3月5日"
        assert render_dates(None) == "|"
    with translation.override("en"):
        assert render_dates(moment) == "Nov. 27, 2026|Nov. 27, 2026 00:30"


# The visit record's number -------------------------------------------------------------------


def _draft(personas, school=None):
    return VisitFactory(
        school=school or personas.school_b,
        inspector=personas.inspector,
        created_by=personas.inspector_user,
    )


def test_submission_numbers_records_per_county_and_year(personas):
    year = timezone.localdate().year
    first, second = _draft(personas), _draft(personas, personas.school_a)
    assert first.record_number == "" and first.record_serial is None
    first.submit(personas.inspector_user)
    second.submit(personas.inspector_user)
    assert (first.record_number, second.record_number) == (
        f"湟督记〔{year}〕1号",
        f"湟督记〔{year}〕2号",
    )
    # Another county (whose name also starts with 湟) counts from 1; a new year starts again.
    other = factories.CountyFactory(code="630123", name="湟源县")
    other_inspector = factories.InspectorFactory(county=other)
    elsewhere = submitted_visit(
        school=factories.SchoolFactory(county=other),
        inspector=other_inspector,
        created_by=personas.superuser,
    )
    assert elsewhere.record_number == f"湟督记〔{year}〕1号"
    next_year = submitted_visit(
        school=personas.school_b,
        inspector=personas.inspector,
        created_by=personas.inspector_user,
        submitted_at=datetime.datetime(year + 1, 1, 1, 0, 10, tzinfo=SHANGHAI),
    )
    assert next_year.record_number == f"湟督记〔{year + 1}〕1号"


def test_a_record_serial_is_unique_per_county_and_year(personas):
    visit = submitted_visit(
        school=personas.school_b, inspector=personas.inspector, created_by=personas.office
    )
    twin = _draft(personas)
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=twin.pk).update(
            record_county=visit.record_county,
            record_year=visit.record_year,
            record_serial=visit.record_serial,
        )
    # A submitted record always has its number.
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(record_serial=None)


def test_the_printed_record_and_the_visit_page_show_the_number_and_chinese_dates(client, personas):
    visit = _draft(personas)
    visit.problems.create(
        matter=personas.county.supervision_matters.get(number=6),
        description="消防通道堆放杂物",
        deadline=datetime.date(2027, 1, 9),
    )
    visit.submit(personas.inspector_user)
    client.force_login(personas.inspector_user)
    printed = client.get(reverse("visits:visit_print", args=[visit.pk])).content.decode()
    arrived = timezone.localtime(visit.arrived_at, SHANGHAI)
    assert visit.record_number in printed
    assert f"{chinese(arrived.date())} {arrived:%H:%M}" in printed
    assert "2027年1月9日" in printed
    assert "2027-01-09" not in printed and f"{arrived:%Y-%m-%d}" not in printed
    page = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert f"编号：{visit.record_number}" in page


def test_a_draft_prints_without_a_number(client, personas):
    visit = _draft(personas)
    client.force_login(personas.inspector_user)
    printed = client.get(reverse("visits:visit_print", args=[visit.pk])).content.decode()
    assert "督记" not in printed and "草稿" in printed


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_records_submitted_before_numbers_existed(personas):
    older = submitted_visit(
        school=personas.school_b,
        inspector=personas.inspector,
        created_by=personas.office,
        submitted_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI),
    )
    newer = submitted_visit(
        school=personas.school_a,
        inspector=personas.inspector,
        created_by=personas.office,
        submitted_at=datetime.datetime(2025, 12, 31, 23, 50, tzinfo=SHANGHAI),
    )
    january = submitted_visit(
        school=personas.school_a,
        inspector=personas.inspector,
        created_by=personas.office,
        # 16:30 UTC on 31 December is already 1 January in Shanghai.
        submitted_at=datetime.datetime(2025, 12, 31, 16, 30, tzinfo=datetime.UTC),
    )
    draft = _draft(personas)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("visits", "0004_visit_record_number")])
    old_apps = executor.loader.project_state([("visits", "0004_visit_record_number")]).apps
    old_apps.get_model("visits", "Visit").objects.update(
        record_county=None, record_year=None, record_serial=None, record_number=""
    )

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    numbers = dict(Visit.objects.values_list("pk", "record_number"))
    assert numbers == {
        older.pk: "湟督记〔2025〕1号",
        newer.pk: "湟督记〔2025〕2号",
        january.pk: "湟督记〔2026〕1号",
        draft.pk: "",
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_take_different_serials(personas, monkeypatch):
    from tests.concurrency import race, slow_down_saves

    drafts = [_draft(personas), _draft(personas, personas.school_a)]
    slow_down_saves(monkeypatch, Visit)  # a slow request between numbering and saving

    outcomes = race(
        *[(lambda d=draft: d.submit(personas.inspector_user)) for draft in drafts],
        refused=(IntegrityError,),
    )

    assert outcomes == ["done", "done"]
    serials = sorted(Visit.objects.values_list("record_serial", flat=True))
    assert serials == [1, 2]
