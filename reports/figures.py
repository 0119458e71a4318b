"""The numbers of the dashboards, the monthly report and the summaries, counted in the database.

Every count is grouped by (county, township) in SQL, one query per kind of record, so a page
costs the same number of queries for ten schools or a thousand; ``Cells`` then adds the groups up
to whatever a page shows: the whole scope, each township, or each county of a region. Only the
median days to close is worked out here, from the closing times of the items closed in the period
(a median does not add up across groups, and SQLite has no percentile function).

What a number counts is said once, here, next to its query; the pages link each number to the
list that shows the same records (``links.py``).
"""

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractYear, Least, TruncDate
from django.utils import timezone

from complaints.models import ANSWERED_STATES, OPEN_STATES, Submission
from inspectors.models import Assignment, InspectorStatus
from inspectors.plaques import flags
from meetings.models import Attendance, Meeting, MeetingStatus, Notice
from rectifications.models import (
    SCHOOL_MOVE_STATES,
    UNRESOLVED_STATES,
    OwnerLevel,
    RectificationItem,
    RectificationState,
)
from reports.periods import Period
from schools.models import School
from visits.models import DUTY_KINDS, SHANGHAI, Visit, VisitStatus, month_bounds
from visits.services import month_duty

# A group of records: (county id, township id). Meeting decisions have no school, so no township.
Key = tuple[int | None, int | None]


@dataclass
class Tally:
    """The numbers of one group: a township, a county or the whole scope."""

    # Coverage, now
    open_schools: int = 0
    covered_schools: int = 0
    # Full coverage (全覆盖): an active inspector and a current posted plaque
    fully_covered: int = 0
    # Visits in the period
    visits: int = 0
    duty_due: int = 0
    duty_done: int = 0
    not_visited: int = 0
    # Rectification items: opened and closed in the period; the rest as they stand now
    opened: int = 0
    closed: int = 0
    unresolved: int = 0
    overdue: int = 0
    escalated: int = 0
    # Days to sign off → items, of the whole scope only: the median does not add up across
    # groups, and no page shows it per township or county (``Cells.total``).
    close_days: Counter = field(default_factory=Counter)
    # Meetings held in the period
    meetings: int = 0
    invited: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0
    # Work notices sent in the period, and their receipts not read yet (now)
    notices: int = 0
    unread: int = 0
    # Public submissions (社会监督): received in the period, of those answered by their due
    # day, and unanswered past it (now)
    received: int = 0
    answered_in_time: int = 0
    submissions_overdue: int = 0

    def add(self, other: "Tally") -> None:
        for spec in fields(self):
            setattr(self, spec.name, getattr(self, spec.name) + getattr(other, spec.name))

    @property
    def uncovered_schools(self) -> int:
        return self.open_schools - self.covered_schools

    @property
    def median_days(self):
        return statistics.median(self.close_days.elements()) if self.close_days else None

    @property
    def duty_rate(self):
        return self.duty_done / self.duty_due if self.duty_due else None

    @property
    def coverage_rate(self):
        return self.covered_schools / self.open_schools if self.open_schools else None

    @property
    def attendance_rate(self):
        """Present (or late) among those expected: invitees not excused in advance."""
        expected = self.present + self.absent
        return self.present / expected if expected else None


@dataclass(frozen=True)
class Scope:
    """Whose records a page counts: what ``user`` may read of ``counties``, perhaps only some
    townships. Without a user (the worker, the command line) every record of the counties."""

    user: object
    counties: tuple
    township_ids: tuple[int, ...] = ()

    def _readable(self, manager):
        return manager.all() if self.user is None else manager.for_user(self.user)

    def schools(self):
        schools = self._readable(School.objects).filter(county__in=self.counties)
        if self.township_ids:
            schools = schools.filter(township_id__in=self.township_ids)
        return schools

    def visits(self):
        visits = self._readable(Visit.objects).filter(school__county__in=self.counties)
        if self.township_ids:
            visits = visits.filter(school__township_id__in=self.township_ids)
        return visits.submitted()

    def items(self):
        items = self._readable(RectificationItem.objects).filter(county__in=self.counties)
        if self.township_ids:
            items = items.filter(school__township_id__in=self.township_ids)
        return items

    def meetings(self):
        """Meetings belong to the county, not to a township: a township filter leaves them out."""
        if self.township_ids:
            return Meeting.objects.none()
        return self._readable(Meeting.objects).filter(county__in=self.counties)

    def submissions(self):
        submissions = self._readable(Submission.objects).filter(county__in=self.counties)
        if self.township_ids:
            submissions = submissions.filter(school__township_id__in=self.township_ids)
        return submissions

    def notices(self):
        """Work notices belong to the county, like meetings."""
        if self.township_ids:
            return Notice.objects.none()
        return self._readable(Notice.objects).filter(county__in=self.counties)


class Cells(dict):
    """Tallies by (county id, township id), summed up to what a page shows; ``names`` holds the
    name of every township among the keys."""

    def __init__(self):
        super().__init__()
        self.names: dict[int, str] = {}
        self.close_days: Counter = Counter()

    def cell(self, key: Key) -> Tally:
        if key not in self:
            self[key] = Tally()
        return self[key]

    def total(self) -> Tally:
        total = Tally(close_days=self.close_days.copy())
        for tally in self.values():
            total.add(tally)
        return total

    def by(self, position: int) -> dict[int | None, Tally]:
        """Summed per county (0) or per township (1)."""
        grouped = defaultdict(Tally)
        for key, tally in self.items():
            grouped[key[position]].add(tally)
        return dict(grouped)

    def by_county(self) -> dict[int | None, Tally]:
        return self.by(0)

    def open_schools(self) -> dict[int | None, int]:
        """Per county, for ``duty_by_month``."""
        return {county: tally.open_schools for county, tally in self.by_county().items()}

    def by_township(self) -> dict[int | None, Tally]:
        return self.by(1)


def covered_schools(counties):
    """The ids of the schools of ``counties`` with an active inspector now: a list the database
    hashes once, where a test per school (``active_assignments``) would be costed per row."""
    return Assignment.objects.filter(
        school__county__in=counties, ended_on__isnull=True, inspector__status=InspectorStatus.ACTIVE
    ).values("school_id")


def active_assignments():
    """Current assignments of active inspectors to the outer school: what covers a school."""
    return Assignment.objects.filter(
        school=OuterRef("pk"), ended_on__isnull=True, inspector__status=InspectorStatus.ACTIVE
    )


def duty_months(period: Period, today: datetime.date) -> list[tuple[int, int]]:
    """The months of the period whose duty can already be asked for (not those still ahead)."""
    return period.months(until=period.as_of(today))


def required_visits(counties, year: int, month: int):
    """Each county's duty visits per school in a month, as an SQL expression on a school row:
    one branch per number of visits, not per county (a province has a hundred)."""
    counties_owing = defaultdict(list)
    for place in counties:
        required = month_duty(place.settings, year=year, month=month).visits_required
        counties_owing[required].append(place.pk)
    return Case(
        *(
            When(county_id__in=pks, then=Value(required))
            for required, pks in sorted(counties_owing.items())
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


# A school's submitted visits over a stretch of time, joined to its row as ``seen``: each figure
# counts the joined rows it wants (``Count("seen", filter=...)``), so one pass over a county's
# visits, grouped per school, gives every figure of every school.
def seen_between(start: datetime.datetime, end: datetime.datetime) -> FilteredRelation:
    return FilteredRelation(
        "visits",
        condition=Q(
            visits__status=VisitStatus.SUBMITTED,
            visits__arrived_at__gte=start,
            visits__arrived_at__lt=end,
        ),
    )


def seen_during(start: datetime.datetime, end: datetime.datetime) -> Q:
    return Q(seen__arrived_at__gte=start, seen__arrived_at__lt=end)


SEEN_FOR_DUTY = Q(seen__kind__in=DUTY_KINDS)


def duty_done_expression(counties, months, *, counted: Q = SEEN_FOR_DUTY):
    """Per school (with ``seen`` joined over the months): its ``counted`` visits month by
    month, each month counted up to the duty at most, so that five visits to one school do not
    hide a school nobody visited."""
    return sum_of(
        Least(
            Count("seen", filter=counted & seen_during(*month_bounds(year, month))),
            required_visits(counties, year, month),
        )
        for year, month in months
    )


def sum_of(expressions):
    expressions = list(expressions)
    if not expressions:
        return Value(0, output_field=IntegerField())
    total = expressions[0]
    for expression in expressions[1:]:
        total = total + expression
    return total


def compute(scope: Scope, period: Period, *, today: datetime.date | None = None) -> Cells:
    """Every dashboard number of ``scope`` in ``period``, by (county, township)."""
    today = today or timezone.localdate()
    cells = Cells()
    _schools(cells, scope, period, today)
    _items(cells, scope, period, today)
    _meetings(cells, scope, period, today)
    _notices(cells, scope, period)
    _submissions(cells, scope, period, today)
    return cells


# What each linked number counts, as a filter on its records: the dashboard counts with it and
# the list behind the number (``records``) filters with it, so the two always agree.


def duty_window(period: Period, today: datetime.date):
    """The instants the period's duty months so far span, or None when none has begun."""
    months = duty_months(period, today)
    if not months:
        return None
    return month_bounds(*months[0])[0], month_bounds(*months[-1])[1]


def school_filters(period: Period, today: datetime.date) -> dict[str, Q]:
    """Open schools: all, covered now, not covered now, without a duty visit in the period."""
    window = duty_window(period, today)
    if window:
        visited = Visit.objects.counting_for_duty().filter(
            school=OuterRef("pk"), arrived_at__gte=window[0], arrived_at__lt=window[1]
        )
        not_visited = ~Q(Exists(visited))
    else:
        not_visited = Q(pk__in=[])
    return {
        "open": Q(),
        "covered": Q(Exists(active_assignments())),
        "uncovered": ~Q(Exists(active_assignments())),
        "not_visited": not_visited,
    }


def visit_filters(period: Period) -> dict[str, Q]:
    """Submitted visits of any kind that took place in the period."""
    return {"visits": Q(arrived_at__gte=period.start_at, arrived_at__lt=period.end_at)}


def item_filters(period: Period, today: datetime.date) -> dict[str, Q]:
    """Rectification items: opened and signed off in the period; unresolved, overdue and
    escalated as they stand now (as the board shows them)."""
    unresolved = Q(state__in=UNRESOLVED_STATES)
    return {
        "opened": Q(created_at__gte=period.start_at, created_at__lt=period.end_at),
        "closed": Q(
            state=RectificationState.CLOSED,
            closed_at__gte=period.start_at,
            closed_at__lt=period.end_at,
        ),
        "unresolved": unresolved,
        "overdue": Q(state__in=SCHOOL_MOVE_STATES, deadline__lt=today),
        "escalated": unresolved & ~Q(owner_level=OwnerLevel.SCHOOL),
    }


ITEM_FIELDS = ("opened", "closed", "unresolved", "overdue", "escalated")


def item_counts(period: Period, today: datetime.date) -> dict:
    return {
        name: Count("pk", filter=condition)
        for name, condition in item_filters(period, today).items()
    }


def meeting_filters(period: Period) -> dict[str, Q]:
    """Meetings not cancelled that started in the period and have started by now."""
    return {
        "meetings": Q(
            starts_at__gte=period.start_at, starts_at__lt=min(period.end_at, timezone.now())
        )
        & ~Q(status=MeetingStatus.CANCELLED)
    }


def notice_filters(period: Period) -> dict[str, Q]:
    """Work notices sent in the period and not withdrawn."""
    return {
        "notices": Q(
            sent_at__gte=period.start_at, sent_at__lt=period.end_at, withdrawn_at__isnull=True
        )
    }


def submission_filters(period: Period, today: datetime.date) -> dict[str, Q]:
    """Public submissions received in the period; of those, answered by their due day (an
    answer, a rectification item or a hand-over all answer); and any still unanswered past
    their due day now (as the complaints list shows them)."""
    received = Q(received_at__gte=period.start_at, received_at__lt=period.end_at)
    return {
        "received": received,
        "answered_in_time": received
        & Q(state__in=ANSWERED_STATES, answered_at__date__lte=F("due_on")),
        "submissions_overdue": Q(state__in=OPEN_STATES, due_on__lt=today),
    }


def _submissions(cells: Cells, scope: Scope, period: Period, today: datetime.date) -> None:
    rows = (
        scope.submissions()
        .order_by()
        .values("county_id", "school__township_id", "school__township__name")
        .annotate(
            **{
                name: Count("pk", filter=condition)
                for name, condition in submission_filters(period, today).items()
            }
        )
    )
    for row in rows:
        tally = cells.cell((row["county_id"], row["school__township_id"]))
        cells.names[row["school__township_id"]] = row["school__township__name"]
        tally.received = row["received"]
        tally.answered_in_time = row["answered_in_time"]
        tally.submissions_overdue = row["submissions_overdue"]


def _notices(cells: Cells, scope: Scope, period: Period) -> None:
    rows = (
        scope.notices()
        .filter(notice_filters(period)["notices"])
        .order_by()
        .values("county_id")
        .annotate(
            n=Count("pk", distinct=True),
            unread=Count("recipients", filter=Q(recipients__read_at__isnull=True)),
        )
    )
    for row in rows:
        tally = cells.cell((row["county_id"], None))
        tally.notices, tally.unread = row["n"], row["unread"]


def _schools(cells: Cells, scope: Scope, period: Period, today: datetime.date) -> None:
    """Open schools, those with an active inspector now, the duty visits due and done in the
    period's months so far, the schools without a single duty visit in those months, and the
    visits of any kind in the period (to closed schools too): counted school by school in one
    pass over their visits, then added up per township."""
    months = duty_months(period, today)
    counties = list(scope.counties)
    window = duty_window(period, today) or (period.start_at, period.end_at)
    duty = SEEN_FOR_DUTY & Q(is_active=True)
    per_school = (
        scope.schools()
        .order_by()
        .annotate(seen=seen_between(min(window[0], period.start_at), max(window[1], period.end_at)))
        .values("pk", "county_id", "township_id", "township__name")
        .annotate(
            # Per school, whatever its visits: the largest is the one value.
            open=Max(_flag(Q(is_active=True))),
            covered=Max(_flag(Q(is_active=True, pk__in=covered_schools(counties)))),
            visits=Count("seen", filter=seen_during(period.start_at, period.end_at)),
            done=duty_done_expression(counties, months, counted=duty),
            visited=Least(Count("seen", filter=duty & seen_during(*window)), Value(1)),
        )
    )
    required = {
        county.pk: sum(
            month_duty(county.settings, year=year, month=month).visits_required
            for year, month in months
        )
        for county in counties
    }
    county_of = {}
    for row in regroup(per_school, ("county_id", "township_id", "township__name")):
        if not row["open"] and not row["visits"]:
            continue  # only closed schools, not visited in the period: nothing to show
        county_of[row["township_id"]] = row["county_id"]
        tally = cells.cell((row["county_id"], row["township_id"]))
        cells.names[row["township_id"]] = row["township__name"]
        tally.open_schools = row["open"]
        tally.covered_schools = row["covered"]
        tally.visits = row["visits"]
        tally.duty_done = row["done"]
        tally.duty_due = row["open"] * required.get(row["county_id"], 0)
        tally.not_visited = row["open"] - row["visited"] if months else 0
    for _school_id, township_id in fully_covered(scope):
        cells.cell((county_of[township_id], township_id)).fully_covered += 1


def _flag(condition: Q):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def regroup(rows, keys: tuple[str, ...]) -> list[dict]:
    """The other annotations of ``rows`` (a ``values()`` queryset, say one row per school)
    summed per ``keys`` among its columns (say per township): the second level of a two-level
    aggregate, written around the ORM's query because the ORM has no subquery in FROM."""
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    summed = [name for name in rows.query.annotation_select if name not in keys]
    quote = connections[rows.db].ops.quote_name
    group = ", ".join(quote(name) for name in keys)
    sums = ", ".join(f"SUM({quote(name)})" for name in summed)
    with connections[rows.db].cursor() as cursor:
        cursor.execute(f"SELECT {group}, {sums} FROM ({sql}) per_row GROUP BY {group}", params)
        found = cursor.fetchall()
    return [
        {
            **dict(zip(keys, row, strict=False)),
            **dict(zip(summed, map(int, row[len(keys) :]), strict=True)),
        }
        for row in found
    ]


def fully_covered(scope: Scope, county=None) -> list[tuple[int, int]]:
    """(school id, township id) of the open schools (of ``county``, or of every county in the
    scope) with an active inspector and a current posted plaque. Whether a plaque is current
    compares what it printed with what today's data would print (``inspectors.plaques.flags``),
    so this is worked out here, in a fixed few queries for the whole scope, not in SQL."""
    schools = scope.schools().active()
    if county is not None:
        schools = schools.filter(county=county)
    counties = scope.counties if county is None else (county,)
    return [
        (found.school_id, found.township_id)
        for found in flags(schools, counties=counties)
        if found.is_current and found.has_inspector
    ]


def _items(cells: Cells, scope: Scope, period: Period, today: datetime.date) -> None:
    items = scope.items()
    rows = (
        items.order_by()
        .values("county_id", "school__township_id", "school__township__name")
        .annotate(**item_counts(period, today))
    )
    for row in rows:
        tally = cells.cell((row["county_id"], row["school__township_id"]))
        if row["school__township_id"] is not None:
            cells.names[row["school__township_id"]] = row["school__township__name"]
        for name in ITEM_FIELDS:
            setattr(tally, name, row[name])
    closed = (
        items.filter(item_filters(period, today)["closed"])
        .order_by()
        .values(days=days_to_close())
        .annotate(n=Count("pk"))
    )
    for row in closed:
        cells.close_days[row["days"].days] += row["n"]


def days_between(start: datetime.datetime, end: datetime.datetime) -> int:
    """Calendar days from one instant to another, as the days read in Asia/Shanghai."""
    return (end.astimezone(SHANGHAI).date() - start.astimezone(SHANGHAI).date()).days


def days_to_close():
    """``days_between`` an item's opening and its signing off, in SQL (a timedelta)."""
    return ExpressionWrapper(
        TruncDate("closed_at", tzinfo=SHANGHAI) - TruncDate("created_at", tzinfo=SHANGHAI),
        output_field=DurationField(),
    )


def held_meetings(meetings, period: Period):
    return meetings.filter(meeting_filters(period)["meetings"])


PRESENT = (Attendance.PRESENT, Attendance.LATE)


def _meetings(cells: Cells, scope: Scope, period: Period, today: datetime.date) -> None:
    """Meetings held in the period and their attendance as the office recorded it."""
    rows = (
        held_meetings(scope.meetings(), period)
        .order_by()
        .values("county_id")
        .annotate(
            n=Count("pk", distinct=True),
            invited=Count("invitees"),
            present=Count("invitees", filter=Q(invitees__attendance__in=PRESENT)),
            excused=Count("invitees", filter=Q(invitees__attendance=Attendance.EXCUSED)),
            absent=Count("invitees", filter=Q(invitees__attendance=Attendance.ABSENT)),
        )
    )
    for row in rows:
        tally = cells.cell((row["county_id"], None))
        tally.meetings = row["n"]
        tally.invited = row["invited"]
        tally.present = row["present"]
        tally.excused = row["excused"]
        tally.absent = row["absent"]


@dataclass(frozen=True)
class MatterRow:
    matter_id: int | None
    number: int | None
    name: str
    opened: int
    closed: int
    unresolved: int
    overdue: int
    escalated: int


def by_matter(scope: Scope, period: Period, *, today: datetime.date | None = None) -> list:
    """Rectification items per supervision matter; items with no matter (meeting decisions)
    come last as one row."""
    today = today or timezone.localdate()
    rows = (
        scope.items()
        .order_by()
        .values("matter_id", "matter__number", "matter__name")
        .annotate(**item_counts(period, today))
        .order_by("matter__number", "matter_id")
    )
    result = [
        MatterRow(
            matter_id=row["matter_id"],
            number=row["matter__number"],
            name=row["matter__name"] or "",
            **{name: row[name] for name in ITEM_FIELDS},
        )
        for row in rows
    ]
    return sorted(result, key=lambda row: (row.matter_id is None, row.number or 0))


@dataclass(frozen=True)
class MonthDutyRow:
    year: int
    month: int
    due: int
    done: int
    visits: int

    @property
    def label(self) -> str:
        """The month's number under its columns; the table beside gives the full month."""
        return str(self.month)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def rate(self):
        return self.done / self.due if self.due else None


def duty_by_month(
    scope: Scope, months: list[tuple[int, int]], *, open_schools: dict | None = None
) -> list[MonthDutyRow]:
    """Duty visits due and done, and all visits, month by month: each school's visits counted
    per month in one pass, the schools then added up per county, month and number of duty
    visits, of which each school counts at most the duty. ``open_schools``: the open schools per
    county when the caller has counted them (``compute`` does); else one more query."""
    if not months:
        return []
    counties = {county.pk: county for county in scope.counties}
    if open_schools is None:
        open_schools = dict(
            scope.schools().active().order_by().values_list("county_id").annotate(Count("pk"))
        )
    per_school_month = (
        scope.schools()
        .order_by()
        .annotate(seen=seen_between(month_bounds(*months[0])[0], month_bounds(*months[-1])[1]))
        .values(
            "pk",
            "county_id",
            year=ExtractYear("seen__arrived_at", tzinfo=SHANGHAI),
            month=ExtractMonth("seen__arrived_at", tzinfo=SHANGHAI),
        )
        .annotate(
            duty=Count("seen", filter=SEEN_FOR_DUTY & Q(is_active=True)),
            visits=Count("seen"),
            schools=Value(1, output_field=IntegerField()),
        )
    )
    done, visits = Counter(), Counter()
    for row in regroup(per_school_month, ("county_id", "year", "month", "duty")):
        if row["year"] is None:
            continue  # the schools without a visit in these months
        month = row["year"], row["month"]
        duty = month_duty(counties[row["county_id"]].settings, year=month[0], month=month[1])
        done[month] += min(row["duty"], duty.visits_required) * row["schools"]
        visits[month] += row["visits"]
    return [
        MonthDutyRow(
            year=year,
            month=month,
            due=sum(
                open_schools.get(pk, 0)
                * month_duty(county.settings, year=year, month=month).visits_required
                for pk, county in counties.items()
            ),
            done=done[year, month],
            visits=visits[year, month],
        )
        for year, month in months
    ]


def twelve_months_to(period: Period, today: datetime.date) -> list[tuple[int, int]]:
    """The twelve months that end with the period's last month (or this month, if earlier)."""
    last = period.as_of(today)
    year, month = last.year, last.month
    months = []
    for _ in range(12):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))
