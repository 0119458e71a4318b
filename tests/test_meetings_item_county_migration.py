"""The migration that gives rectification items their own county (for meeting decisions, which
may have no school) fills it in for the items that existed before, from each item's school.

It migrates the whole project back to before that migration and forward again: slow (seconds),
so it is one test, on a database of its own (transaction=True)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rectifications.models import RectificationItem

BEFORE = ("rectifications", "0004_notice_copy_to")
BACKFILL = ("rectifications", "0005_item_county_and_meeting_decisions")


@pytest.mark.django_db(transaction=True)
def test_items_made_before_the_migration_get_their_schools_county(personas):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE])
    old_apps = executor.loader.project_state([BEFORE]).apps
    OldItem = old_apps.get_model("rectifications", "RectificationItem")
    assert "county" not in {field.name for field in OldItem._meta.get_fields()}
    Matter = old_apps.get_model("schools", "SupervisionMatter")

    def old_item(school, description):
        return OldItem.objects.create(
            school_id=school.pk,
            matter=Matter.objects.filter(county_id=school.county_id).first(),
            source="complaint",
            description=description,
            deadline=datetime.date(2026, 6, 30),
            created_by_id=personas.office.pk,
        ).pk

    made = {
        old_item(personas.school_a, "食堂留样记录不全"): personas.county.pk,
        old_item(personas.school_b, "消防通道堆放杂物"): personas.county.pk,
        old_item(personas.other_school, "校车登记不全"): personas.other_county.pk,
    }

    executor = MigrationExecutor(connection)
    executor.migrate([BACKFILL])
    # The backfilled county is what the field now requires, and scoping reads by it.
    assert dict(RectificationItem.objects.values_list("pk", "county_id")) == made
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert set(
        RectificationItem.objects.for_user(personas.office).values_list("pk", flat=True)
    ) == {pk for pk, county in made.items() if county == personas.county.pk}
