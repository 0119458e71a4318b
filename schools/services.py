"""Operations on the registry that span schools and inspectors."""

import datetime
from dataclasses import dataclass

from inspectors.models import Assignment, Inspector
from schools.models import County, CountySettings, School


@dataclass(frozen=True)
class CoverageReport:
    """Where a county falls short of full coverage (全覆盖), each list a to-do for the office."""

    settings: CountySettings
    open_schools: int
    uncovered: list[School]
    central_under_minimum: list[School]
    over_load: list[Inspector]
    terms_ending: list[Inspector]
    due_for_rotation: list[Assignment]

    @property
    def covered_schools(self) -> int:
        return self.open_schools - len(self.uncovered)

    @property
    def is_full(self) -> bool:
        """Every open school has an inspector and every central school the county's minimum."""
        return not self.uncovered and not self.central_under_minimum


def coverage_report(*, user, county: County, today: datetime.date) -> CoverageReport:
    settings = county.settings
    schools = School.objects.for_user(user).filter(county=county).select_related("township")
    inspectors = Inspector.objects.for_user(user).filter(county=county).select_related("zone")
    assignments = Assignment.objects.for_user(user).filter(school__county=county)
    return CoverageReport(
        settings=settings,
        open_schools=schools.active().count(),
        uncovered=list(schools.uncovered()),
        central_under_minimum=list(
            schools.central_under_minimum(settings.min_inspectors_per_central_school)
        ),
        over_load=list(
            inspectors.over_load(settings.school_load_per_inspector).order_by("-load", "name")
        ),
        terms_ending=list(
            inspectors.term_ending(settings.term_warning_date(today)).order_by("term_ends_on")
        ),
        due_for_rotation=list(
            assignments.due_for_rotation(settings.rotation_cutoff(today))
            .select_related("inspector", "school")
            .order_by("started_on")
        ),
    )
