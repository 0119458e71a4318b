"""Celery tasks of the visits app: the daily reminder of drafts left unsubmitted.

A reminder is claimed by a conditional UPDATE of ``Visit.reminded_at`` before it goes out, so
running the task twice (or a retry after a crash) never reminds the same draft twice.
"""

import datetime

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification
from accounts.outbox import send_later
from schools.models import CountySettings
from visits.models import Visit, VisitStatus


@shared_task
def remind_stale_drafts(now_iso: str | None = None) -> int:
    """Find drafts older than each county's limit and queue one reminder per draft."""
    now = datetime.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    queued = 0
    for county_settings in CountySettings.objects.all():
        cutoff = now - datetime.timedelta(days=county_settings.draft_reminder_days)
        stale = Visit.objects.filter(
            school__county_id=county_settings.county_id,
            status=VisitStatus.DRAFT,
            reminded_at__isnull=True,
            created_at__lte=cutoff,
        ).values_list("pk", flat=True)
        for visit_id in stale:
            send_later(send_draft_reminder, visit_id)
            queued += 1
    return queued


@shared_task
def send_draft_reminder(visit_id: int) -> bool:
    """Remind the inspector of one stale draft, in the app and by e-mail where they have an
    address, unless it was reminded or submitted meanwhile."""
    claimed = Visit.objects.filter(
        pk=visit_id, status=VisitStatus.DRAFT, reminded_at__isnull=True
    ).update(reminded_at=timezone.now())
    if not claimed:
        return False
    visit = Visit.objects.select_related("school", "inspector__user", "created_by").get(pk=visit_id)
    recipients = {visit.created_by, getattr(visit.inspector, "user", None)} - {None}
    arrived = timezone.localtime(visit.arrived_at)
    values = {"school": visit.school.name, "date": f"{arrived:%Y-%m-%d}"}
    for user in recipients:
        if not user.is_active:
            continue
        with user.own_language():
            Notification.objects.deliver(
                user,
                dedupe_key=f"visit-draft:{visit.pk}",
                title=_("Unsubmitted visit record: %(school)s") % values,
                body=_(
                    "Your record of the visit to %(school)s on %(date)s is still a draft and has "
                    "not been submitted. Please finish it and submit it."
                )
                % values,
                url=reverse("visits:visit_edit", args=[visit.pk]),
            )
    return True
