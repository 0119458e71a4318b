"""The board's order (the school's moves, checks to do, closed; by deadline) as an index, so a
province's first page is read in order instead of sorting every item."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rectifications', '0005_item_county_and_meeting_decisions'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='rectificationitem',
            index=models.Index(models.Case(models.When(state__in=('open', 'in_progress', 'returned'), then=models.Value(1)), models.When(state='awaiting_verification', then=models.Value(2)), default=models.Value(3)), models.F('deadline'), models.F('id'), name='rectification_urgency'),
        ),
    ]
