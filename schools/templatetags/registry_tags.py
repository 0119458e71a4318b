"""Per-row pieces of the registry lists (schools, inspectors, plaques, coverage).

A list shows a page of rows. ``{% url %}``, an include and a ``{% blocktrans count %}`` for each
row cost more than the rest of the row, so what the rows share is worked out here once per
rendering (``render_context``): a detail page's address but for the id, a badge per number of
inspectors.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def shared(context, key, make):
    """``make()``, once per rendering and ``key``."""
    found = context.render_context.setdefault(__name__, {})
    if key not in found:
        found[key] = make()
    return found[key]


@register.simple_tag(takes_context=True)
def row_url(context, url_name: str, pk: int) -> str:
    """The address of ``url_name`` (a page whose address ends with its one argument, an id)
    for ``pk``."""
    return f"{shared(context, url_name, lambda: _address_before_id(url_name))}{pk}/"


def _address_before_id(url_name: str) -> str:
    address = reverse(url_name, args=[0])
    if not address.endswith("/0/"):
        raise ValueError(f"{url_name} does not end with its id: {address}")
    return address[:-2]


def _coverage_badges() -> dict:
    def counted(count: int, under: bool) -> str:
        if under:
            text = ngettext(
                "%(counter)s inspector, under minimum",
                "%(counter)s inspectors, under minimum",
                count,
            )
        else:
            text = ngettext("%(counter)s inspector", "%(counter)s inspectors", count)
        css = "text-bg-warning" if under else "text-bg-success"
        return format_html('<span class="badge {}">{}</span>', css, text % {"counter": count})

    return {
        "closed": format_html('<span class="badge text-bg-secondary">{}</span>', _("Closed")),
        "none": format_html('<span class="badge text-bg-danger">{}</span>', _("No inspector")),
        "counted": counted,
    }


@register.simple_tag(takes_context=True)
def coverage_badge(context, school) -> str:
    """The school's coverage: closed, no inspector, under its county's minimum (a central
    school) or its number of inspectors. Needs ``active_inspector_count`` and ``central_minimum``
    (its county's minimum of inspectors for a central school) annotated."""
    badges = shared(context, "coverage", _coverage_badges)
    count = school.active_inspector_count
    if not school.is_active:
        return badges["closed"]
    if count == 0:
        return badges["none"]
    under = school.is_central and count < school.central_minimum
    key = (count, under)
    if key not in badges:
        badges[key] = badges["counted"](count, under)
    return badges[key]
