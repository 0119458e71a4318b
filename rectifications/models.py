import datetime
import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import CHANGE, VIEW, ScopedQuerySet


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")
    MAJOR = "major", _("Major")


class RectificationState(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_VERIFICATION = (
        "awaiting_verification",
        _("Awaiting verification"),
    )
    CLOSED = "closed", _("Signed off")
    RETURNED = "returned", _("Returned")


# States in which the next move belongs to the school (or to whoever owns an escalated item).
SCHOOL_MOVE_STATES = (
    RectificationState.OPEN,
    RectificationState.IN_PROGRESS,
    RectificationState.RETURNED,
)
UNRESOLVED_STATES = (*SCHOOL_MOVE_STATES, RectificationState.AWAITING_VERIFICATION)


class OwnerLevel(models.TextChoices):
    SCHOOL = "school", _("School")
    BUREAU = "bureau", _("Education bureau")
    GOVERNMENT = "government", _("County government")


OWNER_RANK = {OwnerLevel.SCHOOL: 0, OwnerLevel.BUREAU: 1, OwnerLevel.GOVERNMENT: 2}


class SourceKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    COMPLAINT = "complaint", _("Public complaint")
    SPECIAL = "special", _("Special supervision")
    MEETING = "meeting", _("Meeting decision")


class EventAction(models.TextChoices):
    OPENED = "opened", _("Opened")
    PLAN_SUBMITTED = "plan_submitted", _("Plan submitted")
    PROGRESS_REPORTED = "progress_reported", _("Progress reported")
    DONE_REPORTED = "done_reported", _("Completion reported")
    VERIFIED = "verified", _("Verified and closed")
    RETURNED = "returned", _("Returned to the school")
    ESCALATED = "escalated", _("Escalated")
    DEADLINE_EXTENDED = "deadline_extended", _("Deadline extended")
    FOLLOWED_UP = "followed_up", _("Follow-up check: still fixed")
    REOPENED = (
        "reopened",
        _("Follow-up check: problem is back, reopened"),
    )


class Capacity(models.TextChoices):
    """In which capacity a user acts on an item."""

    SCHOOL = "school", _("the school's principal")
    INSPECTOR = "inspector", _("an inspector responsible for the school")
    OFFICE = "office", _("the supervision office")


class TransitionError(Exception):
    """A step that the item's state or the actor's role does not allow; ``message`` is for users."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Step:
    """What a transition needs: the states it starts from and who may take it.

    ``escalated_capacities`` may also take the step once the item is escalated (上报): the school
    still does the work, but the office then acts for the bureau or county government too.
    """

    action: str
    verb: str
    from_states: tuple[str, ...]
    capacities: tuple[str, ...]
    escalated_capacities: tuple[str, ...] = ()

    def capacities_for(self, item) -> tuple[str, ...]:
        if item.is_escalated:
            return (*self.capacities, *self.escalated_capacities)
        return self.capacities


STEPS = {
    step.action: step
    for step in (
        Step(
            EventAction.PLAN_SUBMITTED,
            _("submit a plan"),
            (RectificationState.OPEN,),
            (Capacity.SCHOOL,),
            escalated_capacities=(Capacity.OFFICE,),
        ),
        Step(
            EventAction.PROGRESS_REPORTED,
            _("report progress"),
            (RectificationState.IN_PROGRESS, RectificationState.RETURNED),
            (Capacity.SCHOOL,),
            escalated_capacities=(Capacity.OFFICE,),
        ),
        Step(
            EventAction.DONE_REPORTED,
            _("report completion"),
            (RectificationState.IN_PROGRESS, RectificationState.RETURNED),
            (Capacity.SCHOOL,),
            escalated_capacities=(Capacity.OFFICE,),
        ),
        Step(
            EventAction.VERIFIED,
            _("verify and close the item"),
            (RectificationState.AWAITING_VERIFICATION,),
            (Capacity.INSPECTOR, Capacity.OFFICE),
        ),
        Step(
            EventAction.RETURNED,
            _("return the item to the school"),
            (RectificationState.AWAITING_VERIFICATION,),
            (Capacity.INSPECTOR, Capacity.OFFICE),
        ),
        Step(
            EventAction.ESCALATED,
            _("escalate the item"),
            UNRESOLVED_STATES,
            (Capacity.INSPECTOR, Capacity.OFFICE),
        ),
        Step(
            EventAction.DEADLINE_EXTENDED,
            _("extend the deadline"),
            UNRESOLVED_STATES,
            (Capacity.OFFICE,),
        ),
        Step(
            EventAction.FOLLOWED_UP,
            _("record a follow-up check"),
            (RectificationState.CLOSED,),
            (Capacity.INSPECTOR, Capacity.OFFICE),
        ),
    )
}


DEADLINE_YEARS_AHEAD = 2


def deadline_error(deadline: datetime.date, today: datetime.date | None = None):
    """Why ``deadline`` cannot be set (a message for users), or None: from today (Asia/Shanghai)
    to two years ahead."""
    today = today or timezone.localdate()
    try:
        latest = today.replace(year=today.year + DEADLINE_YEARS_AHEAD)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + DEADLINE_YEARS_AHEAD, day=28)
    if deadline < today:
        return _("The deadline cannot be before today (%(date)s).") % {"date": today.isoformat()}
    if deadline > latest:
        return _("The deadline can be at most two years from today, by %(date)s.") % {
            "date": latest.isoformat()
        }
    return None


class SchoolCaseQuerySet(ScopedQuerySet):
    """Rows about one school: its principal, its current inspectors and the row's own inspector
    see them; the office changes them and the committee reads them."""

    county_lookup = "school__county"
    inspector_field = "inspector_id"

    def scope_for_role(self, user, action: str):
        if user.is_office:
            return self
        if user.is_county_reader:
            return self if action == VIEW else self.none()
        if user.is_principal:
            return self.filter(school_id=user.school_id) if user.school_id else self.none()
        if user.is_inspector and user.inspector_id:
            from inspectors.models import Assignment

            # Not a join: no duplicate rows, so no DISTINCT and row locks still work. One
            # subquery of the two kinds of rows rather than an OR of two conditions: beside the
            # OR, PostgreSQL took a subquery for half the county's rows and hashed every school
            # of the province to join them (65 ms for an inspector's three items).
            rows = self.model.objects.order_by().values("pk")
            assigned = Assignment.objects.school_ids_of(user.inspector_id)
            return self.filter(
                pk__in=rows.filter(school_id__in=assigned).union(
                    rows.filter(**{self.inspector_field: user.inspector_id})
                )
            )
        return self.none()


class RectificationItemQuerySet(SchoolCaseQuerySet):
    """Scoped by the item's own county: a meeting decision may have no school."""

    county_lookup = "county"
    inspector_field = "responsible_inspector_id"

    def unresolved(self):
        return self.filter(state__in=UNRESOLVED_STATES)

    def overdue(self, today=None):
        """Still the school's (or the escalated owner's) move and past the deadline."""
        today = today or timezone.localdate()
        return self.filter(state__in=SCHOOL_MOVE_STATES, deadline__lt=today)

    def escalated(self):
        return self.exclude(owner_level=OwnerLevel.SCHOOL)

    def verification_overdue(self, today=None):
        """Reported done longer ago than the county's verification limit and still unchecked."""
        return self.filter(verification_overdue_q(today or timezone.localdate()))

    def awaiting_office(self, today=None):
        return self.filter(awaiting_office_q(today or timezone.localdate()))

    def by_urgency(self):
        return self.order_by(urgency(), "deadline", "pk")

    def with_listing(self, today=None):
        """With what a row of a list shows: the school, township, matter and inspector, and
        ``is_verification_overdue`` worked out by the database."""
        return self.select_related("school__township", "matter", "responsible_inspector").annotate(
            is_verification_overdue=_verification_overdue_flag(today)
        )

    def rows(self, today=None):
        """What a row of a list shows, as one light object an item: only the columns it shows,
        the names of its school, township, matter and inspector, and
        ``is_verification_overdue``. (The pages' query-count tests catch a row that reads a
        column left out.)"""
        return self.only(*ROW_FIELDS).annotate(
            school_name=models.F("school__name"),
            township_name=models.F("school__township__name"),
            matter_name=models.F("matter__name"),
            inspector_name=models.F("responsible_inspector__name"),
            is_verification_overdue=_verification_overdue_flag(today),
        )

    def median_days_to_close(self, group: str) -> dict:
        """The median of the closed items' days from opening to closing (local dates), for each
        value of ``group`` (a lookup, e.g. "school_id").

        The database ranks each group's days and returns only the middle one or two of each:
        a county closes thousands of items a year, each of which would otherwise come here."""
        days = models.ExpressionWrapper(
            TruncDate("closed_at") - TruncDate("created_at"), models.DurationField()
        )
        size = models.F("size")
        middle = (
            self.filter(state=RectificationState.CLOSED)
            .annotate(
                days=days,
                size=models.Window(models.Count("pk"), partition_by=models.F(group)),
                position=models.Window(
                    RowNumber(), partition_by=models.F(group), order_by=models.F("days").asc()
                ),
            )
            # Positions (size + 1) // 2 to (size + 2) // 2: one when the size is odd, else two.
            .filter(position__gte=(size + 1) / 2, position__lte=(size + 2) / 2)
            .order_by()
            .values_list(group, "days")
        )
        days_by_group = defaultdict(list)
        for key, duration in middle:
            days_by_group[key].append(duration.days)
        return {key: statistics.mean(values) for key, values in days_by_group.items()}


# The item's own columns that a row of a list shows (rectifications/_item_table.html,
# our_items.html and the badges of rectifications_tags).
ROW_FIELDS = (
    "school",
    "owner_name",
    "severity",
    "description",
    "deadline",
    "owner_level",
    "state",
    "source",
)


def urgency():
    """The school's moves first, then the checks to do, the closed last; by deadline within each
    (``by_urgency``), so the overdue items lead. Today's date plays no part (it sorts the overdue
    first by itself), so an index (``rectification_urgency``) keeps a province's items in this
    order: the first page needs no sorting of a hundred thousand rows."""
    return models.Case(
        models.When(state__in=SCHOOL_MOVE_STATES, then=models.Value(1)),
        models.When(state=RectificationState.AWAITING_VERIFICATION, then=models.Value(2)),
        default=models.Value(3),
    )


def verification_overdue_q(today: datetime.date) -> models.Q:
    """Items awaiting verification past their county's limit (``verification_due_on`` < today):
    reported before the local day ``today - verification_days`` began.

    One condition on the county's setting, computed by the database, however many counties a
    province has. Local days are 24 hours long (China keeps no daylight saving time), so that
    day began ``verification_days`` days before today did."""
    today_began = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    # A plain integer to SQLite's duration arithmetic, which refuses a positive small one.
    limit = models.ExpressionWrapper(
        models.F("county__settings__verification_days"), models.IntegerField()
    )
    days = models.ExpressionWrapper(
        limit * models.Value(datetime.timedelta(days=1)), models.DurationField()
    )
    return models.Q(
        state=RectificationState.AWAITING_VERIFICATION,
        reported_done_at__lt=models.Value(today_began) - days,
    )


def _verification_overdue_flag(today=None):
    late = verification_overdue_q(today or timezone.localdate())
    return models.ExpressionWrapper(late, models.BooleanField())


def awaiting_office_q(today: datetime.date) -> models.Q:
    """Items that wait for the office: past the deadline (to chase, extend or escalate),
    escalated to the bureau or the government and unresolved, or unverified too long."""
    return (
        models.Q(state__in=SCHOOL_MOVE_STATES, deadline__lt=today)
        | (models.Q(state__in=UNRESOLVED_STATES) & ~models.Q(owner_level=OwnerLevel.SCHOOL))
        | verification_overdue_q(today)
    )


class RectificationItem(models.Model):
    """A problem a school must fix (整改事项), tracked until an inspector verifies the fix.

    A meeting decision (source ``meeting``) is tracked the same way but may have no school and no
    matter: then its owner (a township, a department or a person, named in ``owner_name``) does
    not log in, so the office takes the owner's steps and verifies, with optional evidence.

    Every change of state goes through one method below (``submit_plan``, ``report_done``,
    ``verify``...). Each locks the row, checks who acts and from which state, records a
    ``RectificationEvent`` and saves, all in one transaction. Items are never deleted.
    """

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="rectification_items",
        on_delete=models.PROTECT,
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        related_name="rectification_items",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    matter = models.ForeignKey(
        "schools.SupervisionMatter",
        verbose_name=_("supervision matter"),
        related_name="rectification_items",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    owner_name = models.CharField(
        _("owner without login"),
        max_length=100,
        blank=True,
        help_text=_(
            "For a meeting decision owned by a township, a department or a person rather than a "
            "school: who does the work. The office records their steps."
        ),
    )
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.GENERAL
    )
    description = models.TextField(_("problem"))
    required_change = models.TextField(_("what must change"), blank=True)
    deadline = models.DateField(_("deadline"))
    responsible_inspector = models.ForeignKey(
        "inspectors.Inspector",
        verbose_name=_("responsible inspector"),
        related_name="rectification_items",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    owner_level = models.CharField(
        _("owner"), max_length=16, choices=OwnerLevel.choices, default=OwnerLevel.SCHOOL
    )
    state = models.CharField(
        _("state"),
        max_length=24,
        choices=RectificationState.choices,
        default=RectificationState.OPEN,
    )
    source = models.CharField(
        _("source"), max_length=16, choices=SourceKind.choices, default=SourceKind.VISIT
    )
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("visit"),
        related_name="rectification_items",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    source_note = models.CharField(
        _("source reference"),
        max_length=200,
        blank=True,
        help_text=_("For a complaint, special supervision or meeting: its reference or title."),
    )
    reported_done_at = models.DateTimeField(_("reported done at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("follow-up check at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="created_rectification_items",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RectificationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                name="rectification_school_and_matter_unless_meeting",
                condition=models.Q(source="meeting")
                | models.Q(school__isnull=False, matter__isnull=False),
            ),
            models.CheckConstraint(
                name="rectification_visit_source_has_visit",
                condition=~models.Q(source="visit") | models.Q(visit__isnull=False),
            ),
            models.CheckConstraint(
                name="rectification_closed_has_closed_at",
                condition=~models.Q(state="closed") | models.Q(closed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="rectification_awaiting_has_report",
                condition=~models.Q(state="awaiting_verification")
                | models.Q(reported_done_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="rectification_state_due"),
            models.Index(urgency(), "deadline", "id", name="rectification_urgency"),
        ]

    def __str__(self):
        return f"{self.owner_display}: {self.description[:30]}"

    def save(self, *args, **kwargs):
        if self.county_id is None and self.school_id is not None:
            self.county_id = self.school.county_id
        super().save(*args, **kwargs)

    @property
    def owner_display(self) -> str:
        """Who must do the work: the school, or the named owner of a meeting decision."""
        return str(self.school) if self.school_id else self.owner_name

    @property
    def office_owned(self) -> bool:
        """No school owns it (a meeting decision): the office records the owner's steps."""
        return self.school_id is None

    # Derived facts ------------------------------------------------------------------------

    @property
    def is_overdue(self) -> bool:
        return self.state in SCHOOL_MOVE_STATES and self.deadline < timezone.localdate()

    @property
    def is_escalated(self) -> bool:
        return self.owner_level != OwnerLevel.SCHOOL

    def verification_due_on(self, county_settings):
        if self.state != RectificationState.AWAITING_VERIFICATION:
            return None
        reported_on = timezone.localdate(self.reported_done_at)
        return reported_on + datetime.timedelta(days=county_settings.verification_days)

    def follow_up_due_on(self, county_settings):
        if self.state != RectificationState.CLOSED or self.followed_up_at:
            return None
        closed_on = timezone.localdate(self.closed_at)
        return closed_on + datetime.timedelta(days=county_settings.follow_up_days)

    def capacities_of(self, user) -> set[str]:
        """The capacities in which ``user`` may act on this item (empty: none)."""
        if not type(self).objects.for_user(user, CHANGE).filter(pk=self.pk).exists():
            return set()
        if user.is_principal:
            return {Capacity.SCHOOL}
        if user.is_inspector:
            return {Capacity.INSPECTOR}
        if user.is_office:
            # An owner without a login (a township, a department): the office acts for them.
            return {Capacity.OFFICE, Capacity.SCHOOL} if self.office_owned else {Capacity.OFFICE}
        return set()

    def allowed_actions(self, user) -> list[str]:
        """The steps ``user`` may take now, for showing only the forms that would work."""
        capacities = self.capacities_of(user)
        return [
            action
            for action, step in STEPS.items()
            if self.state in step.from_states
            and capacities & set(step.capacities_for(self))
            and (action != EventAction.FOLLOWED_UP or self.follow_up_is_due())
        ]

    def follow_up_is_due(self) -> bool:
        """The follow-up (CAPA effectiveness) check comes ``follow_up_days`` after closing."""
        due_on = self.follow_up_due_on(self.county.settings)
        return due_on is not None and timezone.localdate() >= due_on

    # Transitions ---------------------------------------------------------------------------

    def submit_plan(self, actor, text: str, photos=()):
        """The school says how it will fix the problem: open → in progress."""
        return self._take_step(
            actor,
            EventAction.PLAN_SUBMITTED,
            comment=text,
            photos=photos,
            change=lambda item: setattr(item, "state", RectificationState.IN_PROGRESS),
        )

    def report_progress(self, actor, text: str, photos=()):
        """The school tells how far it got; the state stays as it is."""
        return self._take_step(
            actor, EventAction.PROGRESS_REPORTED, comment=text, photos=photos, change=None
        )

    def report_done(self, actor, text: str, photos):
        """The school reports the fix with evidence: in progress or returned → awaiting check.

        Evidence is optional for an owner without a login, whose steps the office records."""
        if not photos and not self.office_owned:
            raise TransitionError(_("Attach at least one photo as evidence of the fix."))

        def change(item):
            item.state = RectificationState.AWAITING_VERIFICATION
            item.reported_done_at = timezone.now()

        return self._take_step(
            actor, EventAction.DONE_REPORTED, comment=text, photos=photos, change=change
        )

    def verify(self, actor, comment: str = "", photos=()):
        """An inspector checked the fix: the item is closed (销号)."""

        def change(item):
            item.state = RectificationState.CLOSED
            item.closed_at = timezone.now()
            item.followed_up_at = None

        return self._take_step(
            actor, EventAction.VERIFIED, comment=comment, photos=photos, change=change
        )

    def return_to_school(self, actor, reason: str, photos=()):
        """An inspector finds the fix insufficient: back to the school with the reason."""
        if not reason.strip():
            raise TransitionError(_("Say why the item goes back to the school."))
        return self._take_step(
            actor,
            EventAction.RETURNED,
            comment=reason,
            photos=photos,
            change=lambda item: setattr(item, "state", RectificationState.RETURNED),
        )

    def escalate(self, actor, level: str, reason: str):
        """Move ownership up (上报) to the bureau or the county government, with the reason."""
        if not reason.strip():
            raise TransitionError(_("Say why the item is escalated."))

        def change(item):
            if OWNER_RANK[OwnerLevel(level)] <= OWNER_RANK[OwnerLevel(item.owner_level)]:
                raise TransitionError(
                    _("The item is already owned by %(owner)s; escalate it to a higher level.")
                    % {"owner": item.get_owner_level_display()}
                )
            item.owner_level = level

        return self._take_step(
            actor, EventAction.ESCALATED, comment=reason, change=change, owner_level=level
        )

    def extend_deadline(self, actor, new_date, reason: str):
        """The office grants more time, with the reason."""
        if not reason.strip():
            raise TransitionError(_("Say why the deadline is extended."))
        if problem := deadline_error(new_date):
            raise TransitionError(problem)

        def change(item):
            if new_date <= item.deadline:
                raise TransitionError(
                    _("The new deadline must be after the current one (%(date)s).")
                    % {"date": item.deadline.isoformat()}
                )
            item.deadline = new_date

        return self._take_step(
            actor, EventAction.DEADLINE_EXTENDED, comment=reason, change=change, deadline=new_date
        )

    def follow_up(self, actor, still_fixed: bool, comment: str = ""):
        """A later check of a closed item; if the problem is back the item reopens, history kept."""
        from rectifications.services import default_deadline

        if not still_fixed and not comment.strip():
            raise TransitionError(_("Describe how the problem came back."))
        # Reopened, the school gets the county's usual time for this severity from today.
        new_deadline = None
        if not still_fixed:
            new_deadline = default_deadline(
                county_settings=self.county.settings,
                severity=self.severity,
                start=timezone.localdate(),
            )

        def change(item):
            if item.followed_up_at:
                raise TransitionError(_("The follow-up check of this item is already recorded."))
            if not item.follow_up_is_due():
                raise TransitionError(
                    _("The follow-up check is due from %(date)s, not before.")
                    % {"date": item.follow_up_due_on(item.county.settings).isoformat()}
                )
            if still_fixed:
                item.followed_up_at = timezone.now()
                return
            item.state = RectificationState.OPEN
            item.closed_at = None
            item.reported_done_at = None
            item.deadline = new_deadline

        return self._take_step(
            actor,
            EventAction.FOLLOWED_UP,
            comment=comment,
            change=change,
            record_as=EventAction.FOLLOWED_UP if still_fixed else EventAction.REOPENED,
            deadline=new_deadline,
        )

    def _take_step(
        self,
        actor,
        action: str,
        *,
        comment: str,
        change,
        photos=(),
        record_as: str | None = None,
        owner_level: str = "",
        deadline=None,
    ):
        """Lock the row, check actor and state, apply ``change``, record the event; atomically."""
        step = STEPS[action]
        with transaction.atomic():
            item = (
                type(self)
                .objects.select_for_update(of=("self",))
                .select_related("county__settings")
                .get(pk=self.pk)
            )
            # Checked on the locked row: who may act can depend on it (an escalated item).
            allowed = step.capacities_for(item)
            if not item.capacities_of(actor) & set(allowed):
                raise TransitionError(
                    _("You cannot %(verb)s: only %(who)s may do this.")
                    % {
                        "verb": step.verb,
                        "who": _(" or ").join(str(Capacity(c).label) for c in allowed),
                    }
                )
            if item.state not in step.from_states:
                raise TransitionError(
                    _("You cannot %(verb)s: the item is now “%(state)s”.")
                    % {"verb": step.verb, "state": item.get_state_display()}
                )
            from_state = item.state
            if change:
                change(item)
            item.save()
            event = RectificationEvent.objects.create(
                item=item,
                actor=actor,
                action=record_as or action,
                from_state=from_state,
                to_state=item.state,
                comment=comment,
                owner_level=owner_level,
                deadline=deadline,
            )
            for photo in photos:
                RectificationEvidence.objects.create(
                    event=event,
                    image=photo.image,
                    thumbnail=photo.thumbnail,
                    width=photo.width,
                    height=photo.height,
                )
            from rectifications.services import announce

            announce(event)
        self.refresh_from_db()
        return event


def evidence_path(instance, filename: str) -> str:
    """Unguessable names: evidence is served only after a permission check, never directly."""
    return f"rectifications/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class RectificationEvent(models.Model):
    """One step in an item's history: who did what, when, from which state to which."""

    item = models.ForeignKey(
        RectificationItem,
        verbose_name=_("rectification item"),
        related_name="events",
        on_delete=models.PROTECT,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        related_name="rectification_events",
        on_delete=models.PROTECT,
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=32, choices=EventAction.choices)
    from_state = models.CharField(
        _("from state"), max_length=24, choices=RectificationState.choices, blank=True
    )
    to_state = models.CharField(_("to state"), max_length=24, choices=RectificationState.choices)
    comment = models.TextField(_("comment"), blank=True)
    owner_level = models.CharField(
        _("new owner"), max_length=16, choices=OwnerLevel.choices, blank=True
    )
    deadline = models.DateField(_("new deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.item_id}: {self.from_state} → {self.to_state}"


class RectificationEvidence(models.Model):
    """A photo attached to one step (plan, progress, completion, verification, return), cleaned
    and re-encoded."""

    event = models.ForeignKey(
        RectificationEvent,
        verbose_name=_("rectification event"),
        related_name="evidence",
        on_delete=models.PROTECT,
    )
    image = models.FileField(_("photo"), upload_to=evidence_path)
    thumbnail = models.FileField(_("thumbnail"), upload_to=evidence_path)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.event_id}: {self.image.name}"


NOTICE_INTROS = {
    SourceKind.VISIT: _(
        "In the course of responsible-inspector supervision, the following problems were found at "
        "your school. Please rectify them by the deadlines below, record the rectification in the "
        "supervision system with evidence, and the responsible inspector will verify it."
    ),
    SourceKind.COMPLAINT: _(
        "Public complaints about your school were checked and the following problems confirmed. "
        "Please rectify them by the deadlines below, record the rectification in the supervision "
        "system with evidence, and the responsible inspector will verify it."
    ),
    SourceKind.SPECIAL: _(
        "In the course of special supervision, the following problems were found at your school. "
        "Please rectify them by the deadlines below, record the rectification in the supervision "
        "system with evidence, and the responsible inspector will verify it."
    ),
    SourceKind.MEETING: _(
        "A meeting decision requires your school to rectify the following problems. Please rectify "
        "them by the deadlines below, record the rectification in the supervision system with "
        "evidence, and the responsible inspector will verify it."
    ),
}
NOTICE_INTRO_MIXED = _(
    "The following problems at your school require rectification. Please rectify them by the "
    "deadlines below, record the rectification in the supervision system with evidence, and the "
    "responsible inspector will verify it."
)


class RectificationNoticeQuerySet(SchoolCaseQuerySet):
    county_lookup = "county"


class RectificationNotice(models.Model):
    """A written rectification notice (整改通知书) to a school, numbered per county and year."""

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="rectification_notices",
        on_delete=models.PROTECT,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("notice number"), max_length=40)
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        related_name="rectification_notices",
        on_delete=models.PROTECT,
    )
    items = models.ManyToManyField(
        RectificationItem, verbose_name=_("rectification items"), related_name="notices"
    )
    inspector = models.ForeignKey(
        "inspectors.Inspector",
        verbose_name=_("inspector"),
        related_name="rectification_notices",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        related_name="issued_rectification_notices",
        on_delete=models.PROTECT,
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    item_deadlines = models.JSONField(
        _("deadlines at issue"),
        default=dict,
        blank=True,
        help_text=_(
            "Each item's deadline when the notice was issued: the printed notice is fixed."
        ),
    )
    copy_to = models.CharField(
        _("copied to"),
        max_length=200,
        blank=True,
        help_text=_("The county's copy-to line (抄送) when the notice was issued."),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        related_name="acknowledged_rectification_notices",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    objects = RectificationNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "serial"], name="rectification_notice_unique_serial"
            ),
            models.CheckConstraint(
                name="rectification_notice_acknowledged_by_whom",
                condition=models.Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | models.Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
            ),
        ]

    def __str__(self):
        return self.number

    def printed_items(self):
        """The items as the notice printed them: each with ``notice_deadline``, fixed at issue."""
        items = list(self.items.select_related("matter"))
        for item in items:
            fixed = self.item_deadlines.get(str(item.pk))
            item.notice_deadline = datetime.date.fromisoformat(fixed) if fixed else item.deadline
        items.sort(key=lambda item: (item.notice_deadline, item.pk))
        return items

    @staticmethod
    def intro(items) -> str:
        """The opening sentence, chosen by where the items come from; neutral when mixed."""
        sources = {item.source for item in items}
        source = sources.pop() if len(sources) == 1 else None
        return str(NOTICE_INTROS.get(source, NOTICE_INTRO_MIXED))

    @staticmethod
    def format_number(county, year: int, serial: int) -> str:
        """The document number, e.g. 湟督整〔2026〕15号 (the county's first character + 督整)."""
        return county.document_number("督整", year, serial)

    def acknowledge(self, actor):
        """The school's principal confirms receipt; recorded once."""
        if not (actor.is_principal and actor.school_id == self.school_id):
            raise TransitionError(_("Only the school's principal acknowledges a notice."))
        with transaction.atomic():
            notice = type(self).objects.select_for_update().get(pk=self.pk)
            if notice.acknowledged_at:
                raise TransitionError(_("This notice was already acknowledged."))
            notice.acknowledged_at = timezone.now()
            notice.acknowledged_by = actor
            notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        self.refresh_from_db()
