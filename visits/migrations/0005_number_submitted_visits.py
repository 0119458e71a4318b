# Numbers the visit records submitted before records had document numbers.

from zoneinfo import ZoneInfo

from django.db import migrations

SHANGHAI = ZoneInfo("Asia/Shanghai")


def number_submitted_visits(apps, schema_editor):
    """Each county's submitted records, per year of submission and in order of submission, get
    serials 1, 2, 3... and their numbers (湟督记〔2026〕1号), as ``visits.models.number_records``
    gives new ones."""
    Visit = apps.get_model("visits", "Visit")
    visits = (
        Visit.objects.filter(status="submitted", record_serial__isnull=True)
        .select_related("school__county")
        .order_by("submitted_at", "pk")
    )
    last = {}
    for visit in visits.iterator(chunk_size=500):
        county = visit.school.county
        year = visit.submitted_at.astimezone(SHANGHAI).year
        last[county.pk, year] = serial = last.get((county.pk, year), 0) + 1
        Visit.objects.filter(pk=visit.pk).update(
            record_county=county,
            record_year=year,
            record_serial=serial,
            record_number=f"{county.name[:1]}督记〔{year}〕{serial}号",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0004_visit_record_number"),
    ]

    operations = [
        migrations.RunPython(number_submitted_visits, migrations.RunPython.noop),
    ]
