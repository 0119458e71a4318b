from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin, plain files).
    path("favicon.ico", account_views.favicon, name="favicon"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/manage/", include("accounts.manage_urls")),
    path("accounts/", include("accounts.urls")),
    path("schools/", include("schools.urls")),
    path("inspectors/", include("inspectors.urls")),
    path("visits/", include("visits.urls")),
    path("meetings/", include("meetings.urls")),
    path("reports/", include("reports.urls")),
    path("rectifications/", include("rectifications.urls")),
    path("complaints/", include("complaints.urls")),
    path("notifications/", include("accounts.notification_urls")),
    # Open without a login: the schools' public pages (from the plaques' QR codes), the county's
    # public page and the tracking page.
    path("", include("complaints.public_urls")),
    path("admin/", admin.site.urls),
]
