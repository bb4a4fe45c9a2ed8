from django.urls import path

from feedback.views import statistics as views

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
]
