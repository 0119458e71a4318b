"""Page-level access: which roles may open a page at all.

Which rows a user sees is decided by the scoped querysets (``accounts.scoping``); this module only
turns away whole roles with 403. Superusers pass everywhere.
"""

from collections.abc import Collection
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.models import Role

ALL_ROLES = frozenset(Role.values)
OFFICE = frozenset({Role.OFFICE})
# County-wide pages: the office, the committee, and region users, who read every county of their
# region as the committee reads its own (the scoped querysets refuse them every change).
OFFICE_AND_COMMITTEE = frozenset({Role.OFFICE, Role.COMMITTEE, Role.REGION})
COUNTY_READERS = frozenset({Role.OFFICE, Role.COMMITTEE, Role.REGION, Role.INSPECTOR})


def has_role(user, roles: Collection[str]) -> bool:
    return user.is_superuser or user.role in roles


def roles_required(roles: Collection[str]):
    """Let in logged-in users of these roles (and superusers); 403 for everyone else."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


office_required = roles_required(OFFICE)
