"""Badges for states and severities, so every page colours them the same way, an item's link and
the rows of a list of items.

A list shows a page of items. Its rows are built here rather than in the template: an include,
``{% url %}`` and ``truncatechars`` for each row cost more than the rest of the row, and the
rows' template with its lookups a third of the board. The badges and the item page's address are
worked out once per rendering (``registry_tags.shared`` and ``row_url``), not once a row."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dudao.widgets import escaped
from rectifications.models import OwnerLevel, RectificationState, Severity
from schools.templatetags.registry_tags import row_url, shared

register = template.Library()

STATE_CLASSES = {
    "open": "text-bg-secondary",
    "in_progress": "text-bg-primary",
    "awaiting_verification": "text-bg-info",
    "closed": "text-bg-success",
    "returned": "text-bg-warning",
}
SEVERITY_CLASSES = {
    "general": "text-bg-light border",
    "serious": "text-bg-warning",
    "major": "text-bg-danger",
}
LINK_CHARS = 40  # of the problem's description, in a list


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASSES.get(state, "text-bg-secondary")


@register.filter
def severity_class(severity: str) -> str:
    return SEVERITY_CLASSES.get(severity, "text-bg-light")


def _badge(css_class: str, label: str) -> str:
    return format_html('<span class="badge {}">{}</span>', css_class, label)


def _badges() -> dict:
    """Every badge an item may show, in the active language."""
    return {
        "state": {
            state: _badge(state_class(state), label) for state, label in RectificationState.choices
        },
        "severity": {
            severity: _badge(severity_class(severity), label)
            for severity, label in Severity.choices
        },
        "escalated": {
            level: _badge("text-bg-dark", _("Escalated: %(owner)s") % {"owner": label})
            for level, label in OwnerLevel.choices
        },
        "overdue": _badge("text-bg-danger", _("Overdue")),
        "verification_overdue": _badge("text-bg-warning", _("Verification overdue")),
    }


@register.simple_tag(takes_context=True)
def item_badges(context, item):
    """The item's state, then whether it is overdue, its verification overdue (an item of
    ``with_listing``) or escalated."""
    badges = shared(context, __name__, _badges)
    shown = [badges["state"][item.state]]
    if item.is_overdue:
        shown.append(badges["overdue"])
    if item.is_verification_overdue:
        shown.append(badges["verification_overdue"])
    if item.is_escalated:
        shown.append(badges["escalated"][item.owner_level])
    # Safe: each badge is HTML made by _badges.
    return SafeString(" ".join(shown))


@register.simple_tag(takes_context=True)
def severity_badge(context, item):
    return shared(context, __name__, _badges)["severity"][item.severity]


@register.simple_tag(takes_context=True)
def item_link(context, item):
    """A link to the item page named by the start of its problem's description."""
    text = item.description
    if len(text) > LINK_CHARS:
        text = text[: LINK_CHARS - 1] + "…"
    url = row_url(context, "rectifications:item", item.pk)
    # Safe: the address is made from an id, the text escaped.
    return SafeString(f'<a href="{url}">{escaped(text)}</a>')


@register.simple_tag(takes_context=True)
def item_rows(context, items) -> SafeString:
    """The table rows of ``items`` (of ``RectificationItem.objects.rows``): the problem with its
    school or owner and severity, the matter, the deadline (red when overdue), the badges and
    the responsible inspector; one row saying so when there is none."""
    if not items:
        return SafeString(
            '<tr><td colspan="5" class="text-secondary">'
            f"{escaped(_('No rectification items match.'))}</td></tr>"
        )
    rows = []
    for item in items:
        if item.school_id:
            place = f"{escaped(item.school_name)} · {escaped(item.township_name)}"
        else:
            place = f"{escaped(item.owner_name)} · {escaped(item.get_source_display())}"
        overdue = " text-danger fw-semibold" if item.is_overdue else ""
        rows.append(
            f"<tr>\n<td>\n{item_link(context, item)}\n"
            f'<br><small class="text-secondary">{place}</small>\n'
            f"{severity_badge(context, item)}\n</td>\n"
            '<td class="d-none d-md-table-cell small">'
            f"{escaped(item.matter_name or '—')}</td>\n"
            f'<td class="text-nowrap{overdue}">{item.deadline.isoformat()}</td>\n'
            f"<td>{item_badges(context, item)}</td>\n"
            '<td class="d-none d-lg-table-cell small">'
            f"{escaped(item.inspector_name or '—')}</td>\n</tr>"
        )
    # Safe: every value written is escaped above, or a badge's or link's own HTML.
    return SafeString("\n".join(rows))
