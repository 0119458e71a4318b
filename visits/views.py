"""Pages of the visit record: the inspector's month, the record form, lists, feedback, photos
and files."""

import functools
import math
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import VIEW
from dudao.files import private_file_response
from dudao.pagination import paginate
from dudao.pickers import picker_response
from dudao.xlsx import INLINE_EXPORT_ROWS
from inspectors.models import Inspector
from schools.models import CountySettings, School
from visits.export import visits_response
from visits.forms import (
    MATTER_NOTE_HELPER,
    PROBLEM_HELPER,
    AmendmentForm,
    MatterNoteFormSet,
    ProblemFormSet,
    ReplyForm,
    StartVisitForm,
    VisitFilterForm,
    VisitForm,
    co_inspector_candidates,
    co_inspector_matches,
)
from visits.imaging import too_big_message
from visits.models import SHANGHAI, Visit, VisitPhoto
from visits.services import (
    SchoolDutyRow,
    VisitNotEditable,
    add_upload,
    delete_photo,
    due_schools_queryset,
    filter_schools,
    filter_visits,
    inspector_month,
    loggable_schools,
    matters_for,
    month_duty,
    save_draft,
    start_visit,
    today_in_shanghai,
    upload_max_bytes,
    with_duty_counts,
    with_list_columns,
    with_responsible_inspector,
)


@functools.cache
def _service_worker_source() -> str:
    return Path(finders.find("js/visit_sw.js")).read_text(encoding="utf-8")


def service_worker(request):
    """The visit pages' service worker, served from /visits/ so that /visits/ is its scope.

    Open to everyone: it holds no data, and the browser checks it for updates on its own.
    """
    response = HttpResponse(_service_worker_source(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _is_county_staff(user) -> bool:
    return user.is_superuser or user.is_office or user.is_county_reader


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# What the pages that change a visit read with it (the county's settings: photo sizes, duties).
EDITING_RELATED = ("school__county__settings", "school__township", "inspector", "created_by")
# What its page shows: reading seven tables' columns for it cost the page a fifth of its time.
RECORD_RELATED = ("school__township", "inspector")


def _visit(request, pk: int, *, related=EDITING_RELATED) -> Visit:
    """A visit the user may see, or 404."""
    visits = Visit.objects.for_user(request.user, VIEW).select_related(*related)
    return get_object_or_404(visits, pk=pk)


def _editable_visit(request, pk: int) -> Visit:
    """A visit the user may see and change, or 404 / 403."""
    visit = _visit(request, pk)
    _require(visit.can_edit(request.user))
    return visit


def _not_draft_json() -> JsonResponse:
    return JsonResponse(
        {"ok": False, "error": _("This visit has been submitted and can no longer be changed.")},
        status=409,
    )


# --- the inspector's month ------------------------------------------------------------------


# Drafts listed above the inspector's schools, newest first; the visit list shows them all.
MY_DRAFT_ROWS = 10


@login_required
def my_schools(request):
    """本月督导: the inspector's schools, which still need a visit this month, one-tap start."""
    user = request.user
    _require(user.is_superuser or (user.is_inspector and user.inspector_id))
    today = today_in_shanghai()
    context = {"today": today, "rows": [], "duty": None, "drafts": []}
    if user.is_inspector:
        duty, rows = inspector_month(user, today=today)
        # One row more than shown tells whether the list of drafts links to the rest.
        drafts = list(
            Visit.objects.for_user(user)
            .drafts()
            .filter(inspector_id=user.inspector_id)
            .select_related("school")
            .only("school__name", "arrived_at", "kind")[: MY_DRAFT_ROWS + 1]
        )
        context.update(
            duty=duty,
            rows=rows,
            due_count=sum(row.is_due for row in rows),
            drafts=drafts[:MY_DRAFT_ROWS],
            more_drafts=len(drafts) > MY_DRAFT_ROWS,
            is_special=user.inspector.is_special,
        )
    return render(request, "visits/my_schools.html", context)


@login_required
def visit_new(request):
    """Pick a school and start a visit (special inspectors, the office)."""
    user = request.user
    schools = loggable_schools(user)
    _require(user.is_superuser or user.is_office or user.is_inspector)
    form = StartVisitForm(
        request.POST or None, schools=schools, user=user, initial=request.GET.dict()
    )
    if found := picker_response(request, form):
        return found
    if request.method == "POST" and form.is_valid():
        try:
            visit = start_visit(
                school=form.cleaned_data["school"],
                kind=form.cleaned_data["kind"],
                inspector=form.cleaned_data.get("inspector"),
                actor=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("visits:visit_edit", visit.pk)
    return render(request, "visits/visit_new.html", {"form": form})


@login_required
@require_POST
def visit_start(request, school_pk: int):
    """One tap: create the draft now (arrival = now) and open it."""
    # Special inspectors may log at schools they are not shown when the county hides them.
    school = (
        School.objects.for_user(request.user).filter(pk=school_pk).first()
        or loggable_schools(request.user).filter(pk=school_pk).first()
    )
    if school is None:
        raise Http404
    inspector = None
    requested = request.POST.get("inspector", "")
    if requested.isascii() and requested.isdigit():
        inspector = Inspector.objects.for_user(request.user).filter(pk=requested).first()
    try:
        visit = start_visit(
            school=school,
            kind=request.POST.get("kind", ""),
            inspector=inspector,
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('visits:visit_new')}?school={school.pk}")
    return redirect("visits:visit_edit", visit.pk)


# --- the record form ------------------------------------------------------------------------


def _record_forms(visit: Visit, user, data=None, *, strict: bool = False, co_search: str = ""):
    matters = matters_for(visit)
    visit_day = timezone.localtime(visit.arrived_at, SHANGHAI).date()
    problems_initial = None
    if data is None:
        problems_initial = [
            {
                "matter": problem.matter_id,
                "severity": problem.severity,
                "description": problem.description,
                "required_change": problem.required_change,
                "deadline": problem.deadline,
            }
            for problem in visit.problems.all()
        ]
    form = VisitForm(data, visit=visit, user=user, strict=strict, co_search=co_search)
    notes = MatterNoteFormSet(
        data,
        prefix="matters",
        matters=matters,
        notes=visit.matter_notes.all(),
        strict=strict,
    )
    problems = ProblemFormSet(
        data,
        prefix="problems",
        matters=matters,
        visit_day=visit_day,
        strict=strict,
        initial=problems_initial,
    )
    return form, notes, problems


def _all_valid(*forms) -> bool:
    results = [form.is_valid() for form in forms]  # validate every one, so all errors show
    return all(results)


@login_required
def visit_edit(request, pk: int):
    visit = _editable_visit(request, pk)
    if not visit.is_draft:
        messages.info(request, _("This visit is submitted; add a correction below if needed."))
        return redirect("visits:visit_detail", visit.pk)
    user = request.user
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        # A complete record is checked once; otherwise whatever is valid is saved (lenient)
        # and the strict forms below say what is missing.
        strict = _record_forms(visit, user, request.POST, strict=True) if submitting else None
        complete = strict is not None and _all_valid(*strict)
        if complete:
            saved = strict
        else:
            saved = _record_forms(visit, user, request.POST)
            _all_valid(*saved)
        try:
            visit = save_draft(
                visit=visit, form=saved[0], notes_formset=saved[1], problems_formset=saved[2]
            )
        except VisitNotEditable:
            messages.error(request, _("This visit has already been submitted."))
            return redirect("visits:visit_detail", visit.pk)
        if request.POST.get("action") == "find_co_inspectors":  # the picker without JavaScript
            found = urlencode({"co": request.POST.get("co_search", "")[:50]})
            return redirect(f"{reverse('visits:visit_edit', args=[visit.pk])}?{found}")
        if not submitting:
            messages.success(request, _("The draft is saved."))
            return redirect("visits:visit_edit", visit.pk)
        forms = strict
        if complete:
            try:
                visit.submit(user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The visit record is submitted."))
                return redirect("visits:visit_detail", visit.pk)
        else:
            messages.error(
                request,
                _(
                    "The record is not complete yet: see the marked fields. "
                    "Everything typed so far is saved in the draft."
                ),
            )
    else:
        forms = _record_forms(visit, user, co_search=request.GET.get("co", ""))
        if found := picker_response(request, forms[0]):  # the office's inspector picker
            return found
    form, notes, problems = forms
    return render(
        request,
        "visits/visit_edit.html",
        {
            "visit": visit,
            "form": form,
            "notes_formset": notes,
            "problems_formset": problems,
            "note_helper": MATTER_NOTE_HELPER,
            "problem_helper": PROBLEM_HELPER,
            "photos": visit.photos.all(),
            "county_settings": visit.school.county.settings,
            "upload_max_bytes": upload_max_bytes(visit.school.county.settings),
            "too_big_message": too_big_message(upload_max_bytes(visit.school.county.settings)),
        },
    )


@login_required
@require_POST
def visit_autosave(request, pk: int):
    """Save the draft as typed, whatever is missing, and answer when it was saved."""
    visit = _editable_visit(request, pk)
    if not visit.is_draft:
        return _not_draft_json()
    forms = _record_forms(visit, request.user, request.POST)
    _all_valid(*forms)
    try:
        visit = save_draft(
            visit=visit, form=forms[0], notes_formset=forms[1], problems_formset=forms[2]
        )
    except VisitNotEditable:
        return _not_draft_json()
    return JsonResponse({"ok": True, "saved_at": timezone.localtime(visit.updated_at).isoformat()})


@login_required
def co_inspector_search(request, pk: int):
    """Inspectors of the county found by name for the co-inspector picker (JSON)."""
    visit = _editable_visit(request, pk)
    found = co_inspector_matches(co_inspector_candidates(visit), request.GET.get("q", ""))
    return JsonResponse(
        {"results": [{"id": inspector.pk, "name": inspector.name} for inspector in found]}
    )


def _client_time(value):
    """An ISO 8601 time sent by the phone (its own clock), or None if there is none."""
    try:
        moment = parse_datetime(value or "")
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _float_or_none(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None  # NaN or infinity is no position


@login_required
@require_POST
def check_in(request, pk: int):
    """Record where the inspector is (with consent, on their tap); no position: "no location"."""
    visit = _editable_visit(request, pk)
    if not visit.is_draft:
        return _not_draft_json()
    latitude = _float_or_none(request.POST.get("lat"))
    longitude = _float_or_none(request.POST.get("lon"))
    if latitude is not None and not -90 <= latitude <= 90:
        latitude = None
    if longitude is not None and not -180 <= longitude <= 180:
        longitude = None
    accuracy = _float_or_none(request.POST.get("accuracy"))
    with transaction.atomic():
        locked = Visit.objects.locked().get(pk=visit.pk)
        if not locked.is_draft:
            return _not_draft_json()
        locked.record_check_in(
            latitude=latitude,
            longitude=longitude,
            accuracy=accuracy,
            taken_at=_client_time(request.POST.get("taken_at")),
        )
        locked.save()
    return JsonResponse(
        {
            "ok": True,
            "status": locked.check_in_status,
            "status_display": locked.get_check_in_status_display(),
            "distance_m": locked.check_in_distance,
            "flagged": locked.is_flagged,
            "saved_at": timezone.localtime(locked.updated_at).isoformat(),
        }
    )


@login_required
@require_POST
def visit_discard(request, pk: int):
    """Throw away a draft started by mistake, with its photos."""
    visit = _editable_visit(request, pk)
    if not visit.is_draft:
        messages.error(request, _("A submitted visit is kept in the archive."))
        return redirect("visits:visit_detail", visit.pk)
    photos = list(visit.photos.all())
    with transaction.atomic():
        visit.delete()
        for photo in photos:
            transaction.on_commit(photo.delete_files)
    messages.success(request, _("The draft is discarded."))
    return redirect("visits:my_schools" if request.user.is_inspector else "visits:visit_list")


# --- photos and files -----------------------------------------------------------------------


def _photo_json(photo: VisitPhoto) -> dict:
    if photo.is_pdf:
        thumbnail_url = None
        url = reverse("visits:attachment_file", args=[photo.pk])
    else:
        thumbnail_url = reverse("visits:photo_file", args=[photo.pk, "thumb"])
        url = reverse("visits:photo_file", args=[photo.pk, "full"])
    return {
        "id": photo.pk,
        "kind": photo.kind,
        "thumbnail_url": thumbnail_url,
        "url": url,
        "name": photo.original_name,
        "size": photo.size,
        "size_display": filesizeformat(photo.size),
        "delete_url": reverse("visits:photo_delete", args=[photo.pk]),
    }


@login_required
@require_POST
def photo_upload(request, pk: int):
    visit = _editable_visit(request, pk)
    as_json = _wants_json(request)
    uploaded = request.FILES.get("file")
    error = None
    photo = None
    if not visit.is_draft:
        if as_json:
            return _not_draft_json()
        error = _("This visit has already been submitted.")
    elif uploaded is None:
        error = _("Choose a photo or a PDF to upload.")
    else:
        try:
            photo = add_upload(
                visit=visit,
                uploaded_file=uploaded,
                actor=request.user,
                taken_at=_client_time(request.POST.get("taken_at")),
            )
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        except VisitNotEditable:
            return _not_draft_json() if as_json else redirect("visits:visit_detail", visit.pk)
    if as_json:
        if error:
            return JsonResponse({"error": error}, status=400)
        return JsonResponse(_photo_json(photo), status=201)
    if error:
        messages.error(request, error)
    return redirect("visits:visit_edit", visit.pk)


@login_required
@require_POST
def photo_delete(request, pk: int):
    photo = get_object_or_404(VisitPhoto.objects.for_user(request.user), pk=pk)
    visit = _editable_visit(request, photo.visit_id)
    try:
        with transaction.atomic():
            delete_photo(photo=photo)
    except VisitNotEditable:
        if _wants_json(request):
            return _not_draft_json()
        messages.error(request, _("Photos of a submitted visit are kept."))
        return redirect("visits:visit_detail", visit.pk)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return redirect("visits:visit_edit", visit.pk)


@login_required
def photo_file(request, pk: int, variant: str):
    """A photo, only for users who may see its visit; files never have a public URL."""
    photos = VisitPhoto.objects.for_user(request.user).filter(kind=VisitPhoto.Kind.PHOTO)
    photo = get_object_or_404(photos, pk=pk)
    stored = photo.image if variant == "full" else photo.thumbnail
    return private_file_response(stored, max_age=86400)


@login_required
def attachment_file(request, pk: int):
    """A PDF of a visit, only for users who may see the visit; always downloaded, never shown
    inline, under its uploaded name cleaned of anything unsafe."""
    files = VisitPhoto.objects.for_user(request.user).filter(kind=VisitPhoto.Kind.PDF)
    attachment = get_object_or_404(files, pk=pk)
    response = private_file_response(attachment.image, max_age=3600)
    response["Content-Type"] = "application/pdf"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.download_name
    )
    return response


# --- reading a record -----------------------------------------------------------------------


def _record_context(visit: Visit) -> dict:
    uploads = list(visit.photos.all())
    return {
        "visit": visit,
        "notes": visit.matter_notes.select_related("matter"),
        "problems": visit.problems.select_related("matter", "rectification_item"),
        "uploads": uploads,
        "photos": [upload for upload in uploads if not upload.is_pdf],
        "attachments": [upload for upload in uploads if upload.is_pdf],
        "amendments": visit.amendments.select_related("author"),
        "co_inspectors": visit.co_inspectors.all(),
    }


@login_required
def visit_detail(request, pk: int):
    visit = _visit(request, pk, related=RECORD_RELATED)
    user = request.user
    context = _record_context(visit)
    is_principal = visit.is_school_principal(user)
    can_edit = visit.can_edit(user)
    from rectifications.models import RectificationItem  # rectifications builds on visits

    context["problems"] = problems = list(context["problems"])
    items = [problem.rectification_item_id for problem in problems if problem.rectification_item_id]
    context.update(
        can_edit=can_edit,
        is_principal=is_principal,
        # Items the reader may open: a co-inspector from elsewhere may not see the school's. (No
        # query for a record without problems: most of them.)
        visible_items=set(
            RectificationItem.objects.for_user(user)
            .filter(pk__in=items)
            .values_list("pk", flat=True)
        ),
        events=visit.events.select_related("actor"),
        reply_form=ReplyForm(action=reverse("visits:visit_reply", args=[visit.pk]))
        if is_principal and not visit.principal_reply
        else None,
        amend_form=AmendmentForm(action=reverse("visits:visit_amend", args=[visit.pk]))
        if can_edit and not visit.is_draft
        else None,
    )
    return render(request, "visits/visit_detail.html", context)


@login_required
def visit_print(request, pk: int):
    visit = _visit(request, pk)
    context = _record_context(visit)
    context["matters"] = _matter_rows(visit, context["notes"])
    return render(request, "visits/visit_print.html", context)


def _matter_rows(visit: Visit, notes) -> list[dict]:
    """Every matter of the record, as the paper form lists them, with the note if any."""
    by_matter = {note.matter_id: note for note in notes}
    return [{"matter": matter, "note": by_matter.get(matter.pk)} for matter in matters_for(visit)]


@login_required
@require_POST
def visit_read(request, pk: int):
    visit = _visit(request, pk)
    try:
        visit.mark_read(request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("visits:visit_detail", visit.pk)


@login_required
@require_POST
def visit_reply(request, pk: int):
    visit = _visit(request, pk)
    _require(visit.is_school_principal(request.user))
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a reply first."))
        return redirect("visits:visit_detail", visit.pk)
    try:
        visit.reply(request.user, form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your reply is sent to the inspector."))
    return redirect("visits:visit_detail", visit.pk)


@login_required
@require_POST
def visit_amend(request, pk: int):
    visit = _editable_visit(request, pk)
    form = AmendmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the correction first."))
        return redirect("visits:visit_detail", visit.pk)
    try:
        visit.amend(request.user, form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The correction is added to the record."))
    return redirect("visits:visit_detail", visit.pk)


# --- lists ----------------------------------------------------------------------------------


def _filtered(request, *, listed: bool = False):
    """The filtered visits the user may read; with ``listed``, what a list may show them (for
    the office also the county's other drafts, which a list shows only exist)."""
    form = VisitFilterForm(request.GET or None, user=request.user)
    readable = Visit.objects.for_user(request.user)
    visits = Visit.objects.listed_for(request.user) if listed else readable
    form.is_valid()  # an invalid field drops out of cleaned_data; the valid ones still filter
    cleaned = getattr(form, "cleaned_data", {})
    if listed and (cleaned.get("matter") or cleaned.get("flagged")):
        # The matters looked at and the check-in are a draft's content: only readable visits.
        visits = visits.filter(pk__in=readable.values("pk"))
    return form, filter_visits(visits, cleaned), cleaned


# Schools still due shown above the visit list; the rest are counted (filters narrow them).
DUE_ROWS = 50
# Visits counted past the start of the page: a province's list is not counted to its end.
COUNTED_VISITS = 1000
# What a row of a list shows (visits/_visit_rows.html): none of the record's texts.
ROW_FIELDS = (
    "school__name",
    "school__township__name",
    "inspector__name",
    "kind",
    "status",
    "arrived_at",
    "read_at",
    "principal_reply",
    "check_in_status",
)


@login_required
def visit_list(request):
    """督导记录: the visits the user may see, filtered; for county staff, the schools still due."""
    user = request.user
    _require(_is_county_staff(user) or user.is_inspector)
    form, visits, cleaned = _filtered(request, listed=True)
    page = paginate(request, visits, count_limit=COUNTED_VISITS)
    # The page's visits are first found by their keys alone, which the index of each school's
    # visits by arrival holds; sorting a county's ten thousand visits with every column a row
    # shows was the page's slowest query. Only the page's 25 rows are then read.
    page.object_list = with_list_columns(
        Visit.objects.filter(pk__in=page.object_list.values("pk"))
    ).only(*ROW_FIELDS)
    shown = [visit.pk for visit in page.object_list]
    readable = set(Visit.objects.for_user(user).filter(pk__in=shown).values_list("pk", flat=True))
    context = {
        "form": form,
        "page": page,
        "readable": readable,
        "can_export": _is_county_staff(user),
    }
    if _is_county_staff(user):
        context.update(_schools_due(user, cleaned, with_rows=request.GET.get("due") == "1"))
    return render(request, "visits/visit_list.html", context)


def _schools_due(user, cleaned: dict, *, with_rows: bool) -> dict:
    """How many schools the place filters point at are short of the month's duty visits and,
    when asked for (``?due=1``), the first of them. Only of one county: the user's own, or the
    one a user of several counties chose (a province's 30,000 schools are not worked through on
    every page)."""
    today = today_in_shanghai()
    year, month = cleaned.get("month") or (today.year, today.month)
    context = {"due_month": f"{year}-{month:02d}", "due_count": None}
    county_id = user.county_id or (cleaned["county"].pk if cleaned.get("county") else None)
    if county_id is None:
        return context
    county_settings = (
        user.county.settings if user.county_id else CountySettings.objects.get(county_id=county_id)
    )
    duty = month_duty(county_settings, year=year, month=month)
    due = due_schools_queryset(
        filter_schools(School.objects.for_user(user), cleaned),
        year=year,
        month=month,
        county_settings=county_settings,
    )
    context.update(duty=duty, due_count=due.count())
    if with_rows:
        shown = with_duty_counts(
            with_responsible_inspector(
                due.select_related("township").only("name", "township__name")
            ),
            year=year,
            month=month,
        )[:DUE_ROWS]
        context["due_rows"] = [
            SchoolDutyRow(
                school=school,
                month_visits=school.month_visits,
                last_visit_at=school.last_visit_at,
                visits_required=duty.visits_required,
            )
            for school in shown
        ]
    return context


@login_required
def visit_export(request):
    _require(_is_county_staff(request.user))
    form, visits, _cleaned = _filtered(request)
    if form.errors:  # exporting more than was asked for would hand out the wrong list
        messages.error(request, _("Correct the filters first; nothing was exported."))
        return redirect(f"{reverse('visits:visit_list')}?{request.GET.urlencode()}")
    if visits.count() > INLINE_EXPORT_ROWS:  # too long for the request: the worker writes it
        return redirect(f"{reverse('reports:export', args=['visits'])}?{request.GET.urlencode()}")
    return visits_response(
        with_list_columns(visits).prefetch_related("co_inspectors"),
        filename=f"督导记录-{today_in_shanghai():%Y%m%d}.xlsx",
    )


@login_required
def school_visits(request):
    """督导反馈: the principal's list of submitted visits to their school."""
    user = request.user
    _require(user.is_superuser or user.is_principal)
    visits = with_list_columns(Visit.objects.for_user(user).submitted()).only(*ROW_FIELDS)
    page = paginate(request, visits)
    return render(request, "visits/school_visits.html", {"page": page})
