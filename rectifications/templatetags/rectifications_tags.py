"""Badges for states and severities, so every page colours them the same way.

An item's badges are built here rather than in an included template: a list shows fifty items,
and an include with its dozen lookups for each of them cost more than the rest of the row."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

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


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASSES.get(state, "text-bg-secondary")


@register.filter
def severity_class(severity: str) -> str:
    return SEVERITY_CLASSES.get(severity, "text-bg-light")


@register.simple_tag
def item_badges(item):
    """The item's state, then whether it is overdue, its verification overdue (an item of
    ``with_listing``) or escalated."""
    badges = [(state_class(item.state), item.get_state_display())]
    if item.is_overdue:
        badges.append(("text-bg-danger", _("Overdue")))
    if item.is_verification_overdue:
        badges.append(("text-bg-warning", _("Verification overdue")))
    if item.is_escalated:
        owner = item.get_owner_level_display()
        badges.append(("text-bg-dark", _("Escalated: %(owner)s") % {"owner": owner}))
    return format_html_join(" ", '<span class="badge {}">{}</span>', badges)


@register.simple_tag
def severity_badge(item):
    return format_html(
        '<span class="badge {}">{}</span>',
        severity_class(item.severity),
        item.get_severity_display(),
    )
