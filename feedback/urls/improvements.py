from django.urls import path

from feedback.views import improvements as views

urlpatterns = [
    path("improvements/", views.improvement_list, name="improvement-list"),
    path("improvements/new/", views.improvement_create, name="improvement-create"),
    path("improvements/<int:pk>/", views.improvement_detail, name="improvement-detail"),
    path("improvements/<int:pk>/edit/", views.improvement_edit, name="improvement-edit"),
    path("improvements/<int:pk>/send/", views.improvement_send, name="improvement-send"),
    path("improvements/<int:pk>/start/", views.improvement_start, name="improvement-start"),
    path("improvements/<int:pk>/close/", views.improvement_close, name="improvement-close"),
    path("improvements/<int:pk>/actions/new/", views.action_create, name="improvement-action-create"),
    path("improvements/<int:pk>/reviews/new/", views.review_create, name="improvement-review-create"),
    path("improvement-actions/<int:pk>/edit/", views.action_edit, name="improvement-action-edit"),
    path("improvement-actions/<int:pk>/progress/", views.action_progress, name="improvement-action-progress"),
    path("improvement-actions/<int:pk>/done/", views.action_done, name="improvement-action-done"),
]
