from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback and complaints")

    def ready(self):
        from cxcenter import context_processors

        from .permissions import CASE_READERS, IMPROVEMENT_READERS

        menu = _("Feedback")
        context_processors.register(menu, _("Feedback cases"), "feedback:case-list", CASE_READERS)
        context_processors.register(menu, _("Improvement plans"), "feedback:improvement-list", IMPROVEMENT_READERS)
        context_processors.register(menu, _("Complaint statistics"), "feedback:statistics", CASE_READERS)
