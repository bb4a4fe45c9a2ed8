"""Public feedback pages (/c/): no login. The form, its thank-you page and the customer's confirmation link."""

from django.urls import path

from feedback.views import public as views

app_name = "feedback-public"

urlpatterns = [
    # Before the token route, which would take "new" for a token.
    path("new/", views.case_new, name="case-new"),
    path("new/thanks/", views.case_thanks, name="case-thanks"),
    path("<token:token>/", views.case_confirm, name="case-confirm"),
]
