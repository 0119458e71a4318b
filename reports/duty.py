"""Visits against the monthly duty, per school and per inspector, counted in the database.

A school owes its county's duty visits (``CountySettings.monthly_visit_duty``) every month that
is not a holiday month. Each month counts at most the duty, so five visits to one school never
make up for a school nobody visited. An inspector owes the duty of every school assigned to them
in a month (an assignment that overlaps the month), and a visit counts for them when they led it
or came along as a co-inspector.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from inspectors.models import Assignment, Inspector, InspectorStatus
from reports.figures import (
    SEEN_FOR_DUTY,
    Scope,
    duty_done_expression,
    duty_months,
    duty_window,
    required_visits,
    seen_between,
    seen_during,
    sum_of,
)
from reports.periods import Period
from schools.models import School
from visits.models import Visit, month_bounds
from visits.services import month_duty


def _count(queryset, group: str):
    counted = queryset.order_by().values(group).annotate(n=Count("pk", distinct=True)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class SchoolDuty:
    school: School
    inspectors: list
    due: int
    done: int
    duty_visits: int
    visits: int
    last_visit_at: datetime.datetime | None

    @property
    def is_behind(self) -> bool:
        return self.done < self.due

    @property
    def rate(self):
        return self.done / self.due if self.due else None


def duty_of_schools(scope: Scope, period: Period, today: datetime.date):
    """Every open school of the scope with its duty due and done in the period's months so far,
    its duty visits and all visits in the period and its last visit before the period ended,
    those behind first: one pass over the schools' visits, so a page of them is one query."""
    months = duty_months(period, today)
    counties = list(scope.counties)
    window = duty_window(period, today) or (period.start_at, period.end_at)
    in_period = seen_during(period.start_at, period.end_at)
    last_visit = (
        Visit.objects.submitted()
        .filter(school=OuterRef("pk"), arrived_at__lt=period.end_at)
        .order_by("-arrived_at")
        .values("arrived_at")[:1]
    )
    return (
        scope.schools()
        .active()
        .select_related("township")
        .annotate(seen=seen_between(min(window[0], period.start_at), max(window[1], period.end_at)))
        .annotate(
            duty_due=sum_of(required_visits(counties, year, month) for year, month in months),
            duty_done=duty_done_expression(counties, months),
            duty_visits=Count("seen", filter=SEEN_FOR_DUTY & in_period),
            all_visits=Count("seen", filter=in_period),
            last_visit_at=Subquery(last_visit, output_field=DateTimeField()),
        )
        .annotate(
            is_behind=Case(
                When(duty_done__lt=F("duty_due"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.current()
                .select_related("inspector")
                .order_by("started_on", "pk"),
                to_attr="current_assignments",
            )
        )
        .order_by("-is_behind", "township__name", "name", "pk")
    )


def school_duty(scope: Scope, period: Period, today: datetime.date) -> list[SchoolDuty]:
    """Every open school of the scope against the duty, by township and name."""
    schools = duty_of_schools(scope, period, today).order_by("township__name", "name", "pk")
    return school_rows(schools)


def school_rows(schools) -> list[SchoolDuty]:
    """``duty_of_schools`` (or a page of it) as rows, with each school's inspectors now."""
    return [
        SchoolDuty(
            school=school,
            inspectors=[assignment.inspector for assignment in school.current_assignments],
            due=school.duty_due,
            done=school.duty_done,
            duty_visits=school.duty_visits,
            visits=school.all_visits,
            last_visit_at=school.last_visit_at,
        )
        for school in schools
    ]


@dataclass
class InspectorDuty:
    inspector: Inspector
    schools: int = 0
    due: int = 0
    done: int = 0
    led: int = 0
    co_visits: int = 0
    on_time: int = 0

    @property
    def rate(self):
        return self.done / self.due if self.due else None

    @property
    def on_time_rate(self):
        return self.on_time / self.led if self.led else None


def _month_overlap(year: int, month: int) -> Q:
    first = datetime.date(year, month, 1)
    last = month_bounds(year, month)[1].date() - datetime.timedelta(days=1)
    return Q(started_on__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))


def _inspector_visits_in(year: int, month: int):
    """Duty visits to the outer assignment's school in a month led or joined by its inspector."""
    start, following = month_bounds(year, month)
    visits = (
        Visit.objects.counting_for_duty()
        .filter(school=OuterRef("school_id"), arrived_at__gte=start, arrived_at__lt=following)
        .filter(Q(inspector=OuterRef("inspector_id")) | Q(co_inspectors=OuterRef("inspector_id")))
    )
    return _count(visits, "school")


def on_time_limit(county_settings) -> datetime.timedelta:
    """A record is on time when submitted within the county's draft reminder period after the
    visit began (counties ask for the record within two days, the national default)."""
    return datetime.timedelta(days=county_settings.draft_reminder_days)


def inspector_duty(
    county, period: Period, today: datetime.date, *, inspectors=None
) -> list[InspectorDuty]:
    """The county's responsible inspectors (active, or assigned during the period; or just
    ``inspectors``) with their duty, visits led and joined, and records submitted on time: two
    queries in all."""
    months = duty_months(period, today)
    assignments = Assignment.objects.filter(
        school__county=county, school__is_active=True, inspector__county=county
    )
    if inspectors is not None:
        assignments = assignments.filter(inspector__in=inspectors)
    overlapping = Q(pk__in=[])
    due_parts, done_parts = [], []
    for year, month in months:
        overlap = _month_overlap(year, month)
        overlapping |= overlap
        required = month_duty(county.settings, year=year, month=month).visits_required
        due_parts.append(Case(When(overlap, then=Value(required)), default=Value(0)))
        done_parts.append(
            Case(
                When(overlap, then=Least(_inspector_visits_in(year, month), Value(required))),
                default=Value(0),
            )
        )
    per_inspector = {}
    if months:
        rows = (
            assignments.filter(overlapping)
            .order_by()
            .values("inspector_id")
            .annotate(
                schools=Count("school_id", distinct=True),
                due=Sum(sum_of(due_parts), output_field=IntegerField()),
                done=Sum(sum_of(done_parts), output_field=IntegerField()),
            )
        )
        per_inspector = {row["inspector_id"]: row for row in rows}
    if inspectors is None:
        inspectors = (
            Inspector.objects.filter(county=county)
            .responsible()
            .filter(Q(status=InspectorStatus.ACTIVE) | Q(pk__in=list(per_inspector)))
        )
    in_period = Visit.objects.submitted().filter(
        school__county=county, arrived_at__gte=period.start_at, arrived_at__lt=period.end_at
    )
    # Visits led, recorded on time, and joined: subqueries, so one query for all inspectors.
    led = in_period.filter(inspector=OuterRef("pk"))
    joined = Visit.co_inspectors.through.objects.filter(
        inspector_id=OuterRef("pk"), visit__in=in_period
    )
    on_time = Q(submitted_at__lte=F("arrived_at") + on_time_limit(county.settings))
    inspectors = list(
        inspectors.annotate(
            led_count=_count(led, "inspector"),
            on_time_count=_count(led.filter(on_time), "inspector"),
            joined_count=_count(joined, "inspector_id"),
        ).order_by("name", "pk")
    )
    result = []
    for inspector in inspectors:
        duty = per_inspector.get(inspector.pk, {})
        result.append(
            InspectorDuty(
                inspector=inspector,
                schools=duty.get("schools", 0),
                due=duty.get("due") or 0,
                done=duty.get("done") or 0,
                led=inspector.led_count,
                on_time=inspector.on_time_count,
                co_visits=inspector.joined_count,
            )
        )
    return result
