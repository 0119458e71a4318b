from django.urls import path

from rectifications import views

app_name = "rectifications"

urlpatterns = [
    path("", views.board, name="board"),
    path("export/", views.board_export, name="export"),
    path("summary/", views.summary, name="summary"),
    path("ours/", views.our_items, name="our_items"),
    path("mine/", views.my_items, name="my_items"),
    path("new/", views.item_create, name="create"),
    path("<int:pk>/", views.item_detail, name="item"),
    path("<int:pk>/step/<slug:action>/", views.item_action, name="item_action"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path(
        "evidence/<int:pk>/thumbnail/",
        views.evidence,
        {"thumbnail": True},
        name="evidence_thumbnail",
    ),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/<int:school_pk>/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
]
