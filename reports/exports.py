"""List exports: each list page's current filter as an .xlsx sheet.

A list of up to ``INLINE_EXPORT_ROWS`` rows is written during the request and streamed; a longer
one is written by the worker (``ExportJob``), with its progress stored like a monthly report's,
and downloaded when ready. The worker rebuilds the list from the stored query string with the
requester's own permissions, so an export never holds more than its list showed them.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.access import COUNTY_READERS, OFFICE_AND_COMMITTEE, has_role
from complaints import export as complaint_export
from complaints.forms import SubmissionFilterForm
from complaints.models import Submission
from inspectors.forms import InspectorFilterForm
from inspectors.models import Inspector
from rectifications import export as item_export
from rectifications.forms import BoardFilterForm
from rectifications.models import RectificationItem
from schools.forms import SchoolFilterForm
from schools.models import School
from visits import export as visit_export
from visits.forms import VisitFilterForm
from visits.models import Visit
from visits.services import filter_visits, with_list_columns


class InvalidFilters(Exception):
    """The list's filters do not validate: nothing is exported rather than too much."""


@dataclass(frozen=True)
class ListExport:
    kind: str
    list_url: str  # the list page's URL name, where a bad filter sends the user back
    title: Callable[[], str]
    filename: Callable[[], str]
    may_export: Callable[[object], bool]
    rows_of: Callable[[object, QueryDict], object]  # (user, filters) -> queryset
    header: Callable[[], list]
    row: Callable[[object], list]  # a record -> its cells
    # (queryset, chunk size) -> its records: model instances, or values where a list runs long
    records: Callable[[object, int], Iterator] = QuerySet.iterator
    chunk_size: int = 1000

    def queryset(self, user, params: QueryDict):
        return self.rows_of(user, params)

    def rows(self, queryset, progress: Callable[[int], None] | None = None) -> Iterator[list]:
        for number, record in enumerate(self.records(queryset, self.chunk_size), start=1):
            yield self.row(record)
            if progress and number % self.chunk_size == 0:
                progress(number)

    def back_url(self, params: QueryDict) -> str:
        return f"{reverse(self.list_url)}?{params.urlencode()}"


def _checked(form):
    form.is_valid()
    if form.errors:
        raise InvalidFilters
    return form


def _is_county_staff(user) -> bool:
    return user.is_superuser or user.is_office or user.is_county_reader


def _visits(user, params):
    form = _checked(VisitFilterForm(params, user=user))
    visits = filter_visits(Visit.objects.for_user(user), form.cleaned_data)
    return with_list_columns(visits).order_by("-arrived_at", "-pk")


def _items(user, params):
    if not set(params) - {"page"}:  # as the board opens: what awaits the office
        params = params.copy()
        params["show"] = BoardFilterForm.AWAITING_OFFICE
    form = _checked(BoardFilterForm(params, user=user))
    items = RectificationItem.objects.for_user(user).with_listing()
    return form.filter(items).order_by("deadline", "pk")


def _schools(user, params):
    form = _checked(SchoolFilterForm(params, user=user))
    schools = (
        School.objects.for_user(user)
        .select_related("township", "county__settings")
        .with_active_inspector_count()
    )
    return form.filter(schools).order_by("township__name", "name", "pk")


def _inspectors(user, params):
    form = _checked(InspectorFilterForm(params, user=user))
    inspectors = Inspector.objects.for_user(user).select_related("zone").with_load()
    return form.filter(inspectors).order_by("name", "pk")


def _complaints(user, params):
    """The office's submission list as filtered (never the personal columns: those are only
    exported during the request, where each row's view is recorded)."""
    form = _checked(SubmissionFilterForm(params))
    submissions = Submission.objects.for_user(user).select_related(
        "school__township", "matter", "assigned_inspector"
    )
    return form.filter(submissions).order_by("received_at", "pk")


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _school_header() -> list:
    return [
        _("School code"),
        _("School"),
        _("Township"),
        _("Kind"),
        _("Public"),
        _("Central school"),
        _("Boarding"),
        _("Students"),
        _("Teachers"),
        _("Principal"),
        _("Phone"),
        _("Address"),
        _("Active inspectors"),
        pgettext("report", "Open"),
    ]


def _school_row(school) -> list:
    return [
        school.code,
        school.name,
        school.township.name,
        school.get_kind_display(),
        _yes_no(school.is_public),
        _yes_no(school.is_central),
        _yes_no(school.is_boarding),
        school.students,
        school.teachers,
        school.principal_name,
        school.phone,
        school.address,
        school.active_inspector_count,
        _yes_no(school.is_active),
    ]


def _inspector_header() -> list:
    return [
        _("Name"),
        _("Kind"),
        _("Status"),
        _("Employer"),
        _("Post"),
        _("Phone"),
        _("Certificate number"),
        _("Appointed on"),
        _("Term ends on"),
        _("Responsibility zone"),
        _("Schools now"),
    ]


def _inspector_row(inspector) -> list:
    return [
        inspector.name,
        inspector.get_kind_display(),
        inspector.get_status_display(),
        inspector.employer,
        inspector.post,
        inspector.phone,
        inspector.certificate_no,
        inspector.appointed_on,
        inspector.term_ends_on,
        inspector.zone.name if inspector.zone else "",
        inspector.load,
    ]


def _today() -> str:
    return f"{timezone.localdate():%Y%m%d}"


EXPORTS = {
    export.kind: export
    for export in (
        ListExport(
            kind="visits",
            list_url="visits:visit_list",
            title=lambda: _("Visits"),
            filename=lambda: f"{_('Visit records')}-{_today()}.xlsx",
            may_export=_is_county_staff,
            rows_of=_visits,
            header=visit_export.header,
            row=visit_export.row,
            records=visit_export.records,
            chunk_size=2000,
        ),
        ListExport(
            kind="rectifications",
            list_url="rectifications:board",
            title=lambda: _("Rectification items"),
            filename=lambda: f"{_('Rectification items')}-{_today()}.xlsx",
            may_export=lambda user: has_role(user, OFFICE_AND_COMMITTEE),
            rows_of=_items,
            header=item_export.header,
            row=item_export.row,
        ),
        ListExport(
            kind="schools",
            list_url="schools:school_list",
            title=lambda: _("Schools"),
            filename=lambda: f"{_('Schools')}-{_today()}.xlsx",
            may_export=lambda user: has_role(user, COUNTY_READERS),
            rows_of=_schools,
            header=_school_header,
            row=_school_row,
        ),
        ListExport(
            kind="inspectors",
            list_url="inspectors:inspector_list",
            title=lambda: _("Inspectors"),
            filename=lambda: f"{_('Inspectors')}-{_today()}.xlsx",
            may_export=lambda user: has_role(user, OFFICE_AND_COMMITTEE),
            rows_of=_inspectors,
            header=_inspector_header,
            row=_inspector_row,
        ),
        ListExport(
            kind="complaints",
            list_url="complaints:list",
            title=lambda: _("Public submissions"),
            filename=complaint_export.filename,
            may_export=lambda user: has_role(user, OFFICE_AND_COMMITTEE),
            rows_of=_complaints,
            header=complaint_export.header,
            row=complaint_export.row,
        ),
    )
}
