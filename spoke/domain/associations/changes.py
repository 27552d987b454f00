"""How a transaction changes the associations between pairs of records of two object types:
the one place that keeps associations whole (docs/behaviour.md, "Associations").

- An association is stored in both directions: each type from A to B with its inverse
  from B to A. The pair's state is the set of types from A to B.
- Every association holds its pair's default (unlabeled) type; removing the default
  removes the association.
- A ``one_per_record`` type (a record's primary company, a company's parent) is held by a
  record towards one other record at most: giving it to another takes it from the first
  (which stays associated, unlabeled).

Changes are applied in order, in memory, and written at the end: every row removed and
added, both directions, in a few statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from spoke.domain.associations.definitions import (
    AssociationDefinition,
    AssociationDefinitions,
    TypeKey,
)
from spoke.store.base import StoredAssociation, Transaction

Pair = tuple[int, int]


class Mode(Enum):
    REPLACE = "replace"  # the pair holds exactly the types given (and the default)
    ADD = "add"  # the pair holds the types given too (and the default)
    REMOVE = "remove"  # the pair loses the types given (all of them with the default)
    CLEAR = "clear"  # the pair is no longer associated


@dataclass(frozen=True, slots=True)
class PairChange:
    from_id: int
    to_id: int
    mode: Mode
    keys: tuple[TypeKey, ...] = ()


class PairChanges:
    """Applies :class:`PairChange` s between records of ``from_type`` and ``to_type`` (type
    ids) in transaction ``tx``; :meth:`write` stores the outcome."""

    def __init__(
        self,
        tx: Transaction,
        definitions: AssociationDefinitions,
        from_type: str,
        to_type: str,
        pairs: Iterable[Pair],
    ) -> None:
        self._tx = tx
        self._definitions = definitions
        self._from_type = from_type
        self._to_type = to_type
        self._default = definitions.default(from_type, to_type)
        canonical = list(dict.fromkeys(self._orient(a, b, ())[0] for a, b in pairs))
        self._before: dict[Pair, frozenset[TypeKey]] = {pair: frozenset() for pair in canonical}
        for row in tx.associations_between(to_type, canonical):
            pair = (row.from_id, row.to_id)
            self._before[pair] = self._before[pair] | {(row.category, row.type_id)}
        self._state = dict(self._before)

    def apply(self, change: PairChange) -> None:
        pair, keys = self._orient(change.from_id, change.to_id, change.keys)
        current = self._state[pair]
        default = {self._default.key} if self._default is not None else set()
        if change.mode is Mode.REPLACE:
            new = frozenset({*keys, *default})
        elif change.mode is Mode.ADD:
            new = current | {*keys, *default}
        elif change.mode is Mode.REMOVE:
            new = frozenset() if default & set(keys) else current - set(keys)
        else:
            new = frozenset()
        for key in sorted(new - current):
            self._take_from_others(pair, self._definitions.get(key))
        self._state[pair] = new

    def types(self, from_id: int, to_id: int) -> list[AssociationDefinition]:
        """The types the pair holds now, from ``from_id`` to ``to_id``."""
        pair, _ = self._orient(from_id, to_id, ())
        keys = self._state[pair]
        found = [self._definitions.get(key) for key in keys]
        defined = [d for d in found if d is not None]
        if pair != (from_id, to_id):
            defined = [self._definitions.inverse(d) for d in defined]
        return sorted(defined, key=lambda d: d.key)

    def write(self) -> None:
        removed: list[StoredAssociation] = []
        added: list[StoredAssociation] = []
        for pair, before in self._before.items():
            after = self._state[pair]
            removed += self._rows(pair, before - after)
            added += self._rows(pair, after - before)
        self._tx.delete_associations(removed)
        self._tx.insert_associations(added)

    # -- internals ------------------------------------------------------------------

    def _orient(
        self, from_id: int, to_id: int, keys: Sequence[TypeKey]
    ) -> tuple[Pair, tuple[TypeKey, ...]]:
        """The pair as kept (records of one type: lower id first) and ``keys`` seen from
        its first record."""
        if self._from_type != self._to_type or from_id <= to_id:
            return (from_id, to_id), tuple(keys)
        return (to_id, from_id), tuple(self._inverse_key(key) for key in keys)

    def _inverse_key(self, key: TypeKey) -> TypeKey:
        definition = self._definitions.get(key)
        return definition.inverse_key if definition is not None else key

    def _rows(self, pair: Pair, keys: Iterable[TypeKey]) -> list[StoredAssociation]:
        a, b = pair
        rows = []
        for category, type_id in keys:
            definition = self._definitions.get((category, type_id))
            inverse_id = definition.inverse_type_id if definition is not None else type_id
            rows.append(StoredAssociation(self._from_type, a, self._to_type, b, category, type_id))
            rows.append(
                StoredAssociation(self._to_type, b, self._from_type, a, category, inverse_id)
            )
        return rows

    def _take_from_others(self, pair: Pair, definition: AssociationDefinition | None) -> None:
        """``pair`` gains ``definition``: where it (or its inverse) is one per record, the
        record's association of that type with any other record loses it."""
        if definition is None:
            return
        a, b = pair
        if definition.one_per_record:
            self._strip(a, definition, keep=b)
        inverse = self._definitions.inverse(definition)
        if inverse.one_per_record:
            self._strip(b, inverse, keep=a)

    def _strip(self, record: int, definition: AssociationDefinition, keep: int) -> None:
        """Take ``definition`` (from ``record``) off its associations with records other
        than ``keep``: in this batch's state, or straight from the store."""
        held = [
            row
            for row in self._tx.associations_from([record], definition.to_object_type)
            if (row.category, row.type_id) == definition.key and row.to_id != keep
        ]
        for pair in self._state:
            other = self._other_side(pair, record, definition)
            if other is not None and other != keep:
                key = definition.key if pair[0] == record else definition.inverse_key
                self._state[pair] = self._state[pair] - {key}
        direct = [row for row in held if not self._in_batch(record, row.to_id, definition)]
        inverse = definition.inverse_type_id
        self._tx.delete_associations(
            [
                *direct,
                *(
                    StoredAssociation(
                        r.to_object_type,
                        r.to_id,
                        r.from_object_type,
                        r.from_id,
                        r.category,
                        inverse,
                    )
                    for r in direct
                ),
            ]
        )

    def _other_side(self, pair: Pair, record: int, definition: AssociationDefinition) -> int | None:
        """The other record of ``pair`` when ``record`` is in it on the side that holds
        ``definition``."""
        a, b = pair
        if a == record and definition.from_object_type == self._from_type:
            return b
        if b == record and definition.from_object_type == self._to_type:
            return a
        return None

    def _in_batch(self, record: int, other: int, definition: AssociationDefinition) -> bool:
        if definition.from_object_type == self._from_type and (record, other) in self._state:
            return True
        return definition.from_object_type == self._to_type and (other, record) in self._state
