"""The registry lists' rows (registry_tags: addresses and coverage badges worked out once per
rendering) and the coverage page's queries, the same whether its lists are cut or not."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load registry_tags %}" + source).render(Context(context))


def test_row_url_is_the_detail_page_and_refuses_a_page_not_ending_with_its_id(personas):
    school = personas.school_a
    assert render("{% row_url 'schools:school_detail' school.pk %}", school=school) == reverse(
        "schools:school_detail", args=[school.pk]
    )
    plaque = render("{% row_url 'inspectors:plaque' school.pk %}", school=school)
    assert plaque == reverse("inspectors:plaque", args=[school.pk])
    with pytest.raises(ValueError):
        render("{% row_url 'inspectors:inspector_edit' 1 %}")


def test_the_school_list_badges_each_schools_coverage(client, personas):
    county, township = personas.county, personas.school_a.township
    settings = county.settings
    settings.min_inspectors_per_central_school = 2
    settings.save()
    central = factories.SchoolFactory(county=county, township=township, is_central=True)
    factories.AssignmentFactory(inspector=personas.inspector, school=central)
    closed = factories.SchoolFactory(county=county, township=township, is_active=False)
    client.force_login(personas.office)
    page = client.get(reverse("schools:school_list"), {"township": township.pk})
    html = page.content.decode()
    assert "1 名督学，未达最低要求" in html  # the central school, one of two
    assert "1 名督学</span>" in html  # school B
    assert "无督学" in html and "已停办" in html  # school A, and the closed school
    assert f'href="{reverse("schools:school_detail", args=[closed.pk])}"' in html
    assert personas.school_a.get_kind_display() in html


def test_the_inspector_list_shows_each_inspectors_load_and_term(client, personas):
    settings = personas.county.settings
    settings.school_load_per_inspector = 1
    settings.term_warning_days = 60
    settings.save()
    busy = factories.InspectorFactory(
        county=personas.county,
        name="忙碌督学",
        term_ends_on=datetime.date.today() + datetime.timedelta(days=10),
    )
    for school in (personas.school_a, personas.school_b):
        factories.AssignmentFactory(inspector=busy, school=school)
    client.force_login(personas.office)
    response = client.get(reverse("inspectors:inspector_list"), {"q": "忙碌"})
    html = response.content.decode()
    assert "2 / 1" in html and "text-bg-danger" in html  # over the county's load of one
    assert "text-warning-emphasis fw-semibold" in html  # the term ends within the warning
    assert f'href="{reverse("inspectors:inspector_detail", args=[busy.pk])}"' in html


def test_coverage_takes_as_many_queries_with_its_lists_cut_as_without(
    client, personas, monkeypatch, django_assert_num_queries, settings
):
    """Each list's total comes with its rows: a list longer than the page shows costs no COUNT
    of its own (it did, so a big county took a query more than a small one). Counted each
    time: nothing kept under the registry version."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    monkeypatch.setattr("schools.views.COVERAGE_ROWS", 3)
    county, township = personas.county, personas.school_a.township
    client.force_login(personas.office)
    url = reverse("schools:coverage")
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        report = client.get(url).context["report"]
    queries = len(short)
    assert not report.uncovered.is_capped and not report.plaques.unposted.is_capped

    factories.SchoolFactory.create_batch(6, county=county, township=township)
    factories.InspectorFactory.create_batch(
        5, county=county, term_ends_on=datetime.date.today() + datetime.timedelta(days=5)
    )
    with django_assert_num_queries(queries):
        report = client.get(url).context["report"]
    assert report.uncovered.is_capped and report.uncovered.total == 7
    assert report.terms_ending.is_capped and report.plaques.unposted.is_capped
