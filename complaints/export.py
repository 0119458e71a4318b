"""The submission list as an .xlsx workbook; personal data only when the office asked for it."""

from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.xlsx import streamed_sheet_response


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def header(personal: bool = False) -> list:
    columns = [
        _("Reference"),
        _("Received at"),
        _("Channel"),
        _("Category"),
        _("School"),
        _("Township"),
        _("Matter"),
        _("State"),
        _("Answer due on"),
        _("Overdue"),
        _("Assigned inspector"),
        _("Verified facts"),
        _("Public reply"),
        _("Answered at"),
        _("Rectification item"),
    ]
    if personal:
        columns += [_("Name"), _("Phone"), _("Relation to the school"), _("What was submitted")]
    return columns


def row(submission, personal: bool = False) -> list:
    values = [
        submission.reference,
        _local(submission.received_at),
        submission.get_channel_display(),
        submission.get_category_display(),
        submission.school.name,
        submission.school.township.name,
        submission.matter.name if submission.matter else "",
        submission.get_state_display(),
        submission.due_on,
        _("Yes") if submission.is_overdue else _("No"),
        str(submission.assigned_inspector or ""),
        submission.verified_summary,
        submission.public_reply,
        _local(submission.answered_at),
        submission.rectification_item_id or "",
    ]
    if personal:
        values += [
            submission.name,
            submission.phone,
            submission.get_relation_display(),
            submission.text,
        ]
    return values


def filename(personal: bool = False) -> str:
    suffix = "-personal" if personal else ""
    return f"complaints-{timezone.localdate():%Y%m%d}{suffix}.xlsx"


def submissions_response(submissions, *, personal: bool):
    """At most ``INLINE_EXPORT_ROWS`` rows (longer lists go to the worker), written row by row
    to a temporary file and streamed from it."""
    return streamed_sheet_response(
        title=_("Public submissions"),
        header=header(personal),
        rows=(row(submission, personal) for submission in submissions.iterator(chunk_size=1000)),
        filename=filename(personal),
    )
