"""The storage interface. The domain talks to storage only through these types.

Contract, for every backend:

- Reads outside a transaction see committed data only.
- :meth:`Store.transaction` runs its block as one transaction: everything it wrote
  commits together when the block ends, or nothing does when it raises. Writers that
  touch the same tickets are serialised (``lock_tickets``), so no update is lost and
  history rows of one ticket are appended in commit order.
- Unique values are enforced by the store itself (a unique index), so two concurrent
  writers can never both claim one value: the loser gets :class:`UniqueValueTaken`.
- History is kept as the list of writes each ticket had; a ticket's ``version``
  numbers them, so history is in commit order by construction.
- Stored property values are strings already in HubSpot's read format; the store
  never interprets them.

The interface is synchronous: SQLite is fastest called inline (docs/decisions.md).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TypeVar

from spoke.domain.properties import PropertyDefinition


@dataclass(slots=True)
class StoredTicket:
    id: int
    values: dict[str, str]
    archived_at: int | None
    version: int
    """How many writes the ticket has had (1 once created)."""


@dataclass(frozen=True, slots=True)
class TicketWrite:
    """The values one write set on one ticket (``""`` for a cleared value)."""

    ticket_id: int
    version: int
    timestamp: int
    source_type: str
    source_id: str | None
    values: dict[str, str]


@dataclass(slots=True)
class HistoryEntry:
    """One value a property of a ticket had, from ``timestamp`` on."""

    ticket_id: int
    property: str
    value: str
    timestamp: int
    source_type: str
    source_id: str | None


@dataclass(frozen=True, slots=True)
class TokenRecord:
    token_hash: str
    app_id: int
    scopes: tuple[str, ...]
    created_at: int
    expires_at: int | None


class UniqueValueTaken(Exception):
    """A unique property value is already held by another ticket."""

    def __init__(self, property_name: str, value: str, holder_id: int | None) -> None:
        super().__init__(f"{property_name}={value!r} is held by ticket {holder_id}")
        self.property_name = property_name
        self.value = value
        self.holder_id = holder_id


class PropertyExists(Exception):
    """A custom property with that name already exists."""


class DatabaseUnavailable(Exception):
    """The database server cannot be reached (a client/server backend only)."""


class Transaction(ABC):
    """Writes of one request; see the module docstring for the guarantees."""

    @abstractmethod
    def allocate_ticket_ids(self, count: int) -> list[int]: ...

    @abstractmethod
    def lock_tickets(self, ids: Sequence[int]) -> dict[int, StoredTicket]:
        """The current state of ``ids`` that exist, locked until the transaction ends."""

    @abstractmethod
    def insert_tickets(self, tickets: Sequence[StoredTicket], created_at: int) -> None: ...

    @abstractmethod
    def update_tickets(self, tickets: Sequence[StoredTicket], updated_at: int) -> None:
        """Replace values, version and ``archived_at`` of existing tickets."""

    @abstractmethod
    def record_writes(self, writes: Sequence[TicketWrite]) -> None:
        """Append writes to the tickets' history."""

    @abstractmethod
    def claim_unique_values(self, claims: Sequence[tuple[str, str, int]]) -> None:
        """Record ``(property, value, ticket_id)``; raises :class:`UniqueValueTaken`."""

    @abstractmethod
    def release_unique_values(self, releases: Sequence[tuple[str, str]]) -> None: ...


class Store(ABC):
    """One database holding tickets, their history, custom properties and tokens."""

    @abstractmethod
    def migrate(self) -> None:
        """Bring the schema up to date (idempotent)."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Transaction]: ...

    # -- tickets -----------------------------------------------------------------

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside the block all see one committed state of the database."""

    @abstractmethod
    def read_tickets(self, ids: Sequence[int]) -> list[StoredTicket]:
        """The tickets among ``ids`` that exist, archived or not, in any order."""

    @abstractmethod
    def list_tickets(self, after_id: int, limit: int, archived: bool) -> list[StoredTicket]:
        """Up to ``limit`` tickets whose id is above ``after_id``, in id order: the archived
        ones if ``archived``, else the live ones.

        Paging by id (keyset, never an offset) is stable under concurrent writes: a ticket
        keeps its id for ever, so a reader that passes the last id it saw as ``after_id``
        never sees a ticket twice and never skips one that existed when it started.
        """

    @abstractmethod
    def find_unique_values(self, property_name: str, values: Sequence[str]) -> dict[str, int]:
        """Which ticket holds each of ``values`` of a unique property."""

    @abstractmethod
    def read_history(
        self, ids: Sequence[int], property_names: Sequence[str]
    ) -> dict[tuple[int, str], list[HistoryEntry]]:
        """History of each (ticket, property), newest first."""

    @abstractmethod
    def count_tickets(self) -> int: ...

    # -- property definitions --------------------------------------------------

    @abstractmethod
    def definitions_version(self) -> int:
        """Changes whenever a custom property definition changes (cheap to call)."""

    @abstractmethod
    def custom_properties(self) -> list[PropertyDefinition]: ...

    @abstractmethod
    def create_property(self, definition: PropertyDefinition) -> None:
        """Raises :class:`PropertyExists` when the name is taken."""

    # -- access tokens ---------------------------------------------------------

    @abstractmethod
    def insert_token(self, token: TokenRecord) -> None: ...

    @abstractmethod
    def find_token(self, token_hash: str) -> TokenRecord | None: ...

    @abstractmethod
    def allocate_app_id(self) -> int: ...


T = TypeVar("T")


def iter_chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
