"""What a read of records gives back: records shaped as HubSpot returns them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spoke.domain.object_types import ObjectType
from spoke.domain.stage_dates import SOURCE_ID as STAGE_DATE_SOURCE_ID
from spoke.domain.stage_dates import SOURCE_TYPE as STAGE_DATE_SOURCE_TYPE
from spoke.store.base import HistoryEntry, StoredObject

#: Batch limits (behaviour.md §1.2, §1.3).
MAX_BATCH_INPUTS = 100
MAX_HISTORY_BATCH_INPUTS = 50


def not_found_message(object_type: ObjectType) -> str:
    """HubSpot's message for inputs that name no record of the type."""
    return (
        f"Could not get some {object_type.label} objects, they may be deleted or not exist. "
        "Check that ids are valid."
    )


@dataclass(slots=True)
class ObjectRecord:
    id: int
    properties: dict[str, str | None]
    history: dict[str, list[HistoryEntry]] | None
    created_at: str
    updated_at: str
    archived_at: int | None


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Which properties a read returns, already resolved against the definitions, and
    which of a record's values are its ``createdAt`` and ``updatedAt``."""

    names: tuple[str, ...]
    history_names: tuple[str, ...]
    created_property: str
    modified_property: str
    stage_date_history: tuple[str, ...] = ()
    """Of ``history_names``, those whose values HubSpot's stage calculation writes: their
    history names it as the source (``spoke.domain.stage_dates``)."""


def to_record(
    record: StoredObject,
    options: ReadOptions,
    history: dict[tuple[int, str], list[HistoryEntry]] | None,
) -> ObjectRecord:
    values = record.values
    versions = None
    if history is not None:
        versions = {
            name: history[(record.id, name)]
            for name in options.history_names
            if (record.id, name) in history
        }
        for name in options.stage_date_history:
            if name in versions:
                versions[name] = [_calculated(entry) for entry in versions[name]]
    # Positional: a batch read builds 100 of these, and keywords cost 0.5 µs a record more.
    return ObjectRecord(
        record.id,
        {name: values.get(name) for name in options.names},
        versions,
        values[options.created_property],
        values[options.modified_property],
        record.archived_at,
    )


def _calculated(entry: HistoryEntry) -> HistoryEntry:
    """``entry`` as written by HubSpot's stage calculation (it is stored in the write that
    moved the stage, whoever wrote that)."""
    return HistoryEntry(
        entry.object_id,
        entry.property,
        entry.value,
        entry.timestamp,
        STAGE_DATE_SOURCE_TYPE,
        STAGE_DATE_SOURCE_ID,
    )


def full_record(object_type: ObjectType, record: StoredObject) -> ObjectRecord:
    """A written record as a write's response shows it: every value it has."""
    options = ReadOptions(
        names=tuple(sorted(record.values)),
        history_names=(),
        created_property=object_type.created_property,
        modified_property=object_type.modified_property,
    )
    return to_record(record, options, None)


def parse_object_id(text: str) -> int | None:
    """The internal id ``text`` names, or ``None`` when it cannot name one."""
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text)
    return None


def parse_object_ids(texts: Sequence[str]) -> dict[str, int | None]:
    """:func:`parse_object_id` of each of ``texts``; when every one is a plain number (a
    batch read's 100 ids, as a rule), checked all at once."""
    if texts and all(texts) and max(map(len, texts)) < 19:
        joined = "".join(texts)
        if joined.isascii() and joined.isdigit():
            return dict(zip(texts, map(int, texts), strict=True))
    return {text: parse_object_id(text) for text in texts}


def first_appearances(inputs: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(inputs))
