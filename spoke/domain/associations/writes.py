"""Creating and removing associations through the associations APIs (v4 and v3), and
with records being created: each request one transaction, checked whole before anything is
written (docs/behaviour.md, "Associations").

A write names records by id (as sent) and types by ``(category, typeId)`` or v3 name. It
is refused, with HubSpot's 400, when a type is not one of the pair's (or is of another
pair: the direction error) or, for creating, when a record is not a live record of its
type. Removing associations of records that do not exist changes nothing. The records are
locked for the transaction (types in type id order, ids in order), so associations never
reach an archived record: archiving and merging lock them too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spoke.domain.associations.changes import Mode, PairChange, PairChanges
from spoke.domain.associations.definitions import (
    AssociationDefinition,
    AssociationDefinitions,
    TypeKey,
)
from spoke.domain.object_types import ObjectType
from spoke.domain.records import parse_object_id
from spoke.errors import BatchTooLarge, InvalidAssociations, ValidationError
from spoke.store.base import Store, Transaction

#: HubSpot's limit on the inputs of an associations batch write (the v4 guide: 2,000).
MAX_WRITE_INPUTS = 2_000


@dataclass(frozen=True, slots=True)
class Link:
    """One input of a write: two records (ids as sent) and the types it names."""

    from_id: str
    to_id: str
    keys: tuple[TypeKey, ...] = ()


@dataclass(frozen=True, slots=True)
class Linked:
    """What a write left between two records: the types from the first to the second."""

    from_id: int
    to_id: int
    types: list[AssociationDefinition]


class AssociationWriter:
    def __init__(self, store: Store) -> None:
        self._store = store

    def replace(
        self, from_type: ObjectType, to_type: ObjectType, links: Sequence[Link]
    ) -> list[Linked]:
        """v4 create: each pair holds exactly the types named (and its default type)."""
        for link in links:
            if not link.keys:
                raise ValidationError(
                    "Each association needs at least one association type "
                    "(associationCategory and associationTypeId)"
                )
        return self._write(from_type, to_type, links, Mode.REPLACE)

    def add(
        self, from_type: ObjectType, to_type: ObjectType, links: Sequence[Link]
    ) -> list[Linked]:
        """Default and v3 creates: each pair holds the types named too (none: its default)."""
        return self._write(from_type, to_type, links, Mode.ADD)

    def add_by_name(
        self, from_type: ObjectType, to_type: ObjectType, links: Sequence[tuple[str, str, str]]
    ) -> list[tuple[Linked, str]]:
        """v3 create: ``(from id, to id, v3 type name)`` each; each pair, with the name of
        the type it gained as HubSpot spells it."""
        named = self._named(from_type, to_type, links)
        linked = self._write(from_type, to_type, named, Mode.ADD)
        return [
            (one, next(d.name for d in one.types if d.key == link.keys[0]))
            for one, link in zip(linked, named, strict=True)
        ]

    def remove(self, from_type: ObjectType, to_type: ObjectType, links: Sequence[Link]) -> None:
        """Labels archive: each pair loses the types named (every type, with the default)."""
        self._write(from_type, to_type, links, Mode.REMOVE)

    def remove_by_name(
        self, from_type: ObjectType, to_type: ObjectType, links: Sequence[tuple[str, str, str]]
    ) -> None:
        """v3 archive: ``(from id, to id, v3 type name)`` each."""
        self._write(from_type, to_type, self._named(from_type, to_type, links), Mode.REMOVE)

    def clear(self, from_type: ObjectType, to_type: ObjectType, links: Sequence[Link]) -> None:
        """v4 archive: each pair is no longer associated."""
        self._write(from_type, to_type, links, Mode.CLEAR)

    # -- internals ------------------------------------------------------------------

    def _named(
        self, from_type: ObjectType, to_type: ObjectType, links: Sequence[tuple[str, str, str]]
    ) -> list[Link]:
        definitions = self._definitions()
        named: list[Link] = []
        unknown: list[str] = []
        for from_id, to_id, name in links:
            found = definitions.named(from_type.type_id, to_type.type_id, name)
            if found is None:
                unknown.append(name)
            else:
                named.append(Link(from_id, to_id, (found.key,)))
        if unknown:
            raise InvalidAssociations(
                {
                    "INVALID_ASSOCIATION_TYPE": [
                        f"{n} is not a valid association type" for n in unknown
                    ]
                }
            )
        return named

    def _definitions(self) -> AssociationDefinitions:
        return AssociationDefinitions(self._store.association_labels())

    def _write(
        self, from_type: ObjectType, to_type: ObjectType, links: Sequence[Link], mode: Mode
    ) -> list[Linked]:
        if len(links) > MAX_WRITE_INPUTS:
            raise BatchTooLarge.for_inputs(MAX_WRITE_INPUTS)
        creating = mode in (Mode.REPLACE, Mode.ADD)
        with self._store.transaction() as tx:
            tx.hold_definitions()  # no label is deleted under this write
            definitions = self._definitions()
            check_types(definitions, from_type, to_type, [k for link in links for k in link.keys])
            if creating:
                require_associable(definitions, from_type, to_type)
            parsed = [
                (parse_object_id(link.from_id), parse_object_id(link.to_id)) for link in links
            ]
            live = lock_live(
                tx, [(from_type, [a for a, _ in parsed]), (to_type, [b for _, b in parsed])]
            )
            if creating:
                invalid = [
                    (object_type.label, text)
                    for link, ids in zip(links, parsed, strict=True)
                    for object_type, text, object_id in (
                        (from_type, link.from_id, ids[0]),
                        (to_type, link.to_id, ids[1]),
                    )
                    if (object_type.type_id, object_id) not in live
                ]
                if invalid:
                    raise InvalidAssociations.for_records(list(dict.fromkeys(invalid)))
            pairs = [
                (a, b, link)
                for (a, b), link in zip(parsed, links, strict=True)
                if a is not None
                and b is not None
                and (from_type.type_id, a) in live
                and (to_type.type_id, b) in live
            ]
            if creating:
                refuse_self_associations([(a, b) for a, b, _ in pairs])
            changes = PairChanges(
                tx, definitions, from_type.type_id, to_type.type_id, [(a, b) for a, b, _ in pairs]
            )
            for a, b, link in pairs:
                changes.apply(PairChange(a, b, mode, link.keys))
            changes.write()
            return [Linked(a, b, changes.types(a, b)) for a, b, _ in pairs]


def check_types(
    definitions: AssociationDefinitions,
    from_type: ObjectType,
    to_type: ObjectType,
    keys: Sequence[TypeKey],
) -> None:
    """Refuses, as HubSpot does, type keys that are not types from ``from_type`` to
    ``to_type``: unknown ones, then those of another pair."""
    unknown = [key for key in keys if definitions.get(key) is None]
    if unknown:
        raise InvalidAssociations.for_types(list(dict.fromkeys(unknown)))
    for key in keys:
        definition = definitions.get(key)
        assert definition is not None
        direction = _direction_problem(definition, from_type.type_id, to_type.type_id)
        if direction:
            raise ValidationError(direction)


def _direction_problem(definition: AssociationDefinition, from_type: str, to_type: str) -> str:
    if definition.from_object_type != from_type:
        side, given, expected = "from", from_type, definition.from_object_type
    elif definition.to_object_type != to_type:
        side, given, expected = "to", to_type, definition.to_object_type
    else:
        return ""
    return (
        f"invalid {side} object type {given} for associations to be created. expected: {expected}"
    )


def require_associable(
    definitions: AssociationDefinitions, from_type: ObjectType, to_type: ObjectType
) -> None:
    if definitions.default(from_type.type_id, to_type.type_id) is None:
        raise ValidationError(
            f"Records of {from_type.name} ({from_type.type_id}) and {to_type.name} "
            f"({to_type.type_id}) cannot be associated: there is no association type "
            "between them"
        )


def refuse_self_associations(pairs: Sequence[tuple[int, int]]) -> None:
    same = [a for a, b in pairs if a == b]
    if same:
        raise ValidationError(
            f"A record cannot be associated with itself: {', '.join(map(str, same))}"
        )


def lock_live(
    tx: Transaction, wanted: Sequence[tuple[ObjectType, Sequence[int | None]]]
) -> set[tuple[str, int | None]]:
    """Lock the records of each ``(type, ids)`` (types in type id order, so concurrent
    writers never wait for each other in a circle); ``(type id, id)`` of the live ones."""
    by_type: dict[str, set[int]] = {}
    for object_type, ids in wanted:
        by_type.setdefault(object_type.type_id, set()).update(i for i in ids if i is not None)
    live: set[tuple[str, int | None]] = set()
    for type_id in sorted(by_type):
        locked = tx.lock_objects(type_id, sorted(by_type[type_id]))
        live.update((type_id, i) for i, record in locked.items() if record.archived_at is None)
    return live


@dataclass(frozen=True, slots=True)
class NewRecordLink:
    """An association given with a record being created: the other record, as sent, and
    the types named (which name the other record's object type)."""

    to_id: str
    keys: tuple[TypeKey, ...]


def prepare_new_record_links(
    store: Store,
    tx: Transaction,
    object_type: ObjectType,
    object_types: Sequence[ObjectType],
    links: Sequence[Sequence[NewRecordLink]],
) -> Callable[[Sequence[int]], None]:
    """Checks the associations of records about to be created (``links[i]`` of the
    ``i``-th) and locks the records they name; the function that stores them once the new
    records have their ids. Call it before anything locks records or unique values."""
    definitions = AssociationDefinitions(store.association_labels())
    by_id = {t.type_id: t for t in object_types}
    targets: list[list[tuple[ObjectType, int | None, str, tuple[TypeKey, ...]]]] = []
    for record_links in links:
        planned = []
        for link in record_links:
            if not link.keys:
                raise ValidationError(
                    "Each association needs at least one association type "
                    "(associationCategory and associationTypeId)"
                )
            to_type = _target_type(definitions, object_type, by_id, link.keys)
            check_types(definitions, object_type, to_type, link.keys)
            planned.append((to_type, parse_object_id(link.to_id), link.to_id, link.keys))
        targets.append(planned)
    live = lock_live(tx, [(t, [i]) for planned in targets for t, i, _, _ in planned])
    invalid = [
        (to_type.label, text)
        for planned in targets
        for to_type, object_id, text, _ in planned
        if (to_type.type_id, object_id) not in live
    ]
    if invalid:
        raise InvalidAssociations.for_records(list(dict.fromkeys(invalid)))

    def link_records(ids: Sequence[int]) -> None:
        by_to_type: dict[str, list[PairChange]] = {}
        for new_id, planned in zip(ids, targets, strict=True):
            for to_type, object_id, _, keys in planned:
                assert object_id is not None
                change = PairChange(new_id, object_id, Mode.ADD, keys)
                by_to_type.setdefault(to_type.type_id, []).append(change)
        for to_type_id, changes in by_to_type.items():
            pairs = PairChanges(
                tx,
                definitions,
                object_type.type_id,
                to_type_id,
                [(c.from_id, c.to_id) for c in changes],
            )
            for change in changes:
                pairs.apply(change)
            pairs.write()

    return link_records


def _target_type(
    definitions: AssociationDefinitions,
    object_type: ObjectType,
    served: dict[str, ObjectType],
    keys: Sequence[TypeKey],
) -> ObjectType:
    """The object type of the record an association of a new record names: the type its
    first association type leads to."""
    first = definitions.get(keys[0])
    if first is None:
        raise InvalidAssociations.for_types([key for key in keys if definitions.get(key) is None])
    if first.from_object_type != object_type.type_id:
        raise ValidationError(_direction_problem(first, object_type.type_id, first.to_object_type))
    to_type = served.get(first.to_object_type)
    if to_type is None:  # a HubSpot type Spoke does not serve: none of its records exist
        raise InvalidAssociations.for_types([first.key])
    return to_type
