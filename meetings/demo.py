"""Demo step: six months of the county's meetings (三会 and committee meetings) and the next ones.

Each meeting has its invitees (the demo logins where they fit, the other people as invitees
without a login), answers, attendance with a few QR sign-ins, minutes and decisions. Decisions
are rectification items owned by townships, departments, the demo principal's school or a
person, in every state, each moved along by its own methods and set back to when it happened.
The monthly inspectors' meeting recurs by a rule; its next occurrences are generated from it.
One meeting was moved and one cancelled, with their reasons.

A meeting is keyed on its county, kind and start: a second run creates nothing.
"""

import datetime

from accounts.models import Role, User
from inspectors.models import Inspector, InspectorStatus
from meetings import services
from meetings.models import (
    Attendance,
    CommitteeMember,
    DecisionOwner,
    Invitee,
    Meeting,
    MeetingKind,
    MeetingSeries,
    Response,
    SignIn,
    Weekday,
    WeekOfMonth,
    nth_weekday,
)
from meetings.recipients import Guest, RecipientChoice
from rectifications.models import RectificationEvent, RectificationItem
from schools.demo.pictures import made_up_photo
from schools.models import Department, School, Township
from visits.models import SHANGHAI

DEPARTMENTS = [
    ("县财政局", "预算股 刘股长"),
    ("县公安局", "治安大队 韩大队长"),
    ("县卫生健康局", "疾控中心 马主任"),
    ("县住房和城乡建设局", "村镇建设股 赵股长"),
    ("县市场监督管理局", "食品安全股 祁股长"),
    ("县人力资源和社会保障局", "事业单位管理股 李股长"),
]
PLACE = "湟中区教育局三楼会议室"

# The kinds besides the monthly inspectors' meeting: (kind, title, months, week, weekday, hour).
OTHERS = [
    (MeetingKind.PRINCIPALS, "校长汇报反馈交流例会", (1, 3, 5, 7, 9, 11), 3, Weekday.THURSDAY, 14),
    (MeetingKind.JOINT, "教育工作联席会议", (3, 6, 9, 12), -1, Weekday.FRIDAY, 9),
    (MeetingKind.COMMITTEE, "教育督导委员会全体会议", (1, 7), 2, Weekday.WEDNESDAY, 15),
]
AGENDA = {
    MeetingKind.INSPECTORS: "一、学习督导工作文件\n二、各责任区汇报上月督导情况\n"
    "三、交流典型问题与整改经验\n四、部署下月督导重点",
    MeetingKind.PRINCIPALS: "一、校长汇报整改落实情况\n二、督学质询与反馈\n三、校长交流经验\n"
    "四、教育局领导点评",
    MeetingKind.JOINT: "一、通报挂牌督导发现的需政府协调解决的问题\n二、各部门、乡镇汇报办理情况\n"
    "三、研究部署下一阶段工作",
    MeetingKind.COMMITTEE: "一、审议督导工作报告\n二、研究督导结果运用\n三、其他事项",
}
MINUTES = {
    MeetingKind.INSPECTORS: "会议由督导室主任主持。各责任区督学汇报了上月督导工作，共督导学校"
    "{visits}校次，发现问题主要集中在食堂管理、校园安全和课后服务收费公示等方面。会议交流了整改"
    "跟踪的做法，要求各督学按时提交督导记录，对逾期未整改事项加强督促。",
    MeetingKind.PRINCIPALS: "会议听取了各校校长关于督导反馈问题整改情况的汇报，督学逐校进行了"
    "质询。教育局领导对整改成效进行了点评，要求对照问题清单逐项销号。",
    MeetingKind.JOINT: "会议由副县长主持，督导室通报了挂牌督导中发现的需要政府协调解决的问题，"
    "各相关部门和乡镇汇报了办理进展。会议明确了责任单位和完成时限。",
    MeetingKind.COMMITTEE: "会议审议了督导工作报告，研究了督导结果在乡镇和学校考核中的运用。",
}
# Decisions by kind: (owner, owner name, text, deadline days after the meeting).
DECISIONS = {
    MeetingKind.INSPECTORS: [
        ("user", "inspector", "本月内完成所负责学校食堂管理专项督导并提交记录。", 25),
        ("department", "县市场监督管理局", "联合督学抽查学校食堂食品留样情况。", 40),
    ],
    MeetingKind.PRINCIPALS: [
        ("school", "principal", "完善课后服务收费公示，向家长公开收费依据和标准。", 30),
        ("township", "多巴镇", "协调中心学校周边道路交通安全设施设置。", 45),
    ],
    MeetingKind.JOINT: [
        ("department", "县财政局", "安排寄宿制学校宿管员和专职保安经费。", 60),
        ("township", "拦隆口镇", "协调解决拦隆口镇中心学校操场硬化用地。", 90),
        ("department", "县住房和城乡建设局", "将学校旱厕改造纳入农村改厕项目。", 75),
        ("department", "县公安局", "上下学时段加强重点学校周边巡逻。", 20),
    ],
    MeetingKind.COMMITTEE: [
        ("department", "县人力资源和社会保障局", "研究补充英语、体育专任教师编制方案。", 60),
    ],
}
# How far each decision got, by its place in the list of all decisions (so every state shows).
FATES = [
    ("plan", "done", "verify"),
    ("plan",),
    ("plan", "done"),
    (),
    ("plan", "done", "return"),
    ("plan", "done", "verify"),
    ("plan", "progress"),
]
CHANGED = "与县委专题会议时间冲突，顺延两天。"
CANCELLED = "上级督导检查组来县，会议取消，内容并入下次例会。"


def seed_meetings(ctx) -> None:
    """Demo step registered in ``schools.demo.DEMO_STEPS``."""
    county = ctx.counties["huangzhong"]
    office = User.objects.filter(county=county, role=Role.OFFICE).order_by("pk").first()
    if office is None:
        return
    for name, contact in DEPARTMENTS:
        _, created = Department.objects.get_or_create(
            county=county, name=name, defaults={"contact_name": contact}
        )
        ctx.record("县直部门", int(created))
    story = Story(ctx, county, office)
    ctx.record("会议", story.past_meetings())
    ctx.record("会议（周期生成）", story.next_meetings())


class Story:
    def __init__(self, ctx, county, office):
        self.ctx, self.county, self.office = ctx, county, office
        self.today = ctx.today
        self.holidays = county.settings.holiday_months or []
        self.logins = {
            user.username: user
            for user in User.objects.filter(
                county=county, username__in=["inspector", "principal", "committee", "office"]
            )
        }
        self.decision_count = 0

    # The monthly rule and its next meetings ---------------------------------------------------

    def series(self) -> MeetingSeries:
        rule = MeetingSeries.objects.filter(county=self.county, kind=MeetingKind.INSPECTORS).first()
        if rule is None:
            rule = MeetingSeries.objects.create(
                county=self.county,
                kind=MeetingKind.INSPECTORS,
                title="督学月例会",
                week_of_month=WeekOfMonth.FIRST,
                weekday=Weekday.MONDAY,
                start_time=datetime.time(9, 0),
                duration_minutes=150,
                place=PLACE,
                chair=str(self.office),
                agenda=AGENDA[MeetingKind.INSPECTORS],
                skip_holiday_months=True,
                invitees=RecipientChoice(inspectors=True).as_dict(),
                created_by=self.office,
            )
        return rule

    def next_meetings(self) -> int:
        created = services.generate_occurrences(
            series=self.series(), actor=self.office, count=2, today=self.today
        )
        for meeting in created:
            self._add_guests(meeting, self._inspector_guests(meeting))
        if created:
            # The demo inspector has answered the first one.
            invitee = created[0].invitees.filter(user__username="inspector").first()
            if invitee:
                services.respond(invitee=invitee, response=Response.ATTEND)
        future = self._others(after=self.today, months=2)
        return len(created) + sum(self._meeting(*row) is not None for row in future)

    # Six months back -------------------------------------------------------------------------

    def past_meetings(self) -> int:
        rule = self.series()
        rng = self.ctx.random("meetings/past")
        start = self.today - datetime.timedelta(days=183)
        rows = [
            (MeetingKind.INSPECTORS, rule.title, day, rule.start_time.hour, rule)
            for day in rule.dates(
                after=start,
                count=12,
                holiday_months=self.holidays if rule.skip_holiday_months else (),
            )
            if day < self.today
        ]
        rows += [row for row in self._others(after=start, months=7) if row[2] < self.today]
        rows.sort(key=lambda row: row[2])
        moved = max(
            (n for n, row in enumerate(rows) if row[0] == MeetingKind.INSPECTORS), default=None
        )
        made = 0
        for n, row in enumerate(rows):
            meeting = self._meeting(*row)
            if meeting is None:
                continue
            made += 1
            if n == moved:
                Meeting.objects.filter(pk=meeting.pk).update(
                    sequence=1,
                    changed_at=meeting.starts_at - datetime.timedelta(days=5),
                    change_reason=CHANGED,
                )
            if n == 1:
                Meeting.objects.filter(pk=meeting.pk).update(
                    status="cancelled",
                    sequence=1,
                    cancelled_at=meeting.starts_at - datetime.timedelta(days=2),
                    cancel_reason=CANCELLED,
                )
                continue
            self._hold(meeting, rng)
        return made

    def _others(self, *, after: datetime.date, months: int):
        """(kind, title, day, hour, series) of the other kinds in ``months`` months from after."""
        year, month = after.year, after.month
        found = []
        for _step in range(months + 1):
            for kind, title, in_months, week, weekday, hour in OTHERS:
                if month in in_months:
                    day = nth_weekday(year, month, weekday, week)
                    if day > after:
                        found.append((kind, title, day, hour, None))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def _meeting(self, kind, title, day, hour, series):
        starts_at = datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)
        if Meeting.objects.filter(county=self.county, kind=kind, starts_at=starts_at).exists():
            return None
        hours = 3 if kind == MeetingKind.JOINT else 2
        meeting = services.schedule_meeting(
            county=self.county,
            actor=self.office,
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=hours),
            place=PLACE if kind != MeetingKind.JOINT else "湟中区人民政府第一会议室",
            chair=self._chair(kind),
            agenda=AGENDA[kind],
            choice=self._choice(kind),
            series=series,
            occurrence_on=day if series else None,
        )
        self._add_guests(meeting, self._guests(meeting))
        Meeting.objects.filter(pk=meeting.pk).update(
            created_at=starts_at - datetime.timedelta(days=10)
        )
        return meeting

    def _chair(self, kind) -> str:
        role = "chair" if kind in (MeetingKind.JOINT, MeetingKind.COMMITTEE) else "office_director"
        member = CommitteeMember.objects.filter(county=self.county, role=role).first()
        return f"{member.name}（{member.organisation}）" if member else ""

    def _choice(self, kind) -> RecipientChoice:
        return {
            MeetingKind.INSPECTORS: RecipientChoice(inspectors=True),
            MeetingKind.PRINCIPALS: RecipientChoice(all_principals=True, inspectors=True),
            MeetingKind.JOINT: RecipientChoice(committee=True),
            MeetingKind.COMMITTEE: RecipientChoice(committee=True),
        }[kind]

    def _guests(self, meeting) -> list[Guest]:
        if meeting.kind == MeetingKind.INSPECTORS:
            return self._inspector_guests(meeting)
        if meeting.kind == MeetingKind.PRINCIPALS:
            schools = School.objects.filter(county=self.county, is_central=True).order_by("code")
            return [
                Guest(
                    name=school.principal_name,
                    organisation=school.name,
                    phone=school.principal_phone,
                )
                for school in schools[:14]
                if school.principal_name
            ]
        if meeting.kind == MeetingKind.JOINT:
            towns = Township.objects.filter(county=self.county).order_by("name")[:6]
            return [
                Guest(name=contact.split(" ")[-1], organisation=f"{name} {contact.split(' ')[0]}")
                for name, contact in DEPARTMENTS
            ] + [
                Guest(name=_town_head(town), organisation=f"{town.name}人民政府") for town in towns
            ]
        return []

    def _inspector_guests(self, meeting) -> list[Guest]:
        inspectors = Inspector.objects.filter(
            county=self.county, status=InspectorStatus.ACTIVE, user__isnull=True
        ).order_by("phone")[:24]
        return [Guest(name=i.name, organisation="责任督学", phone=i.phone) for i in inspectors]

    def _add_guests(self, meeting, guests) -> None:
        services.add_invitees(meeting=meeting, choice=RecipientChoice(), guests=guests)

    # What happened at a past meeting ---------------------------------------------------------

    def _hold(self, meeting, rng) -> None:
        invitees = list(meeting.invitees.order_by("pk"))
        answered_at = meeting.starts_at - datetime.timedelta(days=2)
        for invitee in invitees:
            roll = rng.random()
            if roll < 0.1:
                response, attendance, reason = Response.LEAVE, Attendance.EXCUSED, "下乡督导，请假"
            elif roll < 0.15:
                response, attendance, reason = Response.ATTEND, Attendance.ABSENT, ""
            elif roll < 0.22:
                response, attendance, reason = Response.ATTEND, Attendance.LATE, ""
            else:
                response, attendance, reason = Response.ATTEND, Attendance.PRESENT, ""
            Invitee.objects.filter(pk=invitee.pk).update(
                response=response,
                leave_reason=reason,
                responded_at=answered_at,
                attendance=attendance,
            )
            if invitee.user_id and attendance in (Attendance.PRESENT, Attendance.LATE):
                sign_in = SignIn.objects.create(invitee=invitee)
                minutes = 20 if attendance == Attendance.LATE else -5
                SignIn.objects.filter(pk=sign_in.pk).update(
                    at=meeting.starts_at + datetime.timedelta(minutes=minutes)
                )
        filed_at = meeting.ends_at + datetime.timedelta(days=1)
        Meeting.objects.filter(pk=meeting.pk).update(
            minutes=MINUTES[meeting.kind].format(visits=rng.randint(180, 240)),
            minutes_filed_at=filed_at,
            minutes_filed_by=self.office,
        )
        for row in DECISIONS[meeting.kind]:
            self._decide(meeting, *row)

    def _decide(self, meeting, owner_kind, owner_name, text, days) -> None:
        owner = self._owner(owner_kind, owner_name)
        if owner is None:
            return
        decision = services.add_decision(
            meeting=meeting,
            actor=self.office,
            text=text,
            deadline=meeting.starts_at.astimezone(SHANGHAI).date() + datetime.timedelta(days=days),
            owner=owner,
        )
        item = decision.item
        decided_at = meeting.ends_at
        RectificationItem.objects.filter(pk=item.pk).update(created_at=decided_at)
        item.events.update(at=decided_at)
        fate = FATES[self.decision_count % len(FATES)]
        self.decision_count += 1
        actor = self.logins["principal"] if owner.kind == DecisionOwner.SCHOOL else self.office
        moment = decided_at
        for step in fate:
            moment = moment + datetime.timedelta(days=6)
            if moment.date() >= self.today:
                break
            if step == "plan":
                event = item.submit_plan(actor, "已制定办理方案，明确责任人和完成时间。")
            elif step == "progress":
                event = item.report_progress(actor, "已完成前期准备，正在推进。")
            elif step == "done":
                rng = self.ctx.random(
                    f"meetings/photo/{meeting.starts_at:%Y%m%d}/{decision.number}"
                )
                photos = [] if item.office_owned else [_photo(item, moment, rng)]
                event = item.report_done(actor, "已办理完毕。", photos)
            elif step == "verify":
                event = item.verify(self.office, "督导室核实，已办结。")
            else:
                event = item.return_to_school(self.office, "办理情况不完整，请补充说明。")
            _set_time(event, moment)

    def _owner(self, kind, name):
        if kind == "user":
            user = self.logins.get(name)
            return user and services.DecisionOwnerChoice(kind=DecisionOwner.USER, user=user)
        if kind == "school":
            user = self.logins.get(name)
            return (
                user
                and user.school
                and services.DecisionOwnerChoice(kind=DecisionOwner.SCHOOL, school=user.school)
            )
        if kind == "township":
            township = Township.objects.filter(county=self.county, name=name).first()
            return township and services.DecisionOwnerChoice(
                kind=DecisionOwner.TOWNSHIP, township=township
            )
        department = Department.objects.filter(county=self.county, name=name).first()
        return department and services.DecisionOwnerChoice(
            kind=DecisionOwner.DEPARTMENT, department=department
        )


def _town_head(town) -> str:
    """The township's deputy head for education, as a township's invitation names them."""
    if town.name.endswith("街道"):
        return "街道办分管副主任"
    return "分管副镇长" if town.name.endswith("镇") else "分管副乡长"


def _photo(item, moment, rng):
    return made_up_photo(rng, stamp_text=f"{item.owner_display} {moment:%Y-%m-%d}")


def _set_time(event, moment) -> None:
    """Move a step, and the item's time stamp it set, back to when it happened."""
    RectificationEvent.objects.filter(pk=event.pk).update(at=moment)
    stamps = {"done_reported": "reported_done_at", "verified": "closed_at"}
    if event.action in stamps:
        RectificationItem.objects.filter(pk=event.item_id).update(**{stamps[event.action]: moment})
