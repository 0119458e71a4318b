"""Each user's private iCalendar feed (RFC 5545): their meetings and deadlines, for phones to
subscribe to.

The feed lives at a secret address. The token has 256 bits (``secrets.token_urlsafe(32)``) and
only its SHA-256 is stored (``CalendarFeed``), so the address is shown once, when made; a reset
replaces it, and a deactivated user's feed answers 404. Events carry a title, a time, a place and
a link, never the text of a problem or a complaint. The format is written by the ``icalendar``
library; times are in Asia/Shanghai with its VTIMEZONE.
"""

import datetime
import hashlib
import secrets

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.models import absolute_url
from meetings.models import CalendarFeed, Decision, Meeting, Notice
from rectifications.models import OwnerLevel, RectificationItem

# What a feed holds: recent history and what is ahead, within a phone's appetite.
PAST = datetime.timedelta(days=90)
MAX_EVENTS_PER_KIND = 500
# A fetch is written down at most this often (calendar apps poll every few minutes).
FETCH_NOTE_EVERY = datetime.timedelta(hours=1)
UID_DOMAIN = "dudao"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(user) -> str:
    """Make (or replace) the user's feed; returns the token, which is not kept anywhere."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user,
        defaults={
            "token_sha256": token_digest(token),
            "created_at": timezone.now(),
            "last_fetched_at": None,
        },
    )
    return token


def stop_feed(user) -> bool:
    return bool(CalendarFeed.objects.filter(user=user).delete()[0])


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed of an active user with this token, or None."""
    return (
        CalendarFeed.objects.select_related("user__county")
        .filter(token_sha256=token_digest(token), user__is_active=True)
        .first()
    )


def note_fetch(feed: CalendarFeed, now: datetime.datetime) -> None:
    if feed.last_fetched_at is None or now - feed.last_fetched_at > FETCH_NOTE_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)


def feed_path(token: str) -> str:
    return reverse("meetings:calendar_feed", kwargs={"token": token})


# --- what the feed holds ---------------------------------------------------------------------


def user_meetings(user, now):
    return (
        Meeting.objects.for_user(user)
        .filter(starts_at__gte=now - PAST)
        .order_by("starts_at", "pk")[:MAX_EVENTS_PER_KIND]
    )


def user_item_deadlines(user, today: datetime.date):
    """Open items the user owns or follows: a principal's school's, an inspector's schools' and
    own; the office's, those without a school (meeting decisions) or escalated to the bureau or
    the county; and decisions owned by the user personally."""
    items = RectificationItem.objects.for_user(user).unresolved()
    if user.is_principal or user.is_inspector:
        mine = Q(pk__in=items.values("pk"))
    elif user.is_office:
        mine = Q(pk__in=items.filter(Q(school__isnull=True) | ~Q(owner_level=OwnerLevel.SCHOOL)))
    else:
        mine = Q(pk__in=[])
    owned = Decision.objects.filter(owner_user=user).values("item_id")
    return (
        RectificationItem.objects.unresolved()
        .filter(mine | Q(pk__in=owned), deadline__gte=today - PAST)
        .select_related("school", "matter")
        .order_by("deadline", "pk")[:MAX_EVENTS_PER_KIND]
    )


def user_notice_dues(user, today: datetime.date):
    return (
        Notice.objects.for_user(user)
        .filter(reply_due_on__isnull=False, reply_due_on__gte=today - PAST)
        .exclude(withdrawn_at__isnull=False)
        .order_by("reply_due_on", "pk")[:MAX_EVENTS_PER_KIND]
    )


# --- writing it ------------------------------------------------------------------------------


def _event(uid: str, summary: str, url: str, now) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", now)
    event.add("summary", summary)
    event.add("url", absolute_url(url))
    event.add("description", absolute_url(url))
    return event


def _all_day(event: Event, day: datetime.date) -> Event:
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a deadline does not make the day busy
    return event


def meeting_event(meeting: Meeting, now) -> Event:
    summary = meeting.title
    if meeting.is_cancelled:
        summary = _("Cancelled: %(title)s") % {"title": meeting.title}
    event = _event(
        f"meeting-{meeting.pk}",
        summary,
        reverse("meetings:meeting_detail", args=[meeting.pk]),
        now,
    )
    event.add("dtstart", timezone.localtime(meeting.starts_at))
    event.add("dtend", timezone.localtime(meeting.ends_at))
    event.add("location", meeting.place)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def item_event(item: RectificationItem, now) -> Event:
    if item.school_id:
        summary = _("Rectification due: %(school)s, %(matter)s") % {
            "school": item.school.name,
            "matter": item.matter.name if item.matter_id else "",
        }
    else:
        summary = _("Decision due: %(owner)s") % {"owner": item.owner_display}
    event = _event(
        f"item-{item.pk}-deadline",
        summary,
        reverse("rectifications:item", args=[item.pk]),
        now,
    )
    return _all_day(event, item.deadline)


def notice_event(notice: Notice, now) -> Event:
    event = _event(
        f"notice-{notice.pk}-reply",
        _("Reply due: %(title)s") % {"title": notice.title},
        reverse("meetings:notice_detail", args=[notice.pk]),
        now,
    )
    return _all_day(event, notice.reply_due_on)


def build_feed(user, *, now: datetime.datetime | None = None) -> bytes:
    """The user's calendar as .ics bytes (written in the user's language)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    calendar = Calendar()
    calendar.add("prodid", "-//Dudao//Supervision meetings and deadlines//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Dudao: meetings and deadlines"))
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    for meeting in user_meetings(user, now):
        calendar.add_component(meeting_event(meeting, now))
    for item in user_item_deadlines(user, today):
        calendar.add_component(item_event(item, now))
    for notice in user_notice_dues(user, today):
        calendar.add_component(notice_event(notice, now))
    calendar.add_missing_timezones()
    return calendar.to_ical()
