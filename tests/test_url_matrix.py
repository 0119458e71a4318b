"""Every URL of the project, as every role, with real ids from other scopes.

Each named URL pattern is classified once in ``CASES``. A new URL nobody classified fails
``test_every_url_is_classified``. A case names the object it probes (from ``personas``) and the
roles that may reach it; every other logged-in role must get 403 or 404, anonymous a redirect
to the login page (or 403/404 for endpoints that never redirect).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from meetings.ical import new_feed_token
from tests import factories_complaints as complaints
from tests import factories_meetings as meet
from tests import factories_notices as notices
from tests import factories_plaques as plaques
from tests import factories_rectifications as rect
from tests import factories_reports as reports
from tests import factories_visits as visits
from tests.factories import CommitteeMemberFactory

pytestmark = pytest.mark.django_db

LOGGED_IN = frozenset(
    {"principal", "inspector", "committee", "other_office", "office", "superuser", "region"}
)
# Who reads the whole county: a region user (西宁市) reads it like the committee, changing nothing.
COUNTY_STAFF = frozenset({"committee", "office", "superuser", "region"})
OFFICE = frozenset({"office", "superuser"})
# Pages about the user's own county, without an object id: every office answers 200.
ANY_OFFICE = OFFICE | {"other_office"}
# County-wide pages the committee reads too.
COUNTY_PAGES = COUNTY_STAFF | {"other_office"}
EVERYONE = LOGGED_IN | {"anonymous"}
# A draft: its inspector (and a superuser); nobody else opens it.
DRAFT_AUTHORS = frozenset({"inspector", "superuser"})


def _with_photo(inspector):
    """Give the probed inspector a real photo file, so allowed roles get 200."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    inspector.photo.save("matrix.png", ContentFile(buffer.getvalue()))
    return inspector


def _notice(personas) -> dict:
    return {"pk": notices.matrix_notice(personas).pk}


# A notice's recipient (the principal) and the office of its county.
NOTICE_READERS = frozenset({"principal"}) | OFFICE


def _member(personas):
    return CommitteeMemberFactory(county=personas.county)


def _pk(obj) -> dict:
    return {"pk": obj.pk}


# A meeting's invitees (the persona inspector and principal) and who sees all of the county.
INVITEES = frozenset({"inspector", "principal"})
MEETING_READERS = INVITEES | OFFICE


@dataclass(frozen=True)
class Case:
    allowed: frozenset[str]
    kwargs: Callable = field(default=lambda p: {})
    method: str = "get"
    # Status an allowed role gets (a redirect for actions that finish elsewhere).
    ok_status: int = 200
    # Exceptions per role, e.g. the login page sends logged-in users home.
    status_for: dict = field(default_factory=dict)


CASES: dict[str, Case | None] = {
    # None: not probed here, with the reason beside it.
    "home": Case(LOGGED_IN),
    "healthz": Case(EVERYONE),
    "favicon": Case(EVERYONE, ok_status=302),
    "login": Case(EVERYONE, status_for=dict.fromkeys(LOGGED_IN, 302)),
    "logout": Case(EVERYONE, method="post", ok_status=302),
    "password_change": Case(LOGGED_IN),
    "set_language": None,  # Django's own view, open to everyone by design
    # accounts: the office manages its county's logins (probing the principal of school A)
    "accounts:user_list": Case(ANY_OFFICE),
    "accounts:user_detail": Case(OFFICE, kwargs=lambda p: {"pk": p.principal.pk}),
    "accounts:reissue_unused_passwords": Case(ANY_OFFICE, method="post", ok_status=302),
    "accounts:user_reset_password": Case(
        OFFICE, kwargs=lambda p: {"pk": p.principal.pk}, method="post", ok_status=302
    ),
    "accounts:user_unlock": Case(
        OFFICE, kwargs=lambda p: {"pk": p.principal.pk}, method="post", ok_status=302
    ),
    "accounts:user_deactivate": Case(
        OFFICE, kwargs=lambda p: {"pk": p.principal.pk}, method="post", ok_status=302
    ),
    "accounts:user_reactivate": Case(
        OFFICE, kwargs=lambda p: {"pk": p.principal.pk}, method="post", ok_status=302
    ),
    "accounts:create_inspector_login": Case(ANY_OFFICE),
    "accounts:create_principal_login": Case(ANY_OFFICE),
    "accounts:create_staff_login": Case(ANY_OFFICE),
    "accounts:create_missing_logins": Case(ANY_OFFICE),
    "accounts:one_time_passwords": Case(ANY_OFFICE),
    "accounts:change_principal": Case(OFFICE, kwargs=lambda p: {"pk": p.school_a.pk}),
    # schools: the registry (school_b is the inspector's; the principal has school_a)
    "schools:school_list": Case(COUNTY_PAGES | {"inspector"}),
    "schools:school_create": Case(ANY_OFFICE),
    "schools:school_detail": Case(
        COUNTY_STAFF | {"inspector"}, kwargs=lambda p: {"pk": p.school_b.pk}
    ),
    "schools:school_edit": Case(OFFICE, kwargs=lambda p: {"pk": p.school_a.pk}),
    "schools:coverage": Case(COUNTY_PAGES),
    "schools:county_settings": Case(COUNTY_PAGES),  # the committee reads, the office edits
    # schools: the county's departments (the office keeps them, the committee reads them)
    "schools:department_list": Case(COUNTY_PAGES),
    "schools:department_create": Case(ANY_OFFICE),
    "schools:department_edit": Case(OFFICE, kwargs=lambda p: _pk(meet.department(p))),
    "schools:department_set_active": Case(
        OFFICE, kwargs=lambda p: _pk(meet.department(p)), method="post", ok_status=302
    ),
    "schools:department_delete": Case(OFFICE, kwargs=lambda p: _pk(meet.department(p))),
    # schools: importing from .xlsx (each office into its own county)
    "schools:import": Case(ANY_OFFICE),
    "schools:import_template": Case(ANY_OFFICE, kwargs=lambda p: {"kind": "schools"}),
    # Nothing issued in this session: back to the import page.
    "schools:import_passwords": Case(ANY_OFFICE, ok_status=302),
    # inspectors: the registry of inspectors and their assignments
    "inspectors:inspector_list": Case(COUNTY_PAGES),
    "inspectors:inspector_create": Case(ANY_OFFICE),
    "inspectors:inspector_detail": Case(
        COUNTY_STAFF | {"inspector"}, kwargs=lambda p: {"pk": p.inspector.pk}
    ),
    "inspectors:inspector_edit": Case(OFFICE, kwargs=lambda p: {"pk": p.inspector.pk}),
    "inspectors:inspector_photo": Case(
        COUNTY_STAFF | {"inspector"}, kwargs=lambda p: {"pk": _with_photo(p.inspector).pk}
    ),
    "inspectors:assignment_create": Case(ANY_OFFICE),
    "inspectors:assignment_end": Case(
        OFFICE, kwargs=lambda p: {"pk": p.inspector.assignments.get().pk}
    ),
    # meetings: the supervision committee
    "meetings:committee": Case(COUNTY_PAGES),
    "meetings:member_create": Case(ANY_OFFICE),
    "meetings:member_edit": Case(OFFICE, kwargs=lambda p: {"pk": _member(p).pk}),
    "meetings:member_end": Case(OFFICE, kwargs=lambda p: {"pk": _member(p).pk}),
    # meetings: the probed meeting invites the persona inspector and principal (not the
    # committee member: an inspectors' meeting); the office and superusers see all of a county.
    "meetings:meeting_list": Case(LOGGED_IN),
    "meetings:meeting_create": Case(ANY_OFFICE),
    "meetings:meeting_detail": Case(MEETING_READERS, kwargs=lambda p: _pk(meet.matrix_meeting(p))),
    "meetings:meeting_edit": Case(OFFICE, kwargs=lambda p: _pk(meet.matrix_meeting(p))),
    "meetings:meeting_move": Case(OFFICE, kwargs=lambda p: _pk(meet.matrix_meeting(p))),
    "meetings:meeting_cancel": Case(OFFICE, kwargs=lambda p: _pk(meet.matrix_meeting(p))),
    "meetings:meeting_invite": Case(OFFICE, kwargs=lambda p: _pk(meet.matrix_meeting(p))),
    # An empty answer: back to the meeting page with the error, nothing recorded.
    "meetings:meeting_respond": Case(
        INVITEES, kwargs=lambda p: _pk(meet.matrix_meeting(p)), method="post", ok_status=302
    ),
    "meetings:meeting_attendance": Case(
        OFFICE, kwargs=lambda p: _pk(meet.matrix_ongoing(p)), method="post", ok_status=302
    ),
    "meetings:meeting_minutes": Case(
        OFFICE, kwargs=lambda p: _pk(meet.matrix_ongoing(p)), method="post", ok_status=302
    ),
    "meetings:meeting_file_upload": Case(
        OFFICE, kwargs=lambda p: _pk(meet.matrix_meeting(p)), method="post", ok_status=302
    ),
    # An empty decision: the form comes back with its errors.
    "meetings:decision_add": Case(
        OFFICE, kwargs=lambda p: _pk(meet.matrix_ongoing(p)), method="post", ok_status=400
    ),
    "meetings:sign_in_screen": Case(OFFICE, kwargs=lambda p: _pk(meet.matrix_ongoing(p))),
    "meetings:sign_in_code": Case(OFFICE, kwargs=lambda p: _pk(meet.matrix_ongoing(p))),
    # Seeing the meeting is enough to open the page; it says who may not sign in and why.
    "meetings:sign_in": Case(
        MEETING_READERS,
        kwargs=lambda p: {"pk": meet.matrix_ongoing(p).pk, "token": "0" * 24},
    ),
    "meetings:meeting_print": Case(
        MEETING_READERS, kwargs=lambda p: {"pk": meet.matrix_meeting(p).pk, "document": "notice"}
    ),
    # A past meeting's guest: the office is told the list stays; nothing is removed.
    "meetings:invitee_remove": Case(
        OFFICE, kwargs=lambda p: _pk(meet.matrix_past_invitee(p)), method="post", ok_status=302
    ),
    "meetings:meeting_file": Case(MEETING_READERS, kwargs=lambda p: _pk(meet.matrix_file(p))),
    # The office removes the file, so the superuser after it finds none.
    "meetings:meeting_file_delete": Case(
        OFFICE,
        kwargs=lambda p: _pk(meet.matrix_file(p)),
        method="post",
        ok_status=302,
        status_for={"superuser": 404},
    ),
    "meetings:series_list": Case(ANY_OFFICE),
    "meetings:series_create": Case(ANY_OFFICE),
    "meetings:series_edit": Case(OFFICE, kwargs=lambda p: _pk(meet.matrix_series(p))),
    "meetings:series_generate": Case(
        OFFICE, kwargs=lambda p: _pk(meet.matrix_series(p)), method="post", ok_status=302
    ),
    # meetings: work notices (the probed one is sent to the principal, with a file, asking for
    # a reply) and each user's own calendar feed
    "meetings:notice_list": Case(LOGGED_IN),
    "meetings:notice_create": Case(ANY_OFFICE),
    "meetings:notice_detail": Case(NOTICE_READERS, kwargs=_notice),
    # An empty reply: the principal gets the form back with its error, nothing is saved.
    "meetings:notice_reply": Case(frozenset({"principal"}), kwargs=_notice, method="post"),
    "meetings:notice_remind": Case(OFFICE, kwargs=_notice, method="post", ok_status=302),
    "meetings:notice_withdraw": Case(OFFICE, kwargs=_notice, method="post", ok_status=302),
    "meetings:notice_export": Case(OFFICE, kwargs=_notice),
    "meetings:notice_file": Case(
        NOTICE_READERS, kwargs=lambda p: {"pk": notices.matrix_notice(p).files.get().pk}
    ),
    "meetings:notice_reply_file": Case(
        NOTICE_READERS, kwargs=lambda p: {"pk": notices.matrix_reply_file(p).pk}
    ),
    "meetings:calendar": Case(LOGGED_IN),
    "meetings:calendar_reset": Case(LOGGED_IN, method="post", ok_status=302),
    "meetings:calendar_stop": Case(LOGGED_IN, method="post", ok_status=302),
    # The secret token is the credential: whoever holds it reads the feed, without a login.
    "meetings:calendar_feed": Case(
        EVERYONE, kwargs=lambda p: {"token": new_feed_token(p.principal)}
    ),
    # visits: the persona inspector leads a submitted visit to school A (the principal's) and
    # has a draft at school B (their assigned school). A draft is its authors' working copy: the
    # office lists it but cannot open it (test_visits_drafts).
    "visits:visit_list": Case(COUNTY_STAFF | {"other_office", "inspector"}),
    "visits:visit_export": Case(COUNTY_STAFF | {"other_office"}),
    "visits:service_worker": Case(EVERYONE),  # the offline worker: code only, no data
    "visits:my_schools": Case(frozenset({"inspector", "superuser"})),
    "visits:school_visits": Case(frozenset({"principal", "superuser"})),
    "visits:visit_new": Case(ANY_OFFICE | {"inspector"}),
    "visits:visit_start": Case(
        OFFICE | {"inspector"},
        kwargs=lambda p: {"school_pk": p.school_b.pk},
        method="post",
        ok_status=302,
    ),
    "visits:visit_detail": Case(
        COUNTY_STAFF | {"principal", "inspector"},
        kwargs=lambda p: {"pk": visits.matrix_submitted_visit(p).pk},
    ),
    "visits:visit_print": Case(
        COUNTY_STAFF | {"principal", "inspector"},
        kwargs=lambda p: {"pk": visits.matrix_submitted_visit(p).pk},
    ),
    "visits:visit_edit": Case(
        DRAFT_AUTHORS, kwargs=lambda p: {"pk": visits.matrix_draft_visit(p).pk}
    ),
    "visits:visit_autosave": Case(
        DRAFT_AUTHORS,
        kwargs=lambda p: {"pk": visits.matrix_draft_visit(p).pk},
        method="post",
    ),
    "visits:check_in": Case(
        DRAFT_AUTHORS,
        kwargs=lambda p: {"pk": visits.matrix_draft_visit(p).pk},
        method="post",
    ),
    "visits:co_inspector_search": Case(
        DRAFT_AUTHORS, kwargs=lambda p: {"pk": visits.matrix_draft_visit(p).pk}
    ),
    # The inspector discards the draft first; who else may is in test_visits_permissions.
    "visits:visit_discard": Case(
        frozenset({"inspector"}),
        kwargs=lambda p: {"pk": visits.matrix_draft_visit(p).pk},
        method="post",
        ok_status=302,
    ),
    "visits:visit_read": Case(
        frozenset({"principal"}),
        kwargs=lambda p: {"pk": visits.matrix_submitted_visit(p).pk},
        method="post",
        ok_status=302,
    ),
    "visits:visit_reply": Case(
        frozenset({"principal"}),
        kwargs=lambda p: {"pk": visits.matrix_submitted_visit(p).pk},
        method="post",
        ok_status=302,
    ),
    "visits:visit_amend": Case(
        OFFICE | {"inspector"},
        kwargs=lambda p: {"pk": visits.matrix_submitted_visit(p).pk},
        method="post",
        ok_status=302,
    ),
    # Without a file the upload form goes back to the record with a message.
    "visits:photo_upload": Case(
        DRAFT_AUTHORS,
        kwargs=lambda p: {"pk": visits.matrix_draft_visit(p).pk},
        method="post",
        ok_status=302,
    ),
    # The inspector deletes the photo first; who else may is in test_visits_permissions.
    "visits:photo_delete": Case(
        frozenset({"inspector"}),
        kwargs=lambda p: {"pk": visits.matrix_draft_photo(p).pk},
        method="post",
        ok_status=302,
    ),
    "visits:photo_file": Case(
        COUNTY_STAFF | {"principal", "inspector"},
        kwargs=lambda p: {"pk": visits.matrix_submitted_photo(p).pk, "variant": "thumb"},
    ),
    "visits:attachment_file": Case(
        COUNTY_STAFF | {"principal", "inspector"},
        kwargs=lambda p: {"pk": visits.matrix_submitted_pdf(p).pk},
    ),
    # rectifications: the office board, to-do lists, items of school A, notices
    "rectifications:board": Case(COUNTY_STAFF | {"other_office"}),
    "rectifications:export": Case(COUNTY_STAFF | {"other_office"}),
    "rectifications:summary": Case(COUNTY_STAFF | {"other_office"}),
    "rectifications:our_items": Case(frozenset({"principal", "superuser"})),
    "rectifications:my_items": Case(frozenset({"inspector", "superuser"})),
    "rectifications:create": Case(frozenset({"inspector", "office", "other_office", "superuser"})),
    "rectifications:item": Case(
        COUNTY_STAFF | {"principal"}, kwargs=lambda p: {"pk": rect.matrix_item(p).pk}
    ),
    # An empty plan: the principal gets the form back with errors, nothing changes.
    "rectifications:item_action": Case(
        frozenset({"principal"}),
        kwargs=lambda p: {"pk": rect.matrix_item(p).pk, "action": "plan_submitted"},
        method="post",
    ),
    "rectifications:evidence": Case(
        COUNTY_STAFF | {"principal"}, kwargs=lambda p: {"pk": rect.matrix_evidence(p).pk}
    ),
    "rectifications:evidence_thumbnail": Case(
        COUNTY_STAFF | {"principal"}, kwargs=lambda p: {"pk": rect.matrix_evidence(p).pk}
    ),
    "rectifications:notice_list": Case(LOGGED_IN),
    "rectifications:notice_create": Case(OFFICE, kwargs=lambda p: {"school_pk": p.school_a.pk}),
    "rectifications:notice": Case(
        COUNTY_STAFF | {"principal"}, kwargs=lambda p: {"pk": rect.matrix_notice(p).pk}
    ),
    "rectifications:notice_acknowledge": Case(
        frozenset({"principal"}),
        kwargs=lambda p: {"pk": rect.matrix_notice(p).pk},
        method="post",
        ok_status=302,
    ),
    # plaques (公示牌): the office manages them, the committee reads them; school B's plaque
    "inspectors:assignment_make_lead": Case(
        OFFICE,
        kwargs=lambda p: {"pk": p.inspector.assignments.get().pk},
        method="post",
        ok_status=302,
    ),
    "inspectors:plaque_list": Case(COUNTY_PAGES),
    "inspectors:plaque": Case(COUNTY_STAFF, kwargs=lambda p: {"school_pk": p.school_b.pk}),
    "inspectors:plaque_issue": Case(
        OFFICE, kwargs=lambda p: {"school_pk": p.school_b.pk}, method="post", ok_status=302
    ),
    "inspectors:plaque_print": Case(
        COUNTY_STAFF,
        kwargs=lambda p: {"school_pk": plaques.matrix_plaque(p).school_id, "size": "a4"},
    ),
    "inspectors:plaque_issue_township": Case(
        OFFICE,
        kwargs=lambda p: {"township_pk": p.school_b.township_id},
        method="post",
        ok_status=302,
    ),
    "inspectors:plaque_print_township": Case(
        COUNTY_STAFF, kwargs=lambda p: {"township_pk": p.school_b.township_id, "size": "a3"}
    ),
    "inspectors:posting_create": Case(
        OFFICE, kwargs=lambda p: {"school_pk": plaques.matrix_plaque(p).school_id}
    ),
    "inspectors:posting_photo": Case(
        COUNTY_STAFF, kwargs=lambda p: {"pk": plaques.matrix_posting(p).pk, "variant": "thumb"}
    ),
    # complaints: a new submission about school B, assigned to its lead, the persona inspector.
    # Its text, name, phone and photo: the office and that inspector only.
    "complaints:list": Case(LOGGED_IN),
    "complaints:create": Case(ANY_OFFICE),
    "complaints:export": Case(COUNTY_PAGES),
    "complaints:detail": Case(
        COUNTY_STAFF | {"inspector"}, kwargs=lambda p: _pk(complaints.matrix_submission(p))
    ),
    # An empty answer: the case page comes back with the errors, nothing changes.
    "complaints:step": Case(
        OFFICE | {"inspector"},
        kwargs=lambda p: {"pk": complaints.matrix_submission(p).pk, "action": "answer"},
        method="post",
        ok_status=400,
    ),
    "complaints:photo": Case(
        OFFICE | {"inspector"},
        kwargs=lambda p: {"pk": complaints.matrix_submission(p).pk, "variant": "full"},
    ),
    "complaints:print": Case(
        OFFICE | {"inspector"}, kwargs=lambda p: _pk(complaints.matrix_submission(p))
    ),
    "complaints:announcements": Case(COUNTY_PAGES),
    "complaints:announcement_create": Case(ANY_OFFICE),
    "complaints:announcement_edit": Case(
        OFFICE, kwargs=lambda p: _pk(complaints.matrix_announcement(p))
    ),
    "complaints:public_settings": Case(ANY_OFFICE),
    # public: open to everyone without a login (the plaque's QR code, the county's page)
    "public:school": Case(EVERYONE, kwargs=lambda p: {"slug": plaques.matrix_plaque(p).slug}),
    "public:thumbnail": Case(EVERYONE, kwargs=complaints.matrix_thumbnail),
    "public:county": Case(EVERYONE, kwargs=lambda p: {"code": p.county.code}),
    "public:track": Case(EVERYONE, kwargs=lambda p: {"code": p.county.code}),
    # notifications: everyone has their own; the probed one is the principal's
    "notifications:list": Case(LOGGED_IN),
    "notifications:read": Case(
        frozenset({"principal"}),
        kwargs=lambda p: {"pk": rect.matrix_notification(p).pk},
        method="post",
        ok_status=302,
    ),
    "notifications:read_all": Case(LOGGED_IN, method="post", ok_status=302),
}

CASES |= {
    # reports: county figures for county staff; a region user reads its counties' (read-only)
    "reports:dashboard": Case(COUNTY_PAGES),
    "reports:records": Case(COUNTY_PAGES),
    "reports:region": Case(frozenset({"region", "superuser"})),
    "reports:my_page": Case(frozenset({"inspector"})),
    "reports:school_page": Case(frozenset({"principal"})),
    "reports:monthly_list": Case(COUNTY_PAGES),
    "reports:monthly_detail": Case(COUNTY_STAFF, kwargs=lambda p: _pk(reports.matrix_report(p))),
    "reports:monthly_status": Case(COUNTY_STAFF, kwargs=lambda p: _pk(reports.matrix_report(p))),
    "reports:monthly_download": Case(COUNTY_STAFF, kwargs=lambda p: _pk(reports.matrix_report(p))),
    "reports:summary": Case(COUNTY_PAGES),
    # School A's archive: its principal too; the persona inspector is not assigned to it.
    "reports:archive": Case(COUNTY_STAFF | {"principal"}, kwargs=lambda p: _pk(p.school_a)),
    "reports:archive_xlsx": Case(COUNTY_STAFF | {"principal"}, kwargs=lambda p: _pk(p.school_a)),
    "reports:assessment": Case(COUNTY_PAGES),
    "reports:assessment_export": Case(COUNTY_PAGES),
    "reports:assessment_detail": Case(COUNTY_STAFF, kwargs=lambda p: _pk(p.inspector)),
    "reports:assessment_records": Case(
        COUNTY_STAFF, kwargs=lambda p: {"pk": p.inspector.pk, "part": "rectifications"}
    ),
    "reports:export": Case(COUNTY_PAGES, kwargs=lambda p: {"kind": "visits"}),
    # An export is its requester's own (the persona office's).
    "reports:export_job": Case(
        frozenset({"office"}), kwargs=lambda p: _pk(reports.matrix_export(p))
    ),
    "reports:export_status": Case(
        frozenset({"office"}), kwargs=lambda p: _pk(reports.matrix_export(p))
    ),
    "reports:export_download": Case(
        frozenset({"office"}), kwargs=lambda p: _pk(reports.matrix_export(p))
    ),
}

IGNORED_PREFIXES = ("admin:",)  # Django admin guards itself with is_staff


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_is_classified():
    names = {n for n in _named_patterns() if not n.startswith(IGNORED_PREFIXES)}
    unclassified = sorted(names - set(CASES))
    assert not unclassified, f"classify these URLs in CASES: {unclassified}"


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c is not None))
def test_url_by_role(client, personas, name):
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(personas))
    for role, user in personas.by_role().items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = getattr(client, case.method)(url)
        status = response.status_code
        if role in case.allowed:
            expected = case.status_for.get(role, case.ok_status)
            assert status == expected, f"{name} as {role}: {status}"
        elif role == "anonymous":
            assert status in (302, 403, 404), f"{name} as anonymous: {status}"
            if status == 302:
                assert response["Location"].startswith(reverse("login")), name
        else:
            assert status in (403, 404), f"{name} as {role}: {status}"
