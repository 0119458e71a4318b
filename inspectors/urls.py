from django.urls import path

from inspectors import views

app_name = "inspectors"

urlpatterns = [
    path("", views.inspector_list, name="inspector_list"),
    path("new/", views.inspector_create, name="inspector_create"),
    path("<int:pk>/", views.inspector_detail, name="inspector_detail"),
    path("<int:pk>/edit/", views.inspector_edit, name="inspector_edit"),
    path("<int:pk>/photo/", views.inspector_photo, name="inspector_photo"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
]
