"""The one way a lower layer gathers from the apps above it (ARCHITECTURE.md, layer order).

A lower layer declares a Registry; a higher app adds its entries from AppConfig.ready(); the lower layer reads
them without importing the app: approvals waiting in each app, what a stored survey response sets off.
"""

from collections.abc import Iterator
from typing import Generic, TypeVar

Entry = TypeVar("Entry")


class Registry(Generic[Entry]):
    """An ordered set of entries added by the apps: functions, or records describing what an app offers."""

    def __init__(self, name: str):
        self.name = name
        self._entries: list[Entry] = []

    def register(self, entry: Entry) -> Entry:
        """Add an entry once (ready() may run twice in tests); usable as a decorator."""
        if entry not in self._entries:
            self._entries.append(entry)
        return entry

    def unregister(self, entry: Entry) -> None:
        """Remove an entry (tests register temporary ones)."""
        if entry in self._entries:
            self._entries.remove(entry)

    def __iter__(self) -> Iterator[Entry]:
        return iter(list(self._entries))

    def __repr__(self):
        return f"<Registry {self.name}: {len(self._entries)} entries>"
