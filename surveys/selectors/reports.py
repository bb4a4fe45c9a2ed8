"""Reads of survey and analysis reports (调研报告 / 分析报告): one report with its figures, the plan's reports,
the reports waiting for the director."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cxcenter.approvals import PendingApproval
from cxcenter.figures import figure, percent
from cxcenter.models import Customer, Role
from cxcenter.roles import ensure_role, has_role
from surveys import charts
from surveys.models import Invitation, Questionnaire, Response, SummaryProblem, SurveyPlan, SurveyReport
from surveys.permissions import DECIDERS, PLAN_AUTHORS, SURVEY_READERS, can_edit_report
from surveys.selectors.results import QuestionnaireResults, questionnaire_results

# A report is written once the director has approved the plan (DOMAIN §1, node 9).
REPORTABLE_PLAN_STATES = (SurveyPlan.Status.APPROVED, SurveyPlan.Status.IN_PROGRESS, SurveyPlan.Status.COMPLETED)


@dataclass(frozen=True)
class GroupRow:
    """Invited customers of one industry or tier, those who answered and the share who did (percent)."""

    label: str
    invited: int
    answered: int
    response_rate: Decimal | None


@dataclass(frozen=True)
class ProblemRow:
    """A problem of a result summary (主要/次要问题) with the questionnaire it comes from."""

    questionnaire: str
    severity: str
    severity_label: str
    description: str


@dataclass
class ReportFigures:
    """Everything a report shows from the data of its plan.

    `invited` and `answered` count invitations (an answered invitation counts once); `responses` counts every
    response to the plan's questionnaires, open-survey and paper ones included; `response_rate` is answered ÷
    invited in percent (None when nobody was invited); `satisfaction_index` the mean index of the responses.
    `questionnaires` holds the results of each approved questionnaire (per-question statistics and charts).
    """

    invited: int
    answered: int
    invited_customers: int
    responses: int
    response_rate: Decimal | None
    satisfaction_index: Decimal | None
    cost_per_respondent: Decimal | None
    by_industry: list[GroupRow] = field(default_factory=list)
    by_tier: list[GroupRow] = field(default_factory=list)
    tier_chart: str = ""
    questionnaires: list[QuestionnaireResults] = field(default_factory=list)
    problems: list[ProblemRow] = field(default_factory=list)


@dataclass(frozen=True)
class ReportActions:
    """What the current user may do with a report in its current state, for the buttons on its page."""

    edit: bool
    submit: bool
    decide: bool


@dataclass(frozen=True)
class PlanReports:
    """The reports of a plan for its page, and the kinds the user may still start."""

    reports: list[SurveyReport]
    can_create: list[tuple[str, str]]


def get_report_for(user, pk: int) -> SurveyReport:
    """A report with its plan and people, or 404; PermissionDenied for roles that do not read surveys."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(
        SurveyReport.objects.select_related(
            "plan", "plan__owner", "plan__approved_by", "created_by", "submitted_by", "approved_by", "returned_by"
        ),
        pk=pk,
    )


def get_reportable_plan_for(user, plan_id: int) -> SurveyPlan:
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(SurveyPlan, pk=plan_id)


def report_editable_by(user, report: SurveyReport) -> bool:
    """Whether the page offers the report's editing: a draft or returned report of a plan not archived, to those
    who may change it (the service checks the same)."""
    return not report.plan.is_archived and report.is_editable and can_edit_report(user, report)


def report_actions(user, report: SurveyReport) -> ReportActions:
    editable = report_editable_by(user, report)
    return ReportActions(
        edit=editable,
        submit=editable,
        decide=has_role(user, *DECIDERS)
        and not report.plan.is_archived
        and report.status == SurveyReport.Status.SUBMITTED
        and report.submitted_by_id != user.pk,
    )


def plan_reports(user, plan: SurveyPlan) -> PlanReports:
    """The plan's reports (one query) and the kinds the user may start: the plan's owner or a director, once the
    plan is approved and until it is archived."""
    reports = list(plan.reports.select_related("approved_by"))
    may_create = plan.status in REPORTABLE_PLAN_STATES and (
        (plan.owner_id == user.pk and has_role(user, *PLAN_AUTHORS)) or has_role(user, Role.DIRECTOR)
    )
    existing = {report.kind for report in reports}
    kinds = [(kind, str(label)) for kind, label in SurveyReport.Kind.choices if kind not in existing]
    return PlanReports(reports=reports, can_create=kinds if may_create else [])


def report_figures(plan: SurveyPlan, *, with_charts: bool = True) -> ReportFigures:
    """The figures of a plan's report, aggregated in the database.

    Six queries for the plan as a whole (invitations, responses, by industry, by tier, problems, questionnaires),
    then the results of each approved questionnaire (surveys.selectors.results, about ten queries each).
    """
    invitations = Invitation.objects.filter(batch__questionnaire__plan=plan)
    answered = Q(answered_at__isnull=False)
    totals = invitations.aggregate(
        invited=Count("pk"), answered=Count("pk", filter=answered), customers=Count("customer", distinct=True)
    )
    responses = Response.objects.filter(questionnaire__plan=plan).aggregate(
        count=Count("pk"), index=Avg("satisfaction_index")
    )
    by_industry = group_rows(invitations, "customer__industry", lambda value: value or _("Industry not given"))
    by_industry.sort(key=lambda row: (-row.invited, row.label))
    tier_labels = {value: str(label) for value, label in Customer.Tier.choices}
    by_tier = group_rows(invitations, "customer__tier", lambda value: tier_labels.get(value, value))
    order = list(tier_labels.values())
    by_tier.sort(key=lambda row: order.index(row.label) if row.label in order else len(order))
    questionnaires = Questionnaire.objects.filter(plan=plan, status=Questionnaire.Status.APPROVED).order_by(
        "created_at", "pk"
    )
    return ReportFigures(
        invited=totals["invited"],
        answered=totals["answered"],
        invited_customers=totals["customers"],
        responses=responses["count"],
        response_rate=percent(totals["answered"], totals["invited"]),
        satisfaction_index=figure(responses["index"]),
        cost_per_respondent=plan.cost_per_respondent,
        by_industry=by_industry,
        by_tier=by_tier,
        tier_chart=tier_chart(by_tier) if with_charts else "",
        questionnaires=[
            questionnaire_results(questionnaire, with_charts=with_charts) for questionnaire in questionnaires
        ],
        problems=plan_problems(plan),
    )


def group_rows(invitations, key: str, label) -> list[GroupRow]:
    """Invited customers and those who answered, by one customer field, in one query (each customer once)."""
    rows = (
        invitations.values(key)
        .annotate(
            invited=Count("customer", distinct=True),
            answered=Count("customer", distinct=True, filter=Q(answered_at__isnull=False)),
        )
        .order_by()
    )
    return [
        GroupRow(
            label=str(label(row[key])),
            invited=row["invited"],
            answered=row["answered"],
            response_rate=percent(row["answered"], row["invited"]),
        )
        for row in rows
    ]


def tier_chart(by_tier: list[GroupRow]) -> str:
    """Invited customers by tier as bars (surveys.charts), empty when nobody was invited."""
    if not by_tier:
        return ""
    return charts.bar_chart("", [row.label for row in by_tier], [row.invited for row in by_tier])


def plan_problems(plan: SurveyPlan) -> list[ProblemRow]:
    """The problems of the result summaries of the plan's questionnaires, major first, in one query."""
    problems = (
        SummaryProblem.objects.filter(summary__questionnaire__plan=plan)
        .select_related("summary__questionnaire")
        .order_by("severity", "summary__questionnaire__created_at", "pk")
    )
    return [
        ProblemRow(
            questionnaire=str(problem.summary.questionnaire),
            severity=problem.severity,
            severity_label=problem.get_severity_display(),
            description=problem.description,
        )
        for problem in problems
    ]


def reports_awaiting_decision(user) -> list[PendingApproval]:
    """Submitted reports for a director to decide, not their own, never of an archived plan (approvals inbox)."""
    if not has_role(user, *DECIDERS):
        return []
    reports = (
        SurveyReport.objects.filter(status=SurveyReport.Status.SUBMITTED)
        .exclude(submitted_by=user)
        .exclude(plan__status=SurveyPlan.Status.ARCHIVED)
        .select_related("plan", "submitted_by")
    )
    return [
        PendingApproval(
            kind=report.get_kind_display(),
            title=report.plan.title,
            url=report.get_absolute_url(),
            submitted_by=str(report.submitted_by),
            submitted_at=report.submitted_at,
        )
        for report in reports
    ]
