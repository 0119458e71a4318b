"""Report pages cost the same number of queries for few or many schools: every count is
grouped in the database (django_assert_max_num_queries at two data sizes)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rectifications.models import RectificationItem, RectificationState, SourceKind
from tests import factories
from tests.factories_visits import submitted_visit

pytestmark = pytest.mark.django_db

# Generous ceilings; the test's point is that the counts do not grow with the schools. The
# figures pages count again (``fresh``) rather than show what the first request counted.
PAGES = {
    "reports:dashboard": ("office", "?period=year&year={year}&fresh=1", 40),
    "reports:records": ("office", "?figure=opened&period=year&year={year}", 25),
    "reports:records#duty": ("office", "?figure=duty&period=year&year={year}", 25),
    "reports:region": ("region", "?period=month&month={year}-{month:02d}&fresh=1", 35),
    "reports:summary": ("committee", "?period=year&year={year}", 40),
    "reports:assessment": ("office", "?year={year}", 30),
    "reports:monthly_list": ("office", "", 20),
    "reports:my_page": ("inspector_user", "", 30),
    "reports:school_page": ("principal", "", 30),
}


def grow(personas, schools: int):
    """``schools`` more schools in three townships, each with an inspector, two visits this
    month and a rectification item."""
    county = personas.county
    townships = [factories.TownshipFactory(county=county) for _ in range(3)]
    now = timezone.now()
    for index in range(schools):
        school = factories.SchoolFactory(county=county, township=townships[index % 3])
        inspector = factories.InspectorFactory(county=county)
        factories.AssignmentFactory(inspector=inspector, school=school)
        for hours in (1, 2):
            submitted_visit(
                school=school,
                inspector=inspector,
                created_by=personas.office,
                arrived_at=now - datetime.timedelta(hours=hours),
            )
        RectificationItem.objects.create(
            county=county,
            school=school,
            matter=county.supervision_matters.first(),
            description="消防通道堵塞",
            deadline=timezone.localdate() - datetime.timedelta(days=index % 2),
            state=RectificationState.OPEN,
            source=SourceKind.SPECIAL,
            responsible_inspector=inspector,
            created_by=personas.office,
        )


def count_queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_query_counts_do_not_grow_with_the_schools(
    client, personas, page, django_assert_max_num_queries
):
    who, query, ceiling = PAGES[page]
    today = timezone.localdate()
    url = reverse(page.split("#")[0]) + query.format(year=today.year, month=today.month)
    user = getattr(personas, who)
    grow(personas, 3)
    small = count_queries(client, user, url)
    grow(personas, 12)
    with django_assert_max_num_queries(ceiling):
        large = count_queries(client, user, url)
    assert large == small, f"{page}: {small} queries for 5 schools, {large} for 17"
