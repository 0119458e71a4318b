"""A visit's badges (draft, read or unread, replied, a flagged check-in), the same on the lists and
on the record, and the rows of a list of visits.

Built here rather than in templates: a list shows 25 visits, and an include with its lookups for
each of them cost as much as the rest of the row; the rows' template, with its lookups, filters
and ``{% blocktrans %}``, cost a visit list a third of its page. The badges' HTML is made once
per language."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from dudao.widgets import escaped
from schools.templatetags.registry_tags import row_url
from visits.models import CheckInStatus

register = template.Library()

_badges_by_language: dict[str, dict] = {}


def _badge(css_class: str, label: str) -> str:
    return format_html('<span class="badge {}">{}</span>', css_class, label)


def _badges() -> dict:
    language = get_language()
    badges = _badges_by_language.get(language)
    if badges is None:
        badges = _badges_by_language[language] = {
            "draft": _badge("text-bg-secondary", _("Draft")),
            "read": _("Read"),
            "unread": _badge("text-bg-warning", _("Unread")),
            "replied": _badge("text-bg-info", _("Replied")),
            "check_in": {
                status: _badge("text-bg-danger", label) for status, label in CheckInStatus.choices
            },
        }
    return badges


def _time(value) -> str:
    """As ``{{ value|date:"Y-m-d H:i" }}`` writes it: in the local time."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@register.simple_tag(takes_context=True)
def visit_badges(context, visit):
    """Draft, or read (when, on hover) or not yet; replied; a flagged check-in, which the
    school's principal is not shown."""
    badges = _badges()
    if visit.is_draft:
        shown = [badges["draft"]]
    elif visit.read_at:
        read_at = _time(visit.read_at)
        shown = [
            format_html(
                '<span class="badge text-bg-success" title="{}">{}</span>', read_at, badges["read"]
            )
        ]
    else:
        shown = [badges["unread"]]
    if visit.principal_reply:
        shown.append(badges["replied"])
    if visit.is_flagged and not context["user"].is_principal:
        shown.append(badges["check_in"][visit.check_in_status])
    # Safe: each badge is HTML made here, its values escaped.
    return SafeString("\n".join(shown))


@register.simple_tag(takes_context=True)
def visit_rows(context, visits, *, show_school: bool, readable=None) -> SafeString:
    """The list of ``visits`` (a ``list-group``), each a link to its record. ``show_school``:
    the school leads a row (else the kind of visit); ``readable``: the ids of those the reader
    may open (None: all); the others are drafts the office only sees exist. Needs the school,
    its township and the inspector read with the visits and ``problem_count`` annotated."""
    rows = []
    for visit in visits:
        school = escaped(visit.school.name)
        township = escaped(visit.school.township.name)
        inspector = escaped(visit.inspector.name)
        if readable is not None and visit.pk not in readable:
            started = escaped(_("started %(time)s") % {"time": _time(visit.arrived_at)})
            rows.append(
                '<div class="list-group-item">\n'
                '<div class="d-flex justify-content-between align-items-start gap-2">\n'
                f'<div>\n<div class="fw-semibold">{school}</div>\n'
                f'<div class="small text-secondary">{started} · {township} · {inspector} · '
                f"{escaped(_('only its authors can open a draft'))}</div>\n</div>\n"
                '<div class="text-end flex-shrink-0"><span class="badge text-bg-secondary">'
                f"{escaped(_('Draft'))}</span></div>\n</div>\n</div>"
            )
            continue
        kind = escaped(visit.get_kind_display())
        about = [_time(visit.arrived_at)]
        if show_school:
            about += [township, kind]
        about.append(inspector)
        if visit.problem_count:
            counted = ngettext("%(counter)s problem", "%(counter)s problems", visit.problem_count)
            about.append(escaped(counted % {"counter": visit.problem_count}))
        rows.append(
            '<a class="list-group-item list-group-item-action" '
            f'href="{row_url(context, "visits:visit_detail", visit.pk)}">\n'
            '<div class="d-flex justify-content-between align-items-start gap-2">\n'
            f'<div>\n<div class="fw-semibold">{school if show_school else kind}</div>\n'
            f'<div class="small text-secondary">{" · ".join(about)}</div>\n</div>\n'
            f'<div class="text-end flex-shrink-0">{visit_badges(context, visit)}</div>\n'
            "</div>\n</a>"
        )
    # Safe: every value written is escaped above, or the badges' own HTML.
    return SafeString(f'<div class="list-group">\n{"".join(rows)}\n</div>')
