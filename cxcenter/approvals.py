"""The approvals inbox: each app registers a function listing what waits for a user's decision."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from .registry import Registry


@dataclass(frozen=True)
class PendingApproval:
    """One item waiting for the user: what it is, who submitted it, when, and where to decide."""

    kind: str
    title: str
    url: str
    submitted_by: str
    submitted_at: datetime


Provider = Callable[[object], Iterable[PendingApproval]]
# Each app registers its providers in AppConfig.ready(); the core never imports the apps.
providers: Registry[Provider] = Registry("approval providers")
register = providers.register
unregister = providers.unregister


def pending_approvals_for(user) -> list[PendingApproval]:
    """Everything across apps that waits for this user's decision, oldest first."""
    items = [item for provider in providers for item in provider(user)]
    return sorted(items, key=lambda item: item.submitted_at)
