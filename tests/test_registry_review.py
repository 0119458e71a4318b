"""Fixes from a code review of the registry: rules on the models, one phone cleaner, queries."""

import datetime
import importlib
import io
import re

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspectors.models import Assignment, Inspector, InspectorKind
from schools.importing import cells
from schools.models import County
from schools.services import coverage_report
from tests import factories

pytestmark = pytest.mark.django_db


# 1. County settings: the admin applies the same cross-field rules as the settings page ----------


def test_county_settings_model_checks_the_deadline_order(personas):
    settings = personas.county.settings
    settings.deadline_days_general, settings.deadline_days_serious = 10, 20
    settings.deadline_days_major, settings.reminder_days_before_deadline = 25, 10
    with pytest.raises(ValidationError) as error:
        settings.full_clean()
    assert set(error.value.message_dict) == {
        "deadline_days_major",
        "deadline_days_serious",
        "reminder_days_before_deadline",
    }


def test_admin_refuses_settings_against_the_cross_field_rules(client, personas):
    client.force_login(personas.superuser)
    settings = personas.county.settings
    url = reverse("admin:schools_countysettings_change", args=[settings.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(
        county=settings.county_id,
        holiday_months="[2, 8]",
        inspectors_see_county="on",
        deadline_days_general=10,
        deadline_days_serious=20,
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["deadline_days_serious"] == [
        "较大问题的整改期限不能长于一般问题（10 天）。"
    ]
    settings.refresh_from_db()
    assert settings.deadline_days_serious == 15
    response = client.post(url, {**data, "deadline_days_serious": 10})
    assert response.status_code == 302


# 2. An assignment's start date is checked by the model: form, admin and import agree ----------


def test_assignment_start_date_is_checked_by_the_model(client, personas):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assignment = Assignment(
        inspector=personas.inspector, school=personas.school_a, started_on=tomorrow
    )
    with pytest.raises(ValidationError) as error:
        assignment.full_clean()
    assert error.value.message_dict == {"started_on": ["该日期不能晚于今天。"]}
    client.force_login(personas.superuser)
    response = client.post(
        reverse("admin:inspectors_assignment_add"),
        {
            "inspector": personas.inspector.pk,
            "school": personas.school_a.pk,
            "started_on": tomorrow.isoformat(),
        },
    )
    assert response.context["adminform"].form.errors["started_on"] == ["该日期不能晚于今天。"]
    assert not Assignment.objects.filter(school=personas.school_a).exists()


# 3. Forms clean phones with the import's cleaner: every kind of space goes --------------------

# A full-width space (U+3000), a zero-width space and a tab, as pasted from a county's sheet.
PASTED_PHONE = "１３８　0000\u200b\t3333"


@pytest.mark.parametrize("typed", ["１３８　0000 3333", PASTED_PHONE])
def test_school_form_cleans_the_phone_like_the_import(client, personas, typed):
    client.force_login(personas.office)
    school = personas.school_b
    response = client.post(
        reverse("schools:school_edit", args=[school.pk]),
        factories.school_form_data(school, phone=typed),
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.phone == cells.phone(typed) == "13800003333"


# 4. Inspector phones are stored as their 11 digits, unique per county in the database ---------


def normalise_phones():
    migration = importlib.import_module("inspectors.migrations.0004_normalise_inspector_phones")
    migration.normalise_phones(django_apps, None)


def dashed(phone: str) -> str:
    return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"


def test_data_migration_stores_phones_as_their_digits(personas):
    county, other = personas.county, personas.other_inspector.county
    make = factories.InspectorFactory
    written = make(county=county, phone="138-0000-2001")
    spaced = make(county=county, phone="+86 138 0000 2002")
    landline = make(county=county, phone="0971-2222333")
    plain = make(county=county, phone="13800002003")
    twin = make(county=county, phone="138-0000-2003")  # the same number as ``plain``
    elsewhere = make(county=other, phone="138-0000-2001")
    normalise_phones()
    stored = {
        inspector: Inspector.objects.get(pk=inspector.pk).phone
        for inspector in (written, spaced, landline, plain, twin, elsewhere)
    }
    assert stored == {
        written: "13800002001",
        spaced: "13800002002",
        landline: "0971-2222333",  # not a mobile number: left for the office
        plain: "13800002003",
        twin: "138-0000-2003",  # would collide: left, the import reports it
        elsewhere: "13800002001",
    }


def test_database_refuses_a_second_inspector_with_the_same_phone(personas):
    factories.InspectorFactory(county=personas.county, phone="13800006001")
    factories.InspectorFactory(county=personas.other_inspector.county, phone="13800006001")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.InspectorFactory(county=personas.county, phone="13800006001")


def test_inspector_form_checks_the_phone_with_one_query(client, personas):
    factories.InspectorFactory.create_batch(20, county=personas.county)
    factories.InspectorFactory(county=personas.county, phone="13800006002")
    client.force_login(personas.office)
    url = reverse("inspectors:inspector_create")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, factories.inspector_form_data(phone="138 0000 6002"))
    assert response.context["form"].errors["phone"] == ["本县已有督学使用此电话号码。"]
    # One lookup of the number; not every phone of the county read into Python.
    sql = [query["sql"] for query in queries]
    assert len([q for q in sql if '"inspectors_inspector"."phone" = ' in q]) == 1
    assert not [q for q in sql if q.startswith('SELECT "inspectors_inspector"."phone" FROM')]


def test_admin_stores_the_phone_as_its_digits(client, personas):
    client.force_login(personas.superuser)
    url = reverse("admin:inspectors_inspector_add")
    data = {
        "county": personas.county.pk,
        "name": "祁督学",
        "kind": InspectorKind.PART_TIME,
        "status": "active",
        "phone": "１３８-0000　6003",
        "assignments-TOTAL_FORMS": 0,
        "assignments-INITIAL_FORMS": 0,
    }
    assert client.post(url, data).status_code == 302
    assert Inspector.objects.get(name="祁督学").phone == "13800006003"
    again = client.post(url, {**data, "name": "祁督学二", "phone": "13800006003"})
    assert again.status_code == 200
    assert again.context["adminform"].form.errors
    refused = client.post(url, {**data, "name": "祁督学三", "phone": "0971-2222333"})
    assert refused.context["adminform"].form.errors["phone"]


def test_demo_after_the_migration_is_found_again_and_seeds_nothing(db):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    inspectors = list(Inspector.objects.all())
    assert all(re.fullmatch(r"1\d{10}", inspector.phone) for inspector in inspectors)
    # A demo database seeded before phones were normalised, then migrated.
    for inspector in inspectors:
        inspector.phone = dashed(inspector.phone)
    Inspector.objects.bulk_update(inspectors, ["phone"])
    normalise_phones()
    assert sorted(Inspector.objects.values_list("phone", flat=True)) == sorted(
        dashed(i.phone).replace("-", "") for i in inspectors
    )
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    assert "没有新建" in out.getvalue()
    assert Inspector.objects.count() == len(inspectors)


# 5. The home card's coverage counts: one COUNT query a list ------------------------------------


def test_coverage_counts_alone_take_one_query_a_list(django_assert_num_queries):
    today = datetime.date(2026, 3, 10)
    county = factories.CountyFactory(code="630198", name="计数县")
    office = factories.UserFactory(county=county, username="count-office")
    central = factories.SchoolFactory(county=county, is_central=True)
    factories.SchoolFactory(county=county)  # uncovered
    busy = factories.InspectorFactory(county=county, term_ends_on=today)  # term ending
    # Due for rotation, over the load of 5, and the central school's only inspector.
    factories.AssignmentFactory(
        inspector=busy, school=central, started_on=datetime.date(2019, 9, 1)
    )
    for school in factories.SchoolFactory.create_batch(5, county=county):
        factories.AssignmentFactory(inspector=busy, school=school)
    county = County.objects.select_related("settings").get(pk=county.pk)
    # The open schools, then one COUNT for each of the four lists the card shows and the schools
    # without a posted plaque (while there are any, the outdated ones need not be looked at).
    with django_assert_num_queries(6) as captured:
        report = coverage_report(user=office, county=county, today=today, limit=0)
    assert all(query["sql"].startswith("SELECT COUNT(") for query in captured.captured_queries)
    assert report.plaques.unposted.total == 7 and not report.is_full
    lists = [
        report.uncovered,
        report.central_under_minimum,
        report.terms_ending,
        report.due_for_rotation,
    ]
    assert [(shortfall.rows, shortfall.total) for shortfall in lists] == [([], 1)] * 4
    assert report.over_load is None  # the card does not show it
    full = coverage_report(user=office, county=county, today=today)
    assert [len(shortfall.rows) for shortfall in (full.uncovered, full.over_load)] == [1, 1]
