import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Each visit keeps its school's county (filled from the schools, then required), and a
    county's list reads its newest visits off an index."""

    dependencies = [
        ("visits", "0010_visit_school_arrived_with_kind"),
        ("schools", "0012_county_settings_figures_refresh"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits",
                to="schools.county",
                verbose_name="county",
            ),
        ),
        migrations.RunSQL(
            "UPDATE visits_visit SET county_id = schools_school.county_id "
            "FROM schools_school WHERE schools_school.id = visits_visit.school_id",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="visit",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits",
                to="schools.county",
                verbose_name="county",
            ),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(
                fields=["county", "arrived_at", "id"],
                include=("status", "created_by"),
                name="visit_county_arrived",
            ),
        ),
    ]
