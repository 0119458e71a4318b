"""What the office does with logins: create them with one-time passwords, reset, deactivate,
and hand a school over to a new principal.

A one-time password is shown once and must be changed at first login (``must_change_password``).
"""

import datetime
import logging
import re
import secrets
from collections.abc import Iterable

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.hashers import get_hasher, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from inspectors.models import Inspector, InspectorStatus
from schools.models import County, PrincipalTenure, School

logger = logging.getLogger(__name__)

# Read aloud or copied from paper without confusion: no 0/O/o, 1/l/I.
ONE_TIME_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ONE_TIME_LENGTH = 10
# A random 10-character one-time password carries ~57 bits, so a lighter PBKDF2 suffices while
# it lives (a few days at most); Django rehashes at full strength when the user picks their own.
# Without this a county's 300 logins would take minutes to hash in one request.
ONE_TIME_ITERATIONS = 20_000

OneTimeLogin = tuple[User, str]


def generate_one_time_password() -> str:
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))


def _hash_one_time_password(password: str) -> str:
    hasher = get_hasher()
    if hasher.algorithm.startswith("pbkdf2"):
        return hasher.encode(password, hasher.salt(), iterations=ONE_TIME_ITERATIONS)
    return make_password(password)


def _issue_one_time_password(user: User) -> str:
    """Give the user a fresh one-time password (unsaved) and return it in clear."""
    password = generate_one_time_password()
    user.password = _hash_one_time_password(password)
    user.must_change_password = True
    return password


def _unique_username(base: str) -> str:
    """``base`` if free, else ``base-2``, ``base-3`` … (e.g. a school's second principal)."""
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def inspectors_without_login(queryset=None):
    """Inspectors still serving who have no login yet."""
    queryset = Inspector.objects.all() if queryset is None else queryset
    return queryset.filter(user__isnull=True).exclude(status=InspectorStatus.LEFT)


def schools_without_login(queryset=None):
    """Open schools without a principal login."""
    queryset = School.objects.all() if queryset is None else queryset
    return queryset.filter(is_active=True, principal_accounts__isnull=True)


def create_inspector_login(*, inspector: Inspector) -> OneTimeLogin:
    """A login ``i<phone digits>`` tied to the inspector record."""
    if User.objects.filter(inspector=inspector).exists():
        raise ValidationError(_("%(name)s already has a login.") % {"name": inspector.name})
    user = User(
        username=_unique_username(f"i{_digits(inspector.phone) or inspector.pk}"),
        county_id=inspector.county_id,
        role=Role.INSPECTOR,
        inspector=inspector,
        display_name=inspector.name,
        phone=inspector.phone,
    )
    password = _issue_one_time_password(user)
    user.save()
    return user, password


def create_principal_login(*, school: School, name: str = "", phone: str = "") -> OneTimeLogin:
    """A login ``p<school code>`` for the school's principal (name and phone default to the
    school's record)."""
    if User.objects.filter(school=school).exists():
        raise ValidationError(
            _("%(school)s already has a principal login.") % {"school": school.name}
        )
    user = User(
        username=_unique_username(f"p{school.code}"),
        county_id=school.county_id,
        role=Role.PRINCIPAL,
        school=school,
        display_name=name or school.principal_name,
        phone=phone or school.principal_phone,
    )
    password = _issue_one_time_password(user)
    user.save()
    PrincipalTenure.objects.filter(school=school, ended_on__isnull=True, user__isnull=True).update(
        user=user
    )
    return user, password


STAFF_PREFIXES = {Role.OFFICE: "o", Role.COMMITTEE: "c"}


def create_staff_login(*, county: County, role: str, display_name: str, phone: str) -> OneTimeLogin:
    """A login ``o<phone digits>`` (office) or ``c<phone digits>`` (committee member)."""
    if role not in STAFF_PREFIXES:
        raise ValueError(f"not a staff role: {role}")
    user = User(
        username=_unique_username(f"{STAFF_PREFIXES[role]}{_digits(phone)}"),
        county=county,
        role=role,
        display_name=display_name,
        phone=phone,
    )
    password = _issue_one_time_password(user)
    user.save()
    return user, password


@transaction.atomic
def create_logins(
    *,
    county: County,
    inspectors: Iterable[Inspector] = (),
    schools: Iterable[School] = (),
) -> list[OneTimeLogin]:
    """Create the missing logins of these inspectors and these schools' principals, all in
    ``county``; those that already have one are skipped, so calling it twice is harmless.

    Returns ``(user, one_time_password)`` pairs in the order given, inspectors first.
    """
    inspectors, schools = list(inspectors), list(schools)
    strangers = [row for row in [*inspectors, *schools] if row.county_id != county.pk]
    if strangers:
        raise ValueError(f"not in county {county.code}: {strangers}")
    with_login = set(
        User.objects.filter(inspector__in=inspectors).values_list("inspector_id", flat=True)
    )
    schools_with_login = set(
        User.objects.filter(school__in=schools).values_list("school_id", flat=True)
    )
    created = [
        create_inspector_login(inspector=inspector)
        for inspector in inspectors
        if inspector.pk not in with_login
    ]
    created += [
        create_principal_login(school=school)
        for school in schools
        if school.pk not in schools_with_login
    ]
    logger.info("created %d logins in county %s", len(created), county.code)
    return created


def reset_password(*, user: User, actor: User) -> str:
    """Replace the user's password by a one-time password and return it."""
    if user.pk == actor.pk:
        raise ValidationError(_("Change your own password on the password page."))
    password = _issue_one_time_password(user)
    user.save(update_fields=["password", "must_change_password"])
    logger.info("password of %s reset by %s", user.username, actor.username)
    return password


def unlock_login(*, user: User, actor: User) -> int:
    """Lift the login lockout of ``user`` from every client IP; returns how many were cleared.
    Logged at warning level, so it is kept by the default logging."""
    cleared = AxesProxyHandler.reset_attempts(username=user.username)
    logger.warning(
        "login lockout of %s lifted by %s (%d records)", user.username, actor.username, cleared
    )
    return cleared


def principals_never_logged_in(queryset):
    """Active principal logins of a school that nobody has used yet."""
    return queryset.filter(
        role=Role.PRINCIPAL, is_active=True, school__isnull=False, last_login__isnull=True
    )


@transaction.atomic
def reissue_unused_passwords(*, users: Iterable[User], actor: User) -> list[OneTimeLogin]:
    """New one-time passwords for logins never used (the old ones were lost or never handed
    over), e.g. to print login slips; a login used in the meantime is left alone."""
    users = [user for user in users if user.last_login is None and user.pk != actor.pk]
    issued = [(user, _issue_one_time_password(user)) for user in users]
    User.objects.bulk_update(users, ["password", "must_change_password"])
    logger.info("one-time passwords of %d unused logins reissued by %s", len(issued), actor)
    return issued


def set_active(*, user: User, active: bool, actor: User) -> None:
    """Deactivate (the login stops working at once, sessions included) or reactivate."""
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate or reactivate your own account."))
    if active and user.is_principal and user.school_id is None:
        raise ValidationError(
            _("This principal login no longer belongs to a school and stays inactive.")
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    logger.info("%s set active=%s by %s", user.username, active, actor.username)


@transaction.atomic
def change_principal(
    *,
    school: School,
    name: str,
    phone: str = "",
    user: User | None = None,
    create_login: bool = False,
    started_on: datetime.date,
    actor: User,
) -> tuple[PrincipalTenure, str | None]:
    """Hand the school to a new principal from ``started_on``.

    The current tenure ends that day; the old principal login is detached from the school and
    deactivated at once. The new principal gets ``user`` (an existing principal login of the
    county without a school) or, with ``create_login``, a new login whose one-time password is
    returned; otherwise none (None).
    """
    if user is not None and create_login:
        raise ValueError("pass either user or create_login, not both")
    current = PrincipalTenure.objects.select_for_update().filter(
        school=school, ended_on__isnull=True
    )
    current = current.first()
    if current and started_on < current.started_on:
        raise ValidationError(
            {
                "started_on": _(
                    "The new principal cannot start before the current one started (%(date)s)."
                )
                % {"date": current.started_on.isoformat()}
            }
        )
    if user is not None and (
        user.county_id != school.county_id or not user.is_principal or user.school_id is not None
    ):
        raise ValidationError(
            _("Only a principal login of this county without a school can take over a school.")
        )
    if current:
        current.ended_on = started_on
        current.save(update_fields=["ended_on"])
    User.objects.filter(school=school).update(school=None, is_active=False)

    school.principal_name = name
    school.principal_phone = phone
    school.save(update_fields=["principal_name", "principal_phone"])

    password = None
    if create_login:
        user, password = create_principal_login(school=school, name=name, phone=phone)
    elif user is not None:
        user.school = school
        user.is_active = True
        user.display_name = name
        user.phone = phone
        user.save(update_fields=["school", "is_active", "display_name", "phone"])
    tenure = PrincipalTenure.objects.create(
        school=school, name=name, user=user, started_on=started_on
    )
    logger.info("principal of %s changed to %s by %s", school.code, name, actor.username)
    return tenure, password
