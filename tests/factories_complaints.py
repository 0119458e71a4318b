"""Helpers for complaint tests: submissions from the public page or the office."""

from complaints import services
from complaints.models import Category, Channel
from tests.factories_plaques import matrix_plaque, processed_photo, with_photo


def submission(school, **overrides):
    """A submission from the school's public page (or, with ``channel``, the office's entry)."""
    values = {
        "school": school,
        "channel": Channel.ONLINE,
        "category": Category.COMPLAINT,
        "text": "食堂饭菜经常是凉的，孩子吃了肚子疼。",
        "name": "张家长",
        "phone": "13900001111",
    }
    values.update(overrides)
    return services.receive(**values)[0]


# What the URL-by-role matrix probes: school B, covered by the persona inspector (its lead).


def matrix_submission(personas):
    return submission(personas.school_b, photo=processed_photo())


def matrix_thumbnail(personas):
    with_photo(personas.inspector)
    return {"slug": matrix_plaque(personas).slug, "inspector_pk": personas.inspector.pk}


def matrix_announcement(personas):
    from complaints.models import Announcement

    return Announcement.objects.create(
        county=personas.county, title="公告", body="内容", created_by=personas.office
    )
