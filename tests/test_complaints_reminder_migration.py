"""The migration that turns ``Submission.overdue_reminded_at`` into claim rows keeps the cases
reminded before it from being reminded again for the same due day (transaction=True: it
migrates the complaints app back and forward)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from complaints.models import OverdueReminder
from complaints.tasks import remind_overdue_submissions

BEFORE = ("complaints", "0002_resend_by_content")


@pytest.mark.django_db(transaction=True)
def test_cases_reminded_before_the_claim_rows_are_not_reminded_again(personas):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE])
    old_apps = executor.loader.project_state([BEFORE]).apps
    OldSubmission = old_apps.get_model("complaints", "Submission")
    due_on = timezone.localdate() - datetime.timedelta(days=3)
    reminded_at = timezone.now() - datetime.timedelta(days=1)

    def old_case(code, reminded):
        return OldSubmission.objects.create(
            school_id=personas.school_b.pk,
            channel="online",
            category="complaint",
            text="旧的逾期反映",
            tracking_code=code,
            due_on=due_on,
            assigned_inspector_id=personas.inspector.pk,
            overdue_reminded_at=reminded,
        ).pk

    reminded = old_case("ABCDEFGHJKLM", reminded_at)
    not_yet = old_case("MLKJHGFEDCBA", None)

    MigrationExecutor(connection).migrate(latest)
    (claim,) = OverdueReminder.objects.all()
    assert (claim.submission_id, claim.inspector_id, claim.due_on) == (
        reminded,
        personas.inspector.pk,
        due_on,
    )
    assert claim.claimed_at == reminded_at
    assert remind_overdue_submissions() == 1
    assert OverdueReminder.objects.get(submission_id=not_yet).due_on == due_on
