from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback and complaints")

    def ready(self):
        from cxcenter import context_processors, dashboard, demo, exports, outbox
        from surveys import hooks

        from . import demo as feedback_demo
        from .dashboard import case_breaches_card
        from .exports import CASES_EXPORT, build_cases_export
        from .permissions import CASE_READERS, IMPROVEMENT_READERS
        from .services import follow_up

        # The closed loop (DOMAIN §5): a poor survey answer opens a follow-up case.
        hooks.response_stored.register(
            hooks.ResponseHook(wants=follow_up.wants_follow_up, follow=follow_up.queue_follow_up)
        )
        outbox.register_job(follow_up.FOLLOW_UP_JOB, follow_up.open_follow_up_case)

        dashboard.app_cards.register(case_breaches_card)
        exports.export_builders.register(exports.ExportBuilder(CASES_EXPORT, build_cases_export))
        demo.seeders.register(feedback_demo.seed)
        menu = _("Feedback")
        context_processors.register(menu, _("Feedback cases"), "feedback:case-list", CASE_READERS)
        context_processors.register(menu, _("Improvement plans"), "feedback:improvement-list", IMPROVEMENT_READERS)
        context_processors.register(menu, _("Complaint statistics"), "feedback:statistics", CASE_READERS)
