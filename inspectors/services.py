"""Operations on inspectors that touch their assignments as well."""

import datetime

from django.db import transaction
from django.utils.translation import gettext

from inspectors.models import Inspector, InspectorStatus


def end_current_assignments(*, inspector: Inspector, ended_on: datetime.date, note: str) -> int:
    """End every current assignment of the inspector (history is kept); return how many."""
    ended = 0
    for assignment in inspector.assignments.current().select_for_update():
        assignment.ended_on = max(ended_on, assignment.started_on)
        assignment.note = assignment.note or note
        assignment.save(update_fields=["ended_on", "note"])
        ended += 1
    return ended


@transaction.atomic
def save_inspector(*, form, today: datetime.date) -> tuple[Inspector, int]:
    """Save the inspector form; one who has left hands back their schools the same day.

    Returns the inspector and the number of assignments ended.
    """
    inspector = form.save()
    ended = 0
    if inspector.status == InspectorStatus.LEFT:
        ended = end_current_assignments(
            inspector=inspector, ended_on=today, note=gettext("The inspector left.")
        )
    return inspector, ended
