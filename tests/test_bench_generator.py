"""The province generator of the load benchmark (bench/province.py) at its tiny size: the rows
it writes hang together, it is deterministic, and every role's pages render on what it made."""

import datetime

import pytest
from django.db import transaction

from accounts.models import Role, User
from bench import province
from inspectors.models import Assignment, Inspector
from rectifications.models import RectificationEvent, RectificationItem, RectificationState
from schools.models import County, Region, School
from visits.models import Visit, VisitProblem, VisitStatus

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    """The tiny province, made once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        counts = province.generate("tiny", seed=7, today=TODAY)
        yield counts
        transaction.set_rollback(True)


class DryWriter(province.Writer):
    """Keeps the rows instead of writing them; keys count from 1."""

    def __init__(self):
        super().__init__()
        self.rows = []

    def pks(self, model, count):
        start = self.next_pk.setdefault(model, 1)
        self.next_pk[model] = start + count
        return range(start, start + count)

    def write(self, model, rows):
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)
        self.rows += [(model._meta.label, sorted(row.items())) for row in rows]

    def reset_sequences(self):
        pass


@pytest.mark.django_db  # the generator writes in one transaction, even when a writer keeps rows
def test_same_seed_same_province_and_another_seed_another():
    def rows(seed):
        writer = DryWriter()
        province.generate("tiny", seed=seed, today=TODAY, writer=writer)
        # Password hashes are salted; everything else must match to the row.
        return [(label, [(k, v) for k, v in row if k != "password"]) for label, row in writer.rows]

    first = rows(7)
    assert first == rows(7)
    assert first != rows(8)


@pytest.mark.django_db
def test_counts_and_shape(tiny):
    size = province.SIZES["tiny"]
    assert County.objects.count() == size.counties
    assert School.objects.count() == size.schools
    assert Inspector.objects.count() == size.inspectors
    assert tiny["schools.School"] == size.schools
    big, small = County.objects.order_by("code")[:2]
    assert big.schools.count() == size.big_county
    assert small.schools.count() == size.small_county
    # Every open school is covered, led by one inspector.
    for school in School.objects.filter(is_active=True):
        current = Assignment.objects.current().filter(school=school)
        assert current.filter(is_lead=True).count() == 1
    # A visit per school in most school months; submitted ones are numbered.
    visits = Visit.objects.all()
    assert visits.count() == tiny["visits.Visit"] > size.schools * (size.months - 1)
    assert not visits.filter(status=VisitStatus.SUBMITTED, record_serial__isnull=True).exists()
    # Each problem became an item, with its history starting at "opened".
    assert VisitProblem.objects.filter(rectification_item__isnull=True).count() == 0
    assert RectificationItem.objects.count() == VisitProblem.objects.count() > 0
    assert RectificationEvent.objects.filter(action="opened").count() == (
        RectificationItem.objects.count()
    )
    states = set(RectificationItem.objects.values_list("state", flat=True))
    assert {RectificationState.OPEN, RectificationState.CLOSED} <= states
    # One password hash for every generated login, and the load run's logins exist.
    assert User.objects.values("password").distinct().count() == 1
    for username in (
        province.BIG_OFFICE,
        province.SMALL_OFFICE,
        province.BENCH_INSPECTOR,
        province.BENCH_PRINCIPAL,
        province.PROVINCE_USER,
    ):
        assert User.objects.get(username=username).check_password(province.PASSWORD)
    assert Region.objects.get().counties.count() == size.counties


LOGIN_PAGES = {
    province.BIG_OFFICE: [
        "/",
        "/schools/",
        "/schools/coverage/",
        "/inspectors/",
        "/visits/",
        "/rectifications/",
        "/rectifications/summary/",
    ],
    province.SMALL_OFFICE: ["/", "/schools/", "/visits/", "/rectifications/"],
    province.BENCH_INSPECTOR: ["/", "/visits/mine/", "/rectifications/mine/"],
    province.BENCH_PRINCIPAL: ["/", "/visits/feedback/", "/rectifications/ours/"],
    province.PROVINCE_USER: ["/"],
}


@pytest.mark.django_db
def test_pages_render_on_the_tiny_province(tiny, client):
    for username, paths in LOGIN_PAGES.items():
        client.force_login(User.objects.get(username=username))
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (username, path)
    office = User.objects.get(username=province.BIG_OFFICE)
    client.force_login(office)
    visit = Visit.objects.filter(school__county=office.county, problems__isnull=False).first()
    assert client.get(f"/visits/{visit.pk}/").status_code == 200
    item = visit.rectification_items.first()
    assert client.get(f"/rectifications/{item.pk}/").status_code == 200
    principal = User.objects.get(username=province.BENCH_PRINCIPAL)
    assert principal.role == Role.PRINCIPAL


@pytest.mark.django_db
def test_plaque_flags_agree_with_the_full_statuses(tiny):
    """The coverage counts weigh every school by ``plaques.flags`` (plain values); they must say
    what the full ``statuses`` say, outdated plaques included."""
    from inspectors.plaques import flags, statuses

    outdated = 0
    for county in County.objects.all():
        schools = School.objects.filter(county=county).active()
        full = statuses(schools, county=county)
        quick = flags(schools, counties=(county,))
        assert [f.school_id for f in quick] == [s.school.pk for s in full]
        for status, found in zip(full, quick, strict=True):
            assert (found.is_posted, found.is_current, found.is_outdated) == (
                status.is_posted,
                status.is_current,
                status.is_outdated,
            )
            assert (found.lacks_photo, found.has_inspector) == (
                status.lacks_photo,
                status.has_inspector,
            )
        outdated += sum(f.is_outdated for f in quick)
    assert outdated  # the generator made some plaques outdated
