"""The board's list as an .xlsx workbook: its header and rows, shared by the board's own export
and the worker's export of a long list (``reports.exports``)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.xlsx import streamed_sheet_response


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def header() -> list[str]:
    return [
        _("No."),
        _("School"),
        _("Township"),
        _("Matter"),
        _("Severity"),
        _("Problem"),
        _("What must change"),
        _("Deadline"),
        _("State"),
        _("Overdue"),
        _("Owner"),
        _("Responsible inspector"),
        _("Source"),
        _("Source reference"),
        _("Opened at"),
        _("Closed at"),
    ]


def row(item) -> list:
    """One item (with ``with_listing``'s related rows)."""
    yes, no = _("Yes"), _("No")
    return [
        item.pk,
        item.school.name if item.school else "",
        item.school.township.name if item.school else "",
        item.matter.name if item.matter else "",
        item.get_severity_display(),
        item.description,
        item.required_change,
        item.deadline,
        item.get_state_display(),
        yes if item.is_overdue else no,
        item.get_owner_level_display(),
        str(item.responsible_inspector or ""),
        item.get_source_display(),
        item.source_note,
        _local(item.created_at),
        _local(item.closed_at),
    ]


def items_response(items):
    rows = (row(item) for item in items.iterator(chunk_size=1000))
    return streamed_sheet_response(
        title=_("Rectification items"),
        header=header(),
        rows=rows,
        filename=f"rectifications-{timezone.localdate():%Y%m%d}.xlsx",
    )
