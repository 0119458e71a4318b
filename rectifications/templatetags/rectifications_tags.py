"""Badges for states and severities, so every page colours them the same way."""

from django import template

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
