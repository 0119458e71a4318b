"""A small county month whose report figures are worked out by hand (see ``october``)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from complaints.models import Category, Channel, Submission, SubmissionState
from inspectors.models import InspectorKind
from inspectors.services import issue_plaques, record_posting
from meetings.models import (
    Attendance,
    Invitee,
    InviteeGroup,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Notice,
    NoticeRecipient,
)
from rectifications.models import OwnerLevel, RectificationItem, RectificationState, SourceKind
from reports.periods import Period
from tests import factories
from tests.factories_visits import submitted_visit
from visits.models import SHANGHAI, VisitKind

# The day the figures are counted on: early November, October is the last full month.
TODAY = datetime.date(2026, 11, 5)
OCTOBER = Period.month(2026, 10)


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), SHANGHAI
    )


def freeze_clock(monkeypatch, day: datetime.date = TODAY) -> None:
    """Set the clock to ``day`` 10:00 in 西宁 for the rest of the test, still ticking.

    The fixture's figures (last full month, overdue deadlines, current plaques) are worked out
    for ``TODAY``; pages and tasks read ``timezone.now()``/``localdate()``, so without this the
    tests would change their answers as the real calendar moves on. ``localdate`` and
    ``localtime`` call ``timezone.now`` from the module, so patching it moves them too.
    """
    real_now = timezone.now
    offset = at(day.isoformat()) - real_now()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)


@dataclass
class October:
    """What the fixture holds, for the tests to look up."""

    county: object
    township_1: object
    township_2: object
    school_a: object
    school_b: object
    school_c: object
    closed_school: object
    inspector: object
    inspector_2: object
    items: dict


def october(personas) -> October:
    """湟中县 in October 2026 (duty: 1 visit per school a month; October is a school month).

    Schools (open): A and B in 鲁沙尔镇, C in 多巴镇; D in 多巴镇 is closed and never counts.
    Inspectors: 李督学 covers B (from the personas), 王督学 covers C; A has nobody.
      coverage: 3 open schools, 2 with an active inspector, 1 (A) without.
    Visits in October (submitted): B routine ×2 (李), A routine ×1 (李, with 王 along),
      C special ×1 (王: a theme visit, not duty); C routine on 30 Sept (outside).
      visits: 4 of any kind; duty due 3 × 1 = 3; done: A 1 + B min(2, 1) + C 0 = 2;
      not visited: C. A draft at C on 20 October counts nowhere.
    Rectification items:
      1 at A, opened 3 Oct, signed off 13 Oct (10 days)
      2 at B, opened 20 Oct, open, deadline 30 Oct: overdue on 5 Nov
      3 at C, opened 10 Sept, in progress, deadline 1 Dec, escalated to the bureau
      4 at C, opened 5 Oct, signed off 2 Nov (after October)
      opened in October: 1, 2, 4 = 3; signed off in October: 1 = 1; unresolved now: 2, 3 = 2;
      overdue now: 2 = 1; escalated now: 3 = 1; median days to sign off: 10.
      鲁沙尔镇: opened 2, signed off 1, unresolved 1, overdue 1; 多巴镇: opened 1, unresolved 1.
    Meetings: the inspectors' meeting of 9 October (present, late, absent: 2 of 3 attend);
      a committee meeting of 20 October was cancelled.
    Public submissions: B on 10 Oct (due 17th, answered 15th: in time), C on 20 Oct (due 27th,
      answered 30th: late), B on 28 Oct (due 4 Nov, unanswered: overdue), C on 25 Sept (due 9 Oct,
      being verified: overdue): received in October 3, answered in time 1, overdue now 2;
      鲁沙尔镇 received 2, in time 1, overdue 1; 多巴镇 received 1, in time 0, overdue 1.
    Plaques: B's is posted and current, C's issued but not posted: 1 school fully covered.
    Work notices: one sent on 12 October to 李督学 (read it) and the principal (has not): 1 sent,
      1 receipt unread.
    """
    county = personas.county
    township_1 = personas.school_a.township
    township_2 = factories.TownshipFactory(county=county, name="多巴镇")
    school_c = factories.SchoolFactory(county=county, township=township_2, name="多巴镇中心学校")
    closed = factories.SchoolFactory(
        county=county, township=township_2, name="多巴镇旧校区", is_active=False
    )
    inspector_2 = factories.InspectorFactory(
        county=county, name="王督学", kind=InspectorKind.FULL_TIME
    )
    factories.AssignmentFactory(inspector=inspector_2, school=school_c)
    office = personas.office

    def visit(school, inspector, day, kind=VisitKind.ROUTINE, co=()):
        made = submitted_visit(
            school=school,
            inspector=inspector,
            created_by=office,
            kind=kind,
            arrived_at=at(day),
            departed_at=at(day, 12),
            submitted_at=at(day, 16),
        )
        made.co_inspectors.set(co)
        return made

    visit(personas.school_b, personas.inspector, "2026-10-08")
    visit(personas.school_b, personas.inspector, "2026-10-22")
    visit(personas.school_a, personas.inspector, "2026-10-15", co=[inspector_2])
    visit(school_c, inspector_2, "2026-10-16", kind=VisitKind.SPECIAL)
    visit(school_c, inspector_2, "2026-09-30")
    from tests.factories_visits import VisitFactory

    VisitFactory(
        school=school_c, inspector=inspector_2, created_by=office, arrived_at=at("2026-10-20")
    )

    matter = county.supervision_matters.get(number=6)
    canteen = county.supervision_matters.get(number=7)

    def item(
        number,
        school,
        opened,
        deadline,
        state,
        *,
        closed=None,
        owner=OwnerLevel.SCHOOL,
        matter=matter,
        inspector=None,
    ):
        made = RectificationItem.objects.create(
            county=county,
            school=school,
            matter=matter,
            description=f"问题{number}",
            deadline=datetime.date.fromisoformat(deadline),
            state=state,
            owner_level=owner,
            source=SourceKind.SPECIAL,
            responsible_inspector=inspector,
            closed_at=at(closed) if closed else None,
            reported_done_at=at(closed) if closed else None,
            created_by=office,
        )
        RectificationItem.objects.filter(pk=made.pk).update(created_at=at(opened))
        return made

    items = {
        1: item(
            1,
            personas.school_a,
            "2026-10-03",
            "2026-10-20",
            RectificationState.CLOSED,
            closed="2026-10-13",
            inspector=personas.inspector,
        ),
        2: item(
            2,
            personas.school_b,
            "2026-10-20",
            "2026-10-30",
            RectificationState.OPEN,
            inspector=personas.inspector,
            matter=canteen,
        ),
        3: item(
            3,
            school_c,
            "2026-09-10",
            "2026-12-01",
            RectificationState.IN_PROGRESS,
            owner=OwnerLevel.BUREAU,
            inspector=inspector_2,
        ),
        4: item(
            4,
            school_c,
            "2026-10-05",
            "2026-10-30",
            RectificationState.CLOSED,
            closed="2026-11-02",
            inspector=inspector_2,
        ),
    }

    meeting = Meeting.objects.create(
        county=county,
        kind=MeetingKind.INSPECTORS,
        title="十月督学月例会",
        starts_at=at("2026-10-09", 9),
        ends_at=at("2026-10-09", 11),
        place="县教育局",
        created_by=office,
    )
    for user, attendance in (
        (personas.inspector_user, Attendance.PRESENT),
        (personas.principal, Attendance.LATE),
        (personas.committee, Attendance.ABSENT),
    ):
        Invitee.objects.create(
            meeting=meeting,
            user=user,
            name=str(user),
            group=InviteeGroup.PERSON,
            attendance=attendance,
        )
    Meeting.objects.create(
        county=county,
        kind=MeetingKind.COMMITTEE,
        title="督导委员会会议",
        starts_at=at("2026-10-20", 9),
        ends_at=at("2026-10-20", 11),
        place="县政府",
        status=MeetingStatus.CANCELLED,
        cancelled_at=timezone.now(),
        cancel_reason="改期",
        created_by=office,
    )
    # Plaques: B's is posted as today's data prints it; C's is issued but never posted.
    plaque_b, _plaque_c = issue_plaques(schools=[personas.school_b, school_c], today=TODAY)
    record_posting(plaque=plaque_b, posted_on=TODAY, photo=None, note="", actor=office)

    def case(code, school, received, due, inspector, state, answered=None):
        return Submission.objects.create(
            school=school,
            channel=Channel.ONLINE,
            category=Category.COMPLAINT,
            text="食堂饭菜是凉的。",
            tracking_code=code,
            state=state,
            assigned_inspector=inspector,
            received_at=at(received),
            due_on=datetime.date.fromisoformat(due),
            answered_at=at(answered) if answered else None,
            verified_summary="已核实，学校已整改。" if answered else "",
        )

    case(
        "RPTA000001",
        personas.school_b,
        "2026-10-10",
        "2026-10-17",
        personas.inspector,
        SubmissionState.ANSWERED,
        answered="2026-10-15",
    )
    case(
        "RPTA000002",
        school_c,
        "2026-10-20",
        "2026-10-27",
        inspector_2,
        SubmissionState.ANSWERED,
        answered="2026-10-30",
    )
    case(
        "RPTA000003",
        personas.school_b,
        "2026-10-28",
        "2026-11-04",
        personas.inspector,
        SubmissionState.NEW,
    )
    case("RPTA000004", school_c, "2026-09-25", "2026-10-09", inspector_2, SubmissionState.VERIFYING)
    notice = Notice.objects.create(
        county=county,
        title="关于开展秋季开学专项督导的通知",
        body="请各责任督学于十月底前完成开学专项督导。",
        sent_by=office,
        sent_at=at("2026-10-12"),
    )
    NoticeRecipient.objects.create(
        notice=notice, user=personas.inspector_user, read_at=at("2026-10-12", 15)
    )
    NoticeRecipient.objects.create(notice=notice, user=personas.principal)
    return October(
        county=county,
        township_1=township_1,
        township_2=township_2,
        school_a=personas.school_a,
        school_b=personas.school_b,
        school_c=school_c,
        closed_school=closed,
        inspector=personas.inspector,
        inspector_2=inspector_2,
        items=items,
    )


# Objects the URL-by-role matrix probes: a finished report of the persona county, and an
# export the persona office asked for.


def matrix_report(personas):
    from django.core.files.base import ContentFile

    from reports.models import JobState, MonthlyReport

    existing = MonthlyReport.objects.filter(
        county=personas.county, period_start=OCTOBER.start, period_end=OCTOBER.end
    ).first()
    if existing:  # probed again in the same test (every URL of the table in one go)
        return existing
    report = MonthlyReport(
        county=personas.county,
        period_start=OCTOBER.start,
        period_end=OCTOBER.end,
        state=JobState.DONE,
        progress=100,
    )
    report.file.save("report.xlsx", ContentFile(b"PK-not-really"), save=False)
    report.save()
    return report


def matrix_export(personas):
    from django.core.files.base import ContentFile

    from reports.models import ExportJob, ExportKind, JobState

    job = ExportJob(
        kind=ExportKind.VISITS,
        rows=12000,
        filename="督导记录.xlsx",
        requested_by=personas.office,
        state=JobState.DONE,
        progress=100,
    )
    job.file.save("export.xlsx", ContentFile(b"PK-not-really"), save=False)
    job.save()
    return job
