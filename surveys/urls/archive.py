from django.urls import path

from surveys.views import archive as views

urlpatterns = [
    path("archive/", views.archive_list, name="archive-list"),
    path("plans/<int:pk>/archive/", views.plan_archive, name="plan-archive"),
]
