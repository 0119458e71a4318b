"""A made-up province for the load benchmark: counties, schools, inspectors, a year of visits
and the rectification work they caused, written straight into the tables.

Deterministic: every county draws from its own generator seeded by (seed, county number), so a
size, a seed and a day always give the same rows. Rows are written county by county, one
transaction each, with PostgreSQL's COPY (other databases: ``bulk_create``); primary keys are
given here, after whatever the tables already hold, and the sequences are reset at the end.
Every generated login shares one password hash, computed once.

The province has one very large county (the load run's office, 1,000 schools) and one very small
one (10 schools), so a page's query count can be compared between the two.
"""

import datetime
import io
import json
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction

from accounts.models import Notification, Role, User
from complaints import tracking
from complaints.models import Submission, SubmissionAction, SubmissionEvent, SubmissionState
from inspectors import plaques
from inspectors.models import (
    SLUG_ALPHABET,
    SLUG_LENGTH,
    Assignment,
    Inspector,
    InspectorKind,
    InspectorStatus,
    Plaque,
    PlaquePosting,
)
from meetings.models import (
    Attendance,
    Invitee,
    InviteeGroup,
    Meeting,
    MeetingKind,
    Notice,
    NoticeRecipient,
)
from rectifications.models import (
    EventAction,
    OwnerLevel,
    RectificationEvent,
    RectificationEvidence,
    RectificationItem,
    RectificationState,
    Severity,
    SourceKind,
)
from schools.models import (
    DEFAULT_MATTERS,
    County,
    CountySettings,
    PrincipalTenure,
    Region,
    RegionKind,
    School,
    SchoolKind,
    SupervisionMatter,
    Township,
    TownshipKind,
    Zone,
)
from visits.demo import FEEDBACK, HIGHLIGHTS, OBSERVATIONS, PROBLEMS, REPLIES, SUGGESTIONS
from visits.models import (
    CheckInStatus,
    Judgement,
    Visit,
    VisitEvent,
    VisitKind,
    VisitMatterNote,
    VisitMethod,
    VisitPhoto,
    VisitProblem,
    VisitStatus,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
PASSWORD = "dudao-bench-2026"
PUBLIC_ROOT = "https://dudao.example.gov.cn"  # where the plaques' QR codes point
PHOTO_NAME = "bench/photo.jpg"
THUMB_NAME = "bench/thumb.jpg"


@dataclass(frozen=True)
class Size:
    counties: int
    schools: int
    inspectors: int
    months: int  # of visits, this month included
    big_county: int  # schools of county 0, the load run's office
    small_county: int  # schools of county 1


SIZES = {
    "province": Size(
        counties=100, schools=30_000, inspectors=10_000, months=12, big_county=1000, small_county=10
    ),
    "tiny": Size(counties=3, schools=40, inspectors=14, months=3, big_county=25, small_county=10),
}

# The logins the load run uses (all with PASSWORD).
BIG_OFFICE = "bench-office"
SMALL_OFFICE = "bench-office-small"
BENCH_INSPECTOR = "bench-inspector"
BENCH_PRINCIPAL = "bench-principal"
PROVINCE_USER = "bench-province"  # the region (province) login, reads every county

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅海燕德才文志国建新春晓晨"
TOWN_ROOTS = [
    "青石",
    "白马",
    "黄河",
    "金沙",
    "清水",
    "红山",
    "东川",
    "西沟",
    "南岭",
    "北塬",
    "长宁",
    "安康",
    "永丰",
    "太平",
    "和平",
    "新华",
    "大通",
    "柳湾",
    "杏园",
    "桃源",
    "梨树",
    "松林",
    "石门",
    "龙泉",
    "凤凰",
    "双喜",
    "三合",
    "五里",
    "六盘",
    "七星",
    "高庙",
    "河口",
    "上庄",
    "下寨",
    "中营",
    "马场",
    "李家",
    "王庄",
    "刘湾",
    "陈堡",
]
VILLAGES = [
    "东村",
    "西村",
    "南村",
    "北村",
    "前进",
    "胜利",
    "红星",
    "光明",
    "团结",
    "幸福",
    "丰收",
    "和谐",
    "新民",
    "朝阳",
    "向阳",
    "永红",
]
KIND_WORDS = {
    SchoolKind.KINDERGARTEN: "幼儿园",
    SchoolKind.PRIMARY: "小学",
    SchoolKind.JUNIOR: "初级中学",
    SchoolKind.NINE_YEAR: "九年制学校",
    SchoolKind.SENIOR: "高级中学",
    SchoolKind.TEACHING_POINT: "教学点",
}
SCHOOL_KINDS = [
    (SchoolKind.PRIMARY, 45),
    (SchoolKind.KINDERGARTEN, 25),
    (SchoolKind.TEACHING_POINT, 12),
    (SchoolKind.JUNIOR, 10),
    (SchoolKind.NINE_YEAR, 5),
    (SchoolKind.SENIOR, 3),
]
FIRST_KINDS = [
    (VisitKind.ROUTINE, 82),
    (VisitKind.UNANNOUNCED, 10),
    (VisitKind.ONE_DAY, 4),
    (VisitKind.COMPREHENSIVE, 2),
    (VisitKind.INCIDENT, 2),
]
EXTRA_KINDS = [(VisitKind.SPECIAL, 50), (VisitKind.UNANNOUNCED, 30), (VisitKind.ROUTINE, 20)]
SEVERITIES = [(Severity.GENERAL, 75), (Severity.SERIOUS, 20), (Severity.MAJOR, 5)]


def _weighted(rng, pairs):
    return rng.choices([value for value, _weight in pairs], [w for _v, w in pairs])[0]


def _person(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def _moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _split(total: int, parts: int, rng) -> list[int]:
    """``total`` as ``parts`` numbers within ±30 % of the mean that add up exactly."""
    if parts <= 0:
        return []
    weights = [rng.uniform(0.7, 1.3) for _part in range(parts)]
    scale = total / sum(weights)
    sizes = [max(1, int(weight * scale)) for weight in weights]
    sizes[-1] += total - sum(sizes)
    return sizes


# Writing ------------------------------------------------------------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):  # datetimes too
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)
    raise TypeError(f"cannot COPY {value!r}")


class Writer:
    """Gives primary keys and writes rows (dicts by attribute name) of a model."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.next_pk: dict[type, int] = {}
        self.counts: dict[str, int] = {}
        self._plans: dict[type, tuple] = {}

    def pks(self, model, count: int) -> range:
        if model not in self.next_pk:
            highest = model.objects.aggregate(models.Max("pk"))["pk__max"] or 0
            self.next_pk[model] = highest + 1
        start = self.next_pk[model]
        self.next_pk[model] = start + count
        return range(start, start + count)

    def pk(self, model) -> int:
        return self.pks(model, 1)[0]

    def _plan(self, model):
        """The model's columns, and the value of each one a row leaves out."""
        if model not in self._plans:
            # Only the columns the table has: a field whose migration is not written yet (the
            # tree may be mid-change) is left to its database default.
            with connection.cursor() as cursor:
                present = {
                    column.name
                    for column in connection.introspection.get_table_description(
                        cursor, model._meta.db_table
                    )
                }
            fields = [f for f in model._meta.concrete_fields if f.column in present]
            defaults = {}
            for field in fields:
                if field.has_default():
                    defaults[field.attname] = field.get_default()
                elif field.empty_strings_allowed and not field.null:
                    defaults[field.attname] = ""
                else:
                    defaults[field.attname] = None
            self._plans[model] = ([(f.attname, f.column) for f in fields], defaults)
        return self._plans[model]

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        columns, defaults = self._plan(model)
        if not self.postgres:
            self._insert(model, columns, defaults, rows)
            return
        buffer = io.StringIO()
        for row in rows:
            buffer.write(
                "\t".join(_copy_text(row.get(name, defaults[name])) for name, _column in columns)
            )
            buffer.write("\n")
        buffer.seek(0)
        names = ", ".join(connection.ops.quote_name(column) for _name, column in columns)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)

    def _insert(self, model, columns, defaults, rows) -> None:
        """Plain INSERTs, the values converted by each field as Django would."""
        fields = {f.attname: f for f in model._meta.concrete_fields}
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(column) for _name, column in columns)
        marks = ", ".join(["%s"] * len(columns))
        values = [
            [
                fields[name].get_db_prep_save(row.get(name, defaults[name]), connection)
                for name, _column in columns
            ]
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_pk))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


# The province ---------------------------------------------------------------------------------


@dataclass
class Context:
    writer: Writer
    size: Size
    seed: int
    today: datetime.date
    now: datetime.datetime
    password: str
    joined: datetime.datetime
    region: int | None = None


def placeholder_files() -> None:
    """One stored photo and thumbnail that every generated photo row points at."""
    from PIL import Image

    for name, dimensions in ((PHOTO_NAME, (640, 480)), (THUMB_NAME, (160, 120))):
        if default_storage.exists(name):
            continue
        buffer = io.BytesIO()
        Image.new("RGB", dimensions, (120, 160, 150)).save(buffer, "JPEG")
        default_storage.save(name, ContentFile(buffer.getvalue()))


def generate(
    size: str = "tiny",
    *,
    seed: int = 2026,
    today: datetime.date | None = None,
    progress=None,
    writer: Writer | None = None,
) -> dict[str, int]:
    """Fill the database with a province of ``size``; return the rows written per model."""
    spec = SIZES[size]
    today = today or datetime.datetime.now(SHANGHAI).date()
    rng = random.Random(f"{seed}/province")
    writer = writer or Writer()
    ctx = Context(
        writer=writer,
        size=spec,
        seed=seed,
        today=today,
        now=_moment(today, 17),
        password=make_password(PASSWORD),
        joined=_moment(today - datetime.timedelta(days=400), 9),
    )
    placeholder_files()
    others = spec.counties - 2
    school_counts = [spec.big_county, spec.small_county] + _split(
        spec.schools - spec.big_county - spec.small_county, others, rng
    )
    inspector_counts = _inspector_counts(spec, school_counts)
    with transaction.atomic():
        ctx.region = _region(ctx)
    started = time.monotonic()
    for index in range(spec.counties):
        with transaction.atomic():
            _county(ctx, index, school_counts[index], inspector_counts[index])
        if progress and (index % 10 == 9 or index == spec.counties - 1):
            progress(
                f"{index + 1}/{spec.counties} counties, "
                f"{writer.counts.get('visits.Visit', 0)} visits, "
                f"{time.monotonic() - started:.0f} s"
            )
    writer.reset_sequences()
    return dict(sorted(writer.counts.items()))


def _region(ctx: Context) -> int:
    """The province every generated county belongs to, and its login."""
    w = ctx.writer
    pk = w.pk(Region)
    w.write(Region, [{"id": pk, "code": "610000", "name": "基准省", "kind": RegionKind.PROVINCE}])
    w.write(
        User,
        [
            {
                "id": w.pk(User),
                "password": ctx.password,
                "username": PROVINCE_USER,
                "is_active": True,
                "date_joined": ctx.joined,
                "role": Role.REGION,
                "region_id": pk,
                "display_name": "省督导办",
            }
        ],
    )
    return pk


def _inspector_counts(spec: Size, school_counts: list[int]) -> list[int]:
    counts = [max(3, round(spec.inspectors * n / spec.schools)) for n in school_counts]
    counts[-1] += spec.inspectors - sum(counts)
    return counts


def _county(ctx: Context, index: int, school_count: int, inspector_count: int) -> None:
    w = ctx.writer
    rng = random.Random(f"{ctx.seed}/county/{index}")
    code = f"{610001 + index:06d}"
    county_pk = w.pk(County)
    name = f"{TOWN_ROOTS[index % len(TOWN_ROOTS)]}{'县' if index % 3 else '区'}"
    if index >= len(TOWN_ROOTS):
        name = f"{name[:-1]}{index}{name[-1]}"
    w.write(
        County,
        [
            {
                "id": county_pk,
                "code": code,
                "name": name,
                "region_id": ctx.region,
                "public_base_url": PUBLIC_ROOT,
                "city": f"第{index // 10 + 1}市",
                "province": "基准省",
                "complaint_phone": f"0971-{5000000 + index}",
            }
        ],
    )
    w.write(CountySettings, [{"id": w.pk(CountySettings), "county_id": county_pk}])
    matter_pks = list(w.pks(SupervisionMatter, len(DEFAULT_MATTERS)))
    w.write(
        SupervisionMatter,
        [
            {"id": pk, "county_id": county_pk, "number": number, "name": text}
            for pk, (number, text) in zip(matter_pks, DEFAULT_MATTERS, strict=True)
        ],
    )
    matters = dict(zip([n for n, _t in DEFAULT_MATTERS], matter_pks, strict=True))
    township_rows, zone_rows = _townships(w, rng, county_pk, school_count)
    schools = _schools(w, rng, county_pk, code, school_count, township_rows, zone_rows)
    inspectors = _inspectors(w, rng, county_pk, inspector_count, zone_rows, ctx.today)
    assignees = _assignments(w, rng, schools, inspectors, ctx.today)
    users = _users(ctx, index, county_pk, code, schools, inspectors)
    _visits(ctx, rng, county_pk, name, schools, assignees, inspectors, matters, users)
    county = SimpleNamespace(
        pk=county_pk,
        name=name,
        complaint_phone=f"0971-{5000000 + index}",
        public_root=PUBLIC_ROOT,
    )
    _plaques(ctx, rng, county, schools, assignees, inspectors, users)
    _submissions(ctx, rng, county_pk, schools, assignees, matters, users)
    _meetings_and_notices(ctx, rng, county_pk, users)


def _townships(w: Writer, rng, county_pk: int, school_count: int):
    count = min(len(TOWN_ROOTS), max(2, school_count // 40))
    roots = rng.sample(TOWN_ROOTS, count)
    townships = []
    for position, root in enumerate(roots):
        kind = (
            TownshipKind.SUBDISTRICT
            if position == 0
            else TownshipKind.TOWNSHIP
            if position % 3 == 0
            else TownshipKind.TOWN
        )
        suffix = {"subdistrict": "街道", "township": "乡", "town": "镇"}[kind]
        townships.append(
            {"id": w.pk(Township), "county_id": county_pk, "name": root + suffix, "kind": kind}
        )
    zones = [
        {
            "id": w.pk(Zone),
            "county_id": county_pk,
            "name": f"{township['name']}责任区",
            "township_id": township["id"],
        }
        for township in townships
    ]
    w.write(Township, townships)
    w.write(Zone, zones)
    return townships, zones


def _schools(w, rng, county_pk, code, count, townships, zones) -> list[dict]:
    latitude, longitude = 34 + rng.uniform(0, 4), 100 + rng.uniform(0, 8)
    schools = []
    names = set()
    centrals = {}
    for serial in range(count):
        township_index = serial % len(townships)
        township = townships[township_index]
        central = township_index not in centrals
        kind = SchoolKind.NINE_YEAR if central else _weighted(rng, SCHOOL_KINDS)
        if central:
            name = f"{township['name']}中心学校"
        else:
            name = f"{township['name'][:2]}{rng.choice(VILLAGES)}{KIND_WORDS[kind]}"
            number = 2
            base = name
            while name in names:
                name = f"{base[: -len(KIND_WORDS[kind])]}第{number}{KIND_WORDS[kind]}"
                number += 1
        names.add(name)
        pk = w.pk(School)
        if central:
            centrals[township_index] = pk
        students = (
            rng.randint(20, 200) if kind == SchoolKind.TEACHING_POINT else rng.randint(80, 2400)
        )
        schools.append(
            {
                "id": pk,
                "county_id": county_pk,
                "code": f"{code}{serial:04d}",
                "name": name,
                "kind": kind,
                "is_public": rng.random() < 0.9,
                "township_id": township["id"],
                "zone_id": zones[township_index]["id"],
                "is_central": central,
                "central_school_id": None if central else centrals[township_index],
                "is_boarding": rng.random() < 0.2,
                "students": students,
                "teachers": max(2, students // 15),
                "principal_name": _person(rng),
                "principal_phone": f"138{rng.randint(0, 99_999_999):08d}",
                "address": f"{township['name']}{rng.randint(1, 200)}号",
                "latitude": round(Decimal(latitude + rng.uniform(-0.3, 0.3)), 6),
                "longitude": round(Decimal(longitude + rng.uniform(-0.3, 0.3)), 6),
                "is_active": central or rng.random() > 0.01,
            }
        )
    w.write(School, schools)
    return schools


def _inspectors(w, rng, county_pk, count, zones, today) -> list[dict]:
    inspectors = []
    for number in range(count):
        # The first is always an active responsible inspector: the load run's inspector.
        kind = (
            InspectorKind.PART_TIME
            if number == 0
            else _weighted(
                rng,
                [
                    (InspectorKind.PART_TIME, 70),
                    (InspectorKind.FULL_TIME, 20),
                    (InspectorKind.SPECIAL, 10),
                ],
            )
        )
        status = (
            InspectorStatus.ACTIVE
            if number == 0 or rng.random() < 0.97
            else rng.choice((InspectorStatus.SUSPENDED, InspectorStatus.LEFT))
        )
        appointed = today - datetime.timedelta(days=rng.randint(60, 1800))
        inspectors.append(
            {
                "id": w.pk(Inspector),
                "county_id": county_pk,
                "name": _person(rng),
                "kind": kind,
                "employer": rng.choice(("县教育局", "县教研室", "县人大", "县公安局", "中心学校")),
                "post": rng.choice(("副局长", "教研员", "校长", "主任", "")),
                "phone": f"139{county_pk % 100:02d}{number:06d}",
                "certificate_no": f"DX{county_pk:03d}{number:05d}",
                "appointed_on": appointed,
                "term_ends_on": appointed + datetime.timedelta(days=3 * 365),
                "status": status,
                "zone_id": rng.choice(zones)["id"],
            }
        )
    w.write(Inspector, inspectors)
    return inspectors


def _assignments(w, rng, schools, inspectors, today) -> dict[int, list[int]]:
    """Each open school gets a lead inspector, central schools a second; some past ones too."""
    responsible = [
        i
        for i in inspectors
        if i["kind"] != InspectorKind.SPECIAL and i["status"] == InspectorStatus.ACTIVE
    ]
    others = responsible[1:] or responsible
    rows = []
    assignees: dict[int, list[int]] = {}
    for position, school in enumerate(schools):
        if not school["is_active"]:
            continue
        # The load run's inspector (the first) covers the first five schools.
        lead = responsible[0] if position < 5 else others[position % len(others)]
        team = [lead]
        if school["is_central"] and len(responsible) > 1:
            second = rng.choice(responsible)
            if second is not lead:
                team.append(second)
        assignees[school["id"]] = [i["id"] for i in team]
        for rank, inspector in enumerate(team):
            rows.append(
                {
                    "id": w.pk(Assignment),
                    "inspector_id": inspector["id"],
                    "school_id": school["id"],
                    "started_on": today - datetime.timedelta(days=rng.randint(30, 900)),
                    "is_lead": rank == 0,
                }
            )
        if rng.random() < 0.1 and len(responsible) > 2:
            earlier = rng.choice([i for i in responsible if i is not lead])
            ended = today - datetime.timedelta(days=rng.randint(1000, 1400))
            rows.append(
                {
                    "id": w.pk(Assignment),
                    "inspector_id": earlier["id"],
                    "school_id": school["id"],
                    "started_on": ended - datetime.timedelta(days=rng.randint(300, 1000)),
                    "ended_on": ended,
                    "note": "交流轮岗",
                }
            )
    w.write(Assignment, rows)
    return assignees


def _users(ctx, index, county_pk, code, schools, inspectors) -> dict:
    """Office and committee logins, one per active inspector and one per open school."""
    w = ctx.writer
    rows = []

    def add(username, role, **fields):
        pk = w.pk(User)
        rows.append(
            {
                "id": pk,
                "password": ctx.password,
                "username": username,
                "is_active": True,
                "date_joined": ctx.joined,
                "county_id": county_pk,
                "role": role,
                **fields,
            }
        )
        return pk

    office_name = {0: BIG_OFFICE, 1: SMALL_OFFICE}.get(index, f"office-{code}")
    users = {
        "office": add(office_name, Role.OFFICE, display_name="督导室"),
        "committee": add(f"committee-{code}", Role.COMMITTEE, display_name="委员"),
        "inspector": {},
        "principal": {},
    }
    for number, inspector in enumerate(inspectors):
        if inspector["status"] != InspectorStatus.ACTIVE:
            continue
        username = (
            BENCH_INSPECTOR if index == 0 and number == 0 else f"inspector-{code}-{number:04d}"
        )
        users["inspector"][inspector["id"]] = add(
            username, Role.INSPECTOR, inspector_id=inspector["id"], display_name=inspector["name"]
        )
    tenures = []
    for number, school in enumerate(schools):
        if not school["is_active"]:
            continue
        username = BENCH_PRINCIPAL if index == 0 and number == 0 else f"principal-{school['code']}"
        pk = add(
            username, Role.PRINCIPAL, school_id=school["id"], display_name=school["principal_name"]
        )
        users["principal"][school["id"]] = pk
        tenures.append(
            {
                "id": w.pk(PrincipalTenure),
                "school_id": school["id"],
                "name": school["principal_name"],
                "user_id": pk,
                "started_on": ctx.today - datetime.timedelta(days=400),
            }
        )
    w.write(User, rows)
    w.write(PrincipalTenure, tenures)
    return users


@dataclass
class CountyRows:
    """Everything one county's year of visits writes, gathered before writing."""

    visits: list
    notes: list
    problems: list
    photos: list
    co_inspectors: list
    visit_events: list
    items: list
    item_events: list
    evidence: list
    notifications: list

    @classmethod
    def empty(cls):
        return cls(*([] for _field in range(10)))


def _visit_months(today: datetime.date, count: int) -> list[tuple[int, int]]:
    months = []
    year, month = today.year, today.month
    for _step in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _visits(ctx, rng, county_pk, county_name, schools, assignees, inspectors, matters, users):
    w, today = ctx.writer, ctx.today
    out = CountyRows.empty()
    responsible = [i["id"] for i in inspectors if i["kind"] != InspectorKind.SPECIAL]
    planned = []
    for school in schools:
        team = assignees.get(school["id"])
        if not team:
            continue
        for year, month in _visit_months(today, ctx.size.months):
            # Holiday months (February, August) see a visit now and then; school months one,
            # often two.
            if month in (2, 8):
                count = int(rng.random() < 0.1)
            else:
                count = int(rng.random() < 0.9) + int(rng.random() < 0.3)
            last_day = (
                today.day
                if (year, month) == (today.year, today.month)
                else (
                    datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(1)
                ).day
            )
            for number in range(count):
                day = datetime.date(year, month, rng.randint(1, last_day))
                arrived = _moment(day, rng.randint(8, 15), rng.choice((0, 15, 30, 45)))
                kind = _weighted(rng, FIRST_KINDS if number == 0 else EXTRA_KINDS)
                planned.append((arrived, school, team, kind))
    planned.sort(key=lambda plan: (plan[0], plan[1]["id"]))
    serials: dict[int, int] = {}
    for arrived, school, team, kind in planned:
        _visit(
            ctx,
            rng,
            out,
            county_pk,
            county_name,
            school,
            team,
            kind,
            arrived,
            matters,
            users,
            responsible,
            serials,
        )
    w.write(Visit, out.visits)
    w.write(Visit.co_inspectors.through, out.co_inspectors)
    w.write(VisitMatterNote, out.notes)
    w.write(RectificationItem, out.items)
    w.write(VisitProblem, out.problems)
    w.write(VisitPhoto, out.photos)
    w.write(VisitEvent, out.visit_events)
    w.write(RectificationEvent, out.item_events)
    w.write(RectificationEvidence, out.evidence)
    w.write(Notification, out.notifications)


def _visit(
    ctx,
    rng,
    out,
    county_pk,
    county_name,
    school,
    team,
    kind,
    arrived,
    matters,
    users,
    responsible,
    serials,
):
    w, now = ctx.writer, ctx.now
    inspector_id = team[0]
    author = users["inspector"].get(inspector_id, users["office"])
    principal = users["principal"].get(school["id"])
    pk = w.pk(Visit)
    draft = now - arrived < datetime.timedelta(days=3) and rng.random() < 0.3
    departed = min(arrived + datetime.timedelta(minutes=rng.randint(90, 300)), now)
    row = {
        "id": pk,
        "school_id": school["id"],
        "county_id": county_pk,
        "inspector_id": inspector_id,
        "kind": kind,
        "methods": rng.sample(VisitMethod.values, rng.randint(2, 4)),
        "status": VisitStatus.DRAFT if draft else VisitStatus.SUBMITTED,
        "arrived_at": arrived,
        "highlights": rng.choice(HIGHLIGHTS),
        "suggestions": rng.choice(SUGGESTIONS),
        "created_by_id": author,
        "created_at": arrived,
        "updated_at": departed,
    }
    out.visit_events.append(
        {
            "id": w.pk(VisitEvent),
            "visit_id": pk,
            "actor_id": author,
            "at": arrived,
            "action": VisitEvent.Action.STARTED,
        }
    )
    far = rng.random()
    if far < 0.05:
        row["check_in_status"] = CheckInStatus.NO_LOCATION
        row["check_in_at"] = arrived
    else:
        distance = rng.randint(20, 400) if far > 0.1 else rng.randint(1500, 9000)
        row.update(
            location_consent=True,
            check_in_status=CheckInStatus.NEAR if distance < 1000 else CheckInStatus.FAR,
            check_in_at=arrived,
            check_in_latitude=school["latitude"],
            check_in_longitude=school["longitude"],
            check_in_accuracy=rng.randint(5, 60),
            check_in_distance=distance,
        )
    if rng.random() < 0.1 and len(responsible) > 2:
        partner = rng.choice(responsible)
        if partner != inspector_id:
            out.co_inspectors.append(
                {"id": w.pk(Visit.co_inspectors.through), "visit_id": pk, "inspector_id": partner}
            )
    looked = rng.sample(sorted(matters), 3)
    problem_count = 0 if draft else _weighted(rng, [(0, 78), (1, 16), (2, 6)])
    problem_matters = looked[:problem_count]
    for number in looked:
        found = number in problem_matters
        out.notes.append(
            {
                "id": w.pk(VisitMatterNote),
                "visit_id": pk,
                "matter_id": matters[number],
                "looked_at": True,
                "observation": rng.choice(OBSERVATIONS[number]),
                "judgement": Judgement.PROBLEM
                if found
                else _weighted(rng, [(Judgement.GOOD, 85), (Judgement.NEEDS_IMPROVEMENT, 15)]),
            }
        )
    for photo in range((rng.random() < 0.7) + problem_count):
        out.photos.append(
            {
                "id": w.pk(VisitPhoto),
                "visit_id": pk,
                "image": PHOTO_NAME,
                "thumbnail": THUMB_NAME,
                "width": 640,
                "height": 480,
                "size": 48_213,
                "original_name": f"IMG_{pk % 10000:04d}{photo}.jpg",
                "uploaded_by_id": author,
                "uploaded_at": arrived + datetime.timedelta(minutes=40),
                "taken_at": arrived + datetime.timedelta(minutes=30),
            }
        )
    out.visits.append(row)
    if draft:
        return
    submitted = min(departed + datetime.timedelta(minutes=rng.randint(10, 1200)), now)
    local_year = submitted.astimezone(SHANGHAI).year
    serials[local_year] = serial = serials.get(local_year, 0) + 1
    row.update(
        departed_at=departed,
        feedback_to_school=rng.choice(FEEDBACK),
        submitted_at=submitted,
        submitted_by_id=author,
        record_county_id=county_pk,
        record_year=local_year,
        record_serial=serial,
        record_number=f"{county_name[:1]}督记〔{local_year}〕{serial}号",
        updated_at=submitted,
    )
    if problem_count:
        row["problems_text"] = "；".join(PROBLEMS[n][0] for n in problem_matters)
    out.visit_events.append(
        {
            "id": w.pk(VisitEvent),
            "visit_id": pk,
            "actor_id": author,
            "at": submitted,
            "action": VisitEvent.Action.SUBMITTED,
        }
    )
    if principal and now - submitted > datetime.timedelta(days=2) and rng.random() < 0.8:
        read = submitted + datetime.timedelta(hours=rng.randint(1, 40))
        row.update(read_at=read, read_by_id=principal)
        out.visit_events.append(
            {
                "id": w.pk(VisitEvent),
                "visit_id": pk,
                "actor_id": principal,
                "at": read,
                "action": VisitEvent.Action.READ,
            }
        )
        if rng.random() < 0.15:
            replied = read + datetime.timedelta(hours=1)
            row.update(
                principal_reply=rng.choice(REPLIES), replied_at=replied, replied_by_id=principal
            )
            out.visit_events.append(
                {
                    "id": w.pk(VisitEvent),
                    "visit_id": pk,
                    "actor_id": principal,
                    "at": replied,
                    "action": VisitEvent.Action.REPLIED,
                }
            )
    for position, number in enumerate(problem_matters):
        severity = _weighted(rng, SEVERITIES)
        days = {Severity.GENERAL: 30, Severity.SERIOUS: 15, Severity.MAJOR: 7}[severity]
        deadline = arrived.astimezone(SHANGHAI).date() + datetime.timedelta(days=days)
        item_pk = _item(
            ctx,
            rng,
            out,
            county_pk,
            school,
            number,
            severity,
            deadline,
            pk,
            inspector_id,
            author,
            principal,
            submitted,
            matters,
        )
        out.problems.append(
            {
                "id": w.pk(VisitProblem),
                "visit_id": pk,
                "position": position,
                "matter_id": matters[number],
                "severity": severity,
                "description": PROBLEMS[number][0],
                "required_change": PROBLEMS[number][1],
                "deadline": deadline,
                "rectification_item_id": item_pk,
            }
        )


def _item(
    ctx,
    rng,
    out,
    county_pk,
    school,
    number,
    severity,
    deadline,
    visit_pk,
    inspector_id,
    inspector_user,
    principal,
    opened,
    matters,
) -> int:
    """A rectification item and the steps it went through by now."""
    w, now = ctx.writer, ctx.now
    pk = w.pk(RectificationItem)
    row = {
        "id": pk,
        "county_id": county_pk,
        "school_id": school["id"],
        "matter_id": matters[number],
        "severity": severity,
        "description": PROBLEMS[number][0],
        "required_change": PROBLEMS[number][1],
        "deadline": deadline,
        "responsible_inspector_id": inspector_id,
        "owner_level": OwnerLevel.SCHOOL,
        "state": RectificationState.OPEN,
        "source": SourceKind.VISIT,
        "visit_id": visit_pk,
        "created_by_id": inspector_user,
        "created_at": opened,
    }
    school_user = principal or inspector_user
    state = RectificationState.OPEN
    at = opened

    def event(action, actor, to_state, comment="", **extra):
        nonlocal state
        event_pk = w.pk(RectificationEvent)
        out.item_events.append(
            {
                "id": event_pk,
                "item_id": pk,
                "actor_id": actor,
                "at": at,
                "action": action,
                "from_state": state if action != EventAction.OPENED else "",
                "to_state": to_state,
                "comment": comment,
                **extra,
            }
        )
        state = to_state
        return event_pk

    def later(low: int, high: int) -> bool:
        nonlocal at
        at = at + datetime.timedelta(days=rng.randint(low, high), minutes=rng.randint(0, 600))
        return at <= now

    event(EventAction.OPENED, inspector_user, RectificationState.OPEN)
    if principal:
        out.notifications.append(
            {
                "id": w.pk(Notification),
                "user_id": principal,
                "created_at": opened,
                "title": "新的整改事项",
                "body": PROBLEMS[number][0],
                "url": f"/rectifications/{pk}/",
                "read_at": opened + datetime.timedelta(days=1)
                if now - opened > datetime.timedelta(days=3)
                else None,
                "dedupe_key": f"bench-opened-{pk}",
            }
        )
    while True:  # one pass; ``break`` where the item stands today
        if not later(1, 6) or rng.random() < 0.04:
            break
        event(EventAction.PLAN_SUBMITTED, school_user, RectificationState.IN_PROGRESS, "整改方案")
        if rng.random() < 0.6:
            if not later(2, 10):
                break
            event(EventAction.PROGRESS_REPORTED, school_user, state, "整改进展")
        if rng.random() < 0.03:
            row["owner_level"] = OwnerLevel.BUREAU
            event(
                EventAction.ESCALATED,
                inspector_user,
                state,
                "需教育局协调解决",
                owner_level=OwnerLevel.BUREAU,
            )
        for attempt in range(2):
            if not later(3, 20) or rng.random() < 0.05:
                break
            done = event(
                EventAction.DONE_REPORTED,
                school_user,
                RectificationState.AWAITING_VERIFICATION,
                "已完成整改",
            )
            row["reported_done_at"] = at
            out.evidence.append(
                {
                    "id": w.pk(RectificationEvidence),
                    "event_id": done,
                    "image": PHOTO_NAME,
                    "thumbnail": THUMB_NAME,
                    "width": 640,
                    "height": 480,
                }
            )
            out.notifications.append(
                {
                    "id": w.pk(Notification),
                    "user_id": inspector_user,
                    "created_at": at,
                    "title": "学校报告整改完成",
                    "url": f"/rectifications/{pk}/",
                    "read_at": at + datetime.timedelta(hours=5)
                    if now - at > datetime.timedelta(days=2)
                    else None,
                    "dedupe_key": f"bench-done-{pk}-{attempt}",
                }
            )
            if not later(1, 12):
                break
            if attempt == 0 and rng.random() < 0.1:
                event(
                    EventAction.RETURNED,
                    inspector_user,
                    RectificationState.RETURNED,
                    "整改不到位，请继续整改",
                )
                continue
            event(EventAction.VERIFIED, inspector_user, RectificationState.CLOSED, "复查合格，销号")
            row["closed_at"] = at
            if now - at > datetime.timedelta(days=100) and rng.random() < 0.5:
                at = at + datetime.timedelta(days=90 + rng.randint(0, 9))
                event(
                    EventAction.FOLLOWED_UP,
                    inspector_user,
                    RectificationState.CLOSED,
                    "回访：问题未反弹",
                )
                row["followed_up_at"] = at
            break
        break
    row["state"] = state
    if state != RectificationState.AWAITING_VERIFICATION and state != RectificationState.CLOSED:
        row.pop("reported_done_at", None)
    row["updated_at"] = min(at, now) if state != RectificationState.OPEN else opened
    out.items.append(row)
    return pk


def _plaques(ctx, rng, county, schools, assignees, inspectors, users) -> None:
    """A plaque for nearly every open school, most posted at the gate with a photo; the snapshot
    is what ``inspectors.plaques`` builds, a few since made outdated by a new phone number."""
    w = ctx.writer
    by_pk = {inspector["id"]: inspector for inspector in inspectors}
    kinds = {kind: str(label) for kind, label in InspectorKind.choices}
    matters = [SimpleNamespace(name=text) for _number, text in DEFAULT_MATTERS]
    slugs = set()
    plaque_rows, posting_rows = [], []
    serial = 0
    for school in schools:
        if not school["is_active"] or rng.random() < 0.05:
            continue
        serial += 1
        slug = "".join(rng.choices(SLUG_ALPHABET, k=SLUG_LENGTH))
        while slug in slugs:
            slug = "".join(rng.choices(SLUG_ALPHABET, k=SLUG_LENGTH))
        slugs.add(slug)
        pk = w.pk(Plaque)
        number = f"{county.name[:1]}督牌〔{ctx.today.year}〕{serial:03d}号"
        public_url = f"{county.public_root}/p/{slug}"  # stored at issue, as issue_plaques does
        plaque_rows.append(
            {
                "id": pk,
                "county_id": county.pk,
                "school_id": school["id"],
                "year": ctx.today.year,
                "serial": serial,
                "number": number,
                "slug": slug,
                "public_url": public_url,
                "created_at": ctx.joined,
            }
        )
        if rng.random() < 0.1:
            continue  # issued, not posted yet
        team = [by_pk[inspector_id] for inspector_id in assignees.get(school["id"], [])]
        content = plaques.plaque_content(
            SimpleNamespace(name=school["name"], county=county),
            assignments=[
                SimpleNamespace(
                    inspector_id=inspector["id"],
                    is_lead=rank == 0,
                    inspector=SimpleNamespace(
                        name=inspector["name"],
                        post=inspector["post"],
                        get_kind_display=lambda kind=inspector["kind"]: kinds[kind],
                        phone=inspector["phone"],
                        photo=SimpleNamespace(name=""),
                    ),
                )
                for rank, inspector in enumerate(team)
            ],
            matters=matters,
            plaque=SimpleNamespace(number=number, public_url=public_url),
        )
        if content["inspectors"] and rng.random() < 0.05:
            content["inspectors"][0]["phone"] = "139 0000 0000"  # the inspector's new phone
        with_photo = rng.random() < 0.9
        posting_rows.append(
            {
                "id": w.pk(PlaquePosting),
                "plaque_id": pk,
                "posted_on": ctx.today - datetime.timedelta(days=rng.randint(10, 300)),
                "photo": PHOTO_NAME if with_photo else "",
                "thumbnail": THUMB_NAME if with_photo else "",
                "snapshot": content,
                "recorded_by_id": users["office"],
                "recorded_at": ctx.joined,
            }
        )
    w.write(Plaque, plaque_rows)
    w.write(PlaquePosting, posting_rows)


def _submissions(ctx, rng, county_pk, schools, assignees, matters, users) -> None:
    """Complaints, reports and suggestions from the plaques' public pages over the year, about
    one for every two schools; the old ones answered."""
    w, now = ctx.writer, ctx.now
    rows, events = [], []
    for school in schools:
        team = assignees.get(school["id"])
        if not team or rng.random() >= 0.5:
            continue
        received = now - datetime.timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 900))
        pk = w.pk(Submission)
        code = ""  # the key in the tracking alphabet: unique like the key
        for _digit in range(tracking.LENGTH):
            code = tracking.ALPHABET[(pk // len(tracking.ALPHABET) ** len(code)) % 32] + code
        answered = now - received > datetime.timedelta(days=15) or rng.random() < 0.3
        inspector_user = users["inspector"].get(team[0])
        rows.append(
            {
                "id": pk,
                "county_id": county_pk,
                "school_id": school["id"],
                "channel": "online",
                "category": rng.choice(("complaint", "report", "suggestion")),
                "matter_id": matters[rng.randint(1, len(matters))],
                "text": "学校食堂饭菜分量不足，希望督学关注。",
                "name": _person(rng),
                "phone": f"137{rng.randint(0, 99_999_999):08d}",
                "relation": "parent",
                "tracking_code": code,
                "state": SubmissionState.ANSWERED if answered else SubmissionState.NEW,
                "assigned_inspector_id": team[0],
                "received_at": received,
                "due_on": received.astimezone(SHANGHAI).date() + datetime.timedelta(days=7),
                "verified_summary": "已核实并督促学校整改。" if answered else "",
                "public_reply": "已核实，学校已调整食堂供餐标准。" if answered else "",
                "answered_at": received + datetime.timedelta(days=5) if answered else None,
                "answered_by_id": inspector_user if answered else None,
            }
        )
        events.append(
            {
                "id": w.pk(SubmissionEvent),
                "submission_id": pk,
                "at": received,
                "action": SubmissionAction.RECEIVED,
                "inspector_id": team[0],
            }
        )
        if answered:
            events.append(
                {
                    "id": w.pk(SubmissionEvent),
                    "submission_id": pk,
                    "actor_id": inspector_user,
                    "at": received + datetime.timedelta(days=5),
                    "action": SubmissionAction.ANSWERED,
                }
            )
    w.write(Submission, rows)
    w.write(SubmissionEvent, events)


def _meetings_and_notices(ctx, rng, county_pk, users) -> None:
    """The monthly meeting of all responsible inspectors, with invitations and attendance, and
    a work notice a month to every principal, most of them read."""
    w, now = ctx.writer, ctx.now
    meetings, invitees, notices, recipients = [], [], [], []
    inspector_users = list(users["inspector"].values())
    principal_users = list(users["principal"].values())
    for year, month in _visit_months(ctx.today, ctx.size.months):
        starts = _moment(datetime.date(year, month, 8), 9)
        past = starts < now
        pk = w.pk(Meeting)
        meetings.append(
            {
                "id": pk,
                "county_id": county_pk,
                "kind": MeetingKind.INSPECTORS,
                "title": f"{year}年{month}月督学月例会",
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=2),
                "place": "县教育局三楼会议室",
                "chair": "督导室主任",
                "agenda": "1. 上月督导情况通报\n2. 本月工作安排",
                "minutes": "会议通报了上月督导情况，布置了本月工作。" if past else "",
                "minutes_filed_at": starts + datetime.timedelta(days=1) if past else None,
                "minutes_filed_by_id": users["office"] if past else None,
                "created_by_id": users["office"],
                "created_at": starts - datetime.timedelta(days=7),
                "updated_at": starts - datetime.timedelta(days=7),
            }
        )
        for user_id in inspector_users:
            attended = rng.random() < 0.9
            invitees.append(
                {
                    "id": w.pk(Invitee),
                    "meeting_id": pk,
                    "user_id": user_id,
                    "name": "督学",
                    "group": InviteeGroup.INSPECTORS,
                    "response": "attend" if past else "",
                    "responded_at": starts - datetime.timedelta(days=2) if past else None,
                    "attendance": (Attendance.PRESENT if attended else Attendance.ABSENT)
                    if past
                    else "",
                }
            )
        sent = starts - datetime.timedelta(days=3)
        if sent > now:
            continue
        notice = w.pk(Notice)
        notices.append(
            {
                "id": notice,
                "county_id": county_pk,
                "title": f"关于做好{month}月校园安全自查的通知",
                "body": "请各校于月底前完成校园安全自查。",
                "audience": {"groups": ["principals"]},
                "sent_by_id": users["office"],
                "sent_at": sent,
            }
        )
        for user_id in principal_users:
            read = now - sent > datetime.timedelta(days=3) and rng.random() < 0.9
            recipients.append(
                {
                    "id": w.pk(NoticeRecipient),
                    "notice_id": notice,
                    "user_id": user_id,
                    "read_at": sent + datetime.timedelta(hours=rng.randint(1, 48))
                    if read
                    else None,
                }
            )
    w.write(Meeting, meetings)
    w.write(Invitee, invitees)
    w.write(Notice, notices)
    w.write(NoticeRecipient, recipients)


# What the README's deployment section recommends: for a database on SSD or in memory a random
# read costs about what a sequential one does (at the default of 4 the planner hashes a
# province's tables to answer a question about one county), and no JIT compiling, which spent
# seconds compiling report queries that run in milliseconds.
PLANNER_SETTINGS = {"random_page_cost": "1.1", "jit": "off"}


def analyze() -> None:
    """Fresh planner statistics after the bulk load, and the recommended planner settings
    (PostgreSQL; outside a transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            for setting, value in PLANNER_SETTINGS.items():
                cursor.execute(f"ALTER DATABASE {name} SET {setting} = {value}")
            cursor.execute("VACUUM ANALYZE")
