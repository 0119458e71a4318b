"""seed_demo's plaques and public supervision: most schools with a current posted plaque, some
outdated, some without a photo, a few missing; submissions from the QR code and from the office
in every state; the printed logins end with a school's public address and a tracking code.

The demo runs once for this module inside a transaction that is rolled back afterwards.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from complaints.models import Channel, Submission, SubmissionState
from inspectors.models import Assignment
from schools.models import County
from schools.services import coverage_report


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", force=True, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def county(demo_output, db):
    return County.objects.get(code="630122")


def test_plaques_posted_at_most_gates_some_outdated_or_without_photo(county):
    office = User.objects.get(username="office")
    plaques = coverage_report(user=office, county=county, today=timezone.localdate()).plaques
    open_schools = county.schools.filter(is_active=True).count()
    assert plaques.fully_covered >= open_schools * 0.7
    assert 0 < plaques.unposted.total <= open_schools * 0.2
    assert plaques.outdated.total > 0 and plaques.without_photo.total > 0
    leads = Assignment.objects.current().filter(school__county=county, is_lead=True)
    assert (
        leads.count()
        == county.schools.filter(assignments__ended_on__isnull=True).distinct().count()
    )


def test_submissions_from_both_channels_in_every_state(county):
    submissions = Submission.objects.filter(school__county=county)
    assert set(submissions.values_list("state", flat=True)) == set(SubmissionState.values)
    channels = set(submissions.values_list("channel", flat=True))
    assert Channel.ONLINE in channels and channels - {Channel.ONLINE}
    assert submissions.overdue().exists()
    rectifying = submissions.filter(state=SubmissionState.RECTIFYING)
    assert all(case.rectification_item.complaint == case for case in rectifying)
    # The demo inspector and principal find cases on their lists.
    inspector = User.objects.get(username="inspector")
    principal = User.objects.get(username="principal")
    assert Submission.objects.for_user(inspector).unanswered().exists()
    assert Submission.objects.for_user(principal).exists()


def test_printed_logins_include_a_public_address_and_a_tracking_code(demo_output, client, county):
    url = re.search(r"(http://\S+/p/[a-z0-9]{10})\s+公开页面", demo_output).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200
    code = re.search(r"([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}) 演示查询码", demo_output).group(1)
    page = client.post(f"/public/{county.code}/track/", {"code": code}).content.decode()
    assert "已责令学校限期修复围墙" in page
