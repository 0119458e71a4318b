"""Operations on rectification items that span several models."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.outbox import send_later
from rectifications.models import (
    EventAction,
    OwnerLevel,
    RectificationEvent,
    RectificationItem,
    RectificationNotice,
    RectificationState,
    Severity,
    TransitionError,
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
    county=None,
    owner_name: str = "",
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
    """Create an open item and the first event of its history.

    A meeting decision may have no school and no matter: then ``county`` and ``owner_name`` say
    whose it is."""
    item = RectificationItem.objects.create(
        county=county or school.county,
        owner_name=owner_name,
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


def overdue_on_notice_message(items, today: datetime.date) -> str:
    """Why items past their deadline cannot go on a notice dated ``today`` as they are."""
    return _(
        "A notice cannot set a deadline before its own date (%(today)s), and these items are "
        "past theirs: %(items)s. Give them a new deadline, or leave them off the notice."
    ) % {
        "today": today.isoformat(),
        "items": _("; ").join(
            _("%(problem)s (deadline %(deadline)s)")
            % {"problem": item.description[:30], "deadline": item.deadline.isoformat()}
            for item in items
        ),
    }


def announce(event: RectificationEvent) -> None:
    """Tell the people concerned about a step, once the transaction that made it has committed."""
    from rectifications.tasks import notify_event

    send_later(notify_event, event.pk)


@transaction.atomic
def issue_notice(*, school, items, inspector, actor, extend_to=None) -> RectificationNotice:
    """Number and record a rectification notice (整改通知书) for some of a school's items.

    A notice never sets a deadline before its own date: items already past their deadline get
    ``extend_to`` (the office extends them, recorded on each item) or the notice is refused with
    a ``TransitionError``.
    """
    from schools.models import County

    # Serialise numbering per county: the county row is the lock, the unique constraint the net.
    county = (
        County.objects.select_for_update(of=("self",))
        .select_related("settings")
        .get(pk=school.county_id)
    )
    today = timezone.localdate()
    items = list(items)
    overdue = [item for item in items if item.deadline < today]
    if overdue and extend_to is None:
        raise TransitionError(overdue_on_notice_message(overdue, today))
    for item in overdue:
        item.extend_deadline(actor, extend_to, _("New deadline given with a rectification notice."))
    year = today.year
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
        # The printed notice is a fixed document: later extensions and settings do not change it.
        item_deadlines={str(item.pk): item.deadline.isoformat() for item in items},
        copy_to=county.settings.notice_copy_to,
    )
    notice.items.set(items)
    from rectifications.tasks import notify_notice

    send_later(notify_notice, notice.pk)
    return notice
