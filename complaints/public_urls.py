"""The URLs open without a login. A school's address, /p/<slug>, is printed on its plaque and
never changes."""

from django.urls import path

from complaints import public_views

app_name = "public"

urlpatterns = [
    path("p/<slug:slug>", public_views.school_page, name="school"),
    path(
        "p/<slug:slug>/inspectors/<int:inspector_pk>.jpg",
        public_views.inspector_thumbnail,
        name="thumbnail",
    ),
    path("public/<str:code>/", public_views.county_page, name="county"),
    path("public/<str:code>/track/", public_views.track, name="track"),
]
