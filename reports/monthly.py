"""The monthly report workbook (月报): a summary, visits by school, visits by inspector against
the duty, rectification items and meetings, compiled for one county and one month or date range.

Everything is counted for the whole county (the worker has no user); who may download a report
is decided by ``MonthlyReport``'s scoped queryset.
"""

import datetime
from collections.abc import Callable
from io import BytesIO

from django.db.models import Case, Count, Q, When
from django.utils import timezone
from django.utils.translation import pgettext
from openpyxl import Workbook

from complaints.models import OPEN_STATES
from meetings.models import Attendance
from rectifications.models import SCHOOL_MOVE_STATES, UNRESOLVED_STATES, RectificationState
from reports import duty
from reports.figures import (
    PRESENT,
    Scope,
    by_matter,
    compute,
    days_between,
    held_meetings,
    submission_filters,
)
from reports.periods import Period
from reports.workbook import DATE, DATETIME, INT, PERCENT, Column, Table, ratio

Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    pass


def build_workbook(
    county,
    period: Period,
    *,
    version: int = 1,
    now: datetime.datetime | None = None,
    progress: Progress = _no_progress,
) -> bytes:
    """The workbook's bytes. ``progress(percent, step)`` is told as each sheet is done."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    scope = Scope(user=None, counties=(county,))
    title = pgettext(
        "report", "%(county)s responsible-inspector supervision report, %(period)s"
    ) % {
        "county": county.name,
        "period": period.label,
    }
    note = pgettext(
        "report", "Compiled %(at)s · version %(version)d · figures marked “now” are as of compiling"
    ) % {
        "at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
        "version": version,
    }
    book = Workbook()
    book.remove(book.active)
    steps = [
        (pgettext("report", "Summary"), lambda: _summary(book, scope, period, today, title, note)),
        (
            pgettext("report", "Visits by school"),
            lambda: _schools(book, scope, period, today, title, note),
        ),
        (
            pgettext("report", "Visits by inspector"),
            lambda: _inspectors(book, county, period, today, title, note),
        ),
        (
            pgettext("report", "Rectifications"),
            lambda: _items(book, scope, period, today, title, note),
        ),
        (
            pgettext("report", "Public submissions"),
            lambda: _submissions(book, scope, period, today, title, note),
        ),
        (
            pgettext("report", "Meetings"),
            lambda: _meetings(book, scope, period, today, title, note),
        ),
    ]
    for index, (label, step) in enumerate(steps):
        progress(5 + 90 * index // len(steps), label)
        step()
    progress(95, pgettext("report", "Saving the workbook"))
    book.properties.title = title
    book.properties.creator = "Dudao"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary(book, scope: Scope, period: Period, today, title: str, note: str) -> None:
    cells = compute(scope, period, today=today)
    total = cells.total()
    table = Table(
        book,
        name=pgettext("report", "Summary"),
        title=title,
        note=note,
        columns=[
            Column(pgettext("report", "Figure"), 34),
            Column(pgettext("report", "Value"), 14, INT),
            Column(pgettext("report", "Note"), 60),
        ],
    )
    rows = [
        (pgettext("report", "Open schools (now)"), total.open_schools, ""),
        (
            pgettext("report", "Schools with an active inspector (now)"),
            total.covered_schools,
            pgettext("report", "Schools without one: %(count)d")
            % {"count": total.uncovered_schools},
        ),
        (
            pgettext("report", "Fully covered: an active inspector and a current plaque (now)"),
            total.fully_covered,
            "",
        ),
        (pgettext("report", "Visits in the period (all kinds)"), total.visits, ""),
        (
            pgettext("report", "Duty visits due"),
            total.duty_due,
            pgettext(
                "report", "Open schools × the county's visits per school in each school month"
            ),
        ),
        (
            pgettext("report", "Duty visits done"),
            total.duty_done,
            pgettext("report", "Each school counts at most its duty in a month"),
        ),
        (pgettext("report", "Schools without a duty visit"), total.not_visited, ""),
        (pgettext("report", "Rectification items opened"), total.opened, ""),
        (pgettext("report", "Rectification items signed off"), total.closed, ""),
        (pgettext("report", "Unresolved items (now)"), total.unresolved, ""),
        (pgettext("report", "Overdue items (now)"), total.overdue, ""),
        (pgettext("report", "Escalated unresolved items (now)"), total.escalated, ""),
        (pgettext("report", "Meetings held"), total.meetings, ""),
        (pgettext("report", "Meeting invitees present or late"), total.present, ""),
        (pgettext("report", "Meeting invitees absent without leave"), total.absent, ""),
        (pgettext("report", "Public submissions received"), total.received, ""),
        (
            pgettext("report", "Public submissions received and answered in time"),
            total.answered_in_time,
            "",
        ),
        (pgettext("report", "Public submissions overdue (now)"), total.submissions_overdue, ""),
        (pgettext("report", "Work notices sent"), total.notices, ""),
        (pgettext("report", "Notice receipts not read yet (now)"), total.unread, ""),
    ]
    for row in rows:
        table.add(row)
    rate_rows = [
        (pgettext("report", "Coverage"), total.coverage_rate),
        (pgettext("report", "Duty visits done / due"), total.duty_rate),
        (pgettext("report", "Meeting attendance"), total.attendance_rate),
    ]
    for label, value in rate_rows:
        table.add((label, value, ""))
        table.sheet.cell(row=table.row, column=2).number_format = "0.0%"
    table.add(
        (pgettext("report", "Median days to sign off (items signed off in the period)"), None, "")
    )
    table.sheet.cell(row=table.row, column=2).value = total.median_days
    table.sheet.cell(row=table.row, column=2).number_format = "0.0"
    table.finish()

    townships = cells.names
    by_township = cells.by_township()
    town = Table(
        book,
        name=pgettext("report", "By township"),
        title=title,
        note=note,
        columns=[
            Column(pgettext("report", "Township"), 16),
            Column(pgettext("report", "Open schools"), 10, INT),
            Column(pgettext("report", "With inspector"), 10, INT),
            Column(pgettext("report", "Visits"), 10, INT),
            Column(pgettext("report", "Duty due"), 10, INT),
            Column(pgettext("report", "Duty done"), 10, INT),
            Column(pgettext("report", "Done / due"), 10, PERCENT),
            Column(pgettext("report", "Not visited"), 10, INT),
            Column(pgettext("report", "Items opened"), 10, INT),
            Column(pgettext("report", "Signed off"), 10, INT),
            Column(pgettext("report", "Unresolved (now)"), 10, INT),
            Column(pgettext("report", "Overdue (now)"), 10, INT),
        ],
    )
    ordered = sorted(
        (key for key in by_township if key is not None), key=lambda key: townships.get(key, "")
    )
    if None in by_township and (by_township[None].opened or by_township[None].unresolved):
        ordered.append(None)

    def township_row(label, tally):
        return (
            label,
            tally.open_schools,
            tally.covered_schools,
            tally.visits,
            tally.duty_due,
            tally.duty_done,
            tally.duty_rate,
            tally.not_visited,
            tally.opened,
            tally.closed,
            tally.unresolved,
            tally.overdue,
        )

    for key in ordered:
        label = (
            townships.get(key, "")
            if key is not None
            else pgettext("report", "No school (meeting decisions)")
        )
        town.add(township_row(label, by_township[key]))
    town.add(township_row(pgettext("report", "Total"), total), total=True)
    town.finish()

    matters = Table(
        book,
        name=pgettext("report", "By matter"),
        title=title,
        note=note,
        columns=[
            Column(pgettext("report", "Supervision matter"), 34),
            Column(pgettext("report", "Items opened"), 10, INT),
            Column(pgettext("report", "Signed off"), 10, INT),
            Column(pgettext("report", "Unresolved (now)"), 10, INT),
            Column(pgettext("report", "Overdue (now)"), 10, INT),
            Column(pgettext("report", "Escalated (now)"), 10, INT),
        ],
    )
    sums = [0] * 5
    for row in by_matter(scope, period, today=today):
        values = [row.opened, row.closed, row.unresolved, row.overdue, row.escalated]
        if not any(values):
            continue
        name = (
            f"{row.number}. {row.name}"
            if row.matter_id
            else pgettext("report", "No matter (meeting decisions)")
        )
        matters.add((name, *values))
        sums = [a + b for a, b in zip(sums, values, strict=True)]
    matters.add((pgettext("report", "Total"), *sums), total=True)
    matters.finish()


def _schools(book, scope: Scope, period: Period, today, title: str, note: str) -> None:
    table = Table(
        book,
        name=pgettext("report", "Visits by school"),
        title=title,
        note=note,
        columns=[
            Column(pgettext("report", "School code"), 13),
            Column(pgettext("report", "School"), 26),
            Column(pgettext("report", "Township"), 12),
            Column(pgettext("report", "Kind"), 12),
            Column(pgettext("report", "Inspectors (now)"), 18),
            Column(pgettext("report", "Duty due"), 9, INT),
            Column(pgettext("report", "Duty done"), 9, INT),
            Column(pgettext("report", "Duty visits"), 9, INT),
            Column(pgettext("report", "All visits"), 9, INT),
            Column(pgettext("report", "Duty met"), 8),
            Column(pgettext("report", "Last visit"), 12, DATE),
        ],
    )
    yes, no = pgettext("report", "Yes"), pgettext("report", "No")
    sums = [0, 0, 0, 0]
    rows = duty.school_duty(scope, period, today)
    for row in rows:
        school = row.school
        numbers = [row.due, row.done, row.duty_visits, row.visits]
        table.add(
            (
                school.code,
                school.name,
                school.township.name,
                school.get_kind_display(),
                "、".join(inspector.name for inspector in row.inspectors),
                *numbers,
                no if row.is_behind else yes,
                timezone.localdate(row.last_visit_at) if row.last_visit_at else None,
            )
        )
        sums = [a + b for a, b in zip(sums, numbers, strict=True)]
    behind = sum(row.is_behind for row in rows)
    table.add(
        (
            "",
            pgettext("report", "Total: %(count)d schools") % {"count": len(rows)},
            "",
            "",
            "",
            *sums,
            pgettext("report", "%(count)d not met") % {"count": behind},
            None,
        ),
        total=True,
    )
    table.finish()


def _inspectors(book, county, period: Period, today, title: str, note: str) -> None:
    table = Table(
        book,
        name=pgettext("report", "Visits by inspector"),
        title=title,
        note=note,
        columns=[
            Column(pgettext("report", "Inspector"), 12),
            Column(pgettext("report", "Kind"), 16),
            Column(pgettext("report", "Schools"), 8, INT),
            Column(pgettext("report", "Duty due"), 9, INT),
            Column(pgettext("report", "Duty done"), 9, INT),
            Column(pgettext("report", "Done / due"), 10, PERCENT),
            Column(pgettext("report", "Visits led"), 9, INT),
            Column(pgettext("report", "Visits joined"), 9, INT),
            Column(pgettext("report", "Records on time"), 10, INT),
            Column(pgettext("report", "On time / led"), 10, PERCENT),
        ],
    )
    sums = [0] * 6
    for row in duty.inspector_duty(county, period, today):
        numbers = [row.schools, row.due, row.done, row.led, row.co_visits, row.on_time]
        table.add(
            (
                row.inspector.name,
                row.inspector.get_kind_display(),
                row.schools,
                row.due,
                row.done,
                row.rate,
                row.led,
                row.co_visits,
                row.on_time,
                row.on_time_rate,
            )
        )
        sums = [a + b for a, b in zip(sums, numbers, strict=True)]
    schools, due, done, led, joined, on_time = sums
    table.add(
        (
            pgettext("report", "Total"),
            "",
            schools,
            due,
            done,
            ratio(done, due),
            led,
            joined,
            on_time,
            ratio(on_time, led),
        ),
        total=True,
    )
    table.finish()


def _items(book, scope: Scope, period: Period, today, title: str, note: str) -> None:
    """Items opened or signed off in the period, and every item still unresolved now."""
    items = (
        scope.items()
        .filter(
            Q(created_at__gte=period.start_at, created_at__lt=period.end_at)
            | Q(
                state=RectificationState.CLOSED,
                closed_at__gte=period.start_at,
                closed_at__lt=period.end_at,
            )
            | Q(state__in=UNRESOLVED_STATES)
        )
        .select_related("school__township", "matter", "responsible_inspector")
        .order_by("created_at", "pk")
    )
    table = Table(
        book,
        name=pgettext("report", "Rectifications"),
        title=title,
        note=note,
        columns=[
            Column(pgettext("report", "No."), 7, INT),
            Column(pgettext("report", "School"), 22),
            Column(pgettext("report", "Township"), 11),
            Column(pgettext("report", "Supervision matter"), 18),
            Column(pgettext("report", "Severity"), 8),
            Column(pgettext("report", "Problem"), 36),
            Column(pgettext("report", "Deadline"), 11, DATE),
            Column(pgettext("report", "State (now)"), 10),
            Column(pgettext("report", "Overdue (now)"), 8),
            Column(pgettext("report", "Owner"), 10),
            Column(pgettext("report", "Responsible inspector"), 10),
            Column(pgettext("report", "Source"), 10),
            Column(pgettext("report", "Opened"), 15, DATETIME),
            Column(pgettext("report", "Signed off"), 15, DATETIME),
            Column(pgettext("report", "Days to sign off"), 8, INT),
        ],
    )
    yes, no = pgettext("report", "Yes"), pgettext("report", "No")
    count = overdue = 0
    for item in items.iterator(chunk_size=1000):
        is_overdue = item.state in SCHOOL_MOVE_STATES and item.deadline < today
        table.add(
            (
                item.pk,
                item.school.name if item.school else "",
                item.school.township.name if item.school else "",
                item.matter.name if item.matter else "",
                item.get_severity_display(),
                item.description,
                item.deadline,
                item.get_state_display(),
                yes if is_overdue else no,
                item.get_owner_level_display(),
                str(item.responsible_inspector or ""),
                item.get_source_display(),
                item.created_at,
                item.closed_at,
                days_between(item.created_at, item.closed_at) if item.closed_at else None,
            )
        )
        count += 1
        overdue += is_overdue
    table.add(
        (
            None,
            pgettext("report", "Total: %(count)d items") % {"count": count},
            "",
            "",
            "",
            "",
            None,
            "",
            pgettext("report", "%(count)d overdue") % {"count": overdue},
            "",
            "",
            "",
            None,
            None,
            None,
        ),
        total=True,
    )
    table.finish()


def _submissions(book, scope: Scope, period: Period, today, title: str, note: str) -> None:
    """Submissions received in the period and any still unanswered now; never the text or the
    complainant's details (personal data stays in the app)."""
    filters = submission_filters(period, today)
    cases = (
        scope.submissions()
        .filter(filters["received"] | Q(state__in=OPEN_STATES))
        .annotate(in_time=Case(When(filters["answered_in_time"], then=True), default=False))
        .select_related("school__township", "matter", "assigned_inspector")
        .order_by("received_at", "pk")
    )
    table = Table(
        book,
        name=pgettext("report", "Public submissions"),
        title=title,
        note=note,
        columns=[
            Column(pgettext("report", "Received"), 16, DATETIME),
            Column(pgettext("report", "School"), 22),
            Column(pgettext("report", "Township"), 11),
            Column(pgettext("report", "Channel"), 12),
            Column(pgettext("report", "Category"), 10),
            Column(pgettext("report", "Supervision matter"), 18),
            Column(pgettext("report", "State (now)"), 14),
            Column(pgettext("report", "Answer due"), 11, DATE),
            Column(pgettext("report", "Answered"), 16, DATETIME),
            Column(pgettext("report", "Answered in time"), 9),
            Column(pgettext("report", "Overdue (now)"), 9),
            Column(pgettext("report", "Inspector"), 10),
        ],
    )
    yes, no = pgettext("report", "Yes"), pgettext("report", "No")
    count = in_time = overdue = 0
    for case in cases:
        late = case.state in OPEN_STATES and case.due_on < today
        table.add(
            (
                case.received_at,
                case.school.name,
                case.school.township.name,
                case.get_channel_display(),
                case.get_category_display(),
                case.matter.name if case.matter else "",
                case.get_state_display(),
                case.due_on,
                case.answered_at,
                yes if case.in_time else no,
                yes if late else no,
                str(case.assigned_inspector or ""),
            )
        )
        count += 1
        in_time += case.in_time
        overdue += late
    table.add(
        (
            None,
            pgettext("report", "Total: %(count)d submissions") % {"count": count},
            "",
            "",
            "",
            "",
            "",
            None,
            None,
            pgettext("report", "%(count)d in time") % {"count": in_time},
            pgettext("report", "%(count)d overdue") % {"count": overdue},
            "",
        ),
        total=True,
    )
    table.finish()


def _meetings(book, scope: Scope, period: Period, today, title: str, note: str) -> None:
    meetings = (
        held_meetings(scope.meetings(), period)
        .annotate(
            invited=Count("invitees", distinct=True),
            present=Count("invitees", filter=Q(invitees__attendance__in=PRESENT), distinct=True),
            excused=Count(
                "invitees", filter=Q(invitees__attendance=Attendance.EXCUSED), distinct=True
            ),
            absent=Count(
                "invitees", filter=Q(invitees__attendance=Attendance.ABSENT), distinct=True
            ),
            decision_count=Count("decisions", distinct=True),
        )
        .order_by("starts_at", "pk")
    )
    table = Table(
        book,
        name=pgettext("report", "Meetings"),
        title=title,
        note=note,
        columns=[
            Column(pgettext("report", "Date"), 15, DATETIME),
            Column(pgettext("report", "Kind"), 18),
            Column(pgettext("report", "Title"), 30),
            Column(pgettext("report", "Place"), 16),
            Column(pgettext("report", "Chair"), 10),
            Column(pgettext("report", "Invited"), 8, INT),
            Column(pgettext("report", "Present or late"), 8, INT),
            Column(pgettext("report", "Excused"), 8, INT),
            Column(pgettext("report", "Absent"), 8, INT),
            Column(pgettext("report", "Attendance"), 10, PERCENT),
            Column(pgettext("report", "Decisions"), 8, INT),
            Column(pgettext("report", "Minutes filed"), 8),
        ],
    )
    yes, no = pgettext("report", "Yes"), pgettext("report", "No")
    sums = [0] * 5
    count = 0
    for meeting in meetings:
        numbers = [
            meeting.invited,
            meeting.present,
            meeting.excused,
            meeting.absent,
            meeting.decision_count,
        ]
        table.add(
            (
                meeting.starts_at,
                meeting.get_kind_display(),
                meeting.title,
                meeting.place,
                meeting.chair,
                meeting.invited,
                meeting.present,
                meeting.excused,
                meeting.absent,
                ratio(meeting.present, meeting.present + meeting.absent),
                meeting.decision_count,
                yes if meeting.minutes_filed_at else no,
            )
        )
        sums = [a + b for a, b in zip(sums, numbers, strict=True)]
        count += 1
    invited, present, excused, absent, decisions = sums
    table.add(
        (
            None,
            pgettext("report", "Total: %(count)d meetings") % {"count": count},
            "",
            "",
            "",
            invited,
            present,
            excused,
            absent,
            ratio(present, present + absent),
            decisions,
            "",
        ),
        total=True,
    )
    table.finish()
