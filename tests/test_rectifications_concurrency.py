"""Two people act on one item at the same moment: the row lock lets exactly one step through."""

import pytest
from django.utils import timezone

from rectifications.models import (
    RectificationEvent,
    RectificationItem,
    RectificationState,
    TransitionError,
)
from tests import factories
from tests.concurrency import race, slow_down_saves
from tests.factories_rectifications import make_item

S = RectificationState


@pytest.fixture
def slow_saves(monkeypatch):
    """Widen the window between reading the state and saving it, as a slow request would."""
    slow_down_saves(monkeypatch, RectificationItem)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_verify_and_return_at_once_only_one_wins(personas, slow_saves):
    second_inspector = factories.InspectorFactory(county=personas.county)
    factories.AssignmentFactory(inspector=second_inspector, school=personas.school_a)
    colleague = factories.UserFactory(
        username="colleague", county=personas.county, role="inspector", inspector=second_inspector
    )
    item = make_item(personas, responsible_inspector=personas.inspector)
    RectificationItem.objects.filter(pk=item.pk).update(
        state=S.AWAITING_VERIFICATION, reported_done_at=timezone.now()
    )
    first = RectificationItem.objects.get(pk=item.pk)
    second = RectificationItem.objects.get(pk=item.pk)

    outcomes = race(
        lambda: first.verify(personas.inspector_user, "合格"),
        lambda: second.return_to_school(colleague, "不合格"),
        refused=(TransitionError,),
    )

    assert sorted(outcomes) == ["done", "refused"]
    item.refresh_from_db()
    steps = RectificationEvent.objects.filter(item=item, from_state=S.AWAITING_VERIFICATION)
    assert steps.count() == 1
    assert item.state == steps.get().to_state


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_completion_reports_at_once_record_one(personas, slow_saves):
    from tests.factories_rectifications import photo

    item = make_item(personas)
    item.submit_plan(personas.principal, "方案")
    copies = [RectificationItem.objects.get(pk=item.pk) for _n in range(2)]
    photos = [photo(), photo()]
    outcomes = race(
        *[
            (lambda copy=copy, shot=shot: copy.report_done(personas.principal, "已整改", [shot]))
            for copy, shot in zip(copies, photos, strict=True)
        ],
        refused=(TransitionError,),
    )
    assert sorted(outcomes) == ["done", "refused"]
    item.refresh_from_db()
    assert item.state == S.AWAITING_VERIFICATION
    assert item.events.filter(to_state=S.AWAITING_VERIFICATION).count() == 1
