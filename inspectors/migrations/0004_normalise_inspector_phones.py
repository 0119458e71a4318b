"""Store every inspector's phone as its 11 digits (13800000001), as the form and import do.

The uniqueness of (county, phone) then holds for the number itself, not for how it was written.
A value that is no mobile number, or whose digits another inspector of the county already has,
is left as it is for the office to correct.
"""

from django.db import migrations

from schools.importing.cells import CellError, mobile_key


def normalise_phones(apps, schema_editor):
    Inspector = apps.get_model("inspectors", "Inspector")
    taken = set(Inspector.objects.values_list("county_id", "phone"))
    changed = []
    for inspector in Inspector.objects.order_by("pk"):
        try:
            phone = mobile_key(inspector.phone)
        except CellError:
            continue
        if phone == inspector.phone or (inspector.county_id, phone) in taken:
            continue
        taken.add((inspector.county_id, phone))
        inspector.phone = phone
        changed.append(inspector)
    Inspector.objects.bulk_update(changed, ["phone"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("inspectors", "0003_assignment_started_on_not_future"),
    ]

    operations = [
        migrations.RunPython(normalise_phones, migrations.RunPython.noop, elidable=True),
    ]
