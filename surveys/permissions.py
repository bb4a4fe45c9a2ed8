"""Who may do what with surveys (DOMAIN.md roles)."""

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
