"""Operations on inspectors that touch their assignments as well."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from inspectors.models import (
    Assignment,
    Inspector,
    InspectorStatus,
    Plaque,
    PlaquePosting,
    PlaquePrint,
)


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


@transaction.atomic
def assign(*, form) -> Assignment:
    """Save the assignment form; ``is_lead`` there takes the lead from the school's current lead,
    and a school's first inspector becomes its lead."""
    assignment = form.save(commit=False)
    current = Assignment.objects.current().filter(school_id=assignment.school_id)
    if not assignment.is_lead and not current.exists():
        assignment.is_lead = True
    if assignment.is_lead:
        current.filter(is_lead=True).update(is_lead=False)
    assignment.save()
    return assignment


@transaction.atomic
def make_lead(*, assignment: Assignment) -> None:
    """Make this current assignment the school's lead (the previous lead stays assigned)."""
    school_assignments = Assignment.objects.current().filter(school_id=assignment.school_id)
    # Lock the school's current assignments so two offices clicking at once end with one lead.
    list(school_assignments.select_for_update())
    school_assignments.filter(is_lead=True).exclude(pk=assignment.pk).update(is_lead=False)
    school_assignments.filter(pk=assignment.pk).update(is_lead=True)


def _lock_county(county_id: int):
    from schools.models import County

    return County.objects.select_for_update(of=("self",)).get(pk=county_id)


@transaction.atomic
def issue_plaques(*, schools, today: datetime.date) -> list[Plaque]:
    """Give each school without a plaque its number and public address; return the new ones.

    Numbers run per county and year (湟督牌〔2026〕012号); the county row is the lock.
    """
    schools = [school for school in schools if not Plaque.objects.filter(school=school).exists()]
    issued = []
    for county_id in sorted({school.county_id for school in schools}):
        county = _lock_county(county_id)
        last = (
            Plaque.objects.filter(county=county, year=today.year).aggregate(Max("serial"))[
                "serial__max"
            ]
            or 0
        )
        for school in (s for s in schools if s.county_id == county_id):
            if Plaque.objects.filter(school=school).exists():  # issued while we waited
                continue
            last += 1
            issued.append(
                Plaque.objects.create(
                    county=county,
                    school=school,
                    year=today.year,
                    serial=last,
                    number=Plaque.format_number(county, today.year, last),
                )
            )
    return issued


def record_prints(*, found, actor) -> list[PlaquePrint]:
    """Record that the plaques of ``found`` (``plaques.PlaqueStatus``) were printed as they are
    now, for those whose previous print said something else; returns the new prints."""
    plaques = [status.plaque for status in found if status.plaque is not None]
    previous = {}
    for plaque_id, snapshot in (
        PlaquePrint.objects.filter(plaque__in=plaques)
        .order_by("plaque_id", "-printed_at", "-pk")
        .values_list("plaque_id", "snapshot")
    ):
        previous.setdefault(plaque_id, snapshot)
    return PlaquePrint.objects.bulk_create(
        PlaquePrint(plaque=status.plaque, printed_by=actor, snapshot=status.content)
        for status in found
        if status.plaque is not None and previous.get(status.plaque.pk) != status.content
    )


@transaction.atomic
def record_posting(
    *, plaque: Plaque, posted_on: datetime.date, photo, note: str, actor, printed=None
) -> PlaquePosting:
    """Record that a printed plaque went up: it keeps what ``printed`` (a ``PlaquePrint``)
    printed, so a change between printing and posting shows the plaque outdated at once; with no
    print recorded, what today's data prints. ``photo`` is a processed photo or None."""
    from inspectors.plaques import status_of

    if printed is not None and printed.plaque_id != plaque.pk:
        raise ValueError("The print is of another plaque.")
    posting = PlaquePosting(
        plaque=plaque,
        posted_on=posted_on,
        printed=printed,
        snapshot=printed.snapshot if printed is not None else status_of(plaque.school).content,
        note=note,
        recorded_by=actor,
    )
    if photo is not None:
        posting.photo.save("posting.jpg", photo.image, save=False)
        posting.thumbnail.save("thumbnail.jpg", photo.thumbnail, save=False)
    posting.save()
    return posting
