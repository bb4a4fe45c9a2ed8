"""The approvals inbox: each app registers a function listing what waits for a user's decision."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PendingApproval:
    """One item waiting for the user: what it is, who submitted it, when, and where to decide."""

    kind: str
    title: str
    url: str
    submitted_by: str
    submitted_at: datetime


Provider = Callable[[object], Iterable[PendingApproval]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider; apps call this from AppConfig.ready(). Usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    """Remove a provider (tests register temporary ones)."""
    if provider in _providers:
        _providers.remove(provider)


def pending_approvals_for(user) -> list[PendingApproval]:
    """Everything across apps that waits for this user's decision, oldest first."""
    items = [item for provider in _providers for item in provider(user)]
    return sorted(items, key=lambda item: item.submitted_at)
