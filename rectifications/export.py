"""The board's list as an .xlsx workbook."""

from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.xlsx import sheet_response


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def items_response(items):
    yes, no = _("Yes"), _("No")
    header = [
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
    rows = (
        [
            item.pk,
            item.school.name,
            item.school.township.name,
            item.matter.name,
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
        for item in items.iterator(chunk_size=1000)
    )
    return sheet_response(
        title=_("Rectification items"),
        header=header,
        rows=rows,
        filename=f"rectifications-{timezone.localdate():%Y%m%d}.xlsx",
    )
