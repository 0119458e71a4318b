"""Operations on rectification items that span several models."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.outbox import send_later
from rectifications.models import (
    EventAction,
    OwnerLevel,
    RectificationEvent,
    RectificationItem,
    RectificationNotice,
    RectificationState,
    Severity,
)

DEADLINE_FIELD_BY_SEVERITY = {
    Severity.GENERAL: "deadline_days_general",
    Severity.SERIOUS: "deadline_days_serious",
    Severity.MAJOR: "deadline_days_major",
}


def default_deadline(*, county_settings, severity: str, start: datetime.date) -> datetime.date:
    """The county's default deadline for a problem of this severity found on ``start``."""
    days = getattr(county_settings, DEADLINE_FIELD_BY_SEVERITY[severity])
    return start + datetime.timedelta(days=days)


@transaction.atomic
def open_item(
    *,
    school,
    matter,
    severity: str,
    description: str,
    required_change: str = "",
    deadline: datetime.date,
    source: str,
    actor,
    visit=None,
    responsible_inspector=None,
    source_note: str = "",
) -> RectificationItem:
    """Create an open item and the first event of its history."""
    item = RectificationItem.objects.create(
        school=school,
        matter=matter,
        severity=severity,
        description=description,
        required_change=required_change,
        deadline=deadline,
        source=source,
        visit=visit,
        source_note=source_note,
        responsible_inspector=responsible_inspector,
        owner_level=OwnerLevel.SCHOOL,
        state=RectificationState.OPEN,
        created_by=actor,
    )
    event = RectificationEvent.objects.create(
        item=item, actor=actor, action=EventAction.OPENED, from_state="", to_state=item.state
    )
    announce(event)
    return item


def announce(event: RectificationEvent) -> None:
    """Tell the people concerned about a step, once the transaction that made it has committed."""
    from rectifications.tasks import notify_event

    send_later(notify_event, event.pk)


@transaction.atomic
def issue_notice(*, school, items, inspector, actor) -> RectificationNotice:
    """Number and record a rectification notice (整改通知书) for some of a school's items."""
    from schools.models import County

    # Serialise numbering per county: the county row is the lock, the unique constraint the net.
    county = County.objects.select_for_update().get(pk=school.county_id)
    year = timezone.localdate().year
    last = (
        RectificationNotice.objects.filter(county=county, year=year).aggregate(Max("serial"))[
            "serial__max"
        ]
        or 0
    )
    notice = RectificationNotice.objects.create(
        county=county,
        year=year,
        serial=last + 1,
        number=RectificationNotice.format_number(county, year, last + 1),
        school=school,
        inspector=inspector,
        issued_by=actor,
        # The printed notice is a fixed document: later extensions do not change it.
        item_deadlines={str(item.pk): item.deadline.isoformat() for item in items},
    )
    notice.items.set(items)
    from rectifications.tasks import notify_notice

    send_later(notify_notice, notice.pk)
    return notice
