"""The school registry pages: list, detail, editing, coverage and county settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import COUNTY_READERS, OFFICE, OFFICE_AND_COMMITTEE, has_role, roles_required
from accounts.scoping import CHANGE, VIEW
from dudao.pagination import paginate
from dudao.pickers import picker_response
from dudao.snapshots import versioned_part
from inspectors.models import Assignment, Inspector
from inspectors.plaques import status_of
from schools.access import county_choices, county_for, may_change
from schools.filters import registry_rows_part
from schools.forms import CountySettingsForm, SchoolFilterForm, SchoolForm
from schools.models import CountySettings, PrincipalTenure, RegistryVersion, School
from schools.services import COVERAGE_ROWS, coverage_report


@roles_required(COUNTY_READERS)
def school_list(request):
    schools = (
        School.objects.for_user(request.user)
        .select_related("township")
        .with_active_inspector_count()
        # For the coverage badge: a value, not the county and its settings on every row.
        .annotate(central_minimum=F("county__settings__min_inspectors_per_central_school"))
    )
    form = SchoolFilterForm(request.GET or None, user=request.user)
    can_change = may_change(request.user)
    rows_part = registry_rows_part(
        request,
        "school-rows",
        template="schools/_school_rows.html",
        context=lambda: {
            "form": form,
            "page": paginate(request, form.filter(schools)),
            "can_change": can_change,
        },
        parts=(can_change,),
    )
    return render(
        request,
        "schools/school_list.html",
        {"form": form, "rows_part": rows_part, "can_change": can_change},
    )


@login_required
def school_detail(request, pk: int):
    user = request.user
    school = get_object_or_404(
        School.objects.for_user(user).select_related(
            "township", "zone", "central_school", "county__settings"
        ),
        pk=pk,
    )
    assignments = list(
        Assignment.objects.for_user(user)
        .filter(school=school)
        .select_related("inspector")
        .order_by("-started_on")
    )
    settings = school.county.settings
    visible_inspectors = set(
        Inspector.objects.for_user(user)
        .filter(pk__in=[a.inspector_id for a in assignments])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "current": [a for a in assignments if a.is_current],
            "past": [a for a in assignments if not a.is_current],
            "visible_inspectors": visible_inspectors,
            "tenures": PrincipalTenure.objects.for_user(user)
            .filter(school=school)
            .select_related("user"),
            "village_schools": School.objects.for_user(user)
            .filter(central_school=school)
            .with_active_inspector_count(),
            # Links only to what the reader may open: a principal sees their own school only.
            "central_school_visible": school.central_school_id is not None
            and School.objects.for_user(user).filter(pk=school.central_school_id).exists(),
            "settings": settings,
            "rotation_cutoff": settings.rotation_cutoff(timezone.localdate()),
            "can_list": user.is_superuser or user.role in COUNTY_READERS,
            "can_change": may_change(user),
            **_plaque_context(user, school),
        },
    )


def _plaque_context(user, school) -> dict:
    """The school's plaque at a glance, for the office and the committee who manage plaques."""
    if not has_role(user, OFFICE_AND_COMMITTEE):
        return {"can_see_plaque": False}
    return {"can_see_plaque": True, "plaque": status_of(school)}


@roles_required(OFFICE)
def school_create(request):
    return _edit_school(request, School(), cancel_url=reverse("schools:school_list"))


@roles_required(OFFICE)
def school_edit(request, pk: int):
    school = get_object_or_404(School.objects.for_user(request.user, CHANGE), pk=pk)
    return _edit_school(request, school, cancel_url=reverse("schools:school_detail", args=[pk]))


def _edit_school(request, school: School, *, cancel_url: str):
    creating = school.pk is None
    form = SchoolForm(
        request.POST or None, instance=school, user=request.user, cancel_url=cancel_url
    )
    if found := picker_response(request, form):
        return found
    if request.method == "POST" and form.is_valid():
        school = form.save()
        if creating:
            messages.success(request, _("School %(name)s was added.") % {"name": school})
        else:
            messages.success(request, _("School %(name)s was saved.") % {"name": school})
        return redirect("schools:school_detail", pk=school.pk)
    return render(
        request,
        "schools/school_form.html",
        {"form": form, "school": school, "creating": creating},
    )


@roles_required(OFFICE_AND_COMMITTEE)
def coverage(request):
    county = county_for(request)
    today = timezone.localdate()
    # Each list shows its first rows; ?all=1 shows every row (a county at the start of its
    # registry may have hundreds of uncovered schools).
    limit = None if request.GET.get("all") else COVERAGE_ROWS
    counties = county_choices(request)
    can_change = may_change(request.user)
    # Worked out from the county's registry and today's date alone: kept until either changes.
    report_part = versioned_part(
        request,
        "coverage",
        version=RegistryVersion.objects.current(county),
        parts=(county.pk, today, limit, bool(counties), can_change),
        template="schools/_coverage_report.html",
        context=lambda: {
            "county": county,
            "counties": counties,
            "report": coverage_report(user=request.user, county=county, today=today, limit=limit),
            "today": today,
            "can_change": can_change,
        },
    )
    return render(
        request,
        "schools/coverage.html",
        {"county": county, "counties": counties, "report_part": report_part},
    )


@roles_required(OFFICE_AND_COMMITTEE)
def county_settings(request):
    """The office tunes its county's numbers; the committee reads them."""
    county = county_for(request)
    read_only = not may_change(request.user)
    if read_only and request.method == "POST":
        raise PermissionDenied
    settings = get_object_or_404(
        CountySettings.objects.for_user(request.user, VIEW if read_only else CHANGE),
        county=county,
    )
    here = request.get_full_path()
    form = CountySettingsForm(
        request.POST or None,
        instance=settings,
        read_only=read_only,
        cancel_url=here,
    )
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("The settings of %(county)s were saved.") % {"county": county})
        return redirect(here)
    return render(
        request,
        "schools/county_settings.html",
        {
            "county": county,
            "counties": county_choices(request),
            "form": form,
            "read_only": read_only,
        },
    )
