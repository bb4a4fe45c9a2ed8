from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from cxcenter import approvals, context_processors, dashboard, demo, exports

        from . import demo as surveys_demo
        from .dashboard import milestones_card
        from .exports import RESPONSES_EXPORT, build_responses_export
        from .permissions import OPEN_SURVEY_KEEPERS, SURVEY_READERS
        from .selectors import budgets, plans, questionnaires, reports, summaries

        approvals.register(plans.plans_awaiting_decision)
        approvals.register(budgets.budgets_awaiting_decision)
        approvals.register(questionnaires.questionnaires_awaiting_decision)
        approvals.register(reports.reports_awaiting_decision)
        approvals.register(summaries.summaries_awaiting_decision)
        dashboard.app_cards.register(milestones_card)
        exports.export_builders.register(exports.ExportBuilder(RESPONSES_EXPORT, build_responses_export))
        demo.seeders.register(surveys_demo.seed)
        menu = _("Surveys")
        context_processors.register(menu, _("Survey plans"), "surveys:plan-list", SURVEY_READERS)
        context_processors.register(menu, _("Questionnaires"), "surveys:questionnaire-list", SURVEY_READERS)
        context_processors.register(menu, _("Invitation batches"), "surveys:batch-list", SURVEY_READERS)
        context_processors.register(menu, _("Open surveys"), "surveys:opensurvey-list", OPEN_SURVEY_KEEPERS)
        context_processors.register(menu, _("Satisfaction index"), "surveys:index-system-list", SURVEY_READERS)
        context_processors.register(menu, _("Pain-point library"), "surveys:painpoint-list", SURVEY_READERS)
        context_processors.register(menu, _("Archive"), "surveys:archive-list", SURVEY_READERS)
