"""The Celery application; tasks are discovered in each app's ``tasks.py``."""

import datetime
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")

app = Celery("dudao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# How often beat runs the sweeps; each sweep records its run with this period, and /healthz
# calls beat stopped when a sweep is several periods late.
OUTBOX_SWEEP_EVERY = datetime.timedelta(minutes=1)
REMINDER_SWEEP_EVERY = datetime.timedelta(minutes=5)

# Daily jobs; each app's entry sits under its own key.
app.conf.beat_schedule = app.conf.beat_schedule or {}
app.conf.beat_schedule["rectification-reminders"] = {
    "task": "rectifications.tasks.send_daily_reminders",
    "schedule": crontab(hour=7, minute=30),
}
# On the 1st, last month's report (月报) for every county that has none yet.
app.conf.beat_schedule["monthly-reports"] = {
    "task": "reports.tasks.compile_last_month",
    "schedule": crontab(day_of_month=1, hour=2, minute=0),
}
app.conf.beat_schedule["visit-draft-reminders"] = {
    "task": "visits.tasks.remind_stale_drafts",
    "schedule": crontab(hour=8, minute=0),
}
app.conf.beat_schedule["complaint-overdue-reminders"] = {
    "task": "complaints.tasks.remind_overdue_submissions",
    "schedule": crontab(hour=8, minute=15),
}
# What a request recorded for the worker but the broker never delivered (it was down).
app.conf.beat_schedule["sweep-pending-tasks"] = {
    "task": "accounts.tasks.sweep_pending_tasks",
    "schedule": OUTBOX_SWEEP_EVERY,
}
# Meeting, notice and month-end visit reminders: works out from the database what is due.
app.conf.beat_schedule["sweep-reminders"] = {
    "task": "meetings.tasks.sweep_reminders",
    "schedule": REMINDER_SWEEP_EVERY,
}
