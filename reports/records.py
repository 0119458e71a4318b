"""The records behind each dashboard number, filtered exactly as the number counted them
(the filters come from ``figures``), for the page each number links to."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from meetings.models import NoticeRecipient
from reports import figures
from reports.figures import Scope
from reports.periods import Period

SCHOOLS, VISITS, ITEMS, MEETINGS, NOTICES = "schools", "visits", "items", "meetings", "notices"
SUBMISSIONS = "submissions"


@dataclass(frozen=True)
class Figure:
    key: str
    kind: str
    label: str


FIGURES = {
    figure.key: figure
    for figure in (
        Figure("open", SCHOOLS, _("Open schools")),
        Figure("covered", SCHOOLS, _("Schools with an active inspector")),
        Figure("uncovered", SCHOOLS, _("Schools without an active inspector")),
        Figure("full", SCHOOLS, _("Fully covered: an active inspector and a current plaque")),
        Figure("not_visited", SCHOOLS, _("Schools without a duty visit")),
        Figure("visits", VISITS, _("Visits")),
        Figure("opened", ITEMS, _("Rectification items opened")),
        Figure("closed", ITEMS, _("Rectification items signed off")),
        Figure("unresolved", ITEMS, _("Unresolved rectification items (now)")),
        Figure("overdue", ITEMS, _("Overdue rectification items (now)")),
        Figure("escalated", ITEMS, _("Escalated unresolved items (now)")),
        Figure("meetings", MEETINGS, _("Meetings held")),
        Figure("received", SUBMISSIONS, _("Public submissions received")),
        Figure("answered_in_time", SUBMISSIONS, _("Public submissions answered in time")),
        Figure("submissions_overdue", SUBMISSIONS, _("Public submissions overdue (now)")),
        Figure("notices", NOTICES, _("Work notices sent")),
        Figure("unread", NOTICES, _("Notice receipts not read yet")),
    )
}


def records(figure: Figure, scope: Scope, period: Period, today: datetime.date, *, matter=None):
    """The queryset behind ``figure``: the same records the dashboard counted."""
    if figure.kind == SCHOOLS:
        if figure.key == "full":
            ids = [school_id for school_id, _township in figures.fully_covered(scope)]
            condition = Q(pk__in=ids)
        else:
            condition = figures.school_filters(period, today)[figure.key]
        return (
            scope.schools()
            .active()
            .filter(condition)
            .select_related("township")
            .with_active_inspector_count()
            .order_by("township__name", "name", "pk")
        )
    if figure.kind == VISITS:
        return (
            scope.visits()
            .filter(figures.visit_filters(period)[figure.key])
            .select_related("school__township", "inspector")
            .order_by("-arrived_at", "-pk")
        )
    if figure.kind == ITEMS:
        items = scope.items().filter(figures.item_filters(period, today)[figure.key])
        if matter is not None:
            items = items.filter(matter_id=matter)
        return items.select_related("school__township", "matter", "responsible_inspector").order_by(
            "deadline", "pk"
        )
    if figure.kind == SUBMISSIONS:
        return (
            scope.submissions()
            .filter(figures.submission_filters(period, today)[figure.key])
            .select_related("school__township", "assigned_inspector")
            .order_by("-received_at", "-pk")
        )
    if figure.kind == NOTICES:
        notices = scope.notices().filter(figures.notice_filters(period)["notices"])
        if figure.key == "notices":
            return notices.annotate(
                receipts=Count("recipients"),
                unread=Count("recipients", filter=Q(recipients__read_at__isnull=True)),
            ).order_by("-sent_at", "-pk")
        return (
            NoticeRecipient.objects.filter(notice__in=notices, read_at__isnull=True)
            .select_related("notice", "user")
            .order_by("-notice__sent_at", "notice_id", "pk")
        )
    return (
        figures.held_meetings(scope.meetings(), period)
        .prefetch_related("invitees")
        .order_by("-starts_at", "-pk")
    )
