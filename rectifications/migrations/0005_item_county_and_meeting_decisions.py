"""Items get their own county (backfilled from their school) and may lack a school and a matter
when they are meeting decisions."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill_county(apps, schema_editor):
    Item = apps.get_model("rectifications", "RectificationItem")
    School = apps.get_model("schools", "School")
    Item.objects.filter(county__isnull=True).update(
        county_id=Subquery(School.objects.filter(pk=OuterRef("school_id")).values("county_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("rectifications", "0004_notice_copy_to"),
        ("schools", "0007_department"),
    ]

    operations = [
        migrations.AddField(
            model_name="rectificationitem",
            name="county",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rectification_items",
                to="schools.county",
                verbose_name="county",
            ),
        ),
        migrations.RunPython(backfill_county, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="rectificationitem",
            name="county",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rectification_items",
                to="schools.county",
                verbose_name="county",
            ),
        ),
        migrations.AddField(
            model_name="rectificationitem",
            name="owner_name",
            field=models.CharField(
                blank=True,
                help_text=(
                    "For a meeting decision owned by a township, a department or a person rather "
                    "than a school: who does the work. The office records their steps."
                ),
                max_length=100,
                verbose_name="owner without login",
            ),
        ),
        migrations.AlterField(
            model_name="rectificationitem",
            name="matter",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rectification_items",
                to="schools.supervisionmatter",
                verbose_name="supervision matter",
            ),
        ),
        migrations.AlterField(
            model_name="rectificationitem",
            name="school",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rectification_items",
                to="schools.school",
                verbose_name="school",
            ),
        ),
        migrations.AddConstraint(
            model_name="rectificationitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("source", "meeting"))
                | models.Q(("matter__isnull", False), ("school__isnull", False)),
                name="rectification_school_and_matter_unless_meeting",
            ),
        ),
    ]
