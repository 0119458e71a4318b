"""Demo step: the rectification history of the demo county, items in every state with timelines.

Visits open their items (``visits.demo``); this step moves them along as schools and inspectors
would have: plans, completion reports with photos, verifications, returns, escalations of what a
school cannot solve, a deadline extension, follow-up checks, and a few written notices. Every step
goes through the item's own methods, then its time is set back to the day it happened.

Each item draws its fate from a generator keyed on the item's natural key, and only items still
untouched (their one "opened" event) are moved, so a second run changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from accounts.models import Role, User
from inspectors.models import Assignment
from rectifications import services
from rectifications.models import (
    EventAction,
    OwnerLevel,
    RectificationEvent,
    RectificationItem,
    RectificationNotice,
    RectificationState,
    Severity,
    SourceKind,
)
from schools.demo.pictures import made_up_photo
from schools.models import School, SupervisionMatter
from visits.models import SHANGHAI

PLANS = [
    "学校已召开专题会议，明确分管领导和责任人，计划两周内完成整改。",
    "制定整改方案：先行排查，逐项建立台账，完成后拍照留存。",
    "已安排专人负责，本周内落实整改措施，月底前完成。",
]
DONE = [
    "已按要求完成整改，相关记录和照片见附件。",
    "整改已全部完成，并建立了长效管理制度。",
]
RETURNS = ["照片不能反映整改结果，请补充现场照片。", "整改不彻底，仍有部分问题未解决。"]
VERIFIED = ["现场复查，整改到位，同意销号。", "查看台账和现场，问题已解决。"]
PROGRESS = ["已完成一半，剩余部分等待材料到位。"]
REOPEN = "回访发现问题反弹，要求重新整改。"
STILL_FIXED = "回访复查，整改成效保持良好。"
# Problems schools cannot solve alone: escalated to the bureau or the county government.
ESCALATIONS = [
    (
        3,
        Severity.SERIOUS,
        "英语教师缺编，英语课由其他学科教师兼任。",
        "配齐英语专任教师。",
        OwnerLevel.BUREAU,
        "教师编制由教育局统筹，学校无法自行解决。",
    ),
    (
        4,
        Severity.GENERAL,
        "操场为土操场，雨雪天无法正常开展体育活动。",
        "硬化操场，铺设塑胶跑道。",
        OwnerLevel.GOVERNMENT,
        "需县政府立项安排资金。",
    ),
    (
        6,
        Severity.SERIOUS,
        "寄宿制学校未配备专职宿管员和夜间保安。",
        "配备宿管员和专职保安。",
        OwnerLevel.BUREAU,
        "人员经费需教育局核拨。",
    ),
    (
        7,
        Severity.MAJOR,
        "学校仍使用旱厕，卫生条件差。",
        "改建水冲式厕所。",
        OwnerLevel.GOVERNMENT,
        "改厕工程需纳入县政府农村改厕项目。",
    ),
]


# For the demo logins: the principal's school and the inspector's other schools get items in
# each state. (matter, severity, problem, what must change, opened days ago, steps, their days)
SHOWCASE_PRINCIPAL = [
    (7, Severity.GENERAL, "食堂从业人员晨检记录不全。", "每日晨检并登记。", 3, (), ()),
    (
        6,
        Severity.SERIOUS,
        "教学楼二楼消火栓水压不足。",
        "检修消防供水，保证水压。",
        20,
        ("plan", "done", "return"),
        (2, 10, 13),
    ),
    (2, Severity.GENERAL, "课后服务收费公示内容不完整。", "完善收费公示。", 28, ("plan",), (3,)),
    (
        7,
        Severity.SERIOUS,
        "学生饮水机滤芯超期未更换。",
        "更换滤芯并建立更换记录。",
        12,
        ("plan", "done"),
        (1, 6),
    ),
    (
        1,
        Severity.GENERAL,
        "图书室图书登记台账缺失。",
        "建立图书登记台账。",
        50,
        ("plan", "done", "verify"),
        (2, 14, 19),
    ),
]
SHOWCASE_INSPECTOR = [
    (
        6,
        Severity.SERIOUS,
        "学生宿舍消防应急灯损坏。",
        "更换应急照明灯。",
        15,
        ("plan", "done"),
        (2, 9),
    ),
    (6, Severity.GENERAL, "校门口未设置减速带和警示标志。", "设置减速带和警示标志。", 40, (), ()),
]


@dataclass(frozen=True)
class Fate:
    """Where an item ends up: the steps it takes, each a number of days after the previous one."""

    steps: tuple[str, ...]


FATES = {
    "open": Fate(()),
    "in_progress": Fate(("plan",)),
    "awaiting": Fate(("plan", "done")),
    "returned": Fate(("plan", "done", "return")),
    "closed": Fate(("plan", "done", "verify")),
    "closed_after_return": Fate(("plan", "done", "return", "progress", "done", "verify")),
    "followed_up": Fate(("plan", "done", "verify", "still_fixed")),
    "reopened": Fate(("plan", "done", "verify", "reopen")),
}
# By the item's age in days: (fate, weight) pairs.
FATE_WEIGHTS = [
    (120, {"closed": 40, "closed_after_return": 12, "followed_up": 10, "reopened": 4, "open": 8}),
    (
        45,
        {
            "closed": 35,
            "closed_after_return": 10,
            "awaiting": 12,
            "returned": 6,
            "open": 10,
            "in_progress": 12,
        },
    ),
    (15, {"in_progress": 30, "awaiting": 25, "returned": 10, "closed": 20, "open": 15}),
    (0, {"open": 50, "in_progress": 40, "awaiting": 10}),
]
GAPS = {
    "plan": (1, 5),
    "done": (5, 20),
    "return": (2, 10),
    "progress": (2, 6),
    "verify": (2, 15),
    "still_fixed": (60, 90),
    "reopen": (60, 90),
}


def seed_rectifications(ctx) -> None:
    """Demo step registered in ``schools.demo.DEMO_STEPS``."""
    county = ctx.counties["huangzhong"]
    office = User.objects.filter(county=county, role=Role.OFFICE).order_by("pk").first()
    if office is None:
        return
    story = Story(ctx, county, office)
    ctx.record("整改事项进展", story.advance_visit_items())
    ctx.record("整改事项（演示账号）", story.showcase())
    ctx.record("整改事项（上报）", story.escalations())
    ctx.record("整改通知书", story.notices())


class Story:
    def __init__(self, ctx, county, office):
        self.ctx, self.county, self.office = ctx, county, office
        self.today = ctx.today
        self.inspector_users = {
            user.inspector_id: user
            for user in User.objects.filter(
                county=county, role=Role.INSPECTOR, inspector__isnull=False
            )
        }

    def advance_visit_items(self) -> int:
        untouched = (
            RectificationItem.objects.filter(school__county=self.county, source=SourceKind.VISIT)
            .annotate(steps=Count("events"))
            .filter(steps=1, state=RectificationState.OPEN)
            .select_related("school", "matter", "visit", "responsible_inspector")
            .order_by("pk")
        )
        moved = 0
        for item in untouched:
            opened_at = item.visit.submitted_at or item.visit.arrived_at
            opened_on = opened_at.astimezone(SHANGHAI).date()
            key = f"{item.school.code}/{item.visit.arrived_at:%Y%m%d%H%M}/{item.matter.number}"
            rng = self.ctx.random(f"rectifications/{key}")
            self._backdate_opening(item, opened_at)
            age = (self.today - opened_on).days
            weights = next(w for threshold, w in FATE_WEIGHTS if age >= threshold)
            fate = rng.choices(list(weights), weights=list(weights.values()))[0]
            days = self._schedule(rng, opened_on, FATES[fate].steps)
            if days is None or not FATES[fate].steps:
                continue
            self._play(item, rng, FATES[fate].steps, days)
            moved += 1
        return moved

    def showcase(self) -> int:
        """Items the demo principal and inspector find on their lists, in every state."""
        principal = User.objects.filter(county=self.county, username="principal").first()
        inspector = User.objects.filter(county=self.county, username="inspector").first()
        if principal is None or inspector is None:
            return 0
        others = (
            School.objects.filter(
                assignments__inspector=inspector.inspector, assignments__ended_on__isnull=True
            )
            .exclude(pk=principal.school_id)
            .order_by("code")
        )
        plans = [(principal.school, row) for row in SHOWCASE_PRINCIPAL]
        plans += list(zip(others, SHOWCASE_INSPECTOR, strict=False))
        created = 0
        for school, (number, severity, problem, change, age, steps, offsets) in plans:
            if RectificationItem.objects.filter(school=school, description=problem).exists():
                continue
            rng = self.ctx.random(f"rectifications/showcase/{problem}")
            opened_on = self.today - datetime.timedelta(days=age)
            item = self._open(school, number, severity, problem, change, opened_on, inspector)
            days = [opened_on + datetime.timedelta(days=offset) for offset in offsets]
            self._play(item, rng, steps, days)
            created += 1
        return created

    def _open(self, school, number, severity, problem, change, opened_on, inspector_user):
        item = services.open_item(
            school=school,
            matter=SupervisionMatter.objects.get(county=self.county, number=number),
            severity=severity,
            description=problem,
            required_change=change,
            deadline=services.default_deadline(
                county_settings=self.county.settings, severity=severity, start=opened_on
            ),
            source=SourceKind.COMPLAINT,
            source_note=f"群众来信 {opened_on:%Y%m%d}",
            responsible_inspector=inspector_user.inspector,
            actor=inspector_user,
        )
        self._backdate_opening(item, _at(opened_on, 10))
        return item

    def escalations(self) -> int:
        """Problems beyond a school: found in special supervisions, escalated by the office."""
        schools = list(School.objects.filter(county=self.county, is_active=True).order_by("code"))
        created = 0
        for number, severity, problem, change, level, reason in ESCALATIONS:
            rng = self.ctx.random(f"rectifications/escalation/{number}")
            school = rng.choice(schools)
            if RectificationItem.objects.filter(school=school, description=problem).exists():
                continue
            opened_on = self.today - datetime.timedelta(days=rng.randint(20, 80))
            item = services.open_item(
                school=school,
                matter=SupervisionMatter.objects.get(county=self.county, number=number),
                severity=severity,
                description=problem,
                required_change=change,
                deadline=services.default_deadline(
                    county_settings=self.county.settings, severity=severity, start=opened_on
                ),
                source=SourceKind.SPECIAL,
                source_note=f"{opened_on.year}年春季办学条件专项督导",
                responsible_inspector=self._inspectors_of(school)[0],
                actor=self.office,
            )
            self._backdate_opening(item, _at(opened_on, 10))
            escalated_on = opened_on + datetime.timedelta(days=rng.randint(3, 10))
            event = item.escalate(self.office, level, reason)
            _set_time(event, _at(escalated_on, 15))
            if level == OwnerLevel.GOVERNMENT:
                new_deadline = self.today + datetime.timedelta(days=rng.randint(60, 180))
                event = item.extend_deadline(
                    self.office, new_deadline, "工程需跨学期实施，延长期限。"
                )
                _set_time(event, _at(escalated_on + datetime.timedelta(days=2), 9))
            created += 1
        return created

    def notices(self) -> int:
        """A written notice to each of a few schools with unresolved items; every other signed."""
        if RectificationNotice.objects.filter(county=self.county).exists():
            return 0
        # A notice never gives a deadline before its own date: only items still in time.
        in_time = {"state": RectificationState.OPEN, "deadline__gte": self.today}
        with_open_items = (
            School.objects.filter(
                county=self.county,
                **{f"rectification_items__{lookup}": value for lookup, value in in_time.items()},
            )
            .distinct()
            .order_by("code")
        )
        # The demo principal's school first: its notice waits for the principal to sign.
        principal = User.objects.filter(county=self.county, username="principal").first()
        first = with_open_items.filter(pk=principal.school_id) if principal else []
        schools = [*first, *with_open_items.exclude(pk__in=[s.pk for s in first])[:5]]
        issued = 0
        for index, school in enumerate(schools):
            items = school.rectification_items.filter(**in_time)
            inspectors = self._inspectors_of(school)
            notice = services.issue_notice(
                school=school, items=items, inspector=inspectors[0], actor=self.office
            )
            issued_on = min(self.today, max(timezone.localdate(i.created_at) for i in items) + _DAY)
            RectificationNotice.objects.filter(pk=notice.pk).update(issued_at=_at(issued_on, 11))
            if index % 2 == 1:
                notice.acknowledge(self._principal(school))
                acknowledged = _at(min(self.today, issued_on + _DAY), 9)
                RectificationNotice.objects.filter(pk=notice.pk).update(
                    acknowledged_at=acknowledged
                )
            issued += 1
        return issued

    # Helpers --------------------------------------------------------------------------------

    def _schedule(self, rng, opened_on, steps):
        """A day for each step after ``opened_on``, none after today; None if they do not fit."""
        days, day = [], opened_on
        for step in steps:
            low, high = GAPS[step]
            day = day + datetime.timedelta(days=rng.randint(low, high))
            if day > self.today:
                return None
            days.append(day)
        return days

    def _play(self, item, rng, steps, days):
        principal = self._principal(item.school)
        inspector = self.inspector_users.get(item.responsible_inspector_id)
        inspector = inspector or self.office  # typed in by the office from the paper record
        for step, day in zip(steps, days, strict=True):
            if step == "plan":
                event = item.submit_plan(principal, rng.choice(PLANS))
            elif step == "progress":
                event = item.report_progress(principal, rng.choice(PROGRESS))
            elif step == "done":
                event = item.report_done(principal, rng.choice(DONE), [_photo(item, rng, day)])
            elif step == "return":
                event = item.return_to_school(inspector, rng.choice(RETURNS))
            elif step == "verify":
                event = item.verify(inspector, rng.choice(VERIFIED))
            elif step == "still_fixed":
                event = item.follow_up(inspector, True, STILL_FIXED)
            else:
                event = item.follow_up(inspector, False, REOPEN)
            _set_time(event, _at(day, rng.randint(9, 17)))

    def _principal(self, school) -> User:
        """The school's principal login; schools using the system all have one."""
        user = User.objects.filter(role=Role.PRINCIPAL, school=school).first()
        if user is None:
            user = User(
                username=f"xz{school.code}",
                county=self.county,
                role=Role.PRINCIPAL,
                school=school,
                display_name=school.principal_name or f"{school.name}校长",
            )
            user.set_unusable_password()
            user.save()
            self.ctx.record("校长登录账号", 1)
        return user

    def _inspectors_of(self, school) -> list:
        return [
            assignment.inspector
            for assignment in Assignment.objects.current()
            .filter(school=school)
            .select_related("inspector")
            .order_by("inspector__name")
        ] or [None]

    def _backdate_opening(self, item, moment):
        item.events.filter(action=EventAction.OPENED).update(at=moment)
        RectificationItem.objects.filter(pk=item.pk).update(created_at=moment)


_DAY = datetime.timedelta(days=1)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def _set_time(event: RectificationEvent, moment: datetime.datetime) -> None:
    """Move a step, and the item's time stamps it set, back to when it happened."""
    RectificationEvent.objects.filter(pk=event.pk).update(at=moment)
    stamps = {
        EventAction.DONE_REPORTED: "reported_done_at",
        EventAction.VERIFIED: "closed_at",
        EventAction.FOLLOWED_UP: "followed_up_at",
    }
    if event.action in stamps:
        RectificationItem.objects.filter(pk=event.item_id).update(**{stamps[event.action]: moment})


def _photo(item, rng, day):
    """A made-up photo of the fixed place."""
    return made_up_photo(rng, stamp_text=f"{item.school.name} {day:%Y-%m-%d}")
