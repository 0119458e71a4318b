"""The supervision committee (教育督导委员会) and the county's meetings (三会 and others)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import OFFICE, OFFICE_AND_COMMITTEE, has_role, roles_required
from accounts.scoping import CHANGE
from dudao.files import attachment_response, safe_download_name
from dudao.pagination import paginate
from dudao.pickers import picker_response
from dudao.qr import qr_svg
from meetings import services
from meetings.forms import (
    AttendanceForm,
    CancelForm,
    CommitteeMemberForm,
    DecisionForm,
    InviteForm,
    MeetingEditForm,
    MeetingFileForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    ResponseForm,
    SeriesForm,
    TermEndForm,
)
from meetings.models import (
    Attendance,
    CommitteeMember,
    CommitteeRole,
    Invitee,
    Meeting,
    MeetingFile,
    MeetingKind,
    MeetingSeries,
    Response,
    SignIn,
)
from schools.access import county_choices, county_for, may_change

# The order a committee is presented in: chair first, then vice-chairs, the office, members.
ROLE_ORDER = [
    CommitteeRole.CHAIR,
    CommitteeRole.VICE_CHAIR,
    CommitteeRole.OFFICE_DIRECTOR,
    CommitteeRole.MEMBER,
]


@roles_required(OFFICE_AND_COMMITTEE)
def committee(request):
    county = county_for(request)
    today = timezone.localdate()
    members = (
        CommitteeMember.objects.for_user(request.user)
        .filter(county=county)
        .select_related("user")
        .order_by("term_starts_on", "name")
    )
    current = list(members.current(today))
    groups = [
        (role.label, [member for member in current if member.role == role]) for role in ROLE_ORDER
    ]
    former = members.exclude(pk__in=[member.pk for member in current]).order_by("-term_ends_on")
    return render(
        request,
        "meetings/committee.html",
        {
            "county": county,
            "counties": county_choices(request),
            "groups": [(label, group) for label, group in groups if group],
            "former": former,
            "can_change": may_change(request.user),
        },
    )


@roles_required(OFFICE)
def member_create(request):
    return _edit_member(request, CommitteeMember())


@roles_required(OFFICE)
def member_edit(request, pk: int):
    member = get_object_or_404(CommitteeMember.objects.for_user(request.user, CHANGE), pk=pk)
    return _edit_member(request, member)


def _edit_member(request, member: CommitteeMember):
    creating = member.pk is None
    form = CommitteeMemberForm(
        request.POST or None,
        instance=member,
        user=request.user,
        cancel_url=reverse("meetings:committee"),
    )
    if found := picker_response(request, form):
        return found
    if request.method == "POST" and form.is_valid():
        member = form.save()
        messages.success(request, _("%(name)s was saved.") % {"name": member.name})
        return redirect("meetings:committee")
    return render(
        request,
        "meetings/member_form.html",
        {"form": form, "member": member, "creating": creating},
    )


@roles_required(OFFICE)
def member_end(request, pk: int):
    """End a member's term on a date (GET shows the form)."""
    member = get_object_or_404(CommitteeMember.objects.for_user(request.user, CHANGE), pk=pk)
    form = TermEndForm(
        request.POST or None, instance=member, cancel_url=reverse("meetings:committee")
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("The term of %(name)s ends on %(date)s.")
            % {"name": member.name, "date": member.term_ends_on},
        )
        return redirect("meetings:committee")
    return render(request, "meetings/member_end.html", {"form": form, "member": member})


# --- meetings ------------------------------------------------------------------------------


def _county_of_user(request):
    """The county where the office schedules: its own; a superuser picks with ?county=."""
    return county_for(request)


def _changeable(request, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.for_user(request.user, CHANGE).select_related("county__settings"), pk=pk
    )


def _visible(request, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.for_user(request.user).select_related("county__settings"), pk=pk
    )


def _with_counts(meetings):
    """Invitee and attendance counts and the user's own answer, as columns: no query per row."""
    return meetings.annotate(
        invited_count=Count("invitees", distinct=True),
        attending_count=Count(
            "invitees", filter=Q(invitees__response=Response.ATTEND), distinct=True
        ),
        leave_count=Count("invitees", filter=Q(invitees__response=Response.LEAVE), distinct=True),
        came_count=Count(
            "invitees",
            filter=Q(invitees__attendance__in=[Attendance.PRESENT, Attendance.LATE]),
            distinct=True,
        ),
        decision_count=Count("decisions", distinct=True),
    )


@login_required
def meeting_list(request):
    """The meetings the user may see: upcoming first (soonest first), then past ones."""
    meetings = Meeting.objects.for_user(request.user)
    kind = request.GET.get("kind", "")
    if kind in MeetingKind.values:
        meetings = meetings.filter(kind=kind)
    now = timezone.now()
    my_answers = Invitee.objects.filter(meeting=OuterRef("pk"), user=request.user)
    meetings = _with_counts(meetings).annotate(
        my_response=Subquery(my_answers.values("response")[:1]),
        invited_me=Exists(my_answers),
    )
    upcoming = list(meetings.upcoming(now)[:50])
    page = paginate(request, meetings.past(now))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "upcoming": upcoming,
            "page": page,
            "kinds": MeetingKind.choices,
            "kind": kind,
            "can_change": has_role(request.user, OFFICE),
        },
    )


@roles_required(OFFICE)
def meeting_create(request):
    county = _county_of_user(request)
    form = MeetingForm(
        request.POST or None, county=county, cancel_url=reverse("meetings:meeting_list")
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.bounds
        meeting = services.schedule_meeting(
            county=county,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            starts_at=starts_at,
            ends_at=ends_at,
            place=form.cleaned_data["place"],
            chair=form.cleaned_data["chair"],
            agenda=form.cleaned_data["agenda"],
            choice=form.cleaned_recipients(),
            guests=form.guest_list,
        )
        messages.success(
            request,
            _("%(title)s is scheduled; %(count)s people are invited.")
            % {"title": meeting.title, "count": meeting.invitees.count()},
        )
        return redirect("meetings:meeting_detail", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "creating": True})


@roles_required(OFFICE)
def meeting_edit(request, pk: int):
    meeting = _changeable(request, pk)
    back = reverse("meetings:meeting_detail", args=[meeting.pk])
    form = MeetingEditForm(request.POST or None, instance=meeting, cancel_url=back)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The meeting was saved."))
        return redirect(back)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "meeting": meeting, "creating": False}
    )


def _step_page(request, meeting, form, template: str, action):
    """A form page for one office step on a meeting (move, cancel, invite)."""
    if request.method == "POST" and form.is_valid():
        try:
            message = action(form)
        except services.MeetingError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, message)
            return redirect("meetings:meeting_detail", meeting.pk)
    return render(request, template, {"form": form, "meeting": meeting})


@roles_required(OFFICE)
def meeting_move(request, pk: int):
    meeting = _changeable(request, pk)
    form = MoveForm(
        request.POST or None,
        meeting=meeting,
        cancel_url=reverse("meetings:meeting_detail", args=[meeting.pk]),
    )

    def move(form):
        starts_at, ends_at = form.bounds
        services.move_meeting(
            meeting=meeting,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=form.cleaned_data["reason"],
        )
        return _("The meeting was moved; the invitees are told.")

    return _step_page(request, meeting, form, "meetings/meeting_step.html", move)


@roles_required(OFFICE)
def meeting_cancel(request, pk: int):
    meeting = _changeable(request, pk)
    form = CancelForm(
        request.POST or None,
        meeting=meeting,
        cancel_url=reverse("meetings:meeting_detail", args=[meeting.pk]),
    )

    def cancel(form):
        services.cancel_meeting(meeting=meeting, reason=form.cleaned_data["reason"])
        return _("The meeting was cancelled; the invitees are told.")

    return _step_page(request, meeting, form, "meetings/meeting_step.html", cancel)


@roles_required(OFFICE)
def meeting_invite(request, pk: int):
    meeting = _changeable(request, pk)
    form = InviteForm(
        request.POST or None,
        county=meeting.county,
        cancel_url=reverse("meetings:meeting_detail", args=[meeting.pk]),
    )

    def invite(form):
        if meeting.is_cancelled or meeting.is_over():
            raise services.MeetingError(_("Invitations are closed for this meeting."))
        with transaction.atomic():
            added = services.add_invitees(
                meeting=meeting, choice=form.cleaned_recipients(), guests=form.guest_list
            )
            services.announce(meeting)
        return _("%(count)s more people are invited.") % {"count": len(added)}

    return _step_page(request, meeting, form, "meetings/meeting_step.html", invite)


@roles_required(OFFICE)
@require_POST
def invitee_remove(request, pk: int):
    invitee = get_object_or_404(
        Invitee.objects.for_user(request.user, CHANGE).select_related("meeting"), pk=pk
    )
    if hasattr(invitee, "sign_in") or invitee.meeting.is_over():
        messages.error(request, _("Someone who signed in, or a past meeting's list, stays."))
    else:
        invitee.delete()
        messages.success(request, _("%(name)s is no longer invited.") % {"name": invitee.name})
    return redirect("meetings:meeting_detail", invitee.meeting_id)


@login_required
def meeting_detail(request, pk: int):
    meeting = _visible(request, pk)
    can_change = Meeting.objects.for_user(request.user, CHANGE).filter(pk=meeting.pk).exists()
    if can_change and (found := picker_response(request, DecisionForm(county=meeting.county))):
        return found
    invitees = list(
        meeting.invitees.select_related("user", "sign_in").order_by("group", "name", "pk")
    )
    mine = next((i for i in invitees if i.user_id == request.user.pk), None)
    now = timezone.now()
    decisions = list(
        meeting.decisions.select_related(
            "item__school", "township", "department", "owner_user"
        ).order_by("number")
    )
    context = {
        "meeting": meeting,
        "can_change": can_change,
        "invitees": invitees,
        "mine": mine,
        "now": now,
        "started": meeting.starts_at <= now,
        "over": meeting.is_over(now),
        "on": meeting.is_on(now),
        "decisions": decisions,
        "earlier": list(services.earlier_open_decisions(meeting)),
        "files": list(meeting.files.select_related("uploaded_by")),
        "summary": _summary(invitees),
    }
    if mine and not meeting.is_cancelled and not context["started"]:
        context["response_form"] = ResponseForm(
            initial={
                "response": mine.response or Response.ATTEND,
                "leave_reason": mine.leave_reason,
            }
        )
    if can_change and context["started"] and not meeting.is_cancelled:
        context["attendance_form"] = AttendanceForm(invitees=invitees)
        context["minutes_form"] = MinutesForm(instance=meeting)
        context["decision_form"] = DecisionForm(county=meeting.county)
    if can_change and not meeting.is_cancelled:
        context["file_form"] = MeetingFileForm(max_bytes=meeting.county.settings.document_max_bytes)
    return render(request, "meetings/meeting_detail.html", context)


def _summary(invitees) -> dict:
    """Who answered and who came, counted from the list already loaded."""
    counts = {"invited": len(invitees)}
    for value in Response.values:
        counts[f"response_{value or 'pending'}"] = sum(1 for i in invitees if i.response == value)
    for value in Attendance.values:
        counts[f"attendance_{value or 'unrecorded'}"] = sum(
            1 for i in invitees if i.attendance == value
        )
    counts["came"] = counts["attendance_present"] + counts["attendance_late"]
    counts["not_came"] = counts["attendance_absent"] + counts["attendance_excused"]
    return counts


@login_required
@require_POST
def meeting_respond(request, pk: int):
    meeting = _visible(request, pk)
    invitee = get_object_or_404(meeting.invitees, user=request.user)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("meetings:meeting_detail", meeting.pk)
    try:
        services.respond(
            invitee=invitee,
            response=form.cleaned_data["response"],
            reason=form.cleaned_data["leave_reason"],
        )
    except services.MeetingError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("meetings:meeting_detail", meeting.pk)


@roles_required(OFFICE)
@require_POST
def meeting_attendance(request, pk: int):
    meeting = _changeable(request, pk)
    form = AttendanceForm(request.POST, invitees=list(meeting.invitees.all()))
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed attendance values."))
    else:
        try:
            count = services.record_attendance(meeting=meeting, marks=form.marks())
        except services.MeetingError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Attendance saved (%(count)s changed).") % {"count": count})
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#attendance")


@roles_required(OFFICE)
@require_POST
def meeting_minutes(request, pk: int):
    meeting = _changeable(request, pk)
    form = MinutesForm(request.POST, instance=meeting)
    if not form.is_valid():
        messages.error(request, _("Write the minutes before saving."))
    else:
        try:
            services.file_minutes(
                meeting=meeting, actor=request.user, minutes=form.cleaned_data["minutes"]
            )
        except services.MeetingError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The minutes are filed."))
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#minutes")


@roles_required(OFFICE)
@require_POST
def meeting_file_upload(request, pk: int):
    meeting = _changeable(request, pk)
    max_bytes = meeting.county.settings.document_max_bytes
    form = MeetingFileForm(request.POST, request.FILES, max_bytes=max_bytes)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            upload = services.add_file(
                meeting=meeting,
                actor=request.user,
                upload=form.cleaned_data["file"],
                max_bytes=max_bytes,
            )
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": upload.original_name})
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#files")


@login_required
def meeting_file(request, pk: int):
    """A meeting's file, only for who may see the meeting; always a download."""
    record = get_object_or_404(MeetingFile.objects.for_user(request.user), pk=pk)
    name = safe_download_name(
        record.original_name,
        fallback=f"meeting-{record.meeting_id}-{record.pk}",
        extension=record.kind,
    )
    return attachment_response(record.file, kind=record.kind, download_name=name)


@roles_required(OFFICE)
@require_POST
def meeting_file_delete(request, pk: int):
    record = get_object_or_404(MeetingFile.objects.for_user(request.user, CHANGE), pk=pk)
    meeting_id = record.meeting_id
    record.file.delete(save=False)
    record.delete()
    messages.success(request, _("%(name)s was removed.") % {"name": record.original_name})
    return redirect(reverse("meetings:meeting_detail", args=[meeting_id]) + "#files")


@roles_required(OFFICE)
def decision_add(request, pk: int):
    """Record a decision (POST); a GET only answers the form's find boxes."""
    meeting = _changeable(request, pk)
    form = DecisionForm(request.POST or None, county=meeting.county)
    if found := picker_response(request, form):
        return found
    if request.method != "POST":
        return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#decisions")
    if form.is_valid():
        try:
            decision = services.add_decision(
                meeting=meeting,
                actor=request.user,
                text=form.cleaned_data["text"],
                deadline=form.cleaned_data["deadline"],
                owner=form.owner,
            )
        except services.MeetingError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("Decision %(number)s is recorded and tracked.") % {"number": decision.number},
            )
            return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#decisions")
    # Show the form again with its errors and what was typed.
    return render(
        request,
        "meetings/decision_form.html",
        {"form": form, "meeting": meeting},
        status=200 if form.is_valid() else 400,
    )


# --- QR sign-in ------------------------------------------------------------------------------


@roles_required(OFFICE)
def sign_in_screen(request, pk: int):
    """The office's screen at the meeting: a QR code that changes every minute (refreshed by
    static/meetings/sign_in_screen.js) and the count of who signed in."""
    meeting = _changeable(request, pk)
    invitees = meeting.invitees.filter(user__isnull=False)
    return render(
        request,
        "meetings/sign_in_screen.html",
        {
            "meeting": meeting,
            "on": meeting.is_on(),
            "signed_in": SignIn.objects.filter(invitee__meeting=meeting).count(),
            "expected": invitees.count(),
            "refresh_seconds": 15,
        },
    )


@roles_required(OFFICE)
def sign_in_code(request, pk: int):
    """The current code as an SVG image; never cached, so the screen always shows this minute's."""
    meeting = _changeable(request, pk)
    if not meeting.is_on():
        raise Http404
    url = request.build_absolute_uri(
        reverse("meetings:sign_in", args=[meeting.pk, services.sign_in_token(meeting)])
    )
    response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def sign_in(request, pk: int, token: str):
    """What the invitee's phone opens after scanning: checks the code, then a button to sign in.

    The code is checked when the page opens (this or the previous minute's); the button carries
    a signed pass valid for five minutes, so a slow tap still works but a photo of the code
    shared later does not."""
    meeting = _visible(request, pk)
    problem = services.sign_in_problem(meeting, request.user)
    if request.method == "POST":
        if not services.pass_is_valid(meeting, request.user, request.POST.get("pass", "")):
            problem = problem or _("The code has expired: scan the code on the screen again.")
        if problem is None:
            try:
                services.sign_in(meeting=meeting, user=request.user)
            except services.MeetingError as refused:
                problem = refused.message
            else:
                messages.success(request, _("You are signed in. Welcome."))
                return redirect("meetings:meeting_detail", meeting.pk)
    elif problem is None and not services.token_is_current(meeting, token):
        problem = _("The code has expired: scan the code on the screen again.")
    already = SignIn.objects.filter(invitee__meeting=meeting, invitee__user=request.user).first()
    if already and problem is None:
        problem = _("You already signed in at %(time)s.") % {
            "time": f"{timezone.localtime(already.at):%H:%M}"
        }
    return render(
        request,
        "meetings/sign_in.html",
        {
            "meeting": meeting,
            "problem": problem,
            "pass": None if problem else services.sign_in_pass(meeting, request.user),
        },
        status=400 if problem and request.method == "POST" else 200,
    )


# --- printing --------------------------------------------------------------------------------


@login_required
def meeting_print(request, pk: int, document: str):
    """The meeting notice (会议通知) before, and the minutes (会议纪要) after, A4."""
    meeting = _visible(request, pk)
    invitees = list(meeting.invitees.select_related("user").order_by("group", "name", "pk"))
    context = {
        "meeting": meeting,
        "invitees": invitees,
        "document": document,
    }
    if document == "minutes":
        context["decisions"] = list(
            meeting.decisions.select_related(
                "item", "township", "department", "owner_user", "item__school"
            )
        )
        context["summary"] = _summary(invitees)
        context["came"] = [
            i for i in invitees if i.attendance in (Attendance.PRESENT, Attendance.LATE)
        ]
        context["absent"] = [
            i for i in invitees if i.attendance in (Attendance.ABSENT, Attendance.EXCUSED)
        ]
    return render(request, "meetings/meeting_print.html", context)


# --- recurring meetings ----------------------------------------------------------------------


@roles_required(OFFICE)
def series_list(request):
    county = _county_of_user(request)
    series = list(
        MeetingSeries.objects.for_user(request.user)
        .filter(county=county, is_active=True)
        .select_related("county__settings")
    )
    rows = [(rule, services.next_occurrences(rule, count=6)) for rule in series]
    return render(request, "meetings/series_list.html", {"rows": rows, "county": county})


@roles_required(OFFICE)
def series_create(request):
    return _edit_series(request, MeetingSeries(created_by=request.user))


@roles_required(OFFICE)
def series_edit(request, pk: int):
    rule = get_object_or_404(MeetingSeries.objects.for_user(request.user, CHANGE), pk=pk)
    return _edit_series(request, rule)


def _edit_series(request, rule: MeetingSeries):
    county = rule.county if rule.pk else _county_of_user(request)
    form = SeriesForm(
        request.POST or None,
        instance=rule,
        county=county,
        cancel_url=reverse("meetings:series_list"),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The rule is saved. Generate the next meetings below."))
        return redirect("meetings:series_list")
    return render(request, "meetings/series_form.html", {"form": form, "rule": rule})


@roles_required(OFFICE)
@require_POST
def series_generate(request, pk: int):
    rule = get_object_or_404(
        MeetingSeries.objects.for_user(request.user, CHANGE).select_related("county__settings"),
        pk=pk,
    )
    try:
        count = min(max(int(request.POST.get("count", 3)), 1), 12)
    except ValueError:
        count = 3
    created = services.generate_occurrences(series=rule, actor=request.user, count=count)
    messages.success(
        request, _("%(count)s meetings generated; the invitees are told.") % {"count": len(created)}
    )
    return redirect("meetings:series_list")
