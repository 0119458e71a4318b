import django.db.models.deletion
from django.db import migrations, models

import schools.validators


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0006_county_settings_notice_copy_to"),
    ]

    operations = [
        migrations.CreateModel(
            name="Department",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "contact_name",
                    models.CharField(blank=True, max_length=50, verbose_name="contact person"),
                ),
                (
                    "contact_phone",
                    models.CharField(
                        blank=True,
                        max_length=20,
                        validators=[schools.validators.validate_phone],
                        verbose_name="contact phone",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="departments",
                        to="schools.county",
                        verbose_name="county",
                    ),
                ),
            ],
            options={
                "verbose_name": "county department",
                "verbose_name_plural": "county departments",
                "ordering": ["county", "name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("county", "name"), name="department_unique_name"
                    )
                ],
            },
        ),
    ]
