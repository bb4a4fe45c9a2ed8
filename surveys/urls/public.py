"""Public pages: no login. Survey links carry unguessable tokens."""

from django.urls import path

from surveys.views import public as views

app_name = "public"

urlpatterns = [
    # Before the token routes, which would take "open" for a token.
    path("open/<slug:slug>/", views.open_survey_answer, name="open-survey"),
    path("open/<slug:slug>/thanks/", views.open_survey_thanks, name="open-survey-thanks"),
    path("<token:token>/", views.survey_answer, name="survey-answer"),
    path("<token:token>/thanks/", views.survey_thanks, name="survey-thanks"),
]
