"""Rows as both SQL backends store them: the one place that knows the column layout.

Both schemas have the same tables and columns (see ``migrations/``); only the SQL
dialect differs. A ticket's values, and the values of each write, are stored as one
compact JSON object of strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from spoke.store.base import HistoryEntry, StoredTicket, TicketWrite

#: Columns ``ticket_from_row`` reads, in order.
TICKET_COLUMNS = "id, property_values, archived_at, version"
#: Columns ``history_from_writes`` reads, in order.
WRITE_HISTORY_COLUMNS = "ticket_id, timestamp, source_type, source_id, property_values"
#: Columns of ``insert_row``, ``update_row`` and ``write_row``, in order.
INSERT_TICKET_COLUMNS = "id, version, created_at, updated_at, archived_at, property_values"
UPDATE_TICKET_ASSIGNMENTS = ("property_values", "version", "archived_at", "updated_at")
WRITE_COLUMNS = "ticket_id, version, timestamp, source_type, source_id, property_values"


def ticket_from_row(row: Sequence[Any]) -> StoredTicket:
    return StoredTicket(row[0], orjson.loads(row[1]), row[2], row[3])


def insert_row(ticket: StoredTicket, created_at: int) -> tuple[Any, ...]:
    values = orjson.dumps(ticket.values).decode()
    return (ticket.id, ticket.version, created_at, created_at, ticket.archived_at, values)


def update_row(ticket: StoredTicket, updated_at: int) -> tuple[Any, ...]:
    """The ``UPDATE_TICKET_ASSIGNMENTS`` values, then the ticket id."""
    values = orjson.dumps(ticket.values).decode()
    return (values, ticket.version, ticket.archived_at, updated_at, ticket.id)


def write_row(write: TicketWrite) -> tuple[Any, ...]:
    values = orjson.dumps(write.values).decode()
    return (
        write.ticket_id,
        write.version,
        write.timestamp,
        write.source_type,
        write.source_id,
        values,
    )


def write_from_row(row: Sequence[Any]) -> TicketWrite:
    """A write read with ``WRITE_COLUMNS``."""
    return TicketWrite(row[0], row[1], row[2], row[3], row[4], orjson.loads(row[5]))


def history_from_writes(
    rows: Iterable[Sequence[Any]],
    property_names: Sequence[str],
    into: dict[tuple[int, str], list[HistoryEntry]],
) -> None:
    """Add to ``into`` the entries of ``property_names`` that the write rows (each
    ticket's newest first) set."""
    loads = orjson.loads
    for ticket_id, timestamp, source_type, source_id, written in rows:
        values = loads(written)
        for name in property_names:
            if name in values:
                entry = HistoryEntry(
                    ticket_id, name, values[name], timestamp, source_type, source_id
                )
                into.setdefault((ticket_id, name), []).append(entry)
