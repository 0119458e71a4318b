"""The rows of the meeting list, written here: an include per meeting, with its dates and three
``{% blocktrans %}``, cost the list a third of its page."""

from django import template
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dudao.widgets import escaped
from schools.templatetags.registry_tags import row_url

register = template.Library()


def _answer(meeting, *, upcoming: bool) -> str:
    """The reader's own answer to an invitation, or a call to answer one still to come."""
    if not meeting.invited_me:
        return ""
    if meeting.my_response == "attend":
        return f'<span class="badge text-bg-success">{escaped(_("You attend"))}</span>'
    if meeting.my_response == "leave":
        return f'<span class="badge text-bg-secondary">{escaped(_("You are on leave"))}</span>'
    if not meeting.is_cancelled and upcoming:
        return f'<span class="badge text-bg-warning">{escaped(_("Please answer"))}</span>'
    return ""


@register.simple_tag(takes_context=True)
def meeting_rows(context, meetings, *, upcoming: bool, can_change: bool) -> SafeString:
    """A ``list-group`` item per meeting (of ``meeting_list``'s query, with its counts and the
    reader's answer): its title, whether it was cancelled or moved, kind, time and place; the
    reader's answer; for the office the invitees' answers (and, once past, who came); its
    decisions."""
    rows = []
    for meeting in meetings:
        if meeting.is_cancelled:
            state = f' <span class="badge text-bg-danger">{escaped(_("Cancelled"))}</span>'
        elif meeting.sequence:
            state = f' <span class="badge text-bg-warning">{escaped(_("Moved"))}</span>'
        else:
            state = ""
        starts = dateformat.format(timezone.localtime(meeting.starts_at), "Y-m-d D H:i")
        ends = dateformat.format(timezone.localtime(meeting.ends_at), "H:i")
        about = f"{escaped(meeting.get_kind_display())} · {escaped(starts)}–{ends} · "
        counts = ""
        if can_change:
            counts = _("%(invited)s invited · %(attending)s attend · %(leave)s on leave") % {
                "invited": meeting.invited_count,
                "attending": meeting.attending_count,
                "leave": meeting.leave_count,
            }
            if not upcoming:
                counts += " · " + _("%(came)s came") % {"came": meeting.came_count}
            counts = f'<div class="text-secondary">{escaped(counts)}</div>'
        decisions = ""
        if meeting.decision_count:
            decided = ngettext(
                "%(counter)s decision", "%(counter)s decisions", meeting.decision_count
            ) % {"counter": meeting.decision_count}
            decisions = f'<div class="text-secondary">{escaped(decided)}</div>'
        cancelled = " meeting-cancelled" if meeting.is_cancelled else ""
        url = row_url(context, "meetings:meeting_detail", meeting.pk)
        rows.append(
            f'<li class="list-group-item meeting-row{cancelled}">\n'
            '<div class="d-flex flex-wrap justify-content-between gap-2">\n<div>\n'
            f'<a class="fw-semibold" href="{url}">{escaped(meeting.title)}</a>{state}\n'
            f'<div class="small text-secondary">{about}{escaped(meeting.place)}</div>\n</div>\n'
            f'<div class="small text-end">{_answer(meeting, upcoming=upcoming)}'
            f"{counts}{decisions}</div>\n</div>\n</li>"
        )
    # Safe: every value written is escaped above.
    return SafeString("\n".join(rows))
