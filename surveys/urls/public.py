"""Public pages: no login. Survey links carry unguessable tokens."""

from django.urls import path

from surveys.views import public as views

app_name = "public"

urlpatterns = [
    path("<str:token>/", views.survey_answer, name="survey-answer"),
    path("<str:token>/thanks/", views.survey_thanks, name="survey-thanks"),
]
