"""Query budgets of every list and dashboard page, at two data sizes.

The tiny province of the load benchmark (bench/province.py) has a county of 25 schools and one
of 10. Every page without an id in its address (lists, dashboards, home pages, forms) is opened
by the same role in both counties: it must answer in at most ``MAX_QUERIES`` queries, the same
number in both, and its <select>s must not grow with the county (a school or an inspector is
found by a search, not picked from a list of them all). The pages are found from the URL
configuration, so a new page is guarded without being named here.

"The same number" allows one query of difference: a list that is empty in one county skips the
query that would fetch its rows' relations (a prefetch with nothing to fetch). A query per row
cannot hide in that: 25 schools against 10 differ by fifteen.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role, User
from bench import province
from schools.models import County

MAX_QUERIES = 20
# Pages known to be over the budget, at most at these counts until they are brought under it.
OVER_BUDGET = {}
MAX_OPTIONS = 200
TODAY = datetime.date(2026, 11, 20)
# Not pages: files, redirects and endpoints without a page of their own.
SKIPPED = re.compile(
    r"^/(admin/|accounts/logout/|healthz|favicon\.ico|i18n/|visits/sw\.js)|export|\.xlsx|\.ics|print"
)


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        province.generate("tiny", seed=11, today=TODAY)
        yield
        transaction.set_rollback(True)


def page_paths() -> list[str]:
    """Every address of the site without a parameter."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and not re.search(r"[<(^$\\]", route):
                path = "/" + route
                if not SKIPPED.search(path):
                    found.append(path)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def _users_of(county: County) -> dict[str, User]:
    """One login per role; the principal and the inspector with the most to show."""
    users = User.objects.filter(county=county, is_active=True)
    return {
        Role.OFFICE: users.filter(role=Role.OFFICE).first(),
        Role.COMMITTEE: users.filter(role=Role.COMMITTEE).first(),
        Role.INSPECTOR: users.filter(role=Role.INSPECTOR)
        .annotate(n=Count("inspector__assignments"))
        .order_by("-n", "pk")
        .first(),
        Role.PRINCIPAL: users.filter(role=Role.PRINCIPAL)
        .annotate(n=Count("school__rectification_items"))
        .order_by("-n", "pk")
        .first(),
    }


def measure(client, user, path, *, warm: bool = True):
    client.force_login(user)
    if warm:
        client.get(path)  # per-process caches (content types, translations) filled first
        cache.clear()  # but the figures pages count again (dudao.snapshots), as first opened
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    html = response.content.decode() if "text/html" in response.get("Content-Type", "") else ""
    return response.status_code, len(queries), html.count("<option")


@pytest.mark.django_db
def test_pages_keep_their_query_budget_at_two_county_sizes(tiny, client):
    big, small = County.objects.order_by("code")[:2]
    assert big.schools.count() > 2 * small.schools.count()
    roles_big, roles_small = _users_of(big), _users_of(small)
    failures = []
    measured = 0
    for role in roles_big:
        for path in page_paths():
            status, queries, options = measure(client, roles_big[role], path)
            if status != 200:
                continue
            small_status, small_queries, _options = measure(
                client, roles_small[role], path, warm=False
            )
            measured += 1
            label = f"{role} {path}"
            if queries > OVER_BUDGET.get(path, MAX_QUERIES):
                failures.append(f"{label}: {queries} queries (budget {MAX_QUERIES})")
            if small_status == 200 and abs(small_queries - queries) > 1:
                failures.append(
                    f"{label}: {queries} queries for 25 schools, {small_queries} for 10"
                )
            if options > MAX_OPTIONS:
                failures.append(f"{label}: {options} <option>s")
    assert measured > 20  # the walk found the pages
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_province_user_pages_keep_the_budget(tiny, client):
    user = User.objects.get(username=province.PROVINCE_USER)
    failures = []
    for path in page_paths():
        status, queries, options = measure(client, user, path)
        if status == 200 and queries > OVER_BUDGET.get(path, MAX_QUERIES):
            failures.append(f"{path}: {queries} queries")
        if options > MAX_OPTIONS:
            failures.append(f"{path}: {options} <option>s")
    assert not failures, "\n".join(failures)
