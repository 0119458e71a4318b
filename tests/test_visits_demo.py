"""The demo history of visits: months up to today, stable on a second run."""

import datetime

import pytest

from accounts.models import Role
from rectifications.models import RectificationItem
from schools.demo import DemoContext
from tests import factories
from visits.demo import grow_history
from visits.models import SHANGHAI, Visit, VisitPhoto, VisitProblem, VisitStatus, local_month

pytestmark = pytest.mark.django_db


def test_history_reaches_this_month_and_a_second_run_adds_nothing(db):
    # The history is drawn per school code: fixed codes, so the draw does not depend on how
    # many schools earlier tests made.
    county = factories.CountyFactory(code="630188", name="演示县")
    inspector = factories.InspectorFactory(county=county)
    factories.UserFactory(county=county, role=Role.INSPECTOR, inspector=inspector)
    for index in range(12):
        school = factories.SchoolFactory(county=county, code=f"{6301880000 + index}")
        factories.AssignmentFactory(inspector=inspector, school=school)
    ctx = DemoContext(today=datetime.date(2026, 11, 23))

    created = grow_history(county, ctx=ctx, topic="visits/test")

    visits = Visit.objects.filter(school__county=county)
    assert created == visits.count() > 0
    months = {local_month(visit.arrived_at) for visit in visits}
    assert {(2026, 11), (2026, 10)} <= months <= {(2026, m) for m in range(6, 12)}
    latest = max(visit.arrived_at for visit in visits)
    assert latest.date() <= ctx.today
    submitted_problems = VisitProblem.objects.filter(visit__status=VisitStatus.SUBMITTED)
    assert RectificationItem.objects.count() == submitted_problems.count()
    assert not submitted_problems.filter(rectification_item__isnull=True).exists()
    # Recent visits that found problems carry stamped photos; older ones and drafts none.
    photos = VisitPhoto.objects.filter(visit__school__county=county)
    assert photos.exists()
    recent = datetime.datetime(2026, 11, 23, 12, tzinfo=SHANGHAI) - datetime.timedelta(days=45)
    assert all(photo.visit.arrived_at >= recent and photo.visit.problems_text for photo in photos)
    assert not photos.exclude(visit__status=VisitStatus.SUBMITTED).exists()
    photo_count = photos.count()

    assert grow_history(county, ctx=ctx, topic="visits/test") == 0
    assert photos.count() == photo_count  # a second run adds no photos either
    before = set(visits.values_list("pk", flat=True))
    # Four weeks later the history grows by the days that have passed since.
    later = DemoContext(today=datetime.date(2026, 12, 20))
    grow_history(county, ctx=later, topic="visits/test")
    new = Visit.objects.filter(school__county=county).exclude(pk__in=before)
    assert new.exists()
    # The first run planned up to noon of its demo day: that afternoon's visits come now.
    first_run_noon = datetime.datetime(2026, 11, 23, 12, tzinfo=SHANGHAI)
    assert all(first_run_noon < visit.arrived_at for visit in new)
