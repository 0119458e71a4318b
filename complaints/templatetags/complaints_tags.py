"""A submission's state badges, the same on its page and in the list, and the list's rows.

The badges are built once per rendering (``render_context``) and looked up a row: an include per
row cost a list of 25 cases more than a tenth of its rendering. The rows are written here: their
template, with two ``{% blocktrans %}``, two dates and a truncation each, cost the list half of
its page.
"""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from complaints.models import OPEN_STATES, SubmissionState
from dudao.widgets import escaped
from schools.templatetags.registry_tags import row_url

register = template.Library()


def _state_class(state: str) -> str:
    if state in OPEN_STATES:
        return "text-bg-warning"
    return "text-bg-info" if state == SubmissionState.RECTIFYING else "text-bg-success"


def _badges(context) -> dict:
    badges = context.render_context.get(__name__)
    if badges is None:
        badges = context.render_context[__name__] = {
            "today": timezone.localdate(),
            "overdue": format_html('<span class="badge text-bg-danger">{}</span> ', _("Overdue")),
            **{
                state: format_html('<span class="badge {}">{}</span>', _state_class(state), label)
                for state, label in SubmissionState.choices
            },
        }
    return badges


@register.simple_tag(takes_context=True)
def submission_state(context, submission):
    """ "Overdue" while unanswered past the due day, then the state."""
    badges = _badges(context)
    state = badges[submission.state]
    if submission.is_open and submission.due_on < badges["today"]:
        return badges["overdue"] + state
    return state


SUMMARY_CHARS = 120  # of the verified facts, in the list


@register.simple_tag(takes_context=True)
def submission_rows(context, submissions) -> SafeString:
    """The list of ``submissions`` (a ``list-group``), each a link to its page: the school and
    its state, what kind of case about which matter, how it came and when, the day it must be
    answered by while open, the inspector it is given to and the start of the verified facts."""
    if not submissions:
        return SafeString(
            '<div class="list-group mt-2">\n'
            f'<div class="list-group-item text-secondary">{escaped(_("Nothing here."))}</div>\n'
            "</div>"
        )
    rows = []
    for submission in submissions:
        about = [escaped(submission.get_category_display())]
        if submission.matter:
            about.append(escaped(submission.matter.name))
        about.append(escaped(submission.get_channel_display()))
        received = timezone.localtime(submission.received_at).date().isoformat()
        about.append(escaped(_("received %(date)s") % {"date": received}))
        if submission.is_open:
            about.append(escaped(_("answer by %(date)s") % {"date": submission.due_on.isoformat()}))
        if submission.assigned_inspector:
            about.append(escaped(submission.assigned_inspector.name))
        summary = submission.verified_summary
        if len(summary) > SUMMARY_CHARS:
            summary = summary[: SUMMARY_CHARS - 1] + "…"
        url = row_url(context, "complaints:detail", submission.pk)
        rows.append(
            f'<a class="list-group-item list-group-item-action" href="{url}">\n'
            '<div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f"<strong>{escaped(submission.school.name)}</strong>\n"
            f"<span>{submission_state(context, submission)}</span>\n</div>\n"
            f'<div class="small text-secondary">{" · ".join(about)}</div>\n'
            + (f'<div class="small">{escaped(summary)}</div>\n' if summary else "")
            + "</a>"
        )
    # Safe: every value written is escaped above, or a badge's own HTML.
    return SafeString(f'<div class="list-group mt-2">\n{"".join(rows)}\n</div>')
