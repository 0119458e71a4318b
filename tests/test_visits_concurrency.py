"""Two taps on "submit" at once, or an autosave racing the submission: the row lock lets the
record be submitted once, with one rectification item per problem."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from rectifications.models import RectificationItem
from tests.concurrency import race, slow_down_saves
from tests.factories_visits import matrix_draft_visit
from visits.models import Visit, VisitEvent, VisitProblem
from visits.services import VisitNotEditable

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_problem_saves(monkeypatch):
    """Widen the window inside the submission, as a slow request would."""
    slow_down_saves(monkeypatch, VisitProblem)


def test_two_submissions_at_once_submit_once(personas, slow_problem_saves):
    draft = matrix_draft_visit(personas)
    VisitProblem.objects.create(
        visit=draft,
        matter=personas.county.supervision_matters.get(number=6),
        description="消防通道堆放杂物",
    )
    copies = [Visit.objects.get(pk=draft.pk) for _n in range(2)]

    outcomes = race(
        *[(lambda c=copy: c.submit(personas.inspector_user)) for copy in copies],
        refused=(ValidationError, VisitNotEditable),
    )

    assert sorted(outcomes) == ["done", "refused"]
    assert RectificationItem.objects.filter(visit=draft).count() == 1
    assert draft.events.filter(action=VisitEvent.Action.SUBMITTED).count() == 1


def test_an_autosave_racing_the_submission_never_changes_the_submitted_record(
    personas, slow_problem_saves
):
    draft = matrix_draft_visit(personas)
    VisitProblem.objects.create(
        visit=draft,
        matter=personas.county.supervision_matters.get(number=6),
        description="消防通道堆放杂物",
    )
    phone = Client()
    phone.force_login(personas.inspector_user)

    def autosave():
        url = reverse("visits:visit_autosave", args=[draft.pk])
        response = phone.post(url, {"highlights": "迟到的自动保存"})
        if response.status_code == 409:
            raise VisitNotEditable
        assert response.status_code == 200

    outcomes = race(
        lambda: Visit.objects.get(pk=draft.pk).submit(personas.inspector_user),
        autosave,
        refused=(ValidationError, VisitNotEditable),
    )

    draft.refresh_from_db()
    assert outcomes[0] == "done"
    # Either the autosave got the lock first and was submitted with the record, or it came
    # second and was refused: the submitted record is never changed afterwards.
    saved_first = outcomes[1] == "done"
    assert (draft.highlights == "迟到的自动保存") is saved_first
    assert RectificationItem.objects.filter(visit=draft).count() == 1
