"""Complaints, reports and suggestions from the public (社会监督), their handling, and the office's
public announcements.

A submission goes to the school's lead inspector, who verifies it (受理核实) and answers within the
county's deadline in working days: closed with a public reply, or turned into a rectification
item. The office sees all of them, reassigns them or hands them to another department. The
complainant's name, phone, photo and own words are personal data: only the office and the
assigned inspector see them, and every view of them is recorded (``PersonalDataView``).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import CHANGE, VIEW, ScopedQuerySet

TEXT_MAX = 2000
SUMMARY_MAX = 2000


class Channel(models.TextChoices):
    ONLINE = "online", _("QR code / public page")
    PHONE = "phone", _("Hotline")
    LETTER = "letter", _("Letter")
    MAILBOX = "mailbox", _("Mailbox")


class Category(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report of wrongdoing")
    SUGGESTION = "suggestion", _("Suggestion")


class Relation(models.TextChoices):
    PARENT = "parent", _("Parent")
    STUDENT = "student", _("Student")
    STAFF = "staff", _("Teacher or staff")
    RESIDENT = "resident", _("Local resident")
    OTHER = "other", _("Other")


class SubmissionState(models.TextChoices):
    NEW = "new", _("Not yet verified")
    VERIFYING = "verifying", _("Being verified")
    RECTIFYING = "rectifying", _("Turned into a rectification item")
    ANSWERED = "answered", _("Answered")
    TRANSFERRED = "transferred", _("Handed to another department")


# Still waiting for an answer: these count against the deadline.
OPEN_STATES = (SubmissionState.NEW, SubmissionState.VERIFYING)
# Answered: the inspector's verified summary exists, so others may read the case.
ANSWERED_STATES = (
    SubmissionState.RECTIFYING,
    SubmissionState.ANSWERED,
    SubmissionState.TRANSFERRED,
)


class SubmissionAction(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Verification started")
    REASSIGNED = "reassigned", _("Reassigned")
    HANDED_OVER = "handed_over", _("Handed to another department")
    ANSWERED = "answered", _("Answered and closed")
    RECTIFICATION = "rectification", _("Turned into a rectification item")
    REMINDED = "reminded", _("Overdue reminder sent")


class HandlingError(Exception):
    """A step the submission's state or the actor does not allow; ``message`` is for users."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class SubmissionQuerySet(ScopedQuerySet):
    """The office sees and handles its county's submissions; the committee reads them. An
    inspector handles those assigned to them and reads the answered ones of their schools; a
    principal reads the answered ones of their school (the verified summary, never the text)."""

    def scope_for_role(self, user, action: str):
        if user.is_office:
            return self
        if user.is_county_reader:  # the committee, a region user
            return self if action == VIEW else self.none()
        if user.is_inspector and user.inspector_id:
            from inspectors.models import Assignment

            mine = models.Q(assigned_inspector_id=user.inspector_id)
            if action == CHANGE:
                return self.filter(mine)
            return self.filter(
                mine
                | models.Q(
                    school_id__in=Assignment.objects.school_ids_of(user.inspector_id),
                    state__in=ANSWERED_STATES,
                )
            )
        if user.is_principal and user.school_id and action == VIEW:
            return self.filter(school_id=user.school_id, state__in=ANSWERED_STATES)
        return self.none()

    def unanswered(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today=None):
        """Not answered and past the due day."""
        return self.unanswered().filter(due_on__lt=today or timezone.localdate())


def submission_photo_path(instance, filename: str) -> str:
    """Unguessable names: a complainant's photo is served only after a permission check."""
    return f"complaints/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class Submission(models.Model):
    """A complaint, report or suggestion about a school, from its public page or recorded by the
    office from the hotline, a letter or the mailbox, tracked until it is answered."""

    # The school's county, kept on the row (set on the first save): the office's list and counts
    # read one county's cases by index instead of joining the province's through their schools.
    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="submissions",
        on_delete=models.PROTECT,
        db_index=False,  # submission_county_listing starts with it
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        related_name="submissions",
        on_delete=models.PROTECT,
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    matter = models.ForeignKey(
        "schools.SupervisionMatter",
        verbose_name=_("supervision matter"),
        related_name="submissions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    text = models.TextField(_("what was submitted"), validators=[MaxLengthValidator(TEXT_MAX)])
    # Personal data: the office and the assigned inspector only.
    name = models.CharField(_("complainant's name"), max_length=50, blank=True)
    phone = models.CharField(_("complainant's phone"), max_length=20, blank=True)
    relation = models.CharField(
        _("relation to the school"), max_length=16, choices=Relation.choices, blank=True
    )
    photo = models.FileField(_("photo"), upload_to=submission_photo_path, blank=True)
    photo_thumbnail = models.FileField(
        _("photo thumbnail"), upload_to=submission_photo_path, blank=True
    )

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    form_token = models.CharField(
        _("form token"),
        max_length=40,
        null=True,
        blank=True,
        help_text=_("Sent with the public form, so sending it twice stores it once."),
    )
    content_sha256 = models.CharField(
        _("content fingerprint"),
        max_length=64,
        blank=True,
        help_text=_(
            "What was sent (category, matter, text, contacts, photo), hashed: the same form sent "
            "again with the same content is the same submission."
        ),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=SubmissionState.choices, default=SubmissionState.NEW
    )
    assigned_inspector = models.ForeignKey(
        "inspectors.Inspector",
        verbose_name=_("assigned inspector"),
        related_name="submissions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_on = models.DateField(_("answer due on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        related_name="recorded_submissions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("For a call, letter or mailbox note: who in the office typed it in."),
    )
    verified_summary = models.TextField(
        _("verified facts"),
        blank=True,
        validators=[MaxLengthValidator(SUMMARY_MAX)],
        help_text=_("What the verification found, without the complainant's details."),
    )
    public_reply = models.TextField(
        _("public reply"),
        blank=True,
        validators=[MaxLengthValidator(SUMMARY_MAX)],
        help_text=_("What the complainant reads with the tracking code."),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        related_name="answered_submissions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    rectification_item = models.OneToOneField(
        "rectifications.RectificationItem",
        verbose_name=_("rectification item"),
        related_name="complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "schools.Department",
        verbose_name=_("handed to department"),
        related_name="submissions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("public submission")
        verbose_name_plural = _("public submissions")
        ordering = ["-received_at", "-pk"]
        constraints = [
            # A form sent twice stores once; the same form re-used (Back, then a new complaint)
            # with other content or for another school is a new submission.
            models.UniqueConstraint(
                fields=["form_token", "school", "content_sha256"],
                condition=models.Q(form_token__isnull=False),
                name="submission_unique_resend",
            ),
            models.CheckConstraint(
                name="submission_answered_has_time",
                condition=models.Q(state__in=["new", "verifying"])
                | models.Q(answered_at__isnull=False),
            ),
            models.CheckConstraint(
                name="submission_rectifying_has_item",
                condition=~models.Q(state="rectifying")
                | models.Q(rectification_item__isnull=False),
            ),
            models.CheckConstraint(
                name="submission_transferred_has_department",
                condition=~models.Q(state="transferred") | models.Q(department__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"], name="submission_state_due"),
            # The office's list in its order (unanswered first, by due day): a page of a
            # county's cases is read off the index, not sorted from all of them. PostgreSQL's
            # DESC puts the unanswered (null) first, as the list does; SQLite cannot say so.
            models.Index(
                F("county"),
                F("answered_at").desc(),
                F("due_on"),
                F("id").desc(),
                name="submission_county_listing",
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.get_category_display()} · {self.reference}"

    def save(self, *args, **kwargs):
        if self.county_id is None:
            self.county_id = self.school.county_id
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        """The office's reference for the case (the tracking code stays the complainant's)."""
        return f"{timezone.localtime(self.received_at):%Y%m%d}-{self.pk}"

    @property
    def grouped_code(self) -> str:
        from complaints.tracking import grouped

        return grouped(self.tracking_code)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def is_anonymous(self) -> bool:
        return not (self.name or self.phone)

    def shows_personal_data_to(self, user) -> bool:
        """Name, phone, photo and the submitted text: the office and the assigned inspector."""
        if user.is_superuser:
            return True
        if user.county_id != self.county_id:
            return False
        if user.is_office:
            return True
        return bool(
            user.is_inspector
            and user.inspector_id
            and user.inspector_id == self.assigned_inspector_id
        )

    def may_handle(self, user) -> bool:
        """Verify, answer or turn into a rectification item: the office or the assigned one."""
        return (
            self.is_open
            and self.shows_personal_data_to(user)
            and (type(self).objects.for_user(user, CHANGE).filter(pk=self.pk).exists())
        )

    # Steps ---------------------------------------------------------------------------------

    def accept(self, actor):
        """The inspector has started verifying: new → being verified."""

        def change(submission):
            if submission.state != SubmissionState.NEW:
                raise HandlingError(_("Verification has already started."))
            submission.state = SubmissionState.VERIFYING

        return self.take_step(actor, SubmissionAction.ACCEPTED, change=change)

    def answer(self, actor, *, summary: str, reply: str):
        """Close the case with the verified facts and a public reply."""
        if not summary.strip() or not reply.strip():
            raise HandlingError(_("Write what the verification found and the public reply."))

        def change(submission):
            submission.verified_summary = summary
            submission.public_reply = reply
            submission.state = SubmissionState.ANSWERED
            submission.answered_at = timezone.now()
            submission.answered_by = actor

        return self.take_step(actor, SubmissionAction.ANSWERED, change=change)

    def reassign(self, actor, *, inspector, reason: str):
        """The office gives the case to another inspector of the county."""
        if not actor.is_office and not actor.is_superuser:
            raise HandlingError(_("Only the supervision office reassigns a submission."))
        if inspector.county_id != self.county_id:
            raise HandlingError(_("The inspector belongs to another county."))

        def change(submission):
            if submission.assigned_inspector_id == inspector.pk:
                raise HandlingError(
                    _("%(inspector)s already handles it.") % {"inspector": inspector}
                )
            submission.assigned_inspector = inspector

        return self.take_step(
            actor, SubmissionAction.REASSIGNED, change=change, comment=reason, inspector=inspector
        )

    def hand_over(self, actor, *, department, reason: str, reply: str):
        """The office hands the case on to another department, with a public reply."""
        if not actor.is_office and not actor.is_superuser:
            raise HandlingError(_("Only the supervision office hands a submission over."))
        if department.county_id != self.county_id:
            raise HandlingError(_("The department belongs to another county."))
        if not reply.strip():
            raise HandlingError(_("Tell the complainant where the case went (the public reply)."))

        def change(submission):
            submission.department = department
            submission.verified_summary = submission.verified_summary or reason
            submission.public_reply = reply
            submission.state = SubmissionState.TRANSFERRED
            submission.answered_at = timezone.now()
            submission.answered_by = actor

        return self.take_step(
            actor,
            SubmissionAction.HANDED_OVER,
            change=change,
            comment=reason,
            department=department,
        )

    def take_step(self, actor, action: str, *, change, comment: str = "", **event_fields):
        """Lock the row, check it is still open and the actor may handle it, apply ``change``
        and record the event, all in one transaction."""
        with transaction.atomic():
            submission = (
                type(self)
                .objects.select_for_update(of=("self",))
                .select_related("school")
                .get(pk=self.pk)
            )
            if not submission.is_open:
                raise HandlingError(
                    _("This submission is already “%(state)s”.")
                    % {"state": submission.get_state_display()}
                )
            if not submission.may_handle(actor):
                raise HandlingError(
                    _("Only the supervision office or the assigned inspector handles this.")
                )
            change(submission)
            submission.save()
            event = SubmissionEvent.objects.create(
                submission=submission, actor=actor, action=action, comment=comment, **event_fields
            )
        self.refresh_from_db()
        return event


class SubmissionEvent(models.Model):
    """One step in a submission's handling: who did what and when (the public acts as nobody)."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), related_name="events", on_delete=models.CASCADE
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        related_name="submission_events",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=16, choices=SubmissionAction.choices)
    comment = models.TextField(_("comment"), blank=True)
    inspector = models.ForeignKey(
        "inspectors.Inspector",
        verbose_name=_("inspector"),
        related_name="submission_events",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "schools.Department",
        verbose_name=_("department"),
        related_name="submission_events",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.submission_id}: {self.action}"


class OverdueReminder(models.Model):
    """The claim that an overdue case's handler was reminded of it, once per case, inspector and
    due day (``tasks.remind_overdue_submissions``).

    The row is inserted in the transaction that queues the delivery in the outbox: a crash before
    the commit leaves neither (the next run claims it again), one after it leaves the delivery
    queued (the outbox runs it again, the notifications' keys keep it once). A case reassigned
    after its reminder is reminded to the new inspector.
    """

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        related_name="overdue_reminders",
        on_delete=models.CASCADE,
    )
    inspector = models.ForeignKey(
        "inspectors.Inspector",
        verbose_name=_("reminded inspector"),
        related_name="overdue_reminders",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: the case had no inspector, the office was reminded."),
    )
    due_on = models.DateField(_("answer due on"))
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)

    class Meta:
        verbose_name = _("overdue reminder")
        verbose_name_plural = _("overdue reminders")
        ordering = ["claimed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "inspector", "due_on"],
                condition=models.Q(inspector__isnull=False),
                name="overdue_reminder_once",
            ),
            models.UniqueConstraint(
                fields=["submission", "due_on"],
                condition=models.Q(inspector__isnull=True),
                name="overdue_reminder_once_office",
            ),
        ]

    def __str__(self):
        return f"{self.submission_id} · {self.inspector_id or '-'} · {self.due_on}"

    @property
    def dedupe_key(self) -> str:
        """The key of the notifications it becomes: one per case, inspector and due day."""
        handler = self.inspector_id or "office"
        return f"complaint-overdue:{self.submission_id}:{handler}:{self.due_on}"


class PersonalDataPurpose(models.TextChoices):
    PAGE = "page", _("Opened the case")
    PHOTO = "photo", _("Opened the photo")
    PRINT = "print", _("Printed the record")
    EXPORT = "export", _("Exported with personal data")


class PersonalDataView(models.Model):
    """Someone saw a complainant's personal data: who, when, which case, how. Never deleted."""

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        related_name="personal_data_views",
        on_delete=models.CASCADE,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="personal_data_views",
        on_delete=models.PROTECT,
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=PersonalDataPurpose.choices)

    class Meta:
        verbose_name = _("view of personal data")
        verbose_name_plural = _("views of personal data")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["submission", "at"], name="personal_view_case_at")]

    def __str__(self):
        return f"{self.user} · {self.submission_id} · {self.at:%Y-%m-%d %H:%M}"


class AnnouncementQuerySet(ScopedQuerySet):
    def published(self, today=None):
        return self.filter(is_published=True, published_on__lte=today or timezone.localdate())


class Announcement(models.Model):
    """A public announcement (公告) of the supervision office, shown on the county's public page."""

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="announcements",
        on_delete=models.PROTECT,
    )
    title = models.CharField(_("headline"), max_length=100)
    body = models.TextField(_("text"), validators=[MaxLengthValidator(5000)])
    published_on = models.DateField(_("date"), default=timezone.localdate)
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Untick to take it off the public page.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        related_name="announcements",
        on_delete=models.PROTECT,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return self.title
