import django.core.validators
from django.db import migrations, models


def _days(label, default, most):
    return models.PositiveSmallIntegerField(
        default=default,
        validators=[
            django.core.validators.MinValueValidator(1),
            django.core.validators.MaxValueValidator(most),
        ],
        verbose_name=label,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0007_department"),
    ]

    operations = [
        migrations.AddField(
            model_name="countysettings",
            name="meeting_first_reminder_days",
            field=_days("first meeting reminder (days before)", 3, 30),
        ),
        migrations.AddField(
            model_name="countysettings",
            name="meeting_second_reminder_days",
            field=_days("second meeting reminder (days before)", 1, 30),
        ),
        migrations.AddField(
            model_name="countysettings",
            name="minutes_reminder_days",
            field=_days("remind the office of unfiled minutes after (days)", 2, 30),
        ),
        migrations.AddField(
            model_name="countysettings",
            name="notice_reminder_days",
            field=_days("remind of unread notices and missing replies (days before due)", 1, 30),
        ),
        migrations.AddField(
            model_name="countysettings",
            name="visit_duty_reminder_days",
            field=_days(
                "remind inspectors of schools still due a visit (days before month end)", 5, 20
            ),
        ),
    ]
