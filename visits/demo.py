"""Demo step: about six months of visit records up to today across the demo counties.

Every (school, month) pair draws from its own generator, so the history is the same on every run
and a later run only adds the months (and the days of this month) that have passed since: a pair
that already has a visit is left alone. Most schools get their monthly visit, a few are behind,
some visits find problems, which become rectification items through ``open_item``.
"""

import calendar
import datetime
from collections import defaultdict

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, User
from inspectors.models import Assignment, Inspector, InspectorKind, InspectorStatus
from rectifications.models import Severity
from schools.demo.pictures import made_up_photo
from schools.models import School, SupervisionMatter
from visits.models import (
    SHANGHAI,
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
    local_month,
    number_records,
)

MONTHS_BACK = 5  # this month and the five before it
BEHIND_SHARE = 0.12  # schools whose inspectors often miss the monthly visit
DRAFT_SHARE = 0.1  # visits of the last days still left as drafts
SCHOOLS_PER_SPECIAL_VISIT = 60  # theme visits a month: one per this many schools
PHOTOS_SINCE = datetime.timedelta(days=45)  # recent visits with problems carry photos

OBSERVATIONS = {
    1: ["学校章程、各项制度齐全，校务公开栏内容及时更新。", "查阅了行政会议记录，决策程序规范。"],
    2: ["招生按划片就近入学执行，收费公示到位，无违规收费。", "查看了收费公示和学籍台账，一致。"],
    3: [
        "按国家课程方案开齐开足课程，随堂听课两节，课堂组织有序。",
        "课表与实际上课一致，音体美课程正常开设。",
    ],
    4: ["学生每天校内体育活动时间达到一小时，作业公示制度落实。", "抽查作业本，作业量适中。"],
    5: ["教师师德承诺书签订齐全，校本研修记录完整。", "与三名教师座谈，反映培训机会较多。"],
    6: ["校门口值守到位，消防器材在有效期内，应急疏散演练有记录。", "巡查校舍，监控覆盖主要区域。"],
    7: ["食堂证照齐全，留样记录完整，陪餐制度落实。", "饮用水设备定期消毒，有记录。"],
    8: ["校园文化布置积极向上，学生文明礼貌。", "班级学风良好，课堂纪律较好。"],
}
PROBLEMS = {
    1: ("部分制度未及时修订，与现行规定不符。", "组织修订相关制度并报督导室备案。"),
    2: ("收费公示内容不完整，缺少服务性收费项目。", "补充完善收费公示内容。"),
    3: ("个别班级音乐、美术课被挤占。", "严格执行课表，开齐开足课程。"),
    4: ("部分班级书面作业量偏大。", "落实作业公示和总量控制。"),
    5: ("校本研修记录不完整。", "完善教师培训和研修档案。"),
    6: ("消防通道堆放杂物，部分灭火器过期。", "立即清理消防通道，更换过期灭火器。"),
    7: ("食堂留样记录缺失两天，从业人员健康证一人过期。", "完善留样记录，督促从业人员办理健康证。"),
    8: ("校园文化建设内容陈旧。", "更新校园文化宣传内容。"),
}
HIGHLIGHTS = [
    "课后服务形式多样，学生参与率高。",
    "家校沟通渠道畅通，家长满意度较高。",
    "校园环境整洁，绿化美化效果好。",
    "教研活动扎实，青年教师成长较快。",
    "寄宿生管理细致，生活老师配备到位。",
]
SUGGESTIONS = [
    "进一步加强安全隐患排查，做好台账记录。",
    "继续落实“双减”要求，提高作业设计质量。",
    "加强教师信息技术应用能力培训。",
    "完善家校共育机制，定期召开家长会。",
]
FEEDBACK = [
    "已当场向校长反馈督导情况，肯定了学校的亮点，指出了存在的问题，学校表示将认真整改。",
    "督导结束后与学校班子交换了意见，对发现的问题提出了整改要求和期限。",
    "向学校反馈：总体情况良好，请继续保持，并按建议改进相关工作。",
]
REPLIES = [
    "已收到反馈，学校已召开专题会议研究整改措施。",
    "感谢督学指导，相关问题已安排专人负责整改。",
    "已阅，学校将按期完成整改并报送整改情况。",
]
KIND_WEIGHTS = [
    (VisitKind.ROUTINE, 82),
    (VisitKind.UNANNOUNCED, 10),
    (VisitKind.ONE_DAY, 4),
    (VisitKind.COMPREHENSIVE, 2),
    (VisitKind.INCIDENT, 2),
]


def seed_visits(ctx) -> None:
    """Demo step registered in ``schools.demo.DEMO_STEPS``."""
    for key, county in ctx.counties.items():
        created = grow_history(county, ctx=ctx, topic=f"visits/{key}")
        ctx.record("督导记录", created)


def grow_history(county, *, ctx, topic: str, now: datetime.datetime | None = None) -> int:
    """Add the visits missing from the last months of ``county``; return how many were made."""
    # Noon of the demo day, not the clock: a second run the same day plans exactly the same.
    now = now or datetime.datetime.combine(ctx.today, datetime.time(12), tzinfo=SHANGHAI)
    authors = _authors(county)
    if authors is None:
        return 0
    matters = list(SupervisionMatter.objects.filter(county=county, is_active=True))
    county_settings = county.settings
    assignees = defaultdict(list)
    for assignment in (
        Assignment.objects.current()
        .filter(school__county=county, inspector__status=InspectorStatus.ACTIVE)
        .select_related("inspector")
        .order_by("inspector__name")
    ):
        assignees[assignment.school_id].append(assignment.inspector)
    schools = list(School.objects.active().filter(county=county).order_by("code"))
    months = _months(ctx.today)
    first_month = datetime.datetime(*months[0], 1, tzinfo=SHANGHAI)
    visited = {
        (school_id, *local_month(arrived))
        for school_id, arrived in Visit.objects.filter(
            school__county=county, arrived_at__gte=first_month
        ).values_list("school_id", "arrived_at")
    }
    planned = []
    for school in schools:
        inspectors = assignees.get(school.pk)
        if not inspectors:
            continue
        behind = ctx.random(f"{topic}/{school.code}").random() < BEHIND_SHARE
        for year, month in months:
            if (school.pk, year, month) in visited:
                continue
            rng = ctx.random(f"{topic}/{school.code}/{year}-{month:02d}")
            plan = _plan_visit(
                rng,
                school=school,
                inspectors=inspectors,
                year=year,
                month=month,
                now=now,
                behind=behind,
                holiday=county_settings.is_holiday_month(month),
                matters=matters,
            )
            if plan:
                planned.append(plan)
    planned.extend(_special_visits(county, ctx=ctx, topic=topic, months=months, now=now))
    if not planned:
        return 0
    visits = _save(planned, authors=authors, county_settings=county_settings, now=now)
    _add_photos(visits, rng=ctx.random(f"{topic}/photos"), since=now - PHOTOS_SINCE)
    return len(planned)


def _months(today: datetime.date) -> list[tuple[int, int]]:
    months = []
    year, month = today.year, today.month
    for _step in range(MONTHS_BACK + 1):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _authors(county):
    """Who created each inspector's records: their login, else the office (typed from paper)."""
    users = User.objects.filter(county=county, is_active=True)
    office = users.filter(role=Role.OFFICE).order_by("pk").first()
    by_inspector = {
        user.inspector_id: user
        for user in users.filter(role=Role.INSPECTOR, inspector__isnull=False)
    }
    if office is None and not by_inspector:
        return None
    return lambda inspector: by_inspector.get(inspector.pk, office)


def _weighted(rng, pairs):
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


def _arrival(rng, *, year: int, month: int, now: datetime.datetime):
    """A working-hours time on some day of that month; None if that time is still to come."""
    last_day = calendar.monthrange(year, month)[1]
    moment = datetime.datetime(
        year,
        month,
        rng.randint(1, last_day),
        rng.randint(8, 15),
        rng.choice((0, 10, 20, 30, 40, 50)),
        tzinfo=SHANGHAI,
    )
    return moment if moment <= now else None


def _plan_visit(rng, *, school, inspectors, year, month, now, behind, holiday, matters):
    chance = 0.1 if holiday else (0.55 if behind else 0.95)
    if rng.random() >= chance:
        return None
    arrived = _arrival(rng, year=year, month=month, now=now)
    if arrived is None:
        return None
    inspector = rng.choice(inspectors)
    others = [other for other in inspectors if other.pk != inspector.pk]
    return _plan(
        rng,
        school=school,
        inspector=inspector,
        kind=_weighted(rng, KIND_WEIGHTS),
        arrived=arrived,
        now=now,
        matters=matters,
        co_inspectors=others[:1] if others and rng.random() < 0.3 else [],
    )


def _special_visits(county, *, ctx, topic, months, now):
    """A few theme visits a month by special-appointed inspectors (campus safety, canteens)."""
    specials = list(
        Inspector.objects.filter(
            county=county, kind=InspectorKind.SPECIAL, status=InspectorStatus.ACTIVE
        )
        .prefetch_related("themes")
        .order_by("phone")
    )
    schools = list(School.objects.active().filter(county=county).order_by("code"))
    done = {
        (inspector_id, school_id, *local_month(arrived))
        for inspector_id, school_id, arrived in Visit.objects.filter(
            school__county=county, kind=VisitKind.SPECIAL
        ).values_list("inspector_id", "school_id", "arrived_at")
    }
    plans = []
    if not specials or not schools:
        return plans
    per_month = max(1, len(schools) // SCHOOLS_PER_SPECIAL_VISIT)
    for year, month in months:
        for index in range(per_month):
            # One generator per visit: skipping one that exists never shifts the others.
            rng = ctx.random(f"{topic}/special/{year}-{month:02d}/{index}")
            inspector = rng.choice(specials)
            school = rng.choice(schools)
            arrived = _arrival(rng, year=year, month=month, now=now)
            themes = list(inspector.themes.all())
            if arrived is None or not themes or (inspector.pk, school.pk, year, month) in done:
                continue
            plans.append(
                _plan(
                    rng,
                    school=school,
                    inspector=inspector,
                    kind=VisitKind.SPECIAL,
                    arrived=arrived,
                    now=now,
                    matters=themes,
                    co_inspectors=[],
                )
            )
    return plans


def _plan(rng, *, school, inspector, kind, arrived, now, matters, co_inspectors) -> dict:
    looked_at = rng.sample(matters, k=min(len(matters), rng.randint(3, 5)))
    notes = []
    problems = []
    for matter in sorted(looked_at, key=lambda m: m.number):
        judgement = _weighted(
            rng,
            [(Judgement.GOOD, 75), (Judgement.NEEDS_IMPROVEMENT, 22), (Judgement.PROBLEM, 3)],
        )
        bank = OBSERVATIONS.get(matter.number, OBSERVATIONS[1])
        notes.append((matter, judgement, rng.choice(bank)))
        if judgement == Judgement.PROBLEM:
            description, change = PROBLEMS.get(matter.number, PROBLEMS[1])
            severity = _weighted(
                rng, [(Severity.GENERAL, 70), (Severity.SERIOUS, 25), (Severity.MAJOR, 5)]
            )
            problems.append((matter, severity, description, change))
    recent = now - arrived < datetime.timedelta(days=4)
    status = (
        VisitStatus.DRAFT if recent and rng.random() < DRAFT_SHARE * 3 else VisitStatus.SUBMITTED
    )
    submitted_at = arrived + datetime.timedelta(hours=rng.randint(3, 30))
    if status == VisitStatus.SUBMITTED and submitted_at > now:
        submitted_at = now
    read_at = None
    settled = status == VisitStatus.SUBMITTED and now - submitted_at > datetime.timedelta(days=2)
    if settled and rng.random() < 0.85:
        read_at = submitted_at + datetime.timedelta(hours=rng.randint(2, 48))
    check_in = _weighted(
        rng,
        [(CheckInStatus.NEAR, 75), (CheckInStatus.FAR, 8), (CheckInStatus.NO_LOCATION, 17)],
    )
    if check_in != CheckInStatus.NO_LOCATION and school.latitude is None:
        check_in = CheckInStatus.UNKNOWN_DISTANCE
    return {
        "school": school,
        "inspector": inspector,
        "co_inspectors": co_inspectors,
        "kind": kind,
        "arrived": arrived,
        "departed": arrived + datetime.timedelta(minutes=rng.randint(120, 330)),
        "methods": rng.sample(VisitMethod.values, k=rng.randint(2, 4)),
        "notes": notes,
        "problems": problems,
        "status": status,
        "submitted_at": submitted_at if status == VisitStatus.SUBMITTED else None,
        "read_at": read_at,
        "reply": rng.choice(REPLIES) if read_at and rng.random() < 0.3 else "",
        "check_in": check_in,
        "distance": rng.randint(20, 450)
        if check_in == CheckInStatus.NEAR
        else rng.randint(1500, 6000),
        "accuracy": rng.choice((8, 15, 30, 65)),
        "highlights": rng.choice(HIGHLIGHTS),
        "suggestions": rng.choice(SUGGESTIONS),
        "feedback": rng.choice(FEEDBACK),
    }


def _save(plans: list[dict], *, authors, county_settings, now) -> list[Visit]:
    principals = {
        user.school_id: user
        for user in User.objects.filter(
            role=Role.PRINCIPAL, school__in={plan["school"] for plan in plans}
        )
    }
    visits = []
    for plan in plans:
        author = authors(plan["inspector"])
        submitted = plan["status"] == VisitStatus.SUBMITTED
        located = plan["check_in"] in (CheckInStatus.NEAR, CheckInStatus.FAR)
        principal = principals.get(plan["school"].pk)
        read_at = plan["read_at"] if principal else None
        visits.append(
            Visit(
                school=plan["school"],
                county_id=plan["school"].county_id,  # bulk_create does not call save()
                inspector=plan["inspector"],
                kind=plan["kind"],
                methods=plan["methods"],
                status=plan["status"],
                arrived_at=plan["arrived"],
                departed_at=plan["departed"] if submitted else None,
                highlights=plan["highlights"],
                problems_text="\n".join(problem[2] for problem in plan["problems"]),
                suggestions=plan["suggestions"],
                feedback_to_school=plan["feedback"] if submitted else "",
                location_consent=located,
                check_in_status=plan["check_in"] if submitted or located else "pending",
                check_in_at=plan["arrived"] if located else None,
                check_in_latitude=plan["school"].latitude if located else None,
                check_in_longitude=plan["school"].longitude if located else None,
                check_in_accuracy=plan["accuracy"] if located else None,
                check_in_distance=plan["distance"] if located else None,
                created_by=author,
                submitted_at=plan["submitted_at"],
                submitted_by=author if submitted else None,
                read_at=read_at,
                read_by=principal if read_at else None,
                principal_reply=plan["reply"] if read_at else "",
                replied_at=read_at if read_at and plan["reply"] else None,
                replied_by=principal if read_at and plan["reply"] else None,
            )
        )
    number_records([visit for visit in visits if visit.status == VisitStatus.SUBMITTED])
    Visit.objects.bulk_create(visits)
    # Backdate the bookkeeping times the database filled in with "now".
    Visit.objects.filter(pk__in=[visit.pk for visit in visits]).update(
        created_at=F("arrived_at"), updated_at=Coalesce(F("submitted_at"), F("arrived_at"))
    )
    co_rows, notes, events, problems = [], [], [], []
    for visit, plan in zip(visits, plans, strict=True):
        co_rows += [
            Visit.co_inspectors.through(visit=visit, inspector=other)
            for other in plan["co_inspectors"]
        ]
        notes += [
            VisitMatterNote(
                visit=visit, matter=matter, looked_at=True, observation=text, judgement=judgement
            )
            for matter, judgement, text in plan["notes"]
        ]
        problems += [
            VisitProblem(
                visit=visit,
                position=position,
                matter=matter,
                severity=severity,
                description=description,
                required_change=change,
            )
            for position, (matter, severity, description, change) in enumerate(plan["problems"])
        ]
        events += _events(visit)
    Visit.co_inspectors.through.objects.bulk_create(co_rows)
    VisitMatterNote.objects.bulk_create(notes)
    VisitEvent.objects.bulk_create(events)
    VisitProblem.objects.bulk_create(problems)
    _open_items([p for p in problems if p.visit.status == VisitStatus.SUBMITTED], county_settings)
    return visits


def _add_photos(visits: list[Visit], *, rng, since: datetime.datetime) -> None:
    """One or two stamped photos on the recent submitted visits that found problems."""
    photos = []
    for visit in visits:
        if visit.status != VisitStatus.SUBMITTED or visit.arrived_at < since:
            continue
        if not visit.problems_text:
            continue
        arrived = timezone.localtime(visit.arrived_at, SHANGHAI)
        for number in range(rng.randint(1, 2)):
            processed = made_up_photo(
                rng, stamp_text=f"{visit.school.name} {arrived:%Y-%m-%d %H:%M}"
            )
            photo = VisitPhoto(
                visit=visit,
                width=processed.width,
                height=processed.height,
                size=processed.image.size,
                original_name=f"现场照片{number + 1}.jpg",
                uploaded_by=visit.created_by,
                taken_at=visit.arrived_at,
            )
            photo.image.save(processed.image.name, processed.image, save=False)
            photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
            photos.append(photo)
    VisitPhoto.objects.bulk_create(photos)


def _events(visit: Visit) -> list[VisitEvent]:
    steps = [(VisitEvent.Action.STARTED, visit.created_by, visit.arrived_at)]
    if visit.submitted_at:
        steps.append((VisitEvent.Action.SUBMITTED, visit.submitted_by, visit.submitted_at))
    if visit.read_at:
        steps.append((VisitEvent.Action.READ, visit.read_by, visit.read_at))
    if visit.replied_at:
        steps.append((VisitEvent.Action.REPLIED, visit.replied_by, visit.replied_at))
    return [
        VisitEvent(visit=visit, actor=actor, action=action, at=moment)
        for action, actor, moment in steps
    ]


def _open_items(problems: list[VisitProblem], county_settings) -> None:
    for problem in problems:
        problem.open_rectification_item(
            actor=problem.visit.submitted_by, county_settings=county_settings
        )
    VisitProblem.objects.bulk_update(problems, ["deadline", "rectification_item"])
