from django.urls import path

from surveys.views import batches as views

urlpatterns = [
    path("batches/", views.batch_list, name="batch-list"),
    path("batches/list-template.xlsx", views.batch_list_template, name="batch-list-template"),
    path("questionnaires/<int:questionnaire_pk>/batches/new/", views.batch_create, name="batch-create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("batches/<int:pk>/retry-failed/", views.batch_retry_failed, name="batch-retry-failed"),
]
