"""What a read of tickets gives back: records shaped as HubSpot returns them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spoke.store.base import HistoryEntry, StoredTicket

OBJECT_LABEL = "TICKET"
NOT_FOUND_MESSAGE = (
    f"Could not get some {OBJECT_LABEL} objects, they may be deleted or not exist. "
    "Check that ids are valid."
)

#: Batch limits (behaviour.md §1.2, §1.3).
MAX_BATCH_INPUTS = 100
MAX_HISTORY_BATCH_INPUTS = 50


@dataclass(slots=True)
class TicketRecord:
    id: int
    properties: dict[str, str | None]
    history: dict[str, list[HistoryEntry]] | None
    created_at: str
    updated_at: str
    archived_at: int | None


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Which properties a read returns, already resolved against the definitions."""

    names: tuple[str, ...]
    history_names: tuple[str, ...]


def to_record(
    ticket: StoredTicket,
    options: ReadOptions,
    history: dict[tuple[int, str], list[HistoryEntry]] | None,
) -> TicketRecord:
    values = ticket.values
    versions = None
    if history is not None:
        versions = {
            name: history[(ticket.id, name)]
            for name in options.history_names
            if (ticket.id, name) in history
        }
    return TicketRecord(
        id=ticket.id,
        properties={name: values.get(name) for name in options.names},
        history=versions,
        created_at=values["createdate"],
        updated_at=values["hs_lastmodifieddate"],
        archived_at=ticket.archived_at,
    )


def parse_ticket_id(text: str) -> int | None:
    """The internal id ``text`` names, or ``None`` when it cannot name one."""
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text)
    return None


def first_appearances(inputs: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(inputs))
