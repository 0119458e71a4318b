"""Gaps an audit found in the registry: principal turnover, phones, dates and settings rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from inspectors.models import Assignment, Inspector
from tests import factories
from tests.import_workbooks import assignment_row, inspector_row, problems, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(client, personas):
    client.force_login(personas.office)
    return client


# 1. The principal changes only through the turnover flow ---------------------------------------


def test_school_form_does_not_edit_the_principal(office_client, personas):
    school = personas.school_b
    response = office_client.post(
        reverse("schools:school_edit", args=[school.pk]),
        factories.school_form_data(
            school, principal_name="篡改校长", principal_phone="13900000000"
        ),
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.principal_name == "王校长" and school.principal_phone != "13900000000"
    form_page = office_client.get(reverse("schools:school_edit", args=[school.pk]))
    assert "principal_name" not in form_page.context["form"].fields


def test_school_page_leads_the_office_to_change_principal(office_client, client, personas):
    school = personas.school_b
    change_url = reverse("accounts:change_principal", args=[school.pk])
    page = office_client.get(reverse("schools:school_detail", args=[school.pk])).content.decode()
    assert change_url in page and "更换校长" in page and "王校长" in page
    assert office_client.get(change_url).status_code == 200

    client.force_login(personas.principal)
    own = client.get(reverse("schools:school_detail", args=[personas.school_a.pk]))
    assert reverse("accounts:change_principal", args=[personas.school_a.pk]) not in (
        own.content.decode()
    )


# 2. Inspector phones: validated and stored like the import, unique by their digits -------------


def test_inspector_phone_is_normalised_like_the_import(office_client, personas):
    response = office_client.post(
        reverse("inspectors:inspector_create"),
        factories.inspector_form_data(phone="+86 １３８-0000 5501"),
    )
    assert response.status_code == 302
    assert Inspector.objects.get(name="祁督学").phone == "13800005501"
    found = office_client.get(reverse("inspectors:inspector_list"), {"q": "138-0000-5501"})
    assert [i.name for i in found.context["page"].object_list] == ["祁督学"]


@pytest.mark.parametrize("phone", ["0971-2222333", "1380000550", "23800005501", "138000055011x"])
def test_inspector_phone_must_be_a_mobile_number(office_client, personas, phone):
    response = office_client.post(
        reverse("inspectors:inspector_create"), factories.inspector_form_data(phone=phone)
    )
    assert response.context["form"].errors["phone"] == [
        "不是手机号码：应为以 1 开头的 11 位数字，如 13800000001。"
    ]


def test_inspector_phone_is_unique_by_its_digits(office_client, personas):
    # Phones are stored as their digits; the same number written with dashes collides.
    digits = personas.inspector.phone.replace("-", "")
    Inspector.objects.filter(pk=personas.inspector.pk).update(phone=digits)
    response = office_client.post(
        reverse("inspectors:inspector_create"),
        factories.inspector_form_data(phone=f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"),
    )
    assert response.context["form"].errors["phone"] == ["本县已有督学使用此电话号码。"]
    # Saving an inspector unchanged does not collide with itself.
    edit = office_client.post(
        reverse("inspectors:inspector_edit", args=[personas.inspector.pk]),
        factories.inspector_form_data(name=personas.inspector.name, phone=personas.inspector.phone),
    )
    assert edit.status_code == 302
    personas.inspector.refresh_from_db()
    assert personas.inspector.phone == digits
    # Another county may use the same number.
    other = office_client.post(
        reverse("inspectors:inspector_create"),
        factories.inspector_form_data(phone=personas.other_inspector.phone),
    )
    assert other.status_code == 302


# 3. An assignment cannot start in the future ---------------------------------------------------


def test_assignment_cannot_start_after_today_in_shanghai(office_client, personas, monkeypatch):
    # At 17:30 UTC it is already the next day in Asia/Shanghai: that day is "today".
    utc_day = datetime.datetime.now(datetime.UTC).date()
    moment = datetime.datetime.combine(utc_day, datetime.time(17, 30), tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    shanghai_today = utc_day + datetime.timedelta(days=1)
    url = reverse("inspectors:assignment_create")
    data = {"school": personas.school_a.pk, "inspector": personas.inspector.pk}
    tomorrow = office_client.post(
        url, {**data, "started_on": shanghai_today + datetime.timedelta(days=1)}
    )
    assert tomorrow.context["form"].errors["started_on"] == ["该日期不能晚于今天。"]
    assert not Assignment.objects.filter(school=personas.school_a).exists()
    today = office_client.post(url, {**data, "started_on": shanghai_today})
    assert today.status_code == 302
    assert Assignment.objects.get(school=personas.school_a).started_on == shanghai_today


# 6. Field rules on the models: form, admin and import agree ------------------------------------


def test_school_phone_and_counts_are_checked_by_the_model(personas):
    school = personas.school_a
    school.phone, school.principal_phone = "call me", "12"
    school.students, school.teachers = 1_000_001, 1_000_001
    with pytest.raises(ValidationError) as error:
        school.full_clean()
    assert set(error.value.message_dict) == {"phone", "principal_phone", "students", "teachers"}
    school.phone, school.principal_phone = "0971-2222333", "138-0000-0001"
    school.students, school.teachers = 1_000_000, 0
    school.full_clean()


def test_school_form_normalises_and_checks_the_phone(office_client, personas):
    school = personas.school_b
    data = factories.school_form_data(school, students=1_000_001, phone="电话0971")
    url = reverse("schools:school_edit", args=[school.pk])
    errors = office_client.post(url, data).context["form"].errors
    assert errors["phone"] == ["不是电话号码：请使用数字和“-”，如 0971-2222333。"]
    assert "students" in errors
    response = office_client.post(
        url, {**data, "students": 300, "phone": "０９７１－２２２ ２３３３"}
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.phone == "0971-2222333"


def test_admin_refuses_a_bad_school_phone(client, personas):
    client.force_login(personas.superuser)
    school = personas.school_b
    page = client.get(reverse("admin:schools_school_change", args=[school.pk]))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(phone="not a phone", county=school.county_id, township=school.township_id)
    response = client.post(reverse("admin:schools_school_change", args=[school.pk]), data)
    assert response.status_code == 200
    assert "phone" in response.context["adminform"].form.errors


def test_appointment_date_cannot_be_in_the_future(office_client, personas):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = office_client.post(
        reverse("inspectors:inspector_create"),
        factories.inspector_form_data(
            appointed_on=tomorrow, term_ends_on=tomorrow.replace(year=tomorrow.year + 3)
        ),
    )
    assert response.context["form"].errors["appointed_on"] == ["该日期不能晚于今天。"]
    result = run_import(
        "inspectors",
        personas.county,
        [inspector_row("13800002001", 聘任日期=tomorrow.isoformat(), 任期截止="")],
    )
    assert problems(result) == [(2, "聘任日期", "This date cannot be in the future.")]


def test_imported_assignment_cannot_start_in_the_future(personas):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    row = assignment_row(personas.inspector.phone, personas.school_a.code, 开始日期=tomorrow)
    result = run_import("assignments", personas.county, [row])
    assert problems(result) == [(2, "开始日期", "This date cannot be in the future.")]


# 7. County settings: graver problems get shorter deadlines; reminders come before them ---------


def test_default_settings_satisfy_the_cross_field_rules(office_client, personas):
    settings = personas.county.settings
    assert (
        settings.deadline_days_major
        <= settings.deadline_days_serious
        <= settings.deadline_days_general
    )
    response = office_client.post(
        reverse("schools:county_settings"), factories.county_settings_form_data(settings)
    )
    assert response.status_code == 302


def test_graver_problems_cannot_get_longer_deadlines(office_client, personas):
    response = office_client.post(
        reverse("schools:county_settings"),
        factories.county_settings_form_data(
            personas.county.settings,
            deadline_days_general=10,
            deadline_days_serious=20,
            deadline_days_major=25,
        ),
    )
    errors = response.context["form"].errors
    assert errors["deadline_days_major"] == ["重大问题的整改期限不能长于较大问题（20 天）。"]
    assert errors["deadline_days_serious"] == ["较大问题的整改期限不能长于一般问题（10 天）。"]


@pytest.mark.parametrize("reminder", [0, 7, 9])
def test_reminder_comes_before_the_shortest_deadline(office_client, personas, reminder):
    settings = personas.county.settings
    response = office_client.post(
        reverse("schools:county_settings"),
        factories.county_settings_form_data(settings, reminder_days_before_deadline=reminder),
    )
    errors = response.context["form"].errors["reminder_days_before_deadline"]
    if reminder == 0:
        assert errors == ["确保该值大于或等于1。"]
    else:
        assert errors == ["应少于最短的整改期限或复查期限（7 天），否则整改事项一开出就会发提醒。"]
    settings.refresh_from_db()
    assert settings.reminder_days_before_deadline == 3
