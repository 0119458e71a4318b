"""A county's registry version: every write to its registry makes a new one, in the writing
transaction, and the coverage page is kept under it (never out of date, never recounted while
nothing changed)."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import schools.home
import schools.views
from inspectors.models import Assignment, Inspector, Plaque
from inspectors.services import make_lead
from schools.models import (
    County,
    CountySettings,
    RegistryVersion,
    School,
    SupervisionMatter,
    Township,
    Zone,
)
from tests import factories
from tests.factories_plaques import plaque_of, posted

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(personas):
    """The persona county's registry with a second inspector at school B and a zone."""
    county = personas.county
    second = factories.InspectorFactory(county=county, name="王督学")
    factories.AssignmentFactory(inspector=second, school=personas.school_b, is_lead=False)
    factories.ZoneFactory(county=county, name="第一责任区")
    return personas


def _bulk_assign(p):
    Assignment.objects.bulk_create(
        [Assignment(inspector=p.inspector, school=p.school_a, started_on=datetime.date(2026, 1, 1))]
    )


def _bulk_rename(p):
    p.school_a.name = "鲁沙尔镇中心学校（新）"
    School.objects.bulk_update([p.school_a], ["name"])


def _make_second_lead(p):
    make_lead(assignment=Assignment.objects.get(school=p.school_b, inspector__name="王督学"))


WRITES = {
    "county saved": lambda p: County.objects.get(pk=p.county.pk).save(),
    "county settings saved": lambda p: CountySettings.objects.get(county=p.county).save(),
    "county settings updated": lambda p: CountySettings.objects.filter(county=p.county).update(
        figures_refresh_minutes=30
    ),
    "township renamed": lambda p: Township.objects.filter(county=p.county).update(name="新镇"),
    "zone saved": lambda p: Zone.objects.get(county=p.county).save(),
    "school saved": lambda p: p.school_a.save(),
    "school added": lambda p: factories.SchoolFactory(county=p.county),
    "schools updated in bulk": _bulk_rename,
    "matter updated": lambda p: SupervisionMatter.objects.filter(county=p.county).update(
        is_active=False
    ),
    "inspector saved": lambda p: Inspector.objects.get(pk=p.inspector.pk).save(),
    "assignment added": lambda p: factories.AssignmentFactory(
        inspector=p.inspector, school=p.school_a
    ),
    "assignments added in bulk": _bulk_assign,
    "lead changed": _make_second_lead,
    "assignment deleted": lambda p: Assignment.objects.filter(school=p.school_b).first().delete(),
    "assignments deleted": lambda p: Assignment.objects.filter(school=p.school_b).delete(),
    "plaque issued": lambda p: plaque_of(p.school_a),
    "plaque posted": lambda p: posted(p.school_b, p.office),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_each_write_to_a_county_registry_gives_that_county_alone_a_new_version(registry, write):
    county, other = registry.county, registry.other_county
    factories.SchoolFactory(county=other)  # the other county has a version too
    before = RegistryVersion.objects.current(county)
    other_before = RegistryVersion.objects.current(other)
    assert before is not None and other_before is not None

    write(registry)

    assert RegistryVersion.objects.current(county) != before
    assert RegistryVersion.objects.current(other) == other_before


def test_a_school_moved_to_another_county_changes_both(personas):
    before = RegistryVersion.objects.current(personas.county)
    other_before = RegistryVersion.objects.current(personas.other_county)
    school = School.objects.get(pk=personas.school_a.pk)
    school.county = personas.other_county
    school.save()
    assert RegistryVersion.objects.current(personas.county) != before
    assert RegistryVersion.objects.current(personas.other_county) != other_before


def test_a_write_rolled_back_keeps_the_version(personas):
    before = RegistryVersion.objects.current(personas.county)
    with pytest.raises(RuntimeError), transaction.atomic():
        School.objects.filter(pk=personas.school_a.pk).update(name="不算数")
        raise RuntimeError
    assert RegistryVersion.objects.current(personas.county) == before


def test_deleting_a_county_deletes_its_version():
    county = factories.CountyFactory()
    assert RegistryVersion.objects.current(county) is not None
    County.objects.filter(pk=county.pk).delete()
    assert not RegistryVersion.objects.filter(county_id=county.pk).exists()


@pytest.fixture
def counted(monkeypatch):
    """How many times the coverage page worked its report out."""
    calls = []
    original = schools.views.coverage_report

    def counting(**kwargs):
        calls.append(kwargs["county"])
        return original(**kwargs)

    monkeypatch.setattr(schools.views, "coverage_report", counting)
    return calls


def report_of(page: str) -> str:
    return page[page.index('<div class="alert') : page.index("</main>")]


def test_coverage_is_kept_until_the_registry_changes(client, personas, counted):
    url = reverse("schools:coverage")
    posted(personas.school_b, personas.office)
    client.force_login(personas.office)

    first = client.get(url).content.decode()
    again = client.get(url).content.decode()
    assert len(counted) == 1
    assert report_of(again) == report_of(first)
    assert "2 所在办学校中，1 所有在岗督学。" in first

    # The inspector's new phone makes the posted plaque outdated: shown at once.
    inspector = Inspector.objects.get(pk=personas.inspector.pk)
    inspector.phone = "13912345678"
    inspector.save()
    changed = client.get(url).content.decode()
    assert len(counted) == 2
    assert "李督学的电话已变更。" in changed

    # An ended assignment leaves the school without an inspector: shown at once.
    Assignment.objects.filter(school=personas.school_b).update(ended_on=timezone.localdate())
    ended = client.get(url).content.decode()
    assert len(counted) == 3
    assert "2 所在办学校中，0 所有在岗督学。" in ended


def test_coverage_is_kept_per_reader_and_per_day(client, personas, counted, monkeypatch):
    url, assign_url = reverse("schools:coverage"), reverse("inspectors:assignment_create")
    client.force_login(personas.office)
    assert assign_url in client.get(url).content.decode()
    client.force_login(personas.committee)
    assert assign_url not in client.get(url).content.decode()
    assert len(counted) == 2

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(schools.views.timezone, "localdate", lambda: tomorrow)
    client.get(url)
    assert len(counted) == 3


def test_coverage_counts_afresh_without_a_cache(client, personas, counted, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(personas.office)
    client.get(reverse("schools:coverage"))
    client.get(reverse("schools:coverage"))
    assert len(counted) == 2


def test_an_unchanged_registry_is_read_without_recounting(client, personas, counted):
    plaque = plaque_of(personas.school_a)
    client.force_login(personas.office)
    client.get(reverse("schools:coverage"))
    # Reading records changes nothing.
    list(Plaque.objects.filter(pk=plaque.pk))
    client.get(reverse("inspectors:plaque_list"))
    client.get(reverse("schools:coverage"))
    assert len(counted) == 1


def test_the_home_card_is_kept_until_the_registry_changes(client, personas, monkeypatch):
    calls = []
    original = schools.home.coverage_report
    monkeypatch.setattr(
        schools.home, "coverage_report", lambda **kw: calls.append(1) or original(**kw)
    )
    client.force_login(personas.office)
    client.get(reverse("home"))
    page = client.get(reverse("home")).content.decode()
    assert len(calls) == 1
    assert "1 / 2" in page

    factories.AssignmentFactory(inspector=personas.inspector, school=personas.school_a)
    assert "2 / 2" in client.get(reverse("home")).content.decode()
    assert len(calls) == 2
