"""Who may do what with feedback and improvement plans (DOMAIN.md §4–§5)."""

from cxcenter.models import Role

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
