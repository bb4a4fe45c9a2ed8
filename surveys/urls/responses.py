"""Responses, open surveys (QR codes), paper and phone answers, and exports of responses."""

from django.urls import path

from surveys.views import open_surveys, responses

urlpatterns = [
    path("questionnaires/<int:pk>/responses/", responses.response_list, name="response-list"),
    path("questionnaires/<int:pk>/responses/export/", responses.response_export, name="response-export"),
    path("responses/<int:pk>/", responses.response_detail, name="response-detail"),
    path("invitations/<int:pk>/enter/", responses.invitation_enter, name="invitation-enter"),
    path("open-surveys/", open_surveys.open_survey_list, name="opensurvey-list"),
    path("open-surveys/<int:pk>/", open_surveys.open_survey_detail, name="opensurvey-detail"),
    path("open-surveys/<int:pk>/close/", open_surveys.open_survey_close, name="opensurvey-close"),
    path("open-surveys/<int:pk>/reopen/", open_surveys.open_survey_reopen, name="opensurvey-reopen"),
    path("open-surveys/<int:pk>/qr.svg", open_surveys.open_survey_qr_svg, name="opensurvey-qr-svg"),
    path("open-surveys/<int:pk>/qr.png", open_surveys.open_survey_qr_png, name="opensurvey-qr-png"),
    path("open-surveys/<int:pk>/print/", open_surveys.open_survey_print, name="opensurvey-print"),
]
