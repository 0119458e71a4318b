"""Operations on the registry that span schools and inspectors."""

import datetime
from dataclasses import dataclass

from inspectors.models import Assignment, Inspector
from schools.models import County, CountySettings, School

# The coverage page lists this many rows of each problem; a link shows them all.
COVERAGE_ROWS = 50


@dataclass(frozen=True)
class Shortfall:
    """One list of the coverage page: its first rows, and how many there are in all."""

    rows: list
    total: int

    @property
    def is_capped(self) -> bool:
        return len(self.rows) < self.total

    def __bool__(self) -> bool:
        return self.total > 0


def _shortfall(queryset, limit: int | None) -> Shortfall:
    """At most ``limit`` rows (all when None); counts in the database only when capped.

    With ``limit=0`` (the home card) only the number is wanted: a single COUNT query.
    """
    if limit == 0:
        return Shortfall([], queryset.count())
    rows = list(queryset if limit is None else queryset[: limit + 1])
    if limit is None or len(rows) <= limit:
        return Shortfall(rows, len(rows))
    return Shortfall(rows[:limit], queryset.count())


@dataclass(frozen=True)
class CoverageReport:
    """Where a county falls short of full coverage (全覆盖), each list a to-do for the office."""

    settings: CountySettings
    open_schools: int
    uncovered: Shortfall
    central_under_minimum: Shortfall
    over_load: Shortfall
    terms_ending: Shortfall
    due_for_rotation: Shortfall

    @property
    def covered_schools(self) -> int:
        return self.open_schools - self.uncovered.total

    @property
    def is_full(self) -> bool:
        """Every open school has an inspector and every central school the county's minimum."""
        return not self.uncovered and not self.central_under_minimum


def coverage_report(
    *, user, county: County, today: datetime.date, limit: int | None = COVERAGE_ROWS
) -> CoverageReport:
    """The county's coverage problems, each list cut to ``limit`` rows (None: every row)."""
    settings = county.settings
    schools = School.objects.for_user(user).filter(county=county).select_related("township")
    inspectors = Inspector.objects.for_user(user).filter(county=county).select_related("zone")
    assignments = Assignment.objects.for_user(user).filter(school__county=county)
    return CoverageReport(
        settings=settings,
        open_schools=schools.active().count(),
        uncovered=_shortfall(schools.uncovered(), limit),
        central_under_minimum=_shortfall(
            schools.central_under_minimum(settings.min_inspectors_per_central_school), limit
        ),
        over_load=_shortfall(
            inspectors.over_load(settings.school_load_per_inspector).order_by("-load", "name"),
            limit,
        ),
        terms_ending=_shortfall(
            inspectors.term_ending(settings.term_warning_date(today)).order_by("term_ends_on"),
            limit,
        ),
        due_for_rotation=_shortfall(
            assignments.due_for_rotation(settings.rotation_cutoff(today))
            .select_related("inspector", "school")
            .order_by("started_on"),
            limit,
        ),
    )
