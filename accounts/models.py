import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.scoping import VIEW, ScopedQuerySet

logger = logging.getLogger(__name__)


class Role(models.TextChoices):
    OFFICE = "office", _("Supervision office")
    COMMITTEE = "committee", _("Committee member")
    INSPECTOR = "inspector", _("Inspector")
    PRINCIPAL = "principal", _("Principal")
    # A city or province (schools.Region): reads every county of the region, changes nothing.
    REGION = "region", _("Region (city or province)")


class UserQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, action: str):
        if user.is_office:
            return self.filter(is_superuser=False)
        if action == VIEW:
            return self.filter(pk=user.pk)
        return self.none()


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A login. Everyone but a superuser belongs to one county and has one role there, except a
    region user, who belongs to a city or province and reads its counties."""

    county = models.ForeignKey(
        "schools.County",
        verbose_name=_("county"),
        related_name="users",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "schools.Region",
        verbose_name=_("region"),
        related_name="users",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("For region users: the city or province whose counties this login reads."),
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        related_name="principal_accounts",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("For principals: the school this login may see."),
    )
    inspector = models.OneToOneField(
        "inspectors.Inspector",
        verbose_name=_("inspector"),
        related_name="user",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    display_name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for a one-time password; cleared when the user picks their own."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Chosen with the language switcher; notifications are written in it."),
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A region user has a region and no county; everyone else a county and no region.
            models.CheckConstraint(
                name="user_has_county_or_region_unless_superuser",
                condition=Q(is_superuser=True)
                | Q(role=Role.REGION, region__isnull=False, county__isnull=True)
                | (~Q(role=Role.REGION) & Q(county__isnull=False, region__isnull=True)),
            ),
            models.CheckConstraint(
                name="user_role_unless_superuser",
                condition=Q(is_superuser=True) | ~Q(role=""),
            ),
            # A school has at most one principal login; a principal change detaches the old one.
            models.UniqueConstraint(fields=["school"], name="user_one_login_per_school"),
            models.CheckConstraint(
                name="user_school_only_for_principal",
                condition=Q(school__isnull=True) | Q(role=Role.PRINCIPAL),
            ),
            models.CheckConstraint(
                name="user_inspector_only_for_inspector",
                condition=Q(inspector__isnull=True) | Q(role=Role.INSPECTOR),
            ),
        ]

    def __str__(self):
        return self.display_name or self.username

    @property
    def is_office(self) -> bool:
        return self.role == Role.OFFICE

    @property
    def is_committee(self) -> bool:
        return self.role == Role.COMMITTEE

    @property
    def is_inspector(self) -> bool:
        return self.role == Role.INSPECTOR

    @property
    def is_principal(self) -> bool:
        return self.role == Role.PRINCIPAL

    @property
    def is_region(self) -> bool:
        return self.role == Role.REGION

    @property
    def is_county_reader(self) -> bool:
        """Reads whole counties and changes nothing: a committee member (their county) or a
        region user (every county of their region)."""
        return self.role in (Role.COMMITTEE, Role.REGION)

    @property
    def county_settings(self):
        return self.county.settings if self.county_id else None

    def own_language(self):
        """Context manager: text written to this user (notifications, e-mail) in their language."""
        return translation.override(self.language or settings.LANGUAGE_CODE)


def absolute_url(path: str) -> str:
    """A site path as a full link for e-mails, which are read outside the site."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


class NotificationQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = VIEW):
        """A user's own notifications; nobody reads anyone else's, superusers included."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def deliver(self, user, *, dedupe_key: str, title: str, body: str = "", url: str = ""):
        """Create the notification unless this key was already delivered to this user.

        The unique (user, dedupe_key) insert is the claim: of two runs of a task, or a task and
        its retry, exactly one gets the row and sends the e-mail. Returns the new row or None.
        A failed e-mail is logged; the in-app notification stays and the caller goes on.
        """
        try:
            with transaction.atomic():
                notification = self.create(
                    user=user, dedupe_key=dedupe_key, title=title, body=body, url=url
                )
        except IntegrityError:
            return None
        if user.email:
            link = absolute_url(url) if url else ""
            try:
                send_mail(title, "\n\n".join(filter(None, [body, link])), None, [user.email])
            except Exception:
                logger.exception(
                    "E-mail copy of notification %s to user %s failed", notification.pk, user.pk
                )
        return notification


class Notification(models.Model):
    """An in-app message to one user (reminders, new items, escalations), with an e-mail copy."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), related_name="notifications", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    dedupe_key = models.CharField(
        _("deduplication key"),
        max_length=120,
        help_text=_("What this notification is about, e.g. a reminder of an item on a day."),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], name="notification_unique_dedupe_key"
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.title


class PendingTaskQuerySet(models.QuerySet):
    def due(self, now):
        """Not done, not given up, and not claimed by a worker that may still be running it."""
        return self.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - PendingTask.CLAIM_TIMEOUT),
            done_at__isnull=True,
            attempts__lt=PendingTask.MAX_ATTEMPTS,
        )


class PendingTask(models.Model):
    """A task that must run because of a change already committed (an outbox row).

    It is written in the same transaction as the change (a rectification step, a notice), so a
    broker that is down loses nothing: the worker's sweep runs what is still pending. A run
    claims the row with a conditional UPDATE, so the task runs once however often it is sent.
    """

    CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
    MAX_ATTEMPTS = 5

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = PendingTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending task")
        verbose_name_plural = _("pending tasks")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(done_at__isnull=True),
                name="pendingtask_undone",
            )
        ]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"


class SweepRecordQuerySet(models.QuerySet):
    def touch(self, name: str, *, every: datetime.timedelta, now=None) -> None:
        """Record that the sweep ``name`` (run by beat every ``every``) has just run."""
        now = now or timezone.now()
        if self.filter(name=name).update(last_run_at=now, every=every):
            return
        try:
            with transaction.atomic():
                self.create(name=name, last_run_at=now, every=every)
        except IntegrityError:  # another worker recorded it first
            self.filter(name=name).update(last_run_at=now, every=every)


class SweepRecord(models.Model):
    """When a periodic sweep last ran, one row per sweep: ``/healthz`` shows a stopped beat."""

    # A sweep not seen for this many of its periods counts as stopped.
    LATE_AFTER_PERIODS = 3

    name = models.CharField(_("sweep"), max_length=50, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))
    every = models.DurationField(_("runs every"))

    objects = SweepRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("sweep record")
        verbose_name_plural = _("sweep records")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def is_late(self, now) -> bool:
        return now - self.last_run_at > self.every * self.LATE_AFTER_PERIODS
