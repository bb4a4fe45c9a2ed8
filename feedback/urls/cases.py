"""Feedback cases: the list, intake, the case page and the acts on a case."""

from django.urls import path

from feedback.views import cases as views

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/export/", views.case_export, name="case-export"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("cases/<int:pk>/take/", views.case_take, name="case-take"),
    path("cases/<int:pk>/acknowledge/", views.case_acknowledge, name="case-acknowledge"),
    path("cases/<int:pk>/investigate/", views.case_investigate, name="case-investigate"),
    path("cases/<int:pk>/action/", views.case_start_action, name="case-action"),
    path("cases/<int:pk>/handling/", views.case_handling, name="case-handling"),
    path("cases/<int:pk>/note/", views.case_note, name="case-note"),
    path("cases/<int:pk>/refer/", views.case_refer, name="case-refer"),
    path("cases/<int:pk>/send-resolution/", views.case_send_resolution, name="case-send-resolution"),
    path("cases/<int:pk>/close/", views.case_close, name="case-close"),
    path("cases/<int:pk>/phone-answer/", views.case_phone_confirmation, name="case-phone-answer"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="case-reopen"),
    path("cases/<int:pk>/hand-over/", views.case_hand_over, name="case-hand-over"),
    path("cases/<int:pk>/attachments/", views.attachment_upload, name="case-attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("referrals/<int:pk>/reply/", views.referral_reply, name="referral-reply"),
]
