"""Demo step: the office's work notices of the last two months, some read, some not.

A few inspectors and principals of the demo county get a reading login (no password: the
office hands one out with "reset password") so each notice has a list of readers: most have read
it, some have not, some replied and some are late. One notice asks for a form back by tomorrow,
so the worker's sweep reminds those who have not read it or not replied. The demo inspector and
principal each have an unread notice.

A notice is keyed on its county and title: a second run creates nothing.
"""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook

from accounts.models import Role, User
from inspectors.models import Inspector, InspectorStatus
from meetings.models import Notice, NoticeFile, NoticeRecipient, NoticeReply, ReplyKind
from schools.models import School

READERS_PER_ROLE = 14

# (title, body, to, reply, due in days, sent days ago, share read, share replied, files)
NOTICES = [
    (
        "关于开展秋季学期校园安全专项督导的通知",
        "各位责任督学：\n根据县教育督导委员会工作安排，定于本月对全县中小学、幼儿园开展校园安全专项"
        "督导。请对照附件中的督导要点，结合挂牌督导工作，于月底前完成所负责学校的专项检查，"
        "发现问题当场反馈并督促整改。",
        "inspectors",
        ReplyKind.NONE,
        None,
        40,
        0.9,
        0,
        ["pdf"],
    ),
    (
        "关于报送学校食堂食品安全自查表的通知",
        "各学校：\n请下载附件中的《学校食堂食品安全自查表》，如实填写后加盖学校公章，扫描或拍照"
        "回传。未设食堂的学校请在回复中说明。",
        "principals",
        ReplyKind.FILE,
        1,
        6,
        0.7,
        0.4,
        ["xlsx"],
    ),
    (
        "关于报送本学期责任督学工作总结的通知",
        "各位责任督学：\n请于截止日期前在本页回复本学期挂牌督导工作总结（主要工作、发现的问题及"
        "整改情况、意见建议），不超过800字。",
        "inspectors",
        ReplyKind.TEXT,
        12,
        3,
        0.6,
        0.3,
        [],
    ),
    (
        "关于做好寒假前安全教育和假期值班工作的通知",
        "各学校：\n寒假将至，请认真开展放假前安全教育，落实假期值班和带班领导，值班表请于放假前"
        "报中心学校备案。",
        "principals",
        ReplyKind.NONE,
        None,
        1,
        0.35,
        0,
        ["pdf"],
    ),
]

SUMMARY = "本学期完成所负责学校的经常性督导，发现问题已全部反馈并跟踪整改，详见督导记录。"


def seed_notices(ctx) -> None:
    """Demo step registered in ``schools.demo.DEMO_STEPS``."""
    county = ctx.counties["huangzhong"]
    office = User.objects.filter(county=county, role=Role.OFFICE).order_by("pk").first()
    if office is None:
        return
    readers = {
        "inspectors": _inspector_readers(ctx, county),
        "principals": _principal_readers(ctx, county),
    }
    rng = ctx.random("notices")
    created = 0
    for title, body, to, reply_kind, due_in, sent_ago, read_share, reply_share, kinds in NOTICES:
        if Notice.objects.filter(county=county, title=title).exists():
            continue
        sent_at = _at(ctx.today - datetime.timedelta(days=sent_ago), 9)
        notice = Notice.objects.create(
            county=county,
            title=title,
            body=body,
            reply_kind=reply_kind,
            reply_due_on=ctx.today + datetime.timedelta(days=due_in) if due_in else None,
            audience={"inspectors": to == "inspectors", "all_principals": to == "principals"},
            sent_by=office,
            sent_at=sent_at,
        )
        for kind in kinds:
            _attach(notice, kind)
        people = readers[to]
        for user in people:
            # The demo logins come first: each has this notice unread, to see the reminder.
            demo_login = user.username in ("inspector", "principal")
            read = not demo_login and rng.random() < read_share
            read_at = _before_now(sent_at + datetime.timedelta(hours=rng.randint(1, 48)))
            read_at = read_at if read else None
            receipt = NoticeRecipient.objects.create(notice=notice, user=user, read_at=read_at)
            if read and reply_kind and rng.random() < reply_share / read_share:
                _reply(notice, receipt, rng)
        created += 1
    ctx.record("工作通知", created)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _before_now(moment: datetime.datetime) -> datetime.datetime:
    return min(moment, timezone.now() - datetime.timedelta(minutes=5))


def _reading_login(ctx, *, username: str, **fields) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, must_change_password=True, **fields)
        user.set_unusable_password()
        user.save()
        ctx.record("阅读通知的账号", 1)
    return user


def _inspector_readers(ctx, county) -> list[User]:
    """The demo inspector and the first active inspectors by phone, each with a login."""
    readers = list(User.objects.filter(county=county, username="inspector"))
    inspectors = Inspector.objects.filter(county=county, status=InspectorStatus.ACTIVE)
    for inspector in inspectors.order_by("phone")[:READERS_PER_ROLE]:
        user = User.objects.filter(inspector=inspector).first() or _reading_login(
            ctx,
            username=f"i{inspector.phone}",
            county=county,
            role=Role.INSPECTOR,
            inspector=inspector,
            display_name=inspector.name,
            phone=inspector.phone,
        )
        if user not in readers:
            readers.append(user)
    return readers


def _principal_readers(ctx, county) -> list[User]:
    """The demo principal and the principals of the first schools by code, each with a login."""
    readers = list(User.objects.filter(county=county, username="principal"))
    schools = School.objects.filter(county=county, is_active=True).exclude(principal_name="")
    for school in schools.order_by("code")[:READERS_PER_ROLE]:
        user = User.objects.filter(school=school).first() or _reading_login(
            ctx,
            username=f"p{school.code}",
            county=county,
            role=Role.PRINCIPAL,
            school=school,
            display_name=school.principal_name,
        )
        if user not in readers:
            readers.append(user)
    return readers


def _document(kind: str) -> tuple[str, bytes]:
    if kind == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "自查表"
        sheet.append(["检查项目", "检查内容", "自查结果（是/否）", "整改措施"])
        for row in [
            ("证照", "食品经营许可证在有效期内并公示"),
            ("人员", "从业人员持有效健康证明"),
            ("留样", "每餐每样留样不少于125克，冷藏48小时"),
            ("陪餐", "学校负责人陪餐并记录"),
        ]:
            sheet.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return "学校食堂食品安全自查表.xlsx", buffer.getvalue()
    return "督导要点.pdf", _pdf()


def _pdf() -> bytes:
    """A one-page PDF (Latin text only: the demo needs no fonts)."""
    stream = b"BT /F1 18 Tf 72 720 Td (Dudao demo notice attachment) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _attach(notice: Notice, kind: str) -> None:
    name, content = _document(kind)
    attachment = NoticeFile(notice=notice, kind=kind, original_name=name, size=len(content))
    attachment.file.save(f"demo.{kind}", ContentFile(content), save=False)
    attachment.save()


def _reply(notice: Notice, receipt: NoticeRecipient, rng) -> None:
    replied_at = _before_now(receipt.read_at + datetime.timedelta(hours=rng.randint(1, 24)))
    answer = NoticeReply(recipient=receipt, replied_at=replied_at)
    if notice.reply_kind == ReplyKind.FILE:
        name, content = _document("xlsx")
        answer.file_kind, answer.original_name = "xlsx", name
        answer.text = "已填写，请审阅。"
        answer.file.save("demo-reply.xlsx", ContentFile(content), save=False)
    else:
        answer.text = SUMMARY
    answer.save()
