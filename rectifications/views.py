"""Pages of the rectification loop: the office board, to-do lists, the item page, notices."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import OFFICE_AND_COMMITTEE, roles_required
from accounts.models import Role
from accounts.scoping import CHANGE, VIEW
from dudao.files import private_file_response
from dudao.pagination import paginate
from dudao.pickers import picker_response
from dudao.snapshots import figures_kept, figures_snapshot
from dudao.xlsx import INLINE_EXPORT_ROWS
from rectifications import export, services
from rectifications.forms import (
    STEP_FORMS,
    BoardFilterForm,
    ItemForm,
    NoticeForm,
    SummaryPlaceForm,
)
from rectifications.models import (
    SCHOOL_MOVE_STATES,
    STEPS,
    UNRESOLVED_STATES,
    EventAction,
    RectificationEvidence,
    RectificationItem,
    RectificationNotice,
    RectificationState,
    TransitionError,
    awaiting_office_q,
    verification_overdue_q,
)
from schools.models import CountySettings, School, Township
from visits.models import Visit

# Items counted past the start of the page: a province's board is not counted to its end (the
# counts per state above it are).
COUNTED = 1000

# What the school does next, by state (the principal's to-do list).
NEXT_STEP = {
    RectificationState.OPEN: gettext_lazy("Submit your rectification plan."),
    RectificationState.IN_PROGRESS: gettext_lazy(
        "Fix the problem, then report completion with photos."
    ),
    RectificationState.RETURNED: gettext_lazy(
        "Returned by the inspector: fix what is asked and report completion again."
    ),
    RectificationState.AWAITING_VERIFICATION: gettext_lazy("Waiting for the inspector to verify."),
    RectificationState.CLOSED: gettext_lazy("Closed."),
}

# The step the school's item expects next; the principal's page leads with its form, and the
# other steps the school may take (a progress report) wait below it.
EXPECTED_STEP = {
    RectificationState.OPEN: EventAction.PLAN_SUBMITTED,
    RectificationState.IN_PROGRESS: EventAction.DONE_REPORTED,
    RectificationState.RETURNED: EventAction.DONE_REPORTED,
}


def _board_form(request) -> BoardFilterForm:
    """The board's filters; opened without any, it shows what awaits the office."""
    data = request.GET
    if not set(data) - {"page"}:
        data = data.copy()
        data["show"] = BoardFilterForm.AWAITING_OFFICE
    return BoardFilterForm(data, user=request.user)


@roles_required(OFFICE_AND_COMMITTEE)
def board(request):
    """The county's items, filterable, with counts per state, for the office and committee."""
    items = RectificationItem.objects.for_user(request.user)
    form = _board_form(request)
    unstated = form.filter(items, with_state=False)
    today = timezone.localdate()

    def count() -> dict:
        return _board_counts(unstated, today, all_await_office=form.shows_awaiting_office)

    if request.user.is_region:
        # A region user reads a province's hundred thousand items and acts on none: the counts
        # above the list are figures, kept for the minutes its counties chose (dudao.snapshots).
        minutes = CountySettings.objects.filter(county__region=request.user.region_id).aggregate(
            minutes=Min("figures_refresh_minutes")
        )["minutes"]
        filters = sorted((k, v) for k, v in request.GET.lists() if k not in NOT_COUNTED)
        counts, figures = figures_kept(
            request, "board-counts", minutes=minutes or 0, parts=(filters, today), count=count
        )
    else:
        counts, figures = count(), None
    state = form.cleaned_data["state"] if form.is_valid() else ""
    page = paginate(request, form.filter(items).by_urgency(), count_limit=COUNTED)
    page.object_list = _rows_of(page, today)
    return render(
        request,
        "rectifications/board.html",
        {
            "form": form,
            "page": page,
            "listed": counts[state] if state else counts["total"],
            "counts": counts,
            "state_counts": [
                (value, label, counts[value]) for value, label in RectificationState.choices
            ],
            "today": today,
            "figures": figures,
        },
    )


# What the counts above the board do not depend on: the page, the state tab, counting again.
NOT_COUNTED = {"page", "state", "fresh"}


def _rows_of(page, today):
    """The rows of ``page``, found first by their keys alone: the filters and the order need
    no other table, and a plan of the seven tables a row shows over a county's items took five
    times as long as the two queries."""
    shown = list(page.object_list.values_list("pk", flat=True))
    rows = RectificationItem.objects.rows(today).order_by().in_bulk(shown)
    return [rows[pk] for pk in shown]


def _board_counts(items, today, *, all_await_office: bool) -> dict:
    """How many of ``items`` are in each state, and overdue, verification overdue and awaiting
    the office: a row per state from the database, added up here."""
    tallies = {
        "overdue": Count("pk", filter=Q(state__in=SCHOOL_MOVE_STATES, deadline__lt=today)),
        "verification_overdue": Count("pk", filter=verification_overdue_q(today)),
    }
    if not all_await_office:  # else every item awaits the office: no condition to count
        tallies["awaiting_office"] = Count("pk", filter=awaiting_office_q(today))
    counts = dict.fromkeys(["total", *RectificationState.values, *tallies], 0)
    for row in items.order_by().values("state").annotate(items=Count("pk"), **tallies):
        counts[row["state"]] = row["items"]
        counts["total"] += row["items"]
        for name in tallies:
            counts[name] += row[name]
    if all_await_office:
        counts["awaiting_office"] = counts["total"]
    return counts


@roles_required(OFFICE_AND_COMMITTEE)
def board_export(request):
    """The board's filtered list as an .xlsx file."""
    form = _board_form(request)
    if not form.is_valid():
        # Never export more than asked: back to the board, which shows what is wrong.
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('rectifications:board')}?{request.GET.urlencode()}")
    items = form.filter(RectificationItem.objects.for_user(request.user).with_listing())
    if items.count() > INLINE_EXPORT_ROWS:  # too long for the request: the worker writes it
        query = request.GET.urlencode()
        return redirect(f"{reverse('reports:export', args=['rectifications'])}?{query}")
    return export.items_response(items.by_urgency())


@roles_required(OFFICE_AND_COMMITTEE)
def summary(request):
    """Per township and per school: open, overdue, closed this month, median days to close.

    A user of several counties chooses one first: a province's 700 townships and 30,000 schools
    are not tallied on every request."""
    form = SummaryPlaceForm(request.GET, user=request.user)
    county = form.chosen_county
    if form.several_counties and county is None:
        return render(request, "rectifications/summary.html", {"form": form, "choose_county": True})
    today = timezone.localdate()
    month_start = timezone.make_aware(datetime.datetime(today.year, today.month, 1))

    def figures_context() -> dict:
        return {
            **_summary_rows(request, county=county, today=today, month_start=month_start),
            # The board's links keep the county a user of several counties chose.
            "board_query": f"county={county.code}&" if county else "",
            "month_start": month_start,
        }

    return render(
        request,
        "rectifications/summary.html",
        {
            "form": form,
            "figures": figures_snapshot(
                request,
                "rectification-summary",
                counties=(county or request.user.county,),
                parts=(today, request.GET.get("page", "")),
                template="rectifications/_summary_figures.html",
                context=figures_context,
            ),
        },
    )


def _summary_rows(request, *, county, today, month_start) -> dict:
    """The summary's townships and the requested page of its schools, counted."""
    items = RectificationItem.objects.for_user(request.user)
    schools = School.objects.for_user(request.user)
    townships = Township.objects.for_user(request.user)
    if county is not None:
        items = items.filter(county=county)
        schools = schools.filter(county=county)
        townships = townships.filter(county=county)

    def tally(prefix: str):
        return {
            "total": Count(f"{prefix}", distinct=True),
            "open": Count(f"{prefix}", filter=Q(**{f"{prefix}__state__in": UNRESOLVED_STATES})),
            "overdue": Count(
                f"{prefix}",
                filter=Q(
                    **{
                        f"{prefix}__state__in": SCHOOL_MOVE_STATES,
                        f"{prefix}__deadline__lt": today,
                    }
                ),
            ),
            "closed_this_month": Count(
                f"{prefix}",
                filter=Q(
                    **{
                        f"{prefix}__state": RectificationState.CLOSED,
                        f"{prefix}__closed_at__gte": month_start,
                    }
                ),
            ),
        }

    schools = (
        schools.filter(pk__in=items.values("school_id"))
        .select_related("township")
        .only("code", "name", "township__name")
        .annotate(**tally("rectification_items"))
        .order_by("-overdue", "-open", "township__name", "name")
    )
    townships = (
        townships.filter(pk__in=items.values("school__township_id"))
        .annotate(**tally("schools__rectification_items"))
        .order_by("-overdue", "-open", "name")
    )
    page = paginate(request, schools)
    by_school = items.filter(school__in=[school.pk for school in page]).median_days_to_close(
        "school_id"
    )
    for school in page:
        school.median_days = by_school.get(school.pk)
    # The school's county is the item's: said outright, PostgreSQL reads only that county's
    # schools to find their townships, not every school of the province.
    by_township = items.filter(school__county=F("county")).median_days_to_close(
        "school__township_id"
    )
    township_rows = list(townships)
    for township in township_rows:
        township.median_days = by_township.get(township.pk)
    return {"page": page, "townships": township_rows}


@roles_required({Role.PRINCIPAL})
def our_items(request):
    """The principal's to-do list: what the school does next and by when."""
    items = RectificationItem.objects.for_user(request.user)
    todo = (
        items.rows()
        .filter(state__in=SCHOOL_MOVE_STATES)
        .order_by(
            Case(
                When(state=RectificationState.RETURNED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "deadline",
            "pk",
        )
    )
    notices = RectificationNotice.objects.for_user(request.user).filter(
        acknowledged_at__isnull=True
    )
    page = paginate(request, todo)
    for item in page:
        item.next_step = NEXT_STEP[item.state]
    return render(
        request,
        "rectifications/our_items.html",
        {
            "page": page,
            # Only what their lines show.
            "waiting": items.filter(state=RectificationState.AWAITING_VERIFICATION)
            .only("description")
            .annotate(matter_name=F("matter__name")),
            "closed": items.filter(state=RectificationState.CLOSED)
            .only("description", "closed_at")
            .order_by("-closed_at")[:10],
            "notices": notices,
        },
    )


@roles_required({Role.INSPECTOR})
def my_items(request):
    """The inspector's items: awaiting verification first, then overdue, then by deadline."""
    today = timezone.localdate()
    items = RectificationItem.objects.for_user(request.user).rows(today)
    show_closed = request.GET.get("closed") == "1"
    if show_closed:
        items = items.filter(state=RectificationState.CLOSED).order_by("-closed_at", "-pk")
    else:
        # By deadline, the overdue ones come first of those not awaiting verification.
        items = items.unresolved().order_by(
            Case(
                When(state=RectificationState.AWAITING_VERIFICATION, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "deadline",
            "pk",
        )
    return render(
        request,
        "rectifications/my_items.html",
        {
            "page": paginate(request, items),
            "show_closed": show_closed,
            "today": today,
        },
    )


def _item_context(request, item, bound=None):
    """The item page: facts, timeline, and the forms of the steps this user may take now."""
    actions = item.allowed_actions(request.user)
    expected = EXPECTED_STEP.get(item.state) if request.user.is_principal else None
    if expected in actions:
        actions = [expected, *(action for action in actions if action != expected)]
    step_forms = [
        (bound if bound and bound.action == action else STEP_FORMS[action](item=item))
        for action in actions
    ]
    county_settings = item.county.settings
    return {
        "item": item,
        "events": item.events.select_related("actor").prefetch_related(
            Prefetch("evidence", queryset=RectificationEvidence.objects.order_by("pk"))
        ),
        "step_forms": step_forms,
        "notices": RectificationNotice.objects.for_user(request.user).filter(items=item),
        "visit_visible": item.visit_visible,
        "verification_due_on": item.verification_due_on(county_settings),
        "follow_up_due_on": item.follow_up_due_on(county_settings),
        "can_issue_notice": item.may_issue_notice,
        "next_step": NEXT_STEP[item.state] if request.user.is_principal else "",
        "expected_step": expected if expected in actions else None,
        "other_steps_open": bound is not None and bound.action != expected,
    }


def _items_for_page(user, action=VIEW):
    """The items ``user`` may open, each with what its page shows of its visit and whether the
    user may open that visit and issue its school a notice (asked in the same query)."""
    issues_notices = user.is_office or user.is_inspector
    return (
        RectificationItem.objects.for_user(user, action)
        .with_listing()
        .select_related("county__settings")
        .annotate(
            visit_arrived_at=F("visit__arrived_at"),
            # Links only to what the reader may open (an inspector responsible for the item may
            # not be assigned to the school any more).
            visit_visible=Exists(Visit.objects.for_user(user).filter(pk=OuterRef("visit_id"))),
            may_issue_notice=Exists(
                School.objects.for_user(user, CHANGE).filter(pk=OuterRef("school_id"))
            )
            if issues_notices
            else Value(False),
        )
    )


@login_required
def item_detail(request, pk):
    item = get_object_or_404(_items_for_page(request.user), pk=pk)
    return render(request, "rectifications/item.html", _item_context(request, item))


@login_required
@require_POST
def item_action(request, pk, action):
    """Take one step; a forbidden or stale step shows its reason on the item page."""
    if action not in STEP_FORMS:
        raise Http404
    item = get_object_or_404(_items_for_page(request.user, CHANGE), pk=pk)
    if not item.capacities_of(request.user) & set(STEPS[action].capacities_for(item)):
        raise PermissionDenied
    form = STEP_FORMS[action](request.POST, request.FILES, item=item)
    if form.is_valid():
        try:
            event = form.take(request.user)
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Done: %(action)s.") % {"action": event.get_action_display()}
            )
            return redirect("rectifications:item", pk=item.pk)
    return render(request, "rectifications/item.html", _item_context(request, item, form))


@roles_required({Role.OFFICE, Role.INSPECTOR})
def item_create(request):
    """Open an item by hand: from a complaint, a special supervision or a meeting decision."""
    form = ItemForm(request.POST or None, user=request.user)
    if found := picker_response(request, form):
        return found
    if form.is_valid():
        data = form.cleaned_data
        item = services.open_item(
            school=data["school"],
            matter=data["matter"],
            severity=data["severity"],
            description=data["description"],
            required_change=data["required_change"],
            deadline=data["deadline"]
            or services.default_deadline(
                county_settings=data["school"].county.settings,
                severity=data["severity"],
                start=timezone.localdate(),
            ),
            source=data["source"],
            source_note=data["source_note"],
            responsible_inspector=data["responsible_inspector"],
            actor=request.user,
        )
        messages.success(request, _("The rectification item is open."))
        return redirect("rectifications:item", pk=item.pk)
    return render(request, "rectifications/item_form.html", {"form": form})


@login_required
def evidence(request, pk, thumbnail=False):
    """A photo of a step, only for users who may see its item."""
    photo = get_object_or_404(
        RectificationEvidence.objects.filter(
            event__item__in=RectificationItem.objects.for_user(request.user)
        ),
        pk=pk,
    )
    return private_file_response(photo.thumbnail if thumbnail else photo.image, max_age=3600)


# Notices -------------------------------------------------------------------------------------


@login_required
def notice_list(request):
    notices = (
        RectificationNotice.objects.for_user(request.user)
        .select_related("school", "inspector")
        .annotate(item_count=Count("items"))
        .order_by("-issued_at", "-pk")
    )
    return render(request, "rectifications/notice_list.html", {"page": paginate(request, notices)})


@roles_required({Role.OFFICE, Role.INSPECTOR})
def notice_create(request, school_pk):
    school = get_object_or_404(School.objects.for_user(request.user, CHANGE), pk=school_pk)
    form = NoticeForm(request.POST or None, school=school, user=request.user)
    if form.is_valid():
        try:
            notice = services.issue_notice(
                school=school,
                items=form.cleaned_data["items"],
                inspector=form.cleaned_data["inspector"],
                actor=request.user,
                extend_to=form.cleaned_data.get("extend_to"),
            )
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Notice %(number)s issued.") % {"number": notice.number})
            return redirect("rectifications:notice", pk=notice.pk)
    return render(request, "rectifications/notice_form.html", {"form": form, "school": school})


@login_required
def notice_detail(request, pk):
    """The printable notice (整改通知书), A4."""
    notice = get_object_or_404(
        RectificationNotice.objects.for_user(request.user).select_related(
            "county", "school", "inspector", "issued_by", "acknowledged_by"
        ),
        pk=pk,
    )
    items = notice.printed_items()
    return render(
        request,
        "rectifications/notice.html",
        {
            "notice": notice,
            "items": items,
            "intro": notice.intro(items),
            # "请于…前将整改情况书面报送…": by the latest deadline on the notice.
            "report_by": max((item.notice_deadline for item in items), default=None),
        },
    )


@login_required
@require_POST
def notice_acknowledge(request, pk):
    if not request.user.is_principal:
        raise PermissionDenied
    notice = get_object_or_404(RectificationNotice.objects.for_user(request.user, CHANGE), pk=pk)
    try:
        notice.acknowledge(request.user)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Receipt of the notice is recorded."))
    return redirect("rectifications:notice", pk=notice.pk)
