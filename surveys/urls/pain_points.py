from django.urls import path

from surveys.views import pain_points as views

urlpatterns = [
    path("pain-points/", views.painpoint_list, name="painpoint-list"),
    path("pain-points/new/", views.painpoint_create, name="painpoint-create"),
    path("pain-points/from-answer/<int:pk>/", views.painpoint_from_answer, name="painpoint-from-answer"),
    path("pain-points/from-problem/<int:pk>/", views.painpoint_from_problem, name="painpoint-from-problem"),
    path("pain-points/<int:pk>/", views.painpoint_detail, name="painpoint-detail"),
    path("pain-points/<int:pk>/edit/", views.painpoint_edit, name="painpoint-edit"),
    path("pain-points/<int:pk>/add-source/", views.painpoint_add_source, name="painpoint-add-source"),
    path("pain-points/<int:pk>/status/", views.painpoint_status, name="painpoint-status"),
    path("pain-points/<int:pk>/merge/", views.painpoint_merge, name="painpoint-merge"),
]
