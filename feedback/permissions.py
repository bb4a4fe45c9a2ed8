"""Who may do what with feedback and improvement plans (DOMAIN.md §4–§5)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from cxcenter.models import Customer, Role, User
from cxcenter.roles import has_role
from feedback.models import Case

# Anyone who meets customers records what they say; the recorder owns the case until closure (首问负责制).
CASE_RECORDERS = (
    Role.SPECIALIST,
    Role.SUPERVISOR,
    Role.DIRECTOR,
    Role.CENTER_DIRECTOR,
    Role.SERVICE_SPECIALIST,
    Role.ACCOUNT_MANAGER,
)
CASE_READERS = (*CASE_RECORDERS, Role.GENERAL_MANAGER, Role.COMMITTEE)
# Besides its owner, these may work on any case: assign the department, the cause, the countermeasure.
CASE_SUPERVISORS = (Role.SUPERVISOR, Role.DIRECTOR)
# Recorders who see only the cases they own or that concern their customers.
OWN_CASES_ONLY = (Role.ACCOUNT_MANAGER, Role.SERVICE_SPECIALIST)

IMPROVEMENT_DRAFTERS = (Role.GENERAL_MANAGER,)
IMPROVEMENT_DETAILERS = (Role.SUPERVISOR, Role.DIRECTOR)
IMPROVEMENT_READERS = (*CASE_READERS,)


def can_change(user, case: Case) -> bool:
    """The owner or a supervisor/director may change a case (首问负责制)."""
    return (user.is_authenticated and case.owner_id == user.pk and has_role(user, *CASE_RECORDERS)) or has_role(
        user, *CASE_SUPERVISORS
    )


def ensure_can_change(actor: User, case: Case) -> None:
    """Raise PermissionDenied unless the actor owns the case or supervises cases."""
    if not can_change(actor, case):
        raise PermissionDenied(_("Only the case's owner or a CX supervisor or director may change this case."))


def only_own_customers(user) -> bool:
    """Account managers pick from their own customers only, unless they also hold an office role."""
    return has_role(user, Role.ACCOUNT_MANAGER) and not has_role(
        user, *(role for role in CASE_RECORDERS if role not in OWN_CASES_ONLY)
    )


def may_choose(user, customer: Customer) -> bool:
    return not only_own_customers(user) or customer.account_manager_id == user.pk
