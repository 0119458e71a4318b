"""Demo step: each school's lead inspector, plaques issued and posted at most school gates.

Most open schools have a current posted plaque with a photo; some postings have no photo, some
plaques are outdated (an inspector's phone changed after printing), a few schools have no plaque
yet. The counties get a complaint phone and the office's contacts. Only schools whose plaque has
no posting are touched, so a second run changes nothing.
"""

import datetime

from django.db.models import Exists, OuterRef

from accounts.models import Role, User
from inspectors.models import Assignment, Plaque, PlaquePosting
from inspectors.plaques import statuses
from inspectors.services import issue_plaques
from schools.demo.pictures import made_up_photo
from schools.models import School

CONTACTS = {
    "huangzhong": {
        "complaint_phone": "0971-0000-123",
        "office_phone": "0971-0000-120",
        "office_address": "湟中区鲁沙尔镇教育园区督导室（示例地址）",
        "office_email": "dudao@huangzhong.example.cn",
    },
    "jintan": {
        "complaint_phone": "0519-0000-321",
        "office_phone": "0519-0000-320",
        "office_address": "金坛区教育局督导室（示例地址）",
        "office_email": "dudao@jintan.example.cn",
    },
}
WITHOUT_PLAQUE = 0.04  # schools still waiting for their plaque
UNPOSTED = 0.06  # issued and printed, not posted yet
WITHOUT_PHOTO = 0.12  # posted, but nobody photographed it
OUTDATED = 0.1  # posted, then an inspector's phone changed


def seed_plaques(ctx) -> None:
    """Demo step registered in ``schools.demo.DEMO_STEPS``."""
    for key, county in ctx.counties.items():
        _contacts(county, CONTACTS.get(key, {}))
        ctx.record("牵头督学", _pick_leads(county))
        ctx.record("公示牌张贴记录", _post(ctx, county))


def _contacts(county, contacts: dict) -> None:
    changed = [name for name, value in contacts.items() if not getattr(county, name)]
    for name in changed:
        setattr(county, name, contacts[name])
    if changed:
        county.save(update_fields=changed)


def _pick_leads(county) -> int:
    """Schools with inspectors but no lead: the longest-serving one leads."""
    leads = Assignment.objects.current().filter(school=OuterRef("school"), is_lead=True)
    picked = 0
    seen = set()
    without = (
        Assignment.objects.current()
        .filter(school__county=county)
        .filter(~Exists(leads))
        .order_by("school_id", "started_on", "pk")
    )
    for assignment in without:
        if assignment.school_id not in seen:
            seen.add(assignment.school_id)
            Assignment.objects.filter(pk=assignment.pk).update(is_lead=True)
            picked += 1
    return picked


def _post(ctx, county) -> int:
    office = User.objects.filter(county=county, role=Role.OFFICE).order_by("pk").first()
    if office is None:
        return 0
    showcase = _showcase_schools(county)
    schools = School.objects.filter(county=county, is_active=True).order_by("code")
    fresh = [
        school
        for school in schools.exclude(plaque__postings__isnull=False)
        if school.pk in showcase or ctx.random(f"plaques/{school.code}").random() >= WITHOUT_PLAQUE
    ]
    issue_plaques(schools=fresh, today=ctx.today)
    posted = 0
    for status in statuses(schools.filter(pk__in=[s.pk for s in fresh]), county=county):
        if status.plaque is None or not status.content["inspectors"]:
            continue
        rng = ctx.random(f"plaques/{status.school.code}/posting")
        draw = rng.random()
        if status.school.pk not in showcase and draw < UNPOSTED:
            continue
        posted_on = ctx.today - datetime.timedelta(days=rng.randint(7, 200))
        snapshot = dict(status.content)
        if status.school.pk not in showcase and draw > 1 - OUTDATED:
            # Printed before the first inspector changed phones: the plaque shows the old one.
            first = dict(snapshot["inspectors"][0], phone=f"138 0000 {rng.randint(0, 9999):04d}")
            snapshot["inspectors"] = [first, *snapshot["inspectors"][1:]]
        posting = PlaquePosting(
            plaque=status.plaque,
            posted_on=posted_on,
            snapshot=snapshot,
            recorded_by=office,
        )
        if status.school.pk in showcase or rng.random() >= WITHOUT_PHOTO:
            photo = made_up_photo(rng, stamp_text=f"{status.school.name} {posted_on:%Y-%m-%d}")
            posting.photo.save("posting.jpg", photo.image, save=False)
            posting.thumbnail.save("thumbnail.jpg", photo.thumbnail, save=False)
        posting.save()
        posted += 1
    return posted


def _showcase_schools(county) -> set[int]:
    """The demo principal's and the demo inspector's schools: current plaques with photos."""
    principal = User.objects.filter(county=county, username="principal").first()
    inspector = User.objects.filter(county=county, username="inspector").first()
    found = {principal.school_id} if principal and principal.school_id else set()
    if inspector and inspector.inspector_id:
        found |= set(
            Assignment.objects.current()
            .filter(inspector_id=inspector.inspector_id)
            .values_list("school_id", flat=True)
        )
    return found


def public_address(county) -> tuple[str, str] | None:
    """The demo principal's school and its public address, for the printed demo logins."""
    principal = User.objects.filter(county=county, username="principal").first()
    plaque = Plaque.objects.filter(school_id=getattr(principal, "school_id", None)).first()
    if plaque is None:
        return None
    return plaque.school.name, plaque.public_url
