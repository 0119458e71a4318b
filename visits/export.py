"""The visit list as an .xlsx workbook: its header and rows, shared by the list's own export
and the worker's export of a long list (``reports.exports``)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.xlsx import sheet_response


def _local(moment, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt) if moment else ""


def header() -> list[str]:
    return [
        _("Date"),
        _("School"),
        _("Township"),
        _("Inspector"),
        _("Co-inspectors"),
        _("Kind of visit"),
        _("Methods"),
        _("Status"),
        _("Check-in"),
        _("Distance (m)"),
        _("Problems"),
        _("Highlights"),
        _("Problems found"),
        _("Suggestions"),
        _("Feedback to the school"),
        _("Read by the school"),
        _("Principal's reply"),
    ]


def row(visit) -> list:
    """One visit (annotated by ``with_list_columns``, co-inspectors prefetched)."""
    return [
        _local(visit.arrived_at),
        visit.school.name,
        visit.school.township.name,
        visit.inspector.name,
        "、".join(inspector.name for inspector in visit.co_inspectors.all()),
        visit.get_kind_display(),
        "、".join(visit.get_methods_display()),
        visit.get_status_display(),
        visit.get_check_in_status_display(),
        visit.check_in_distance,
        visit.problem_count,
        visit.highlights,
        visit.problems_text,
        visit.suggestions,
        visit.feedback_to_school,
        _local(visit.read_at),
        visit.principal_reply,
    ]


def visits_response(visits, *, filename: str):
    """Rows of ``visits`` (annotated by ``with_list_columns``, co-inspectors prefetched)."""
    rows = (row(visit) for visit in visits.iterator(chunk_size=500))
    return sheet_response(title=_("Visits"), header=header(), rows=rows, filename=filename)
