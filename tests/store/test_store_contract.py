"""The contract every storage backend must honour, written against ``spoke.store.base.Store``.

Each test runs once per backend through the ``store_factory`` fixture, whose params name the
backends Spoke has (``"sqlite"`` and ``"postgres"``, see ``tests/conftest.py``). The records
here are tickets (object type ``0-5``); ``test_store_object_types.py`` holds the contract
between object types.
``store_factory()`` opens a new, migrated :class:`Store` on the test's own fresh database,
so a test can hold two connections to one database. Only the interface is used: no SQL, no
backend internals.

Covered: migrations are idempotent; ticket ids are allocated increasing and unused; tickets
round-trip through insert, read and update; reads ignore unknown ids and handle more ids
than one statement takes; listing pages through live or archived tickets in id order, and
paging by id sees every earlier ticket once while others are created; a transaction that
raises writes nothing and lets the exception through; history is per (ticket, property),
newest first, with ``""`` for cleared values; unique values are claimed, refused, released
and found; custom property definitions round-trip and move the definitions version; tokens
round-trip; app ids are allocated increasing; reads see committed data only, writers of one
ticket are serialised, and ``snapshot()`` reads one committed state. Pipelines: the default
one is there from the start; pipelines, stages and audits round-trip and move the
definitions version; pipeline ids are numeric and new; pipeline writers are serialised;
live tickets are found by pipeline and stage; a transaction holding the definitions
and one changing them wait for each other. Search index: indexed keys are found by
equality and range, once each; unindexed rows are gone; negated conditions and an
unfiltered search cover live tickets only; groups are an OR of ANDs; pages come by offset
with the total; sorts by stored values put missing values last; patterns match stored
values; conditions on the id read the ids; a fresh index is complete. Kept counts: an
equality search counting many rows asks for its count to be kept, which every committed
index write then moves and a write of unsure effect or unindexing the property drops;
they stay exact under concurrent writers moving rows both ways. The change log names the
records changed after their creation, through any connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import msgspec
import orjson
import pytest
from conftest import StoreFactory

from spoke.domain.pipelines import Pipeline, PipelineAudit, Stage
from spoke.domain.properties import Option, PropertyDefinition, PropertyGroup, PropertyType
from spoke.domain.standard_objects.tickets import SUPPORT_PIPELINE
from spoke.store.base import (
    DefinitionChanged,
    HistoryEntry,
    ObjectsRead,
    ObjectWrite,
    PropertyExists,
    PropertyGroupExists,
    Store,
    StoredObject,
    TokenRecord,
    Transaction,
    UniqueValueTaken,
    ValuesRead,
)
from spoke.store.search import (
    ID_PROPERTY,
    KEEP_COUNT_FROM,
    Comparison,
    Condition,
    SearchEntry,
    SearchKey,
    SearchQuery,
    SearchSort,
    SortKind,
)
from spoke.store.selection import value_selection

#: The object type the tests' records are of (tickets); ``test_store_object_types.py``
#: shows that the records of other types stay apart.
TICKETS = "0-5"
#: The tickets' standard property group, which custom properties here name.
GROUP = "ticketinformation"

#: More ids than any backend should put in one statement (SQLite's store chunks at 500).
MANY = 1234


# -- helpers -------------------------------------------------------------------------------


def ticket(
    ticket_id: int, version: int = 1, archived_at: int | None = None, **values: str
) -> StoredObject:
    return StoredObject(ticket_id, dict(values), archived_at, version)


def create_tickets(store: Store, count: int, **values: str) -> list[StoredObject]:
    """``count`` new tickets with ``values`` (plus their own ``n``), each with its first write."""
    with store.transaction() as tx:
        ids = tx.allocate_object_ids(count)
        tickets = [ticket(i, n=str(i), **values) for i in ids]
        tx.insert_objects(TICKETS, tickets, 1_000)
        tx.record_writes([ObjectWrite(t.id, 1, 1_000, "API", None, t.values) for t in tickets])
    return tickets


def by_id(tickets: list[StoredObject]) -> dict[int, StoredObject]:
    found = {t.id: t for t in tickets}
    assert len(found) == len(tickets), f"a ticket was returned twice: {tickets}"
    return found


T = TypeVar("T")


def values_of(entries: list[HistoryEntry]) -> list[str]:
    return [e.value for e in entries]


def run_threads(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread never finished"


class Boom(Exception):
    """Raised inside a transaction to abort it."""


# -- migrations ----------------------------------------------------------------------------


def test_migrate_is_idempotent_and_keeps_data(store_factory: StoreFactory) -> None:
    store = store_factory()
    (created,) = create_tickets(store, 1, subject="kept")
    store.create_properties(
        TICKETS, [PropertyDefinition("kept_prop", "Kept", PropertyType.STRING, "text", GROUP)]
    )
    version = store.definitions_version()

    store.migrate()
    store.migrate()
    other = store_factory()  # migrates again, through another connection
    other.migrate()

    for reader in (store, other):
        assert reader.read_objects(TICKETS, [created.id]) == [created]
        assert reader.count_objects(TICKETS) == 1
        assert reader.definitions_version() == version
        assert [p.name for p in reader.custom_properties().get(TICKETS, [])] == ["kept_prop"]


def test_a_fresh_database_is_empty(store: Store) -> None:
    assert store.count_objects(TICKETS) == 0
    assert store.read_objects(TICKETS, [1, 2, 3]) == []
    assert store.custom_properties().get(TICKETS, []) == []
    assert store.find_unique_values(TICKETS, "anything", ["a"]) == {}
    assert store.read_history(TICKETS, [1], ["subject"]) == {}


# -- ticket ids ----------------------------------------------------------------------------


def test_allocated_ticket_ids_are_increasing_and_unused(store: Store) -> None:
    existing = create_tickets(store, 3)
    with store.transaction() as tx:
        ids = tx.allocate_object_ids(5)
        assert len(ids) == 5
        assert ids == sorted(set(ids)), "ids must be distinct and increasing"
        assert min(ids) > max(t.id for t in existing)
        assert store.read_objects(TICKETS, ids) == []
        tx.insert_objects(TICKETS, [ticket(i) for i in ids], 2_000)
    with store.transaction() as tx:
        later = tx.allocate_object_ids(2)
    assert min(later) > max(ids)
    assert store.read_objects(TICKETS, later) == []
    assert store.count_objects(TICKETS) == 8


def test_allocated_ticket_ids_are_positive(store: Store) -> None:
    with store.transaction() as tx:
        ids = tx.allocate_object_ids(3)
    assert all(i > 0 for i in ids), ids


# -- tickets -------------------------------------------------------------------------------


def test_inserted_tickets_read_back_exactly(store: Store) -> None:
    live = StoredObject(
        101,
        {"subject": "Printer on fire 🔥", "content": 'quotes " and \\ and\nnewlines', "x": ""},
        None,
        1,
    )
    archived = StoredObject(102, {"subject": "old"}, 1_700_000_000_123, 7)
    empty = StoredObject(103, {}, None, 1)
    with store.transaction() as tx:
        tx.insert_objects(TICKETS, [live, archived, empty], 1_700_000_000_000)

    found = by_id(store.read_objects(TICKETS, [103, 101, 102]))
    assert found == {101: live, 102: archived, 103: empty}
    assert store.count_objects(TICKETS) == 3


def test_object_changes_name_records_changed_after_their_creation_on_any_connection(
    store_factory: StoreFactory,
) -> None:
    """The change log (``Store.object_changes``): a first call names no records (any
    may have changed), creations are not changes, and an update, a history row added, an
    archive and a merge's deletion done through another connection are each in the next
    call; the definitions version comes along."""
    reader, writer = store_factory(), store_factory()
    first = reader.object_changes(None)
    assert first.object_ids is None
    assert first.definitions_version == reader.definitions_version()
    kept, updated, archived, merged = create_tickets(writer, 4)
    created = reader.object_changes(first.since)
    assert created.object_ids == []
    with writer.transaction() as tx:
        tx.update_objects(TICKETS, [replace(updated, version=2, values={"n": "x"})], 2_000)
        tx.record_writes([ObjectWrite(updated.id, 2, 2_000, "API", None, {"n": "x"})])
    changed = reader.object_changes(created.since)
    assert set(changed.object_ids or ()) == {updated.id}
    with writer.transaction() as tx:
        tx.update_objects(TICKETS, [replace(archived, version=2, archived_at=3_000)], 3_000)
        tx.clear_history([merged.id])
        tx.retire_merged_object(merged.id, kept.id)
    later = reader.object_changes(changed.since)
    assert set(later.object_ids or ()) == {archived.id, merged.id}
    assert reader.object_changes(later.since).object_ids == []


def test_object_changes_include_a_transaction_that_commits_after_a_later_one(
    store_factory: StoreFactory,
) -> None:
    """A change logged first but committed last is still in the next call after it
    commits, though a call in between saw a change logged after it (PostgreSQL commits
    concurrent writers in any order; SQLite makes the second writer wait)."""
    reader, first_writer, second_writer = store_factory(), store_factory(), store_factory()
    first, second = create_tickets(first_writer, 2)
    start = reader.object_changes(reader.object_changes(None).since)

    def write_second() -> None:
        with second_writer.transaction() as tx:
            tx.update_objects(TICKETS, [replace(second, version=2)], 2_000)

    other = threading.Thread(target=write_second)
    with first_writer.transaction() as tx:
        tx.update_objects(TICKETS, [replace(first, version=2)], 2_000)
        other.start()
        other.join(timeout=1)  # PostgreSQL: committed; SQLite: waiting for the lock
        between = reader.object_changes(start.since)
        assert set(between.object_ids or ()) <= {second.id}
    other.join(timeout=60)
    assert not other.is_alive()
    after = reader.object_changes(between.since)
    assert first.id in (after.object_ids or ())
    seen = {*(between.object_ids or ()), *(after.object_ids or ())}
    assert seen == {first.id, second.id}


def test_object_changes_past_the_logs_reach_name_no_records(store_factory: StoreFactory) -> None:
    """The log keeps about its newest 50,000 rows: a reader that last read it before the
    rows removed gets ``None`` (any record may have changed), one that read it since
    gets the ids."""
    reader, writer = store_factory(), store_factory()
    old = reader.object_changes(reader.object_changes(None).since)
    tickets = create_tickets(writer, 10_000)
    for version in range(2, 8):  # 60,000 rows: the oldest 10,000 are removed
        with writer.transaction() as tx:
            tx.update_objects(TICKETS, [replace(t, version=version) for t in tickets], version)
    recent = reader.object_changes(None)
    assert reader.object_changes(old.since).object_ids is None
    with writer.transaction() as tx:
        tx.update_objects(TICKETS, [replace(tickets[0], version=8)], 8)
    assert reader.object_changes(recent.since).object_ids == [tickets[0].id]


#: Values that text columns, JSON and collations might trip over; a store keeps them exactly.
ODD_VALUES = ("nul \x00 inside", "line\u2028separator", "ü and ü", "  padded  ", "\U0001f525", "")


def test_any_character_round_trips_through_values_history_and_unique_values(
    store: Store,
) -> None:
    values = {f"p{n}": value for n, value in enumerate(ODD_VALUES)}
    with store.transaction() as tx:
        ids = tx.allocate_object_ids(len(ODD_VALUES))
        tx.insert_objects(TICKETS, [StoredObject(ids[0], values, None, 1)], 1)
        tx.record_writes([ObjectWrite(ids[0], 1, 1, "API", None, values)])
        tx.claim_unique_values(
            TICKETS, [("external_key", value, i) for value, i in zip(ODD_VALUES, ids, strict=True)]
        )
    assert store.read_objects(TICKETS, [ids[0]]) == [StoredObject(ids[0], values, None, 1)]
    assert store.read_objects_in_force(TICKETS, [ids[0]]).objects == [
        StoredObject(ids[0], values, None, 1)
    ]
    history = store.read_history(TICKETS, [ids[0]], list(values))
    assert {name: values_of(history[ids[0], name]) for name in values} == {
        name: [value] for name, value in values.items()
    }
    assert store.read_objects_in_force(TICKETS, [ids[0]], list(values)).history == history
    assert store.find_unique_values(
        TICKETS, "external_key", [*ODD_VALUES, "nul ", "u and u"]
    ) == dict(zip(ODD_VALUES, ids, strict=True))
    with pytest.raises(UniqueValueTaken) as raised, store.transaction() as tx:
        tx.claim_unique_values(TICKETS, [("external_key", ODD_VALUES[0], ids[1])])
    assert (raised.value.value, raised.value.holder_id) == (ODD_VALUES[0], ids[0])
    with store.transaction() as tx:
        tx.release_unique_values(TICKETS, [("external_key", value) for value in ODD_VALUES])
    assert store.find_unique_values(TICKETS, "external_key", ODD_VALUES) == {}


def test_read_tickets_ignores_unknown_ids(store: Store) -> None:
    tickets = create_tickets(store, 2)
    ids = [t.id for t in tickets]
    found = store.read_objects(TICKETS, [999_999, ids[1], 0, -5, ids[0], 123_456_789])
    assert by_id(found) == {t.id: t for t in tickets}
    assert store.read_objects(TICKETS, []) == []
    assert store.read_objects(TICKETS, [424_242]) == []


def test_read_tickets_in_force_gives_the_definitions_version_with_the_tickets(
    store_factory: StoreFactory,
) -> None:
    store, other = store_factory(), store_factory()
    tickets = create_tickets(store, 2)
    ids = [t.id for t in tickets]
    archived = StoredObject(ids[1], tickets[1].values, 1_700_000_000_000, 2)
    with store.transaction() as tx:
        tx.update_objects(TICKETS, [archived], 2_000)
    tickets[1] = archived
    version = store.definitions_version()
    read = store.read_objects_in_force(TICKETS, [ids[1], 424_242, ids[0]])
    assert (read.definitions_version, by_id(read.objects), read.history) == (
        version,
        by_id(tickets),
        {},
    )
    assert store.read_objects_in_force(TICKETS, []) == ObjectsRead(version, [], {})
    with other.transaction() as tx:
        tx.change_definitions()
    assert store.read_objects_in_force(TICKETS, [424_242]).definitions_version == version + 1


def test_read_tickets_in_force_reads_the_history_asked_for(store: Store) -> None:
    first, second = create_tickets(store, 2, subject="before", content="kept")
    with store.transaction() as tx:
        tx.update_objects(TICKETS, [StoredObject(first.id, {"subject": "after"}, None, 2)], 2_000)
        tx.record_writes([ObjectWrite(first.id, 2, 2_000, "API", None, {"subject": "after"})])
    names = ["subject", "content"]
    read = store.read_objects_in_force(TICKETS, [first.id, second.id, 424_242], names)
    assert by_id(read.objects) == by_id(store.read_objects(TICKETS, [first.id, second.id]))
    assert read.history == store.read_history(TICKETS, [first.id, second.id], names)
    assert [e.value for e in read.history[(first.id, "subject")]] == ["after", "before"]


def test_read_values_in_force_reads_each_write_for_the_history_names(store: Store) -> None:
    first, second = create_tickets(store, 2, subject="before", content="kept")
    with store.transaction() as tx:
        ids = tx.allocate_object_ids(1)
        tx.insert_objects("0-1", [ticket(ids[0], subject="a contact")], 1_000)
        tx.record_writes([ObjectWrite(ids[0], 1, 1_000, "API", None, {"subject": "a contact"})])
        tx.update_objects(TICKETS, [StoredObject(first.id, {"subject": "after"}, None, 2)], 2_000)
        tx.record_writes([ObjectWrite(first.id, 2, 2_000, "API", None, {"subject": "after"})])
    names = ("content", "subject")
    history = value_selection(names)
    asked = [second.id, ids[0], 424_242, first.id]
    read = store.read_values_in_force(TICKETS, asked, value_selection(("subject",)), history)
    assert sorted(i for i, _, _ in read.objects) == [first.id, second.id]
    entries = store.read_history(TICKETS, [first.id, second.id], names)
    got = [
        (object_id, name, getattr(values, field), at, source_type, source_id)
        for object_id, at, source_type, source_id, values in read.writes
        for name, field in zip(names, history.fields, strict=True)
        if getattr(values, field) is not None
    ]
    # Each record's writes newest first (records in any order), as read_history reads them.
    assert sorted(got, key=lambda e: (e[0], e[1])) == [
        (e.object_id, e.property, e.value, e.timestamp, e.source_type, e.source_id)
        for key in sorted(entries)
        for e in entries[key]
    ]
    assert [g[2] for g in got if g[0] == first.id] == ["after", "kept", "before"]
    many = [t.id for t in create_tickets(store, MANY)]
    read = store.read_values_in_force(TICKETS, many, history, history)
    assert sorted(w[0] for w in read.writes) == many
    assert store.read_values_in_force(TICKETS, [ids[0]], history, history).writes == []


def test_read_values_in_force_decodes_the_selected_names_to_the_bytes_orjson_writes(
    store_factory: StoreFactory,
) -> None:
    store, other = store_factory(), store_factory()
    odd = {f"p{n}": value for n, value in enumerate(ODD_VALUES)}
    first, second = create_tickets(store, 2, subject="one", **odd)
    with store.transaction() as tx:
        ids = tx.allocate_object_ids(1)
        tx.insert_objects("0-1", [ticket(ids[0], subject="a contact")], 1_000)
        tx.update_objects(TICKETS, [replace(second, archived_at=2_000, version=2)], 2_000)
    names = ("subject", "absent", *odd, "n")
    selection = value_selection(names)
    version = store.definitions_version()
    read = store.read_values_in_force(TICKETS, [second.id, 424_242, ids[0], first.id], selection)
    assert read.definitions_version == version
    assert sorted((i, archived_at) for i, _, archived_at in read.objects) == [
        (first.id, None),
        (second.id, 2_000),
    ]
    for record_id, values, _ in read.objects:
        stored = first.values if record_id == first.id else second.values
        expected = {name: stored.get(name) for name in names}
        assert msgspec.json.encode(values) == orjson.dumps(expected)
        assert getattr(values, selection.getter("n")) == str(record_id)
    many = create_tickets(store, MANY)
    read = store.read_values_in_force(TICKETS, [t.id for t in many], selection)
    assert sorted(i for i, _, _ in read.objects) == [t.id for t in many]
    assert store.read_values_in_force(TICKETS, [], selection) == ValuesRead(version, [], [])
    with other.transaction() as tx:
        tx.change_definitions()
    assert store.read_values_in_force(TICKETS, [424_242], selection).definitions_version == (
        version + 1
    )
    read = store.read_values_in_force(TICKETS, [first.id], selection)
    assert read.definitions_version == version + 1


def test_read_tickets_handles_more_ids_than_one_statement_takes(store: Store) -> None:
    tickets = create_tickets(store, MANY)
    wanted = [t.id for t in reversed(tickets)] + list(range(10**9, 10**9 + 300))
    found = by_id(store.read_objects(TICKETS, wanted))
    assert found == {t.id: t for t in tickets}
    assert store.count_objects(TICKETS) == MANY


def test_update_tickets_replaces_values_version_and_archived_at(store: Store) -> None:
    first, second = create_tickets(store, 2, subject="before", content="will go")
    changed = StoredObject(first.id, {"subject": "after", "new": "value"}, 1_800_000_000_000, 2)
    with store.transaction() as tx:
        assert tx.lock_objects(TICKETS, [first.id, second.id, 987_654]) == {
            first.id: first,
            second.id: second,
        }
        tx.update_objects(TICKETS, [changed], 5_000)
    assert by_id(store.read_objects(TICKETS, [first.id, second.id])) == {
        first.id: changed,  # values replaced, not merged: "content" and "n" are gone
        second.id: second,  # untouched
    }

    restored = StoredObject(first.id, {"subject": "restored"}, None, 3)
    with store.transaction() as tx:
        tx.update_objects(TICKETS, [restored], 6_000)
    assert store.read_objects(TICKETS, [first.id]) == [restored]


def test_lock_tickets_sees_archived_tickets_inserted_earlier_in_the_transaction(
    store: Store,
) -> None:
    with store.transaction() as tx:
        (ticket_id,) = tx.allocate_object_ids(1)
        archived = ticket(ticket_id, archived_at=1, subject="gone")
        tx.insert_objects(TICKETS, [archived], 1)
        assert tx.lock_objects(TICKETS, [ticket_id]) == {ticket_id: archived}


# -- listing -------------------------------------------------------------------------------


def archive(store: Store, tickets: list[StoredObject], at: int = 5_000) -> list[StoredObject]:
    """``tickets`` archived at ``at``, as stored."""
    archived = [StoredObject(t.id, t.values, at, t.version + 1) for t in tickets]
    with store.transaction() as tx:
        tx.update_objects(TICKETS, archived, at)
    return archived


def test_list_tickets_pages_in_id_order_from_above_after_id(store: Store) -> None:
    tickets = create_tickets(store, 7)
    ids = [t.id for t in tickets]
    assert store.list_objects(TICKETS, 0, 100, archived=False) == tickets
    assert store.list_objects(TICKETS, 0, 3, archived=False) == tickets[:3]
    assert store.list_objects(TICKETS, ids[2], 3, archived=False) == tickets[3:6]
    assert store.list_objects(TICKETS, ids[5], 3, archived=False) == tickets[6:]
    assert store.list_objects(TICKETS, ids[-1], 3, archived=False) == []
    assert store.list_objects(TICKETS, -1, 2, archived=False) == tickets[:2]
    assert store.list_objects(TICKETS, 2**63 - 1, 2, archived=False) == []


def test_list_tickets_lists_live_or_archived_tickets_never_both(store: Store) -> None:
    tickets = create_tickets(store, 6)
    archived = archive(store, tickets[1::2])
    live = tickets[0::2]
    assert store.list_objects(TICKETS, 0, 100, archived=False) == live
    assert store.list_objects(TICKETS, 0, 100, archived=True) == archived
    assert store.list_objects(TICKETS, archived[0].id, 1, archived=True) == archived[1:2]
    assert store.list_objects(TICKETS, live[0].id, 1, archived=False) == live[1:2]


def test_list_tickets_of_an_empty_store_is_empty(store: Store) -> None:
    assert store.list_objects(TICKETS, 0, 10, archived=False) == []
    assert store.list_objects(TICKETS, 0, 10, archived=True) == []


def test_paging_by_id_sees_every_earlier_ticket_once_while_others_are_created(
    store_factory: StoreFactory,
) -> None:
    reader, writer = store_factory(), store_factory()
    earlier = create_tickets(writer, 25)
    seen: list[int] = []
    after_id = 0
    while page := reader.list_objects(TICKETS, after_id, 4, archived=False):
        seen += [t.id for t in page]
        after_id = page[-1].id
        if after_id < earlier[-1].id:
            create_tickets(writer, 3)  # between two pages of the earlier tickets
    assert len(seen) == len(set(seen)), "a ticket was listed twice"
    assert seen == sorted(seen)
    assert {t.id for t in earlier} <= set(seen)


# -- transactions --------------------------------------------------------------------------


def test_a_transaction_that_raises_writes_nothing_and_the_exception_propagates(
    store: Store,
) -> None:
    (kept,) = create_tickets(store, 1, subject="kept")
    with store.transaction() as tx:
        tx.claim_unique_values(TICKETS, [("external_key", "KEPT", kept.id)])

    with pytest.raises(Boom), store.transaction() as tx:
        ids = tx.allocate_object_ids(2)
        tx.insert_objects(TICKETS, [ticket(i, subject="doomed") for i in ids], 2_000)
        tx.record_writes(
            [ObjectWrite(i, 1, 2_000, "API", None, {"subject": "doomed"}) for i in ids]
        )
        tx.update_objects(TICKETS, [StoredObject(kept.id, {"subject": "changed"}, 3, 2)], 2_000)
        tx.record_writes([ObjectWrite(kept.id, 2, 2_000, "API", None, {"subject": "changed"})])
        tx.claim_unique_values(TICKETS, [("external_key", "DOOMED", ids[0])])
        tx.release_unique_values(TICKETS, [("external_key", "KEPT")])
        raise Boom()

    assert store.count_objects(TICKETS) == 1
    assert store.read_objects(TICKETS, [*ids, kept.id]) == [kept]
    history = store.read_history(TICKETS, [*ids, kept.id], ["subject"])
    assert history == {
        (kept.id, "subject"): [HistoryEntry(kept.id, "subject", "kept", 1_000, "API", None)]
    }
    assert store.find_unique_values(TICKETS, "external_key", ["KEPT", "DOOMED"]) == {
        "KEPT": kept.id
    }

    # The store is usable afterwards, and the refused value is free.
    with store.transaction() as tx:
        tx.claim_unique_values(TICKETS, [("external_key", "DOOMED", kept.id)])
    assert store.find_unique_values(TICKETS, "external_key", ["DOOMED"]) == {"DOOMED": kept.id}


def test_uncommitted_writes_are_invisible_to_other_connections(
    store_factory: StoreFactory,
) -> None:
    writer, reader = store_factory(), store_factory()
    (existing,) = create_tickets(writer, 1, subject="v1")
    with writer.transaction() as tx:
        (new_id,) = tx.allocate_object_ids(1)
        tx.insert_objects(TICKETS, [ticket(new_id, subject="new")], 2_000)
        tx.update_objects(TICKETS, [StoredObject(existing.id, {"subject": "v2"}, None, 2)], 2_000)
        tx.record_writes([ObjectWrite(existing.id, 2, 2_000, "API", None, {"subject": "v2"})])
        tx.claim_unique_values(TICKETS, [("external_key", "K", new_id)])

        assert reader.read_objects(TICKETS, [existing.id, new_id]) == [existing]
        assert reader.count_objects(TICKETS) == 1
        assert values_of(
            reader.read_history(TICKETS, [existing.id], ["subject"])[existing.id, "subject"]
        ) == ["v1"]
        assert reader.find_unique_values(TICKETS, "external_key", ["K"]) == {}

    # Once committed, the other connection's next read sees it.
    assert by_id(reader.read_objects(TICKETS, [existing.id, new_id])) == {
        existing.id: StoredObject(existing.id, {"subject": "v2"}, None, 2),
        new_id: ticket(new_id, subject="new"),
    }
    assert reader.find_unique_values(TICKETS, "external_key", ["K"]) == {"K": new_id}


def test_writers_of_one_ticket_are_serialised_so_no_update_is_lost(
    store_factory: StoreFactory,
) -> None:
    """Several connections increment one ticket's counter under ``lock_tickets``."""
    writers, increments = 4, 15
    stores = [store_factory() for _ in range(writers)]
    (counter,) = create_tickets(stores[0], 1, counter="0")
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def increment(store: Store) -> None:
        try:
            start.wait(timeout=10)
            for _ in range(increments):
                with store.transaction() as tx:
                    current = tx.lock_objects(TICKETS, [counter.id])[counter.id]
                    value = str(int(current.values["counter"]) + 1)
                    version = current.version + 1
                    tx.update_objects(
                        TICKETS,
                        [
                            StoredObject(
                                counter.id, {**current.values, "counter": value}, None, version
                            )
                        ],
                        version,
                    )
                    tx.record_writes(
                        [ObjectWrite(counter.id, version, version, "API", None, {"counter": value})]
                    )
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=increment, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads), "a writer never finished"

    total = writers * increments
    (final,) = stores[1].read_objects(TICKETS, [counter.id])
    assert final.values["counter"] == str(total)
    assert final.version == total + 1
    history = stores[2].read_history(TICKETS, [counter.id], ["counter"])[counter.id, "counter"]
    assert values_of(history) == [str(n) for n in range(total, -1, -1)]


# -- history -------------------------------------------------------------------------------


def test_history_is_per_ticket_and_property_newest_first_with_cleared_values(
    store: Store,
) -> None:
    with store.transaction() as tx:
        a, b = tx.allocate_object_ids(2)
        tx.insert_objects(TICKETS, [ticket(a, 3, content="c1"), ticket(b, 1, subject="b1")], 10)
        tx.record_writes(
            [
                ObjectWrite(a, 1, 10, "API", None, {"subject": "a1", "content": "c1"}),
                ObjectWrite(b, 1, 11, "INTEGRATION", "4242", {"subject": "b1", "status": "s"}),
                ObjectWrite(a, 2, 20, "INTEGRATION", "77", {"subject": "a2"}),
            ]
        )
    with store.transaction() as tx:
        tx.record_writes([ObjectWrite(a, 3, 30, "CRM_UI", None, {"subject": "", "other": "o"})])

    history = store.read_history(TICKETS, [a, b, 555_555], ["subject", "content", "never_written"])
    assert history[a, "subject"] == [
        HistoryEntry(a, "subject", "", 30, "CRM_UI", None),
        HistoryEntry(a, "subject", "a2", 20, "INTEGRATION", "77"),
        HistoryEntry(a, "subject", "a1", 10, "API", None),
    ]
    assert history[a, "content"] == [HistoryEntry(a, "content", "c1", 10, "API", None)]
    assert history[b, "subject"] == [HistoryEntry(b, "subject", "b1", 11, "INTEGRATION", "4242")]
    assert history.get((a, "never_written"), []) == []
    assert history.get((b, "content"), []) == []
    # Only the requested properties, and only the requested tickets.
    assert {name for _, name in history} <= {"subject", "content", "never_written"}
    assert {ticket_id for ticket_id, _ in history} == {a, b}
    assert store.read_history(TICKETS, [a], ["status"]).get((a, "status"), []) == []
    assert store.read_history(TICKETS, [b], ["status"])[b, "status"] == [
        HistoryEntry(b, "status", "s", 11, "INTEGRATION", "4242")
    ]


def test_history_is_in_version_order_even_when_timestamps_tie(store: Store) -> None:
    (t,) = create_tickets(store, 1, subject="v1")
    with store.transaction() as tx:
        tx.record_writes(
            [ObjectWrite(t.id, v, 1_000, "API", None, {"subject": f"v{v}"}) for v in (3, 2, 4)]
        )
    history = store.read_history(TICKETS, [t.id], ["subject"])[t.id, "subject"]
    assert values_of(history) == ["v4", "v3", "v2", "v1"]


def test_history_reads_more_tickets_than_one_statement_takes(store: Store) -> None:
    tickets = create_tickets(store, MANY, subject="s")
    history = store.read_history(TICKETS, [t.id for t in tickets], ["subject", "n"])
    assert len(history) == 2 * MANY
    for t in tickets:
        assert values_of(history[t.id, "n"]) == [str(t.id)]
        assert values_of(history[t.id, "subject"]) == ["s"]


# -- unique values -------------------------------------------------------------------------


def test_a_taken_unique_value_is_refused_with_its_holder(store: Store) -> None:
    holder, other = create_tickets(store, 2)
    with store.transaction() as tx:
        tx.claim_unique_values(
            TICKETS, [("external_key", "K-1", holder.id), ("serial", "7", holder.id)]
        )

    with pytest.raises(UniqueValueTaken) as raised, store.transaction() as tx:
        tx.claim_unique_values(TICKETS, [("external_key", "K-1", other.id)])
    assert raised.value.property_name == "external_key"
    assert raised.value.value == "K-1"
    assert raised.value.holder_id == holder.id
    assert store.find_unique_values(TICKETS, "external_key", ["K-1"]) == {"K-1": holder.id}

    # The same value of another property, and another value of the same one, are free.
    with store.transaction() as tx:
        tx.claim_unique_values(
            TICKETS, [("serial", "K-1", other.id), ("external_key", "k-1", other.id)]
        )
    assert store.find_unique_values(TICKETS, "serial", ["K-1", "7"]) == {
        "K-1": other.id,
        "7": holder.id,
    }
    assert store.find_unique_values(TICKETS, "external_key", ["k-1", "K-1"]) == {
        "k-1": other.id,
        "K-1": holder.id,
    }


def test_a_released_unique_value_can_be_claimed_again(store: Store) -> None:
    holder, other = create_tickets(store, 2)
    with store.transaction() as tx:
        tx.claim_unique_values(TICKETS, [("external_key", "K-1", holder.id)])
    with store.transaction() as tx:
        tx.release_unique_values(TICKETS, [("external_key", "K-1"), ("external_key", "never held")])
    assert store.find_unique_values(TICKETS, "external_key", ["K-1"]) == {}
    with store.transaction() as tx:
        tx.claim_unique_values(TICKETS, [("external_key", "K-1", other.id)])
    assert store.find_unique_values(TICKETS, "external_key", ["K-1"]) == {"K-1": other.id}


def test_release_then_claim_in_one_transaction_moves_a_value(store: Store) -> None:
    holder, other = create_tickets(store, 2)
    with store.transaction() as tx:
        tx.claim_unique_values(TICKETS, [("external_key", "K-1", holder.id)])
    with store.transaction() as tx:
        tx.release_unique_values(TICKETS, [("external_key", "K-1")])
        tx.claim_unique_values(TICKETS, [("external_key", "K-1", other.id)])
    assert store.find_unique_values(TICKETS, "external_key", ["K-1"]) == {"K-1": other.id}


def test_find_unique_values_maps_held_values_to_holders_and_skips_the_rest(store: Store) -> None:
    tickets = create_tickets(store, MANY)
    with store.transaction() as tx:
        tx.claim_unique_values(TICKETS, [("external_key", f"K-{t.id}", t.id) for t in tickets])
    wanted = [f"K-{t.id}" for t in tickets] + ["nobody", "K-0"]
    assert store.find_unique_values(TICKETS, "external_key", wanted) == {
        f"K-{t.id}": t.id for t in tickets
    }
    assert store.find_unique_values(TICKETS, "other_property", wanted) == {}
    assert store.find_unique_values(TICKETS, "external_key", []) == {}


def test_concurrent_claims_of_one_value_let_exactly_one_win(store_factory: StoreFactory) -> None:
    racers = 6
    stores = [store_factory() for _ in range(racers)]
    tickets = create_tickets(stores[0], racers)
    start = threading.Barrier(racers)
    outcomes: dict[int, int | str | None] = {}
    errors: list[BaseException] = []

    def claim(n: int) -> None:
        try:
            start.wait(timeout=10)
            with stores[n].transaction() as tx:
                tx.claim_unique_values(TICKETS, [("external_key", "RACE", tickets[n].id)])
            outcomes[n] = "won"
        except UniqueValueTaken as taken:
            outcomes[n] = taken.holder_id
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    run_threads([threading.Thread(target=claim, args=(n,)) for n in range(racers)])
    assert not errors, errors
    (winner,) = [n for n, outcome in outcomes.items() if outcome == "won"]
    assert {n: outcomes[n] for n in outcomes if n != winner} == {
        n: tickets[winner].id for n in range(racers) if n != winner
    }, "every loser is told who holds the value"
    assert stores[1].find_unique_values(TICKETS, "external_key", ["RACE"]) == {
        "RACE": tickets[winner].id
    }


def test_concurrent_moves_of_unique_values_never_deadlock(store_factory: StoreFactory) -> None:
    """Writers swap values between their tickets in every order (release one value, claim
    another, in one transaction): each transaction commits or is refused with
    UniqueValueTaken, never fails otherwise, and every value keeps exactly one holder."""
    writers, rounds, keys = 4, 20, ["A", "B", "C", "D", "E"]
    stores = [store_factory() for _ in range(writers)]
    tickets = create_tickets(stores[0], writers)
    with stores[0].transaction() as tx:
        tx.update_objects(TICKETS, [ticket(t.id, 2, key=keys[n]) for n, t in enumerate(tickets)], 2)
        tx.claim_unique_values(TICKETS, [("k", keys[n], t.id) for n, t in enumerate(tickets)])
    start = threading.Barrier(writers)
    refused: list[int] = []
    errors: list[BaseException] = []

    def move(n: int) -> None:
        mine = tickets[n].id
        try:
            start.wait(timeout=10)
            for r in range(rounds):
                try:
                    with stores[n].transaction() as tx:
                        current = tx.lock_objects(TICKETS, [mine])[mine]
                        old = current.values["key"]
                        new = keys[(keys.index(old) + 1 + (n + r) % 3) % len(keys)]
                        tx.release_unique_values(TICKETS, [("k", old)])
                        tx.claim_unique_values(TICKETS, [("k", new, mine)])
                        tx.update_objects(TICKETS, [ticket(mine, current.version + 1, key=new)], 3)
                except UniqueValueTaken:
                    refused.append(n)
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    run_threads([threading.Thread(target=move, args=(n,)) for n in range(writers)])
    assert not errors, errors
    held = stores[1].find_unique_values(TICKETS, "k", keys)
    final = by_id(stores[1].read_objects(TICKETS, [t.id for t in tickets]))
    assert held == {t.values["key"]: t.id for t in final.values()}
    assert len(held) == writers, f"a value lost its holder or has two: {held}"


# -- custom property definitions -----------------------------------------------------------


def test_custom_properties_come_in_code_point_order_of_their_names(store: Store) -> None:
    names = ["b", "B", "a_1", "a1", "A", "é", "z", "Z_", "_"]
    for name in names:
        store.create_properties(
            TICKETS, [PropertyDefinition(name, name, PropertyType.STRING, "text", GROUP)]
        )
    assert [d.name for d in store.custom_properties().get(TICKETS, [])] == sorted(names)


def rich_definition(name: str = "plan_tier") -> PropertyDefinition:
    """A definition with every field set away from its default."""
    return PropertyDefinition(
        name=name,
        label="Plan tier ✓",
        type=PropertyType.ENUMERATION,
        field_type="checkbox",
        group_name="billing",
        description='Which "plan" the customer is on',
        options=(
            Option("Free", "free", 0, False, "no cost"),
            Option("Pro", "pro", 1, True, ""),
            Option("Enterprise; big", "enterprise", 2),
        ),
        display_order=4,
        has_unique_value=True,
        hidden=True,
        form_field=True,
        hubspot_defined=False,
        calculated=True,
        external_options=True,
        read_only_value=True,
        read_only_definition=True,
        archivable=False,
        created_at=1_700_000_000_001,
        updated_at=1_700_000_000_002,
    )


def test_custom_property_round_trips_and_moves_the_definitions_version(
    store_factory: StoreFactory,
) -> None:
    store, other = store_factory(), store_factory()
    before = store.definitions_version()
    definition = rich_definition()
    store.create_properties(TICKETS, [definition])

    after = store.definitions_version()
    assert after != before
    assert other.definitions_version() == after, "another connection sees the new version"
    for reader in (store, other):
        (read,) = reader.custom_properties().get(TICKETS, [])
        assert read == definition
        assert type(read.type) is PropertyType
        assert all(type(o) is Option for o in read.options)

    plain = PropertyDefinition("a_plain_one", "Plain", PropertyType.NUMBER, "number", GROUP)
    store.create_properties(TICKETS, [plain])
    assert store.definitions_version() not in (before, after)
    assert sorted(other.custom_properties().get(TICKETS, []), key=lambda d: d.name) == [
        plain,
        definition,
    ]


def test_creating_a_property_twice_raises_property_exists(store: Store) -> None:
    original = rich_definition("dup")
    store.create_properties(TICKETS, [original])
    version = store.definitions_version()
    with pytest.raises(PropertyExists):
        store.create_properties(
            TICKETS, [PropertyDefinition("dup", "Other", PropertyType.STRING, "text", GROUP)]
        )
    assert store.custom_properties().get(TICKETS, []) == [original]
    assert store.definitions_version() == version
    # The store stays usable.
    store.create_properties(
        TICKETS, [PropertyDefinition("after_dup", "After", PropertyType.STRING, "text", GROUP)]
    )
    assert len(store.custom_properties().get(TICKETS, [])) == 2


# -- tokens and app ids --------------------------------------------------------------------


def test_tokens_round_trip_and_unknown_hashes_are_none(store_factory: StoreFactory) -> None:
    store, other = store_factory(), store_factory()
    scoped = TokenRecord("a" * 64, 1_000_001, ("tickets", "crm.schemas.tickets.read"), 5, None)
    expiring = TokenRecord("b" * 64, 4242, ("tickets",), 6, 7_000)
    unscoped = TokenRecord("c" * 64, 1_000_002, (), 8, None)
    for record in (scoped, expiring, unscoped):
        store.insert_token(record)
    for reader in (store, other):
        assert reader.find_token("a" * 64) == scoped
        assert reader.find_token("b" * 64) == expiring
        assert reader.find_token("c" * 64) == unscoped
        assert reader.find_token("d" * 64) is None
        assert reader.find_token("") is None


def test_allocate_app_id_is_above_every_stored_app_id(store: Store) -> None:
    first = store.allocate_app_id()
    store.insert_token(TokenRecord("a" * 64, first, ("tickets",), 1, None))
    second = store.allocate_app_id()
    assert second > first
    store.insert_token(TokenRecord("b" * 64, second, ("tickets",), 2, None))
    assert store.allocate_app_id() > second


def test_allocate_app_id_twice_gives_two_increasing_ids(store_factory: StoreFactory) -> None:
    """An allocation is one app's: two callers (even on two connections) never share it."""
    store, other = store_factory(), store_factory()
    first = store.allocate_app_id()
    second = other.allocate_app_id()
    third = store.allocate_app_id()
    assert first < second < third


# -- snapshots -----------------------------------------------------------------------------


def test_snapshot_reads_one_committed_state(store_factory: StoreFactory) -> None:
    store, writer = store_factory(), store_factory()
    (existing,) = create_tickets(store, 1, subject="v1")
    with store.transaction() as tx:
        tx.claim_unique_values(TICKETS, [("external_key", "OLD", existing.id)])

    with store.snapshot():
        # SQLite's WAL fixes the snapshot at the block's first read.
        assert store.read_objects(TICKETS, [existing.id]) == [existing]

        with writer.transaction() as tx:
            (new_id,) = tx.allocate_object_ids(1)
            tx.insert_objects(TICKETS, [ticket(new_id, subject="new")], 2_000)
            tx.update_objects(
                TICKETS, [StoredObject(existing.id, {"subject": "v2"}, 2_000, 2)], 2_000
            )
            tx.record_writes([ObjectWrite(existing.id, 2, 2_000, "API", None, {"subject": "v2"})])
            tx.release_unique_values(TICKETS, [("external_key", "OLD")])
            tx.claim_unique_values(TICKETS, [("external_key", "NEW", new_id)])
        assert writer.read_objects(TICKETS, [new_id]) != [], "the writer committed"

        assert store.read_objects(TICKETS, [existing.id, new_id]) == [existing]
        assert store.count_objects(TICKETS) == 1
        history = store.read_history(TICKETS, [existing.id, new_id], ["subject"])
        assert {k: values_of(v) for k, v in history.items()} == {(existing.id, "subject"): ["v1"]}
        assert store.find_unique_values(TICKETS, "external_key", ["OLD", "NEW"]) == {
            "OLD": existing.id
        }

    assert by_id(store.read_objects(TICKETS, [existing.id, new_id])) == {
        existing.id: StoredObject(existing.id, {"subject": "v2"}, 2_000, 2),
        new_id: ticket(new_id, subject="new"),
    }
    assert store.count_objects(TICKETS) == 2
    assert values_of(
        store.read_history(TICKETS, [existing.id], ["subject"])[existing.id, "subject"]
    ) == [
        "v2",
        "v1",
    ]
    assert store.find_unique_values(TICKETS, "external_key", ["OLD", "NEW"]) == {"NEW": new_id}


def test_snapshot_does_not_block_writers_and_can_be_repeated(store_factory: StoreFactory) -> None:
    store, writer = store_factory(), store_factory()
    create_tickets(store, 1)
    for round_number in range(3):
        with store.snapshot():
            seen = store.count_objects(TICKETS)
            create_tickets(writer, 1)
            assert store.count_objects(TICKETS) == seen
        assert store.count_objects(TICKETS) == seen + 1 == round_number + 2


# -- merges --------------------------------------------------------------------------------


def merge_into(store: Store, merged: StoredObject, primary: StoredObject) -> None:
    """What the domain's merge asks of the store, minus the values and history."""
    with store.transaction() as tx:
        tx.lock_objects(TICKETS, [primary.id, merged.id])
        tx.clear_history([merged.id])
        tx.retire_merged_object(merged.id, primary.id)


def test_a_merged_ticket_is_gone_and_its_id_names_the_primary(store: Store) -> None:
    primary, merged, other = create_tickets(store, 3)
    merge_into(store, merged, primary)

    assert by_id(store.read_objects(TICKETS, [primary.id, merged.id, other.id])) == {
        primary.id: primary,
        other.id: other,
    }
    assert store.count_objects(TICKETS) == 2
    assert store.list_objects(TICKETS, 0, 10, archived=False) == [primary, other]
    assert store.merged_into(TICKETS, [primary.id, merged.id, other.id, 999]) == {
        merged.id: primary.id
    }
    assert store.read_merged_objects(TICKETS, [primary.id, merged.id, other.id, 999]) == {
        merged.id: primary
    }
    assert store.read_history(TICKETS, [merged.id], ["n"]) == {}


def test_merged_ids_follow_their_primary_when_it_is_merged_in_turn(store: Store) -> None:
    first, second, third, fourth = create_tickets(store, 4)
    merge_into(store, first, second)
    merge_into(store, second, third)
    merge_into(store, fourth, third)

    assert store.merged_into(TICKETS, [first.id, second.id, third.id, fourth.id]) == {
        first.id: third.id,
        second.id: third.id,
        fourth.id: third.id,
    }
    assert store.read_merged_objects(TICKETS, [first.id, second.id, fourth.id]) == {
        first.id: third,
        second.id: third,
        fourth.id: third,
    }


def test_read_merged_tickets_gives_an_archived_primary_as_it_is(store: Store) -> None:
    primary, merged = create_tickets(store, 2)
    merge_into(store, merged, primary)
    (archived,) = archive(store, [primary])
    assert store.read_merged_objects(TICKETS, [merged.id]) == {merged.id: archived}


def test_a_merged_away_id_is_never_given_to_a_new_ticket(store: Store) -> None:
    primary, highest = create_tickets(store, 2)
    merge_into(store, highest, primary)
    with store.transaction() as tx:
        new_ids = tx.allocate_object_ids(3)
    assert min(new_ids) > highest.id
    assert len(set(new_ids)) == 3


def test_read_writes_gives_every_write_in_version_order_and_clear_history_drops_them(
    store: Store,
) -> None:
    first, second = create_tickets(store, 2)
    with store.transaction() as tx:
        tx.update_objects(TICKETS, [StoredObject(first.id, {"subject": "b"}, None, 2)], 2_000)
        tx.record_writes([ObjectWrite(first.id, 2, 2_000, "API", "7", {"subject": "b"})])
    with store.transaction() as tx:
        writes = tx.read_writes([first.id, second.id, 999])
    assert sorted(writes, key=lambda w: (w.object_id, w.version)) == writes
    assert writes == [
        ObjectWrite(first.id, 1, 1_000, "API", None, {"n": str(first.id)}),
        ObjectWrite(first.id, 2, 2_000, "API", "7", {"subject": "b"}),
        ObjectWrite(second.id, 1, 1_000, "API", None, {"n": str(second.id)}),
    ]

    with store.transaction() as tx:
        tx.clear_history([first.id])
        assert tx.read_writes([first.id]) == []
        tx.record_writes([ObjectWrite(first.id, 1, 3_000, "MERGE_OBJECTS", "7", {"n": "x"})])
    history = store.read_history(TICKETS, [first.id, second.id], ["n"])
    assert {k: values_of(v) for k, v in history.items()} == {
        (first.id, "n"): ["x"],
        (second.id, "n"): [str(second.id)],
    }


def test_a_merge_that_raises_changes_nothing(store: Store) -> None:
    primary, merged = create_tickets(store, 2)
    with pytest.raises(Boom), store.transaction() as tx:
        tx.lock_objects(TICKETS, [primary.id, merged.id])
        tx.clear_history([primary.id, merged.id])
        tx.retire_merged_object(merged.id, primary.id)
        raise Boom()
    assert by_id(store.read_objects(TICKETS, [primary.id, merged.id])) == {
        primary.id: primary,
        merged.id: merged,
    }
    assert store.merged_into(TICKETS, [merged.id]) == {}
    assert len(store.read_history(TICKETS, [primary.id, merged.id], ["n"])) == 2


# -- property definitions: batches, changes, groups ----------------------------------------


def plain_property(name: str, label: str = "Plain") -> PropertyDefinition:
    return PropertyDefinition(name, label, PropertyType.STRING, "text", GROUP)


def test_create_properties_stores_all_or_none(store_factory: StoreFactory) -> None:
    store, other = store_factory(), store_factory()
    first, second = rich_definition("first_one"), plain_property("second_one")
    before = store.definitions_version()
    store.create_properties(TICKETS, [first, second])
    version = store.definitions_version()
    assert version != before
    assert other.custom_properties().get(TICKETS, []) == [first, second]

    with pytest.raises(PropertyExists):
        store.create_properties(
            TICKETS, [plain_property("third_one"), plain_property("second_one", "X")]
        )
    assert other.custom_properties().get(TICKETS, []) == [first, second], (
        "nothing of a refused batch is stored"
    )
    assert store.definitions_version() == version


def test_replace_properties_needs_the_stored_definitions_unchanged(
    store_factory: StoreFactory,
) -> None:
    store, other = store_factory(), store_factory()
    one, two = rich_definition("one_prop"), plain_property("two_prop")
    store.create_properties(TICKETS, [one, two])
    version = store.definitions_version()

    archived = PropertyDefinition(
        "two_prop", "Renamed", PropertyType.NUMBER, "number", GROUP, archived_at=1_700_000_000_003
    )
    store.replace_properties(TICKETS, [(two, archived)])
    assert store.definitions_version() != version
    assert other.custom_properties().get(TICKETS, []) == [one, archived]
    assert other.custom_properties().get(TICKETS, [])[1].archived_at == 1_700_000_000_003

    version = store.definitions_version()
    relabelled = PropertyDefinition("one_prop", "New", PropertyType.STRING, "text", GROUP)
    with pytest.raises(DefinitionChanged):  # the second change starts from a stale definition
        store.replace_properties(
            TICKETS, [(one, relabelled), (two, plain_property("two_prop", "Y"))]
        )
    with pytest.raises(DefinitionChanged):  # no such property
        store.replace_properties(TICKETS, [(plain_property("nope"), plain_property("nope", "Z"))])
    assert other.custom_properties().get(TICKETS, []) == [one, archived], (
        "a refused change writes nothing"
    )
    assert store.definitions_version() == version


def test_property_has_values_looks_at_live_and_archived_tickets(store: Store) -> None:
    (holder,) = create_tickets(store, 1, kk="1", note='say "k": yes')
    assert not store.property_has_values(TICKETS, "k"), (
        "neither a longer key nor a value's text counts"
    )
    assert store.property_has_values(TICKETS, "kk")
    assert store.property_has_values(TICKETS, "note")
    with store.transaction() as tx:
        tx.update_objects(TICKETS, [ticket(holder.id, 2, 5_000, **holder.values, k="x")], 5_000)
    assert store.property_has_values(TICKETS, "k"), "an archived ticket's values count"
    assert not store.property_has_values(TICKETS, "missing")


def test_property_groups_start_with_hubspots_standard_group(store: Store) -> None:
    assert store.property_groups(TICKETS) == [
        PropertyGroup("ticketinformation", "Ticket information", 0)
    ]


def test_property_groups_round_trip_and_move_the_definitions_version(
    store_factory: StoreFactory,
) -> None:
    store, other = store_factory(), store_factory()
    version = store.definitions_version()
    billing = PropertyGroup("billing", "Billing ✓", 3)
    store.insert_property_group(TICKETS, billing)
    assert store.definitions_version() != version
    assert other.property_groups(TICKETS)[0] == billing

    version = store.definitions_version()
    with pytest.raises(PropertyGroupExists):
        store.insert_property_group(TICKETS, PropertyGroup("billing", "Other"))
    assert store.definitions_version() == version

    archived = PropertyGroup("billing", "Billing", -1, 1_700_000_000_000)
    store.replace_property_group(TICKETS, billing, archived)
    assert other.property_groups(TICKETS)[0] == archived
    with pytest.raises(DefinitionChanged):
        store.replace_property_group(TICKETS, billing, PropertyGroup("billing", "Stale"))
    with pytest.raises(DefinitionChanged):
        store.replace_property_group(
            TICKETS, PropertyGroup("nope", "N"), PropertyGroup("nope", "M")
        )
    restored = PropertyGroup("billing", "Billing again", 1)
    store.replace_property_group(TICKETS, archived, restored)
    assert [g.name for g in other.property_groups(TICKETS)] == ["billing", "ticketinformation"]
    assert other.property_groups(TICKETS)[0] == restored


# -- pipelines -----------------------------------------------------------------------------


def two_stage_pipeline(ids: list[str], label: str = "Escalations") -> Pipeline:
    pipeline_id, first, second = ids
    return Pipeline(
        id=pipeline_id,
        label=label,
        display_order=1,
        stages=(
            Stage(first, "Open", 0, {"ticketState": "OPEN"}, 5_000, 5_000),
            Stage(second, "Gone", 1, {"ticketState": "CLOSED"}, 5_000, 6_000, archived_at=6_000),
        ),
        created_at=5_000,
        updated_at=6_000,
    )


def test_a_fresh_store_holds_the_default_support_pipeline(store: Store) -> None:
    assert store.pipelines().get(TICKETS, []) == [SUPPORT_PIPELINE]
    assert store.pipeline_audits(TICKETS, "0") == []
    assert store.stage_audits(TICKETS, "1") == []


def test_pipelines_round_trip_with_their_audits_and_move_the_definitions_version(
    store_factory: StoreFactory,
) -> None:
    store, other = store_factory(), store_factory()
    before = store.definitions_version()
    with store.transaction() as tx:
        assert tx.lock_pipelines(TICKETS) == [SUPPORT_PIPELINE]
        pipeline = two_stage_pipeline(tx.allocate_pipeline_ids(3))
        tx.save_pipeline(TICKETS, pipeline)
        tx.record_pipeline_audits(
            TICKETS,
            [
                PipelineAudit("CREATE", 5_000, pipeline),
                PipelineAudit("CREATE", 5_000, pipeline, pipeline.stages[0].id),
                PipelineAudit("UPDATE", 6_000, pipeline),
            ],
        )
    assert other.definitions_version() != before
    assert sorted(other.pipelines().get(TICKETS, []), key=lambda p: int(p.id)) == [
        SUPPORT_PIPELINE,
        pipeline,
    ]
    assert [
        (a.action, a.timestamp, a.stage_id) for a in other.pipeline_audits(TICKETS, pipeline.id)
    ] == [
        ("UPDATE", 6_000, None),
        ("CREATE", 5_000, None),
    ]
    (staged,) = other.stage_audits(TICKETS, pipeline.stages[0].id)
    assert staged == PipelineAudit("CREATE", 5_000, pipeline, pipeline.stages[0].id)

    # Saving again replaces the pipeline and all its stages.
    renamed = Pipeline(pipeline.id, "Renamed", 2, pipeline.stages[:1], 5_000, 7_000, 7_000)
    with store.transaction() as tx:
        tx.lock_pipelines(TICKETS)
        tx.save_pipeline(TICKETS, renamed)
    assert sorted(other.pipelines().get(TICKETS, []), key=lambda p: int(p.id)) == [
        SUPPORT_PIPELINE,
        renamed,
    ]


def test_a_pipeline_change_that_raises_writes_nothing(store: Store) -> None:
    version = store.definitions_version()
    with pytest.raises(Boom), store.transaction() as tx:
        tx.lock_pipelines(TICKETS)
        pipeline = two_stage_pipeline(tx.allocate_pipeline_ids(3))
        tx.save_pipeline(TICKETS, pipeline)
        tx.record_pipeline_audits(TICKETS, [PipelineAudit("CREATE", 5_000, pipeline)])
        raise Boom
    assert store.pipelines().get(TICKETS, []) == [SUPPORT_PIPELINE]
    assert store.pipeline_audits(TICKETS, pipeline.id) == []
    assert store.definitions_version() == version


def test_pipeline_ids_are_numeric_new_and_increasing(store_factory: StoreFactory) -> None:
    store, other = store_factory(), store_factory()
    with store.transaction() as tx:
        first = tx.allocate_pipeline_ids(3)
    with other.transaction() as tx:
        second = tx.allocate_pipeline_ids(2)
    numbers = [int(i) for i in (*first, *second)]
    assert all(i.isdigit() for i in (*first, *second))
    assert numbers == sorted(set(numbers)), "distinct and increasing"
    assert min(numbers) > 4, "above the default pipeline's ids"


def second_waits_for_first(
    first_store: Store,
    first: Callable[[Transaction], object],
    second_store: Store,
    second: Callable[[Transaction], T],
) -> T:
    """Run ``first`` in a transaction held open, then ``second`` in another; check that
    ``second`` waits until the first commits. Returns what ``second`` returned."""
    started, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    results: list[T] = []

    def run_first() -> None:
        try:
            with first_store.transaction() as tx:
                first(tx)
                started.set()
                release.wait(timeout=10)
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    def run_second() -> None:
        try:
            started.wait(timeout=10)
            with second_store.transaction() as tx:
                results.append(second(tx))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    assert started.wait(timeout=10)
    threads[1].join(timeout=0.3)
    assert threads[1].is_alive(), "the second transaction waits for the first"
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    (result,) = results
    return result


def test_pipeline_writers_are_serialised(store_factory: StoreFactory) -> None:
    """A second writer's lock_pipelines waits for the first writer's commit, then sees
    what it saved: two writers cannot both check a label and both save it."""

    def save(tx: Transaction) -> None:
        tx.lock_pipelines(TICKETS)
        tx.save_pipeline(TICKETS, two_stage_pipeline(tx.allocate_pipeline_ids(3)))

    pipelines = second_waits_for_first(
        store_factory(), save, store_factory(), lambda tx: tx.lock_pipelines(TICKETS)
    )
    assert [p.label for p in pipelines if p.id != "0"] == ["Escalations"]


def hold(tx: Transaction) -> None:
    tx.hold_definitions()


def change(tx: Transaction) -> None:
    tx.change_definitions()


def lock_pipelines(tx: Transaction) -> None:
    tx.lock_pipelines(TICKETS)


@pytest.mark.parametrize(
    ("first", "second"),
    [(hold, change), (change, hold), (hold, lock_pipelines)],
    ids=["a change waits for a holder", "a holder waits for a change", "pipelines too"],
)
def test_held_definitions_and_changes_of_them_wait_for_each_other(
    store_factory: StoreFactory,
    first: Callable[[Transaction], object],
    second: Callable[[Transaction], object],
) -> None:
    """A ticket write holds the definitions it validated against (hold_definitions)
    until it commits; a change of them (change_definitions, lock_pipelines) waits for
    it, and a write waits for a change, then finds the version it moved to."""
    one = store_factory()
    before = one.definitions_version()
    second_waits_for_first(one, first, store_factory(), second)
    changes = sum(step is not hold for step in (first, second))
    with one.transaction() as tx:
        assert tx.hold_definitions() == before + changes


# -- search index ------------------------------------------------------------------------------


@pytest.fixture
def indexed(store: Store) -> dict[str, int]:
    """Four live tickets with their index rows (keys as the domain makes them: text
    lowercased, numbers and instants as numbers) and one archived ticket, unindexed as
    archiving leaves it. Returns their ids by name."""
    values = {
        "jammed": {"subject": "Printer jammed", "score": "9", "closed": "2024-01-10T08:00:00.001Z"},
        "printer": {"subject": "PRINTER", "score": "10"},
        "refund": {"subject": "Refund", "content": "the printer", "closed": "2024-01-10T08:00:00Z"},
        "bare": {},
        "archived": {"subject": "printer", "score": "9"},
    }
    with store.transaction() as tx:
        ids = dict(zip(values, tx.allocate_object_ids(len(values)), strict=True))
        tx.insert_objects(
            TICKETS,
            [
                ticket(ids[name], archived_at=2_000 if name == "archived" else None, **v)
                for name, v in values.items()
            ],
            1_000,
        )
        entries: list[SearchEntry] = []
        for name, v in values.items():
            if name == "archived":
                continue
            for prop, value in v.items():
                key: SearchKey = float(value) if prop == "score" else value.lower()
                if prop != "closed":
                    entries.append((prop, key, ids[name]))
        tx.index_values(TICKETS, entries)
    return ids


def search(
    store: Store,
    *groups: tuple[Condition, ...],
    limit: int = 100,
    offset: int = 0,
    sort: SearchSort | None = None,
) -> tuple[int, list[int]]:
    with store.snapshot():
        result = store.search_objects(SearchQuery(TICKETS, groups, limit, offset, sort))
    return result.total, result.ids


def text(name: str, comparison: Comparison, *keys: str, negated: bool = False) -> Condition:
    return Condition((name,), comparison, keys, negated=negated)


def numeric(name: str, comparison: Comparison, *keys: float, negated: bool = False) -> Condition:
    return Condition((name,), comparison, keys, numeric=True, negated=negated)


def test_indexed_values_are_found_by_key_and_by_range(
    store: Store, indexed: dict[str, int]
) -> None:
    jammed, printer, refund = indexed["jammed"], indexed["printer"], indexed["refund"]
    assert search(store, (text("subject", Comparison.EQ, "printer"),)) == (1, [printer])
    in_keys = text("subject", Comparison.IN, "printer", "refund", "nothing")
    assert search(store, (in_keys,)) == (2, [printer, refund])
    assert search(store, (numeric("score", Comparison.LT, 10.0),)) == (1, [jammed])
    assert search(store, (numeric("score", Comparison.LTE, 10.0),)) == (2, [jammed, printer])
    assert search(store, (numeric("score", Comparison.GT, 9.0),)) == (1, [printer])
    assert search(store, (numeric("score", Comparison.GTE, 9.5),)) == (1, [printer])
    between = numeric("score", Comparison.BETWEEN, 9.0, 10.0)
    assert search(store, (between,)) == (2, [jammed, printer])
    assert search(store, (text("subject", Comparison.LT, "q"),)) == (2, [jammed, printer])
    has_score = Condition(("score",), Comparison.HAS_PROPERTY, numeric=True)
    assert search(store, (has_score,)) == (2, [jammed, printer])


def test_a_row_indexed_twice_is_kept_once_and_unindexing_removes_it(
    store: Store, indexed: dict[str, int]
) -> None:
    printer = indexed["printer"]
    row: SearchEntry = ("subject", "printer", printer)
    with store.transaction() as tx:
        tx.index_values(TICKETS, [row, ("score", 10.0, printer)])
    assert search(store, (text("subject", Comparison.EQ, "printer"),)) == (1, [printer])
    assert search(store, (numeric("score", Comparison.EQ, 10.0),)) == (1, [printer])
    with store.transaction() as tx:
        tx.unindex_values(
            TICKETS, [row, ("score", 10.0, printer), ("subject", "never indexed", printer)]
        )
        tx.unindex_values(TICKETS, [])
    assert search(store, (text("subject", Comparison.EQ, "printer"),)) == (0, [])
    assert search(store, (numeric("score", Comparison.EQ, 10.0),)) == (0, [])
    assert search(store, (numeric("score", Comparison.EQ, 9.0),)) == (1, [indexed["jammed"]])


def test_negated_conditions_and_no_groups_cover_live_tickets_only(
    store: Store, indexed: dict[str, int]
) -> None:
    jammed, printer, refund, bare = (indexed[n] for n in ("jammed", "printer", "refund", "bare"))
    assert search(store) == (4, [jammed, printer, refund, bare])
    not_printer = text("subject", Comparison.EQ, "printer", negated=True)
    assert search(store, (not_printer,)) == (3, [jammed, refund, bare])
    no_score = Condition(("score",), Comparison.HAS_PROPERTY, numeric=True, negated=True)
    assert search(store, (no_score,)) == (2, [refund, bare])
    not_in = numeric("score", Comparison.IN, 9.0, 10.0, negated=True)
    assert search(store, (not_in,)) == (2, [refund, bare])


def test_groups_are_an_or_of_ands_counting_each_ticket_once(
    store: Store, indexed: dict[str, int]
) -> None:
    jammed, printer = indexed["jammed"], indexed["printer"]
    has_score = Condition(("score",), Comparison.HAS_PROPERTY, numeric=True)
    jammed_subject = text("subject", Comparison.EQ, "printer jammed")
    assert search(store, (has_score, jammed_subject)) == (1, [jammed])
    either = text("subject", Comparison.IN, "printer", "printer jammed")
    assert search(store, (has_score,), (either,)) == (2, [jammed, printer])
    assert search(store, (jammed_subject,), (numeric("score", Comparison.EQ, 10.0),)) == (
        2,
        [jammed, printer],
    )


def test_pages_come_by_offset_with_the_total(store: Store, indexed: dict[str, int]) -> None:
    live = [indexed[n] for n in ("jammed", "printer", "refund", "bare")]
    assert search(store, limit=2, offset=1) == (4, live[1:3])
    assert search(store, limit=2, offset=3) == (4, live[3:])
    assert search(store, limit=2, offset=10) == (4, [])
    assert search(store, limit=0) == (4, [])
    by_id_descending = SearchSort(ID_PROPERTY, SortKind.NUMBER, descending=True)
    assert search(store, limit=3, sort=by_id_descending) == (4, live[::-1][:3])


def test_sorts_by_stored_values_put_missing_values_last(
    store: Store, indexed: dict[str, int]
) -> None:
    jammed, printer, refund, bare = (indexed[n] for n in ("jammed", "printer", "refund", "bare"))
    cases = [
        (SearchSort("score", SortKind.NUMBER), [jammed, printer, refund, bare]),  # 9 < 10
        (SearchSort("score", SortKind.NUMBER, descending=True), [printer, jammed, refund, bare]),
        (SearchSort("subject", SortKind.TEXT), [printer, jammed, refund, bare]),
        (SearchSort("subject", SortKind.TEXT, descending=True), [refund, jammed, printer, bare]),
        (SearchSort("closed", SortKind.INSTANT), [refund, jammed, printer, bare]),
        (SearchSort("closed", SortKind.INSTANT, descending=True), [jammed, refund, printer, bare]),
    ]
    for sort, want in cases:
        assert search(store, sort=sort) == (4, want), sort


def test_patterns_match_stored_values_of_any_of_the_properties(
    store: Store, indexed: dict[str, int]
) -> None:
    jammed, printer, refund, bare = (indexed[n] for n in ("jammed", "printer", "refund", "bare"))
    token = r"(?i)(?<!\w)printer(?!\w)"
    in_subject = Condition(("subject",), Comparison.MATCHES, (token,))
    assert search(store, (in_subject,)) == (2, [jammed, printer])
    not_in_subject = Condition(("subject",), Comparison.MATCHES, (token,), negated=True)
    assert search(store, (not_in_subject,)) == (2, [refund, bare])
    anywhere = Condition(("subject", "content"), Comparison.MATCHES, (token,))
    assert search(store, (anywhere,)) == (3, [jammed, printer, refund])
    prefix = Condition(("subject",), Comparison.MATCHES, (r"(?i)(?<!\w)jam",))
    assert search(store, (prefix,)) == (1, [jammed])


def test_conditions_on_the_ticket_id_read_the_ids(store: Store, indexed: dict[str, int]) -> None:
    jammed, printer, refund, bare = (indexed[n] for n in ("jammed", "printer", "refund", "bare"))
    assert search(store, (numeric(ID_PROPERTY, Comparison.EQ, printer),)) == (1, [printer])
    assert search(store, (numeric(ID_PROPERTY, Comparison.GT, jammed),)) == (
        3,
        [printer, refund, bare],
    )
    assert search(store, (numeric(ID_PROPERTY, Comparison.EQ, printer, negated=True),)) == (
        3,
        [jammed, refund, bare],
    )
    archived = indexed["archived"]
    assert search(store, (numeric(ID_PROPERTY, Comparison.EQ, archived),)) == (0, [])


def test_a_fresh_index_is_complete_and_needs_no_rebuild(store: Store) -> None:
    assert store.search_index_complete()
    with store.transaction() as tx:
        assert tx.rebuild_search_index() is False
    assert store.search_index_complete()


# -- kept search counts ----------------------------------------------------------------------


def index_many(store: Store, name: str, key: SearchKey, ids: range) -> None:
    with store.transaction() as tx:
        tx.index_values(TICKETS, [(name, key, i) for i in ids])


def counted(store: Store, condition: Condition) -> tuple[int, bool]:
    """The total of a search for ``condition`` alone, and whether it was counted (not
    read from a kept count): only a counted total asks to be kept."""
    with store.snapshot():
        result = store.search_objects(SearchQuery(TICKETS, ((condition,),), limit=0))
    return result.total, result.count_to_keep is not None


@pytest.mark.parametrize(
    "condition",
    [text("hs_pipeline", Comparison.EQ, "0"), numeric("score", Comparison.EQ, 5.0)],
    ids=["text", "number"],
)
def test_a_kept_count_is_read_and_moved_by_every_committed_write(
    store: Store, condition: Condition
) -> None:
    name, key = condition.properties[0], condition.keys[0]
    index_many(store, name, key, range(1, KEEP_COUNT_FROM + 1))
    index_many(store, name, "other" if isinstance(key, str) else 6.0, range(1, 11))
    assert counted(store, condition) == (KEEP_COUNT_FROM, True)

    store.keep_search_count(TICKETS, condition)
    assert counted(store, condition) == (KEEP_COUNT_FROM, False)

    with store.transaction() as tx:
        tx.index_values(TICKETS, [(name, key, KEEP_COUNT_FROM + i) for i in range(1, 6)])
        tx.unindex_values(TICKETS, [(name, key, 1), (name, key, 2)])
    assert counted(store, condition) == (KEEP_COUNT_FROM + 3, False)

    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.unindex_values(TICKETS, [(name, key, 3)])
        raise RuntimeError("rolled back")
    assert counted(store, condition) == (KEEP_COUNT_FROM + 3, False)

    # Rows already there, or not there: the statement changed fewer rows than it was
    # given, so the kept count is dropped and the rows are counted again.
    with store.transaction() as tx:
        tx.index_values(TICKETS, [(name, key, 4), (name, key, KEEP_COUNT_FROM + 100)])
    assert counted(store, condition) == (KEEP_COUNT_FROM + 4, True)
    store.keep_search_count(TICKETS, condition)
    with store.transaction() as tx:
        tx.unindex_values(TICKETS, [(name, key, 1), (name, key, 5)])
    assert counted(store, condition) == (KEEP_COUNT_FROM + 3, True)


def test_a_key_with_few_rows_is_not_worth_keeping(store: Store) -> None:
    condition = text("hs_pipeline", Comparison.EQ, "0")
    index_many(store, "hs_pipeline", "0", range(1, KEEP_COUNT_FROM))
    assert counted(store, condition) == (KEEP_COUNT_FROM - 1, False)
    # Other kinds of search are counted every time.
    in_one = text("hs_pipeline", Comparison.IN, "0")
    index_many(store, "hs_pipeline", "0", range(KEEP_COUNT_FROM, KEEP_COUNT_FROM + 1))
    assert counted(store, in_one) == (KEEP_COUNT_FROM, False)


def test_unindexing_a_property_drops_its_kept_counts(store: Store) -> None:
    condition = text("hs_pipeline", Comparison.EQ, "0")
    index_many(store, "hs_pipeline", "0", range(1, KEEP_COUNT_FROM + 1))
    store.keep_search_count(TICKETS, condition)
    with store.transaction() as tx:
        tx.unindex_property(TICKETS, "hs_pipeline")
        tx.index_values(TICKETS, [("hs_pipeline", "0", 1)])
    assert counted(store, condition) == (1, False)
    index_many(store, "hs_pipeline", "0", range(2, KEEP_COUNT_FROM + 1))
    assert counted(store, condition) == (KEEP_COUNT_FROM, True)


def test_a_count_is_not_kept_while_a_writer_of_the_index_keeps_it_waiting(
    store_factory: StoreFactory,
) -> None:
    writer, searcher = store_factory(), store_factory()
    condition = text("hs_pipeline", Comparison.EQ, "0")
    index_many(writer, "hs_pipeline", "0", range(1, KEEP_COUNT_FROM + 1))
    with writer.transaction() as tx:
        tx.index_values(TICKETS, [("hs_pipeline", "1", 1)])
        started = time.monotonic()
        searcher.keep_search_count(TICKETS, condition)  # gives up instead of waiting
        assert time.monotonic() - started < 5
    assert counted(searcher, condition) == (KEEP_COUNT_FROM, True)
    searcher.keep_search_count(TICKETS, condition)
    assert counted(searcher, condition) == (KEEP_COUNT_FROM, False)


def test_kept_counts_stay_exact_under_concurrent_writers(store_factory: StoreFactory) -> None:
    """Two writers move tickets between two kept keys in opposite directions (each
    transaction unindexes from one and indexes into the other), while a third
    connection keeps asking to keep the counts. Nobody deadlocks, and at the end each
    kept count equals the rows counted."""
    first, second, keeper = store_factory(), store_factory(), store_factory()
    a, b = text("hs_pipeline", Comparison.EQ, "a"), text("hs_pipeline", Comparison.EQ, "b")
    half = KEEP_COUNT_FROM + 200
    index_many(first, "hs_pipeline", "a", range(1, half + 1))
    index_many(first, "hs_pipeline", "b", range(half + 1, 2 * half + 1))
    first.keep_search_count(TICKETS, a)
    first.keep_search_count(TICKETS, b)
    errors: list[BaseException] = []

    def move(store: Store, ids: range, source: str, target: str) -> None:
        try:
            for i in ids:
                with store.transaction() as tx:
                    tx.unindex_values(TICKETS, [("hs_pipeline", source, i)])
                    tx.index_values(TICKETS, [("hs_pipeline", target, i)])
        except BaseException as error:
            errors.append(error)

    def keep() -> None:
        try:
            for _ in range(10):
                keeper.keep_search_count(TICKETS, a)
                keeper.keep_search_count(TICKETS, b)
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=move, args=(first, range(1, 101), "a", "b")),
        threading.Thread(target=move, args=(second, range(half + 1, half + 101), "b", "a")),
        threading.Thread(target=keep),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for key in ("a", "b"):
        keeper.keep_search_count(TICKETS, text("hs_pipeline", Comparison.EQ, key))
        kept = counted(keeper, text("hs_pipeline", Comparison.EQ, key))
        assert kept == (half, False)
        assert counted(keeper, text("hs_pipeline", Comparison.IN, key)) == (half, False)
