from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from cxcenter import approvals, context_processors

        from .permissions import SURVEY_READERS
        from .selectors import budgets, plans, questionnaires

        approvals.register(plans.plans_awaiting_decision)
        approvals.register(budgets.budgets_awaiting_decision)
        approvals.register(questionnaires.questionnaires_awaiting_decision)
        context_processors.register(_("Survey plans"), "surveys:plan-list", SURVEY_READERS)
        context_processors.register(_("Questionnaires"), "surveys:questionnaire-list", SURVEY_READERS)
        context_processors.register(_("Satisfaction index"), "surveys:index-system-list", SURVEY_READERS)
