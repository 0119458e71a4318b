"""The region role: a city or province user reads every county of the region and changes
nothing; counties outside the region do not exist for them."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role
from accounts.scoping import CHANGE, VIEW
from inspectors.models import Assignment, Inspector
from rectifications.models import RectificationItem
from schools.models import CountySettings, Region, RegionKind, School, Township
from tests import factories
from tests.factories_rectifications import make_item
from tests.factories_visits import matrix_draft_visit, matrix_submitted_visit
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(personas):
    """A second county of 西宁市, with a school and an inspector of its own."""
    county = factories.CountyFactory(code="630123", name="湟源县", region=personas.region.region)
    school = factories.SchoolFactory(county=county, name="湟源县城关小学")
    factories.AssignmentFactory(
        inspector=factories.InspectorFactory(county=county, name="马督学"), school=school
    )
    return county


def test_a_region_user_has_a_region_and_no_county(personas):
    region = personas.region.region
    make = factories.UserFactory
    with pytest.raises(IntegrityError), transaction.atomic():
        make(username="r1", role=Role.REGION, county=None, region=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        make(username="r2", role=Role.REGION, county=personas.county, region=region)
    with pytest.raises(IntegrityError), transaction.atomic():
        make(username="o1", role=Role.OFFICE, county=personas.county, region=region)
    other = Region.objects.create(code="320400", name="常州市", kind=RegionKind.CITY)
    assert make(username="r3", role=Role.REGION, county=None, region=other).pk


def test_a_region_user_reads_every_county_of_the_region_and_only_those(personas, neighbour):
    user = personas.region
    schools = set(School.objects.for_user(user).values_list("name", flat=True))
    assert schools == {"鲁沙尔镇中心学校", "鲁沙尔镇第二小学", "湟源县城关小学"}
    assert {i.name for i in Inspector.objects.for_user(user)} == {"李督学", "马督学"}
    assert Assignment.objects.for_user(user).count() == 2
    assert Township.objects.for_user(user).filter(county=personas.other_county).count() == 0
    assert CountySettings.objects.for_user(user).count() == 2


def test_a_region_user_changes_nothing(personas, neighbour):
    user = personas.region
    make_item(personas)
    for model in (School, Inspector, Assignment, Township, CountySettings, RectificationItem):
        assert model.objects.for_user(user, VIEW).exists(), model
        assert not model.objects.for_user(user, CHANGE).exists(), model


def test_a_region_user_reads_submitted_visits_but_never_drafts(personas):
    submitted = matrix_submitted_visit(personas)
    matrix_draft_visit(personas)
    assert list(Visit.objects.for_user(personas.region)) == [submitted]


def test_region_pages_read_each_county_and_refuse_changes(client, personas, neighbour):
    client.force_login(personas.region)
    listed = client.get(reverse("schools:school_list"))
    assert listed.status_code == 200
    assert "湟源县城关小学" in listed.content.decode()
    assert "河滨小学" not in listed.content.decode()
    # County pages: a picker among the region's counties; one outside the region is not there.
    coverage = reverse("schools:coverage")
    assert client.get(coverage, {"county": "630123"}).status_code == 200
    assert client.get(coverage, {"county": personas.other_county.code}).status_code == 404
    settings_url = reverse("schools:county_settings")
    assert client.get(settings_url, {"county": "630123"}).status_code == 200
    assert client.post(settings_url, {"monthly_visit_duty": 3}).status_code == 403
    # Changes: the office's pages turn a region user away.
    school = School.objects.get(name="湟源县城关小学")
    assert client.get(reverse("schools:school_edit", args=[school.pk])).status_code in (403, 404)
    assert client.get(reverse("schools:school_create")).status_code == 403
    assert client.get(reverse("accounts:user_list")).status_code == 403
