"""Fixes from a code review of the registry: rules on the models, one phone cleaner, queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from inspectors.models import Assignment
from schools.importing import cells

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
    data = {
        "code": school.code,
        "name": school.name,
        "kind": school.kind,
        "is_active": "on",
        "township": school.township.pk,
        "students": 300,
        "teachers": 2,
        "phone": typed,
    }
    response = client.post(reverse("schools:school_edit", args=[school.pk]), data)
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.phone == cells.phone(typed) == "13800003333"
