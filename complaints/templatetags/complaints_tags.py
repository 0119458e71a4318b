"""A submission's state badges, the same on its page and in the list.

Built once per rendering (``render_context``) and looked up a row: an include per row cost a list
of 25 cases more than a tenth of its rendering.
"""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from complaints.models import OPEN_STATES, SubmissionState

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
