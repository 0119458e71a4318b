from django.urls import path

from inspectors import plaque_views, views

app_name = "inspectors"

urlpatterns = [
    path("", views.inspector_list, name="inspector_list"),
    path("new/", views.inspector_create, name="inspector_create"),
    path("<int:pk>/", views.inspector_detail, name="inspector_detail"),
    path("<int:pk>/edit/", views.inspector_edit, name="inspector_edit"),
    path("<int:pk>/photo/", views.inspector_photo, name="inspector_photo"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("assignments/<int:pk>/lead/", views.assignment_make_lead, name="assignment_make_lead"),
    # Plaques (公示牌)
    path("plaques/", plaque_views.plaque_list, name="plaque_list"),
    path("plaques/school/<int:school_pk>/", plaque_views.plaque_detail, name="plaque"),
    path("plaques/school/<int:school_pk>/issue/", plaque_views.plaque_issue, name="plaque_issue"),
    path(
        "plaques/school/<int:school_pk>/print/<slug:size>/",
        plaque_views.plaque_print,
        name="plaque_print",
    ),
    path(
        "plaques/school/<int:school_pk>/posted/",
        plaque_views.posting_create,
        name="posting_create",
    ),
    path(
        "plaques/township/<int:township_pk>/issue/",
        plaque_views.plaque_issue_township,
        name="plaque_issue_township",
    ),
    path(
        "plaques/township/<int:township_pk>/print/<slug:size>/",
        plaque_views.plaque_print_township,
        name="plaque_print_township",
    ),
    path(
        "plaques/postings/<int:pk>/<slug:variant>/",
        plaque_views.posting_photo,
        name="posting_photo",
    ),
]
