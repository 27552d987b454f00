"""Merging two records of one object type into one (``POST .../{objectType}/merge``), and
following merged ids.

The rules (docs/behaviour.md, "Merge"):

- The primary keeps its id (HubSpot's "Primary ID Preservation" behaviour); the merged
  record's row is gone and its id names the primary from then on, for reads and writes
  through the type's paths.
- Values: the primary's win; a property the primary has no value for takes the merged
  record's. The type's created property (``createdate``) is the older of the two, its
  modified property (``hs_lastmodifieddate``) the time of the merge, and
  ``hs_merged_object_ids`` lists every id merged into the result, ever.
- History: the writes of both records, interleaved by time (the primary's after the
  merged record's at equal instants), then one write with source ``MERGE_OBJECTS``
  setting every value that differs from what that combined history ends with, so each
  property's newest history entry is its current value.
- Unique values held by the merged record move to the primary where the primary takes
  its value; the others are released.
- The search index follows: the merged record's rows go, the primary's are updated.
- Associations: the merged record's move to the primary (spoke.domain.associations.records).
- One transaction, with both records locked: no concurrent writer can slip between.
"""

from __future__ import annotations

from collections.abc import Sequence

from spoke.domain import search_index
from spoke.domain.associations.records import move_associations
from spoke.domain.catalogue import Catalogue, Properties
from spoke.domain.instants import format_instant, now_ms, parse_instant
from spoke.domain.object_types import ObjectType
from spoke.domain.records import ObjectRecord, full_record, not_found_message
from spoke.errors import ObjectNotFound, ValidationError
from spoke.store.base import ObjectWrite, Store, StoredObject, Transaction

#: ``sourceType`` of the history entries a merge writes.
MERGE_SOURCE_TYPE = "MERGE_OBJECTS"
#: The property listing every id merged into a record, ``;``-separated, in number order.
MERGED_IDS_PROPERTY = "hs_merged_object_ids"

#: Tries at locking records while concurrent merges move the ids that name them.
_MAX_LOOKUPS = 3


class ObjectMerger:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self._store = store
        self._catalogue = catalogue

    def merge(
        self, object_type: ObjectType, primary: str, to_merge: str, app_id: int
    ) -> ObjectRecord:
        """Merge record ``to_merge`` into record ``primary`` (ids as sent, both of
        ``object_type``); the result."""
        singular = object_type.singular
        primary_id = _parse_id(object_type, primary, "primaryObjectId")
        merged_id = _parse_id(object_type, to_merge, "objectIdToMerge")
        if primary_id is not None and primary_id == merged_id:
            raise ValidationError(
                f"Cannot merge {singular} {primary_id} with itself: primaryObjectId and "
                f"objectIdToMerge name the same {singular}"
            )

        def merge(tx: Transaction, properties: Properties) -> StoredObject:
            (target_id, source_id), locked = lock_following_merges(
                self._store, tx, object_type.type_id, [primary_id, merged_id]
            )
            missing = [
                text
                for text, object_id in ((primary, target_id), (to_merge, source_id))
                if object_id is None
                or object_id not in locked
                or locked[object_id].archived_at is not None
            ]
            if missing:
                raise ObjectNotFound(not_found_message(object_type), ids=missing)
            assert target_id is not None and source_id is not None
            if target_id == source_id:
                raise ValidationError(
                    f"Cannot merge {singular} {target_id} with itself: {primary} and "
                    f"{to_merge} both name it since an earlier merge"
                )
            now = now_ms()  # once both are locked: history stays in commit order
            merged = _merge(
                tx,
                locked[target_id],
                locked[source_id],
                properties=properties,
                app_id=app_id,
                now=now,
            )
            move_associations(self._store, tx, object_type.type_id, source_id, target_id)
            return merged

        result = self._catalogue.write_in_force(object_type, merge)
        return full_record(object_type, result)


def lock_following_merges(
    store: Store, tx: Transaction, object_type: str, ids: Sequence[int | None]
) -> tuple[list[int | None], dict[int, StoredObject]]:
    """``ids`` with every merged-away id replaced by the record it lives on in, and the
    records of ``object_type`` they name, locked (those that exist).

    Ids are resolved before locking, so every record is locked in one ordered call. A
    record merged away by a concurrent merge between the two shows up missing once
    locked; its id is then resolved again (at most three times in all).
    """
    wanted = [i for i in ids if i]
    aliases = store.merged_into(object_type, wanted) if wanted else {}
    resolved = [aliases.get(i, i) if i else None for i in ids]
    locked = tx.lock_objects(object_type, sorted({i for i in resolved if i}))
    for _ in range(_MAX_LOOKUPS - 1):
        unfound = [i for i in resolved if i and i not in locked]
        moved = store.merged_into(object_type, unfound) if unfound else {}
        if not moved:
            break
        resolved = [moved.get(i, i) if i else None for i in resolved]
        locked.update(tx.lock_objects(object_type, sorted(set(moved.values()))))
    return resolved, locked


def _parse_id(object_type: ObjectType, text: str, field: str) -> int | None:
    """The record id ``text`` names (``None`` for a number no record can have)."""
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(
            f"Invalid {field} '{text}': a {object_type.singular} id is a whole number, "
            "such as '512'"
        )
    return int(text) if len(text) < 19 else None


def _merge(
    tx: Transaction,
    primary: StoredObject,
    merged: StoredObject,
    *,
    properties: Properties,
    app_id: int,
    now: int,
) -> StoredObject:
    """Merge locked record ``merged`` into locked record ``primary``; the primary after."""
    object_type = properties.object_type
    type_id = object_type.type_id
    created = object_type.created_property
    values = {**merged.values, **primary.values}
    values[created] = min(primary.values[created], merged.values[created], key=parse_instant)
    values[object_type.modified_property] = format_instant(now)
    values[MERGED_IDS_PROPERTY] = _merged_ids(primary, merged)

    history = _combined_history(tx.read_writes([primary.id, merged.id]), primary.id)
    last: dict[str, str] = {}
    for write in history:
        last.update(write.values)
    changed = {
        name: values.get(name, "")
        for name in sorted({*values, *last})
        if values.get(name, "") != last.get(name, "")
    }
    version = len(history) + 1
    history.append(ObjectWrite(primary.id, version, now, MERGE_SOURCE_TYPE, str(app_id), changed))
    result = StoredObject(primary.id, values, None, version)

    tx.clear_history([primary.id, merged.id])
    tx.record_writes(history)
    tx.update_objects(type_id, [result], now)
    tx.retire_merged_object(merged.id, primary.id)
    held = [
        (name, merged.values[name]) for name in properties.unique_names if name in merged.values
    ]
    tx.release_unique_values(type_id, held)
    tx.claim_unique_values(
        type_id, [(name, value, primary.id) for name, value in held if name not in primary.values]
    )
    # The search index: the merged record's rows go, the primary's follow its new values.
    tx.unindex_values(type_id, search_index.entries_of(properties, [merged]))
    written = {
        name: values.get(name, "")
        for name in {*values, *primary.values}
        if values.get(name, "") != primary.values.get(name, "")
    }
    removed, added = search_index.changed_entries(properties, primary.id, primary.values, written)
    tx.unindex_values(type_id, removed)
    tx.index_values(type_id, added)
    return result


def _merged_ids(primary: StoredObject, merged: StoredObject) -> str:
    """Every id merged into the result: those merged into either record, and ``merged``."""
    ids = {merged.id}
    for record in (primary, merged):
        listed = record.values.get(MERGED_IDS_PROPERTY, "")
        ids.update(int(i) for i in listed.split(";") if i)
    return ";".join(map(str, sorted(ids)))


def _combined_history(writes: Sequence[ObjectWrite], primary_id: int) -> list[ObjectWrite]:
    """The writes of both records as the primary's, oldest first, numbered from 1."""
    ordered = sorted(writes, key=lambda w: (w.timestamp, w.object_id == primary_id, w.version))
    return [
        ObjectWrite(primary_id, version, w.timestamp, w.source_type, w.source_id, w.values)
        for version, w in enumerate(ordered, start=1)
    ]
