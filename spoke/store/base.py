"""The storage interface. The domain talks to storage only through these types.

Contract, for every backend:

- Every record (a ticket, a contact, ...) belongs to one object type, named by its type
  id (``"0-5"``): every method that reads or writes records takes it, and a record is
  never read, written, found or searched through another type. Record ids are unique
  across types (one sequence).
- Reads outside a transaction see committed data only.
- :meth:`Store.transaction` runs its block as one transaction: everything it wrote
  commits together when the block ends, or nothing does when it raises. Writers that
  touch the same records are serialised (``lock_objects``), so no update is lost and
  history rows of one record are appended in commit order.
- Unique values are enforced by the store itself (a unique index per object type and
  property), so two concurrent writers can never both claim one value: the loser gets
  :class:`UniqueValueTaken`.
- History is kept as the list of writes each record had; a record's ``version``
  numbers them, so history is in commit order by construction.
- Stored property values are strings already in HubSpot's read format; the store
  never interprets them.
- Custom properties, property groups and pipelines belong to one object type each; one
  definitions version covers them all, and the association labels too.
- Associations are stored in both directions, one row per association type: the store
  keeps what it is given and never checks the records or the types (the domain does).

The interface is synchronous: SQLite is fastest called inline (docs/decisions.md).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TypeVar

from spoke.domain.associations.definitions import AssociationLabel
from spoke.domain.owners import NewOwner, Owner
from spoke.domain.pipelines import Pipeline, PipelineAudit
from spoke.domain.properties import PropertyDefinition, PropertyGroup
from spoke.store.search import Condition, KeyGroups, SearchEntry, SearchQuery, SearchResult
from spoke.store.selection import SelectedValues, ValueSelection


@dataclass(slots=True)
class StoredObject:
    """A record of some object type, as stored."""

    id: int
    values: dict[str, str]
    archived_at: int | None
    version: int
    """How many writes the record has had (1 once created)."""


@dataclass(frozen=True, slots=True)
class ObjectWrite:
    """The values one write set on one record (``""`` for a cleared value)."""

    object_id: int
    version: int
    timestamp: int
    source_type: str
    source_id: str | None
    values: dict[str, str]


@dataclass(slots=True)
class HistoryEntry:
    """One value a property of a record had, from ``timestamp`` on."""

    object_id: int
    property: str
    value: str
    timestamp: int
    source_type: str
    source_id: str | None


@dataclass(frozen=True, slots=True)
class ObjectsRead:
    """What :meth:`Store.read_objects_in_force` read."""

    definitions_version: int
    objects: list[StoredObject]
    history: dict[tuple[int, str], list[HistoryEntry]]
    """Of the names asked for; empty when none were."""


#: A record as :meth:`Store.read_values_in_force` reads it: id, values, ``archived_at``.
SelectedObject = tuple[int, SelectedValues, int | None]


#: A write of a record as :meth:`Store.read_values_in_force` reads it for history: record
#: id, timestamp, source type, source id, and the values it set of the names asked for
#: (``None`` for those it did not set).
SelectedWrite = tuple[int, int, str, str | None, SelectedValues]


@dataclass(frozen=True, slots=True)
class ValuesRead:
    """What :meth:`Store.read_values_in_force` read."""

    definitions_version: int
    objects: list[SelectedObject]
    writes: list[SelectedWrite]
    """Every write of the records read, each record's newest first, when history was
    asked for; else empty."""


#: More changed records than this are reported as "any record may have changed"
#: (:attr:`ObjectChanges.object_ids` ``None``): forgetting everything is then cheaper.
MAX_OBJECT_CHANGES = 10_000


@dataclass(frozen=True, slots=True)
class ObjectChanges:
    """What :meth:`Store.object_changes` read."""

    definitions_version: int
    since: int
    """What to pass as ``since`` to the next call."""
    object_ids: list[int] | None
    """Records changed since the call that returned the ``since`` given (perhaps some
    more, and some more than once); ``None`` when they cannot be told apart (no
    ``since``, too many changes, or the log no longer reaches back that far): any record
    may have changed."""


@dataclass(frozen=True, slots=True)
class StoredAssociation:
    """One association type from one record to another (one direction)."""

    from_object_type: str
    from_id: int
    to_object_type: str
    to_id: int
    category: str
    type_id: int


@dataclass(frozen=True, slots=True)
class TokenRecord:
    token_hash: str
    app_id: int
    scopes: tuple[str, ...]
    created_at: int
    expires_at: int | None


class UniqueValueTaken(Exception):
    """A unique property value is already held by another record of the type."""

    def __init__(self, property_name: str, value: str, holder_id: int | None) -> None:
        super().__init__(f"{property_name}={value!r} is held by record {holder_id}")
        self.property_name = property_name
        self.value = value
        self.holder_id = holder_id


class PropertyExists(Exception):
    """A custom property with that name already exists on the object type."""


class PropertyGroupExists(Exception):
    """A property group with that name already exists on the object type."""


class OwnerExists(Exception):
    """A live owner already has that email."""


class DefinitionChanged(Exception):
    """A stored definition (property or group) is no longer the one the change was made
    from: another request changed it in between."""


class DatabaseUnavailable(Exception):
    """The database server cannot be reached (a client/server backend only)."""


class Transaction(ABC):
    """Writes of one request; see the module docstring for the guarantees. ``object_type``
    is always a type id (``"0-5"``)."""

    @abstractmethod
    def allocate_object_ids(self, count: int) -> list[int]:
        """``count`` new record ids, increasing, unused by any record of any type."""

    @abstractmethod
    def lock_objects(self, object_type: str, ids: Sequence[int]) -> dict[int, StoredObject]:
        """The current state of the records of ``object_type`` among ``ids`` that exist,
        locked until the transaction ends."""

    @abstractmethod
    def insert_objects(
        self, object_type: str, objects: Sequence[StoredObject], created_at: int
    ) -> None: ...

    @abstractmethod
    def update_objects(
        self, object_type: str, objects: Sequence[StoredObject], updated_at: int
    ) -> None:
        """Replace values, version and ``archived_at`` of existing records of the type."""

    @abstractmethod
    def record_writes(self, writes: Sequence[ObjectWrite]) -> None:
        """Append writes to the history of records (locked by this transaction)."""

    @abstractmethod
    def claim_unique_values(self, object_type: str, claims: Sequence[tuple[str, str, int]]) -> None:
        """Record ``(property, value, object_id)``; raises :class:`UniqueValueTaken`."""

    @abstractmethod
    def release_unique_values(
        self, object_type: str, releases: Sequence[tuple[str, str]]
    ) -> None: ...

    # -- merges ------------------------------------------------------------------

    @abstractmethod
    def read_writes(self, ids: Sequence[int]) -> list[ObjectWrite]:
        """Every write of the records ``ids`` (locked by this transaction), each record's
        in version order."""

    @abstractmethod
    def clear_history(self, ids: Sequence[int]) -> None:
        """Delete every write of the records ``ids`` (a merge writes them again)."""

    @abstractmethod
    def retire_merged_object(self, merged_id: int, primary_id: int) -> None:
        """Delete record ``merged_id`` and point its id, and every id merged into it
        before, at ``primary_id`` (a record of the same type). Its id is never given to
        another record."""

    # -- associations --------------------------------------------------------------

    @abstractmethod
    def associations_between(
        self, to_object_type: str, pairs: Sequence[tuple[int, int]]
    ) -> list[StoredAssociation]:
        """The associations from ``a`` to ``b`` (a record of ``to_object_type``), for every
        ``(a, b)`` of ``pairs``."""

    @abstractmethod
    def associations_from(
        self, ids: Sequence[int], to_object_type: str | None = None
    ) -> list[StoredAssociation]:
        """Every association from the records ``ids`` (to records of ``to_object_type``
        only, if given)."""

    @abstractmethod
    def insert_associations(self, rows: Sequence[StoredAssociation]) -> None:
        """Store associations (one already there is kept)."""

    @abstractmethod
    def delete_associations(self, rows: Sequence[StoredAssociation]) -> None:
        """Remove associations (one not there is ignored)."""

    @abstractmethod
    def delete_associations_of(self, ids: Sequence[int]) -> None:
        """Remove every association from or to the records ``ids``, in both directions
        (the rows to them are the inverses of the rows from them)."""

    @abstractmethod
    def allocate_association_type_ids(self, count: int) -> list[int]:
        """``count`` ids for new association labels, increasing, never given out before."""

    @abstractmethod
    def save_association_labels(self, labels: Sequence[AssociationLabel]) -> None:
        """Store labels, new or replacing the stored ones with their type ids. The caller
        moves the definitions version (:meth:`change_definitions`)."""

    @abstractmethod
    def delete_association_labels(self, type_ids: Sequence[int]) -> None:
        """Remove the labels ``type_ids`` and every association of those USER_DEFINED
        types. The caller moves the definitions version."""

    # -- definitions -------------------------------------------------------------

    @abstractmethod
    def hold_definitions(self) -> int:
        """The definitions version in force, held until the transaction ends: no change
        of properties or pipelines commits before this transaction does, so what was
        validated against that version stays valid."""

    @abstractmethod
    def change_definitions(self) -> None:
        """Move the definitions version, so every worker reloads them once this
        transaction commits; until then, record writes wait in :meth:`hold_definitions`
        (and this waits for the writes holding them)."""

    @abstractmethod
    def lock_pipelines(self, object_type: str) -> list[Pipeline]:
        """Every pipeline of the type, archived ones too, locked against other pipeline
        writers until the transaction ends. Bumps the definitions version, so every worker
        reloads the pipelines once the transaction commits."""

    @abstractmethod
    def allocate_pipeline_ids(self, count: int) -> list[str]:
        """``count`` new ids for pipelines or stages: numeric, never given out before."""

    @abstractmethod
    def save_pipeline(self, object_type: str, pipeline: Pipeline) -> None:
        """Store ``pipeline`` and all its stages, new or replacing the stored ones."""

    @abstractmethod
    def record_pipeline_audits(self, object_type: str, audits: Sequence[PipelineAudit]) -> None:
        """Append entries to the type's pipelines' audit log."""

    # -- search index (spoke/store/search.py) --------------------------------------

    @abstractmethod
    def index_values(self, object_type: str, entries: Sequence[SearchEntry]) -> None:
        """Add rows to the search index (a row already there is kept)."""

    @abstractmethod
    def unindex_values(self, object_type: str, entries: Sequence[SearchEntry]) -> None:
        """Remove rows from the search index (a row not there is ignored)."""

    @abstractmethod
    def unindex_property(self, object_type: str, name: str) -> None:
        """Remove every row of property ``name`` of the type from the search index."""

    @abstractmethod
    def rebuild_search_index(self) -> bool:
        """Empty the index and lock it, to be filled anew, unless it is complete already
        (then returns False). :meth:`mark_search_index_complete` ends the rebuild."""

    @abstractmethod
    def mark_search_index_complete(self) -> None: ...

    # -- bulk loads (spoke/domain/bulk_import.py) -------------------------------------

    @abstractmethod
    def load_objects(
        self,
        object_type: str,
        records: Sequence[StoredObject],
        created_at: int,
        source: tuple[str, str | None],
    ) -> None:
        """Insert new records (version 1), each with its first write, which set every value
        it has, from ``source`` (``sourceType``, ``sourceId``): ``insert_objects`` and
        ``record_writes`` at once, made for many records. A backend may return before
        they are in, as long as the transaction's next statement comes after them."""

    @abstractmethod
    def load_index(self, object_type: str, index: Iterable[KeyGroups]) -> None:
        """Add the index rows of records loaded in this transaction, none of which is in
        the index yet, and move the kept counts of their keys. ``index`` may compute each
        property's rows as it is iterated: a backend may write one while the next is
        computed."""


class Store(ABC):
    """One database holding records of every object type, their history, custom
    properties, property groups, pipelines and tokens. ``object_type`` is always a type
    id (``"0-5"``)."""

    @abstractmethod
    def migrate(self) -> None:
        """Bring the schema up to date, with the standard property groups and pipelines of
        every standard object type in it (idempotent)."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def limit_statement_time(self, milliseconds: int) -> None:
        """From now on, cancel any statement of this store that runs longer than
        ``milliseconds`` (the driver's error then passes :func:`spoke.store.timed_out`;
        a transaction it was part of is rolled back). For serving requests: bulk work
        (seeding, migrating, building the index) runs without a limit."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Transaction]: ...

    # -- records -----------------------------------------------------------------

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside the block all see one committed state of the database."""

    @abstractmethod
    def read_objects(self, object_type: str, ids: Sequence[int]) -> list[StoredObject]:
        """The records of the type among ``ids`` that exist, archived or not, in any order."""

    @abstractmethod
    def read_objects_in_force(
        self, object_type: str, ids: Sequence[int], history_names: Sequence[str] = ()
    ) -> ObjectsRead:
        """:meth:`definitions_version`, :meth:`read_objects` and, given names,
        :meth:`read_history` of the records found, read in one state no earlier than the
        call began: what a read by id needs, in as few round trips as the backend allows."""

    @abstractmethod
    def read_values_in_force(
        self,
        object_type: str,
        ids: Sequence[int],
        selection: ValueSelection,
        history: ValueSelection | None = None,
    ) -> ValuesRead:
        """:meth:`definitions_version` and the records of the type among ``ids`` that
        exist, archived or not, in any order, each with only the values ``selection``
        names (the rest of its stored values is never decoded): the batch read by id, in
        one round trip and one state no earlier than the call began. With ``history``,
        also every write of those records, each with only the values ``history`` names,
        from the same state."""

    @abstractmethod
    def object_changes(self, since: int | None) -> ObjectChanges:
        """The definitions version, and which records were changed after their creation
        (updated, archived, restored, merged, deleted, their history rewritten) by
        transactions committed since the call that returned ``since``; read no earlier
        than the call began. For caches of what records read as, kept exact across
        workers (docs/decisions.md, "Cached answers of the batch read")."""

    @abstractmethod
    def list_objects(
        self, object_type: str, after_id: int, limit: int, archived: bool
    ) -> list[StoredObject]:
        """Up to ``limit`` records of the type whose id is above ``after_id``, in id order:
        the archived ones if ``archived``, else the live ones.

        Paging by id (keyset, never an offset) is stable under concurrent writes: a record
        keeps its id for ever, so a reader that passes the last id it saw as ``after_id``
        never sees a record twice and never skips one that existed when it started.
        """

    @abstractmethod
    def find_unique_values(
        self, object_type: str, property_name: str, values: Sequence[str]
    ) -> dict[str, int]:
        """Which record of the type holds each of ``values`` of a unique property."""

    @abstractmethod
    def read_history(
        self, object_type: str, ids: Sequence[int], property_names: Sequence[str]
    ) -> dict[tuple[int, str], list[HistoryEntry]]:
        """History of each (record of the type, property), newest first."""

    @abstractmethod
    def count_objects(self, object_type: str) -> int:
        """How many records of the type there are, live or archived."""

    # -- property definitions --------------------------------------------------

    @abstractmethod
    def definitions_version(self) -> int:
        """Changes whenever a custom property definition, a property group or a pipeline
        of any type changes (cheap to call)."""

    @abstractmethod
    def custom_properties(self) -> dict[str, list[PropertyDefinition]]:
        """Every custom property, archived ones too, by object type, each type's by name."""

    # -- associations ------------------------------------------------------------

    @abstractmethod
    def association_labels(self) -> list[AssociationLabel]:
        """Every association label (USER_DEFINED type), by type id."""

    @abstractmethod
    def read_associations(
        self,
        from_object_type: str,
        to_object_type: str,
        starts: Sequence[tuple[int, int]],
        per_record: int,
    ) -> list[StoredAssociation]:
        """For each ``(from_id, first_to_id)`` of ``starts``, the associations from record
        ``from_id`` of ``from_object_type`` to the records of ``to_object_type`` whose id
        is at least ``first_to_id``: every type of the first ``per_record`` such records,
        each record's in to id, category and type id order. Each ``from_id`` at most once."""

    # -- access tokens ---------------------------------------------------------

    @abstractmethod
    def insert_token(self, token: TokenRecord) -> None: ...

    @abstractmethod
    def find_token(self, token_hash: str) -> TokenRecord | None: ...

    @abstractmethod
    def allocate_app_id(self) -> int: ...

    # -- merges ------------------------------------------------------------------

    @abstractmethod
    def merged_into(self, object_type: str, ids: Sequence[int]) -> dict[int, int]:
        """For each of ``ids`` that was merged away into a record of the type, the id of
        the record it lives on in."""

    @abstractmethod
    def read_merged_objects(self, object_type: str, ids: Sequence[int]) -> dict[int, StoredObject]:
        """For each of ``ids`` that was merged away into a record of the type, the record
        it lives on in, archived or not (one consistent read)."""

    # -- property definitions: batches, changes, groups ----------------------------

    @abstractmethod
    def create_properties(
        self, object_type: str, definitions: Sequence[PropertyDefinition]
    ) -> None:
        """Store new custom properties of the type, all or none (one definitions version
        bump); raises :class:`PropertyExists` when a name is taken."""

    @abstractmethod
    def replace_properties(
        self, object_type: str, changes: Sequence[tuple[PropertyDefinition, PropertyDefinition]]
    ) -> None:
        """Replace stored custom definitions of the type, each ``(before, after)`` (same
        name), all or none, bumping the definitions version; raises
        :class:`DefinitionChanged` when a stored definition is missing or no longer equals
        its ``before``."""

    @abstractmethod
    def property_has_values(self, object_type: str, name: str) -> bool:
        """Whether any record of the type, live or archived, holds a value of ``name``."""

    @abstractmethod
    def property_groups(self, object_type: str) -> list[PropertyGroup]:
        """Every property group of the type, archived ones included, by name."""

    @abstractmethod
    def insert_property_group(self, object_type: str, group: PropertyGroup) -> None:
        """Store a new group (bumping the definitions version); raises
        :class:`PropertyGroupExists` when the name is taken, even by an archived group."""

    @abstractmethod
    def replace_property_group(
        self, object_type: str, before: PropertyGroup, after: PropertyGroup
    ) -> None:
        """Replace a stored group (bumping the definitions version); raises
        :class:`DefinitionChanged` when it is missing or no longer equals ``before``."""

    # -- pipelines ---------------------------------------------------------------

    @abstractmethod
    def pipelines(self) -> dict[str, list[Pipeline]]:
        """Every pipeline, archived ones too, with all its stages, by object type."""

    @abstractmethod
    def pipeline_audits(self, object_type: str, pipeline_id: str) -> list[PipelineAudit]:
        """The audit entries of the pipeline itself (not of its stages), newest first."""

    @abstractmethod
    def stage_audits(self, object_type: str, stage_id: str) -> list[PipelineAudit]:
        """The audit entries of the stage ``stage_id``, newest first."""

    # -- owners (spoke/domain/owners.py) --------------------------------------------

    @abstractmethod
    def owners(self) -> list[Owner]:
        """Every owner, archived ones too, with its teams (primary first), in id order."""

    @abstractmethod
    def add_owner(self, owner: NewOwner, at: int) -> Owner:
        """Store a new owner with new owner and user ids, in the teams it names (those
        that do not exist yet are created), moving the definitions version; raises
        :class:`OwnerExists` when a live owner has its email."""

    @abstractmethod
    def archive_owner(self, owner_id: int, at: int) -> bool:
        """Archive the live owner ``owner_id`` (moving the definitions version); False
        when there is none."""

    # -- search index (spoke/store/search.py) --------------------------------------

    @abstractmethod
    def search_objects(self, query: SearchQuery) -> SearchResult:
        """How many live records of the query's type match, and the ids of the page asked
        for (inside :meth:`snapshot`, for the two to agree)."""

    @abstractmethod
    def keep_search_count(self, object_type: str, condition: Condition) -> None:
        """Count the rows of an equality condition's key (``SearchResult.count_to_keep``)
        and keep the count, so that searches read it from then on (outside any
        transaction or snapshot). It may do nothing while writers are busy: the next
        search that counts the key asks again."""

    @abstractmethod
    def search_index_complete(self) -> bool:
        """Whether every live record is in the search index (False only on a database
        that had records before the index existed, until it is built)."""


T = TypeVar("T")


def iter_chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
