from django.urls import path

from meetings import notice_urls, views

app_name = "meetings"

urlpatterns = [
    path("committee/", views.committee, name="committee"),
    path("committee/new/", views.member_create, name="member_create"),
    path("committee/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("committee/<int:pk>/end/", views.member_end, name="member_end"),
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/move/", views.meeting_move, name="meeting_move"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/invite/", views.meeting_invite, name="meeting_invite"),
    path("<int:pk>/respond/", views.meeting_respond, name="meeting_respond"),
    path("<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/files/", views.meeting_file_upload, name="meeting_file_upload"),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("<int:pk>/screen/", views.sign_in_screen, name="sign_in_screen"),
    path("<int:pk>/screen/code.svg", views.sign_in_code, name="sign_in_code"),
    path("<int:pk>/sign-in/<str:token>/", views.sign_in, name="sign_in"),
    path(
        "<int:pk>/print/<str:document>/",
        views.meeting_print,
        name="meeting_print",
    ),
    path("invitees/<int:pk>/remove/", views.invitee_remove, name="invitee_remove"),
    path("files/<int:pk>/", views.meeting_file, name="meeting_file"),
    path("files/<int:pk>/delete/", views.meeting_file_delete, name="meeting_file_delete"),
    path("series/", views.series_list, name="series_list"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path("series/<int:pk>/generate/", views.series_generate, name="series_generate"),
    # Work notices and calendar feeds (meetings/notice_urls.py).
    *notice_urls.urlpatterns,
]
