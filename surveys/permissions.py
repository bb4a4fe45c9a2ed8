"""Who may do what with surveys (DOMAIN.md roles)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from cxcenter.models import Role

SURVEY_READERS = (Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.COMMITTEE)
PLAN_AUTHORS = (Role.SUPERVISOR, Role.DIRECTOR)
DECIDERS = (Role.DIRECTOR,)
MILESTONE_WORKERS = (Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR)
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
