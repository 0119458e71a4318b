from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.submission_list, name="list"),
    path("new/", views.submission_create, name="create"),
    path("export/", views.submission_export, name="export"),
    path("<int:pk>/", views.submission_detail, name="detail"),
    path("<int:pk>/step/<slug:action>/", views.submission_step, name="step"),
    path("<int:pk>/photo/<slug:variant>/", views.submission_photo, name="photo"),
    path("<int:pk>/print/", views.submission_print, name="print"),
    path("announcements/", views.announcement_list, name="announcements"),
    path("announcements/new/", views.announcement_create, name="announcement_create"),
    path("announcements/<int:pk>/edit/", views.announcement_edit, name="announcement_edit"),
    path("settings/", views.public_settings, name="public_settings"),
]
