"""Badges for states and severities, so every page colours them the same way, and an item's link.

A list shows a page of items. Its per-row pieces are built here rather than in the template: an
include, ``{% url %}`` and ``truncatechars`` for each row cost more than the rest of the row. The
badges and the item page's address are worked out once per rendering (``registry_tags.shared``
and ``row_url``), not once a row."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

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
    return format_html_join(" ", "{}", ((badge,) for badge in shown))


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
    return format_html('<a href="{}">{}</a>', url, text)
