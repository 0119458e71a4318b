"""The inspector's and the principal's own pages: their work against the duty, what is open,
what is due next."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from inspectors.models import Inspector
from meetings.models import Attendance, Invitee, Meeting, NoticeRecipient
from rectifications.models import SCHOOL_MOVE_STATES, RectificationItem, RectificationNotice
from reports.duty import inspector_duty
from reports.figures import PRESENT, held_meetings
from reports.periods import Period
from visits.models import Visit
from visits.services import month_duty

OPEN_ITEMS_SHOWN = 20


def _open_items(user):
    return (
        RectificationItem.objects.for_user(user)
        .unresolved()
        .select_related("school", "matter")
        .order_by("deadline", "pk")
    )


def _meetings(user, now):
    upcoming = Meeting.objects.for_user(user).upcoming(now).filter(invitees__user=user)[:5]
    return list(upcoming)


def _unread_notices(user):
    return (
        NoticeRecipient.objects.filter(
            user=user, read_at__isnull=True, notice__withdrawn_at__isnull=True
        )
        .select_related("notice")
        .order_by("-notice__sent_at")
    )


def _visits_url(inspector, **period) -> str:
    """The inspector's own visit records in a month or from 1 January to today."""
    return f"{reverse('visits:visit_list')}?{urlencode({'inspector': inspector.phone, **period})}"


def inspector_page(user) -> dict:
    today = timezone.localdate()
    now = timezone.now()
    county = user.county
    month = Period.month(today.year, today.month)
    year = Period.year(today.year)
    me = Inspector.objects.filter(pk=user.inspector_id)
    this_month = inspector_duty(county, month, today, inspectors=me)[0]
    this_year = inspector_duty(county, year, today, inspectors=me)[0]
    attendance = Invitee.objects.filter(
        user=user, meeting__in=held_meetings(Meeting.objects.filter(county=county), year)
    ).aggregate(
        invited=Count("pk"),
        present=Count("pk", filter=Q(attendance__in=PRESENT)),
        absent=Count("pk", filter=Q(attendance=Attendance.ABSENT)),
        excused=Count("pk", filter=Q(attendance=Attendance.EXCUSED)),
    )
    items = _open_items(user)
    return {
        "today": today,
        "inspector": user.inspector,
        "duty": month_duty(county.settings, year=today.year, month=today.month),
        "duty_rows": [
            (
                _("This month (%(month)s)") % {"month": month.label},
                this_month,
                _visits_url(user.inspector, month=month.key),
            ),
            (
                _("This year so far"),
                this_year,
                _visits_url(
                    user.inspector, date_from=year.start.isoformat(), date_to=today.isoformat()
                ),
            ),
        ],
        "month": month,
        "year": year,
        "items": list(items[:OPEN_ITEMS_SHOWN]),
        "item_count": items.count(),
        "overdue_count": items.filter(state__in=SCHOOL_MOVE_STATES, deadline__lt=today).count(),
        "meetings": _meetings(user, now),
        "attendance": attendance,
        "notices": list(_unread_notices(user)[:5]),
    }


def principal_page(user) -> dict:
    today = timezone.localdate()
    now = timezone.now()
    school = user.school
    visits = Visit.objects.for_user(user).submitted().filter(school=school)
    year_start = datetime.datetime.combine(
        datetime.date(today.year, 1, 1), datetime.time.min, timezone.get_current_timezone()
    )
    month = Period.month(today.year, today.month)
    items = _open_items(user).filter(school=school)
    soon = today + datetime.timedelta(days=14)
    return {
        "today": today,
        "school": school,
        "month": month,
        "counts": visits.aggregate(
            month=Count("pk", filter=Q(arrived_at__gte=month.start_at)),
            year=Count("pk", filter=Q(arrived_at__gte=year_start)),
            unread=Count("pk", filter=Q(read_at__isnull=True)),
            unanswered=Count("pk", filter=Q(principal_reply="")),
        ),
        "visits": list(visits.select_related("inspector").order_by("-arrived_at")[:10]),
        "items": list(items[:OPEN_ITEMS_SHOWN]),
        "item_count": items.count(),
        "overdue": [
            item for item in items if item.state in SCHOOL_MOVE_STATES and item.deadline < today
        ],
        "due_soon": list(
            items.filter(state__in=SCHOOL_MOVE_STATES, deadline__gte=today, deadline__lte=soon)
        ),
        "notices_to_sign": list(
            RectificationNotice.objects.for_user(user).filter(acknowledged_at__isnull=True)
        ),
        "meetings": _meetings(user, now),
        "notices": list(_unread_notices(user)[:5]),
    }
