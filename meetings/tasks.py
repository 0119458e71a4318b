"""Celery tasks of meetings and notices: the reminder sweep, and telling invitees of a new,
moved or cancelled meeting.

Every message is a ``Reminder`` claimed by a unique (person, occasion) row before it is sent
(``meetings.reminders``), then sent by the small ``send_reminder`` task through the outbox, so a
sweep run twice, two workers, a retried task or beat firing twice send each reminder once.
"""

import datetime
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Notification, SweepRecord
from accounts.outbox import send_later
from dudao.celery import REMINDER_SWEEP_EVERY
from meetings import reminders
from meetings.models import Meeting, Notice

logger = logging.getLogger(__name__)


def change_dedupe_key(meeting_id: int, sequence: int) -> str:
    """The once-only key of telling someone about version ``sequence`` of a meeting."""
    return reminders.change_occasion(meeting_id, sequence)


def _when(meeting) -> str:
    return formats.date_format(timezone.localtime(meeting.starts_at), "Y-m-d H:i")


def change_message(meeting) -> tuple[str, str]:
    """Title and text of the message for the meeting as it now is (in the active language)."""
    values = {"title": meeting.title, "when": _when(meeting), "place": meeting.place}
    if meeting.is_cancelled:
        title = _("Meeting cancelled: %(title)s") % values
        body = _("The meeting on %(when)s is cancelled. Reason: %(reason)s") % {
            **values,
            "reason": meeting.cancel_reason,
        }
    elif meeting.sequence:
        title = _("Meeting moved: %(title)s") % values
        body = _("Now on %(when)s at %(place)s. Reason: %(reason)s") % {
            **values,
            "reason": meeting.change_reason,
        }
    else:
        title = _("You are invited: %(title)s") % values
        body = _("On %(when)s at %(place)s. Please answer whether you attend.") % values
    return title, body


# Transient trouble (the database restarting, a dropped connection): try again, later each time.
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


def queue_reminder(reminder) -> None:
    """Send a claimed reminder through the outbox, in the claim's own transaction."""
    send_later(send_reminder, reminder.pk)


@shared_task(**RETRY)
def announce_meeting_change(meeting_id: int, sequence: int) -> int:
    """Tell every invitee with a login about version ``sequence`` of the meeting (new, moved or
    cancelled), one claimed reminder each. A later version supersedes: an outdated task sends
    nothing. Returns how many were queued."""
    meeting = Meeting.objects.get(pk=meeting_id)
    if meeting.sequence != sequence:
        return 0
    user_ids = meeting.invitees.filter(user__isnull=False, user__is_active=True).values_list(
        "user_id", flat=True
    )
    now = timezone.now()
    claimed, stale = reminders.claim(
        reminders.change_dues(meeting, user_ids), now=now, on_claim=queue_reminder
    )
    logger.info("Meeting %s version %s: %s told, %s too late", meeting_id, sequence, claimed, stale)
    return claimed


@shared_task(**RETRY)
def announce_notice(notice_id: int) -> int:
    """Tell each recipient of a new work notice, in the app and by e-mail, once."""
    notice = Notice.objects.get(pk=notice_id)
    if notice.is_withdrawn:
        return 0
    url = reverse("meetings:notice_detail", args=[notice.pk])
    sent = 0
    for receipt in notice.recipients.filter(user__is_active=True).select_related("user"):
        user = receipt.user
        with user.own_language():
            body = (
                _("Please reply by %(date)s.") % {"date": notice.reply_due_on.isoformat()}
                if notice.reply_due_on
                else ""
            )
            sent += bool(
                Notification.objects.deliver(
                    user,
                    dedupe_key=f"work-notice:{notice.pk}",
                    title=_("New notice: %(title)s") % {"title": notice.title},
                    body=body,
                    url=url,
                )
            )
    logger.info("Notice %s told to %s recipients", notice_id, sent)
    return sent


@shared_task(**RETRY)
def send_reminder(reminder_id: int) -> bool:
    """Send one claimed reminder, unless it was sent already or no longer helps."""
    return reminders.send(reminder_id)


def sweep(*, now: datetime.datetime | None = None, send_now: bool = False) -> int:
    """One pass over every county: claim each reminder due by ``now`` and queue it (or, with
    ``send_now``, send it here: tests and the browser journey). Returns how many were claimed.
    """
    now = now or timezone.now()
    SweepRecord.objects.touch("reminders", every=REMINDER_SWEEP_EVERY, now=now)
    claimed_ids = []

    def on_claim(reminder):
        if send_now:
            claimed_ids.append(reminder.pk)
        else:
            queue_reminder(reminder)

    totals = reminders.sweep_counties(now=now, on_claim=on_claim)
    for reminder_id in claimed_ids:
        reminders.send(reminder_id, now=now)
    logger.info(
        "Reminder sweep: %(claimed)s reminders claimed to send, %(stale)s recorded as too late",
        totals,
    )
    return totals["claimed"]


@shared_task(**RETRY)
def sweep_reminders() -> int:
    """Beat's sweep (every few minutes): what is due by now, each reminder claimed once."""
    return sweep()
