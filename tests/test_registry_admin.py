"""Admin for every registry model: change lists search and filter, change forms open."""

import pytest
from django.contrib import admin
from django.urls import reverse

from inspectors.models import Assignment, Inspector
from meetings.models import CommitteeMember
from schools.models import (
    County,
    CountySettings,
    PrincipalTenure,
    School,
    SupervisionMatter,
    Township,
    Zone,
)
from tests.factories import CommitteeMemberFactory, ZoneFactory

pytestmark = pytest.mark.django_db

REGISTRY_MODELS = [
    County,
    CountySettings,
    Township,
    Zone,
    School,
    PrincipalTenure,
    SupervisionMatter,
    Inspector,
    Assignment,
    CommitteeMember,
]


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=lambda m: m.__name__)
def test_admin_searches_filters_and_opens_records(client, personas, model):
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields and model_admin.list_filter
    CommitteeMemberFactory(county=personas.county)
    ZoneFactory(county=personas.county)
    PrincipalTenure.objects.create(school=personas.school_a, name="王校长", started_on="2024-09-01")
    client.force_login(personas.superuser)
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert client.get(reverse(f"{name}_changelist"), {"q": "鲁沙尔"}).status_code == 200
    record = model.objects.first()
    assert client.get(reverse(f"{name}_change", args=[record.pk])).status_code == 200
