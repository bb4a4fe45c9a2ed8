"""Survey and analysis reports (调研报告 / 分析报告, node 9): drafting, the director's review, node 9 done.

A plan has at most one report of each kind. Node 9 (编制调研报告/分析报告) is done when the director has approved
the survey report and every other report of the plan: a plan with only a survey report is done once it is
approved; a plan that also has an analysis report waits for both.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cxcenter import notifications, workflow
from cxcenter.errors import DomainError
from cxcenter.models import Role, TimelineEntry, User
from cxcenter.roles import ensure_role, has_role
from surveys.models import PlanMilestone, SurveyPlan, SurveyReport
from surveys.permissions import DECIDERS, PLAN_AUTHORS, can_edit_report, ensure_plan_not_archived
from surveys.selectors.reports import REPORTABLE_PLAN_STATES, plan_problems
from surveys.services.plans import mark_node_done

TEXT_FIELDS = ("findings", "conclusions", "recommendations")


class ReportError(DomainError):
    """A report change the rules do not allow; the message says why."""


def ensure_can_edit_report(actor: User, report: SurveyReport) -> None:
    """The report's author, the plan's owner or a director changes a draft or returned report.

    PermissionDenied for anyone else and once the plan is archived; ReportError for a submitted or approved report.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    ensure_plan_not_archived(report.plan)
    if not can_edit_report(actor, report):
        raise PermissionDenied(_("Only the report's author, the plan's owner or the director may change it."))
    if not report.is_editable:
        raise ReportError(
            _("The report is “%(status)s”; it can be changed only as a draft or after it was returned.")
            % {"status": report.get_status_display()}
        )


def ensure_can_report_on(actor: User, plan: SurveyPlan) -> None:
    """The plan's owner or a director starts a report, once the director has approved the plan.

    PermissionDenied for other people and for an archived plan; ReportError for a plan not approved yet.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    ensure_plan_not_archived(plan)
    if plan.owner_id != actor.pk and not has_role(actor, Role.DIRECTOR):
        raise PermissionDenied(_("Only the plan's owner or the director may write its reports."))
    if plan.status not in REPORTABLE_PLAN_STATES:
        raise ReportError(
            _("The plan “%(plan)s” is %(status)s; a report is written only once the director has approved the plan.")
            % {"plan": plan, "status": plan.get_status_display()}
        )


def default_findings(plan: SurveyPlan) -> str:
    """The problems of the plan's result summaries, major first, as the findings' first draft."""
    return "\n".join(
        _("[%(severity)s] %(description)s (%(questionnaire)s)")
        % {"severity": row.severity_label, "description": row.description, "questionnaire": row.questionnaire}
        for row in plan_problems(plan)
    )


@transaction.atomic
def create_report(
    *, plan_id: int, actor: User, kind: str, findings: str = "", conclusions: str = "", recommendations: str = ""
) -> SurveyReport:
    """Draft the survey or the analysis report of an approved plan; blank findings start from the summaries' problems.

    The plan's owner or a director (PermissionDenied); ReportError for a plan not approved (approved, in progress
    or completed), an unknown kind, or a kind the plan already has.
    """
    plan = workflow.lock(SurveyPlan, plan_id)
    ensure_can_report_on(actor, plan)
    if kind not in SurveyReport.Kind.values:
        raise ReportError(_("“%(kind)s” is not a kind of report.") % {"kind": kind})
    if SurveyReport.objects.filter(plan=plan, kind=kind).exists():
        raise ReportError(_("The plan already has its %(kind)s.") % {"kind": SurveyReport.Kind(kind).label.lower()})
    try:
        with transaction.atomic():
            report = SurveyReport.objects.create(
                plan=plan,
                kind=kind,
                findings=findings.strip() or default_findings(plan),
                conclusions=conclusions.strip(),
                recommendations=recommendations.strip(),
                created_by=actor,
            )
    except IntegrityError:
        # The plan row is locked above, so only a report made outside the services gets here.
        raise ReportError(
            _("The plan already has its %(kind)s.") % {"kind": SurveyReport.Kind(kind).label.lower()}
        ) from None
    workflow.record(report, actor=actor, action=TimelineEntry.Action.CREATED)
    return report


def lock_report(report_id: int) -> SurveyReport:
    """The report locked, with its plan loaded (read-only checks)."""
    report = workflow.lock(SurveyReport, report_id)
    report.plan = SurveyPlan.objects.get(pk=report.plan_id)
    return report


@transaction.atomic
def update_report(
    *, report_id: int, actor: User, findings: str, conclusions: str, recommendations: str
) -> SurveyReport:
    """Change the text of a draft or returned report: findings, conclusions, recommendations.

    Same rules as ensure_can_edit_report.
    """
    report = lock_report(report_id)
    ensure_can_edit_report(actor, report)
    report.findings, report.conclusions, report.recommendations = (
        findings.strip(),
        conclusions.strip(),
        recommendations.strip(),
    )
    report.save(update_fields=[*TEXT_FIELDS, "updated_at"])
    workflow.record(report, actor=actor, action=TimelineEntry.Action.UPDATED)
    return report


@transaction.atomic
def submit_report(*, report_id: int, actor: User) -> SurveyReport:
    """Send a draft or returned report to the director for review (总监审阅); the directors are mailed.

    Same rules as ensure_can_edit_report; ReportError for a report without findings or conclusions.
    """
    report = lock_report(report_id)
    ensure_can_edit_report(actor, report)
    if not report.findings.strip() or not report.conclusions.strip():
        raise ReportError(_("Write the findings and the conclusions before submitting the report."))
    workflow.transition(report, to=SurveyReport.Status.SUBMITTED, actor=actor)
    notifications.notify_submitted(report)
    return report


def ensure_can_decide_report(actor: User, report: SurveyReport) -> None:
    """A director, never on their own submission nor on the report of an archived plan (PermissionDenied)."""
    if not has_role(actor, *DECIDERS):
        raise PermissionDenied(_("Only the CX director reviews survey and analysis reports."))
    ensure_plan_not_archived(report.plan)
    workflow.ensure_not_submitter(actor, report)


@transaction.atomic
def approve_report(*, report_id: int, actor: User, comment: str = "") -> SurveyReport:
    """Director approves a submitted report; node 9 is done once the plan's reports are all approved.

    Raises PermissionDenied (ensure_can_decide_report), InvalidTransition unless the report is submitted.
    """
    report = lock_report(report_id)
    ensure_can_decide_report(actor, report)
    workflow.transition(report, to=SurveyReport.Status.APPROVED, actor=actor, comment=comment)
    mark_report_node_done(report, actor=actor, comment=comment)
    notifications.notify_decided(report)
    return report


@transaction.atomic
def return_report(*, report_id: int, actor: User, comment: str) -> SurveyReport:
    """Director returns a submitted report with a comment saying what to change.

    Raises PermissionDenied (ensure_can_decide_report), ReportError without a comment, InvalidTransition unless
    the report is submitted.
    """
    report = lock_report(report_id)
    ensure_can_decide_report(actor, report)
    if not comment.strip():
        raise ReportError(_("Say what to change: returning a report needs a comment."))
    workflow.transition(report, to=SurveyReport.Status.RETURNED, actor=actor, comment=comment, comment_required=True)
    notifications.notify_decided(report)
    return report


def mark_report_node_done(report: SurveyReport, *, actor: User, comment: str) -> bool:
    """Node 9 is done when the survey report is approved and no other report of the plan waits (see the module)."""
    kinds = dict(SurveyReport.objects.filter(plan_id=report.plan_id).values_list("kind", "status"))
    if kinds.get(SurveyReport.Kind.SURVEY) != SurveyReport.Status.APPROVED:
        return False
    if any(status != SurveyReport.Status.APPROVED for status in kinds.values()):
        return False
    if comment.strip():
        note = _("Reports approved: %(comment)s") % {"comment": comment.strip()}
    else:
        note = _("Reports approved.")
    mark_node_done(plan_id=report.plan_id, node=PlanMilestone.Node.REPORT, actor=actor, note=note)
    return True
