"""A second, small demo county: Jintan (金坛区 320482, 常州市, 江苏省).

It holds the schools the provincial assessors visited in October 2015 (DOMAIN.md) and a few
inspectors, so the demo shows that one county never sees another's data. People, phone numbers
and school codes are invented.
"""

import datetime
from decimal import Decimal

from inspectors.models import InspectorKind
from schools.demo.names import NamePool, inspector_mobile, mobile
from schools.demo.plan import AssignmentRow, CountyPlan, InspectorRow, SchoolRow, save_plan
from schools.models import SchoolKind, TownshipKind

K = SchoolKind
CITY_ZONE, ZHULIN_ZONE = "金坛城区督学责任区", "朱林督学责任区"

# name, kind, township, zone, students, latitude, longitude, boarding
SCHOOLS = [
    ("朱林中心小学", K.PRIMARY, "朱林镇", ZHULIN_ZONE, 1150, "31.664200", "119.452300", False),
    ("朱林中学", K.JUNIOR, "朱林镇", ZHULIN_ZONE, 860, "31.662800", "119.449100", False),
    ("华罗庚中学", K.SENIOR, "西城街道", CITY_ZONE, 2900, "31.741500", "119.566200", True),
    ("金坛区第五中学", K.JUNIOR, "东城街道", CITY_ZONE, 1500, "31.733100", "119.591700", False),
    ("河滨小学", K.PRIMARY, "西城街道", CITY_ZONE, 2200, "31.744900", "119.559400", False),
    ("西旸小学", K.PRIMARY, "西城街道", CITY_ZONE, 980, "31.751200", "119.548800", False),
    ("东城实验小学", K.PRIMARY, "东城街道", CITY_ZONE, 2500, "31.729600", "119.598300", False),
]
# Who covers what: (inspector number, school names). Inspector 2 is the principal of 河滨小学.
COVERAGE = [
    (1, ["东城实验小学", "西旸小学", "朱林中心小学"]),
    (2, ["金坛区第五中学", "东城实验小学", "朱林中心小学"]),
    (3, ["华罗庚中学", "河滨小学", "朱林中学"]),
]


def seed_jintan(ctx) -> None:
    """Demo step: the Jintan registry with its seven schools and four inspectors."""
    plan = build_plan(ctx.today, ctx.random("jintan"))
    ctx.counties["jintan"] = save_plan(plan, ctx)
    ctx.log(plan.summary())


def build_plan(today: datetime.date, rng) -> CountyPlan:
    people = NamePool(rng)
    codes = {name: f"21329901{number:02d}" for number, (name, *_) in enumerate(SCHOOLS, start=1)}
    plan = CountyPlan(
        code="320482",
        name="金坛区",
        city="常州市",
        province="江苏省",
        complaint_phone="0519-0000100",
        townships=[
            ("东城街道", TownshipKind.SUBDISTRICT),
            ("西城街道", TownshipKind.SUBDISTRICT),
            ("朱林镇", TownshipKind.TOWN),
        ],
        zones=[(CITY_ZONE, None), (ZHULIN_ZONE, "朱林镇")],
    )
    for number, (name, kind, township, zone, students, lat, lon, boarding) in enumerate(
        SCHOOLS, start=1
    ):
        plan.schools.append(
            SchoolRow(
                code=codes[name],
                name=name,
                kind=kind,
                township=township,
                zone=zone,
                students=students,
                teachers=round(students / 14),
                principal_name=people.take(),
                principal_phone=mobile("139", 1000 + number),
                principal_since=datetime.date(today.year - rng.randint(1, 6), 9, 1),
                address=f"江苏省常州市金坛区{township}",
                latitude=Decimal(lat),
                longitude=Decimal(lon),
                phone=f"0519-000{number:04d}",
                is_central=name == "朱林中心小学",
                is_boarding=boarding,
            )
        )
    appointed, term_ends = datetime.date(today.year - 1, 9, 1), datetime.date(today.year + 2, 8, 31)
    employers = [
        ("金坛区教师发展中心", "小学数学教研员", None),
        ("河滨小学", "校长", codes["河滨小学"]),
        ("金坛区教育局", "督导室干部", None),
    ]
    for number, (employer, post, school) in enumerate(employers, start=1):
        plan.inspectors.append(
            InspectorRow(
                phone=inspector_mobile("139", number),
                name=people.take(),
                kind=InspectorKind.PART_TIME,
                employer=employer,
                post=post,
                certificate_no=f"JTZR{appointed.year}{number:03d}",
                appointed_on=appointed,
                term_ends_on=term_ends,
                zone=ZHULIN_ZONE if number == 1 else CITY_ZONE,
                employer_school=school,
            )
        )
    principal = plan.inspectors[1]
    plan.school(codes["河滨小学"]).principal_name = principal.name
    plan.school(codes["河滨小学"]).principal_phone = mobile("139", 2)  # principal's number
    plan.inspectors.append(
        InspectorRow(
            phone=inspector_mobile("139", 4),
            name=people.take(),
            kind=InspectorKind.SPECIAL,
            employer="金坛区市场监督管理局",
            post="食品安全监管科科长",
            certificate_no=f"JTTP{appointed.year}001",
            appointed_on=appointed,
            term_ends_on=term_ends,
            themes=(7,),
        )
    )
    plan.assignments = [
        AssignmentRow(
            inspector=inspector_mobile("139", number), school=codes[name], started_on=appointed
        )
        for number, names in COVERAGE
        for name in names
    ]
    return plan
