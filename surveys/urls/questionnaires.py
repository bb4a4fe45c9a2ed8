from django.urls import path

from surveys.views import questionnaires as views

urlpatterns = [
    path("questionnaires/", views.questionnaire_list, name="questionnaire-list"),
    path("plans/<int:plan_pk>/questionnaires/new/", views.questionnaire_create, name="questionnaire-create"),
    path("plans/<int:plan_pk>/questionnaires/import/", views.questionnaire_import, name="questionnaire-import"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire-detail"),
    path("questionnaires/<int:pk>/edit/", views.questionnaire_edit, name="questionnaire-edit"),
    path("questionnaires/<int:pk>/preview/", views.questionnaire_preview, name="questionnaire-preview"),
    path("questionnaires/<int:pk>/export.json", views.questionnaire_export, name="questionnaire-export"),
    path("questionnaires/<int:pk>/submit/", views.questionnaire_submit, name="questionnaire-submit"),
    path("questionnaires/<int:pk>/approve/", views.questionnaire_approve, name="questionnaire-approve"),
    path("questionnaires/<int:pk>/return/", views.questionnaire_return, name="questionnaire-return"),
    path("questionnaires/<int:pk>/new-version/", views.questionnaire_new_version, name="questionnaire-new-version"),
    path("questionnaires/<int:pk>/sections/new/", views.section_create, name="section-create"),
    path("questionnaires/sections/<int:pk>/edit/", views.section_edit, name="section-edit"),
    path("questionnaires/sections/<int:pk>/move/", views.section_move, name="section-move"),
    path("questionnaires/sections/<int:pk>/delete/", views.section_delete, name="section-delete"),
    path("questionnaires/sections/<int:section_pk>/questions/new/", views.question_create, name="question-create"),
    path("questionnaires/questions/<int:pk>/edit/", views.question_edit, name="question-edit"),
    path("questionnaires/questions/<int:pk>/move/", views.question_move, name="question-move"),
    path("questionnaires/questions/<int:pk>/delete/", views.question_delete, name="question-delete"),
]
