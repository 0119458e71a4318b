import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Each case keeps its school's county (filled from the schools, then required), and the
    office's list reads a county's cases in its order off an index."""

    dependencies = [
        ("complaints", "0003_overdue_reminder_claims"),
        ("schools", "0011_county_settings_document_limit"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="submissions",
                to="schools.county",
                verbose_name="county",
            ),
        ),
        migrations.RunSQL(
            "UPDATE complaints_submission SET county_id = schools_school.county_id "
            "FROM schools_school WHERE schools_school.id = complaints_submission.school_id",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="submission",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="submissions",
                to="schools.county",
                verbose_name="county",
            ),
        ),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(
                models.F("county"),
                models.OrderBy(models.F("answered_at"), descending=True),
                models.F("due_on"),
                models.OrderBy(models.F("id"), descending=True),
                name="submission_county_listing",
            ),
        ),
    ]
