"""Celery tasks: tell people about each step at once, and remind them daily of what is due.

Every message is claimed by a unique (user, dedupe_key) insert before it is sent, so a task that
runs twice, or is retried after a crash, never sends the same reminder twice.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Notification, Role, User
from inspectors.models import Assignment
from rectifications.models import (
    SCHOOL_MOVE_STATES,
    Capacity,
    EventAction,
    RectificationEvent,
    RectificationItem,
    RectificationNotice,
    RectificationState,
    Severity,
)
from schools.models import CountySettings

# Who hears about a step at once.
AUDIENCE = {
    EventAction.OPENED: {Capacity.SCHOOL},
    EventAction.PLAN_SUBMITTED: {Capacity.INSPECTOR},
    EventAction.PROGRESS_REPORTED: set(),
    EventAction.DONE_REPORTED: {Capacity.INSPECTOR},
    EventAction.VERIFIED: {Capacity.SCHOOL},
    EventAction.RETURNED: {Capacity.SCHOOL},
    EventAction.ESCALATED: {Capacity.OFFICE, Capacity.SCHOOL},
    EventAction.DEADLINE_EXTENDED: {Capacity.SCHOOL, Capacity.INSPECTOR},
    EventAction.FOLLOWED_UP: set(),
    EventAction.REOPENED: {Capacity.SCHOOL, Capacity.INSPECTOR},
}
EVENT_TITLES = {
    EventAction.OPENED: gettext_lazy("New rectification item for %(school)s"),
    EventAction.PLAN_SUBMITTED: gettext_lazy("%(school)s submitted a rectification plan"),
    EventAction.DONE_REPORTED: gettext_lazy("%(school)s reports an item fixed: please verify"),
    EventAction.VERIFIED: gettext_lazy("Rectification item of %(school)s verified and closed"),
    EventAction.RETURNED: gettext_lazy("Rectification item of %(school)s returned"),
    EventAction.ESCALATED: gettext_lazy("Rectification item of %(school)s escalated"),
    EventAction.DEADLINE_EXTENDED: gettext_lazy("Deadline of an item of %(school)s extended"),
    EventAction.REOPENED: gettext_lazy("Rectification item of %(school)s reopened"),
}
MAJOR_TITLE = gettext_lazy("Major problem at %(school)s")


class Recipients:
    """The people behind each capacity for the items of one county, loaded in a few queries."""

    def __init__(self, county_id: int):
        users = User.objects.filter(county_id=county_id, is_active=True)
        self.office = list(users.filter(role=Role.OFFICE))
        self.principals = defaultdict(list)
        for user in users.filter(role=Role.PRINCIPAL, school__isnull=False):
            self.principals[user.school_id].append(user)
        self.inspector_users = {
            user.inspector_id: user
            for user in users.filter(role=Role.INSPECTOR, inspector__isnull=False)
        }
        self.assigned = defaultdict(list)
        for school_id, inspector_id in Assignment.objects.filter(
            school__county_id=county_id, ended_on__isnull=True
        ).values_list("school_id", "inspector_id"):
            self.assigned[school_id].append(inspector_id)

    def inspectors_of(self, item) -> list:
        """The item's responsible inspector, or else the school's current inspectors; for an
        item without a school (a meeting decision) and without an inspector, the office."""
        if item.office_owned and not item.responsible_inspector_id:
            return list(self.office)
        ids = (
            [item.responsible_inspector_id]
            if item.responsible_inspector_id
            else self.assigned[item.school_id]
        )
        return [self.inspector_users[i] for i in ids if i in self.inspector_users]

    def of(self, item, capacities) -> list:
        found = []
        if Capacity.SCHOOL in capacities:
            # An owner without a login (a township, a department): the office acts for it.
            found += self.principals[item.school_id] if item.school_id else self.office
        if Capacity.INSPECTOR in capacities:
            found += self.inspectors_of(item)
        if Capacity.OFFICE in capacities:
            found += self.office
        return list({user.pk: user for user in found}.values())


def _item_url(item) -> str:
    return reverse("rectifications:item", kwargs={"pk": item.pk})


def _summary(item) -> str:
    return _("%(matter)s: %(problem)s (deadline %(deadline)s)") % {
        "matter": item.matter.name if item.matter_id else item.get_source_display(),
        "problem": item.description[:80],
        "deadline": item.deadline.isoformat(),
    }


def _deliver(user, *, key: str, title, values: dict, item, comment: str = "") -> bool:
    """One notification about ``item``, written in the user's own language."""
    with user.own_language():
        return bool(
            Notification.objects.deliver(
                user,
                dedupe_key=key,
                title=str(title) % values,
                body="\n".join(filter(None, [_summary(item), comment])),
                url=_item_url(item),
            )
        )


@shared_task
def notify_event(event_id: int) -> int:
    """Notify those concerned by one step; the office at once of major items and escalations."""
    event = RectificationEvent.objects.select_related("item__school", "item__matter", "actor").get(
        pk=event_id
    )
    item = event.item
    recipients = Recipients(item.county_id)
    audiences = [(AUDIENCE[event.action], EVENT_TITLES.get(event.action))]
    if event.action == EventAction.OPENED and item.severity == Severity.MAJOR:
        audiences.append(({Capacity.OFFICE}, MAJOR_TITLE))
    sent = 0
    for capacities, title in audiences:
        for user in recipients.of(item, capacities):
            if user.pk != event.actor_id:
                sent += _deliver(
                    user,
                    key=f"rect-event:{event.pk}",
                    title=title,
                    values={"school": item.owner_display},
                    item=item,
                    comment=event.comment,
                )
    return sent


@shared_task
def notify_notice(notice_id: int) -> int:
    """Tell the school's principals in the app that a rectification notice was issued to them."""
    notice = RectificationNotice.objects.select_related("school").get(pk=notice_id)
    principals = User.objects.filter(
        role=Role.PRINCIPAL, school_id=notice.school_id, is_active=True
    )
    url = reverse("rectifications:notice", kwargs={"pk": notice.pk})
    values = {"number": notice.number, "school": notice.school.name}
    sent = 0
    for user in principals:
        with user.own_language():
            sent += bool(
                Notification.objects.deliver(
                    user,
                    dedupe_key=f"rect-notice:{notice.pk}",
                    title=_("Rectification notice %(number)s issued to %(school)s") % values,
                    body=_(
                        "Please read the notice, acknowledge receipt and rectify the items listed."
                    ),
                    url=url,
                )
            )
    return sent


def _start_of_local_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@shared_task
def send_daily_reminders() -> int:
    """Remind of items due soon or overdue, checks to verify and follow-ups due; once a day each."""
    today = timezone.localdate()
    return sum(
        _remind_county(county_settings, today) for county_settings in CountySettings.objects.all()
    )


@dataclass(frozen=True)
class Reminder:
    item: RectificationItem
    users: list
    key: str
    title: str  # lazy: written in each recipient's language
    date: datetime.date


def _remind_county(county_settings, today: datetime.date) -> int:
    items = RectificationItem.objects.filter(county_id=county_settings.county_id)
    items = items.select_related("school", "matter")
    recipients = Recipients(county_settings.county_id)
    reminders = []

    horizon = today + datetime.timedelta(days=county_settings.reminder_days_before_deadline)
    for item in items.filter(state__in=SCHOOL_MOVE_STATES, deadline__lte=horizon):
        # Escalated, the school still does the work and the office acts for the new owner.
        owners = {Capacity.SCHOOL, Capacity.OFFICE} if item.is_escalated else {Capacity.SCHOOL}
        title = (
            gettext_lazy("Overdue rectification at %(school)s (deadline %(date)s)")
            if item.deadline < today
            else gettext_lazy("Rectification at %(school)s due on %(date)s")
        )
        users = recipients.of(item, {*owners, Capacity.INSPECTOR})
        reminders.append(Reminder(item, users, f"rect-due:{today}", title, item.deadline))

    # Reported done on or before this day: the check is due within the reminder window.
    reported_by = today - datetime.timedelta(
        days=county_settings.verification_days - county_settings.reminder_days_before_deadline
    )
    for item in items.filter(
        state=RectificationState.AWAITING_VERIFICATION,
        reported_done_at__lt=_start_of_local_day(reported_by + datetime.timedelta(days=1)),
    ):
        title = gettext_lazy("Verify the rectification at %(school)s by %(date)s")
        due = item.verification_due_on(county_settings)
        users = recipients.inspectors_of(item)
        reminders.append(Reminder(item, users, f"rect-verify:{today}", title, due))

    closed_by = today - datetime.timedelta(days=county_settings.follow_up_days)
    for item in items.filter(
        state=RectificationState.CLOSED,
        followed_up_at__isnull=True,
        closed_at__lt=_start_of_local_day(closed_by + datetime.timedelta(days=1)),
    ):
        title = gettext_lazy(
            "Follow-up check of the rectification at %(school)s due since %(date)s"
        )
        due = item.follow_up_due_on(county_settings)
        # Once per closing, not daily: an item reopened and closed again gets a new one.
        key = f"rect-follow-up:{item.closed_at:%Y%m%d%H%M%S}"
        reminders.append(Reminder(item, recipients.inspectors_of(item), key, title, due))

    sent = 0
    for reminder in reminders:
        for user in reminder.users:
            sent += _deliver(
                user,
                key=f"{reminder.key}:{reminder.item.pk}",
                title=reminder.title,
                values={"school": reminder.item.owner_display, "date": reminder.date.isoformat()},
                item=reminder.item,
            )
    return sent
