"""The home page shows each role what to do next, in a bounded number of queries."""

import re

import pytest
from django.urls import reverse

from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_office_home_shows_coverage_and_what_is_missing(client, personas):
    SchoolFactory(county=personas.county, township=personas.school_a.township, name="无督学小学")
    client.force_login(personas.office)
    page = client.get(reverse("home")).content.decode()
    assert "查看全覆盖待办" in page
    assert "尚未全覆盖" in page
    assert "1 / 3" in page  # only school_b has an inspector
    assert "2 所学校无责任督学" in page


def test_principal_home_has_no_county_cards(client, personas):
    client.force_login(personas.principal)
    page = client.get(reverse("home")).content.decode()
    assert "查看全覆盖待办" not in page
    assert personas.school_a.name in page


@pytest.mark.parametrize("role", ["principal", "inspector", "committee", "office", "superuser"])
def test_home_query_count_is_bounded(client, personas, django_assert_max_num_queries, role):
    client.force_login(personas.by_role()[role])
    with django_assert_max_num_queries(40):
        assert client.get(reverse("home")).status_code == 200


def test_principal_home_links_to_their_school(client, personas):
    client.force_login(personas.principal)
    page = client.get(reverse("home")).content.decode()
    url = reverse("schools:school_detail", args=[personas.school_a.pk])
    assert re.search(rf'<a [^>]*href="{url}"[^>]*>{personas.school_a.name}</a>', page)
    assert client.get(url).status_code == 200
