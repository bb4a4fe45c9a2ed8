from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from . import views
from .converters import TokenConverter

register_converter(TokenConverter, "token")

urlpatterns = [
    # The customers' pages first: a survey campaign sends thousands of them, and Django tries patterns in order.
    path("s/", include("surveys.urls.public")),
    path("c/", include("feedback.urls.public")),
    path("", views.dashboard, name="dashboard"),
    path("approvals/", views.approvals, name="approvals"),
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/new/", views.customer_create, name="customer-create"),
    path("customers/import/", views.customer_import, name="customer-import"),
    path("customers/import/template.xlsx", views.customer_import_template, name="customer-import-template"),
    path("customers/<int:pk>/", views.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer-edit"),
    path("departments/", views.department_list, name="department-list"),
    path("departments/new/", views.department_edit, name="department-create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department-edit"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/setlang/", views.switch_language, name="set_language"),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/resend/", views.notification_resend, name="notification-resend"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("surveys/", include("surveys.urls")),
    path("feedback/", include("feedback.urls")),
    path("kpi/", include("kpi.urls")),
    path("facilities/", include("facilities.urls")),
]
