"""The visit list as an .xlsx workbook: its header and rows, shared by the list's own export
and the worker's export of a long list (``reports.exports``).

A province's year is 360,000 visits, so the rows are read as plain values a chunk at a time
(each chunk's co-inspectors in one more query), not as model instances: building a visit with
its school, township and inspector for every row took half of the export's time."""

import functools
from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dudao.xlsx import streamed_sheet_response
from inspectors.models import Inspector
from visits.models import CheckInStatus, VisitKind, VisitMethod, VisitStatus

# What a row shows, read by ``records`` (``problem_count`` comes from ``with_list_columns``).
FIELDS = (
    "arrived_at",
    "school__name",
    "school__township__name",
    "inspector__name",
    "kind",
    "methods",
    "status",
    "check_in_status",
    "check_in_distance",
    "problem_count",
    "highlights",
    "problems_text",
    "suggestions",
    "feedback_to_school",
    "read_at",
    "principal_reply",
)


def _local(moment, zone) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


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


def records(visits, chunk_size: int = 2000) -> Iterator[dict]:
    """``visits`` (annotated by ``with_list_columns``) in their order, each a dict of ``FIELDS``
    with ``co_inspectors``, the names of its co-inspectors."""
    # Their ids first, then each chunk's values by id: memory stays flat also where server-side
    # cursors are off (PgBouncer), when one query would bring every row into memory at once.
    visits = visits.prefetch_related(None)  # the co-inspectors are read per chunk below
    ids = list(visits.values_list("pk", flat=True))
    rows = visits.order_by().values("pk", *FIELDS)
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        found = {visit["pk"]: visit for visit in rows.filter(pk__in=chunk)}
        co_inspectors = defaultdict(list)
        pairs = Inspector.objects.filter(co_visits__in=chunk).values_list("co_visits", "name")
        for visit_id, name in pairs:
            co_inspectors[visit_id].append(name)
        for pk in chunk:
            if visit := found.get(pk):  # not deleted meanwhile
                visit["co_inspectors"] = co_inspectors[pk]
                yield visit


def row(visit: dict) -> list:
    """One visit as ``records`` reads it."""
    labels = _labels(get_language())
    methods = labels["method"]
    zone = timezone.get_current_timezone()
    return [
        _local(visit["arrived_at"], zone),
        visit["school__name"],
        visit["school__township__name"],
        visit["inspector__name"],
        "、".join(visit["co_inspectors"]),
        labels["kind"].get(visit["kind"], visit["kind"]),
        "、".join(methods[value] for value in visit["methods"] if value in methods),
        labels["status"].get(visit["status"], visit["status"]),
        labels["check_in"].get(visit["check_in_status"], visit["check_in_status"]),
        visit["check_in_distance"],
        visit["problem_count"],
        visit["highlights"],
        visit["problems_text"],
        visit["suggestions"],
        visit["feedback_to_school"],
        _local(visit["read_at"], zone),
        visit["principal_reply"],
    ]


def visits_response(visits, *, filename: str):
    """Rows of ``visits`` (annotated by ``with_list_columns``)."""
    rows = (row(visit) for visit in records(visits))
    return streamed_sheet_response(title=_("Visits"), header=header(), rows=rows, filename=filename)
