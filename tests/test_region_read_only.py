"""A region user (西宁市) reads its counties and changes nothing: every URL of the URL-by-role
table, POSTed as the region user, leaves every table as it was."""

import pytest
from django.apps import apps
from django.urls import reverse

from tests.test_url_matrix import CASES

pytestmark = pytest.mark.django_db

# The region user's own session and account: signing out, its password, its language and its
# own notifications are not county data.
OWN_ACCOUNT = {"login", "logout", "password_change", "notifications:read_all"}
SKIPPED_TABLES = {"django_session"}
# The reports pages that take a POST (compiling a month, adjusting or commending an inspector).
POSTED_FORMS = {"reports:monthly_list", "reports:assessment_detail"}


def _snapshot() -> dict[str, list]:
    """Every row of every table, in primary-key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.db_table not in SKIPPED_TABLES
    }


def test_a_region_user_posting_anywhere_changes_nothing(client, personas):
    urls = {
        name: reverse(name, kwargs=case.kwargs(personas))
        for name, case in CASES.items()
        if case is not None and name not in OWN_ACCOUNT
    }
    client.force_login(personas.region)
    before = _snapshot()
    statuses = {}
    for name, url in urls.items():
        # Filled like a form that would pass, so a missing permission check would save it.
        data = {"name": "区域用户", "reason": "试一试", "month": "2026-09", "points": "5"}
        statuses[name] = client.post(url, data).status_code
    after = _snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert changed == [], changed
    # The reports pages that only read refuse a POST outright; the forms refuse the region user.
    for name, status in statuses.items():
        if name.startswith("reports:"):
            expected = (403, 404) if name in POSTED_FORMS else (405,)
            assert status in expected, f"{name}: {status}"
