"""督导档案: one school's supervision archive for a year, as a printable page and a workbook.

Public submissions appear as the verified facts only, never the text or who sent it."""

import datetime
import re
from io import BytesIO

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from complaints.models import Submission
from inspectors.models import Assignment
from rectifications.models import UNRESOLVED_STATES, RectificationItem, RectificationNotice
from reports.figures import days_between
from reports.periods import Period
from reports.workbook import DATE, DATETIME, INT, Column, Table
from schools.models import School
from visits.models import Visit


def _year(request, today: datetime.date) -> int:
    value = request.GET.get("year", "")
    if re.fullmatch(r"\d{4}", value) and 2000 <= int(value) <= today.year:
        return int(value)
    return today.year


def school_archive(request, pk: int) -> dict:
    """What the archive holds, as ``request.user`` may read it: an inspector only for the
    schools assigned to them, a principal only for their own school."""
    user = request.user
    school = get_object_or_404(
        School.objects.for_user(user).select_related("township", "county"), pk=pk
    )
    if user.is_inspector and not (
        Assignment.objects.school_ids_of(user.inspector_id).filter(school_id=school.pk).exists()
    ):
        raise PermissionDenied
    today = timezone.localdate()
    year = _year(request, today)
    period = Period.year(year)
    in_year = {"arrived_at__gte": period.start_at, "arrived_at__lt": period.end_at}
    visits = (
        Visit.objects.for_user(user)
        .submitted()
        .filter(school=school, **in_year)
        .select_related("inspector")
        .prefetch_related("co_inspectors")
        .order_by("arrived_at", "pk")
    )
    items = (
        RectificationItem.objects.for_user(user)
        .filter(school=school)
        .filter(
            Q(created_at__gte=period.start_at, created_at__lt=period.end_at)
            | Q(closed_at__gte=period.start_at, closed_at__lt=period.end_at)
            | Q(state__in=UNRESOLVED_STATES, created_at__lt=period.end_at)
        )
        .select_related("matter", "responsible_inspector")
        .order_by("created_at", "pk")
    )
    notices = (
        RectificationNotice.objects.for_user(user)
        .filter(school=school, issued_at__gte=period.start_at, issued_at__lt=period.end_at)
        .order_by("issued_at")
    )
    assignments = (
        Assignment.objects.for_user(user)
        .filter(school=school, started_on__lte=period.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
        .select_related("inspector")
        .order_by("started_on")
    )
    complaints = (
        Submission.objects.for_user(user)
        .filter(school=school, received_at__gte=period.start_at, received_at__lt=period.end_at)
        .order_by("received_at", "pk")
    )
    items = list(items)
    for item in items:
        item.days = days_between(item.created_at, item.closed_at) if item.closed_at else None
    return {
        "school": school,
        "year": year,
        "years": list(range(today.year, max(today.year - 6, 1999), -1)),
        "period": period,
        "today": today,
        "visits": list(visits),
        "items": items,
        "notices": list(notices),
        "complaints": list(complaints),
        "assignments": list(assignments),
    }


def archive_workbook(data: dict) -> bytes:
    school, year = data["school"], data["year"]
    title = _("%(school)s supervision archive, %(year)d") % {"school": school.name, "year": year}
    note = _("%(county)s · %(township)s · school code %(code)s · compiled %(at)s") % {
        "county": school.county.name,
        "township": school.township.name,
        "code": school.code,
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    book = Workbook()
    book.remove(book.active)
    visits = Table(
        book,
        name=_("Visits"),
        title=title,
        note=note,
        columns=[
            Column(_("Arrived"), 16, DATETIME),
            Column(_("Record number"), 18),
            Column(_("Kind of visit"), 12),
            Column(_("Inspector"), 10),
            Column(_("Co-inspectors"), 14),
            Column(_("Problems found"), 36),
            Column(_("Feedback given to the school"), 40),
            Column(_("Read by the school"), 16, DATETIME),
            Column(_("Principal's reply"), 36),
        ],
    )
    for visit in data["visits"]:
        visits.add(
            (
                visit.arrived_at,
                visit.record_number,
                visit.get_kind_display(),
                visit.inspector.name,
                "、".join(co.name for co in visit.co_inspectors.all()),
                visit.problems_text,
                visit.feedback_to_school,
                visit.read_at,
                visit.principal_reply,
            )
        )
    visits.add(
        (
            None,
            _("Total: %(count)d visits") % {"count": len(data["visits"])},
            "",
            "",
            "",
            "",
            "",
            None,
            "",
        ),
        total=True,
    )
    visits.finish()
    items = Table(
        book,
        name=_("Rectifications"),
        title=title,
        note=note,
        columns=[
            Column(_("No."), 7, INT),
            Column(_("Supervision matter"), 18),
            Column(_("Severity"), 8),
            Column(_("Problem"), 36),
            Column(_("What must change"), 30),
            Column(_("Deadline"), 11, DATE),
            Column(_("State"), 10),
            Column(_("Opened"), 16, DATETIME),
            Column(_("Signed off"), 16, DATETIME),
            Column(_("Days to sign off"), 8, INT),
        ],
    )
    for item in data["items"]:
        items.add(
            (
                item.pk,
                item.matter.name if item.matter else "",
                item.get_severity_display(),
                item.description,
                item.required_change,
                item.deadline,
                item.get_state_display(),
                item.created_at,
                item.closed_at,
                item.days,
            )
        )
    items.add(
        (
            None,
            _("Total: %(count)d items") % {"count": len(data["items"])},
            "",
            "",
            "",
            None,
            "",
            None,
            None,
            None,
        ),
        total=True,
    )
    items.finish()
    notices = Table(
        book,
        name=_("Rectification notices"),
        title=title,
        note=note,
        columns=[
            Column(_("Notice number"), 20),
            Column(_("Issued at"), 16, DATETIME),
            Column(_("Acknowledged at"), 16, DATETIME),
        ],
    )
    for notice in data["notices"]:
        notices.add((notice.number, notice.issued_at, notice.acknowledged_at))
    notices.finish()
    complaints = Table(
        book,
        name=_("Public submissions"),
        title=title,
        note=note,
        columns=[
            Column(_("Received"), 16, DATETIME),
            Column(_("Category"), 10),
            Column(_("State"), 14),
            Column(_("Answer due"), 11, DATE),
            Column(_("Answered"), 16, DATETIME),
            Column(_("Verified facts"), 50),
        ],
    )
    for case in data["complaints"]:
        complaints.add(
            (
                case.received_at,
                case.get_category_display(),
                case.get_state_display(),
                case.due_on,
                case.answered_at,
                case.verified_summary,
            )
        )
    complaints.finish()
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
