# The newest submitted records of a whole region, walked in order (a region user's visit list).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("visits", "0006_visit_record_number_constraints"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=["arrived_at", "id"],
                name="visit_submitted_arrived",
            ),
        ),
    ]
