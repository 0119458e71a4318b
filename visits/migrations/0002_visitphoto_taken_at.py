from django.db import migrations, models
from django.db.models import F


def taken_when_uploaded(apps, schema_editor):
    """Photos stored so far were stamped with their upload time."""
    VisitPhoto = apps.get_model("visits", "VisitPhoto")
    VisitPhoto.objects.update(taken_at=F("uploaded_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="visitphoto",
            name="taken_at",
            field=models.DateTimeField(null=True, verbose_name="taken at"),
        ),
        migrations.RunPython(taken_when_uploaded, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="visitphoto",
            name="taken_at",
            field=models.DateTimeField(verbose_name="taken at"),
        ),
    ]
