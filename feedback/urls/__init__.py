"""Feedback URLs, one module per area, under the `feedback` namespace (public pages: feedback.urls.public)."""

from . import cases, improvements, statistics

app_name = "feedback"

urlpatterns = [
    *cases.urlpatterns,
    *improvements.urlpatterns,
    *statistics.urlpatterns,
]
