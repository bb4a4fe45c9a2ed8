"""The results of a questionnaire: response rate, satisfaction index, per-question statistics, free-text answers."""

from django.urls import path

from surveys.views import results

urlpatterns = [
    path("questionnaires/<int:pk>/results/", results.questionnaire_results, name="questionnaire-results"),
]
