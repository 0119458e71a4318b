"""The navigation bar: one list, filtered by role. Features add their entries here."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.access import ALL_ROLES, COUNTY_READERS, OFFICE, OFFICE_AND_COMMITTEE
from accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    # Items of one group share a dropdown, so the bar fits one line on a desktop.
    group: str | None = None
    # A link that depends on the user (e.g. a principal's own school); None leaves it out.
    url_for: Callable[[object], str | None] | None = None

    def url(self, user) -> str | None:
        if self.url_for:
            return self.url_for(user)
        return _fixed_url(self.url_name, get_script_prefix())


@cache
def _fixed_url(url_name: str, script_prefix: str) -> str:
    # The bar is drawn on every page: reversing its twenty links each time cost more than the
    # rest of the bar. A URL without arguments only changes with the prefix it is served under.
    return reverse(url_name)


def _own_school(user) -> str | None:
    return reverse("schools:school_detail", args=[user.school_id]) if user.school_id else None


GROUP_LABELS = {
    "manage": _("Management"),
    "public": _("Public supervision"),
    "figures": _("Figures"),
    "meetings": _("Meetings and notices"),
}

NAV_ITEMS = [
    NavItem(_("Home"), "home", ALL_ROLES),
    NavItem(
        _("Your school"), "schools:school_detail", frozenset({Role.PRINCIPAL}), url_for=_own_school
    ),
    NavItem(_("Supervision this month"), "visits:my_schools", frozenset({Role.INSPECTOR})),
    NavItem(_("Visit records"), "visits:visit_list", COUNTY_READERS),
    NavItem(_("Feedback"), "visits:school_visits", frozenset({Role.PRINCIPAL})),
    NavItem(_("Schools"), "schools:school_list", COUNTY_READERS),
    NavItem(_("Rectifications"), "rectifications:board", OFFICE_AND_COMMITTEE),
    NavItem(_("Our rectifications"), "rectifications:our_items", frozenset({Role.PRINCIPAL})),
    NavItem(_("Rectifications"), "rectifications:my_items", frozenset({Role.INSPECTOR})),
    NavItem(
        _("Public supervision"), "complaints:list", frozenset({Role.INSPECTOR, Role.PRINCIPAL})
    ),
    NavItem(_("Inspectors"), "inspectors:inspector_list", OFFICE_AND_COMMITTEE),
    # Figures: coverage and the reports (the dashboard also leads to the summaries).
    NavItem(_("Coverage"), "schools:coverage", OFFICE_AND_COMMITTEE, "figures"),
    NavItem(_("Supervision figures"), "reports:dashboard", OFFICE_AND_COMMITTEE, "figures"),
    NavItem(_("Monthly reports"), "reports:monthly_list", OFFICE_AND_COMMITTEE, "figures"),
    NavItem(_("Inspector assessment"), "reports:assessment", OFFICE_AND_COMMITTEE, "figures"),
    NavItem(_("Counties side by side"), "reports:region", frozenset({Role.REGION}), "figures"),
    NavItem(_("My work"), "reports:my_page", frozenset({Role.INSPECTOR})),
    NavItem(_("Our supervision"), "reports:school_page", frozenset({Role.PRINCIPAL})),
    # Meetings and work notices share a menu, so the office's bar stays one line.
    NavItem(_("Meetings"), "meetings:meeting_list", ALL_ROLES, "meetings"),
    NavItem(_("Work notices"), "meetings:notice_list", ALL_ROLES, "meetings"),
    # Public supervision (社会监督): complaints, plaques, the county's public page.
    NavItem(_("Complaints"), "complaints:list", OFFICE_AND_COMMITTEE, "public"),
    NavItem(_("Plaques"), "inspectors:plaque_list", OFFICE_AND_COMMITTEE, "public"),
    NavItem(_("Announcements"), "complaints:announcements", OFFICE_AND_COMMITTEE, "public"),
    NavItem(_("Public page settings"), "complaints:public_settings", OFFICE, "public"),
    NavItem(_("Committee"), "meetings:committee", OFFICE_AND_COMMITTEE, "manage"),
    NavItem(_("County departments"), "schools:department_list", OFFICE_AND_COMMITTEE, "manage"),
    NavItem(_("Accounts"), "accounts:user_list", OFFICE, "manage"),
    NavItem(_("Import"), "schools:import", OFFICE, "manage"),
    NavItem(_("County settings"), "schools:county_settings", OFFICE_AND_COMMITTEE, "manage"),
]


def items_for(user) -> list[NavItem]:
    # A superuser works county-wide, like the office and the committee.
    roles = OFFICE_AND_COMMITTEE if user.is_superuser else {user.role}
    return [item for item in NAV_ITEMS if roles & item.roles]


def menu_for(user) -> list[dict]:
    """The bar as the template draws it: links, and groups holding their links."""
    menu, groups = [], {}
    for item in items_for(user):
        url = item.url(user)
        if url is None:
            continue
        link = {"label": item.label, "url": url, "children": []}
        if item.group is None:
            menu.append(link)
            continue
        if item.group not in groups:
            groups[item.group] = {"label": GROUP_LABELS[item.group], "url": "", "children": []}
            menu.append(groups[item.group])
        groups[item.group]["children"].append(link)
    return menu


# The bar's HTML for each set of roles, language, script prefix and user-dependent links, as
# parts (``_menu_parts``); few such sets exist but for the principals' own-school links, so the
# dict is emptied when it grows past this.
MENUS_KEPT = 256
_menus: dict[tuple, tuple] = {}


def menu_html(user, path: str) -> SafeString:
    """The bar's entries as HTML (``base.html`` places them), the link of ``path`` marked
    active. Written in Python and kept per set of roles and language: as a template loop, the
    bar cost a small page a tenth of its rendering, and written afresh each time, a twentieth."""
    items = items_for(user)
    key = (
        frozenset(OFFICE_AND_COMMITTEE if user.is_superuser else {user.role}),
        get_language(),
        get_script_prefix(),
        tuple(item.url(user) for item in items if item.url_for),
    )
    parts = _menus.get(key)
    if parts is None:
        if len(_menus) >= MENUS_KEPT:
            _menus.clear()
        parts = _menus[key] = _menu_parts(menu_for(user))
    # Safe: the parts are HTML written by _menu_parts, their values escaped there.
    return SafeString("".join(active if url == path else plain for url, plain, active in parts))


NAV_LINK = '<li class="nav-item"><a class="nav-link{}" href="{}">{}</a></li>'
DROPDOWN_LINK = '<li><a class="dropdown-item{}" href="{}">{}</a></li>'


def _menu_parts(menu: list[dict]) -> tuple[tuple[str | None, str, str], ...]:
    """The bar's HTML in order, as (url, HTML, HTML when the page is that url's) parts: a link
    is marked active on its own page; the rest (``url`` None) is the same on every page."""

    def link(html: str, entry: dict) -> tuple[str, str, str]:
        return (
            entry["url"],
            format_html(html, "", entry["url"], entry["label"]),
            format_html(html, " active", entry["url"], entry["label"]),
        )

    def fixed(html: str) -> tuple[None, str, str]:
        return (None, html, html)

    parts = []
    for number, entry in enumerate(menu):
        if number:
            parts.append(fixed("\n"))
        if not entry["children"]:
            parts.append(link(NAV_LINK, entry))
            continue
        parts.append(
            fixed(
                format_html(
                    '<li class="nav-item dropdown">\n<button class="nav-link dropdown-toggle" '
                    'type="button" data-bs-toggle="dropdown" aria-expanded="false">{}</button>\n'
                    '<ul class="dropdown-menu">',
                    entry["label"],
                )
            )
        )
        parts.extend(link(DROPDOWN_LINK, child) for child in entry["children"])
        parts.append(fixed("</ul>\n</li>"))
    return tuple(parts)
