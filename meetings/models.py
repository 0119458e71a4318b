import calendar
import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import VIEW, ScopedQuerySet
from dudao.files import DocumentKind
from schools.validators import validate_phone


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")
    OFFICE_DIRECTOR = "office_director", _("Office director")


class CommitteeMemberQuerySet(ScopedQuerySet):
    def current(self, today):
        return self.filter(Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=today))


class CommitteeMember(models.Model):
    """A member of the county's education supervision committee (教育督导委员会)."""

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="committee_members",
        on_delete=models.PROTECT,
    )
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("committee role"), max_length=16, choices=CommitteeRole.choices)
    organisation = models.CharField(_("organisation and post"), max_length=100, blank=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("login"),
        related_name="committee_memberships",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    term_starts_on = models.DateField(_("term starts on"))
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)

    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["county", "role", "name"]
        constraints = [
            models.CheckConstraint(
                name="committee_term_end_after_start",
                condition=Q(term_ends_on__isnull=True)
                | Q(term_ends_on__gte=models.F("term_starts_on")),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


# --- Meetings (三会制度 and committee meetings) ----------------------------------------------


class MeetingKind(models.TextChoices):
    INSPECTORS = "inspectors", _("Monthly inspectors' meeting")  # 督学月例会
    PRINCIPALS = "principals", _("Principals' report and feedback meeting")  # 校长汇报反馈交流例会
    JOINT = "joint", _("Education joint meeting")  # 教育工作联席会议
    COMMITTEE = "committee", _("Supervision committee meeting")
    OTHER = "other", _("Other meeting")


# What a committee member sees besides the meetings they are invited to.
COMMITTEE_KINDS = (MeetingKind.COMMITTEE, MeetingKind.JOINT)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = -1, _("last")


def nth_weekday(year: int, month: int, weekday: int, week: int) -> datetime.date:
    """The ``week``-th (1-4, or -1 for the last) ``weekday`` (0 = Monday) of a month."""
    if week == WeekOfMonth.LAST:
        last_day = calendar.monthrange(year, month)[1]
        day = datetime.date(year, month, last_day)
        return day - datetime.timedelta(days=(day.weekday() - weekday) % 7)
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))


class MeetingSeriesQuerySet(ScopedQuerySet):
    pass


class MeetingSeries(models.Model):
    """The rule by which a standing meeting recurs, set once by the office: e.g. the monthly
    inspectors' meeting on the first Monday at 09:00, skipping the holiday months.

    Occurrences are generated as ``Meeting`` rows (one per rule and date, a unique constraint), so
    each can be moved or cancelled on its own. ``invitees`` keeps the invitee-group choice of
    ``meetings.recipients`` (a dict) used for each generated meeting.
    """

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="meeting_series",
        on_delete=models.PROTECT,
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.INSPECTORS
    )
    title = models.CharField(_("title"), max_length=100)
    week_of_month = models.SmallIntegerField(
        _("week of the month"), choices=WeekOfMonth.choices, default=WeekOfMonth.FIRST
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    start_time = models.TimeField(_("starts at"), default=datetime.time(9, 0))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=120,
        validators=[MinValueValidator(15), MaxValueValidator(12 * 60)],
    )
    place = models.CharField(_("place"), max_length=100)
    chair = models.CharField(_("chair"), max_length=100, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    skip_holiday_months = models.BooleanField(
        _("skip the county's holiday months"),
        default=True,
        help_text=_("No meeting in the months marked as holidays in the county settings."),
    )
    invitees = models.JSONField(_("invitee groups"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="created_meeting_series",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MeetingSeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("recurring meeting")
        verbose_name_plural = _("recurring meetings")
        ordering = ["county", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "kind"],
                condition=Q(is_active=True),
                name="meeting_series_one_active_per_kind",
            ),
        ]

    def __str__(self):
        return self.title

    def dates(self, *, after: datetime.date, count: int, holiday_months=()) -> list[datetime.date]:
        """The next ``count`` meeting days strictly after ``after``, by the rule."""
        found: list[datetime.date] = []
        year, month = after.year, after.month
        # Twelve months can all be holidays only by mistake; stop after a few years regardless.
        for _step in range(count * 12 + 24):
            if not (self.skip_holiday_months and month in holiday_months):
                day = nth_weekday(year, month, self.weekday, self.week_of_month)
                if day > after:
                    found.append(day)
                    if len(found) == count:
                        break
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def bounds_on(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        """Start and end of the meeting on ``day``, aware in the site's zone (Asia/Shanghai)."""
        starts = timezone.make_aware(datetime.datetime.combine(day, self.start_time))
        return starts, starts + datetime.timedelta(minutes=self.duration_minutes)


class MeetingQuerySet(ScopedQuerySet):
    """The office sees and changes its county's meetings; a committee member sees committee and
    joint meetings; everyone sees the meetings they are invited to (read-only)."""

    def scope_for_role(self, user, action: str):
        if user.is_office:
            return self
        if action != VIEW:
            return self.none()
        invited = Q(Exists(Invitee.objects.filter(meeting=OuterRef("pk"), user=user)))
        if user.is_county_reader:
            return self.filter(invited | Q(kind__in=COMMITTEE_KINDS))
        return self.filter(invited)

    def scheduled(self):
        return self.filter(status=MeetingStatus.SCHEDULED)

    def upcoming(self, now=None):
        """Not yet over, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")


class Meeting(models.Model):
    """A meeting (督学月例会, 校长汇报反馈交流例会, 教育工作联席会议, committee or other): when and
    where, who is invited, and afterwards attendance, minutes, files and decisions.

    A move or a cancellation keeps its reason and raises ``sequence``, so each change is told to
    the invitees once (``meetings.tasks``) and calendars see the new version.
    """

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="meetings",
        on_delete=models.PROTECT,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=100)
    chair = models.CharField(_("chair"), max_length=100, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("recurring meeting"),
        related_name="meetings",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    occurrence_on = models.DateField(
        _("rule date"),
        null=True,
        blank=True,
        help_text=_("For a recurring meeting: the day the rule gave, even if the meeting moved."),
    )
    sequence = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("Raised by every move or cancellation.")
    )
    changed_at = models.DateTimeField(_("last moved at"), null=True, blank=True)
    change_reason = models.CharField(_("reason for the change"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_filed_at = models.DateTimeField(_("minutes filed at"), null=True, blank=True)
    minutes_filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes filed by"),
        related_name="filed_meeting_minutes",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="created_meetings",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.CheckConstraint(
                name="meeting_cancelled_has_reason",
                condition=~Q(status="cancelled")
                | (Q(cancelled_at__isnull=False) & ~Q(cancel_reason="")),
            ),
            models.CheckConstraint(
                name="meeting_minutes_filed_by_whom",
                condition=Q(minutes_filed_at__isnull=True, minutes_filed_by__isnull=True)
                | Q(minutes_filed_at__isnull=False, minutes_filed_by__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["series", "occurrence_on"], name="meeting_one_per_series_date"
            ),
        ]
        indexes = [models.Index(fields=["county", "starts_at"], name="meeting_county_start")]

    def __str__(self):
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    def is_on(self, now=None) -> bool:
        """Under way: self sign-in is open from 30 minutes before the start to the end."""
        now = now or timezone.now()
        return (
            not self.is_cancelled and self.starts_at - SIGN_IN_OPENS_BEFORE <= now <= self.ends_at
        )

    def is_over(self, now=None) -> bool:
        return self.ends_at < (now or timezone.now())


SIGN_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)
LATE_AFTER = datetime.timedelta(minutes=10)


class InviteeGroup(models.TextChoices):
    """How a person came on the invitee list (shown on the list; the person is what counts)."""

    INSPECTORS = "inspectors", _("Inspectors")
    PRINCIPALS = "principals", _("Principals")
    COMMITTEE = "committee", _("Committee members")
    PERSON = "person", _("Named person")
    GUEST = "guest", _("Without login")


class Response(models.TextChoices):
    PENDING = "", _("No answer yet")
    ATTEND = "attend", _("Will attend")
    LEAVE = "leave", _("On leave")


class Attendance(models.TextChoices):
    UNRECORDED = "", _("Not recorded")
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class InviteeQuerySet(ScopedQuerySet):
    county_lookup = "meeting__county"

    def for_user(self, user, action: str = VIEW):
        return self.filter(meeting__in=Meeting.objects.for_user(user, action))


class Invitee(models.Model):
    """A person invited to a meeting: a login, or someone without one (a department's contact,
    a township head) with name, organisation and phone. Holds their answer and attendance."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), related_name="invitees", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        related_name="meeting_invitations",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=50)
    organisation = models.CharField(_("organisation and post"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    group = models.CharField(
        _("invited as"), max_length=16, choices=InviteeGroup.choices, default=InviteeGroup.PERSON
    )
    response = models.CharField(
        _("answer"), max_length=8, choices=Response.choices, default=Response.PENDING, blank=True
    )
    leave_reason = models.CharField(_("reason for leave"), max_length=200, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"),
        max_length=8,
        choices=Attendance.choices,
        default=Attendance.UNRECORDED,
        blank=True,
    )

    objects = InviteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["meeting", "group", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="invitee_one_per_user",
            ),
            models.CheckConstraint(
                name="invitee_leave_has_reason",
                condition=~Q(response="leave") | ~Q(leave_reason=""),
            ),
            models.CheckConstraint(
                name="invitee_answer_has_time",
                condition=Q(response="") | Q(responded_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name


class SignIn(models.Model):
    """An invitee's own sign-in by the meeting's rotating QR code: at most one per invitee."""

    invitee = models.OneToOneField(
        Invitee, verbose_name=_("invitee"), related_name="sign_in", on_delete=models.CASCADE
    )
    at = models.DateTimeField(_("signed in at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.invitee} {self.at:%H:%M}"


def meeting_file_path(instance, filename: str) -> str:
    """An unguessable name: meeting files are served only through a permission-checked view."""
    return f"meetings/{uuid.uuid4().hex}.{instance.kind}"


class MeetingFileQuerySet(ScopedQuerySet):
    county_lookup = "meeting__county"

    def for_user(self, user, action: str = VIEW):
        return self.filter(meeting__in=Meeting.objects.for_user(user, action))


class MeetingFile(models.Model):
    """A file of a meeting (the agenda paper, slides as PDF, a form, a photo of the board),
    recognised by its bytes and kept as uploaded; always downloaded, never shown inline."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), related_name="files", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=8, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=meeting_file_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        related_name="meeting_files",
        on_delete=models.PROTECT,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = MeetingFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting file")
        verbose_name_plural = _("meeting files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class DecisionOwner(models.TextChoices):
    SCHOOL = "school", _("School")
    TOWNSHIP = "township", _("Township")
    DEPARTMENT = "department", _("County department")
    USER = "user", _("Person")


class DecisionQuerySet(ScopedQuerySet):
    county_lookup = "meeting__county"

    def for_user(self, user, action: str = VIEW):
        return self.filter(meeting__in=Meeting.objects.for_user(user, action))


class Decision(models.Model):
    """A decision of a meeting (决定事项), tracked as a rectification item (source = meeting).

    The item carries the state, deadline, history, reminders and board; this row links it to its
    meeting and names its one owner: a school (the item's school), a township, a county
    department or a person. Only a school owner acts itself; for the others the office records
    their steps. ``rectifications`` never imports this model.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), related_name="decisions", on_delete=models.PROTECT
    )
    item = models.OneToOneField(
        "rectifications.RectificationItem",
        verbose_name=_("tracked item"),
        related_name="decision",
        on_delete=models.PROTECT,
    )
    number = models.PositiveSmallIntegerField(_("number"))
    owner_kind = models.CharField(_("owner"), max_length=16, choices=DecisionOwner.choices)
    township = models.ForeignKey(
        "schools.Township",
        verbose_name=_("township"),
        related_name="meeting_decisions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "schools.Department",
        verbose_name=_("county department"),
        related_name="meeting_decisions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        related_name="meeting_decisions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_unique_number"),
            models.CheckConstraint(
                name="decision_exactly_one_owner",
                condition=Q(
                    owner_kind="school",
                    township__isnull=True,
                    department__isnull=True,
                    owner_user__isnull=True,
                )
                | Q(
                    owner_kind="township",
                    township__isnull=False,
                    department__isnull=True,
                    owner_user__isnull=True,
                )
                | Q(
                    owner_kind="department",
                    township__isnull=True,
                    department__isnull=False,
                    owner_user__isnull=True,
                )
                | Q(
                    owner_kind="user",
                    township__isnull=True,
                    department__isnull=True,
                    owner_user__isnull=False,
                ),
            ),
        ]

    def __str__(self):
        return f"{self.meeting}: {self.number}"

    @property
    def owner(self):
        """The owner object: a school, township, department or user."""
        return {
            DecisionOwner.SCHOOL: self.item.school,
            DecisionOwner.TOWNSHIP: self.township,
            DecisionOwner.DEPARTMENT: self.department,
            DecisionOwner.USER: self.owner_user,
        }[self.owner_kind]


# --- Work notices (工作通知) -------------------------------------------------------------------
# Appended by the notices part; meetings above are the meetings part's.


class ReplyKind(models.TextChoices):
    NONE = "", _("No reply needed")
    TEXT = "text", _("A written reply")
    FILE = "file", _("A file back (e.g. a filled-in form)")


class NoticeQuerySet(ScopedQuerySet):
    """The office sees and changes its county's notices; everyone else reads the notices sent
    to them, until the office withdraws one."""

    def scope_for_role(self, user, action: str):
        if user.is_office:
            return self
        if action != VIEW:
            return self.none()
        received = NoticeRecipient.objects.filter(notice=OuterRef("pk"), user=user)
        return self.filter(Exists(received), withdrawn_at__isnull=True)


class Notice(models.Model):
    """A work notice (工作通知) the office sends to chosen people, with files.

    Each recipient's first reading is recorded (``NoticeRecipient``); a notice may ask for a
    written reply or a file back (a filled-in form) by a date. A withdrawn notice disappears for
    its recipients and stays, marked, for the office.
    """

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="work_notices",
        on_delete=models.PROTECT,
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    reply_kind = models.CharField(
        _("reply asked for"), max_length=8, choices=ReplyKind.choices, blank=True, default=""
    )
    reply_due_on = models.DateField(_("reply due on"), null=True, blank=True)
    audience = models.JSONField(
        _("sent to"),
        default=dict,
        blank=True,
        help_text=_("The groups and people chosen when sending (meetings.recipients)."),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        related_name="sent_notices",
        on_delete=models.PROTECT,
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("work notice")
        verbose_name_plural = _("work notices")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="notice_reply_has_due_date",
                condition=Q(reply_kind="", reply_due_on__isnull=True)
                | (~Q(reply_kind="") & Q(reply_due_on__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["county", "sent_at"], name="notice_county_sent")]

    def __str__(self):
        return self.title

    @property
    def asks_reply(self) -> bool:
        return self.reply_kind != ReplyKind.NONE

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def notice_file_path(instance, filename: str) -> str:
    """An unguessable name: notice files are served only through a permission-checked view."""
    return f"notices/{uuid.uuid4().hex}.{instance.kind}"


class NoticeFile(models.Model):
    """A file sent with a notice, recognised by its bytes; always downloaded, never inline."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("work notice"), related_name="files", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=8, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=notice_file_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("notice file")
        verbose_name_plural = _("notice files")
        ordering = ["notice", "pk"]

    def __str__(self):
        return self.original_name


class NoticeRecipient(models.Model):
    """One person a notice was sent to, and when they first opened it."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("work notice"), related_name="recipients", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        related_name="notice_receipts",
        on_delete=models.PROTECT,
    )
    read_at = models.DateTimeField(_("first read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        ordering = ["notice", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_recipient_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_recipient_unread")]

    def __str__(self):
        return f"{self.notice} → {self.user}"


def reply_file_path(instance, filename: str) -> str:
    return f"notice-replies/{uuid.uuid4().hex}.{instance.file_kind}"


class NoticeReply(models.Model):
    """A recipient's reply to a notice that asks for one: text, a file, or both. Sending again
    replaces it; ``replied_at`` is the last time."""

    recipient = models.OneToOneField(
        NoticeRecipient,
        verbose_name=_("recipient"),
        related_name="reply",
        on_delete=models.CASCADE,
    )
    text = models.TextField(_("reply"), blank=True)
    file = models.FileField(_("file"), upload_to=reply_file_path, max_length=200, blank=True)
    file_kind = models.CharField(
        _("file kind"), max_length=8, choices=DocumentKind.choices, blank=True
    )
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    replied_at = models.DateTimeField(_("replied at"))

    class Meta:
        verbose_name = _("notice reply")
        verbose_name_plural = _("notice replies")
        ordering = ["replied_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="notice_reply_not_empty", condition=~Q(text="") | ~Q(file="")
            ),
            models.CheckConstraint(
                name="notice_reply_file_has_kind",
                condition=Q(file="", file_kind="") | (~Q(file="") & ~Q(file_kind="")),
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.replied_at:%Y-%m-%d}"

    @property
    def is_late(self) -> bool:
        """Sent after the notice's due date (Asia/Shanghai)."""
        due = self.recipient.notice.reply_due_on
        return due is not None and timezone.localtime(self.replied_at).date() > due


# --- Calendar feeds --------------------------------------------------------------------------


class CalendarFeed(models.Model):
    """A user's private iCalendar feed: only the SHA-256 of its secret token is kept, so the
    address is shown once, when made; a reset makes a new one and the old stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="calendar_feed",
        on_delete=models.CASCADE,
    )
    token_sha256 = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)


# --- Reminders the worker's sweep sends ------------------------------------------------------


class ReminderKind(models.TextChoices):
    MEETING_CHANGED = "meeting_changed", _("Meeting invitation, move or cancellation")
    MEETING_SOON = "meeting_soon", _("Meeting soon")
    MINUTES_MISSING = "minutes_missing", _("Minutes not filed")
    NOTICE_DUE = "notice_due", _("Notice unread or reply missing before its due date")
    NOTICE_UNREAD = "notice_unread", _("Notice unread (reminded by the office)")
    VISITS_DUE = "visits_due", _("Schools still due a visit this month")


class ReminderOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    STALE = "stale", _("No longer useful, not sent")


class Reminder(models.Model):
    """One reminder to one person about one occasion, claimed by inserting this row before it
    is sent: the unique (user, occasion) makes two sweeps, two workers or a retried task send
    it once. Claimed too late to help (the meeting has begun), it is kept as stale, unsent.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="reminders",
        on_delete=models.CASCADE,
    )
    occasion = models.CharField(
        _("occasion"),
        max_length=120,
        help_text=_(
            "What it reminds of, e.g. a meeting's reminder 3 days before; also the key "
            "of the notification it becomes."
        ),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        related_name="reminders",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    notice = models.ForeignKey(
        Notice,
        verbose_name=_("work notice"),
        related_name="reminders",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    useful_until = models.DateTimeField(_("useful until"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"))
    outcome = models.CharField(
        _("outcome"),
        max_length=8,
        choices=ReminderOutcome.choices,
        default=ReminderOutcome.PENDING,
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "occasion"], name="reminder_claim_once"),
        ]

    def __str__(self):
        return f"{self.occasion} → {self.user}"

    def is_useful(self, now) -> bool:
        return self.useful_until is None or now < self.useful_until
