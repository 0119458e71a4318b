"""Operations on submissions that span several models: receiving one (from the public page or the
office), turning one into a rectification item, reassigning, the record of who saw personal data,
and what the complainant reads with their tracking code."""

import datetime
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.outbox import send_later
from complaints import tracking
from complaints.models import (
    HandlingError,
    PersonalDataView,
    Submission,
    SubmissionAction,
    SubmissionEvent,
    SubmissionState,
)
from inspectors.models import Assignment, InspectorStatus
from rectifications.models import RectificationState, SourceKind
from rectifications.services import open_item


def handler_of(school):
    """Who verifies the school's submissions: its lead inspector, else its longest-serving
    current inspector; None leaves it to the office."""
    assignment = (
        Assignment.objects.current()
        .filter(school=school, inspector__status=InspectorStatus.ACTIVE)
        .select_related("inspector")
        .order_by("-is_lead", "started_on", "pk")
        .first()
    )
    return assignment.inspector if assignment else None


def receive(
    *,
    school,
    channel: str,
    category: str,
    text: str,
    matter=None,
    name: str = "",
    phone: str = "",
    relation: str = "",
    photo=None,
    form_token: str | None = None,
    recorded_by=None,
    received_at: datetime.datetime | None = None,
) -> tuple[Submission, bool]:
    """Store a submission, route it and tell its handler; returns it and whether it is new.

    A form sent twice (the same ``form_token``, school and content) is stored once: the second
    call returns the first submission. The same token with other content or for another school
    (the cached form re-sent after going Back) is a new submission with its own code.
    ``photo`` is a processed photo (``ProcessedPhoto``).
    """
    digest = content_digest(
        category=category,
        matter=matter,
        text=text,
        name=name,
        phone=phone,
        relation=relation,
        photo=photo,
    )
    resent = Submission.objects.filter(form_token=form_token, school=school, content_sha256=digest)
    if form_token and (earlier := resent.first()):
        return earlier, False
    county_settings = school.county.settings
    received_at = received_at or timezone.now()
    submission = Submission(
        school=school,
        channel=channel,
        category=category,
        matter=matter,
        text=text,
        name=name,
        phone=phone,
        relation=relation,
        form_token=form_token or None,
        content_sha256=digest,
        assigned_inspector=handler_of(school),
        received_at=received_at,
        due_on=county_settings.add_working_days(
            timezone.localdate(received_at), county_settings.complaint_answer_days
        ),
        recorded_by=recorded_by,
    )
    if photo is not None:
        submission.photo.save("photo.jpg", photo.image, save=False)
        submission.photo_thumbnail.save("thumbnail.jpg", photo.thumbnail, save=False)
    try:
        with transaction.atomic():
            submission.tracking_code = _unused_code()
            submission.save()
            SubmissionEvent.objects.create(
                submission=submission,
                actor=recorded_by,
                action=SubmissionAction.RECEIVED,
                at=received_at,
                inspector=submission.assigned_inspector,
            )
            from complaints.tasks import notify_submission

            send_later(notify_submission, submission.pk)
    except IntegrityError:
        # The same form arrived twice at once; the other request stored it.
        if form_token and (earlier := resent.first()):
            return earlier, False
        raise
    return submission, True


def content_digest(*, category, matter, text, name, phone, relation, photo) -> str:
    """A fingerprint of what was sent, to tell a form sent twice from a new one."""
    digest = hashlib.sha256()
    for part in (category, getattr(matter, "pk", matter) or "", text, name, phone, relation):
        digest.update(str(part).encode())
        digest.update(b"\0")
    if photo is not None:
        photo.image.seek(0)
        digest.update(photo.image.read())
        photo.image.seek(0)
    return digest.hexdigest()


def _unused_code() -> str:
    """A fresh tracking code; the unique constraint backs up this check."""
    while True:
        code = tracking.new_code()
        if not Submission.objects.filter(tracking_code=code).exists():
            return code


def open_rectification(
    *,
    submission: Submission,
    actor,
    matter,
    severity: str,
    description: str,
    required_change: str,
    deadline: datetime.date,
    reply: str,
):
    """The verification confirmed a problem: open a rectification item (source: complaint),
    link both ways, and tell the complainant in the public reply."""
    if not description.strip() or not reply.strip():
        raise HandlingError(_("Describe the confirmed problem and write the public reply."))

    def change(locked):
        item = open_item(
            school=locked.school,
            matter=matter,
            severity=severity,
            description=description,
            required_change=required_change,
            deadline=deadline,
            source=SourceKind.COMPLAINT,
            source_note=_("Public complaint %(reference)s") % {"reference": locked.reference},
            responsible_inspector=locked.assigned_inspector,
            actor=actor,
        )
        locked.rectification_item = item
        locked.verified_summary = description
        locked.public_reply = reply
        locked.state = SubmissionState.RECTIFYING
        locked.answered_at = timezone.now()
        locked.answered_by = actor

    return submission.take_step(actor, SubmissionAction.RECTIFICATION, change=change)


def reassign(*, submission: Submission, actor, inspector, reason: str):
    """The office gives the case to another inspector, who is told at once."""
    with transaction.atomic():
        event = submission.reassign(actor, inspector=inspector, reason=reason)
        from complaints.tasks import notify_submission

        send_later(notify_submission, submission.pk)
    return event


def record_personal_data_views(*, user, submissions, purpose: str) -> None:
    """Write down that ``user`` saw the personal data of these submissions, and how."""
    PersonalDataView.objects.bulk_create(
        PersonalDataView(submission=submission, user=user, purpose=purpose)
        for submission in submissions
    )


# What the complainant reads -----------------------------------------------------------------

PUBLIC_STATES = {
    SubmissionState.NEW: gettext_lazy("Received; waiting for the inspector to verify it"),
    SubmissionState.VERIFYING: gettext_lazy("The inspector is verifying it"),
    SubmissionState.RECTIFYING: gettext_lazy("Verified: the school was given a rectification item"),
    SubmissionState.ANSWERED: gettext_lazy("Answered and closed"),
    SubmissionState.TRANSFERRED: gettext_lazy("Handed to the department responsible"),
}
PUBLIC_ITEM_STATES = {
    RectificationState.OPEN: gettext_lazy("The school is to rectify it"),
    RectificationState.IN_PROGRESS: gettext_lazy("The school is rectifying it"),
    RectificationState.RETURNED: gettext_lazy("The school is rectifying it"),
    RectificationState.AWAITING_VERIFICATION: gettext_lazy(
        "The school reports it fixed; the inspector is checking"
    ),
    RectificationState.CLOSED: gettext_lazy("Rectified and checked by the inspector"),
}


@dataclass(frozen=True)
class PublicStatus:
    """One submission as its tracking code shows it: no text, no names, no other case."""

    school: str
    category: str
    received_on: datetime.date
    due_on: datetime.date
    state: str
    reply: str
    answered_on: datetime.date | None
    outcome: str
    outcome_deadline: datetime.date | None
    outcome_done_on: datetime.date | None


def public_status(submission: Submission) -> PublicStatus:
    item = submission.rectification_item
    return PublicStatus(
        school=submission.school.name,
        category=submission.get_category_display(),
        received_on=timezone.localdate(submission.received_at),
        due_on=submission.due_on,
        state=str(PUBLIC_STATES[submission.state]),
        reply=submission.public_reply,
        answered_on=timezone.localdate(submission.answered_at) if submission.answered_at else None,
        outcome=str(PUBLIC_ITEM_STATES[item.state]) if item else "",
        outcome_deadline=item.deadline if item else None,
        outcome_done_on=timezone.localdate(item.closed_at) if item and item.closed_at else None,
    )


def find_by_code(*, county, typed: str) -> Submission | None:
    """The county's submission with this tracking code; None for a wrong or malformed one
    alike, so the two cannot be told apart."""
    code = tracking.normalise(typed)
    if code is None:
        return None
    return (
        Submission.objects.filter(county=county, tracking_code=code)
        .select_related("school", "rectification_item")
        .first()
    )
