"""Operations on meetings that span several rows: scheduling with invitees, moving, cancelling,
answers, attendance, the QR sign-in, minutes, files, decisions and recurring series."""

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.outbox import send_later
from dudao import imaging
from dudao.files import DocumentKind, document_kind
from meetings.models import (
    LATE_AFTER,
    Attendance,
    Decision,
    DecisionOwner,
    Invitee,
    InviteeGroup,
    Meeting,
    MeetingFile,
    MeetingSeries,
    MeetingStatus,
    Response,
    SignIn,
)
from meetings.recipients import Guest, RecipientChoice, resolve_recipients
from rectifications.models import Severity, SourceKind
from rectifications.services import open_item


class MeetingError(Exception):
    """A step the meeting's state does not allow; ``message`` is for users."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def announce(meeting: Meeting) -> None:
    """Tell the invitees about this version of the meeting once the transaction commits."""
    from meetings.tasks import announce_meeting_change

    send_later(announce_meeting_change, meeting.pk, meeting.sequence)


# --- scheduling ---------------------------------------------------------------------------


def add_invitees(
    *, meeting: Meeting, choice: RecipientChoice, guests: list[Guest] = ()
) -> list[Invitee]:
    """Invite the people ``choice`` names and the guests; people already invited stay as they
    are (with their answer). Returns the new invitees."""
    found = resolve_recipients(county=meeting.county, choice=choice)
    already = set(meeting.invitees.filter(user__isnull=False).values_list("user_id", flat=True))
    known_guests = set(meeting.invitees.filter(user__isnull=True).values_list("name", "phone"))
    rows = [
        Invitee(
            meeting=meeting,
            user=user,
            name=str(user)[:50],
            organisation=_invitee_organisation(user),
            phone=user.phone,
            group=found.groups[user.pk],
        )
        for user in found.users
        if user.pk not in already
    ]
    for guest in [*found.guests, *guests]:
        if (guest.name, guest.phone) not in known_guests:
            known_guests.add((guest.name, guest.phone))
            rows.append(
                Invitee(
                    meeting=meeting,
                    name=guest.name[:50],
                    organisation=guest.organisation[:100],
                    phone=guest.phone,
                    group=InviteeGroup.GUEST,
                )
            )
    return Invitee.objects.bulk_create(rows)


def _invitee_organisation(user) -> str:
    if user.is_principal and user.school_id:
        return user.school.name
    return user.get_role_display()


@transaction.atomic
def schedule_meeting(
    *,
    county,
    actor,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str,
    chair: str = "",
    agenda: str = "",
    choice: RecipientChoice,
    guests: list[Guest] = (),
    series: MeetingSeries | None = None,
    occurrence_on: datetime.date | None = None,
) -> Meeting:
    """Create a meeting with its invitees and tell them they are invited."""
    meeting = Meeting.objects.create(
        county=county,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        chair=chair,
        agenda=agenda,
        series=series,
        occurrence_on=occurrence_on,
        created_by=actor,
    )
    add_invitees(meeting=meeting, choice=choice, guests=guests)
    announce(meeting)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def move_meeting(
    *, meeting: Meeting, starts_at: datetime.datetime, ends_at: datetime.datetime, reason: str
) -> Meeting:
    """A new time (and so a new version told to every invitee), with the reason."""
    if not reason.strip():
        raise MeetingError(_("Say why the meeting moves."))
    if ends_at <= starts_at:
        raise MeetingError(_("The meeting must end after it starts."))
    locked = _locked(meeting)
    if locked.is_cancelled:
        raise MeetingError(_("A cancelled meeting cannot be moved."))
    if locked.is_over():
        raise MeetingError(_("The meeting is over and cannot be moved."))
    if ends_at <= timezone.now():
        raise MeetingError(_("The new time is already past."))
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.change_reason = reason.strip()[:200]
    locked.changed_at = timezone.now()
    locked.sequence += 1
    locked.save()
    announce(locked)
    return locked


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, reason: str) -> Meeting:
    if not reason.strip():
        raise MeetingError(_("Say why the meeting is cancelled."))
    locked = _locked(meeting)
    if locked.is_cancelled:
        raise MeetingError(_("The meeting is already cancelled."))
    if locked.is_over():
        raise MeetingError(_("The meeting is over and cannot be cancelled."))
    locked.status = MeetingStatus.CANCELLED
    locked.cancel_reason = reason.strip()[:200]
    locked.cancelled_at = timezone.now()
    locked.sequence += 1
    locked.save()
    announce(locked)
    return locked


# --- answers, attendance, sign-in ------------------------------------------------------------


def respond(*, invitee: Invitee, response: str, reason: str = "") -> Invitee:
    """An invitee answers attend or on leave (with the reason), until the meeting starts."""
    meeting = invitee.meeting
    if meeting.is_cancelled:
        raise MeetingError(_("The meeting is cancelled."))
    if meeting.starts_at <= timezone.now():
        raise MeetingError(_("The meeting has started; answers are closed."))
    if response == Response.LEAVE and not reason.strip():
        raise MeetingError(_("Say why you ask for leave."))
    invitee.response = response
    invitee.leave_reason = reason.strip()[:200] if response == Response.LEAVE else ""
    invitee.responded_at = timezone.now()
    invitee.save(update_fields=["response", "leave_reason", "responded_at"])
    return invitee


def record_attendance(*, meeting: Meeting, marks: dict[int, str]) -> int:
    """The office's record of who came: ``marks`` maps invitee ids to an ``Attendance``."""
    if meeting.is_cancelled:
        raise MeetingError(_("The meeting is cancelled."))
    if meeting.starts_at - datetime.timedelta(hours=1) > timezone.now():
        raise MeetingError(_("Attendance is recorded once the meeting begins."))
    changed = 0
    with transaction.atomic():
        for invitee in meeting.invitees.select_for_update().filter(pk__in=list(marks)):
            if invitee.attendance != marks[invitee.pk]:
                invitee.attendance = marks[invitee.pk]
                invitee.save(update_fields=["attendance"])
                changed += 1
    return changed


SIGN_IN_WINDOW_SECONDS = 60
SIGN_IN_SALT = "meetings.sign-in"
SIGN_IN_CONFIRM_SECONDS = 300


def _window(now: datetime.datetime) -> int:
    return int(now.timestamp()) // SIGN_IN_WINDOW_SECONDS


def _token_for(meeting_id: int, window: int) -> str:
    return salted_hmac(SIGN_IN_SALT, f"{meeting_id}:{window}", algorithm="sha256").hexdigest()[:24]


def sign_in_token(meeting: Meeting, now: datetime.datetime | None = None) -> str:
    """The code the screen shows now: an HMAC of the meeting and the current 60-second window,
    so a photo of it stops working within two minutes."""
    return _token_for(meeting.pk, _window(now or timezone.now()))


def token_is_current(meeting: Meeting, token: str, now: datetime.datetime | None = None) -> bool:
    """Whether ``token`` is the code of this or the previous window (a scan at a change-over)."""
    window = _window(now or timezone.now())
    return any(
        constant_time_compare(token, _token_for(meeting.pk, w)) for w in (window, window - 1)
    )


def sign_in_pass(meeting: Meeting, user) -> str:
    """A short-lived proof, given with the confirmation page after a valid scan, that this user
    scanned this meeting's code: the button then works for five minutes."""
    return TimestampSigner(salt=SIGN_IN_SALT).sign(f"{meeting.pk}:{user.pk}")


def pass_is_valid(meeting: Meeting, user, value: str) -> bool:
    try:
        signed = TimestampSigner(salt=SIGN_IN_SALT).unsign(value, max_age=SIGN_IN_CONFIRM_SECONDS)
    except (BadSignature, SignatureExpired):
        return False
    return signed == f"{meeting.pk}:{user.pk}"


def sign_in_problem(meeting: Meeting, user, now=None) -> str | None:
    """Why ``user`` cannot sign in to the meeting now (a message), or None."""
    now = now or timezone.now()
    if meeting.is_cancelled:
        return _("The meeting is cancelled.")
    if not meeting.is_on(now):
        return _("Sign-in is open only during the meeting.")
    if not meeting.invitees.filter(user=user).exists():
        return _("You are not on the invitation list of this meeting; ask the office.")
    return None


def sign_in(*, meeting: Meeting, user, now=None) -> SignIn:
    """Record the user's own sign-in; present, or late 10 minutes after the start. A second
    sign-in (a replayed scan) is refused by the one-to-one row and reported."""
    now = now or timezone.now()
    if problem := sign_in_problem(meeting, user, now):
        raise MeetingError(problem)
    invitee = meeting.invitees.get(user=user)
    try:
        with transaction.atomic():
            record = SignIn.objects.create(invitee=invitee)
            late = now > meeting.starts_at + LATE_AFTER
            invitee.attendance = Attendance.LATE if late else Attendance.PRESENT
            invitee.save(update_fields=["attendance"])
    except IntegrityError:
        at = timezone.localtime(SignIn.objects.get(invitee=invitee).at)
        raise MeetingError(
            _("You already signed in at %(time)s.") % {"time": f"{at:%H:%M}"}
        ) from None
    return record


# --- after the meeting -----------------------------------------------------------------------


def file_minutes(*, meeting: Meeting, actor, minutes: str) -> Meeting:
    """Keep the minutes; the first save after the start files them (the reminder stops)."""
    if meeting.is_cancelled:
        raise MeetingError(_("The meeting is cancelled."))
    if meeting.starts_at > timezone.now():
        raise MeetingError(_("Minutes are filed once the meeting has begun."))
    meeting.minutes = minutes.strip()
    if meeting.minutes and meeting.minutes_filed_at is None:
        meeting.minutes_filed_at = timezone.now()
        meeting.minutes_filed_by = actor
    meeting.save(update_fields=["minutes", "minutes_filed_at", "minutes_filed_by", "updated_at"])
    return meeting


IMAGE_MAX_SIDE = 3000


def add_file(*, meeting: Meeting, actor, upload, max_bytes: int) -> MeetingFile:
    """Keep a PDF, Word or Excel file as uploaded, recognised by its bytes; an image is decoded
    and re-encoded as a fresh JPEG (no EXIF, no GPS); anything else is refused."""
    imaging.check_size(upload, max_bytes=max_bytes)
    kind = document_kind(upload)
    content = upload
    if kind in (DocumentKind.JPEG, DocumentKind.PNG):
        image = imaging.decode(upload, max_side=IMAGE_MAX_SIDE)
        kind = DocumentKind.JPEG
        content = ContentFile(imaging.jpeg_bytes(image))
    content.seek(0)
    record = MeetingFile(
        meeting=meeting,
        kind=kind,
        original_name=upload.name[:200],
        size=content.size,
        uploaded_by=actor,
    )
    record.file.save(f"upload.{kind}", content, save=False)
    record.save()
    return record


@dataclass(frozen=True)
class DecisionOwnerChoice:
    """Who a decision is for: exactly one of these according to ``kind``."""

    kind: str
    school: object = None
    township: object = None
    department: object = None
    user: object = None

    @property
    def name(self) -> str:
        return str(getattr(self, self.kind))


@transaction.atomic
def add_decision(
    *,
    meeting: Meeting,
    actor,
    text: str,
    deadline: datetime.date,
    owner: DecisionOwnerChoice,
    matter=None,
    severity: str = Severity.GENERAL,
) -> Decision:
    """Record a decision and open its tracked item (source = meeting). A school owner works on
    it itself; for a township, department or person the office records the steps."""
    if meeting.is_cancelled:
        raise MeetingError(_("The meeting is cancelled."))
    if meeting.starts_at > timezone.now():
        raise MeetingError(_("Decisions are recorded once the meeting has begun."))
    is_school = owner.kind == DecisionOwner.SCHOOL
    item = open_item(
        county=meeting.county,
        school=owner.school if is_school else None,
        matter=matter if is_school else None,
        owner_name="" if is_school else owner.name[:100],
        severity=severity,
        description=text,
        deadline=deadline,
        source=SourceKind.MEETING,
        source_note=meeting.title[:200],
        actor=actor,
    )
    number = (meeting.decisions.aggregate(last=Max("number"))["last"] or 0) + 1
    return Decision.objects.create(
        meeting=meeting,
        item=item,
        number=number,
        owner_kind=owner.kind,
        township=owner.township if owner.kind == DecisionOwner.TOWNSHIP else None,
        department=owner.department if owner.kind == DecisionOwner.DEPARTMENT else None,
        owner_user=owner.user if owner.kind == DecisionOwner.USER else None,
    )


def earlier_open_decisions(meeting: Meeting):
    """Decisions of earlier meetings of the same kind that were still open when the previous
    meeting of this kind took place (or are open now, if there was none), with their state now:
    what this meeting reviews."""
    from rectifications.models import UNRESOLVED_STATES, RectificationEvent, RectificationState

    previous = (
        Meeting.objects.filter(county=meeting.county, kind=meeting.kind)
        .scheduled()
        .filter(starts_at__lt=meeting.starts_at)
        .order_by("-starts_at", "-pk")
        .first()
    )
    decisions = Decision.objects.filter(
        meeting__county=meeting.county,
        meeting__kind=meeting.kind,
        meeting__starts_at__lt=meeting.starts_at,
    ).select_related("meeting", "item", "township", "department", "owner_user", "item__school")
    if previous is None:
        return decisions.filter(item__state__in=UNRESOLVED_STATES)
    # Open at the previous meeting: closed after it began, or not closed at all. Decisions of
    # the previous meeting itself count (taken at it, open when it ended).
    closed_before = RectificationEvent.objects.filter(
        item__decision__in=decisions,
        to_state=RectificationState.CLOSED,
        at__lte=previous.starts_at,
    ).values("item_id")
    still_closed_then = decisions.filter(
        item__state=RectificationState.CLOSED, item__in=closed_before
    )
    return decisions.exclude(pk__in=still_closed_then.values("pk")).order_by(
        "meeting__starts_at", "number"
    )


# --- recurring series ------------------------------------------------------------------------


def next_occurrences(series: MeetingSeries, *, count: int = 6, today=None) -> list[dict]:
    """The next ``count`` dates by the rule, each with its meeting if already generated."""
    today = today or timezone.localdate()
    holidays = series.county.settings.holiday_months or []
    days = series.dates(
        after=today - datetime.timedelta(days=1), count=count, holiday_months=holidays
    )
    existing = {m.occurrence_on: m for m in series.meetings.filter(occurrence_on__in=days)}
    return [{"day": day, "meeting": existing.get(day)} for day in days]


def generate_occurrences(*, series: MeetingSeries, actor, count: int, today=None) -> list[Meeting]:
    """Create the meetings of the next ``count`` rule dates that do not exist yet."""
    created = []
    for occurrence in next_occurrences(series, count=count, today=today):
        if occurrence["meeting"] is not None:
            continue
        starts_at, ends_at = series.bounds_on(occurrence["day"])
        try:
            with transaction.atomic():
                created.append(
                    schedule_meeting(
                        county=series.county,
                        actor=actor,
                        kind=series.kind,
                        title=series.title,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        place=series.place,
                        chair=series.chair,
                        agenda=series.agenda,
                        choice=RecipientChoice.from_dict(series.invitees),
                        series=series,
                        occurrence_on=occurrence["day"],
                    )
                )
        except IntegrityError:
            continue  # generated by someone else at the same moment
    return created
