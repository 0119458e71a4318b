"""Fixes from a code review of the registry: rules on the models, one phone cleaner, queries."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

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
