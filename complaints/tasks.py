"""Celery tasks: tell the handler of a new submission, and remind of overdue ones exactly once
(an ``OverdueReminder`` row claims each, the outbox delivers it).

Notifications name the school, the category and the due day, never the complainant or their
words: they also go out by e-mail.
"""

from celery import shared_task
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Notification, Role, User
from accounts.outbox import send_later
from complaints.models import OverdueReminder, Submission, SubmissionAction, SubmissionEvent

NEW_TITLE = gettext_lazy("Public %(category)s about %(school)s: verify and answer by %(date)s")
OVERDUE_TITLE = gettext_lazy("Overdue: public %(category)s about %(school)s was due on %(date)s")


def _office(county_id: int):
    return User.objects.filter(county_id=county_id, role=Role.OFFICE, is_active=True)


def _handler_users(submission: Submission):
    """The assigned inspector's login, or else the office."""
    return _users_of(submission.assigned_inspector_id, submission)


def _users_of(inspector_id, submission: Submission):
    """The inspector's login, or else the office."""
    if inspector_id:
        users = User.objects.filter(inspector_id=inspector_id, role=Role.INSPECTOR, is_active=True)
        if users.exists():
            return list(users)
    return list(_office(submission.county_id))


def _deliver(user, submission: Submission, *, key: str, title) -> bool:
    with user.own_language():
        values = {
            "school": submission.school.name,
            "date": submission.due_on.isoformat(),
            "category": submission.get_category_display(),
        }
        return bool(
            Notification.objects.deliver(
                user,
                dedupe_key=key,
                title=str(title) % values,
                body=_("%(category)s about %(school)s; answer by %(date)s.") % values,
                url=reverse("complaints:detail", kwargs={"pk": submission.pk}),
            )
        )


@shared_task
def notify_submission(submission_id: int) -> int:
    """Tell the handler a submission is theirs (new, or reassigned to them)."""
    submission = Submission.objects.select_related("school").get(pk=submission_id)
    key = f"complaint-new:{submission.pk}:{submission.assigned_inspector_id or 'office'}"
    return sum(
        _deliver(
            user,
            submission,
            key=key,
            title=NEW_TITLE,
        )
        for user in _handler_users(submission)
    )


def _unreminded():
    """Overdue cases whose current handler was not reminded of the current due day."""
    reminded = OverdueReminder.objects.filter(
        submission=OuterRef("pk"), due_on=OuterRef("due_on")
    ).filter(
        Q(inspector=OuterRef("assigned_inspector"))
        | Q(inspector__isnull=True, submission__assigned_inspector__isnull=True)
    )
    return Submission.objects.overdue().filter(~Exists(reminded))


@shared_task
def remind_overdue_submissions() -> int:
    """Once a day: claim a reminder for each unanswered submission past its due day, once per
    case, handler and due day, and queue its delivery in the same transaction (exactly once:
    ``OverdueReminder``). Returns how many were claimed."""
    claimed = 0
    for submission in _unreminded().only("pk", "assigned_inspector_id", "due_on"):
        try:
            with transaction.atomic():
                reminder = OverdueReminder.objects.create(
                    submission=submission,
                    inspector_id=submission.assigned_inspector_id,
                    due_on=submission.due_on,
                )
                SubmissionEvent.objects.create(
                    submission=submission,
                    action=SubmissionAction.REMINDED,
                    inspector_id=submission.assigned_inspector_id,
                )
                send_later(deliver_overdue_reminder, reminder.pk)
        except IntegrityError:
            continue  # another run claimed it
        claimed += 1
    return claimed


@shared_task
def deliver_overdue_reminder(reminder_id: int) -> int:
    """Tell the reminded inspector (or, without one, the office) and the office; run again after
    a crash, it sends only what is missing."""
    reminder = OverdueReminder.objects.select_related("submission__school").get(pk=reminder_id)
    submission = reminder.submission
    recipients = {user.pk: user for user in _users_of(reminder.inspector_id, submission)}
    recipients.update({user.pk: user for user in _office(submission.county_id)})
    return sum(
        _deliver(user, submission, key=reminder.dedupe_key, title=OVERDUE_TITLE)
        for user in recipients.values()
    )
