"""The badges of a plaque's state, built here rather than in an included template: the plaque
list shows a page of schools, and an include a row cost more than the rest of the row."""

from django import template
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def plaque_badges(plaque):
    """What the plaque needs next, then what it lacks; ``plaque`` is an
    ``inspectors.plaques.PlaqueStatus`` or ``PlaqueFlags``."""
    if not plaque.is_issued:
        badges = [("text-bg-danger", _("Not issued"))]
    elif not plaque.is_posted:
        badges = [("text-bg-danger", _("Not posted"))]
    elif plaque.is_outdated:
        badges = [("text-bg-warning", _("Outdated"))]
    else:
        badges = [("text-bg-success", _("Current"))]
    if plaque.lacks_photo:
        badges.append(("text-bg-light border", _("No photo")))
    if not plaque.has_inspector:
        badges.append(("text-bg-danger", _("No inspector")))
    return format_html_join(" ", '<span class="badge {}">{}</span>', badges)
