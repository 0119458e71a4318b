"""The inspector registry pages: list, detail, editing, photos and assignments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import OFFICE, OFFICE_AND_COMMITTEE, roles_required
from accounts.scoping import CHANGE
from dudao.files import private_file_response
from dudao.pagination import paginate
from dudao.pickers import picker_response
from inspectors.forms import AssignmentEndForm, AssignmentForm, InspectorFilterForm, InspectorForm
from inspectors.models import Assignment, Inspector
from inspectors.services import assign, make_lead, save_inspector
from schools.access import may_change
from schools.filters import registry_rows_part


@roles_required(OFFICE_AND_COMMITTEE)
def inspector_list(request):
    inspectors = (
        Inspector.objects.for_user(request.user)
        .select_related("zone")
        .with_load()
        # The county's numbers as values, not the county and its settings on every row.
        .annotate(
            load_limit=F("county__settings__school_load_per_inspector"),
            warning_days=F("county__settings__term_warning_days"),
        )
    )
    form = InspectorFilterForm(request.GET or None, user=request.user)
    can_change = may_change(request.user)

    def rows_context() -> dict:
        page = paginate(request, form.filter(inspectors))
        today = timezone.localdate()
        for inspector in page.object_list:
            inspector.term_warning = inspector.term_ends_soon(today, inspector.warning_days)
        return {"form": form, "page": page, "can_change": can_change}

    rows_part = registry_rows_part(
        request,
        "inspector-rows",
        template="inspectors/_inspector_rows.html",
        context=rows_context,
        parts=(can_change,),
    )
    return render(
        request,
        "inspectors/inspector_list.html",
        {"form": form, "rows_part": rows_part, "can_change": can_change},
    )


@login_required
def inspector_detail(request, pk: int):
    user = request.user
    inspector = get_object_or_404(
        Inspector.objects.for_user(user).select_related(
            "zone", "employer_school", "county__settings"
        ),
        pk=pk,
    )
    settings = inspector.county.settings
    today = timezone.localdate()
    assignments = list(
        Assignment.objects.for_user(user)
        .filter(inspector=inspector)
        .select_related("school__township")
        .order_by("-started_on")
    )
    current = [a for a in assignments if a.is_current]
    return render(
        request,
        "inspectors/inspector_detail.html",
        {
            "inspector": inspector,
            "current": current,
            "past": [a for a in assignments if not a.is_current],
            "themes": inspector.themes.all(),
            "settings": settings,
            "over_load": len(current) > settings.school_load_per_inspector,
            "term_warning": inspector.term_ends_soon(today, settings.term_warning_days),
            "rotation_cutoff": settings.rotation_cutoff(today),
            "can_list": user.is_superuser or user.role in OFFICE_AND_COMMITTEE,
            "can_change": may_change(user),
        },
    )


@require_safe
@login_required
def inspector_photo(request, pk: int):
    """The inspector's photo, to whoever may see the inspector (media is never public)."""
    inspector = get_object_or_404(Inspector.objects.for_user(request.user), pk=pk)
    return private_file_response(inspector.photo, max_age=3600)


@roles_required(OFFICE)
def inspector_create(request):
    return _edit_inspector(request, Inspector(), cancel_url=reverse("inspectors:inspector_list"))


@roles_required(OFFICE)
def inspector_edit(request, pk: int):
    inspector = get_object_or_404(Inspector.objects.for_user(request.user, CHANGE), pk=pk)
    cancel_url = reverse("inspectors:inspector_detail", args=[pk])
    return _edit_inspector(request, inspector, cancel_url=cancel_url)


def _edit_inspector(request, inspector: Inspector, *, cancel_url: str):
    creating = inspector.pk is None
    form = InspectorForm(
        request.POST or None,
        request.FILES or None,
        instance=inspector,
        user=request.user,
        cancel_url=cancel_url,
    )
    if found := picker_response(request, form):
        return found
    if request.method == "POST" and form.is_valid():
        inspector, ended = save_inspector(form=form, today=timezone.localdate())
        if creating:
            messages.success(request, _("Inspector %(name)s was added.") % {"name": inspector})
        else:
            messages.success(request, _("Inspector %(name)s was saved.") % {"name": inspector})
        if ended:
            messages.warning(
                request,
                _("%(name)s has left: %(count)d assignments were ended. Check the coverage.")
                % {"name": inspector, "count": ended},
            )
        return redirect("inspectors:inspector_detail", pk=inspector.pk)
    return render(
        request,
        "inspectors/inspector_form.html",
        {"form": form, "inspector": inspector, "creating": creating},
    )


@roles_required(OFFICE)
def assignment_create(request):
    """Assign an inspector to a school, opened from a school (?school=) or an inspector."""
    from_inspector = request.GET.get("inspector", "").isdigit() and not request.GET.get("school")
    initial = {name: request.GET[name] for name in ("school", "inspector") if request.GET.get(name)}
    if from_inspector:
        cancel_url = reverse("inspectors:inspector_detail", args=[initial["inspector"]])
    elif initial.get("school", "").isdigit():
        cancel_url = reverse("schools:school_detail", args=[initial["school"]])
    else:
        cancel_url = reverse("schools:coverage")
    form = AssignmentForm(
        request.POST or None, initial=initial, user=request.user, cancel_url=cancel_url
    )
    if found := picker_response(request, form):
        return found
    if request.method == "POST" and form.is_valid():
        assignment = assign(form=form)
        messages.success(
            request,
            _("%(inspector)s now covers %(school)s.")
            % {"inspector": assignment.inspector, "school": assignment.school},
        )
        if from_inspector:
            return redirect("inspectors:inspector_detail", pk=assignment.inspector_id)
        return redirect("schools:school_detail", pk=assignment.school_id)
    return render(request, "inspectors/assignment_form.html", {"form": form})


@roles_required(OFFICE)
def assignment_end(request, pk: int):
    """End a current assignment on a date (GET shows the form). ?rotate=1 then assigns anew."""
    assignment = get_object_or_404(
        Assignment.objects.for_user(request.user, CHANGE)
        .current()
        .select_related("inspector", "school"),
        pk=pk,
    )
    rotate = request.GET.get("rotate") == "1"
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("schools:school_detail", args=[assignment.school_id])
    form = AssignmentEndForm(
        request.POST or None,
        instance=assignment,
        cancel_url=next_url,
        submit_label=_("End and assign another inspector") if rotate else _("End assignment"),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("The assignment of %(inspector)s to %(school)s ended on %(date)s.")
            % {
                "inspector": assignment.inspector,
                "school": assignment.school,
                "date": assignment.ended_on,
            },
        )
        if rotate:
            return redirect(
                f"{reverse('inspectors:assignment_create')}?school={assignment.school_id}"
            )
        return redirect(next_url)
    return render(
        request,
        "inspectors/assignment_end.html",
        {"form": form, "assignment": assignment, "rotate": rotate},
    )


@roles_required(OFFICE)
@require_POST
def assignment_make_lead(request, pk: int):
    """Make a current assignment the school's lead inspector (from the school page)."""
    assignment = get_object_or_404(
        Assignment.objects.for_user(request.user, CHANGE)
        .current()
        .select_related("inspector", "school"),
        pk=pk,
    )
    make_lead(assignment=assignment)
    messages.success(
        request,
        _("%(inspector)s is now the lead inspector of %(school)s.")
        % {"inspector": assignment.inspector, "school": assignment.school},
    )
    return redirect("schools:school_detail", pk=assignment.school_id)
