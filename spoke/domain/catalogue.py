"""The ticket properties in force: HubSpot's standard ones plus the portal's custom ones.

Custom definitions live in the store and may be changed by any worker; each worker
keeps them in memory and reloads them when the store's definitions version moves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from spoke.domain.pipelines import DEFAULT_PIPELINES, Pipelines, with_pipeline_options
from spoke.domain.properties import PropertyDefinition
from spoke.domain.ticket_properties import ALWAYS_RETURNED, DEFAULT_PROPERTIES, STANDARD_PROPERTIES
from spoke.errors import Conflict
from spoke.store.base import Store, Transaction

T = TypeVar("T")

#: Tries at a write while other workers keep changing the definitions.
_MAX_TRIES = 3


class Properties:
    """An immutable view of every ticket property, by name."""

    def __init__(
        self,
        definitions: Iterable[PropertyDefinition],
        archived: Iterable[PropertyDefinition] = (),
        pipelines: Pipelines = DEFAULT_PIPELINES,
        version: int = -1,
    ) -> None:
        self.by_name: Mapping[str, PropertyDefinition] = {d.name: d for d in definitions}
        #: Archived custom properties: unknown to reads and writes, kept for the properties API.
        self.archived: Mapping[str, PropertyDefinition] = {d.name: d for d in archived}
        self.unique_names = tuple(d.name for d in self.by_name.values() if d.has_unique_value)
        #: The ticket pipelines in force, which hs_pipeline and hs_pipeline_stage list.
        self.pipelines = pipelines
        #: The store's definitions version these were read at (-1: never read).
        self.version = version

    def get(self, name: str) -> PropertyDefinition | None:
        return self.by_name.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def all(self) -> list[PropertyDefinition]:
        return list(self.by_name.values())

    def returned(self, requested: Sequence[str], with_history: Sequence[str]) -> tuple[str, ...]:
        """The property names a read returns, sorted (behaviour.md decision 7)."""
        if not requested and not with_history:
            return _DEFAULT_RETURNED
        names = {n for n in (*requested, *with_history) if n in self.by_name}
        names.update(ALWAYS_RETURNED)
        return tuple(sorted(names))

    def existing(self, names: Sequence[str]) -> tuple[str, ...]:
        """``names`` that are defined, without repeats, sorted."""
        return tuple(sorted({n for n in names if n in self.by_name}))


_DEFAULT_RETURNED = tuple(sorted((*DEFAULT_PROPERTIES, *ALWAYS_RETURNED)))


class Catalogue:
    """Hands out the current :class:`Properties`, reloading custom ones when they change."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._version = -1
        self._properties = Properties(STANDARD_PROPERTIES)

    def current(self) -> Properties:
        return self.at(self._store.definitions_version())

    def cached(self) -> Properties:
        """The properties last read, without asking the store whether they moved."""
        return self._properties

    def at(self, version: int) -> Properties:
        """The properties of definitions ``version``, just read from the store."""
        if version != self._version:
            custom = self._store.custom_properties()
            live = [d for d in custom if d.archived_at is None]
            archived = [d for d in custom if d.archived_at is not None]
            pipelines = Pipelines(self._store.pipelines())
            standard = with_pipeline_options(STANDARD_PROPERTIES, pipelines)
            self._properties = Properties((*standard, *live), archived, pipelines, version)
            self._version = version
        return self._properties

    def write_in_force(self, write: Callable[[Transaction, Properties], T]) -> T:
        """Run ``write`` in one transaction with the definitions in force, held until it
        commits: no property or pipeline change commits in between (a stage cannot be
        deleted, a property cannot be retyped, under it). Definitions changed since this
        worker read them are read again first."""
        for _ in range(_MAX_TRIES):
            properties = self.current()
            with self._store.transaction() as tx:
                if tx.hold_definitions() == properties.version:
                    return write(tx, properties)
        raise Conflict(
            "Property or pipeline definitions kept changing during this write; try again"
        )
