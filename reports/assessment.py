"""The yearly assessment of inspectors (动态考核), from the records the app holds.

Each part is a count of done against a count expected, from records:

- visits: duty visits done against due at the inspector's schools (``reports.duty``);
- records on time: visits they led submitted within the county's reminder period;
- rectifications: items they are responsible for, due in the year (deadline passed) or signed
  off, that are signed off;
- meetings: meetings held in the year they were invited to and expected at (not excused in
  advance), where the office recorded them present or late;
- complaints: public submissions assigned to them that fell due in the year (or were answered
  in it), answered by their due day;
- notices: work notices sent to them in the year (not withdrawn) that they opened.

The score is the weighted mean of the parts' rates (weights are county settings) × 100; a part
with nothing expected of the inspector is left out and the other weights count in its place.
The office's manual adjustments (with reasons, never edited) are added; the table is ranked.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from complaints.models import ANSWERED_STATES, Submission
from inspectors.models import Inspector
from meetings.models import Attendance, Invitee, Meeting, NoticeRecipient
from rectifications.models import RectificationItem, RectificationState
from reports.duty import inspector_duty
from reports.figures import PRESENT, held_meetings
from reports.models import AssessmentAdjustment, Commendation
from reports.periods import Period

PARTS = [
    ("visits", _("Visits done against due"), "weight_visits"),
    ("records", _("Records submitted on time"), "weight_records"),
    ("rectifications", _("Rectifications followed to closure"), "weight_rectifications"),
    ("complaints", _("Complaints answered in time"), "weight_complaints"),
    ("meetings", _("Meeting attendance"), "weight_meetings"),
    ("notices", _("Notices read"), "weight_notices"),
]
LABELS = {key: label for key, label, _weight in PARTS}


@dataclass
class Part:
    key: str
    label: str
    weight: int
    done: int
    expected: int
    # The records behind the part as (url name, its args, the query), made into an address only
    # when a page shows it: the ranking of three hundred inspectors shows none.
    address: tuple = ()

    @property
    def url(self) -> str:
        if not self.address:
            return ""
        name, args, query = self.address
        return f"{reverse(name, args=args)}?{urlencode(query)}"

    @property
    def rate(self):
        return self.done / self.expected if self.expected else None

    @property
    def counts(self) -> bool:
        return bool(self.expected) and self.weight > 0


@dataclass
class Assessment:
    inspector: Inspector
    parts: list[Part]
    adjustments: list = field(default_factory=list)
    commendation: Commendation | None = None
    rank: int = 0

    @property
    def base_score(self) -> Decimal | None:
        counted = [part for part in self.parts if part.counts]
        weights = sum(part.weight for part in counted)
        if not weights:
            return None
        score = sum(Decimal(part.weight) * Decimal(part.done) / part.expected for part in counted)
        return (score * 100 / weights).quantize(Decimal("0.1"))

    @property
    def adjustment(self) -> Decimal:
        return sum((row.points for row in self.adjustments), Decimal(0))

    @property
    def score(self) -> Decimal | None:
        base = self.base_score
        if base is None:
            return None if not self.adjustments else self.adjustment
        return base + self.adjustment


# The parts whose records the assessment lists itself (visits have the visit list).
LISTED_PARTS = ("rectifications", "complaints", "meetings", "notices")


# What makes an expected record done, per part.
DONE = {
    "rectifications": Q(state=RectificationState.CLOSED),
    "complaints": Q(state__in=ANSWERED_STATES, answered_at__date__lte=F("due_on")),
    "meetings": Q(attendance__in=PRESENT),
    "notices": Q(read_at__isnull=False),
}
# An invitee is expected unless excused in advance (or not recorded yet).
EXPECTED_AT_MEETINGS = Q(attendance__in=(*PRESENT, Attendance.ABSENT))


def expected_records(part: str, county, period: Period, as_of: datetime.date, ids):
    """The records a part counts as expected of the inspectors ``ids`` (the done ones among
    them are counted by ``assess``): one definition for the score and for the list behind it."""
    if part == "rectifications":
        return RectificationItem.objects.filter(
            county=county, responsible_inspector_id__in=ids
        ).filter(
            Q(deadline__gte=period.start, deadline__lt=as_of)
            | Q(
                state=RectificationState.CLOSED,
                closed_at__gte=period.start_at,
                closed_at__lt=period.end_at,
            )
        )
    if part == "complaints":
        return Submission.objects.filter(county=county, assigned_inspector_id__in=ids).filter(
            Q(due_on__gte=period.start, due_on__lt=as_of)
            | Q(
                state__in=ANSWERED_STATES,
                answered_at__gte=period.start_at,
                answered_at__lt=period.end_at,
            )
        )
    if part == "meetings":
        meetings = held_meetings(Meeting.objects.filter(county=county), period)
        return Invitee.objects.filter(meeting__in=meetings, user__inspector__in=ids)
    if part == "notices":
        return NoticeRecipient.objects.filter(
            user__inspector__in=ids,
            notice__county=county,
            notice__withdrawn_at__isnull=True,
            notice__sent_at__gte=period.start_at,
            notice__sent_at__lt=period.end_at,
        )
    raise ValueError(part)


def _records(inspector, year: int, part: str) -> tuple:
    return ("reports:assessment_records", [inspector.pk, part], {"year": year})


def assess(county, year: int, today: datetime.date) -> list[Assessment]:
    """Every responsible inspector of the county for ``year`` (as of ``today``), ranked."""
    period = Period.year(year)
    settings = county.settings
    duties = inspector_duty(county, period, today)
    ids = [row.inspector.pk for row in duties]
    as_of = period.as_of(today)
    items = {
        row["responsible_inspector_id"]: row
        for row in expected_records("rectifications", county, period, as_of, ids)
        .order_by()
        .values("responsible_inspector_id")
        .annotate(
            expected=Count("pk"),
            done=Count("pk", filter=DONE["rectifications"]),
        )
    }
    complaints = {
        row["assigned_inspector_id"]: row
        for row in expected_records("complaints", county, period, as_of, ids)
        .order_by()
        .values("assigned_inspector_id")
        .annotate(
            expected=Count("pk"),
            done=Count("pk", filter=DONE["complaints"]),
        )
    }
    attendance = {
        row["user__inspector"]: row
        for row in expected_records("meetings", county, period, as_of, ids)
        .order_by()
        .values("user__inspector")
        .annotate(
            expected=Count("pk", filter=EXPECTED_AT_MEETINGS),
            done=Count("pk", filter=DONE["meetings"]),
        )
    }
    notices = {
        row["user__inspector"]: row
        for row in expected_records("notices", county, period, as_of, ids)
        .order_by()
        .values("user__inspector")
        .annotate(expected=Count("pk"), done=Count("pk", filter=DONE["notices"]))
    }
    adjustments = {}
    for row in AssessmentAdjustment.objects.filter(county=county, year=year).select_related(
        "created_by"
    ):
        adjustments.setdefault(row.inspector_id, []).append(row)
    commended = {
        row.inspector_id: row for row in Commendation.objects.filter(county=county, year=year)
    }
    first, last = period.start.isoformat(), as_of.isoformat()
    results = []
    for duty in duties:
        inspector = duty.inspector
        item_row = items.get(inspector.pk, {})
        complaint_row = complaints.get(inspector.pk, {})
        meeting_row = attendance.get(inspector.pk, {})
        notice_row = notices.get(inspector.pk, {})
        dates = {"date_from": first, "date_to": last}
        parts = [
            Part(
                "visits",
                LABELS["visits"],
                settings.weight_visits,
                duty.done,
                duty.due,
                ("visits:visit_list", [], {"inspector": inspector.phone, **dates}),
            ),
            Part(
                "records",
                LABELS["records"],
                settings.weight_records,
                duty.on_time,
                duty.led,
                (
                    "visits:visit_list",
                    [],
                    {"inspector": inspector.phone, "status": "submitted", **dates},
                ),
            ),
            Part(
                "rectifications",
                LABELS["rectifications"],
                settings.weight_rectifications,
                item_row.get("done", 0),
                item_row.get("expected", 0),
                _records(inspector, year, "rectifications"),
            ),
            Part(
                "complaints",
                LABELS["complaints"],
                settings.weight_complaints,
                complaint_row.get("done", 0),
                complaint_row.get("expected", 0),
                _records(inspector, year, "complaints"),
            ),
            Part(
                "meetings",
                LABELS["meetings"],
                settings.weight_meetings,
                meeting_row.get("done", 0),
                meeting_row.get("expected", 0),
                _records(inspector, year, "meetings"),
            ),
            Part(
                "notices",
                LABELS["notices"],
                settings.weight_notices,
                notice_row.get("done", 0),
                notice_row.get("expected", 0),
                _records(inspector, year, "notices"),
            ),
        ]
        results.append(
            Assessment(
                inspector=inspector,
                parts=parts,
                adjustments=adjustments.get(inspector.pk, []),
                commendation=commended.get(inspector.pk),
            )
        )
    return rank(results)


def rank(results: list[Assessment]) -> list[Assessment]:
    """Highest score first; equal scores share a rank; no score at all comes last."""
    results.sort(key=lambda row: (row.score is None, -(row.score or 0), row.inspector.name))
    previous, position = None, 0
    for index, row in enumerate(results, start=1):
        if row.score != previous:
            position = index
            previous = row.score
        row.rank = position if row.score is not None else 0
    return results
