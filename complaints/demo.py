"""Demo step: complaints, reports and suggestions about Huangzhong's schools in every state, from
the QR code and from the hotline, letters and the mailbox; and the office's announcements.

Each demo case is keyed by its form token (``demo-…``), so a second run adds nothing; times are
set back to when each step happened, relative to the demo's today.
"""

import datetime

from accounts.models import Role, User
from complaints import services, tracking
from complaints.models import (
    Announcement,
    Category,
    Channel,
    Relation,
    Submission,
    SubmissionEvent,
)
from rectifications.models import Severity
from rectifications.services import default_deadline
from schools.demo.pictures import made_up_photo
from schools.models import Department, School
from visits.models import SHANGHAI

# (key, channel, category, matter, text, caller, relation, days ago, fate)
CASES = [
    (
        "new-1",
        Channel.ONLINE,
        Category.COMPLAINT,
        7,
        "学校食堂最近饭菜经常是凉的，孩子说吃了胃不舒服。",
        ("", "139-0000-1101"),
        Relation.PARENT,
        1,
        "new",
    ),
    (
        "new-2",
        Channel.PHONE,
        Category.REPORT,
        2,
        "来电反映：有老师在校外组织有偿补课，每人每月收费八百元。",
        ("", ""),
        Relation.PARENT,
        2,
        "new",
    ),
    (
        "overdue-1",
        Channel.ONLINE,
        Category.COMPLAINT,
        6,
        "放学时校门口车辆乱停，孩子过马路很危险，希望安排人员疏导。",
        ("马女士", "139-0000-1102"),
        Relation.PARENT,
        12,
        "new",
    ),
    (
        "overdue-2",
        Channel.MAILBOX,
        Category.SUGGESTION,
        4,
        "意见箱来信：建议学校每天保证一小时体育活动，不要占用体育课。",
        ("", ""),
        Relation.STUDENT,
        15,
        "verifying",
    ),
    (
        "verifying-1",
        Channel.LETTER,
        Category.COMPLAINT,
        2,
        "来信反映：学校要求家长统一购买校服以外的练习册，费用较高。",
        ("李先生", "139-0000-1103"),
        Relation.PARENT,
        3,
        "verifying",
    ),
    (
        "answered-1",
        Channel.ONLINE,
        Category.SUGGESTION,
        8,
        "建议学校开放图书室，课后让学生借书。",
        ("", ""),
        Relation.PARENT,
        20,
        "answered",
    ),
    (
        "answered-2",
        Channel.PHONE,
        Category.COMPLAINT,
        3,
        "来电反映：数学课经常被调成自习课。",
        ("", "139-0000-1104"),
        Relation.PARENT,
        25,
        "answered",
    ),
    (
        "rectifying-1",
        Channel.ONLINE,
        Category.COMPLAINT,
        6,
        "学校围墙有一段倒塌了很久，学生从缺口进出。",
        ("王家长", "139-0000-1105"),
        Relation.PARENT,
        18,
        "rectifying",
    ),
    (
        "rectifying-2",
        Channel.MAILBOX,
        Category.REPORT,
        7,
        "意见箱来信：小卖部卖过期零食。",
        ("", ""),
        Relation.STUDENT,
        30,
        "rectifying",
    ),
    (
        "transferred-1",
        Channel.ONLINE,
        Category.REPORT,
        6,
        "学校附近网吧允许未成年学生进入。",
        ("", "139-0000-1106"),
        Relation.RESIDENT,
        10,
        "transferred",
    ),
]
ANSWERS = {
    "answered-1": (
        "核实：图书室课后未开放，原因是缺少管理人员。",
        "学校已安排教师轮值，图书室每天课后开放一小时。感谢您的建议。",
    ),
    "answered-2": (
        "核实：课表执行基本规范，个别周因教研活动调课，已要求补课。",
        "经核实，学校已补齐被调整的数学课，并承诺不再随意调课。",
    ),
    "rectifying-1": (
        "核实：西侧围墙约8米倒塌，存在安全隐患。",
        "经核实情况属实，已责令学校限期修复围墙。",
    ),
    "rectifying-2": (
        "核实：小卖部货架上有3种零食超过保质期。",
        "经核实情况属实，已责令学校整改并加强对小卖部的管理。",
    ),
    "transferred-1": ("网吧管理不属于教育督导职责。", "您反映的问题已转交县文化和旅游局处理。"),
}
ANNOUNCEMENTS = [
    (
        40,
        "关于公布2026年度责任督学挂牌督导名单的公告",
        "根据《中小学校责任督学挂牌督导办法》，现将全县中小学校、幼儿园责任督学名单予以公布，接受社会监督。各校公示牌已同步更新，家长可扫描公示牌上的二维码反映问题。",
    ),
    (
        12,
        "关于开展春季学期校园安全专项督导的通知",
        "为切实做好春季学期校园安全工作，县教育督导委员会办公室将于近期对全县中小学校开展校园安全专项督导，重点检查校舍安全、食堂卫生和校门口交通秩序。",
    ),
    (
        3,
        "关于畅通社会监督渠道的公告",
        "群众可通过扫描学校公示牌二维码、拨打督导室投诉电话或向意见箱投递信件反映问题，督导室将在5个工作日内核实答复。",
    ),
]


def seed_complaints(ctx) -> None:
    """Demo step registered in ``schools.demo.DEMO_STEPS``."""
    county = ctx.counties["huangzhong"]
    office = User.objects.filter(county=county, role=Role.OFFICE).order_by("pk").first()
    if office is None:
        return
    ctx.record("公告", _announcements(county, office, ctx.today))
    plan = _plan(county)
    created = 0
    for case in CASES:
        key = case[0]
        if Submission.objects.filter(form_token=f"demo-{key}").exists():
            continue
        _case(ctx, case, plan[key], office)
        created += 1
    ctx.record("社会监督事项", created)
    _public_logins(ctx, county)


def _plan(county) -> dict[str, object]:
    """Which school each demo case is about: the demo inspector's schools get the open cases,
    the demo principal's school an answered one and one turned into a rectification item."""
    inspector = User.objects.filter(county=county, username="inspector").first()
    principal = User.objects.filter(county=county, username="principal").first()
    with_plaque = School.objects.filter(
        county=county,
        is_active=True,
        plaque__isnull=False,
        assignments__ended_on__isnull=True,
        assignments__is_lead=True,
    ).order_by("code")
    mine = (
        list(with_plaque.filter(assignments__inspector_id=inspector.inspector_id))
        if inspector
        else []
    )
    others = list(with_plaque.exclude(pk__in=[s.pk for s in mine])[:6])
    mine = mine or others
    plan = {}
    for number, (key, *_rest) in enumerate(CASES):
        if key in ("answered-1", "rectifying-1") and principal and principal.school_id:
            plan[key] = principal.school
        elif key.startswith(("new", "overdue", "verifying")):
            plan[key] = mine[number % len(mine)]
        else:
            plan[key] = others[number % len(others)]
    return plan


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def _case(ctx, case, school, office) -> None:
    key, channel, category, matter_number, text, caller, relation, days_ago, fate = case
    rng = ctx.random(f"complaints/{key}")
    received_on = ctx.today - datetime.timedelta(days=days_ago)
    photo = None
    if channel == Channel.ONLINE and rng.random() < 0.5:
        photo = made_up_photo(rng, stamp_text=f"{school.name} {received_on:%Y-%m-%d}")
    name, phone = caller
    submission, _new = services.receive(
        school=school,
        channel=channel,
        category=category,
        matter=school.county.supervision_matters.get(number=matter_number),
        text=text,
        name=name,
        phone=phone.replace("-", ""),
        relation=relation if channel != Channel.ONLINE else "",
        photo=photo,
        form_token=f"demo-{key}",
        recorded_by=None if channel == Channel.ONLINE else office,
        received_at=_at(received_on, 9 + rng.randint(0, 8)),
    )
    # A code of the demo's own generator: the same on every fresh run.
    code = "".join(rng.choice(tracking.ALPHABET) for _ in range(tracking.LENGTH))
    Submission.objects.filter(pk=submission.pk).update(tracking_code=code)
    submission.refresh_from_db()
    handler = _handler(submission) or office
    step_day = received_on + datetime.timedelta(days=1)
    if fate in ("verifying", "answered", "rectifying"):
        submission.accept(handler)
    if fate == "answered":
        summary, reply = ANSWERS[key]
        submission.answer(handler, summary=summary, reply=reply)
    elif fate == "rectifying":
        summary, reply = ANSWERS[key]
        services.open_rectification(
            submission=submission,
            actor=handler,
            matter=submission.matter,
            severity=Severity.SERIOUS,
            description=summary.removeprefix("核实："),
            required_change="限期整改并报送整改情况。",
            deadline=default_deadline(
                county_settings=school.county.settings,
                severity=Severity.SERIOUS,
                start=ctx.today,
            ),
            reply=reply,
        )
    elif fate == "transferred":
        summary, reply = ANSWERS[key]
        department, _created = Department.objects.get_or_create(
            county=school.county, name="县文化和旅游局"
        )
        submission.hand_over(office, department=department, reason=summary, reply=reply)
    answered_at = _at(min(step_day + datetime.timedelta(days=2), ctx.today), 16)
    SubmissionEvent.objects.filter(submission=submission).exclude(action="received").update(
        at=answered_at
    )
    if fate in ("answered", "rectifying", "transferred"):
        Submission.objects.filter(pk=submission.pk).update(answered_at=answered_at)


def _handler(submission):
    if submission.assigned_inspector_id is None:
        return None
    return User.objects.filter(
        inspector_id=submission.assigned_inspector_id, role=Role.INSPECTOR, is_active=True
    ).first()


def _announcements(county, office, today) -> int:
    created = 0
    for days_ago, title, body in ANNOUNCEMENTS:
        _announcement, made = Announcement.objects.get_or_create(
            county=county,
            title=title,
            defaults={
                "body": body,
                "published_on": today - datetime.timedelta(days=days_ago),
                "created_by": office,
            },
        )
        created += made
    return created


def _public_logins(ctx, county) -> None:
    """The printed demo logins end with one school's public page (no login needed) and the
    tracking code of a demo case, to try the public side."""
    from inspectors.demo import public_address

    found = public_address(county)
    if found:
        school, url = found
        ctx.add_login(role="公开页面（扫码，无需登录）", username=url, who=school)
    case = Submission.objects.filter(form_token="demo-rectifying-1").first()
    if case:
        ctx.add_login(
            role="演示查询码（在公开页面“查询办理进度”输入）",
            username=case.grouped_code,
            who=case.school.name,
        )
