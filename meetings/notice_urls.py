"""URLs of work notices and calendar feeds, part of the ``meetings`` namespace."""

from django.urls import path

from meetings import calendar_views, notice_views

urlpatterns = [
    path("notices/", notice_views.notice_list, name="notice_list"),
    path("notices/new/", notice_views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", notice_views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/reply/", notice_views.notice_reply, name="notice_reply"),
    path("notices/<int:pk>/remind/", notice_views.notice_remind, name="notice_remind"),
    path("notices/<int:pk>/withdraw/", notice_views.notice_withdraw, name="notice_withdraw"),
    path("notices/<int:pk>/replies.xlsx", notice_views.notice_export, name="notice_export"),
    path("notices/files/<int:pk>/", notice_views.notice_file, name="notice_file"),
    path("notices/replies/<int:pk>/file/", notice_views.reply_file, name="notice_reply_file"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/new-address/", calendar_views.calendar_reset, name="calendar_reset"),
    path("calendar/stop/", calendar_views.calendar_stop, name="calendar_stop"),
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
]
