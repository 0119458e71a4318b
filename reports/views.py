"""Report pages: dashboards, the records behind each number, the region view, the inspector's
and the principal's own pages."""

from dataclasses import dataclass
from urllib.parse import quote_plus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Sum
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from accounts.access import OFFICE_AND_COMMITTEE, roles_required
from accounts.scoping import CHANGE, VIEW
from dudao.files import private_file_response
from dudao.pagination import paginate
from dudao.snapshots import figures_snapshot
from dudao.xlsx import INLINE_EXPORT_ROWS, XLSX_TYPE, sheet_response, streamed_sheet_response
from inspectors.models import Inspector
from reports import charts, figures
from reports.figures import Scope, Tally
from reports.forms import AdjustmentForm, CommendationForm, CompileForm, PeriodForm
from reports.models import BUSY_STATES, ExportJob, JobState, MonthlyReport
from reports.periods import MONTH, TERM, YEAR, Period, last_full_month
from reports.records import FIGURES, ITEMS, records
from reports.services import (
    adjust_score,
    queue_export,
    request_monthly_report,
    set_commendation,
)
from schools.access import county_choices, county_for, may_change
from schools.models import County


@dataclass(frozen=True)
class Stat:
    label: str
    value: object
    url: str | None = None
    note: str = ""
    warn: bool = False


def figure_url(query: QueryDict, figure: str, **overrides) -> str:
    """The records page behind a number, keeping the page's county, period and townships."""
    params = _without_figure(query)
    params["figure"] = figure
    for name, value in overrides.items():
        if isinstance(value, list | tuple):
            params.setlist(name, [str(v) for v in value])
        else:
            params[name] = str(value)
    return f"{reverse('reports:records')}?{params.urlencode()}"


def figure_links(query: QueryDict):
    """``figure_url`` for each number of one column, the query copied and encoded once (the
    region page links over a thousand numbers)."""
    params = _without_figure(query)
    start = f"{reverse('reports:records')}?{params.urlencode()}{'&' if params else ''}figure="
    return lambda figure: start + quote_plus(figure)


def _without_figure(query: QueryDict) -> QueryDict:
    params = query.copy()
    for name in ("figure", "matter", "page", "show"):
        params.pop(name, None)
    return params


def page_query(county, counties, period: Period, township_ids=()) -> QueryDict:
    query = QueryDict(mutable=True)
    if counties:
        query["county"] = county.code
    query.update(period.query())
    query.setlist("township", [str(pk) for pk in township_ids])
    return query


def stat_groups(total: Tally, link) -> list[tuple[str, list[Stat]]]:
    """The dashboard's numbers in groups; ``link(figure)`` gives each its list."""
    duty_rate = total.duty_rate
    return [
        (
            _("Coverage (now)"),
            [
                Stat(_("Open schools"), total.open_schools, link("open")),
                Stat(_("With an active inspector"), total.covered_schools, link("covered")),
                Stat(
                    _("Fully covered"),
                    total.fully_covered,
                    link("full"),
                    note=_("inspector and current plaque"),
                    warn=total.fully_covered < total.open_schools,
                ),
                Stat(
                    _("Without an inspector"),
                    total.uncovered_schools,
                    link("uncovered"),
                    warn=total.uncovered_schools > 0,
                ),
            ],
        ),
        (
            pgettext("report", "Visits"),
            [
                Stat(_("Visits made"), total.visits, link("visits")),
                Stat(
                    _("Duty visits done / due"),
                    f"{total.duty_done} / {total.duty_due}",
                    link("duty"),
                    note=f"{duty_rate:.0%}" if duty_rate is not None else "",
                ),
                Stat(
                    _("Schools without a duty visit"),
                    total.not_visited,
                    link("not_visited"),
                    warn=total.not_visited > 0,
                ),
            ],
        ),
        (
            _("Rectifications"),
            [
                Stat(_("Opened"), total.opened, link("opened")),
                Stat(
                    _("Signed off"),
                    total.closed,
                    link("closed"),
                    note=_("median %(days)s days") % {"days": _days(total.median_days)}
                    if total.close_days
                    else "",
                ),
                Stat(_("Unresolved now"), total.unresolved, link("unresolved")),
                Stat(_("Overdue now"), total.overdue, link("overdue"), warn=total.overdue > 0),
                Stat(_("Escalated now"), total.escalated, link("escalated")),
            ],
        ),
        (
            _("Public supervision"),
            [
                Stat(_("Submissions received"), total.received, link("received")),
                Stat(
                    _("Answered in time"),
                    total.answered_in_time,
                    link("answered_in_time"),
                    note=_("of those received"),
                ),
                Stat(
                    _("Unanswered past due"),
                    total.submissions_overdue,
                    link("submissions_overdue"),
                    warn=total.submissions_overdue > 0,
                ),
            ],
        ),
        (
            _("Meetings and notices"),
            [
                Stat(_("Meetings held"), total.meetings, link("meetings")),
                Stat(
                    _("Attendance"),
                    f"{total.attendance_rate:.0%}" if total.attendance_rate is not None else "—",
                    link("meetings"),
                    note=_("%(present)d present, %(absent)d absent")
                    % {"present": total.present, "absent": total.absent},
                ),
                Stat(_("Work notices sent"), total.notices, link("notices")),
                Stat(
                    _("Receipts not read yet"),
                    total.unread,
                    link("unread"),
                    warn=total.unread > 0,
                ),
            ],
        ),
    ]


def _dashboard_url(county, counties, period: Period) -> str:
    return f"{reverse('reports:dashboard')}?{page_query(county, counties, period).urlencode()}"


def _days(value) -> str:
    return f"{value:g}" if value is not None else "—"


def _charts(scope: Scope, period: Period, today, total_cells, query) -> dict:
    months = figures.duty_by_month(
        scope, figures.twelve_months_to(period, today), open_schools=total_cells.open_schools()
    )
    duty_chart = charts.columns(
        _("Duty visits per month"),
        [row.label for row in months],
        [
            charts.Series(
                pgettext("report", "Due"), [row.due for row in months], charts.COLOURS[1]
            ),
            charts.Series(
                pgettext("report", "Done"), [row.done for row in months], charts.COLOURS[0]
            ),
        ],
    )
    matters = [
        row for row in figures.by_matter(scope, period, today=today) if row.opened or row.unresolved
    ]
    matter_chart = charts.horizontal_bars(
        _("Rectification items by matter"),
        [_matter_label(row) for row in matters],
        [
            charts.Series(_("Opened"), [row.opened for row in matters], charts.COLOURS[0]),
            charts.Series(
                _("Unresolved now"), [row.unresolved for row in matters], charts.COLOURS[2]
            ),
        ],
    )
    names = total_cells.names
    by_township = total_cells.by_township()
    town_rows = sorted(
        (
            (key, names.get(key, _("No school")), tally)
            for key, tally in by_township.items()
            if key is not None or tally.unresolved
        ),
        key=lambda row: (-row[2].overdue, row[1]),
    )
    overdue_chart = charts.horizontal_bars(
        _("Overdue items by township (now)"),
        [name for _key, name, _tally in town_rows],
        [
            charts.Series(
                _("Overdue"), [tally.overdue for *_rest, tally in town_rows], charts.COLOURS[2]
            )
        ],
    )
    month_links = []
    for row in months:
        month_query = _with_month(query, row.key)
        link = figure_links(month_query)
        month_links.append(
            (
                row,
                f"{reverse('reports:dashboard')}?{month_query.urlencode()}",
                link("duty"),
                link("visits"),
            )
        )
    return {
        "months": month_links,
        "duty_chart": duty_chart,
        "matters": [
            (
                row,
                _matter_label(row),
                figure_url(query, "opened", matter=row.matter_id or 0),
                figure_url(query, "unresolved", matter=row.matter_id or 0),
            )
            for row in matters
        ],
        "matter_chart": matter_chart,
        "townships": [
            (
                name,
                tally,
                figure_url(query, "unresolved", township=key) if key else None,
                figure_url(query, "overdue", township=key) if key else None,
            )
            for key, name, tally in town_rows
        ],
        "overdue_chart": overdue_chart,
    }


def _with_month(query: QueryDict, key: str) -> QueryDict:
    params = query.copy()
    for name in ("period", "month", "term", "year"):
        params.pop(name, None)
    params["period"], params["month"] = MONTH, key
    return params


def _matter_label(row) -> str:
    return row.name if row.matter_id else _("No matter")


@require_GET
@roles_required(OFFICE_AND_COMMITTEE)
def dashboard(request):
    """The office's and the committee's numbers for a month, term or year, and townships."""
    county = county_for(request)
    counties = county_choices(request)
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, county=county, user=request.user, today=today)
    period = form.chosen_period()
    chosen = form.chosen_townships()
    township_ids = tuple(t.pk for t in chosen)

    def figures_context() -> dict:
        scope = Scope(request.user, (county,), township_ids)
        cells = figures.compute(scope, period, today=today)
        total = cells.total()
        query = page_query(county, counties, period, list(township_ids))
        context = {
            "groups": stat_groups(total, figure_links(query)),
            **_charts(scope, period, today, cells, query),
        }
        if len(chosen) > 1:
            by_township = cells.by_township()
            context["side_by_side"] = _side_by_side(
                [
                    (
                        township.name,
                        by_township.get(township.pk, Tally()),
                        lambda figure, pk=township.pk: figure_url(query, figure, township=pk),
                    )
                    for township in chosen
                ]
                + [(_("Together"), total, figure_links(query))]
            )
        return context

    context = {
        "county": county,
        "counties": counties,
        "form": form,
        "period": period,
        "today": today,
        "chosen": chosen,
        "summary_query": page_query(county, counties, period).urlencode(),
        "figures": figures_snapshot(
            request,
            "dashboard",
            counties=(county,),
            parts=(bool(counties), period, today, township_ids),
            template="reports/_dashboard_figures.html",
            context=figures_context,
        ),
    }
    return render(request, "reports/dashboard.html", context)


SIDE_BY_SIDE_ROWS = [
    ("open", _("Open schools"), "open_schools"),
    ("covered", _("With an active inspector"), "covered_schools"),
    ("full", _("Fully covered (inspector and current plaque)"), "fully_covered"),
    ("visits", _("Visits made"), "visits"),
    ("duty", _("Duty visits done"), "duty_done"),
    ("duty", _("Duty visits due"), "duty_due"),
    ("not_visited", _("Schools without a duty visit"), "not_visited"),
    ("opened", _("Rectification items opened"), "opened"),
    ("closed", _("Signed off"), "closed"),
    ("unresolved", _("Unresolved now"), "unresolved"),
    ("overdue", _("Overdue now"), "overdue"),
    ("escalated", _("Escalated now"), "escalated"),
    ("received", _("Public submissions received"), "received"),
    ("answered_in_time", _("Answered in time"), "answered_in_time"),
    ("submissions_overdue", _("Public submissions overdue (now)"), "submissions_overdue"),
    ("meetings", _("Meetings held"), "meetings"),
    ("unread", _("Notice receipts not read yet"), "unread"),
]


def _side_by_side(columns) -> dict:
    """Rows of figures, one column per township or county, every cell linked to its list."""
    return {
        "headings": [name for name, _tally, _link in columns],
        "rows": [
            (
                label,
                [
                    (getattr(tally, attribute), link(figure) if figure else None)
                    for _name, tally, link in columns
                ],
            )
            for figure, label, attribute in SIDE_BY_SIDE_ROWS
        ],
    }


@require_GET
@roles_required(OFFICE_AND_COMMITTEE)
def region(request):
    """A city's or province's counties side by side (region users and superusers)."""
    user = request.user
    if user.is_region:
        read = County.objects.filter(region_id=user.region_id)
        title = user.region.name
    elif user.is_superuser:
        read = County.objects.all()
        title = _("All counties")
    else:
        raise PermissionDenied
    # What the kept figures' key and time need of a hundred counties; the counties themselves
    # are read only when the figures are counted.
    keys = list(
        read.select_related("settings").only(
            "pk", "settings__id", "settings__county_id", "settings__figures_refresh_minutes"
        )
    )
    if not keys:
        raise Http404
    today = timezone.localdate()
    form = PeriodForm(
        request.GET or None,
        county=keys[0],
        user=user,
        today=today,
        townships=False,
        kinds=(MONTH, YEAR),
    )
    period = form.chosen_period()

    def figures_context() -> dict:
        counties = list(read.select_related("settings"))
        cells = figures.compute(Scope(user, tuple(counties)), period, today=today)
        by_county = cells.by_county()
        together = page_query(None, False, period)
        together["county"] = ALL_COUNTIES
        return {
            "side_by_side": _side_by_side(
                [
                    (
                        county.name,
                        by_county.get(county.pk, Tally()),
                        figure_links(page_query(county, True, period)),
                    )
                    for county in counties
                ]
                + [(_("Together"), cells.total(), figure_links(together))]
            ),
            "dashboards": [(county, _dashboard_url(county, True, period)) for county in counties],
        }

    return render(
        request,
        "reports/region.html",
        {
            "title": title,
            "form": form,
            "period": period,
            "today": today,
            "figures": figures_snapshot(
                request,
                "region",
                counties=keys,
                parts=(period, today),
                template="reports/_region_figures.html",
                context=figures_context,
            ),
        },
    )


@require_GET
@roles_required(OFFICE_AND_COMMITTEE)
def record_list(request):
    """The records behind one dashboard number, with the dashboard's county, period and
    townships."""
    figure_key = request.GET.get("figure") or "open"
    if figure_key == "duty":
        return duty_list(request)
    figure = FIGURES.get(figure_key)
    if figure is None:
        raise Http404
    place, counties = _place(request)
    today = timezone.localdate()
    form = _period_form(request, counties, today)
    period = form.chosen_period()
    chosen = form.chosen_townships()
    matter = None
    if figure.kind == ITEMS and request.GET.get("matter", "").isdigit():
        matter = int(request.GET["matter"])
    scope = Scope(request.user, counties, tuple(t.pk for t in chosen))
    rows = records(figure, scope, period, today, matter=matter)
    return render(
        request,
        "reports/records.html",
        {
            "place": place,
            "figure": figure,
            "period": period,
            "chosen": chosen,
            "matter": matter,
            "page": paginate(request, rows, per_page=50),
            "back": _back_url(request.GET),
            "today": today,
        },
    )


ALL_COUNTIES = "all"


def _place(request) -> tuple[str, tuple]:
    """The county whose records a list shows, or (``?county=all``, the region page's
    "Together" column) every county the region user or superuser may pick."""
    if request.GET.get("county") == ALL_COUNTIES:
        counties = county_choices(request)
        if not counties:
            raise Http404
        user = request.user
        return (user.region.name if user.is_region else _("All counties")), tuple(counties)
    county = county_for(request)
    return county.name, (county,)


def _period_form(request, counties, today) -> PeriodForm:
    """Several counties have no common terms or townships: months and years only."""
    several = len(counties) > 1
    return PeriodForm(
        request.GET or None,
        county=counties[0],
        user=request.user,
        today=today,
        townships=not several,
        kinds=(MONTH, YEAR) if several else (MONTH, TERM, YEAR),
    )


def _back_url(params: QueryDict) -> str:
    page = "reports:region" if params.get("county") == ALL_COUNTIES else "reports:dashboard"
    query = params.copy()
    if page == "reports:region":
        query.pop("county", None)
    for name in ("figure", "matter", "page"):
        query.pop(name, None)
    return f"{reverse(page)}?{query.urlencode()}"


def duty_list(request):
    """Every open school with its duty visits due and done in the period, those behind first."""
    from reports.duty import duty_of_schools, school_rows

    place, counties = _place(request)
    today = timezone.localdate()
    form = _period_form(request, counties, today)
    period = form.chosen_period()
    chosen = form.chosen_townships()
    schools = duty_of_schools(
        Scope(request.user, counties, tuple(t.pk for t in chosen)), period, today
    )
    page = paginate(request, schools, per_page=50)
    page.object_list = school_rows(page.object_list)
    totals = schools.aggregate(due=Sum("duty_due"), done=Sum("duty_done"))
    return render(
        request,
        "reports/duty.html",
        {
            "place": place,
            "period": period,
            "chosen": chosen,
            "page": page,
            "due": totals["due"] or 0,
            "done": totals["done"] or 0,
            "back": _back_url(request.GET),
        },
    )


@require_GET
@login_required
def my_page(request):
    """The inspector's own page: visits this month and this year against the duty, open items,
    meetings."""
    from reports.people import inspector_page

    user = request.user
    if not (user.is_inspector and user.inspector_id):
        raise PermissionDenied
    return render(request, "reports/inspector_page.html", inspector_page(user))


@require_GET
@login_required
def school_page(request):
    """The principal's own page: the school's visits and feedback, open items, deadlines."""
    from reports.people import principal_page

    user = request.user
    if not (user.is_principal and user.school_id):
        raise PermissionDenied
    return render(request, "reports/school_page.html", principal_page(user))


# --- monthly reports --------------------------------------------------------------------------


def _report(request, pk: int, action: str = VIEW) -> MonthlyReport:
    return get_object_or_404(
        MonthlyReport.objects.for_user(request.user, action).select_related("county"), pk=pk
    )


@roles_required(OFFICE_AND_COMMITTEE)
def monthly_list(request):
    """A county's issued reports, newest first; the office compiles a month or a date range."""
    county = county_for(request)
    today = timezone.localdate()
    may_compile = may_change(request.user)
    form = CompileForm(request.POST or None, today=today) if may_compile else None
    if request.method == "POST":
        if not may_compile:
            raise PermissionDenied
        if form.is_valid():
            report, created = request_monthly_report(
                county=county, period=form.cleaned_data["period"], user=request.user
            )
            if created:
                messages.success(
                    request,
                    _("Compiling the report for %(period)s (version %(version)d).")
                    % {"period": report.period.label, "version": report.version},
                )
            else:
                messages.info(
                    request,
                    _("The report for %(period)s is already being compiled; here it is.")
                    % {"period": report.period.label},
                )
            return redirect("reports:monthly_detail", pk=report.pk)
    if form is not None and not form.is_bound:
        form.initial = {"month": last_full_month(today).key}
    reports = MonthlyReport.objects.for_user(request.user).filter(county=county).latest_first()
    return render(
        request,
        "reports/monthly_list.html",
        {
            "county": county,
            "counties": county_choices(request),
            "form": form,
            "page": paginate(request, reports),
        },
    )


@require_GET
@roles_required(OFFICE_AND_COMMITTEE)
def monthly_detail(request, pk: int):
    """One report: its progress while compiling (the page polls it), then the download."""
    report = _report(request, pk)
    others = (
        MonthlyReport.objects.for_user(request.user)
        .filter(
            county=report.county,
            period_start=report.period_start,
            period_end=report.period_end,
        )
        .exclude(pk=report.pk)
        .latest_first()
    )
    return render(
        request,
        "reports/monthly_detail.html",
        {
            "report": report,
            "others": others,
            "can_compile": may_change(request.user),
            "status_url": reverse("reports:monthly_status", args=[report.pk]),
        },
    )


def _job_status(job, download_url: str) -> JsonResponse:
    return JsonResponse(
        {
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "progress": job.progress,
            "step": job.step,
            "done": job.is_done,
            "failed": job.state == JobState.FAILED,
            "download_url": download_url if job.is_done else "",
        }
    )


@require_GET
@roles_required(OFFICE_AND_COMMITTEE)
def monthly_status(request, pk: int):
    report = _report(request, pk)
    return _job_status(report, reverse("reports:monthly_download", args=[report.pk]))


@require_GET
@roles_required(OFFICE_AND_COMMITTEE)
def monthly_download(request, pk: int):
    """The workbook exactly as issued."""
    report = _report(request, pk)
    if not report.is_done:
        raise Http404
    response = private_file_response(report.file, max_age=0)
    response["Content-Type"] = XLSX_TYPE
    response["Content-Disposition"] = content_disposition_header(True, report.download_name)
    return response


# --- the term and year summary, the school archive ---------------------------------------------


@require_GET
@roles_required(OFFICE_AND_COMMITTEE)
def summary(request):
    """督导工作总结: a printable summary of a term or a year (or a month) with the dashboard's
    numbers."""
    from reports.duty import inspector_duty

    county = county_for(request)
    today = timezone.localdate()
    params = request.GET.copy()
    if "period" not in params:
        params.update(Period.current_term(county.settings, today).query())
    form = PeriodForm(params, county=county, user=request.user, today=today, townships=False)
    period = form.chosen_period()
    scope = Scope(request.user, (county,))
    cells = figures.compute(scope, period, today=today)
    names = cells.names
    by_township = sorted(
        (
            (names.get(key, _("No school")), tally)
            for key, tally in cells.by_township().items()
            if key is not None or tally.opened or tally.unresolved  # meeting decisions
        ),
        key=lambda row: row[0],
    )
    months = figures.duty_by_month(
        scope, figures.duty_months(period, today), open_schools=cells.open_schools()
    )
    matters = [
        row for row in figures.by_matter(scope, period, today=today) if row.opened or row.unresolved
    ]
    return render(
        request,
        "reports/summary.html",
        {
            "county": county,
            "period": period,
            "today": today,
            "form": form,
            "total": cells.total(),
            "by_township": by_township,
            "months": months,
            "matters": matters,
            "inspectors": inspector_duty(county, period, today),
            "meetings": figures.held_meetings(scope.meetings(), period).order_by("starts_at"),
            "duty_chart": charts.columns(
                _("Duty visits per month"),
                [row.label for row in months],
                [
                    charts.Series(
                        pgettext("report", "Due"), [row.due for row in months], charts.COLOURS[1]
                    ),
                    charts.Series(
                        pgettext("report", "Done"), [row.done for row in months], charts.COLOURS[0]
                    ),
                ],
            ),
            "back": _dashboard_url(county, county_choices(request), period),
        },
    )


@require_GET
@login_required
def archive(request, pk: int):
    """督导档案: one school's visits, feedback, rectifications and notices of a year, printable."""
    from reports.archive import school_archive

    data = school_archive(request, pk)
    return render(request, "reports/archive.html", data)


@require_GET
@login_required
def archive_xlsx(request, pk: int):
    from reports.archive import archive_workbook, school_archive

    data = school_archive(request, pk)
    content = archive_workbook(data)
    filename = f"{data['school'].name}督导档案-{data['year']}.xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- the yearly assessment of inspectors ---------------------------------------------------------


def _assessment_year(request, today) -> int:
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= today.year:
        return int(value)
    return today.year


@require_GET
@roles_required(OFFICE_AND_COMMITTEE)
def assessment(request):
    """动态考核: the county's inspectors ranked for a year, with the reasons behind the score."""
    from reports.assessment import PARTS, assess

    county = county_for(request)
    today = timezone.localdate()
    year = _assessment_year(request, today)
    rows = assess(county, year, today)
    settings = county.settings
    return render(
        request,
        "reports/assessment.html",
        {
            "county": county,
            "counties": county_choices(request),
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "rows": rows,
            "parts": [(label, getattr(settings, weight)) for _key, label, weight in PARTS],
            "can_change": may_change(request.user),
        },
    )


@roles_required(OFFICE_AND_COMMITTEE)
def assessment_detail(request, pk: int):
    """One inspector's score: the counts it came from, each linking to the records, the
    adjustments with their reasons, and (for the office) forms to adjust and commend."""
    from reports.assessment import assess

    inspector = get_object_or_404(
        Inspector.objects.for_user(request.user).select_related("county__settings"), pk=pk
    )
    county = inspector.county
    today = timezone.localdate()
    year = _assessment_year(request, today)
    can_change = may_change(request.user)
    adjust_form = AdjustmentForm(prefix="adjust") if can_change else None
    commend_form = CommendationForm(prefix="commend") if can_change else None
    if request.method == "POST":
        if not Inspector.objects.for_user(request.user, CHANGE).filter(pk=pk).exists():
            raise PermissionDenied
        if "adjust-points" in request.POST:
            adjust_form = AdjustmentForm(request.POST, prefix="adjust")
            if adjust_form.is_valid():
                adjust_score(
                    county=county,
                    year=year,
                    inspector=inspector,
                    points=adjust_form.cleaned_data["points"],
                    reason=adjust_form.cleaned_data["reason"],
                    user=request.user,
                )
                messages.success(request, _("The adjustment was added."))
                return redirect(request.get_full_path())
        else:
            commend_form = CommendationForm(request.POST, prefix="commend")
            if commend_form.is_valid():
                commended = request.POST.get("commended") == "1"
                set_commendation(
                    county=county,
                    year=year,
                    inspector=inspector,
                    commended=commended,
                    note=commend_form.cleaned_data["note"],
                    user=request.user,
                )
                text = (
                    _("%(name)s is commended for %(year)d.")
                    if commended
                    else _("The commendation of %(name)s for %(year)d was withdrawn.")
                )
                messages.success(request, text % {"name": inspector.name, "year": year})
                return redirect(request.get_full_path())
    row = next((row for row in assess(county, year, today) if row.inspector.pk == pk), None)
    if row is None:
        raise Http404
    return render(
        request,
        "reports/assessment_detail.html",
        {
            "row": row,
            "inspector": inspector,
            "county": county,
            "year": year,
            "can_change": can_change,
            "adjust_form": adjust_form,
            "commend_form": commend_form,
            "back": f"{reverse('reports:assessment')}?county={county.code}&year={year}",
        },
    )


@require_GET
@roles_required(OFFICE_AND_COMMITTEE)
def assessment_records(request, pk: int, part: str):
    """The records one part of an inspector's score counted, each marked done or not."""
    from reports.assessment import (
        DONE,
        EXPECTED_AT_MEETINGS,
        LABELS,
        LISTED_PARTS,
        expected_records,
    )

    if part not in LISTED_PARTS:
        raise Http404
    inspector = get_object_or_404(
        Inspector.objects.for_user(request.user).select_related("county"), pk=pk
    )
    today = timezone.localdate()
    year = _assessment_year(request, today)
    period = Period.year(year)
    rows = expected_records(part, inspector.county, period, period.as_of(today), [pk])
    if part == "meetings":
        rows = rows.filter(EXPECTED_AT_MEETINGS)
    related = {
        "rectifications": ("school",),
        "complaints": ("school",),
        "meetings": ("meeting",),
        "notices": ("notice",),
    }[part]
    ordering = {
        "rectifications": ("deadline", "pk"),
        "complaints": ("due_on", "pk"),
        "meetings": ("meeting__starts_at", "pk"),
        "notices": ("notice__sent_at", "pk"),
    }[part]
    rows = (
        rows.select_related(*related)
        .annotate(counted_done=ExpressionWrapper(DONE[part], output_field=BooleanField()))
        .order_by(*ordering)
    )
    detail = reverse("reports:assessment_detail", args=[pk])
    return render(
        request,
        "reports/assessment_records.html",
        {
            "inspector": inspector,
            "part": part,
            "label": LABELS[part],
            "year": year,
            "page": paginate(request, rows, per_page=50),
            "back": f"{detail}?year={year}",
        },
    )


@require_GET
@roles_required(OFFICE_AND_COMMITTEE)
def assessment_export(request):
    from reports.assessment import PARTS, assess

    county = county_for(request)
    today = timezone.localdate()
    year = _assessment_year(request, today)
    rows = assess(county, year, today)
    yes = _("Yes")
    header = [_("Rank"), _("Inspector"), _("Kind")]
    for _key, label, _weight in PARTS:
        header += [
            _("%(part)s: done") % {"part": label},
            _("%(part)s: expected") % {"part": label},
        ]
    header += [_("Score from records"), _("Adjustment"), _("Score"), _("Commended")]
    lines = []
    for row in rows:
        line = [row.rank or None, row.inspector.name, row.inspector.get_kind_display()]
        for part in row.parts:
            line += [part.done, part.expected]
        line += [
            row.base_score,
            row.adjustment if row.adjustments else None,
            row.score,
            yes if row.commendation else "",
        ]
        lines.append(line)
    return sheet_response(
        title=_("Assessment"),
        header=header,
        rows=lines,
        filename=f"{county.name}督学考核-{year}.xlsx",
    )


# --- list exports ------------------------------------------------------------------------------


@require_GET
@login_required
def export(request, kind: str):
    """A list page's current filter as .xlsx: streamed now if short, else written by the worker
    (the page then shows its progress and the download)."""
    from reports.exports import EXPORTS, InvalidFilters

    spec = EXPORTS.get(kind)
    if spec is None:
        raise Http404
    if not spec.may_export(request.user):
        raise PermissionDenied
    params = request.GET.copy()
    params.pop("page", None)
    try:
        queryset = spec.queryset(request.user, params)
    except InvalidFilters:
        messages.error(request, _("Correct the filters first; nothing was exported."))
        return redirect(spec.back_url(params))
    count = queryset.count()
    query = params.urlencode()
    if count > INLINE_EXPORT_ROWS and len(query) > ExportJob._meta.get_field("query").max_length:
        # The worker rebuilds the list from the stored filters: never from a cut-off copy.
        messages.error(request, _("These filters are too long to export; narrow them down."))
        return redirect(spec.back_url(params))
    if count <= INLINE_EXPORT_ROWS:
        return streamed_sheet_response(
            title=spec.title(),
            header=spec.header(),
            rows=spec.rows(queryset),
            filename=spec.filename(),
        )
    job = (
        ExportJob.objects.for_user(request.user)
        .filter(kind=kind, query=query, state__in=BUSY_STATES)
        .first()
    ) or queue_export(
        kind=kind,
        query=query,
        rows=count,
        filename=spec.filename(),
        user=request.user,
    )
    return redirect("reports:export_job", pk=job.pk)


@require_GET
@login_required
def export_job(request, pk: int):
    job = get_object_or_404(ExportJob.objects.for_user(request.user), pk=pk)
    return render(
        request,
        "reports/export_job.html",
        {
            "job": job,
            "status_url": reverse("reports:export_status", args=[job.pk]),
            "download_url": reverse("reports:export_download", args=[job.pk]),
        },
    )


@require_GET
@login_required
def export_status(request, pk: int):
    job = get_object_or_404(ExportJob.objects.for_user(request.user), pk=pk)
    return _job_status(job, reverse("reports:export_download", args=[job.pk]))


@require_GET
@login_required
def export_download(request, pk: int):
    job = get_object_or_404(ExportJob.objects.for_user(request.user), pk=pk)
    if not job.is_done:
        raise Http404
    response = private_file_response(job.file, max_age=0)
    response["Content-Type"] = XLSX_TYPE
    response["Content-Disposition"] = content_disposition_header(True, job.filename)
    return response
