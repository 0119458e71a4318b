"""The demo county: Huangzhong (湟中县 630122, 西宁市, 青海省).

It follows the county's figures in DOMAIN.md ("The county in the seeds"): 10 towns and 5 townships
by their real names plus one subdistrict, about 200 schools (a central school per town and township
with its village schools and teaching points, kindergartens, junior and senior schools, a few
private ones), 41 special-appointed and 54 part-time responsible inspectors, every school covered
and every central school with two or more inspectors. Village names, people, phone numbers and
school codes are invented.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from inspectors.models import InspectorKind
from meetings.models import CommitteeRole
from schools.demo.names import NamePool, inspector_mobile, mobile
from schools.demo.plan import (
    AssignmentRow,
    CommitteeRow,
    CountyPlan,
    InspectorRow,
    SchoolRow,
    save_plan,
)
from schools.models import SchoolKind, TownshipKind

K = SchoolKind
# The demo ``inspector`` login belongs to the first part-time inspector (鲁沙尔 zone).
DEMO_INSPECTOR_PHONE = inspector_mobile("138", 101)
# CountySettings defaults: about 5 schools per inspector, rotation after 3 years.
LOAD_LIMIT = 5
ROTATION_YEARS = 3


@dataclass(frozen=True)
class Extra:
    """A school beyond the usual set of a township: county schools, urban and private ones."""

    name: str
    kind: str
    students: int
    is_public: bool = True
    is_boarding: bool = False


@dataclass(frozen=True)
class Place:
    """A town, township or subdistrict and the schools it has, by village name."""

    name: str
    kind: str
    centre: tuple[float, float]  # latitude, longitude; schools lie within 0.025° of it
    villages: str = ""  # each village has a primary school
    points: str = ""  # teaching points (教学点)
    kindergartens: str = ""  # village kindergartens
    closed: str = ""  # teaching points merged away (撤点并校), kept as inactive schools
    junior: str = ""  # the junior secondary school's name
    nine_year: bool = False  # no junior school: the central school teaches grades 1-9
    boarding: bool = True  # rural central and secondary schools board their pupils
    extras: tuple[Extra, ...] = ()


TOWN, TOWNSHIP, SUBDISTRICT = TownshipKind.TOWN, TownshipKind.TOWNSHIP, TownshipKind.SUBDISTRICT

PLACES = [
    Place(
        "鲁沙尔镇",
        TOWN,
        (36.497, 101.568),
        villages="阳坡 红崖 青石坡 海马泉 徐家寨 赵家庄 莲花台 塔尔湾",
        points="阴坡 石头沟",
        kindergartens="阳坡 徐家寨 塔尔湾",
        junior="鲁沙尔镇中学",
        boarding=False,
        extras=(
            Extra("湟中县第一中学", K.SENIOR, 3200, is_boarding=True),
            Extra("湟中县特殊教育学校", K.SPECIAL, 130, is_boarding=True),
            Extra("湟中县城关第一小学", K.PRIMARY, 2600),
            Extra("湟中县城关第二小学", K.PRIMARY, 2100),
            Extra("湟中县实验幼儿园", K.KINDERGARTEN, 520),
            Extra("湟中县博雅幼儿园", K.KINDERGARTEN, 260, is_public=False),
            Extra("湟中县启明学校", K.NINE_YEAR, 900, is_public=False, is_boarding=True),
        ),
    ),
    Place(
        "多巴镇",
        TOWN,
        (36.652, 101.500),
        villages="双寨 康城 玉拉 沙窝尔 黑嘴 新墩 甘河沿 韦家庄",
        points="羊圈 尕庄",
        kindergartens="双寨 玉拉",
        junior="多巴镇中学",
        boarding=False,
        extras=(
            Extra("湟中县第二中学", K.COMPLETE, 2300, is_boarding=True),
            Extra("多巴镇第二小学", K.PRIMARY, 1300),
            Extra("多巴镇育英幼儿园", K.KINDERGARTEN, 210, is_public=False),
        ),
    ),
    Place(
        "拦隆口镇",
        TOWN,
        (36.663, 101.402),
        villages="卡阳 佰什营 白崖 泥麻隆 上寺 红林 新庄",
        points="拉卡 阿家庄 下营",
        kindergartens="佰什营",
        junior="拦隆口镇中学",
    ),
    Place(
        "上新庄镇",
        TOWN,
        (36.468, 101.748),
        villages="加牙 骟马台 静房 海马沟 周德 新添",
        points="阿卜峡 上庄 大路",
        kindergartens="加牙 静房",
        junior="上新庄镇中学",
        extras=(Extra("湟中县第三中学", K.SENIOR, 1800, is_boarding=True),),
    ),
    Place(
        "田家寨镇",
        TOWN,
        (36.440, 101.700),
        villages="沙尔湾 窑洞 千户 阳坡台 永丰 流水沟",
        points="后庄 马场 黑城",
        kindergartens="千户 沙尔湾",
        junior="田家寨镇中学",
    ),
    Place(
        "甘河滩镇",
        TOWN,
        (36.565, 101.625),
        villages="前窑 后窑 黄一 卡跃 上营",
        points="坡东 隆寺干",
        kindergartens="上营",
        junior="甘河滩镇中学",
        boarding=False,
        extras=(Extra("甘河工业园区幼儿园", K.KINDERGARTEN, 180, is_public=False),),
    ),
    Place(
        "共和镇",
        TOWN,
        (36.430, 101.620),
        villages="苏尔吉 葱湾 前庄 东岔 西岔 转嘴",
        points="花勒城 木场 维新",
        kindergartens="葱湾",
        closed="南岔",
        junior="共和镇中学",
    ),
    Place(
        "西堡镇",
        TOWN,
        (36.545, 101.700),
        villages="堡子 青山 羊圈沟 张家庄 葛家寨",
        points="东沟 条子沟",
        kindergartens="葛家寨",
        junior="西堡镇中学",
    ),
    Place(
        "上五庄镇",
        TOWN,
        (36.670, 101.330),
        villages="邦吧 拉斯目 包勒 北庄 华科 小寺",
        points="纳卜藏 黄草沟 峡口 大寺沟",
        kindergartens="北庄",
        junior="上五庄镇中学",
    ),
    Place(
        "李家山镇",
        TOWN,
        (36.520, 101.450),
        villages="汉水沟 勺麻营 甘家 河湾 崖头 阳山",
        points="吊庄 下西河",
        kindergartens="河湾",
        junior="李家山镇中学",
    ),
    Place(
        "海子沟乡",
        TOWNSHIP,
        (36.430, 101.540),
        villages="顾家岭 王家庄 甘家庄 景家庄",
        points="上鲁尔加 大有山 东山",
        kindergartens="顾家岭",
        nine_year=True,
    ),
    Place(
        "土门关乡",
        TOWNSHIP,
        (36.440, 101.765),
        villages="上山 下山 坝口 关跃",
        points="牙扎 秋子沟 后沟",
        closed="青峰",
        nine_year=True,
    ),
    Place(
        "汉东回族乡",
        TOWNSHIP,
        (36.590, 101.420),
        villages="下营 前营 上堡 红土沟",
        points="尕院 后营",
        kindergartens="前营",
        junior="汉东回族乡民族中学",
    ),
    Place(
        "大才回族乡",
        TOWNSHIP,
        (36.470, 101.470),
        villages="大才 前沟 扎子 上白崖",
        points="中庄 后沟",
        kindergartens="前沟",
        junior="大才回族乡民族中学",
    ),
    Place(
        "群加藏族乡",
        TOWNSHIP,
        (36.430, 101.660),
        villages="群加 来路",
        points="上圈 下圈 土康",
        nine_year=True,
    ),
    Place(
        "康川街道",
        SUBDISTRICT,
        (36.630, 101.580),
        junior="康川中学",
        boarding=False,
        extras=(
            Extra("康川街道第一小学", K.PRIMARY, 2400),
            Extra("康川街道第二小学", K.PRIMARY, 1700),
            Extra("康川街道阳光幼儿园", K.KINDERGARTEN, 240, is_public=False),
        ),
    ),
]

# One zone per large town, neighbouring smaller places grouped.
ZONES = [
    ("鲁沙尔督学责任区", ["鲁沙尔镇"]),
    ("多巴康川督学责任区", ["多巴镇", "康川街道"]),
    ("拦隆口汉东督学责任区", ["拦隆口镇", "汉东回族乡"]),
    ("上五庄督学责任区", ["上五庄镇"]),
    ("李家山大才督学责任区", ["李家山镇", "大才回族乡"]),
    ("甘河滩西堡督学责任区", ["甘河滩镇", "西堡镇"]),
    ("共和海子沟督学责任区", ["共和镇", "海子沟乡"]),
    ("上新庄土门关督学责任区", ["上新庄镇", "土门关乡"]),
    ("田家寨群加督学责任区", ["田家寨镇", "群加藏族乡"]),
]

ROADS = ["金塔路", "昆仑路", "团结路", "和平路", "康宁路", "迎宾路", "建设路", "文化街"]

# (students range, pupils per teacher) by kind of school and its place in the township.
SIZES = {
    "central": ((600, 1300), 17),
    "central_nine_year": ((450, 900), 13),
    "central_kindergarten": ((160, 380), 12),
    "junior": ((450, 1400), 12),
    "village": ((60, 420), 17),
    "village_kindergarten": ((30, 110), 12),
    "teaching_point": ((6, 38), 12),
}
RATIO_BY_KIND = {
    K.KINDERGARTEN: 12,
    K.PRIMARY: 18,
    K.NINE_YEAR: 13,
    K.JUNIOR: 12,
    K.SENIOR: 13,
    K.COMPLETE: 13,
    K.SPECIAL: 4,
}

# Special-appointed inspectors (41) by department: their posts and their themes (matter numbers).
SPECIAL_DEPARTMENTS = [
    ("湟中县人大常委会", "教科文卫工委主任 代表联络室主任 常委会委员 人大代表 人大代表", (1, 2, 8)),
    ("政协湟中县委员会", "教科文卫体委主任 提案委副主任 政协常委 政协委员 政协委员", (1, 3, 5)),
    (
        "湟中县公安局",
        "治安大队大队长 交警大队副大队长 鲁沙尔派出所所长 多巴派出所副所长 法制大队民警 "
        "社区警务队民警",
        (6,),
    ),
    (
        "湟中县市场监督管理局",
        "食品安全监管股股长 餐饮服务监管股副股长 药品监管股干部 鲁沙尔市场监管所所长 "
        "多巴市场监管所所长",
        (7,),
    ),
    ("湟中县卫生健康局", "疾病预防控制股股长 卫生监督所所长 妇幼健康股干部 疾控中心副主任", (4, 7)),
    ("湟中县消防救援大队", "防火监督科科长 防火监督员 防火监督员", (6,)),
    ("湟中县交通运输局", "运输管理所所长 安全监督股股长", (6,)),
    ("湟中县住房和城乡建设局", "质量安全监督站站长 建筑管理股股长", (6,)),
    ("湟中县应急管理局", "安全生产监管股股长 应急救援股干部", (6,)),
    ("湟中县水务局", "农村饮水安全股股长", (7,)),
    ("湟中县司法局", "普法依法治理股股长 法律援助中心主任", (1, 6)),
    ("湟中县发展和改革局", "价格监督检查股股长", (2,)),
    ("湟中县民政局", "儿童福利股股长", (4,)),
    ("湟中县妇女联合会", "副主席", (4, 8)),
    ("共青团湟中县委员会", "副书记", (8,)),
]

RESEARCH_POSTS = [
    "小学语文教研员",
    "小学数学教研员",
    "小学英语教研员",
    "初中语文教研员",
    "初中数学教研员",
    "初中英语教研员",
    "初中物理教研员",
    "高中语文教研员",
    "学前教育教研员",
    "体育教研员",
    "德育教研员",
    "信息技术教研员",
    "美术教研员",
    "特殊教育教研员",
]
BUREAU_POSTS = [
    "基础教育股股长",
    "基础教育股干部",
    "人事股副股长",
    "计划财务股干部",
    "安全稳定办公室主任",
    "督导室干部",
    "督导室干部",
    "学生资助中心主任",
    "电化教育中心主任",
    "体卫艺股股长",
    "办公室副主任",
    "教育工会干事",
]
PRINCIPALS, VICE_PRINCIPALS = 20, 8  # of the 54 part-time inspectors; the rest as posts above
PART_TIME_COUNT = PRINCIPALS + VICE_PRINCIPALS + len(RESEARCH_POSTS) + len(BUREAU_POSTS)

COMMITTEE = [
    (CommitteeRole.CHAIR, "湟中县人民政府副县长"),
    (CommitteeRole.VICE_CHAIR, "湟中县教育局局长"),
    (CommitteeRole.VICE_CHAIR, "湟中县人民政府办公室副主任"),
    (CommitteeRole.MEMBER, "湟中县发展和改革局局长"),
    (CommitteeRole.MEMBER, "湟中县财政局局长"),
    (CommitteeRole.MEMBER, "湟中县人力资源和社会保障局局长"),
    (CommitteeRole.MEMBER, "中共湟中县委机构编制委员会办公室主任"),
    (CommitteeRole.MEMBER, "湟中县公安局副局长"),
    (CommitteeRole.MEMBER, "湟中县卫生健康局局长"),
    (CommitteeRole.MEMBER, "湟中县市场监督管理局局长"),
    (CommitteeRole.MEMBER, "湟中县住房和城乡建设局局长"),
    (CommitteeRole.MEMBER, "湟中县教育局副局长"),
    (CommitteeRole.OFFICE_DIRECTOR, "湟中县人民政府教育督导室主任"),
]


def seed_huangzhong(ctx) -> None:
    """Demo step: the Huangzhong registry, inspectors, assignments and committee."""
    plan = build_plan(ctx.today, ctx.random("huangzhong"))
    ctx.counties["huangzhong"] = save_plan(plan, ctx)
    ctx.log(plan.summary())


def build_plan(today: datetime.date, rng: random.Random) -> CountyPlan:
    plan = CountyPlan(
        code="630122",
        name="湟中县",
        city="西宁市",
        province="青海省",
        complaint_phone="0971-0000100",
        townships=[(place.name, place.kind) for place in PLACES],
        zones=[(name, places[0] if len(places) == 1 else None) for name, places in ZONES],
    )
    people = NamePool(rng)
    plan.schools = _schools(today, rng, people)
    plan.inspectors = _special_inspectors(today, people) + _part_time_inspectors(
        plan, today, rng, people
    )
    _terms_ending_soon(plan, today, rng)
    plan.assignments = _assignments(plan, today, rng)
    plan.committee = _committee(today, people)
    return plan


def _zone_of(place_name: str) -> str:
    return next(zone for zone, places in ZONES if place_name in places)


def _schools(today, rng, people) -> list[SchoolRow]:
    rows = []
    counters = {"phone": 0, "principal": 1000}

    def add(place, number, name, kind, size, *, village="", central=None, **flags) -> SchoolRow:
        """Add a school; ``size`` is a student count or a key of SIZES."""
        if isinstance(size, int):
            students, ratio = size, RATIO_BY_KIND[kind]
        else:
            (low, high), ratio = SIZES[size]
            students = rng.randint(low, high)
        teachers = max(1, round(students / ratio))
        if kind == K.TEACHING_POINT:
            teachers = min(teachers, 3)
        spread = 0.025 if village else 0.006
        phone = ""
        if kind != K.TEACHING_POINT:
            counters["phone"] += 1
            phone = f"0971-000{counters['phone']:04d}"
        counters["principal"] += 1
        road = f"{rng.choice(ROADS)}{rng.randint(1, 199)}号"
        counters[place.name] = counters.get(place.name, 0) + 1
        row = SchoolRow(
            # Codes in an unused 99 block look valid yet plainly invented: 2163 99 place school.
            code=f"216399{number:02d}{counters[place.name]:02d}",
            name=name,
            kind=kind,
            township=place.name,
            zone=_zone_of(place.name),
            students=students,
            teachers=teachers,
            principal_name=people.take(),
            principal_phone=mobile("138", counters["principal"]),
            principal_since=datetime.date(today.year - rng.randint(1, 8), 9, 1),
            address=f"青海省西宁市湟中县{place.name}{village + '村' if village else road}",
            latitude=_near(place.centre[0], spread, rng),
            longitude=_near(place.centre[1], spread, rng),
            phone=phone,
            central=central,
            **flags,
        )
        rows.append(row)
        return row

    for number, place in enumerate(PLACES, start=1):
        central = None
        if place.kind != SUBDISTRICT:
            central = add(
                place,
                number,
                f"{place.name}中心学校",
                K.NINE_YEAR if place.nine_year else K.PRIMARY,
                "central_nine_year" if place.nine_year else "central",
                is_central=True,
                is_boarding=place.boarding,
            ).code
        add(place, number, f"{place.name}中心幼儿园", K.KINDERGARTEN, "central_kindergarten")
        if place.junior:
            add(place, number, place.junior, K.JUNIOR, "junior", is_boarding=place.boarding)
        for extra in place.extras:
            add(
                place,
                number,
                extra.name,
                extra.kind,
                extra.students,
                is_public=extra.is_public,
                is_boarding=extra.is_boarding,
            )
        village_schools = [
            (place.villages, "小学", K.PRIMARY, "village", True),
            (place.kindergartens, "幼儿园", K.KINDERGARTEN, "village_kindergarten", True),
            (place.points, "教学点", K.TEACHING_POINT, "teaching_point", True),
            (place.closed, "教学点", K.TEACHING_POINT, "teaching_point", False),
        ]
        for villages, suffix, kind, size, active in village_schools:
            for village in villages.split():
                add(
                    place,
                    number,
                    f"{place.name}{village}{suffix}",
                    kind,
                    size,
                    village=village,
                    central=central,
                    is_active=active,
                )
    return rows


def _near(centre: float, spread: float, rng) -> Decimal:
    return Decimal(f"{centre + rng.uniform(-spread, spread):.6f}")


def _standard_term(today) -> tuple[datetime.date, datetime.date]:
    """The current three-year term: appointed two autumns ago."""
    return datetime.date(today.year - 2, 9, 1), datetime.date(today.year + 1, 8, 31)


def _special_inspectors(today, people) -> list[InspectorRow]:
    appointed, term_ends = _standard_term(today)
    rows = []
    for employer, posts, themes in SPECIAL_DEPARTMENTS:
        for post in posts.split():
            number = len(rows) + 1
            rows.append(
                InspectorRow(
                    phone=inspector_mobile("138", number),
                    name=people.take(),
                    kind=InspectorKind.SPECIAL,
                    employer=employer,
                    post=post,
                    certificate_no=f"HZTP{appointed.year}{number:03d}",
                    appointed_on=appointed,
                    term_ends_on=term_ends,
                    themes=themes,
                )
            )
    return rows


def _slots(row: SchoolRow) -> int:
    """How many inspectors a school gets: two for central, secondary and large schools."""
    big = row.kind in (K.JUNIOR, K.NINE_YEAR, K.SENIOR, K.COMPLETE) or row.students >= 1000
    return 2 if row.is_central or big else 1


def _inspectors_per_zone(plan: CountyPlan) -> dict[str, int]:
    """Share the part-time inspectors among zones by the school slots each must fill."""
    slots = {zone: 0 for zone, _ in ZONES}
    for row in plan.schools:
        if row.is_active:
            slots[row.zone] += _slots(row)
    total = sum(slots.values())
    exact = {zone: PART_TIME_COUNT * count / total for zone, count in slots.items()}
    shares = {zone: max(2, int(value)) for zone, value in exact.items()}
    by_remainder = sorted(exact, key=lambda zone: exact[zone] - int(exact[zone]), reverse=True)
    for zone in by_remainder[: PART_TIME_COUNT - sum(shares.values())]:
        shares[zone] += 1
    return shares


def _part_time_inspectors(plan, today, rng, people) -> list[InspectorRow]:
    appointed, term_ends = _standard_term(today)
    backgrounds = (
        ["校长"] * PRINCIPALS
        + ["副校长"] * VICE_PRINCIPALS
        + [("湟中县教育科学研究室", post) for post in RESEARCH_POSTS]
        + [("湟中县教育局", post) for post in BUREAU_POSTS]
    )
    rng.shuffle(backgrounds)
    leaders = [row for row in plan.schools if row.is_public and _slots(row) == 2]
    taken = set()
    rows = []
    for zone, count in _inspectors_per_zone(plan).items():
        for _ in range(count):
            background = backgrounds[len(rows)]
            number = 101 + len(rows)
            row = InspectorRow(
                phone=inspector_mobile("138", number),
                name=people.take(),
                kind=InspectorKind.PART_TIME,
                employer="",
                post="",
                certificate_no=f"HZZR{appointed.year}{number:03d}",
                appointed_on=appointed,
                term_ends_on=term_ends,
                zone=zone,
            )
            if isinstance(background, tuple):
                row.employer, row.post = background
            else:
                # A principal supervises schools of another zone, never their own school.
                school = rng.choice([s for s in leaders if s.zone != zone and s.code not in taken])
                taken.add(school.code)
                row.employer, row.post, row.employer_school = school.name, background, school.code
                if background == "校长":
                    # The school writes its principal's mobile number with dashes.
                    school.principal_name = row.name
                    school.principal_phone = mobile("138", number)
            rows.append(row)
    return rows


def _terms_ending_soon(plan, today, rng) -> None:
    """A few terms end within the county's 60-day warning, so the coverage page has rows."""
    part_time = [row for row in plan.inspectors if row.kind == InspectorKind.PART_TIME]
    special = [row for row in plan.inspectors if row.kind == InspectorKind.SPECIAL]
    for row, days in zip(
        rng.sample(part_time, 3) + rng.sample(special, 1), (18, 33, 47, 40), strict=True
    ):
        row.term_ends_on = today + datetime.timedelta(days=days)
        row.appointed_on = row.term_ends_on - datetime.timedelta(days=3 * 365)


def _assignments(plan, today, rng) -> list[AssignmentRow]:
    since = datetime.date(today.year - 1, 9, 1)
    by_zone: dict[str, list[InspectorRow]] = {zone: [] for zone, _ in ZONES}
    for row in plan.inspectors:
        if row.zone:
            by_zone[row.zone].append(row)
    covers: dict[str, set[str]] = {row.phone: set() for row in plan.inspectors}

    def can_cover(inspector, school) -> bool:
        return (
            school.code not in covers[inspector.phone] and inspector.employer_school != school.code
        )

    # Fill every school's slots, bigger needs first, always with the least-loaded inspector.
    active = sorted(
        (row for row in plan.schools if row.is_active), key=lambda row: (-_slots(row), row.code)
    )
    for school in active:
        for _ in range(_slots(school)):
            candidates = [i for i in by_zone[school.zone] if can_cover(i, school)]
            chosen = min(candidates, key=lambda i: (len(covers[i.phone]), rng.random()))
            covers[chosen.phone].add(school.code)

    # A few inspectors carry more than the county's load, as happens in practice.
    part_time = [row for row in plan.inspectors if row.kind == InspectorKind.PART_TIME]
    for inspector in rng.sample(part_time, 3):
        spare = [s for s in active if s.zone == inspector.zone and can_cover(inspector, s)]
        while len(covers[inspector.phone]) <= LOAD_LIMIT:
            school = rng.choice(spare)
            spare.remove(school)
            covers[inspector.phone].add(school.code)

    rows = [
        AssignmentRow(inspector=phone, school=code, started_on=since)
        for phone, codes in covers.items()
        for code in sorted(codes)
    ]
    # Some have served longer than the rotation period and are due to move (定期交流).
    for row in rng.sample(rows, 6):
        years_ago = ROTATION_YEARS * 365 + rng.randint(20, 300)
        row.started_on = today - datetime.timedelta(days=years_ago)

    # History: earlier inspectors rotated out of some schools, and closed teaching points.
    previous_term = datetime.date(today.year - 4, 9, 1)
    for school in rng.sample([s for s in active if _slots(s) == 1], 10):
        inspector = rng.choice([i for i in by_zone[school.zone] if can_cover(i, school)])
        rows.append(
            AssignmentRow(
                inspector=inspector.phone,
                school=school.code,
                started_on=previous_term,
                ended_on=since - datetime.timedelta(days=1),
                note="定期交流，已轮换",
            )
        )
    for school in (row for row in plan.schools if not row.is_active):
        inspector = rng.choice(by_zone[school.zone])
        rows.append(
            AssignmentRow(
                inspector=inspector.phone,
                school=school.code,
                started_on=previous_term,
                ended_on=datetime.date(today.year - 1, 7, 15),
                note="教学点撤并，挂牌撤销",
            )
        )
    return rows


def _committee(today, people) -> list[CommitteeRow]:
    starts, ends = datetime.date(today.year - 1, 1, 1), datetime.date(today.year + 3, 12, 31)
    rows = [
        CommitteeRow(people.take(), role, organisation, starts, ends)
        for role, organisation in COMMITTEE
    ]
    # A member of the previous committee, to show that terms end.
    rows.append(
        CommitteeRow(
            people.take(),
            CommitteeRole.MEMBER,
            "湟中县教育局原副局长",
            datetime.date(today.year - 6, 1, 1),
            datetime.date(today.year - 2, 12, 31),
        )
    )
    return rows
