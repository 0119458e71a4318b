"""Links in e-mails are absolute (SITE_URL): a mail client has no site to resolve a path against."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, absolute_url
from rectifications.tasks import send_daily_reminders
from tests.factories_rectifications import make_item

pytestmark = pytest.mark.django_db


def test_absolute_url_joins_the_site_and_the_path(settings):
    settings.SITE_URL = "https://dudao.example.cn/"
    assert absolute_url("/visits/1/") == "https://dudao.example.cn/visits/1/"
    settings.SITE_URL = "https://dudao.example.cn"
    assert absolute_url("/visits/1/") == "https://dudao.example.cn/visits/1/"


def test_a_rectification_reminder_email_links_absolutely(personas, settings):
    settings.SITE_URL = "https://dudao.example.cn"
    personas.principal.email = "principal@example.com"
    personas.principal.save()
    item = make_item(personas, deadline=timezone.localdate() + datetime.timedelta(days=1))

    send_daily_reminders()

    path = reverse("rectifications:item", kwargs={"pk": item.pk})
    (message,) = mail.outbox
    assert message.to == ["principal@example.com"]
    assert f"https://dudao.example.cn{path}" in message.body
    # The in-app notification keeps the site path.
    assert Notification.objects.get(user=personas.principal).url == path
