from django.urls import path

from surveys.views import reports as views

urlpatterns = [
    path("plans/<int:plan_pk>/reports/<str:kind>/new/", views.report_create, name="report-create"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report-approve"),
    path("reports/<int:pk>/return/", views.report_return, name="report-return"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path("reports/<int:pk>/report.xlsx", views.report_export, name="report-export"),
]
