"""The office's account management pages, under the ``accounts`` namespace.

Separate from ``accounts.urls`` because login, logout and password_change stay un-namespaced
(the settings name them).
"""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("<int:pk>/", views.user_detail, name="user_detail"),
    path("<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("new/inspector/", views.create_inspector_login, name="create_inspector_login"),
    path("new/principal/", views.create_principal_login, name="create_principal_login"),
    path("new/staff/", views.create_staff_login, name="create_staff_login"),
    path("new/missing/", views.create_missing_logins, name="create_missing_logins"),
    path("one-time-passwords/", views.one_time_passwords, name="one_time_passwords"),
    path("reissue-unused/", views.reissue_unused_passwords, name="reissue_unused_passwords"),
    path("schools/<int:pk>/principal/", views.change_principal, name="change_principal"),
]
