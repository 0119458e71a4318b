"""Operations on the registry that span schools and inspectors."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, ProtectedError, Window

from inspectors.models import Assignment, Inspector, PlaquePosting
from inspectors.plaques import PlaqueFlags, flags
from schools.models import County, CountySettings, Department, School

# The coverage page lists this many rows of each problem; a link shows them all.
COVERAGE_ROWS = 10


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
    """At most ``limit`` rows (all when None) and the total, in one query whatever the county.

    The total rides on each row (a count over the whole list, taken before the cut), so a long
    list costs what a short one does; with ``limit=0`` (the home card) only the number is
    wanted: a single COUNT query.
    """
    if limit == 0:
        return Shortfall([], queryset.count())
    if limit is None:
        rows = list(queryset)
        return Shortfall(rows, len(rows))
    rows = list(queryset.annotate(listed_total=Window(Count("pk")))[:limit])
    return Shortfall(rows, rows[0].listed_total if rows else 0)


@dataclass(frozen=True)
class PlaqueRow:
    """A school of the plaque lists: its row and where it stands (``plaques.PlaqueFlags``)."""

    school: School
    plaque: PlaqueFlags


@dataclass(frozen=True)
class PlaqueCoverage:
    """The plaques at the school gates: missing, outdated, posted without a photo."""

    unposted: Shortfall  # no plaque posted yet (perhaps not even issued)
    outdated: Shortfall | None  # posted, but today's data would print something else
    without_photo: Shortfall | None  # the latest posting has no photo of the gate
    fully_covered: int  # an active inspector and a current posted plaque


def plaque_coverage(schools, *, county: County, limit: int | None) -> PlaqueCoverage:
    """How the open ``schools`` stand with their plaques; rows are ``PlaqueRow``s.

    With ``limit=0`` (the home card) only the number of schools without a posted plaque is
    counted while there are any: until every school has one the county is not fully covered,
    whatever the outdated ones, and the outdated and photo lists are left out (None).
    """
    if limit == 0:
        # A plaque is issued in its school's county: naming it lets PostgreSQL look at this
        # county's plaques only, not hash the province's.
        postings = PlaquePosting.objects.filter(
            plaque__school=OuterRef("pk"), plaque__county=county
        )
        unposted = schools.active().filter(~Exists(postings)).count()
        if unposted:
            return PlaqueCoverage(Shortfall([], unposted), None, None, fully_covered=0)
    # Every school is weighed by ``plaques.flags`` (plain values, a few queries); only the
    # schools shown are loaded as rows, in one more query.
    found = flags(schools.active(), counties=(county,))
    lists = {
        "unposted": [f for f in found if not f.is_posted],
        "outdated": [f for f in found if f.is_outdated],
        "without_photo": [f for f in found if f.lacks_photo],
    }
    shown = {f.school_id for listed in lists.values() for f in listed[:limit]}
    rows = schools.filter(pk__in=shown).in_bulk() if shown else {}
    return PlaqueCoverage(
        **{
            name: Shortfall([PlaqueRow(rows[f.school_id], f) for f in listed[:limit]], len(listed))
            for name, listed in lists.items()
        },
        fully_covered=sum(1 for f in found if f.is_current and f.has_inspector),
    )


@dataclass(frozen=True)
class CoverageReport:
    """Where a county falls short of full coverage (全覆盖), each list a to-do for the office."""

    settings: CountySettings
    open_schools: int
    uncovered: Shortfall
    central_under_minimum: Shortfall
    over_load: Shortfall | None  # None: not counted (the home card does not show it)
    terms_ending: Shortfall
    due_for_rotation: Shortfall
    plaques: PlaqueCoverage

    @property
    def covered_schools(self) -> int:
        return self.open_schools - self.uncovered.total

    @property
    def is_full(self) -> bool:
        """Full coverage (全覆盖): every open school has an active inspector and a current posted
        plaque, and every central school the county's minimum of inspectors."""
        return (
            not self.uncovered
            and not self.central_under_minimum
            and self.plaques.fully_covered == self.open_schools
        )


def coverage_report(
    *, user, county: County, today: datetime.date, limit: int | None = COVERAGE_ROWS
) -> CoverageReport:
    """The county's coverage problems, each list cut to ``limit`` rows (None: every row; 0: the
    home card's counts, without the inspectors over the load)."""
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
        )
        if limit != 0
        else None,
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
        plaques=plaque_coverage(schools, county=county, limit=limit),
    )


def department_uses(department: Department) -> int:
    """How many records name the department (meeting decisions, complaints handed to it, …):
    every model that points at it, found through its relations, so schools imports none."""
    return sum(
        relation.related_model._base_manager.filter(**{relation.field.name: department}).count()
        for relation in Department._meta.related_objects
    )


def delete_unused_department(*, department: Department) -> bool:
    """Delete the department unless a record names it (then it stays: False). The foreign keys
    protect it, so a decision recorded a moment ago still keeps it."""
    try:
        with transaction.atomic():
            department.delete()
    except ProtectedError:
        return False
    return True
