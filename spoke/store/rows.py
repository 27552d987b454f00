"""Rows as both SQL backends store them: the one place that knows the column layout.

Both schemas have the same tables and columns (see ``migrations/``); only the SQL
dialect differs. A record's values, and the values of each write, are stored as one
compact JSON object of strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from spoke.store.base import HistoryEntry, ObjectWrite, StoredObject
from spoke.store.selection import value_selection

#: Columns ``object_from_row`` reads, in order.
OBJECT_COLUMNS = "id, property_values, archived_at, version"
#: Columns ``history_from_writes`` reads, in order.
WRITE_HISTORY_COLUMNS = "object_id, timestamp, source_type, source_id, property_values"
#: Columns of ``insert_row``, ``update_row`` and ``write_row``, in order.
INSERT_OBJECT_COLUMNS = (
    "id, object_type, version, created_at, updated_at, archived_at, property_values"
)
UPDATE_OBJECT_ASSIGNMENTS = ("property_values", "version", "archived_at", "updated_at")
WRITE_COLUMNS = "object_id, version, timestamp, source_type, source_id, property_values"


def object_from_row(row: Sequence[Any]) -> StoredObject:
    return StoredObject(row[0], orjson.loads(row[1]), row[2], row[3])


def insert_row(object_type: str, record: StoredObject, created_at: int) -> tuple[Any, ...]:
    values = orjson.dumps(record.values).decode()
    return (
        record.id,
        object_type,
        record.version,
        created_at,
        created_at,
        record.archived_at,
        values,
    )


def update_row(object_type: str, record: StoredObject, updated_at: int) -> tuple[Any, ...]:
    """The ``UPDATE_OBJECT_ASSIGNMENTS`` values, then the record's id and type."""
    values = orjson.dumps(record.values).decode()
    return (values, record.version, record.archived_at, updated_at, record.id, object_type)


def write_row(write: ObjectWrite) -> tuple[Any, ...]:
    values = orjson.dumps(write.values).decode()
    return (
        write.object_id,
        write.version,
        write.timestamp,
        write.source_type,
        write.source_id,
        values,
    )


def write_from_row(row: Sequence[Any]) -> ObjectWrite:
    """A write read with ``WRITE_COLUMNS``."""
    return ObjectWrite(row[0], row[1], row[2], row[3], row[4], orjson.loads(row[5]))


def history_from_writes(
    rows: Iterable[Sequence[Any]],
    property_names: Sequence[str],
    into: dict[tuple[int, str], list[HistoryEntry]],
) -> None:
    """Add to ``into`` the entries of ``property_names`` that the write rows (each
    record's newest first) set. Only those names of each write's values are decoded
    (``spoke.store.selection``): a write's values are stored as one JSON object of
    strings, so a name it did not set decodes as ``None``."""
    selection = value_selection(tuple(dict.fromkeys(property_names)))
    decode = selection.decode
    fields = list(zip(selection.names, selection.fields, strict=True))
    for object_id, timestamp, source_type, source_id, written in rows:
        values = decode(written)
        for name, field in fields:
            value = getattr(values, field)
            if value is not None:
                entry = HistoryEntry(object_id, name, value, timestamp, source_type, source_id)
                into.setdefault((object_id, name), []).append(entry)
