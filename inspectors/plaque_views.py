"""The plaque pages (公示牌): each school's plaque, its print on A4 or A3, a township's batch, and
the record of its posting at the gate."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import OFFICE, OFFICE_AND_COMMITTEE, roles_required
from accounts.scoping import CHANGE
from dudao.files import private_file_response
from dudao.pagination import paginate
from inspectors.forms import PlaqueFilterForm, PostingForm
from inspectors.models import PlaquePosting
from inspectors.plaques import differences, flags, qr_code, status_of, statuses
from inspectors.services import issue_plaques, record_posting, record_prints
from schools.access import county_choices, county_for, may_change
from schools.filters import registry_rows_part
from schools.models import School, Township

SIZES = ("a4", "a3")


@roles_required(OFFICE_AND_COMMITTEE)
def plaque_list(request):
    """The open schools' plaques, a page at a time: what to issue, print, post or replace; a
    township chosen, its plaques are issued and printed at once."""
    county = county_for(request)
    form = PlaqueFilterForm(request.GET or None, user=request.user, county=county)

    def rows_context() -> dict:
        schools = School.objects.for_user(request.user).filter(county=county).active()
        page = paginate(request, form.filter(schools).select_related("township"))
        shown = School.objects.filter(pk__in=[school.pk for school in page]).order_by()
        found = {f.school_id: f for f in flags(shown, counties=(county,))}
        return {"page": page, "rows": [(school, found[school.pk]) for school in page]}

    rows_part = registry_rows_part(
        request,
        "plaque-rows",
        template="inspectors/_plaque_rows.html",
        context=rows_context,
        parts=(county.pk,),
    )
    return render(
        request,
        "inspectors/plaque_list.html",
        {
            "county": county,
            "counties": county_choices(request),
            "form": form,
            "township": form.chosen_township(),
            "rows_part": rows_part,
            "can_change": may_change(request.user),
        },
    )


def _school(request, pk, action="view"):
    return get_object_or_404(
        School.objects.for_user(request.user, action).select_related("county", "township"),
        pk=pk,
    )


@roles_required(OFFICE_AND_COMMITTEE)
def plaque_detail(request, school_pk: int):
    """A school's plaque as today's data prints it, what changed since it was posted, and its
    postings."""
    school = _school(request, school_pk)
    status = status_of(school)
    postings = (
        PlaquePosting.objects.filter(plaque=status.plaque).select_related("recorded_by")
        if status.plaque
        else []
    )
    return render(
        request,
        "inspectors/plaque_detail.html",
        {
            "school": school,
            "status": status,
            "content": status.content,
            "qr": qr_code(status.content["url"]) if status.plaque else None,
            "postings": postings,
            "can_change": may_change(request.user),
        },
    )


@roles_required(OFFICE)
@require_POST
def plaque_issue(request, school_pk: int):
    """Give the school its plaque number and public address (once, for good)."""
    school = _school(request, school_pk, CHANGE)
    if issued := issue_plaques(schools=[school], today=timezone.localdate()):
        messages.success(
            request,
            _("Plaque %(number)s issued to %(school)s.")
            % {"number": issued[0].number, "school": school},
        )
    return redirect("inspectors:plaque", school_pk=school.pk)


@roles_required(OFFICE)
@require_POST
def plaque_issue_township(request, township_pk: int):
    """Issue the missing plaques of a township's open schools, then show its batch print."""
    township = get_object_or_404(Township.objects.for_user(request.user, CHANGE), pk=township_pk)
    schools = School.objects.for_user(request.user, CHANGE).filter(township=township).active()
    issued = issue_plaques(schools=list(schools), today=timezone.localdate())
    messages.success(
        request,
        _("%(count)d plaques issued in %(township)s.")
        % {"count": len(issued), "township": township},
    )
    return redirect(f"{reverse('inspectors:plaque_list')}?township={township.pk}")


def _printable(found):
    return [
        {"status": status, "content": status.content, "qr": qr_code(status.content["url"])}
        for status in found
        if status.plaque is not None
    ]


@require_safe
@roles_required(OFFICE_AND_COMMITTEE)
def plaque_print(request, school_pk: int, size: str):
    """The plaque to print, on A4 or A3."""
    if size not in SIZES:
        raise Http404
    school = _school(request, school_pk)
    found = [status_of(school)]
    plaques = _printable(found)
    if plaques and may_change(request.user):
        record_prints(found=found, actor=request.user)
    if not plaques:
        messages.error(request, _("Issue the plaque first: it gives the number and QR code."))
        return redirect("inspectors:plaque", school_pk=school.pk)
    return render(
        request,
        "inspectors/plaque_print.html",
        {
            "plaques": plaques,
            "size": size,
            "back_url": reverse("inspectors:plaque", args=[school.pk]),
        },
    )


@require_safe
@roles_required(OFFICE_AND_COMMITTEE)
def plaque_print_township(request, township_pk: int, size: str):
    """Every issued plaque of a township's open schools, one a page."""
    if size not in SIZES:
        raise Http404
    township = get_object_or_404(
        Township.objects.for_user(request.user).select_related("county"), pk=township_pk
    )
    schools = School.objects.for_user(request.user).filter(township=township).active()
    found = statuses(schools, county=township.county)
    if may_change(request.user):
        record_prints(found=found, actor=request.user)
    return render(
        request,
        "inspectors/plaque_print.html",
        {
            "plaques": _printable(found),
            "size": size,
            "township": township,
            "back_url": f"{reverse('inspectors:plaque_list')}?township={township.pk}",
        },
    )


@roles_required(OFFICE)
def posting_create(request, school_pk: int):
    """Record that the plaque went up at the gate, with a photo; it keeps what the print that
    went up printed (the office's print page records each print)."""
    school = _school(request, school_pk, CHANGE)
    status = status_of(school)
    if status.plaque is None:
        messages.error(request, _("Issue and print the plaque before recording its posting."))
        return redirect("inspectors:plaque", school_pk=school.pk)
    cancel_url = reverse("inspectors:plaque", args=[school.pk])
    form = PostingForm(
        request.POST or None,
        request.FILES or None,
        school=school,
        plaque=status.plaque,
        cancel_url=cancel_url,
    )
    if request.method == "POST" and form.is_valid():
        record_posting(
            plaque=status.plaque,
            posted_on=form.cleaned_data["posted_on"],
            photo=form.cleaned_data["photo"],
            note=form.cleaned_data["note"],
            actor=request.user,
            printed=form.cleaned_data.get("printed"),
        )
        messages.success(
            request, _("The posting of plaque %(number)s is recorded.") % {"number": status.plaque}
        )
        return redirect("inspectors:plaque", school_pk=school.pk)
    latest = status.plaque.latest_print()
    return render(
        request,
        "inspectors/posting_form.html",
        {
            "form": form,
            "school": school,
            "status": status,
            "content": latest.snapshot if latest else status.content,
            "latest_print": latest,
            # What changed since the last print: posted, that plaque is outdated at once.
            "since_print": differences(latest.snapshot, status.content) if latest else [],
        },
    )


@require_safe
@roles_required(OFFICE_AND_COMMITTEE)
def posting_photo(request, pk: int, variant: str):
    posting = get_object_or_404(PlaquePosting.objects.for_user(request.user), pk=pk)
    if variant not in ("full", "thumb"):
        raise Http404
    return private_file_response(
        posting.photo if variant == "full" else posting.thumbnail, max_age=3600
    )
