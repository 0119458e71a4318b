# A school's visits by arrival, covering a list's first pass (the key and the status): a county's
# visit list finds its page in the index alone instead of sorting every row of the county.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("visits", "0007_visit_submitted_arrived"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="visit",
            name="visit_school_arrived",
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(
                fields=["school", "arrived_at", "id"],
                include=["status"],
                name="visit_school_arrived_id",
            ),
        ),
    ]
