"""Badges for states and severities, so every page colours them the same way, and an item's link.

A list shows fifty items. Its per-row pieces are built here rather than in the template: an
include, ``{% url %}`` and ``truncatechars`` for each row cost more than the rest of the row. The
item page's address and the labels are worked out once per rendering (``render_context``), not
once a row."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from rectifications.models import OwnerLevel, RectificationState, Severity

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
    return f'<span class="badge {css_class}">{escape(label)}</span>'


def _rendering(context) -> dict:
    """What every row of this rendering shares: the badges in the active language and the
    item page's address (the id last)."""
    shared = context.render_context.get(__name__)
    if shared is None:
        shared = context.render_context[__name__] = {
            "state": {
                state: _badge(state_class(state), label)
                for state, label in RectificationState.choices
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
            "item_url": reverse("rectifications:item", args=[0]).removesuffix("0/"),
        }
    return shared


@register.simple_tag(takes_context=True)
def item_badges(context, item):
    """The item's state, then whether it is overdue, its verification overdue (an item of
    ``with_listing``) or escalated."""
    shared = _rendering(context)
    badges = [shared["state"][item.state]]
    if item.is_overdue:
        badges.append(shared["overdue"])
    if item.is_verification_overdue:
        badges.append(shared["verification_overdue"])
    if item.is_escalated:
        badges.append(shared["escalated"][item.owner_level])
    return mark_safe(" ".join(badges))  # the classes are ours, the labels escaped


@register.simple_tag(takes_context=True)
def severity_badge(context, item):
    return mark_safe(_rendering(context)["severity"][item.severity])


@register.simple_tag(takes_context=True)
def item_url(context, item) -> str:
    return f"{_rendering(context)['item_url']}{item.pk}/"


@register.simple_tag(takes_context=True)
def item_link(context, item):
    """A link to the item page named by the start of its problem's description."""
    text = item.description
    if len(text) > LINK_CHARS:
        text = text[: LINK_CHARS - 1] + "…"
    # The address is ours and the id a number; the text is escaped.
    return mark_safe(f'<a href="{item_url(context, item)}">{escape(text)}</a>')
