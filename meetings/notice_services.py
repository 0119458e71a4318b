"""Work notices (工作通知): sending with files, first reads, the office's reminder to those who
have not read, replies, withdrawal. Kept apart from ``meetings.services`` (the meetings part)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.outbox import send_later
from dudao import imaging
from dudao.files import DocumentKind, document_kind
from meetings import reminders
from meetings.models import (
    Notice,
    NoticeFile,
    NoticeRecipient,
    NoticeReply,
    ReminderKind,
)
from meetings.recipients import RecipientChoice, resolve_recipients

MAX_FILES_PER_NOTICE = 10
IMAGE_MAX_SIDE = 3000


@dataclass(frozen=True)
class Document:
    """An upload recognised by its bytes, ready to store: PDF, Word and Excel as uploaded, a
    photo re-encoded as a fresh JPEG (no EXIF, no GPS)."""

    kind: str
    content: object
    name: str


def prepare_document(upload, *, max_bytes: int) -> Document:
    """Check the size and the bytes of an upload; ValidationError with the reason if refused."""
    imaging.check_size(upload, max_bytes=max_bytes)
    kind = document_kind(upload)
    content = upload
    if kind in (DocumentKind.JPEG, DocumentKind.PNG):
        image = imaging.decode(upload, max_side=IMAGE_MAX_SIDE)
        kind = DocumentKind.JPEG
        content = ContentFile(imaging.jpeg_bytes(image))
    content.seek(0)
    return Document(kind=kind, content=content, name=upload.name[:200])


def send_notice(
    *,
    county,
    actor,
    title: str,
    body: str,
    reply_kind: str,
    reply_due_on: datetime.date | None,
    choice: RecipientChoice,
    documents: list[Document],
) -> Notice:
    """Create the notice with its files and recipients; each recipient is told once it commits.

    Raises ValidationError when the choice names nobody with a login.
    """
    users = resolve_recipients(county=county, choice=choice).users
    if not users:
        raise ValidationError(_("Nobody with a login matches the chosen recipients."))
    with transaction.atomic():
        notice = Notice.objects.create(
            county=county,
            title=title,
            body=body,
            reply_kind=reply_kind,
            reply_due_on=reply_due_on if reply_kind else None,
            audience=choice.as_dict(),
            sent_by=actor,
        )
        for document in documents:
            record = NoticeFile(
                notice=notice,
                kind=document.kind,
                original_name=document.name,
                size=document.content.size,
            )
            record.file.save(f"upload.{document.kind}", document.content, save=False)
            record.save()
        NoticeRecipient.objects.bulk_create(
            NoticeRecipient(notice=notice, user=user) for user in users
        )
        from meetings.tasks import announce_notice

        send_later(announce_notice, notice.pk)
    return notice


def mark_read(*, notice: Notice, user) -> bool:
    """Record the recipient's first reading; later readings change nothing."""
    return bool(
        NoticeRecipient.objects.filter(notice=notice, user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def remind_unread(*, notice: Notice, now: datetime.datetime | None = None) -> tuple[int, int]:
    """The office's one-action reminder to every recipient who has not read the notice: at most
    once a day each. Returns (reminded now, already reminded today)."""
    from meetings.tasks import queue_reminder

    now = now or timezone.now()
    occasion = f"notice-unread:{notice.pk}:{timezone.localtime(now):%Y%m%d}"
    unread = NoticeRecipient.objects.filter(
        notice=notice, read_at__isnull=True, user__is_active=True
    ).values_list("user_id", flat=True)
    dues = [
        reminders.Due(user_id, occasion, ReminderKind.NOTICE_UNREAD, notice_id=notice.pk)
        for user_id in unread
    ]
    claimed, _stale = reminders.claim(dues, now=now, on_claim=queue_reminder)
    return claimed, len(dues) - claimed


def save_reply(*, notice: Notice, user, text: str, document: Document | None) -> NoticeReply:
    """Store the recipient's reply, replacing an earlier one (a new file replaces the old; no
    new file keeps it)."""
    if not notice.asks_reply or notice.is_withdrawn:
        raise ValidationError(_("This notice does not take replies."))
    with transaction.atomic():
        receipt = NoticeRecipient.objects.select_for_update().get(notice=notice, user=user)
        if receipt.read_at is None:
            receipt.read_at = timezone.now()
            receipt.save(update_fields=["read_at"])
        answer = NoticeReply.objects.filter(recipient=receipt).first() or NoticeReply(
            recipient=receipt
        )
        old_file = answer.file.name if answer.file and document else ""
        answer.text = text
        answer.replied_at = timezone.now()
        if document is not None:
            answer.file_kind = document.kind
            answer.original_name = document.name
            answer.file.save(f"reply.{document.kind}", document.content, save=False)
        if not answer.text and not answer.file:
            raise ValidationError(_("Write a reply or attach a file."))
        answer.save()
        if old_file:
            storage = answer.file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    return answer


def withdraw(*, notice: Notice) -> None:
    """Take a notice back: its recipients no longer see it; the office keeps it, marked."""
    Notice.objects.filter(pk=notice.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
