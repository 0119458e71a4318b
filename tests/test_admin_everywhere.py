"""Every model of the project can be reached in the admin: its own searchable list, or inline."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROJECT_APPS = [
    "accounts",
    "schools",
    "inspectors",
    "visits",
    "rectifications",
    "meetings",
    "reports",
]
MODELS = [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


INLINED = {
    inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines
}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_model_has_a_searchable_admin_that_opens(client, personas, model):
    if model not in admin.site._registry:
        assert model in INLINED, f"{model._meta.label} has no admin"
        return
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields, f"{model._meta.label} admin has no search"
    client.force_login(personas.superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url, {"q": "鲁沙尔"}).status_code == 200
