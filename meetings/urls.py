from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("committee/", views.committee, name="committee"),
    path("committee/new/", views.member_create, name="member_create"),
    path("committee/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("committee/<int:pk>/end/", views.member_end, name="member_end"),
]
