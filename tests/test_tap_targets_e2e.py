"""On a 375-px phone every tap target of the inspector's and the principal's pages is at least
44 x 44 CSS px: links, buttons, fields, and check boxes or radio buttons with their labels."""

import pytest
from django.urls import reverse

from tests import factories_rectifications, factories_visits
from tests.e2e import login, small_tap_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMUM = 44


def assert_big_enough(page, live_server, paths):
    failures = {}
    for path in paths:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if small := small_tap_targets(page, MINIMUM):
            failures[path] = small
    assert failures == {}, failures
    assert page.csp_violations == []


def submitted_with_a_problem(personas):
    """A submitted visit to school A (the principal's) whose problem became an item."""
    visit = factories_visits.VisitFactory(
        school=personas.school_a, inspector=personas.inspector, created_by=personas.inspector_user
    )
    factories_visits.add_photo(visit, personas.inspector_user)
    matter = visit.school.county.supervision_matters.first()
    visit.problems.create(matter=matter, description="消防通道堆放杂物")
    visit.submit(personas.inspector_user)
    return visit


def test_inspector_pages(personas, live_server, phone_page):
    draft = factories_visits.matrix_draft_visit(personas)  # at school B, the inspector's
    matter = draft.school.county.supervision_matters.first()
    draft.problems.create(matter=matter, description="消防通道堆放杂物")  # a row with its delete
    factories_visits.add_photo(draft, personas.inspector_user)
    submitted = submitted_with_a_problem(personas)
    to_verify = factories_rectifications.make_item(
        personas, responsible_inspector=personas.inspector
    )
    to_verify.submit_plan(personas.principal, "整改方案")
    to_verify.report_done(personas.principal, "已整改", [factories_rectifications.photo()])
    login(phone_page, live_server, personas.inspector_user.username)
    assert_big_enough(
        phone_page,
        live_server,
        [
            reverse("home"),
            reverse("visits:my_schools"),
            reverse("visits:visit_new"),
            reverse("visits:visit_list"),
            reverse("visits:visit_edit", args=[draft.pk]),
            reverse("visits:visit_detail", args=[submitted.pk]),
            reverse("rectifications:my_items"),
            reverse("rectifications:item", args=[to_verify.pk]),
            reverse("rectifications:notice_list"),
            reverse("schools:school_detail", args=[personas.school_b.pk]),
            reverse("meetings:meeting_list"),
            reverse("meetings:notice_list"),
            reverse("notifications:list"),
            reverse("password_change"),
        ],
    )


def test_principal_pages(personas, live_server, phone_page):
    submitted = submitted_with_a_problem(personas)
    open_item = factories_rectifications.make_item(personas)
    in_progress = factories_rectifications.make_item(personas)
    in_progress.submit_plan(personas.principal, "整改方案")
    notice = factories_rectifications.matrix_notice(personas)
    factories_rectifications.matrix_notification(personas)
    login(phone_page, live_server, personas.principal.username)
    assert_big_enough(
        phone_page,
        live_server,
        [
            reverse("home"),
            reverse("visits:school_visits"),
            reverse("visits:visit_detail", args=[submitted.pk]),
            reverse("rectifications:our_items"),
            reverse("rectifications:item", args=[open_item.pk]),
            reverse("rectifications:item", args=[in_progress.pk]),
            reverse("rectifications:notice", args=[notice.pk]),
            reverse("schools:school_detail", args=[personas.school_a.pk]),
            reverse("meetings:meeting_list"),
            reverse("meetings:notice_list"),
            reverse("notifications:list"),
        ],
    )
