"""What the survey app announces to the apps above it, which register here from AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from cxcenter.registry import Registry


@dataclass(frozen=True)
class ResponseHook:
    """Work a stored survey response may set off (feedback: a poor answer opens a follow-up case).

    `wants(response=, answers=)` decides from what is in memory, without a query: answering is the busiest path
    of the product. When it does, `follow(response=, answers=)` runs in the transaction that stores the response,
    so the work it writes (an outbox row) is saved with the response or not at all.
    """

    wants: Callable[..., bool]
    follow: Callable[..., None]


response_stored: Registry[ResponseHook] = Registry("survey response stored")
