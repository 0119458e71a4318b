from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("records/", views.record_list, name="records"),
    path("region/", views.region, name="region"),
    path("me/", views.my_page, name="my_page"),
    path("my-school/", views.school_page, name="school_page"),
    path("monthly/", views.monthly_list, name="monthly_list"),
    path("monthly/<int:pk>/", views.monthly_detail, name="monthly_detail"),
    path("monthly/<int:pk>/status/", views.monthly_status, name="monthly_status"),
    path("monthly/<int:pk>/download/", views.monthly_download, name="monthly_download"),
    path("summary/", views.summary, name="summary"),
    path("archive/<int:pk>/", views.archive, name="archive"),
    path("archive/<int:pk>/xlsx/", views.archive_xlsx, name="archive_xlsx"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/export/", views.assessment_export, name="assessment_export"),
    path("assessment/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path(
        "assessment/<int:pk>/<slug:part>/",
        views.assessment_records,
        name="assessment_records",
    ),
    path("export/<slug:kind>/", views.export, name="export"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
