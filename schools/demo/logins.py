"""Demo logins, one per role, all with ``DEMO_PASSWORD`` and no forced password change."""

import functools

from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from inspectors.models import Inspector
from meetings.models import CommitteeMember, CommitteeRole
from schools.demo import DEMO_PASSWORD
from schools.demo.huangzhong import DEMO_INSPECTOR_PHONE
from schools.models import PrincipalTenure, School, SchoolKind


def seed_logins(ctx) -> None:
    """Demo step: the superuser, office, committee, inspector and principal logins."""
    huangzhong, jintan = ctx.counties["huangzhong"], ctx.counties["jintan"]
    members = CommitteeMember.objects.filter(county=huangzhong).order_by("pk")
    chair = members.filter(role=CommitteeRole.CHAIR).first()
    director = members.filter(role=CommitteeRole.OFFICE_DIRECTOR).first()
    inspector = Inspector.objects.get(county=huangzhong, phone=DEMO_INSPECTOR_PHONE)
    # A village primary school this inspector covers, whose principal is no inspector.
    school = (
        School.objects.filter(
            assignments__inspector=inspector,
            assignments__ended_on__isnull=True,
            kind=SchoolKind.PRIMARY,
            is_central=False,
            staff_inspectors__isnull=True,
        )
        .order_by("code")
        .first()
    )
    _ensure(ctx, "超级管理员", "admin", is_superuser=True, is_staff=True, display_name="系统管理员")
    _ensure(
        ctx, "督导室", "office", county=huangzhong, role=Role.OFFICE, display_name=director.name
    )
    committee = _ensure(
        ctx,
        "督导委员会",
        "committee",
        county=huangzhong,
        role=Role.COMMITTEE,
        display_name=chair.name,
    )
    _ensure(
        ctx,
        "督学",
        "inspector",
        county=huangzhong,
        role=Role.INSPECTOR,
        inspector=inspector,
        display_name=inspector.name,
        phone=inspector.phone,
    )
    principal = _ensure(
        ctx,
        "校长",
        "principal",
        county=huangzhong,
        role=Role.PRINCIPAL,
        school=school,
        display_name=school.principal_name,
        phone=school.principal_phone,
    )
    _ensure(
        ctx,
        "督导室（金坛区）",
        "jintan_office",
        county=jintan,
        role=Role.OFFICE,
        display_name="金坛区督导室",
    )

    # Tie the people to their logins where nobody has done so yet.
    CommitteeMember.objects.filter(pk=chair.pk, user__isnull=True).update(user=committee)
    PrincipalTenure.objects.filter(
        school=principal.school_id, ended_on__isnull=True, user__isnull=True
    ).update(user=principal)


@functools.cache
def _password_hash() -> str:
    """The demo password hashed once: hashing is slow and every demo login shares it."""
    return make_password(DEMO_PASSWORD)


def _ensure(ctx, label: str, username: str, **fields) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, must_change_password=False, **fields)
        user.password = _password_hash()
        user.save()
        ctx.record("登录账号", 1)
    county = user.county.name if user.county_id else "全部区县"
    ctx.add_login(role=label, username=username, who=f"{county} · {user}")
    return user
