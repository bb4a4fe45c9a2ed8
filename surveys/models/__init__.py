from .budgets import BudgetLine, SurveyBudget
from .index import IndexFactor, IndexSystem
from .plans import PlanMilestone, SurveyPlan
from .questionnaires import Choice, Question, Questionnaire, Section

__all__ = [
    "BudgetLine",
    "Choice",
    "IndexFactor",
    "IndexSystem",
    "PlanMilestone",
    "Question",
    "Questionnaire",
    "Section",
    "SurveyBudget",
    "SurveyPlan",
]
