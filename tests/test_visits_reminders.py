"""The daily reminder of drafts left unsubmitted: once per draft, however often the task runs."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories_visits import VisitFactory, matrix_submitted_visit
from visits.models import Visit
from visits.tasks import remind_stale_drafts, send_draft_reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale_draft(personas):
    personas.inspector_user.email = "li@example.org"
    personas.inspector_user.save()
    visit = VisitFactory(
        school=personas.school_b, inspector=personas.inspector, created_by=personas.inspector_user
    )
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    Visit.objects.filter(pk=visit.pk).update(created_at=three_days_ago)
    return visit


def test_running_the_task_twice_sends_one_email(
    stale_draft, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://dudao.example.cn/"
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            remind_stale_drafts.delay()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li@example.org"]
    assert stale_draft.school.name in message.subject
    edit_url = reverse("visits:visit_edit", args=[stale_draft.pk])
    assert f"http://dudao.example.cn{edit_url}" in message.body
    stale_draft.refresh_from_db()
    assert stale_draft.reminded_at is not None


def test_a_retried_reminder_is_not_sent_again(stale_draft):
    assert send_draft_reminder(stale_draft.pk) is True
    assert send_draft_reminder(stale_draft.pk) is False
    assert len(mail.outbox) == 1


def test_fresh_drafts_and_submitted_visits_are_not_reminded(
    personas, stale_draft, django_capture_on_commit_callbacks
):
    settings = personas.county.settings
    settings.draft_reminder_days = 5  # the county allows longer
    settings.save()
    matrix_submitted_visit(personas)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_stale_drafts() == 0
    assert mail.outbox == []


def test_a_draft_submitted_before_its_reminder_runs_is_skipped(personas, stale_draft):
    stale_draft.submit(personas.inspector_user)
    assert send_draft_reminder(stale_draft.pk) is False
    assert mail.outbox == []


def test_reminders_are_queued_only_after_commit(stale_draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert remind_stale_drafts() == 1
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
