from .budgets import BudgetLine, SurveyBudget
from .distribution import Answer, Invitation, InvitationBatch, OpenSurvey, Response
from .index import IndexFactor, IndexSystem
from .pain_points import PainPoint, PainPointSource
from .plans import ArchiveSequence, PlanMilestone, SurveyPlan
from .questionnaires import Choice, Question, Questionnaire, Section
from .results import ResultSummary, ReviewStatus, SummaryProblem, SurveyReport

__all__ = [
    "ArchiveSequence",
    "PainPoint",
    "PainPointSource",
    "ResultSummary",
    "ReviewStatus",
    "SummaryProblem",
    "SurveyReport",
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
