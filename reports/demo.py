"""Demo step: the region logins, the last full month's reports and a few assessment marks.

Runs after the other steps, so every figure it leads to (dashboards, the monthly report, the
assessment) counts the demo's visits, rectifications, meetings and notices. The monthly reports
are queued like the office's own: the worker compiles them once the demo is committed (at once
without Redis, where tasks run in the process).
"""

from decimal import Decimal

from accounts.models import Role, User
from inspectors.models import Inspector
from reports.models import AssessmentAdjustment, Commendation, MonthlyReport
from reports.periods import last_full_month
from reports.services import request_monthly_report
from schools.demo.logins import _ensure
from schools.models import Region, RegionKind

# Each demo county's city (the region a city's education supervision office reads).
REGIONS = {
    "huangzhong": ("630100", "西宁市", RegionKind.CITY),
    "jintan": ("320400", "常州市", RegionKind.CITY),
}


def seed_reports(ctx) -> None:
    for key, (code, name, kind) in REGIONS.items():
        region, created = Region.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
        ctx.record("市（州）", int(created))
        county = ctx.counties[key]
        if county.region_id is None:
            county.region = region
            county.save(update_fields=["region"])
    xining = Region.objects.get(code="630100")
    _ensure(
        ctx,
        "市级督导（只读）",
        "region",
        role=Role.REGION,
        region=xining,
        display_name="西宁市教育督导室",
    )
    office = User.objects.get(username="office")
    period = last_full_month(ctx.today)
    for county in ctx.counties.values():
        issued = MonthlyReport.objects.filter(
            county=county, period_start=period.start, period_end=period.end
        ).exists()
        if not issued:
            request_monthly_report(county=county, period=period, user=office)
            ctx.record("督导月报（待编制）", 1)
    _assessment_marks(ctx, office)


def _assessment_marks(ctx, office) -> None:
    """One manual adjustment and one commendation in 湟中县, with their reasons, in the year of
    the last full month (on 1 January the demo's records all lie in the year just ended)."""
    county = ctx.counties["huangzhong"]
    year = last_full_month(ctx.today).start.year
    inspectors = list(Inspector.objects.filter(county=county).responsible().order_by("phone")[:2])
    if len(inspectors) < 2:
        return
    adjusted, commended = inspectors
    if not AssessmentAdjustment.objects.filter(county=county, year=year).exists():
        AssessmentAdjustment.objects.create(
            county=county,
            year=year,
            inspector=adjusted,
            points=Decimal("2.0"),
            reason="承担全县校园安全专项督导的组织工作，另计加分。",
            created_by=office,
        )
        ctx.record("考核调整", 1)
    _commendation, created = Commendation.objects.get_or_create(
        county=county,
        year=year,
        inspector=commended,
        defaults={"note": "全年督导记录按时提交，整改跟踪到位。", "created_by": office},
    )
    ctx.record("表彰优秀督学", int(created))
