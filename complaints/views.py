"""The handling pages (社会监督): the list, a case with its steps, the verification record to
print, the office's entry of calls and letters, the export, announcements and public settings.

Who sees a case is decided by ``Submission.objects.for_user``; who sees the complainant's name,
phone, photo and words by ``Submission.shows_personal_data_to``, and each such view is recorded.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.access import OFFICE, OFFICE_AND_COMMITTEE, has_role, roles_required
from accounts.scoping import CHANGE
from complaints import export, services
from complaints.forms import (
    STEP_FORMS,
    AnnouncementForm,
    ExportForm,
    OfficeSubmissionForm,
    PublicSettingsForm,
    SchoolSearchForm,
    SubmissionFilterForm,
    step_forms_for,
)
from complaints.models import (
    Announcement,
    HandlingError,
    PersonalDataPurpose,
    Submission,
    SubmissionState,
)
from dudao.files import private_file_response
from dudao.pagination import paginate
from dudao.pickers import picker_response
from dudao.xlsx import INLINE_EXPORT_ROWS
from schools.access import county_choices, county_for
from schools.models import County, School


def _listing(user):
    return Submission.objects.for_user(user).select_related(
        "school__township", "matter", "assigned_inspector"
    )


@login_required
def submission_list(request):
    """The cases the user may see: overdue first, then open ones by due day, then answered."""
    submissions = _listing(request.user)
    form = SubmissionFilterForm(request.GET or None)
    today = timezone.localdate()
    counts = submissions.aggregate(
        open=Count("pk", filter=Q(state__in=(SubmissionState.NEW, SubmissionState.VERIFYING))),
        overdue=Count(
            "pk",
            filter=Q(state__in=(SubmissionState.NEW, SubmissionState.VERIFYING), due_on__lt=today),
        ),
    )
    # Unanswered first (by due day, so overdue ones lead), then the latest answered.
    ordered = form.filter(submissions).order_by(
        F("answered_at").desc(nulls_first=True), "due_on", "-pk"
    )
    return render(
        request,
        "complaints/submission_list.html",
        {
            "form": form,
            "page": paginate(request, ordered),
            "counts": counts,
            "today": today,
            "can_record": request.user.is_superuser or request.user.is_office,
            "can_export": has_role(request.user, OFFICE_AND_COMMITTEE),
            # The export with personal data keeps the list's filters.
            "filters": [(name, request.GET[name]) for name in form.fields if request.GET.get(name)],
        },
    )


def _submission(user, pk, action="view"):
    return get_object_or_404(
        Submission.objects.for_user(user, action).select_related(
            "school__county__settings",
            "school__township",
            "matter",
            "assigned_inspector",
            "rectification_item",
            "department",
            "recorded_by",
            "answered_by",
        ),
        pk=pk,
    )


def _detail_context(request, submission, bound=None) -> dict:
    personal = submission.shows_personal_data_to(request.user)
    if personal:
        services.record_personal_data_views(
            user=request.user, submissions=[submission], purpose=PersonalDataPurpose.PAGE
        )
    return {
        "submission": submission,
        "personal": personal,
        "events": submission.events.select_related("actor", "inspector", "department"),
        "step_forms": step_forms_for(submission, request.user, bound),
        "views": submission.personal_data_views.select_related("user")[:20]
        if request.user.is_office or request.user.is_superuser
        else [],
    }


@login_required
def submission_detail(request, pk: int):
    submission = _submission(request.user, pk)
    if pick := request.GET.get("pick"):  # a find box of a step form (e.g. reassign's inspector)
        steps = step_forms_for(submission, request.user)
        form = next((form for form in steps if pick.startswith(f"{form.prefix}-")), None)
        if form is None:
            raise Http404
        return picker_response(request, form)
    return render(
        request, "complaints/submission_detail.html", _detail_context(request, submission)
    )


@login_required
@require_POST
def submission_step(request, pk: int, action: str):
    """Take one step; a refused or stale one shows its reason on the case page."""
    if action not in STEP_FORMS:
        raise Http404
    submission = _submission(request.user, pk, CHANGE)
    form_class = STEP_FORMS[action]
    if not submission.may_handle(request.user) or (
        getattr(form_class, "office_only", False)
        and not (request.user.is_office or request.user.is_superuser)
    ):
        raise PermissionDenied
    form = form_class(request.POST, submission=submission)
    if form.is_valid():
        try:
            form.take(request.user)
        except HandlingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": form_class.title})
            return redirect("complaints:detail", pk=submission.pk)
    return render(
        request,
        "complaints/submission_detail.html",
        _detail_context(request, submission, form),
        status=400,
    )


@require_safe
@login_required
def submission_photo(request, pk: int, variant: str):
    """The complainant's photo: personal data, for the office and the assigned inspector."""
    submission = _submission(request.user, pk)
    if variant not in ("full", "thumb") or not submission.shows_personal_data_to(request.user):
        raise Http404
    stored = submission.photo if variant == "full" else submission.photo_thumbnail
    response = private_file_response(stored, max_age=0)
    if variant == "full":
        services.record_personal_data_views(
            user=request.user, submissions=[submission], purpose=PersonalDataPurpose.PHOTO
        )
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def submission_print(request, pk: int):
    """The complaint verification record (受理核实投诉记录表) on A4: with the complainant's
    details, so only for those who may see them."""
    submission = _submission(request.user, pk)
    if not submission.shows_personal_data_to(request.user):
        raise Http404
    services.record_personal_data_views(
        user=request.user, submissions=[submission], purpose=PersonalDataPurpose.PRINT
    )
    return render(
        request,
        "complaints/submission_print.html",
        {
            "submission": submission,
            "events": submission.events.select_related("actor", "inspector", "department"),
        },
    )


@roles_required(OFFICE)
def submission_create(request):
    """A call, letter or mailbox note typed in by the office: find the school, then the form."""
    school = None
    if request.GET.get("school", "").isdigit():
        school = get_object_or_404(
            School.objects.for_user(request.user, CHANGE).select_related("county__settings"),
            pk=request.GET["school"],
            is_active=True,
        )
    if school is None:
        search = SchoolSearchForm(request.GET or None)
        found = []
        if search.is_valid() and (term := search.cleaned_data["q"].strip()):
            found = (
                School.objects.for_user(request.user, CHANGE)
                .active()
                .filter(name__icontains=term)
                .select_related("township")[:20]
            )
        return render(
            request, "complaints/submission_school.html", {"search": search, "found": found}
        )
    cancel_url = reverse("complaints:list")
    form = OfficeSubmissionForm(
        request.POST or None, request.FILES or None, school=school, cancel_url=cancel_url
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submission, _new = services.receive(
            school=school,
            channel=data["channel"],
            category=data["category"],
            matter=data["matter"],
            text=data["text"],
            name=data["name"],
            phone=data["phone"],
            relation=data["relation"],
            photo=data["photo_upload"],
            recorded_by=request.user,
        )
        messages.success(
            request,
            _("Recorded. The tracking code for the caller is %(code)s.")
            % {"code": submission.grouped_code},
        )
        return redirect("complaints:detail", pk=submission.pk)
    return render(request, "complaints/submission_form.html", {"form": form, "school": school})


@roles_required(OFFICE_AND_COMMITTEE)
def submission_export(request):
    """The filtered list as .xlsx; names, phones and texts only if the office ticks the box."""
    form = SubmissionFilterForm(request.GET or None)
    options = ExportForm(request.GET or None)
    personal = bool(
        options.is_valid()
        and options.cleaned_data["personal"]
        and (request.user.is_office or request.user.is_superuser)
    )
    submissions = form.filter(_listing(request.user)).order_by("received_at", "pk")
    if submissions.count() > INLINE_EXPORT_ROWS:  # too long for the request
        query = request.GET.copy()
        query.pop("personal", None)
        if personal:  # every row's view is recorded: only for lists short enough to read
            messages.error(
                request,
                _(
                    "An export with names and phone numbers holds at most %(rows)d cases; "
                    "narrow the filter. Nothing was exported."
                )
                % {"rows": INLINE_EXPORT_ROWS},
            )
            return redirect(f"{reverse('complaints:list')}?{query.urlencode()}")
        return redirect(f"{reverse('reports:export', args=['complaints'])}?{query.urlencode()}")
    if personal:
        services.record_personal_data_views(
            user=request.user, submissions=list(submissions), purpose=PersonalDataPurpose.EXPORT
        )
    return export.submissions_response(submissions, personal=personal)


# Announcements and public settings -----------------------------------------------------------


@roles_required(OFFICE_AND_COMMITTEE)
def announcement_list(request):
    county = county_for(request)
    return render(
        request,
        "complaints/announcement_list.html",
        {
            "county": county,
            "counties": county_choices(request),
            "page": paginate(
                request, Announcement.objects.for_user(request.user).filter(county=county)
            ),
            "can_change": request.user.is_office or request.user.is_superuser,
        },
    )


@roles_required(OFFICE)
def announcement_create(request):
    announcement = Announcement(county=county_for(request), created_by=request.user)
    return _edit_announcement(request, announcement)


@roles_required(OFFICE)
def announcement_edit(request, pk: int):
    announcement = get_object_or_404(Announcement.objects.for_user(request.user, CHANGE), pk=pk)
    return _edit_announcement(request, announcement)


def _edit_announcement(request, announcement):
    cancel_url = reverse("complaints:announcements")
    form = AnnouncementForm(request.POST or None, instance=announcement, cancel_url=cancel_url)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The announcement was saved."))
        return redirect(cancel_url)
    return render(
        request,
        "complaints/announcement_form.html",
        {"form": form, "announcement": announcement},
    )


@roles_required(OFFICE)
def public_settings(request):
    """The office's contacts, complaint phone and public address, as the public pages and the
    plaques show them."""
    county = county_for(request)
    if not (request.user.is_superuser or request.user.county_id == county.pk):
        raise PermissionDenied
    here = request.get_full_path()
    form = PublicSettingsForm(request.POST or None, instance=county, cancel_url=here)
    if request.method == "POST" and form.is_valid():
        old_root = County.objects.get(pk=county.pk).public_root
        form.save()
        messages.success(request, _("The public supervision settings were saved."))
        if "public_base_url" in form.changed_data and form.issued_plaques:
            messages.warning(
                request,
                ngettext(
                    "%(count)d plaque already issued keeps the address printed on it "
                    "(%(old)s/p/…); plaques issued from now on use %(new)s/p/….",
                    "%(count)d plaques already issued keep the address printed on them "
                    "(%(old)s/p/…); plaques issued from now on use %(new)s/p/….",
                    form.issued_plaques,
                )
                % {"count": form.issued_plaques, "old": old_root, "new": county.public_root},
            )
        return redirect(here)
    return render(
        request,
        "complaints/public_settings.html",
        {"county": county, "counties": county_choices(request), "form": form},
    )
