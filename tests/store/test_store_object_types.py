"""The storage contract between object types, on every backend (see
``test_store_contract.py`` for the rest of it).

Every record belongs to one object type. A store method given one type never reads,
locks, lists, counts, searches or follows a merge to a record of another; unique values,
custom properties, property groups, pipelines (and their audits) and kept search counts
are per type, so the same name or value may live in two types at once. Record ids are
unique across types. A fresh database holds the standard groups and pipelines of every
standard type, and installing an object type's defaults is idempotent.
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import StoreFactory
from object_types_for_tests import WIDGETS

from spoke.domain.pipelines import Pipeline, PipelineAudit, Stage
from spoke.domain.properties import PropertyDefinition, PropertyGroup, PropertyType
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.store.base import ObjectWrite, PropertyExists, Store, StoredObject
from spoke.store.default_definitions import install_default_definitions
from spoke.store.search import Comparison, Condition, SearchQuery

TICKETS = "0-5"
OTHER = "2-1001"


def create(store: Store, object_type: str, **values: str) -> StoredObject:
    """One new record of ``object_type``, with its first write and its values indexed."""
    with store.transaction() as tx:
        (object_id,) = tx.allocate_object_ids(1)
        record = StoredObject(object_id, dict(values), None, 1)
        tx.insert_objects(object_type, [record], 1_000)
        tx.record_writes([ObjectWrite(object_id, 1, 1_000, "API", None, record.values)])
        tx.index_values(object_type, [(n, v.lower(), object_id) for n, v in values.items()])
    return record


def eq(name: str, value: str) -> SearchQuery:
    return SearchQuery(TICKETS, ((Condition((name,), Comparison.EQ, (value,)),),), 10)


def test_ids_are_unique_across_types(store: Store) -> None:
    ids = [create(store, t, subject="x").id for t in (TICKETS, OTHER, TICKETS, OTHER)]
    assert len(set(ids)) == 4


def test_reads_of_one_type_never_return_another_types_records(store: Store) -> None:
    ticket = create(store, TICKETS, subject="ticket")
    other = create(store, OTHER, subject="other")
    both = [ticket.id, other.id]

    assert store.read_objects(TICKETS, both) == [ticket]
    assert store.read_objects(OTHER, both) == [other]
    for names in ((), ("subject",)):
        read = store.read_objects_in_force(TICKETS, both, names)
        assert read.objects == [ticket]
        assert set(read.history) == ({(ticket.id, "subject")} if names else set())
    assert store.list_objects(TICKETS, 0, 10, archived=False) == [ticket]
    assert store.list_objects(OTHER, 0, 10, archived=False) == [other]
    assert (store.count_objects(TICKETS), store.count_objects(OTHER)) == (1, 1)
    assert store.read_history(OTHER, [ticket.id], ["subject"]) == {}
    assert set(store.read_history(OTHER, both, ["subject"])) == {(other.id, "subject")}
    with store.transaction() as tx:
        assert tx.lock_objects(OTHER, both) == {other.id: other}


def test_a_write_through_one_type_leaves_another_types_record_alone(store: Store) -> None:
    ticket = create(store, TICKETS, subject="ticket")
    with store.transaction() as tx:
        tx.update_objects(OTHER, [StoredObject(ticket.id, {"subject": "hijacked"}, 5, 2)], 2_000)
    assert store.read_objects(TICKETS, [ticket.id]) == [ticket]


def test_search_finds_only_the_records_of_the_querys_type(store: Store) -> None:
    ticket = create(store, TICKETS, subject="shared")
    other = create(store, OTHER, subject="shared")
    assert store.search_objects(eq("subject", "shared")).ids == [ticket.id]
    other_query = SearchQuery(OTHER, eq("subject", "shared").groups, 10)
    assert store.search_objects(other_query).ids == [other.id]
    every = store.search_objects(SearchQuery(OTHER, (), 10))
    assert (every.total, every.ids) == (1, [other.id])
    with store.transaction() as tx:
        tx.unindex_property(OTHER, "subject")
    assert store.search_objects(eq("subject", "shared")).ids == [ticket.id]
    assert store.search_objects(other_query).ids == []


def test_kept_counts_are_per_type(store: Store) -> None:
    ticket = create(store, TICKETS, stage="open")
    create(store, OTHER, stage="open")
    condition = Condition(("stage",), Comparison.EQ, ("open",))
    store.keep_search_count(TICKETS, condition)  # searches read the total from it now
    create(store, OTHER, stage="open")
    assert store.search_objects(eq("stage", "open")).total == 1, "another type's row moved it"
    with store.transaction() as tx:
        tx.index_values(TICKETS, [("stage", "open", ticket.id + 1000)])
    assert store.search_objects(eq("stage", "open")).total == 2, "the kept count moved"


def test_unique_values_are_per_type(store: Store) -> None:
    ticket = create(store, TICKETS)
    other = create(store, OTHER)
    with store.transaction() as tx:
        tx.claim_unique_values(TICKETS, [("key", "same", ticket.id)])
        tx.claim_unique_values(OTHER, [("key", "same", other.id)])
    assert store.find_unique_values(TICKETS, "key", ["same"]) == {"same": ticket.id}
    assert store.find_unique_values(OTHER, "key", ["same"]) == {"same": other.id}
    with store.transaction() as tx:
        tx.release_unique_values(OTHER, [("key", "same")])
    assert store.find_unique_values(TICKETS, "key", ["same"]) == {"same": ticket.id}
    assert store.find_unique_values(OTHER, "key", ["same"]) == {}


def test_a_merged_id_is_followed_only_within_its_type(store: Store) -> None:
    primary = create(store, OTHER, subject="primary")
    merged = create(store, OTHER, subject="merged")
    with store.transaction() as tx:
        tx.retire_merged_object(merged.id, primary.id)
    assert store.merged_into(OTHER, [merged.id]) == {merged.id: primary.id}
    assert store.merged_into(TICKETS, [merged.id]) == {}
    assert store.read_merged_objects(OTHER, [merged.id]) == {merged.id: primary}
    assert store.read_merged_objects(TICKETS, [merged.id]) == {}


def definition(name: str, label: str) -> PropertyDefinition:
    return PropertyDefinition(name, label, PropertyType.STRING, "text", "group")


def test_custom_properties_and_groups_are_per_type(store_factory: StoreFactory) -> None:
    store, other = store_factory(), store_factory()
    store.create_properties(TICKETS, [definition("code", "Ticket code")])
    store.create_properties(OTHER, [definition("code", "Other code")])
    with pytest.raises(PropertyExists):
        store.create_properties(OTHER, [definition("code", "Again")])
    found = other.custom_properties()
    assert {t: [d.label for d in found[t]] for t in found} == {
        TICKETS: ["Ticket code"],
        OTHER: ["Other code"],
    }
    create(store, OTHER, code="x")
    assert store.property_has_values(OTHER, "code")
    assert not store.property_has_values(TICKETS, "code")

    store.insert_property_group(OTHER, PropertyGroup("ticketinformation", "Not a ticket's", 3))
    tickets_group = [g for g in other.property_groups(TICKETS) if g.name == "ticketinformation"]
    assert [g.label for g in tickets_group] == ["Ticket information"]
    assert [g.label for g in other.property_groups(OTHER)] == ["Not a ticket's"]


def test_pipelines_and_their_audits_are_per_type(store_factory: StoreFactory) -> None:
    store, other = store_factory(), store_factory()
    same_ids = Pipeline("0", "Not tickets'", 0, (Stage("1", "First", 0, {"k": "v"}),))
    with store.transaction() as tx:
        assert tx.lock_pipelines(OTHER) == []
        tx.save_pipeline(OTHER, same_ids)
        tx.record_pipeline_audits(OTHER, [PipelineAudit("CREATE", 5, same_ids, "1")])
    pipelines = other.pipelines()
    assert pipelines[OTHER] == [same_ids]
    assert [p.label for p in pipelines[TICKETS]] == ["Support Pipeline"]
    assert [a.pipeline for a in other.stage_audits(OTHER, "1")] == [same_ids]
    assert other.stage_audits(TICKETS, "1") == []
    assert other.pipeline_audits(TICKETS, "0") == []


def test_a_fresh_database_holds_every_standard_types_defaults(store: Store) -> None:
    pipelines = store.pipelines()
    for object_type in STANDARD_OBJECT_TYPES:
        groups = [(g.name, g.label) for g in store.property_groups(object_type.type_id)]
        assert groups == sorted((g.name, g.label) for g in object_type.groups)
        if object_type.pipelines is not None:
            stored = pipelines[object_type.type_id]
            assert list(map(stages_by_id, stored)) == list(
                map(stages_by_id, object_type.pipelines.defaults)
            )


def stages_by_id(pipeline: Pipeline) -> Pipeline:
    """``pipeline`` with its stages in id order, as the store may give them."""
    return dataclasses.replace(pipeline, stages=tuple(sorted(pipeline.stages, key=lambda s: s.id)))


def test_installing_defaults_is_idempotent_and_keeps_what_changed(store: Store) -> None:
    version = store.definitions_version()
    install_default_definitions(store)
    assert store.definitions_version() == version, "nothing missing: nothing written"

    install_default_definitions(store, [WIDGETS])
    assert [g.name for g in store.property_groups(WIDGETS.type_id)] == ["widgetinformation"]
    moved = store.definitions_version()
    assert moved != version
    (group,) = store.property_groups(WIDGETS.type_id)
    archived = PropertyGroup(group.name, group.label, group.display_order, archived_at=7)
    store.replace_property_group(WIDGETS.type_id, group, archived)
    install_default_definitions(store, [WIDGETS])
    assert store.property_groups(WIDGETS.type_id) == [archived], "an archived default stays so"
