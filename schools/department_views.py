"""The county's departments (县直部门): the office keeps the list that meeting decisions and
complaint hand-overs choose from; the committee reads it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import OFFICE, OFFICE_AND_COMMITTEE, roles_required
from accounts.scoping import CHANGE
from dudao.pagination import paginate
from schools.access import county_choices, county_for, may_change
from schools.forms import DepartmentForm
from schools.models import Department
from schools.services import delete_unused_department, department_uses


def _changeable(request, pk: int) -> Department:
    return get_object_or_404(Department.objects.for_user(request.user, CHANGE), pk=pk)


@roles_required(OFFICE_AND_COMMITTEE)
def department_list(request):
    county = county_for(request)
    departments = (
        Department.objects.for_user(request.user)
        .filter(county=county)
        .order_by("-is_active", "name")
    )
    return render(
        request,
        "schools/department_list.html",
        {
            "county": county,
            "counties": county_choices(request),
            "page": paginate(request, departments),
            "can_change": may_change(request.user),
        },
    )


@roles_required(OFFICE)
def department_create(request):
    return _edit_department(request, Department())


@roles_required(OFFICE)
def department_edit(request, pk: int):
    return _edit_department(request, _changeable(request, pk))


def _edit_department(request, department: Department):
    creating = department.pk is None
    form = DepartmentForm(
        request.POST or None,
        instance=department,
        user=request.user,
        cancel_url=reverse("schools:department_list"),
    )
    if request.method == "POST" and form.is_valid():
        department = form.save()
        messages.success(request, _("%(name)s was saved.") % {"name": department.name})
        return redirect("schools:department_list")
    return render(
        request,
        "schools/department_form.html",
        {"form": form, "department": department, "creating": creating},
    )


@roles_required(OFFICE)
@require_POST
def department_set_active(request, pk: int):
    """Stop offering a department for new decisions and hand-overs, or offer it again."""
    department = _changeable(request, pk)
    department.is_active = request.POST.get("active") == "1"
    department.save(update_fields=["is_active"])
    if department.is_active:
        messages.success(request, _("%(name)s is in use again.") % {"name": department.name})
    else:
        messages.success(
            request,
            _("%(name)s is no longer in use: new decisions and hand-overs cannot choose it.")
            % {"name": department.name},
        )
    return redirect("schools:department_list")


@roles_required(OFFICE)
def department_delete(request, pk: int):
    """Ask before deleting; a department that records name cannot be deleted, only set aside."""
    department = _changeable(request, pk)
    uses = department_uses(department)
    if request.method == "POST" and not uses:
        if delete_unused_department(department=department):
            messages.success(request, _("%(name)s was deleted.") % {"name": department.name})
            return redirect("schools:department_list")
        uses = department_uses(department)  # named by a record since the page was shown
    return render(
        request,
        "schools/department_delete.html",
        {"department": department, "uses": uses},
        status=409 if request.method == "POST" else 200,
    )
