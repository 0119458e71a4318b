"""What the worker's sweep reminds people of, and the claim that makes each reminder go once.

The sweep (``meetings.tasks.sweep_reminders``, run by beat every few minutes) reads the database
and works out every reminder due by now: a ``Due`` is one reminder owed to one person on one
occasion. ``claim`` inserts a ``Reminder`` row per (person, occasion) not claimed before; the
unique constraint makes that insert the one place where two sweeps, two workers or a retried task
meet, and only the run that inserted the row sends it. A claim made too late to help (the
meeting has begun, the reply date has passed) is recorded as stale and never sent, so after the
broker or the worker has been down for hours the first sweep sends what is still useful and
quietly records the rest.

``send`` turns one claimed reminder into a notification (in-app and e-mail, in the reader's
language), after checking it is still useful now: a reply came in, the minutes were filed, the
meeting moved. Each number of days is a county setting (``schools.CountySettings``).
"""

import calendar
import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Notification, Role, User
from meetings.models import (
    Invitee,
    Meeting,
    MeetingStatus,
    Notice,
    NoticeRecipient,
    NoticeReply,
    Reminder,
    ReminderKind,
    ReminderOutcome,
    Response,
)
from schools.models import CountySettings, School
from visits.services import due_schools, inspector_month

logger = logging.getLogger(__name__)

# How far back a sweep looks for reminders it has not claimed yet. Past these, an occasion is
# history: nothing is sent and nothing is recorded.
MEETING_LOOKBACK = datetime.timedelta(days=2)
CHANGE_LOOKBACK = datetime.timedelta(days=7)
MINUTES_LOOKBACK = datetime.timedelta(days=30)
NOTICE_LOOKBACK_DAYS = 2


@dataclass(frozen=True)
class Due:
    """One reminder owed to one person; ``occasion`` is also its notification's dedupe key."""

    user_id: int
    occasion: str
    kind: str
    meeting_id: int | None = None
    notice_id: int | None = None
    # After this moment the reminder no longer helps; None: ``send`` decides from the data.
    useful_until: datetime.datetime | None = None


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


# --- claiming --------------------------------------------------------------------------------


def claim(
    dues: Iterable[Due], *, now: datetime.datetime, on_claim: Callable[[Reminder], object]
) -> tuple[int, int]:
    """Insert a claim for each due not claimed before; ``on_claim`` runs in the same transaction
    for each claim still useful (it queues the sending). Returns (claimed to send, stale)."""
    dues = list(dues)
    already = set(
        Reminder.objects.filter(occasion__in={due.occasion for due in dues}).values_list(
            "user_id", "occasion"
        )
    )
    claimed = stale = 0
    for due in dues:
        if (due.user_id, due.occasion) in already:
            continue
        useful = due.useful_until is None or now < due.useful_until
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    user_id=due.user_id,
                    occasion=due.occasion,
                    kind=due.kind,
                    meeting_id=due.meeting_id,
                    notice_id=due.notice_id,
                    useful_until=due.useful_until,
                    claimed_at=now,
                    outcome=ReminderOutcome.PENDING if useful else ReminderOutcome.STALE,
                )
                if useful:
                    on_claim(reminder)
        except IntegrityError:  # another sweep or worker claimed it a moment ago
            continue
        already.add((due.user_id, due.occasion))
        claimed += useful
        stale += not useful
    return claimed, stale


# --- what is due -----------------------------------------------------------------------------


def _invited_users(meetings) -> dict[int, list[int]]:
    """Meeting id -> ids of the active invitees with a login who have not sent apologies."""
    rows = (
        Invitee.objects.filter(meeting__in=meetings, user__isnull=False, user__is_active=True)
        .exclude(response=Response.LEAVE)
        .values_list("meeting_id", "user_id")
    )
    users = defaultdict(list)
    for meeting_id, user_id in rows:
        users[meeting_id].append(user_id)
    return users


def change_occasion(meeting_id: int, sequence: int) -> str:
    """Telling someone of version ``sequence`` of a meeting (0: the invitation)."""
    return f"meeting-change:{meeting_id}:{sequence}"


def change_dues(meeting: Meeting, user_ids: Iterable[int]) -> Iterator[Due]:
    """Tell the invitees of the meeting as it now is: invited, moved or cancelled. Useful until
    it starts; the office that made the change needs no message."""
    occasion = change_occasion(meeting.pk, meeting.sequence)
    for user_id in user_ids:
        if user_id != meeting.created_by_id:
            yield Due(
                user_id,
                occasion,
                ReminderKind.MEETING_CHANGED,
                meeting_id=meeting.pk,
                useful_until=meeting.starts_at,
            )


def meeting_change_dues(county_id: int, now: datetime.datetime) -> Iterator[Due]:
    """Invitations, moves and cancellations of the last days (the request queued them already;
    this catches what a lost task or a newly added invitee missed)."""
    recent = now - CHANGE_LOOKBACK
    meetings = list(
        Meeting.objects.filter(county_id=county_id, starts_at__gt=now - MEETING_LOOKBACK).filter(
            Q(created_at__gte=recent) | Q(changed_at__gte=recent) | Q(cancelled_at__gte=recent)
        )
    )
    # Apologies do not stop the news of a move or a cancellation: everyone with a login hears.
    rows = Invitee.objects.filter(
        meeting__in=meetings, user__isnull=False, user__is_active=True
    ).values_list("meeting_id", "user_id")
    users = defaultdict(list)
    for meeting_id, user_id in rows:
        users[meeting_id].append(user_id)
    for meeting in meetings:
        yield from change_dues(meeting, users[meeting.pk])


def soon_occasion(meeting: Meeting, days: int) -> str:
    return f"meeting-soon:{meeting.pk}:{meeting.sequence}:{days}d"


def meeting_soon_dues(settings: CountySettings, now: datetime.datetime) -> Iterator[Due]:
    """The first and second reminders before each scheduled meeting (default 3 and 1 days).

    The first is useful until the second is due, the second until the meeting starts: after a
    long stop only the nearer one goes out. A reminder whose time came before the invitation
    (or the last move) was sent is not owed: that message told them.
    """
    first, second = settings.meeting_first_reminder_days, settings.meeting_second_reminder_days
    meetings = list(
        Meeting.objects.filter(
            county_id=settings.county_id,
            status=MeetingStatus.SCHEDULED,
            starts_at__lte=now + datetime.timedelta(days=first),
            starts_at__gt=now - MEETING_LOOKBACK,
        )
    )
    users = _invited_users(meetings)
    for meeting in meetings:
        told_at = max(filter(None, [meeting.created_at, meeting.changed_at]))
        second_at = meeting.starts_at - datetime.timedelta(days=second)
        for days, useful_until in ((first, second_at), (second, meeting.starts_at)):
            due_at = meeting.starts_at - datetime.timedelta(days=days)
            if due_at > now or due_at < told_at:
                continue
            for user_id in users[meeting.pk]:
                yield Due(
                    user_id,
                    soon_occasion(meeting, days),
                    ReminderKind.MEETING_SOON,
                    meeting_id=meeting.pk,
                    useful_until=useful_until,
                )


def minutes_dues(settings: CountySettings, now: datetime.datetime) -> Iterator[Due]:
    """The office, when a meeting's minutes are still not filed some days after it ended."""
    cutoff = now - datetime.timedelta(days=settings.minutes_reminder_days)
    meetings = Meeting.objects.filter(
        county_id=settings.county_id,
        status=MeetingStatus.SCHEDULED,
        minutes_filed_at__isnull=True,
        ends_at__lte=cutoff,
        ends_at__gt=cutoff - MINUTES_LOOKBACK,
    ).values_list("pk", flat=True)
    meeting_ids = list(meetings)
    if not meeting_ids:
        return
    office = list(
        User.objects.filter(
            county_id=settings.county_id, role=Role.OFFICE, is_active=True
        ).values_list("pk", flat=True)
    )
    for meeting_id in meeting_ids:
        for user_id in office:
            yield Due(
                user_id,
                f"minutes-missing:{meeting_id}",
                ReminderKind.MINUTES_MISSING,
                meeting_id=meeting_id,
            )


def notice_due_dues(settings: CountySettings, now: datetime.datetime) -> Iterator[Due]:
    """Recipients who have not read a notice, or not replied to it, some days before its due
    date (default 1). Useful until the due date is over. A notice sent after the reminder day
    began needs no reminder on top."""
    today = timezone.localtime(now).date()
    notices = list(
        Notice.objects.filter(
            county_id=settings.county_id,
            withdrawn_at__isnull=True,
            reply_due_on__isnull=False,
            reply_due_on__lte=today + datetime.timedelta(days=settings.notice_reminder_days),
            reply_due_on__gte=today - datetime.timedelta(days=NOTICE_LOOKBACK_DAYS),
        )
    )
    by_pk = {notice.pk: notice for notice in notices}
    behind = (
        NoticeRecipient.objects.filter(notice__in=notices, user__is_active=True)
        .annotate(replied=Exists(NoticeReply.objects.filter(recipient=OuterRef("pk"))))
        .values_list("notice_id", "user_id", "read_at", "replied")
    )
    for notice_id, user_id, read_at, replied in behind:
        if read_at is not None and replied:
            continue
        notice = by_pk[notice_id]
        reminder_day = notice.reply_due_on - datetime.timedelta(days=settings.notice_reminder_days)
        if notice.sent_at >= _local_midnight(reminder_day):
            continue
        yield Due(
            user_id,
            f"notice-due:{notice_id}",
            ReminderKind.NOTICE_DUE,
            notice_id=notice_id,
            useful_until=_local_midnight(notice.reply_due_on + datetime.timedelta(days=1)),
        )


def month_end_reminder_day(settings: CountySettings, year: int, month: int) -> datetime.date:
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    return last - datetime.timedelta(days=settings.visit_duty_reminder_days)


def visits_due_dues(settings: CountySettings, now: datetime.datetime) -> Iterator[Due]:
    """Some days before the month ends (default 5), each inspector whose assigned schools are
    still due this month's visits; the list itself is made when the reminder is sent."""
    today = timezone.localtime(now).date()
    if today < month_end_reminder_day(settings, today.year, today.month):
        return
    if settings.is_holiday_month(today.month):
        return
    rows = due_schools(
        School.objects.filter(county_id=settings.county_id), year=today.year, month=today.month
    )
    inspector_ids = {
        assignment.inspector_id for row in rows for assignment in row.school.current_assignments
    }
    users = User.objects.filter(
        inspector_id__in=inspector_ids, role=Role.INSPECTOR, is_active=True
    ).values_list("pk", flat=True)
    following = _local_midnight(
        datetime.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    )
    for user_id in users:
        yield Due(
            user_id,
            f"visits-due:{today:%Y-%m}",
            ReminderKind.VISITS_DUE,
            useful_until=following,
        )


def county_dues(settings: CountySettings, now: datetime.datetime) -> list[Due]:
    return [
        *meeting_change_dues(settings.county_id, now),
        *meeting_soon_dues(settings, now),
        *minutes_dues(settings, now),
        *notice_due_dues(settings, now),
        *visits_due_dues(settings, now),
    ]


# --- sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str


def _meeting_url(meeting) -> str:
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def _notice_url(notice) -> str:
    return reverse("meetings:notice_detail", args=[notice.pk])


def _meeting_changed(reminder, now) -> Message | None:
    from meetings.tasks import change_message

    meeting = reminder.meeting
    if reminder.occasion != change_occasion(meeting.pk, meeting.sequence):
        return None  # changed again since: that version's message supersedes this one
    title, body = change_message(meeting)
    return Message(title, body, _meeting_url(meeting))


def _meeting_soon(reminder, now) -> Message | None:
    meeting = reminder.meeting
    if meeting.is_cancelled or not reminder.occasion.startswith(
        f"meeting-soon:{meeting.pk}:{meeting.sequence}:"
    ):
        return None  # cancelled or moved since: the change was told, new reminders follow
    if meeting.starts_at <= now:
        return None
    invitee = meeting.invitees.filter(user_id=reminder.user_id).first()
    if invitee is None or invitee.response == Response.LEAVE:
        return None
    values = {"title": meeting.title, "when": _when(meeting.starts_at), "place": meeting.place}
    body = _("%(when)s at %(place)s.") % values
    if invitee.response == Response.PENDING:
        body += " " + _("Please answer whether you attend.")
    return Message(_("Meeting reminder: %(title)s") % values, body, _meeting_url(meeting))


def _minutes_missing(reminder, now) -> Message | None:
    meeting = reminder.meeting
    if meeting.is_cancelled or meeting.minutes_filed_at is not None:
        return None
    values = {"title": meeting.title, "when": _when(meeting.starts_at)}
    return Message(
        _("Minutes not filed: %(title)s") % values,
        _("The meeting of %(when)s is over and its minutes are not filed yet.") % values,
        _meeting_url(meeting),
    )


def _receipt(reminder):
    return (
        NoticeRecipient.objects.filter(notice=reminder.notice, user_id=reminder.user_id)
        .select_related("reply")
        .first()
    )


def _notice_due(reminder, now) -> Message | None:
    notice = reminder.notice
    receipt = _receipt(reminder)
    if notice.is_withdrawn or receipt is None:
        return None
    replied = hasattr(receipt, "reply")
    if receipt.read_at is not None and replied:
        return None
    values = {"title": notice.title, "date": notice.reply_due_on.isoformat()}
    if receipt.read_at is None:
        title = _("Unread notice, reply due %(date)s: %(title)s") % values
    else:
        title = _("Reply due %(date)s: %(title)s") % values
    body = _("Please read the notice and send your reply by %(date)s.") % values
    return Message(title, body, _notice_url(notice))


def _notice_unread(reminder, now) -> Message | None:
    notice = reminder.notice
    receipt = _receipt(reminder)
    if notice.is_withdrawn or receipt is None or receipt.read_at is not None:
        return None
    values = {"title": notice.title}
    return Message(
        _("Please read the notice: %(title)s") % values,
        _("The supervision office asks you to read this notice."),
        _notice_url(notice),
    )


def _visits_due(reminder, now) -> Message | None:
    user = reminder.user
    if not (user.is_inspector and user.inspector_id):
        return None
    today = timezone.localtime(now).date()
    _duty, rows = inspector_month(user, today=today)
    due = [row for row in rows if row.is_due]
    if not due:
        return None
    last = datetime.date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    values = {"count": len(due), "date": last.isoformat()}
    lines = [
        _("%(school)s (%(township)s): %(done)d of %(required)d visits")
        % {
            "school": row.school.name,
            "township": row.school.township.name,
            "done": row.month_visits,
            "required": row.visits_required,
        }
        for row in due
    ]
    intro = _("The month ends on %(date)s. Schools still due a visit:") % values
    return Message(
        _("%(count)d of your schools are still due a visit this month") % values,
        "\n".join([intro, *lines]),
        reverse("visits:my_schools"),
    )


COMPOSERS = {
    ReminderKind.MEETING_CHANGED: _meeting_changed,
    ReminderKind.MEETING_SOON: _meeting_soon,
    ReminderKind.MINUTES_MISSING: _minutes_missing,
    ReminderKind.NOTICE_DUE: _notice_due,
    ReminderKind.NOTICE_UNREAD: _notice_unread,
    ReminderKind.VISITS_DUE: _visits_due,
}


def send(reminder_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Send one claimed reminder if it still helps, else record it as stale; True if sent.

    The row is locked, so a second run of the same task waits and then finds it done.
    """
    now = now or timezone.now()
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related("user", "meeting", "notice")
            .get(pk=reminder_id)
        )
        if reminder.outcome != ReminderOutcome.PENDING:
            return False
        user = reminder.user
        message = None
        if user.is_active and reminder.is_useful(now):
            with user.own_language():
                message = COMPOSERS[reminder.kind](reminder, now)
        if message is not None:
            Notification.objects.deliver(
                user,
                dedupe_key=reminder.occasion,
                title=message.title[:200],
                body=message.body,
                url=message.url,
            )
            reminder.outcome, reminder.sent_at = ReminderOutcome.SENT, now
        else:
            reminder.outcome = ReminderOutcome.STALE
        reminder.save(update_fields=["outcome", "sent_at"])
    logger.info(
        "Reminder %s (%s) to user %s: %s", reminder.pk, reminder.occasion, user.pk, reminder.outcome
    )
    return message is not None


def sweep_counties(*, now: datetime.datetime, on_claim: Callable[[Reminder], object]) -> dict:
    """Claim every reminder due in every county; returns counts for the log."""
    totals = {"claimed": 0, "stale": 0}
    for settings in CountySettings.objects.all():
        claimed, stale = claim(county_dues(settings, now), now=now, on_claim=on_claim)
        totals["claimed"] += claimed
        totals["stale"] += stale
    return totals
