"""Celery tasks of meetings: tell invitees of a new, moved or cancelled meeting.

Each message is claimed by a unique (user, dedupe_key) notification row before it is sent, so a
task run twice (outbox sweep and broker both) tells each invitee once per version of the meeting.
"""

from celery import shared_task
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Notification
from meetings.models import Meeting


def change_dedupe_key(meeting_id: int, sequence: int) -> str:
    """The once-only key of telling someone about version ``sequence`` of a meeting."""
    return f"meeting-change:{meeting_id}:{sequence}"


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


@shared_task
def announce_meeting_change(meeting_id: int, sequence: int) -> int:
    """Tell every invitee with a login about version ``sequence`` of the meeting (new, moved or
    cancelled). A later version supersedes: an outdated task sends nothing."""
    meeting = Meeting.objects.get(pk=meeting_id)
    if meeting.sequence != sequence or meeting.is_over():
        return 0
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    sent = 0
    invitees = meeting.invitees.filter(user__isnull=False, user__is_active=True)
    for invitee in invitees.select_related("user"):
        user = invitee.user
        if user.pk == meeting.created_by_id:
            continue
        with user.own_language():
            title, body = change_message(meeting)
            sent += bool(
                Notification.objects.deliver(
                    user,
                    dedupe_key=change_dedupe_key(meeting.pk, sequence),
                    title=title,
                    body=body,
                    url=url,
                )
            )
    return sent
