"""seed_demo: the Huangzhong demo county of DOMAIN.md, a small Jintan, demo logins; safe twice.

The command runs once per module (rolled back afterwards, so other modules start from an empty
database); each test then reads, or works inside its own savepoint.
"""

import datetime
import io
import statistics
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from inspectors.models import Assignment, Inspector, InspectorKind
from meetings.models import CommitteeMember, CommitteeRole
from schools.demo import DEMO_PASSWORD, DemoContext, huangzhong
from schools.models import County, PrincipalTenure, School, SchoolKind, Township, Zone

TOWNS = [
    "鲁沙尔镇",
    "多巴镇",
    "拦隆口镇",
    "上新庄镇",
    "田家寨镇",
    "甘河滩镇",
    "共和镇",
    "西堡镇",
    "上五庄镇",
    "李家山镇",
]
TOWNSHIPS = ["海子沟乡", "土门关乡", "汉东回族乡", "大才回族乡", "群加藏族乡"]
JINTAN_SCHOOLS = {
    "金坛区第五中学",
    "华罗庚中学",
    "河滨小学",
    "西旸小学",
    "朱林中学",
    "朱林中心小学",
    "东城实验小学",
}
LOGIN_ROLES = {
    "admin": None,
    "office": Role.OFFICE,
    "committee": Role.COMMITTEE,
    "inspector": Role.INSPECTOR,
    "principal": Role.PRINCIPAL,
    "jintan_office": Role.OFFICE,
    "region": Role.REGION,
}
COUNTED = [County, Township, Zone, School, PrincipalTenure, Inspector, Assignment]
COUNTED += [Inspector.themes.through, CommitteeMember, User]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return County.objects.get(code="630122")


def current_assignments(county):
    return Assignment.objects.filter(school__county=county, ended_on__isnull=True)


def test_townships_are_huangzhongs_by_their_real_names(demo):
    places = dict(Township.objects.filter(county=demo).values_list("name", "kind"))
    assert sorted(name for name, kind in places.items() if kind == "town") == sorted(TOWNS)
    assert sorted(name for name, kind in places.items() if kind == "township") == sorted(TOWNSHIPS)
    assert [kind for kind in places.values() if kind == "subdistrict"] == ["subdistrict"]
    assert (demo.name, demo.city, demo.province) == ("湟中县", "西宁市", "青海省")
    assert Zone.objects.filter(county=demo).count() >= 5


def test_about_two_hundred_schools_of_every_kind(demo):
    schools = School.objects.filter(county=demo)
    assert 180 <= schools.count() <= 220
    kinds = set(schools.values_list("kind", flat=True))
    assert kinds == set(SchoolKind.values)
    centrals = schools.filter(is_central=True)
    assert sorted(centrals.values_list("township__name", flat=True)) == sorted(TOWNS + TOWNSHIPS)
    points = schools.filter(kind=SchoolKind.TEACHING_POINT)
    assert not points.filter(central_school__isnull=True).exists()
    assert schools.filter(is_public=False).count() >= 3
    assert schools.filter(is_boarding=True).count() >= 10
    assert schools.filter(is_active=False).exists()
    for school in schools:
        school.full_clean()
        assert Decimal("36.4") <= school.latitude <= Decimal("36.7")
        assert Decimal("101.3") <= school.longitude <= Decimal("101.8")
        assert school.principal_phone.startswith("138-0000-")


def test_inspectors_special_and_part_time(demo):
    inspectors = Inspector.objects.filter(county=demo)
    special = inspectors.filter(kind=InspectorKind.SPECIAL)
    part_time = inspectors.filter(kind=InspectorKind.PART_TIME)
    assert (special.count(), part_time.count()) == (41, 54)
    assert not Assignment.objects.filter(inspector__kind=InspectorKind.SPECIAL).exists()
    assert not special.filter(themes__isnull=True).exists()
    themes = set(special.values_list("themes__number", flat=True))
    assert {6, 7} <= themes  # campus safety, canteen food
    assert part_time.filter(employer_school__isnull=False).count() >= 10
    assert not part_time.filter(zone__isnull=True).exists()
    assert len(set(inspectors.values_list("phone", flat=True))) == 95
    for inspector in inspectors:
        inspector.full_clean()


def test_full_coverage_and_central_schools_with_two_or_more(demo):
    current = current_assignments(demo).filter(inspector__status="active")
    covered = set(current.values_list("school_id", flat=True))
    active = School.objects.filter(county=demo, is_active=True)
    assert not active.exclude(pk__in=covered).exists()
    minimum = demo.settings.min_inspectors_per_central_school
    assert minimum == 2
    for school in active.filter(is_central=True):
        assert current.filter(school=school).count() >= minimum, school


def test_assignments_respect_recusal_and_model_rules(demo):
    assignments = Assignment.objects.filter(school__county=demo)
    assert not assignments.filter(school=F("inspector__employer_school")).exists()
    assert not assignments.exclude(inspector__county=demo).exists()
    for assignment in assignments.select_related("inspector", "school"):
        assignment.full_clean()


def test_load_rotation_terms_and_history_give_the_coverage_page_rows(demo):
    settings = demo.settings
    today = timezone.localdate()
    loads = [
        current_assignments(demo).filter(inspector=inspector).count()
        for inspector in Inspector.objects.filter(county=demo, kind=InspectorKind.PART_TIME)
    ]
    assert 3.5 <= statistics.mean(loads) <= settings.school_load_per_inspector
    assert settings.school_load_per_inspector < max(loads) <= settings.school_load_per_inspector + 1
    rotation_cutoff = settings.rotation_cutoff(today)
    assert current_assignments(demo).filter(started_on__lte=rotation_cutoff).exists()
    warning = today + datetime.timedelta(days=settings.term_warning_days)
    ending = Inspector.objects.filter(county=demo, term_ends_on__range=(today, warning))
    assert 1 <= ending.count() <= 6
    assert Assignment.objects.filter(school__county=demo, ended_on__isnull=False).exists()


def test_committee_is_chaired_by_the_deputy_county_head(demo):
    members = CommitteeMember.objects.filter(county=demo)
    chair = members.get(role=CommitteeRole.CHAIR)
    assert "副县长" in chair.organisation
    vice_chairs = members.filter(role=CommitteeRole.VICE_CHAIR)
    assert "湟中县教育局局长" in vice_chairs.values_list("organisation", flat=True)
    assert members.filter(role=CommitteeRole.MEMBER).count() >= 5
    assert members.filter(role=CommitteeRole.OFFICE_DIRECTOR).count() == 1


def test_jintan_is_a_separate_small_county(demo, client):
    jintan = County.objects.get(code="320482")
    assert (jintan.name, jintan.city, jintan.province) == ("金坛区", "常州市", "江苏省")
    schools = School.objects.filter(county=jintan)
    assert set(schools.values_list("name", flat=True)) == JINTAN_SCHOOLS
    covered = set(current_assignments(jintan).values_list("school_id", flat=True))
    assert set(schools.values_list("pk", flat=True)) == covered
    assert Inspector.objects.filter(county=jintan).count() >= 2
    jintan_office = User.objects.get(username="jintan_office")
    assert set(School.objects.for_user(jintan_office)) == set(schools)
    office = User.objects.get(username="office")
    assert not School.objects.for_user(office).filter(county=jintan).exists()


@pytest.mark.parametrize("username", LOGIN_ROLES)
def test_demo_login_signs_in_and_sees_home(demo, client, username):
    user = User.objects.get(username=username)
    assert user.role == (LOGIN_ROLES[username] or "")
    assert user.is_superuser == (username == "admin")
    assert not user.must_change_password
    assert client.login(username=username, password=DEMO_PASSWORD)
    response = client.get(reverse("home"))
    assert response.status_code == 200


def test_demo_principal_is_covered_by_the_demo_inspector(demo):
    inspector = User.objects.get(username="inspector").inspector
    school = User.objects.get(username="principal").school
    assert inspector.kind == InspectorKind.PART_TIME
    assert current_assignments(demo).filter(inspector=inspector, school=school).exists()
    assert inspector.employer_school_id != school.pk
    tenure = school.principal_tenures.get(ended_on__isnull=True)
    assert tenure.user.username == "principal"
    assert CommitteeMember.objects.get(county=demo, role=CommitteeRole.CHAIR).user.username == (
        "committee"
    )


def test_output_lists_every_login_with_the_password(demo_output):
    assert DEMO_PASSWORD in demo_output
    for username in LOGIN_ROLES:
        assert f"  {username} " in demo_output


def test_second_run_creates_and_changes_nothing(demo):
    def snapshot():
        rows = {model: model.objects.count() for model in COUNTED}
        rows["schools"] = list(School.objects.order_by("code").values())
        rows["assignments"] = list(Assignment.objects.order_by("pk").values())
        rows["users"] = list(User.objects.order_by("pk").values())
        return rows

    before = snapshot()
    assert "没有新建" in seed()
    assert snapshot() == before


def test_plan_is_deterministic_and_keyed_the_same_on_any_day():
    ctx = DemoContext(today=datetime.date(2026, 3, 1))
    plan = huangzhong.build_plan(ctx.today, ctx.random("huangzhong"))
    assert plan == huangzhong.build_plan(ctx.today, ctx.random("huangzhong"))
    # Only dates follow the day, so a run next month still finds every row by its key.
    later = huangzhong.build_plan(datetime.date(2026, 11, 20), ctx.random("huangzhong"))

    def keys(plan):
        pairs = {(row.inspector, row.school) for row in plan.assignments}
        return [row.code for row in plan.schools], [row.phone for row in plan.inspectors], pairs

    assert keys(later) == keys(plan)


def test_refuses_to_run_with_debug_off_unless_forced(db):
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.postgres
def test_demo_on_postgresql(demo):
    assert connection.vendor == "postgresql"
    before = {model: model.objects.count() for model in COUNTED}
    seed()
    assert {model: model.objects.count() for model in COUNTED} == before
    assert School.objects.filter(county=demo).count() >= 180
