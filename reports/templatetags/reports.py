"""Template filters of the report pages."""

from django import template

register = template.Library()


@register.filter
def percent(value, digits: int = 0) -> str:
    """A share (0.25) as a percentage (25%); a dash when there is nothing to divide."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(digits)}%}"


@register.filter
def days(value) -> str:
    """A number of days, without a needless decimal (7, 7.5)."""
    if value is None:
        return "—"
    return f"{value:g}"
