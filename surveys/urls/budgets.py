from django.urls import path

from surveys.views import budgets as views

urlpatterns = [
    path("plans/<int:plan_pk>/budget/", views.budget_detail, name="budget-detail"),
    path("plans/<int:plan_pk>/budget/lines/new/", views.budget_line_add, name="budget-line-add"),
    path("plans/<int:plan_pk>/budget/lines/<int:pk>/edit/", views.budget_line_edit, name="budget-line-edit"),
    path("plans/<int:plan_pk>/budget/lines/<int:pk>/remove/", views.budget_line_remove, name="budget-line-remove"),
    path("plans/<int:plan_pk>/budget/lines/<int:pk>/actual/", views.budget_actual, name="budget-actual"),
    path("plans/<int:plan_pk>/budget/submit/", views.budget_submit, name="budget-submit"),
    path("plans/<int:plan_pk>/budget/approve/", views.budget_approve, name="budget-approve"),
    path("plans/<int:plan_pk>/budget/return/", views.budget_return, name="budget-return"),
    path("plans/<int:plan_pk>/budget/budget.xlsx", views.budget_export, name="budget-export"),
]
