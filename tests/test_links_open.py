"""A page links only to what its reader may open: following every link from home, three clicks
deep, each role meets no 403 or 404 (a principal's school page once linked to its central
school, which answers 404 for them)."""

import html
import re
from collections import deque

import pytest
from django.urls import reverse

from rectifications import services as rect_services
from tests import factories
from tests.factories_rectifications import make_item
from tests.factories_visits import VisitFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)')
SKIPPED = ("/accounts/logout/", "/admin/", "/static/", "/i18n/")


def crawl(client, start: str, *, depth: int = 3, limit: int = 300) -> dict[str, int]:
    """Status of every page reached by following links from ``start`` up to ``depth`` clicks."""
    seen = {start: 0}
    statuses = {}
    queue = deque([start])
    while queue and len(statuses) < limit:
        url = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        if seen[url] >= depth or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = html.unescape(href)
            if href.startswith(SKIPPED) or href in seen:
                continue
            seen[href] = seen[url] + 1
            queue.append(href)
    return statuses


@pytest.fixture
def linked_county(personas):
    """School A (the principal's) belongs to a central school; its visit found a problem that is
    on a notice; the persona inspector also joined a visit at a school not theirs."""
    county = personas.county
    central = factories.SchoolFactory(
        county=county, township=personas.school_a.township, name="鲁沙尔镇中心校", is_central=True
    )
    personas.school_a.central_school = central
    personas.school_a.save()
    matter = county.supervision_matters.get(number=6)
    visit = VisitFactory(
        school=personas.school_a, inspector=personas.inspector, created_by=personas.inspector_user
    )
    visit.problems.create(matter=matter, description="消防通道堆放杂物")
    visit.submit(personas.inspector_user)
    rect_services.issue_notice(
        school=personas.school_a,
        items=[make_item(personas)],
        inspector=personas.inspector,
        actor=personas.office,
    )
    elsewhere = factories.SchoolFactory(county=county, name="多巴镇中心学校")
    colleague = factories.InspectorFactory(county=county, name="王督学")
    factories.AssignmentFactory(inspector=colleague, school=elsewhere)
    joined = VisitFactory(school=elsewhere, inspector=colleague, created_by=personas.office)
    joined.co_inspectors.add(personas.inspector)
    joined.problems.create(matter=matter, description="围墙破损")
    joined.submit(personas.office)
    return personas


@pytest.mark.parametrize("role", ["principal", "inspector_user", "committee", "office"])
@pytest.mark.parametrize("inspectors_see_county", [True, False])
def test_every_link_a_role_is_shown_opens(client, linked_county, role, inspectors_see_county):
    personas = linked_county
    settings = personas.county.settings
    settings.inspectors_see_county = inspectors_see_county
    settings.save()
    client.force_login(getattr(personas, role))

    statuses = crawl(client, reverse("home"))

    broken = {url: status for url, status in statuses.items() if status in (403, 404)}
    assert not broken, f"{role} is shown links that do not open: {broken}"
    assert len(statuses) > 5  # the crawl went somewhere


def test_a_principal_sees_the_central_school_by_name_only(client, linked_county):
    personas = linked_county
    client.force_login(personas.principal)
    page = client.get(reverse("schools:school_detail", args=[personas.school_a.pk]))
    central = personas.school_a.central_school
    assert central.name in page.content.decode()
    assert reverse("schools:school_detail", args=[central.pk]) not in page.content.decode()
    client.force_login(personas.office)
    page = client.get(reverse("schools:school_detail", args=[personas.school_a.pk]))
    assert reverse("schools:school_detail", args=[central.pk]) in page.content.decode()
