from django.urls import path

from schools import department_views, import_views, views

app_name = "schools"

urlpatterns = [
    path("", views.school_list, name="school_list"),
    path("new/", views.school_create, name="school_create"),
    path("<int:pk>/", views.school_detail, name="school_detail"),
    path("<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("coverage/", views.coverage, name="coverage"),
    path("settings/", views.county_settings, name="county_settings"),
    path("import/", import_views.import_upload, name="import"),
    path("import/template/<str:kind>.xlsx", import_views.import_template, name="import_template"),
    path("import/passwords.xlsx", import_views.import_passwords, name="import_passwords"),
    path("departments/", department_views.department_list, name="department_list"),
    path("departments/new/", department_views.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", department_views.department_edit, name="department_edit"),
    path(
        "departments/<int:pk>/active/",
        department_views.department_set_active,
        name="department_set_active",
    ),
    path(
        "departments/<int:pk>/delete/",
        department_views.department_delete,
        name="department_delete",
    ),
]
