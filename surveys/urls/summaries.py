from django.urls import path

from surveys.views import summaries as views

urlpatterns = [
    path("questionnaires/<int:pk>/summary/", views.summary_for_questionnaire, name="summary-for-questionnaire"),
    path("questionnaires/<int:pk>/summary/new/", views.summary_create, name="summary-create"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary-detail"),
    path("summaries/<int:pk>/edit/", views.summary_edit, name="summary-edit"),
    path("summaries/<int:pk>/submit/", views.summary_submit, name="summary-submit"),
    path("summaries/<int:pk>/approve/", views.summary_approve, name="summary-approve"),
    path("summaries/<int:pk>/return/", views.summary_return, name="summary-return"),
    path("summaries/<int:pk>/problems/new/", views.problem_add, name="summary-problem-add"),
    path("summary-problems/<int:pk>/edit/", views.problem_edit, name="summary-problem-edit"),
    path("summary-problems/<int:pk>/remove/", views.problem_remove, name="summary-problem-remove"),
]
