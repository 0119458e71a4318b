"""The badges of a plaque's state, built here rather than in an included template: the plaque
list shows a page of schools, and an include a row cost more than the rest of the row. The
badges are translated once per rendering (``registry_tags.shared``)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from schools.templatetags.registry_tags import shared

register = template.Library()


def _badges() -> dict:
    def badge(css_class, label):
        return format_html('<span class="badge {}">{}</span>', css_class, label)

    return {
        "unissued": badge("text-bg-danger", _("Not issued")),
        "unposted": badge("text-bg-danger", _("Not posted")),
        "outdated": badge("text-bg-warning", _("Outdated")),
        "current": badge("text-bg-success", _("Current")),
        "no_photo": badge("text-bg-light border", _("No photo")),
        "no_inspector": badge("text-bg-danger", _("No inspector")),
    }


@register.simple_tag(takes_context=True)
def plaque_badges(context, plaque):
    """What the plaque needs next, then what it lacks; ``plaque`` is an
    ``inspectors.plaques.PlaqueStatus`` or ``PlaqueFlags``."""
    badges = shared(context, __name__, _badges)
    if not plaque.is_issued:
        shown = [badges["unissued"]]
    elif not plaque.is_posted:
        shown = [badges["unposted"]]
    elif plaque.is_outdated:
        shown = [badges["outdated"]]
    else:
        shown = [badges["current"]]
    if plaque.lacks_photo:
        shown.append(badges["no_photo"])
    if not plaque.has_inspector:
        shown.append(badges["no_inspector"])
    return format_html_join(" ", "{}", ((badge,) for badge in shown))
