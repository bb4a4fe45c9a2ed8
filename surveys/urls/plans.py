from django.urls import path

from surveys.views import plans as views

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan-submit"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan-approve"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan-return"),
    path("plans/<int:pk>/start/", views.plan_start, name="plan-start"),
    path("plans/<int:pk>/complete/", views.plan_complete, name="plan-complete"),
    path("plans/<int:pk>/plan.pdf", views.plan_pdf, name="plan-pdf"),
    path("milestones/<int:pk>/schedule/", views.milestone_schedule, name="milestone-schedule"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone-done"),
]
