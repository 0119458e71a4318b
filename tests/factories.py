"""factory_boy factories for the registry. Invented data only: phones look like 1380000xxxx."""

import datetime

import factory

from accounts.models import Role, User
from inspectors.models import Assignment, Inspector, InspectorKind, InspectorStatus
from meetings.models import CommitteeMember, CommitteeRole
from schools.models import County, School, SchoolKind, Township, TownshipKind, Zone

PASSWORD = "pass-1234-word"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{630100 + n:06d}")
    name = factory.Sequence(lambda n: f"测试县{n}")
    city = "西宁市"
    province = "青海省"


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"测试镇{n}")
    kind = TownshipKind.TOWN


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"第{n}责任区")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    county = factory.SubFactory(CountyFactory)
    township = factory.SubFactory(TownshipFactory, county=factory.SelfAttribute("..county"))
    code = factory.Sequence(lambda n: f"{2163000000 + n:010d}")
    name = factory.Sequence(lambda n: f"测试小学{n}")
    kind = SchoolKind.PRIMARY
    students = 300
    teachers = 20
    principal_name = "王校长"
    phone = factory.Sequence(lambda n: f"0971-0000{n % 1000:03d}")


class InspectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspector

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"督学{n}")
    kind = InspectorKind.PART_TIME
    phone = factory.Sequence(lambda n: f"1380000{n % 10000:04d}")  # stored as 11 digits
    appointed_on = datetime.date(2024, 9, 1)
    term_ends_on = datetime.date(2027, 8, 31)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    inspector = factory.SubFactory(InspectorFactory)
    school = factory.SubFactory(SchoolFactory, county=factory.SelfAttribute("..inspector.county"))
    started_on = datetime.date(2024, 9, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)
    county = factory.SubFactory(CountyFactory)
    role = Role.OFFICE
    display_name = factory.Sequence(lambda n: f"用户{n}")


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"委员{n}")
    role = CommitteeRole.MEMBER
    term_starts_on = datetime.date(2024, 1, 1)


def inspector_form_data(**overrides) -> dict:
    """What the inspector form posts for a new part-time inspector."""
    return {
        "name": "祁督学",
        "kind": InspectorKind.PART_TIME,
        "status": InspectorStatus.ACTIVE,
        "phone": "13800005501",
        "appointed_on": "2025-09-01",
        "term_ends_on": "2028-08-31",
        **overrides,
    }


def county_settings_form_data(settings, **overrides) -> dict:
    """What the county settings page posts: the record's current values, with overrides."""
    data = {
        field.name: getattr(settings, field.name)
        for field in settings._meta.concrete_fields
        if field.name not in ("id", "county", "holiday_months")
    }
    data["inspectors_see_county"] = "on" if settings.inspectors_see_county else ""
    data["holiday_months"] = [2, 8]
    return {**data, **overrides}


def school_form_data(school, **overrides) -> dict:
    """What the school edit page posts for ``school``, with overrides."""
    data = {
        "code": school.code,
        "name": school.name,
        "kind": school.kind,
        "is_active": "on",
        "township": school.township.pk,
        "students": 300,
        "teachers": 2,
    }
    return {**data, **overrides}
