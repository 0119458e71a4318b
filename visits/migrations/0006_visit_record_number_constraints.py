# The constraints on record numbers, once every submitted record has one (0005).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("visits", "0005_number_submitted_visits"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='visit',
            constraint=models.UniqueConstraint(fields=('record_county', 'record_year', 'record_serial'), name='visit_unique_record_serial'),
        ),
        migrations.AddConstraint(
            model_name='visit',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'submitted'), _negated=True), models.Q(('record_county__isnull', False), ('record_serial__isnull', False), ('record_year__isnull', False)), _connector='OR'), name='visit_submitted_has_number'),
        ),
    ]
