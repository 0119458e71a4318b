"""Operations on the registry that span schools and inspectors."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError

from inspectors.models import Assignment, Inspector, PlaquePosting
from inspectors.plaques import flags, statuses
from schools.models import County, CountySettings, Department, School

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


def _listed(rows: list, limit: int | None, *, total: int | None = None) -> Shortfall:
    """A list already in memory, cut like ``_shortfall`` cuts a queryset; ``total`` when the
    rows are the first ones of a longer list."""
    return Shortfall(rows if limit is None else rows[:limit], len(rows) if total is None else total)


@dataclass(frozen=True)
class PlaqueCoverage:
    """The plaques at the school gates: missing, outdated, posted without a photo."""

    unposted: Shortfall  # no plaque posted yet (perhaps not even issued)
    outdated: Shortfall | None  # posted, but today's data would print something else
    without_photo: Shortfall | None  # the latest posting has no photo of the gate
    fully_covered: int  # an active inspector and a current posted plaque


def plaque_coverage(schools, *, county: County, limit: int | None) -> PlaqueCoverage:
    """How the open ``schools`` stand with their plaques; rows are ``plaques.PlaqueStatus``.

    With ``limit=0`` (the home card) only the number of schools without a posted plaque is
    counted while there are any: until every school has one the county is not fully covered,
    whatever the outdated ones, and the outdated and photo lists are left out (None).
    """
    if limit == 0:
        postings = PlaquePosting.objects.filter(plaque__school=OuterRef("pk"))
        unposted = schools.active().filter(~Exists(postings)).count()
        if unposted:
            return PlaqueCoverage(Shortfall([], unposted), None, None, fully_covered=0)
    # Every school is weighed by ``plaques.flags`` (plain values, a few queries); the full
    # status, with what changed since printing, is built only for the rows shown.
    schools = schools.active()
    found = flags(schools, counties=(county,))
    lists = {
        "unposted": [f.school_id for f in found if not f.is_posted],
        "outdated": [f.school_id for f in found if f.is_outdated],
        "without_photo": [f.school_id for f in found if f.lacks_photo],
    }
    shown = {pk for ids in lists.values() for pk in (ids if limit is None else ids[:limit])}
    rows = {}
    if shown:
        for status in statuses(
            schools.filter(pk__in=shown).select_related("township"), county=county
        ):
            rows[status.school.pk] = status
    return PlaqueCoverage(
        **{
            name: _listed([rows[pk] for pk in ids if pk in rows], limit, total=len(ids))
            for name, ids in lists.items()
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
    over_load: Shortfall
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
