"""Gaps an audit found in the registry: principal turnover, phones, dates and settings rules."""

import pytest
from django.urls import reverse

from schools.models import SchoolKind

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
        {
            "code": school.code,
            "name": school.name,
            "kind": SchoolKind.PRIMARY,
            "is_active": "on",
            "township": school.township.pk,
            "students": 10,
            "teachers": 2,
            "principal_name": "篡改校长",
            "principal_phone": "13900000000",
        },
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
