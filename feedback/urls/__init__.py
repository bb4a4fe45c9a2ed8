"""Feedback URLs, one module per area, under the `feedback` namespace (public pages: feedback.urls.public)."""

app_name = "feedback"

urlpatterns = []
