"""Merging two tickets into one (``POST .../tickets/merge``), and following merged ids.

The rules (docs/behaviour.md, "Merge"):

- The primary keeps its id (HubSpot's "Primary ID Preservation" behaviour); the merged
  ticket's row is gone and its id names the primary from then on, for reads and writes.
- Values: the primary's win; a property the primary has no value for takes the merged
  ticket's. ``createdate`` is the older of the two, ``hs_lastmodifieddate`` the time of
  the merge, and ``hs_merged_object_ids`` lists every id merged into the result, ever.
- History: the writes of both tickets, interleaved by time (the primary's after the
  merged ticket's at equal instants), then one write with source ``MERGE_OBJECTS``
  setting every value that differs from what that combined history ends with, so each
  property's newest history entry is its current value.
- Unique values held by the merged ticket move to the primary where the primary takes
  its value; the others are released.
- The search index follows: the merged ticket's rows go, the primary's are updated.
- One transaction, with both tickets locked: no concurrent writer can slip between.
"""

from __future__ import annotations

from collections.abc import Sequence

from spoke.domain import search_index
from spoke.domain.catalogue import Catalogue, Properties
from spoke.domain.instants import format_instant, now_ms, parse_instant
from spoke.domain.records import NOT_FOUND_MESSAGE, ReadOptions, TicketRecord, to_record
from spoke.errors import ObjectNotFound, ValidationError
from spoke.store.base import Store, StoredTicket, TicketWrite, Transaction

#: ``sourceType`` of the history entries a merge writes.
MERGE_SOURCE_TYPE = "MERGE_OBJECTS"
#: The property listing every id merged into a ticket, ``;``-separated, in number order.
MERGED_IDS_PROPERTY = "hs_merged_object_ids"

#: Tries at locking tickets while concurrent merges move the ids that name them.
_MAX_LOOKUPS = 3


class TicketMerger:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self._store = store
        self._catalogue = catalogue

    def merge(self, primary: str, to_merge: str, app_id: int) -> TicketRecord:
        """Merge ticket ``to_merge`` into ticket ``primary`` (ids as sent); the result."""
        primary_id = _parse_id(primary, "primaryObjectId")
        merged_id = _parse_id(to_merge, "objectIdToMerge")
        if primary_id is not None and primary_id == merged_id:
            raise ValidationError(
                f"Cannot merge ticket {primary_id} with itself: primaryObjectId and "
                "objectIdToMerge name the same ticket"
            )

        def merge(tx: Transaction, properties: Properties) -> StoredTicket:
            (target_id, source_id), locked = lock_following_merges(
                self._store, tx, [primary_id, merged_id]
            )
            missing = [
                text
                for text, ticket_id in ((primary, target_id), (to_merge, source_id))
                if ticket_id is None
                or ticket_id not in locked
                or locked[ticket_id].archived_at is not None
            ]
            if missing:
                raise ObjectNotFound(NOT_FOUND_MESSAGE, ids=missing)
            assert target_id is not None and source_id is not None
            if target_id == source_id:
                raise ValidationError(
                    f"Cannot merge ticket {target_id} with itself: {primary} and {to_merge} "
                    "both name it since an earlier merge"
                )
            now = now_ms()  # once both are locked: history stays in commit order
            return _merge(
                tx,
                locked[target_id],
                locked[source_id],
                properties=properties,
                app_id=app_id,
                now=now,
            )

        result = self._catalogue.write_in_force(merge)
        names = tuple(sorted(result.values))
        return to_record(result, ReadOptions(names=names, history_names=()), None)


def lock_following_merges(
    store: Store, tx: Transaction, ids: Sequence[int | None]
) -> tuple[list[int | None], dict[int, StoredTicket]]:
    """``ids`` with every merged-away id replaced by the ticket it lives on in, and the
    tickets they name, locked (those that exist).

    Ids are resolved before locking, so every ticket is locked in one ordered call. A
    ticket merged away by a concurrent merge between the two shows up missing once
    locked; its id is then resolved again (at most three times in all).
    """
    wanted = [i for i in ids if i]
    aliases = store.merged_into(wanted) if wanted else {}
    resolved = [aliases.get(i, i) if i else None for i in ids]
    locked = tx.lock_tickets(sorted({i for i in resolved if i}))
    for _ in range(_MAX_LOOKUPS - 1):
        unfound = [i for i in resolved if i and i not in locked]
        moved = store.merged_into(unfound) if unfound else {}
        if not moved:
            break
        resolved = [moved.get(i, i) if i else None for i in resolved]
        locked.update(tx.lock_tickets(sorted(set(moved.values()))))
    return resolved, locked


def _parse_id(text: str, field: str) -> int | None:
    """The ticket id ``text`` names (``None`` for a number no ticket can have)."""
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(
            f"Invalid {field} '{text}': a ticket id is a whole number, such as '512'"
        )
    return int(text) if len(text) < 19 else None


def _merge(
    tx: Transaction,
    primary: StoredTicket,
    merged: StoredTicket,
    *,
    properties: Properties,
    app_id: int,
    now: int,
) -> StoredTicket:
    """Merge locked ticket ``merged`` into locked ticket ``primary``; the primary after."""
    values = {**merged.values, **primary.values}
    values["createdate"] = min(
        primary.values["createdate"], merged.values["createdate"], key=parse_instant
    )
    values["hs_lastmodifieddate"] = format_instant(now)
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
    history.append(TicketWrite(primary.id, version, now, MERGE_SOURCE_TYPE, str(app_id), changed))
    result = StoredTicket(primary.id, values, None, version)

    tx.clear_history([primary.id, merged.id])
    tx.record_writes(history)
    tx.update_tickets([result], now)
    tx.retire_merged_ticket(merged.id, primary.id)
    held = [
        (name, merged.values[name]) for name in properties.unique_names if name in merged.values
    ]
    tx.release_unique_values(held)
    tx.claim_unique_values(
        [(name, value, primary.id) for name, value in held if name not in primary.values]
    )
    # The search index: the merged ticket's rows go, the primary's follow its new values.
    tx.unindex_values(search_index.entries_of(properties, [merged]))
    written = {
        name: values.get(name, "")
        for name in {*values, *primary.values}
        if values.get(name, "") != primary.values.get(name, "")
    }
    removed, added = search_index.changed_entries(properties, primary.id, primary.values, written)
    tx.unindex_values(removed)
    tx.index_values(added)
    return result


def _merged_ids(primary: StoredTicket, merged: StoredTicket) -> str:
    """Every id merged into the result: those merged into either ticket, and ``merged``."""
    ids = {merged.id}
    for ticket in (primary, merged):
        listed = ticket.values.get(MERGED_IDS_PROPERTY, "")
        ids.update(int(i) for i in listed.split(";") if i)
    return ";".join(map(str, sorted(ids)))


def _combined_history(writes: Sequence[TicketWrite], primary_id: int) -> list[TicketWrite]:
    """The writes of both tickets as the primary's, oldest first, numbered from 1."""
    ordered = sorted(writes, key=lambda w: (w.timestamp, w.ticket_id == primary_id, w.version))
    return [
        TicketWrite(primary_id, version, w.timestamp, w.source_type, w.source_id, w.values)
        for version, w in enumerate(ordered, start=1)
    ]
