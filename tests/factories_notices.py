"""Test data for work notices, calendar feeds and reminders: meetings and notices made directly,
with the times a test needs (made days ago, starting in some hours)."""

import datetime
import io
import zipfile

from django.core.files.base import ContentFile
from django.utils import timezone

from meetings.models import (
    Invitee,
    InviteeGroup,
    Meeting,
    MeetingKind,
    Notice,
    NoticeFile,
    NoticeRecipient,
    NoticeReply,
    ReplyKind,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    """The smallest package Word's sniffing accepts: content types and the main document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def make_meeting(
    personas,
    *,
    starts_in: datetime.timedelta,
    invite=(),
    made_ago: datetime.timedelta = datetime.timedelta(days=10),
    now: datetime.datetime | None = None,
    **fields,
) -> Meeting:
    """A scheduled meeting of the persona county starting ``starts_in`` from now, created
    ``made_ago`` (so its reminders are owed), with these users invited."""
    now = now or timezone.now()
    starts_at = now + starts_in
    meeting = Meeting.objects.create(
        county=personas.county,
        kind=fields.pop("kind", MeetingKind.INSPECTORS),
        title=fields.pop("title", "督学月例会"),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        place=fields.pop("place", "县教育局三楼会议室"),
        created_by=personas.office,
        **fields,
    )
    Meeting.objects.filter(pk=meeting.pk).update(created_at=now - made_ago)
    meeting.refresh_from_db()
    for user in invite:
        Invitee.objects.create(
            meeting=meeting, user=user, name=str(user), group=InviteeGroup.PERSON
        )
    return meeting


def make_notice(
    personas,
    *,
    to=(),
    reply_kind: str = ReplyKind.NONE,
    due_in_days: int | None = None,
    sent_ago: datetime.timedelta = datetime.timedelta(days=5),
    title: str = "关于开展春季校园安全专项督导的通知",
    with_file: bool = False,
) -> Notice:
    """A notice of the persona office, sent ``sent_ago`` to these users."""
    today = timezone.localdate()
    notice = Notice.objects.create(
        county=personas.county,
        title=title,
        body="请各校对照附件自查，并按时报送自查表。",
        reply_kind=reply_kind,
        reply_due_on=None if due_in_days is None else today + datetime.timedelta(days=due_in_days),
        sent_by=personas.office,
        sent_at=timezone.now() - sent_ago,
    )
    for user in to:
        NoticeRecipient.objects.create(notice=notice, user=user)
    if with_file:
        attachment = NoticeFile(notice=notice, kind="pdf", original_name="自查表.pdf")
        attachment.size = len(PDF_BYTES)
        attachment.file.save("x.pdf", ContentFile(PDF_BYTES), save=True)
    return notice


def reply(notice, user, text: str = "已完成自查，无问题。") -> NoticeReply:
    receipt = NoticeRecipient.objects.get(notice=notice, user=user)
    return NoticeReply.objects.create(recipient=receipt, text=text, replied_at=timezone.now())


def matrix_notice(personas) -> Notice:
    """For the URL matrix: a notice with a file to the principal, asking for a reply."""
    return make_notice(
        personas, to=[personas.principal], reply_kind=ReplyKind.TEXT, due_in_days=3, with_file=True
    )


def matrix_reply_file(personas) -> NoticeReply:
    """For the URL matrix: the principal sent a file back."""
    notice = make_notice(
        personas, to=[personas.principal], reply_kind=ReplyKind.FILE, due_in_days=3
    )
    receipt = NoticeRecipient.objects.get(notice=notice)
    answer = NoticeReply(
        recipient=receipt, file_kind="pdf", original_name="回执.pdf", replied_at=timezone.now()
    )
    answer.file.save("r.pdf", ContentFile(PDF_BYTES), save=True)
    return answer
