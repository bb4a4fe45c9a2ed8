from .budgets import BudgetLine, SurveyBudget
from .distribution import Answer, Invitation, InvitationBatch, OpenSurvey, Response
from .index import IndexFactor, IndexSystem
from .plans import PlanMilestone, SurveyPlan
from .questionnaires import Choice, Question, Questionnaire, Section

__all__ = [
    "Answer",
    "Invitation",
    "InvitationBatch",
    "OpenSurvey",
    "Response",
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
