"""A county's demo registry as plain data, and the code that stores it without duplicates.

A builder (``huangzhong.py``, ``jintan.py``) describes a county as a ``CountyPlan``; ``save_plan``
creates whatever of it is missing, keyed on natural keys: county code, township and zone names,
school codes, inspector phones, (inspector, school) pairs and committee member names. Rows that
already exist are left as they are, so a second run, or a run after the office edited demo rows,
changes nothing.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from inspectors.models import Assignment, Inspector
from meetings.models import CommitteeMember
from schools.models import County, PrincipalTenure, School, SupervisionMatter, Township, Zone


@dataclass
class SchoolRow:
    code: str
    name: str
    kind: str
    township: str
    zone: str | None
    students: int
    teachers: int
    principal_name: str
    principal_phone: str
    principal_since: datetime.date
    address: str
    latitude: Decimal
    longitude: Decimal
    phone: str = ""
    is_central: bool = False
    central: str | None = None  # code of the central school
    is_public: bool = True
    is_boarding: bool = False
    is_active: bool = True


@dataclass
class InspectorRow:
    phone: str
    name: str
    kind: str
    employer: str
    post: str
    certificate_no: str
    appointed_on: datetime.date
    term_ends_on: datetime.date
    zone: str | None = None
    employer_school: str | None = None  # code
    themes: tuple[int, ...] = ()  # supervision matter numbers


@dataclass
class AssignmentRow:
    inspector: str  # phone
    school: str  # code
    started_on: datetime.date
    ended_on: datetime.date | None = None
    note: str = ""


@dataclass
class CommitteeRow:
    name: str
    role: str
    organisation: str
    term_starts_on: datetime.date
    term_ends_on: datetime.date | None


@dataclass
class CountyPlan:
    code: str
    name: str
    city: str
    province: str
    complaint_phone: str
    townships: list[tuple[str, str]] = field(default_factory=list)  # (name, kind)
    zones: list[tuple[str, str | None]] = field(default_factory=list)  # (name, township)
    schools: list[SchoolRow] = field(default_factory=list)
    inspectors: list[InspectorRow] = field(default_factory=list)
    assignments: list[AssignmentRow] = field(default_factory=list)
    committee: list[CommitteeRow] = field(default_factory=list)

    def summary(self) -> str:
        current = [row for row in self.assignments if row.ended_on is None]
        return (
            f"{self.name}（{self.code}）：{len(self.townships)} 个乡镇街道，"
            f"{len(self.schools)} 所学校，{len(self.inspectors)} 名督学，"
            f"{len(current)} 项在任挂牌责任"
        )

    def school(self, code: str) -> SchoolRow:
        return next(row for row in self.schools if row.code == code)


def save_plan(plan: CountyPlan, ctx) -> County:
    """Create what is missing of ``plan`` and return its county."""
    county, created = County.objects.get_or_create(
        code=plan.code,
        defaults={
            "name": plan.name,
            "city": plan.city,
            "province": plan.province,
            "complaint_phone": plan.complaint_phone,
        },
    )
    ctx.record("区县", int(created))
    townships = _create_missing(
        ctx,
        "乡镇街道",
        Township.objects.filter(county=county),
        "name",
        [Township(county=county, name=name, kind=kind) for name, kind in plan.townships],
    )
    zones = _create_missing(
        ctx,
        "督学责任区",
        Zone.objects.filter(county=county),
        "name",
        [
            Zone(county=county, name=name, township_id=townships.get(township))
            for name, township in plan.zones
        ],
    )
    schools = _save_schools(plan, ctx, county, townships, zones)
    inspectors = _save_inspectors(plan, ctx, county, zones, schools)
    _save_assignments(plan, ctx, inspectors, schools)
    _create_missing(
        ctx,
        "督导委员会成员",
        CommitteeMember.objects.filter(county=county),
        "name",
        [
            CommitteeMember(
                county=county,
                name=row.name,
                role=row.role,
                organisation=row.organisation,
                term_starts_on=row.term_starts_on,
                term_ends_on=row.term_ends_on,
            )
            for row in plan.committee
        ],
    )
    return county


def _create_missing(ctx, label: str, existing, key: str, objects: list) -> dict:
    """Bulk-create the ``objects`` whose ``key`` is not in ``existing``; return key -> pk."""
    known = set(existing.values_list(key, flat=True))
    missing = [obj for obj in objects if getattr(obj, key) not in known]
    if missing:
        type(missing[0]).objects.bulk_create(missing)
    ctx.record(label, len(missing))
    return dict(existing.values_list(key, "pk"))


def _save_schools(plan, ctx, county, townships, zones) -> dict:
    def build(rows, central_pks):
        return [
            School(
                county=county,
                code=row.code,
                name=row.name,
                kind=row.kind,
                is_public=row.is_public,
                township_id=townships[row.township],
                zone_id=zones.get(row.zone),
                is_central=row.is_central,
                central_school_id=central_pks.get(row.central),
                is_boarding=row.is_boarding,
                students=row.students,
                teachers=row.teachers,
                principal_name=row.principal_name,
                principal_phone=row.principal_phone,
                address=row.address,
                latitude=row.latitude,
                longitude=row.longitude,
                phone=row.phone,
                is_active=row.is_active,
            )
            for row in rows
        ]

    in_county = School.objects.filter(county=county)
    # Central schools first, so their village schools can point at them.
    centrals = _create_missing(
        ctx, "学校", in_county, "code", build([r for r in plan.schools if not r.central], {})
    )
    schools = _create_missing(
        ctx, "学校", in_county, "code", build([r for r in plan.schools if r.central], centrals)
    )
    with_tenure = set(
        PrincipalTenure.objects.filter(school__county=county).values_list("school_id", flat=True)
    )
    tenures = [
        PrincipalTenure(
            school_id=schools[row.code], name=row.principal_name, started_on=row.principal_since
        )
        for row in plan.schools
        if row.principal_name and schools[row.code] not in with_tenure
    ]
    PrincipalTenure.objects.bulk_create(tenures)
    ctx.record("校长任职记录", len(tenures))
    return schools


def _save_inspectors(plan, ctx, county, zones, schools) -> dict:
    in_county = Inspector.objects.filter(county=county)
    known = set(in_county.values_list("phone", flat=True))
    rows = [row for row in plan.inspectors if row.phone not in known]
    Inspector.objects.bulk_create(
        Inspector(
            county=county,
            name=row.name,
            kind=row.kind,
            employer=row.employer,
            employer_school_id=schools.get(row.employer_school),
            post=row.post,
            phone=row.phone,
            certificate_no=row.certificate_no,
            appointed_on=row.appointed_on,
            term_ends_on=row.term_ends_on,
            zone_id=zones.get(row.zone),
        )
        for row in rows
    )
    ctx.record("督学", len(rows))
    inspectors = dict(in_county.values_list("phone", "pk"))
    matters = dict(SupervisionMatter.objects.filter(county=county).values_list("number", "pk"))
    Theme = Inspector.themes.through
    Theme.objects.bulk_create(
        Theme(inspector_id=inspectors[row.phone], supervisionmatter_id=matters[number])
        for row in rows
        for number in row.themes
    )
    return inspectors


def _save_assignments(plan, ctx, inspectors, schools) -> None:
    known = set(
        Assignment.objects.filter(school_id__in=schools.values()).values_list(
            "inspector_id", "school_id"
        )
    )
    missing = [
        Assignment(
            inspector_id=inspectors[row.inspector],
            school_id=schools[row.school],
            started_on=row.started_on,
            ended_on=row.ended_on,
            note=row.note,
        )
        for row in plan.assignments
        if (inspectors[row.inspector], schools[row.school]) not in known
    ]
    Assignment.objects.bulk_create(missing)
    ctx.record("挂牌责任", len(missing))
