"""The storage contract for associations and association labels, on every backend.

The store keeps association rows as it is given them (one per type and direction) and
never checks the records or the types: the domain does. Covered: rows round-trip and a
row stored twice is kept once; reads between pairs and from records, of one type or all;
deleting exact rows, and every row from or to some records (both directions); paged reads
give whole associated records (all their types) in id order from a start, per record,
for many records at once and more than one statement takes, and only from records of the
named type; a transaction that raises writes none; labels round-trip, are replaced and
deleted with every association of their types; label type ids are new and increasing.
"""

from __future__ import annotations

import pytest
from conftest import StoreFactory

from spoke.domain.associations.definitions import (
    HUBSPOT_DEFINED,
    USER_DEFINED,
    AssociationLabel,
)
from spoke.store.base import Store, StoredAssociation

CONTACT, COMPANY, TICKET = "0-1", "0-2", "0-5"


def both_ways(
    a: tuple[str, int], b: tuple[str, int], types: tuple[int, int], category: str = HUBSPOT_DEFINED
) -> list[StoredAssociation]:
    """The rows of one association type from record ``a`` to ``b``, and its inverse."""
    (from_type, from_id), (to_type, to_id) = a, b
    forward, inverse = types
    return [
        StoredAssociation(from_type, from_id, to_type, to_id, category, forward),
        StoredAssociation(to_type, to_id, from_type, from_id, category, inverse),
    ]


def insert(store: Store, rows: list[StoredAssociation]) -> None:
    with store.transaction() as tx:
        tx.insert_associations(rows)


def everything(store: Store, ids: list[int]) -> set[StoredAssociation]:
    with store.transaction() as tx:
        return set(tx.associations_from(ids))


def test_rows_round_trip_and_a_row_stored_twice_is_kept_once(store: Store) -> None:
    rows = both_ways((TICKET, 1), (CONTACT, 2), (16, 15))
    insert(store, rows)
    insert(store, rows[:1])
    with store.transaction() as tx:
        tx.insert_associations([rows[0], rows[0]])
        assert tx.associations_from([1]) == rows[:1]
        assert tx.associations_from([2]) == rows[1:]
        assert tx.associations_from([1, 2], CONTACT) == rows[:1]
        assert tx.associations_from([1], COMPANY) == []
        assert tx.associations_between(CONTACT, [(1, 2), (1, 2), (1, 3)]) == rows[:1]
        assert tx.associations_between(TICKET, [(1, 2)]) == []
        assert tx.associations_between(CONTACT, []) == []
        assert tx.associations_from([]) == []


def test_one_pair_holds_several_types_and_categories_keep_equal_ids_apart(store: Store) -> None:
    rows = [
        StoredAssociation(CONTACT, 1, COMPANY, 9, HUBSPOT_DEFINED, 1),
        StoredAssociation(CONTACT, 1, COMPANY, 9, HUBSPOT_DEFINED, 279),
        StoredAssociation(CONTACT, 1, COMPANY, 9, USER_DEFINED, 1),
    ]
    insert(store, rows)
    with store.transaction() as tx:
        assert sorted(tx.associations_between(COMPANY, [(1, 9)]), key=str) == sorted(rows, key=str)
        tx.delete_associations(
            [rows[2], StoredAssociation(CONTACT, 1, COMPANY, 8, USER_DEFINED, 1)]
        )
        assert set(tx.associations_from([1])) == set(rows[:2])


def test_delete_associations_of_removes_both_directions_and_keeps_the_rest(store: Store) -> None:
    insert(
        store,
        [
            *both_ways((TICKET, 1), (CONTACT, 2), (16, 15)),
            *both_ways((TICKET, 1), (COMPANY, 3), (339, 340)),
            *both_ways((CONTACT, 2), (COMPANY, 3), (279, 280)),
        ],
    )
    with store.transaction() as tx:
        tx.delete_associations_of([1])
        tx.delete_associations_of([])
    assert everything(store, [1, 2, 3]) == set(both_ways((CONTACT, 2), (COMPANY, 3), (279, 280)))


def test_a_transaction_that_raises_writes_no_association(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.insert_associations(both_ways((TICKET, 1), (CONTACT, 2), (16, 15)))
        raise RuntimeError("rolled back")
    assert everything(store, [1, 2]) == set()


def test_paged_reads_give_whole_records_in_id_order_from_a_start(store: Store) -> None:
    rows = [
        *both_ways((CONTACT, 1), (COMPANY, 30), (279, 280)),
        *both_ways((CONTACT, 1), (COMPANY, 10), (279, 280)),
        *both_ways((CONTACT, 1), (COMPANY, 10), (1, 2)),
        *both_ways((CONTACT, 1), (COMPANY, 20), (279, 280)),
        *both_ways((CONTACT, 1), (TICKET, 40), (15, 16)),
        *both_ways((CONTACT, 2), (COMPANY, 10), (279, 280)),
    ]
    insert(store, rows)
    first = store.read_associations(CONTACT, COMPANY, [(1, 0)], 2)
    assert [(a.to_id, a.type_id) for a in first] == [(10, 1), (10, 279), (20, 279)]
    later = store.read_associations(CONTACT, COMPANY, [(1, 11)], 5)
    assert [(a.to_id, a.type_id) for a in later] == [(20, 279), (30, 279)]
    both = store.read_associations(CONTACT, COMPANY, [(1, 25), (2, 0)], 1)
    assert [(a.from_id, a.to_id) for a in both] == [(1, 30), (2, 10)]
    assert store.read_associations(CONTACT, TICKET, [(1, 0)], 10)[0].to_id == 40
    # only from records of the named type
    assert store.read_associations(TICKET, COMPANY, [(1, 0)], 10) == []
    assert store.read_associations(CONTACT, COMPANY, [], 10) == []


def test_paged_reads_handle_more_records_than_one_statement_takes(store: Store) -> None:
    rows = [r for a in range(1, 1201) for r in both_ways((CONTACT, a), (COMPANY, 5000), (279, 280))]
    insert(store, rows)
    found = store.read_associations(CONTACT, COMPANY, [(a, 0) for a in range(1, 1202)], 1)
    assert sorted(a.from_id for a in found) == list(range(1, 1201))
    with store.transaction() as tx:
        assert len(tx.associations_from(list(range(1, 1201)))) == 1200
        pairs = [(a, 5000) for a in range(1, 1201)]
        assert len(tx.associations_between(COMPANY, pairs)) == 1200
        tx.delete_associations_of(list(range(1, 1201)))
    assert everything(store, [5000]) == set()


def test_labels_round_trip_are_replaced_and_deleted_with_their_associations(
    store: Store,
) -> None:
    before = store.definitions_version()
    manager = AssociationLabel(1, CONTACT, CONTACT, "manager", "Manager", 2)
    employee = AssociationLabel(2, CONTACT, CONTACT, "manager", "Employee", 1)
    with store.transaction() as tx:
        tx.save_association_labels([manager, employee])
        tx.change_definitions()
        tx.insert_associations(both_ways((CONTACT, 7), (CONTACT, 8), (1, 2), USER_DEFINED))
        tx.insert_associations(both_ways((CONTACT, 7), (CONTACT, 8), (449, 449)))
    assert store.association_labels() == [manager, employee]
    assert store.definitions_version() != before
    renamed = AssociationLabel(2, CONTACT, CONTACT, "manager", "Report", 1)
    with store.transaction() as tx:
        tx.save_association_labels([renamed])
    assert store.association_labels() == [manager, renamed]
    with store.transaction() as tx:
        tx.delete_association_labels([1, 2])
    assert store.association_labels() == []
    assert everything(store, [7, 8]) == set(both_ways((CONTACT, 7), (CONTACT, 8), (449, 449)))


def test_label_type_ids_are_new_and_increasing(store_factory: StoreFactory) -> None:
    one, two = store_factory(), store_factory()
    with one.transaction() as tx:
        first = tx.allocate_association_type_ids(2)
    with two.transaction() as tx:
        second = tx.allocate_association_type_ids(1)
    assert first[0] >= 1
    assert first == sorted(first) and len(set(first)) == 2
    assert second[0] > first[-1]
