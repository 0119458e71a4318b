"""A visit's badges (draft, read or unread, replied, a flagged check-in), the same on the lists and
on the record.

Built here rather than in an included template: a list shows 25 visits, and an include with its
lookups for each of them cost as much as the rest of the row. The badges' HTML is made once per
language. (A record's address in a list: ``registry_tags.row_url``.)"""

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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


@register.simple_tag(takes_context=True)
def visit_badges(context, visit):
    """Draft, or read (when, on hover) or not yet; replied; a flagged check-in, which the
    school's principal is not shown."""
    badges = _badges()
    if visit.is_draft:
        shown = [badges["draft"]]
    elif visit.read_at:
        read_at = dateformat.format(timezone.localtime(visit.read_at), "Y-m-d H:i")
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
    return format_html_join("\n", "{}", ((badge,) for badge in shown))
