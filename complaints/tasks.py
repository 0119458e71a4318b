"""Celery tasks: tell the handler of a new submission, and remind of overdue ones exactly once.

Notifications name the school, the category and the due day, never the complainant or their
words: they also go out by e-mail.
"""

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Notification, Role, User
from complaints.models import Submission, SubmissionAction, SubmissionEvent

NEW_TITLE = gettext_lazy("Public %(category)s about %(school)s: verify and answer by %(date)s")
OVERDUE_TITLE = gettext_lazy("Overdue: public %(category)s about %(school)s was due on %(date)s")


def _office(county_id: int):
    return User.objects.filter(county_id=county_id, role=Role.OFFICE, is_active=True)


def _handler_users(submission: Submission):
    """The assigned inspector's login, or else the office."""
    if submission.assigned_inspector_id:
        users = User.objects.filter(
            inspector_id=submission.assigned_inspector_id, role=Role.INSPECTOR, is_active=True
        )
        if users.exists():
            return list(users)
    return list(_office(submission.school.county_id))


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


@shared_task
def remind_overdue_submissions() -> int:
    """Once a day: for each unanswered submission past its due day, remind its handler and the
    office, once per submission (the conditional update of ``overdue_reminded_at`` claims it)."""
    now = timezone.now()
    sent = 0
    overdue = Submission.objects.overdue().filter(overdue_reminded_at__isnull=True)
    for submission in overdue.select_related("school"):
        claimed = Submission.objects.filter(
            pk=submission.pk, overdue_reminded_at__isnull=True
        ).update(overdue_reminded_at=now)
        if not claimed:
            continue  # another run took it
        SubmissionEvent.objects.create(submission=submission, action=SubmissionAction.REMINDED)
        recipients = {user.pk: user for user in _handler_users(submission)}
        recipients.update({user.pk: user for user in _office(submission.school.county_id)})
        for user in recipients.values():
            sent += _deliver(
                user,
                submission,
                key=f"complaint-overdue:{submission.pk}",
                title=OVERDUE_TITLE,
            )
    return sent
