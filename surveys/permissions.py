"""Who may do what with surveys (DOMAIN.md roles)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from cxcenter.models import Role
from cxcenter.roles import has_role

SURVEY_READERS = (Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.COMMITTEE)
PLAN_AUTHORS = (Role.SUPERVISOR, Role.DIRECTOR)
DECIDERS = (Role.DIRECTOR,)
SUMMARY_AUTHORS = PLAN_AUTHORS
# Actual amounts come from the invoices the CX office keeps.
ACTUAL_RECORDERS = (Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR)
MILESTONE_WORKERS = (Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR)
# The CX office files completed plans in the archive (node 10).
ARCHIVISTS = MILESTONE_WORKERS
# Open (QR) surveys are run by the CX office and at the experience centres' reception desks.
OPEN_SURVEY_KEEPERS = (
    Role.SPECIALIST,
    Role.SUPERVISOR,
    Role.DIRECTOR,
    Role.CENTER_DIRECTOR,
    Role.SERVICE_SPECIALIST,
)


def ensure_plan_not_archived(plan) -> None:
    """Archived material (资料归档) is read-only for everyone: every write to a plan or its parts checks this."""
    if plan.status == plan.Status.ARCHIVED:
        raise PermissionDenied(_("Archived material is read-only."))


def can_edit_summary(user, summary) -> bool:
    """The author or a director changes a summary (the state is checked separately)."""
    return has_role(user, *SUMMARY_AUTHORS) and (summary.created_by_id == user.pk or has_role(user, Role.DIRECTOR))


def can_edit_budget(user, budget) -> bool:
    """The plan's owner or a plan author may change the budget's lines and submit it."""
    return user.is_authenticated and (budget.plan.owner_id == user.pk or has_role(user, *PLAN_AUTHORS))


def can_edit_report(user, report) -> bool:
    """The report's author, the plan's owner or a director (with a plan author's role) changes a report (the
    state and the archive are checked separately)."""
    if not has_role(user, *PLAN_AUTHORS):
        return False
    return user.pk in (report.created_by_id, report.plan.owner_id) or has_role(user, Role.DIRECTOR)


def can_edit_plan(user, plan) -> bool:
    """The plan's owner, or a director, with a plan author's role (the state and the archive are checked separately)."""
    return has_role(user, *PLAN_AUTHORS) and (plan.owner_id == user.pk or has_role(user, Role.DIRECTOR))


def can_archive(user, plan) -> bool:
    """Whether "Archive" is offered: a completed plan, to the CX office (the service says why otherwise)."""
    return plan.status == plan.Status.COMPLETED and has_role(user, *ARCHIVISTS)
