"""What happens to a record's associations when the record is archived or merged
(docs/behaviour.md, "Associations"): called inside the archive's or the merge's
transaction, with the records locked.

- Archiving a record removes its associations, both directions: reads never show an
  association with an archived record, and Spoke does not restore archived records.
- Merging moves the merged record's associations to the primary, as HubSpot does: the
  primary gains every type the merged record had with each other record (a record
  associated with both keeps one association, holding the types of both), except that
  the primary keeps its own primary company (and parent company) where it has one. The
  two records' associations with each other are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from spoke.domain.associations.changes import Mode, PairChange, PairChanges
from spoke.domain.associations.definitions import AssociationDefinitions
from spoke.store.base import Store, Transaction


def forget_associations(tx: Transaction, ids: Sequence[int]) -> None:
    """Remove every association of the records ``ids`` (being archived)."""
    tx.delete_associations_of(ids)


def move_associations(
    store: Store, tx: Transaction, object_type: str, merged_id: int, primary_id: int
) -> None:
    """Give record ``primary_id`` the associations of record ``merged_id`` (both of
    ``object_type``, being merged), which loses them."""
    moving = [row for row in tx.associations_from([merged_id]) if row.to_id != primary_id]
    tx.delete_associations_of([merged_id])
    if not moving:
        return
    definitions = AssociationDefinitions(store.association_labels())
    held = {(row.category, row.type_id) for row in tx.associations_from([primary_id])}
    by_to_type: dict[str, list[PairChange]] = {}
    for row in moving:
        definition = definitions.get((row.category, row.type_id))
        if definition is not None and definition.one_per_record and definition.key in held:
            continue  # the primary keeps its own
        change = PairChange(primary_id, row.to_id, Mode.ADD, ((row.category, row.type_id),))
        by_to_type.setdefault(row.to_object_type, []).append(change)
    for to_type, changes in by_to_type.items():
        pairs = PairChanges(
            tx, definitions, object_type, to_type, [(c.from_id, c.to_id) for c in changes]
        )
        for change in changes:
            pairs.apply(change)
        pairs.write()
