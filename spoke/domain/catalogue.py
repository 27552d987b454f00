"""The properties in force of every object type: HubSpot's standard ones plus the portal's
custom ones, and the type's pipelines; and the portal's owners, which every type's
``hubspot_owner_id`` lists as its options.

Custom definitions, pipelines and owners live in the store and may be changed by any
worker; each worker keeps them all in memory and reloads them all when the store's
definitions version (one for every type) moves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from spoke.domain.object_types import ObjectType, ObjectTypes
from spoke.domain.owners import Owners, with_owner_options
from spoke.domain.pipelines import Pipeline, Pipelines, with_pipeline_options
from spoke.domain.properties import PropertyDefinition
from spoke.domain.stage_dates import FIELD_TYPE as STAGE_DATE_FIELD_TYPE
from spoke.domain.stage_dates import stage_date_definitions
from spoke.errors import Conflict
from spoke.store.base import Store, Transaction

T = TypeVar("T")

#: Tries at a write while other workers keep changing the definitions.
_MAX_TRIES = 3

#: Returned on every read, besides the type's created and modified properties.
OBJECT_ID_PROPERTY = "hs_object_id"


class Properties:
    """An immutable view of every property of one object type, by name."""

    def __init__(
        self,
        object_type: ObjectType,
        definitions: Iterable[PropertyDefinition],
        archived: Iterable[PropertyDefinition] = (),
        pipelines: Pipelines | None = None,
        version: int = -1,
    ) -> None:
        self.object_type = object_type
        self.by_name: Mapping[str, PropertyDefinition] = {d.name: d for d in definitions}
        #: Archived custom properties: unknown to reads and writes, kept for the properties API.
        self.archived: Mapping[str, PropertyDefinition] = {d.name: d for d in archived}
        lookups = set(object_type.lookup_properties)
        #: Properties whose values are unique per record: the ``hasUniqueValue`` ones, and
        #: the type's lookup properties (contacts' ``email``).
        self.unique_names = tuple(
            d.name for d in self.by_name.values() if d.has_unique_value or d.name in lookups
        )
        #: The type's pipelines in force (none for a type without pipelines), which its
        #: pipeline and stage properties list.
        self.pipelines = pipelines if pipelines is not None else Pipelines(())
        #: The properties whose values HubSpot's stage calculation writes (the history of
        #: their values names it, ``spoke.domain.stage_dates``).
        self.stage_dates = frozenset(
            d.name for d in self.by_name.values() if d.field_type == STAGE_DATE_FIELD_TYPE
        )
        #: The store's definitions version these were read at (-1: never read).
        self.version = version
        #: Returned on every read, whatever was asked for.
        self.always_returned = (
            object_type.created_property,
            object_type.modified_property,
            OBJECT_ID_PROPERTY,
        )
        self._default_returned = tuple(
            sorted({*object_type.default_properties, *self.always_returned})
        )

    def get(self, name: str) -> PropertyDefinition | None:
        return self.by_name.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def all(self) -> list[PropertyDefinition]:
        return list(self.by_name.values())

    def returned(self, requested: Sequence[str], with_history: Sequence[str]) -> tuple[str, ...]:
        """The property names a read returns, sorted (behaviour.md decision 7)."""
        if not requested and not with_history:
            return self._default_returned
        names = {n for n in (*requested, *with_history) if n in self.by_name}
        names.update(self.always_returned)
        return tuple(sorted(names))

    def existing(self, names: Sequence[str]) -> tuple[str, ...]:
        """``names`` that are defined, without repeats, sorted."""
        return tuple(sorted({n for n in names if n in self.by_name}))


def properties_of(
    object_type: ObjectType,
    custom: Sequence[PropertyDefinition] = (),
    pipelines: Sequence[Pipeline] | None = None,
    version: int = -1,
    owners: Owners | None = None,
) -> Properties:
    """The properties of ``object_type``, with its ``custom`` ones (live and archived), its
    stored ``pipelines`` (its default ones when ``None``) and the portal's ``owners``."""
    model = object_type.pipelines
    standard = with_owner_options(object_type.properties, owners or Owners(()))
    in_force = None
    if model is not None:
        in_force = Pipelines(model.defaults if pipelines is None else pipelines)
        standard = (
            *with_pipeline_options(
                standard, in_force, model.pipeline_property, model.stage_property
            ),
            *stage_date_definitions(object_type, in_force),
        )
    live = [d for d in custom if d.archived_at is None]
    archived = [d for d in custom if d.archived_at is not None]
    return Properties(object_type, (*standard, *live), archived, in_force, version)


class Catalogue:
    """Hands out the current :class:`Properties` of each object type, reloading every
    type's custom properties and pipelines when they change."""

    def __init__(self, store: Store, object_types: ObjectTypes) -> None:
        self._store = store
        self.object_types = object_types
        self._version = -1
        self._properties = {t.type_id: properties_of(t) for t in object_types}
        self._owners = Owners(())

    def current(self, object_type: ObjectType) -> Properties:
        return self.at(self._store.definitions_version(), object_type)

    def cached(self, object_type: ObjectType) -> Properties:
        """The properties last read, without asking the store whether they moved."""
        return self._properties[object_type.type_id]

    def at(self, version: int, object_type: ObjectType) -> Properties:
        """The properties of definitions ``version``, just read from the store."""
        self._load(version)
        return self._properties[object_type.type_id]

    def owners(self) -> Owners:
        """The portal's owners in force."""
        self._load(self._store.definitions_version())
        return self._owners

    def _load(self, version: int) -> None:
        """Read every definition again, unless those of ``version`` are in memory."""
        if version == self._version:
            return
        custom = self._store.custom_properties()
        pipelines = self._store.pipelines()
        owners = Owners(self._store.owners())
        self._properties = {
            t.type_id: properties_of(
                t, custom.get(t.type_id, ()), pipelines.get(t.type_id, []), version, owners
            )
            for t in self.object_types
        }
        self._owners = owners
        self._version = version

    def write_in_force(
        self, object_type: ObjectType, write: Callable[[Transaction, Properties], T]
    ) -> T:
        """Run ``write`` in one transaction with the type's definitions in force, held
        until it commits: no property or pipeline change commits in between (a stage
        cannot be deleted, a property cannot be retyped, under it). Definitions changed
        since this worker read them are read again first."""
        return self.prepare_and_write(object_type, lambda p: lambda tx: write(tx, p))

    def prepare_and_write(
        self, object_type: ObjectType, prepare: Callable[[Properties], Callable[[Transaction], T]]
    ) -> T:
        """As :meth:`write_in_force`, the write being what ``prepare`` returns for the
        type's definitions. ``prepare`` runs before the transaction, so that what does
        not need it (validating, keying) does not hold the write lock: a refusal takes no
        lock (the definitions it was read at were in force when it was read, as they are
        for a refusal inside the transaction), and the write runs only if the
        definitions are still those it was prepared with, else it is prepared again."""
        for _ in range(_MAX_TRIES):
            properties = self.current(object_type)
            write = prepare(properties)
            with self._store.transaction() as tx:
                if tx.hold_definitions() == properties.version:
                    return write(tx)
        raise Conflict(
            "Property or pipeline definitions kept changing during this write; try again"
        )
