from django.urls import path, re_path

from visits import views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="visit_list"),
    path("export/", views.visit_export, name="visit_export"),
    path("mine/", views.my_schools, name="my_schools"),
    path("feedback/", views.school_visits, name="school_visits"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("new/", views.visit_new, name="visit_new"),
    path("start/<int:school_pk>/", views.visit_start, name="visit_start"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("<int:pk>/autosave/", views.visit_autosave, name="visit_autosave"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/co-inspectors/", views.co_inspector_search, name="co_inspector_search"),
    path("<int:pk>/discard/", views.visit_discard, name="visit_discard"),
    path("<int:pk>/print/", views.visit_print, name="visit_print"),
    path("<int:pk>/read/", views.visit_read, name="visit_read"),
    path("<int:pk>/reply/", views.visit_reply, name="visit_reply"),
    path("<int:pk>/amend/", views.visit_amend, name="visit_amend"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("files/<int:pk>/", views.attachment_file, name="attachment_file"),
    re_path(r"^photos/(?P<pk>\d+)/(?P<variant>full|thumb)/$", views.photo_file, name="photo_file"),
]
