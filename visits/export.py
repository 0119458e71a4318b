"""The visit list as an .xlsx workbook: its header and rows, shared by the list's own export
and the worker's export of a long list (``reports.exports``)."""

import functools

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dudao.xlsx import streamed_sheet_response
from visits.models import CheckInStatus, VisitKind, VisitMethod, VisitStatus


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


@functools.lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, dict[str, str]]:
    """The choice labels of a row, translated once per language: a province's year is 360,000
    rows, and looking each label up again (``get_kind_display``) took a third of the export."""
    return {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in (
            ("kind", VisitKind),
            ("method", VisitMethod),
            ("status", VisitStatus),
            ("check_in", CheckInStatus),
        )
    }


def row(visit) -> list:
    """One visit (annotated by ``with_list_columns``, co-inspectors prefetched)."""
    labels = _labels(get_language())
    return [
        _local(visit.arrived_at),
        visit.school.name,
        visit.school.township.name,
        visit.inspector.name,
        "、".join(inspector.name for inspector in visit.co_inspectors.all()),
        labels["kind"].get(visit.kind, visit.kind),
        "、".join(labels["method"][value] for value in visit.methods if value in labels["method"]),
        labels["status"].get(visit.status, visit.status),
        labels["check_in"].get(visit.check_in_status, visit.check_in_status),
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
    return streamed_sheet_response(title=_("Visits"), header=header(), rows=rows, filename=filename)
