"""Writing records of any object type: create, update, upsert and archive, each request one
transaction.

Every value is validated before anything is written; an invalid one rejects the whole
request. Every change is appended to the property's history with its source.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from spoke.domain import search_index, stage_dates
from spoke.domain.associations.records import forget_associations
from spoke.domain.associations.writes import NewRecordLink, prepare_new_record_links
from spoke.domain.catalogue import OBJECT_ID_PROPERTY, Catalogue, Properties
from spoke.domain.instants import format_instant, now_ms
from spoke.domain.merge import lock_following_merges
from spoke.domain.object_types import ObjectType, PipelineModel
from spoke.domain.pipelines import Pipelines
from spoke.domain.properties import PropertyDefinition, PropertyType
from spoke.domain.records import (
    MAX_BATCH_INPUTS,
    ObjectRecord,
    full_record,
    not_found_message,
    parse_object_id,
)
from spoke.domain.repeats import repeated
from spoke.domain.unique import id_property_definition, resolve
from spoke.domain.values import MAX_VALUE_LENGTH, InvalidValue, RawValue, normalise
from spoke.errors import (
    BatchTooLarge,
    Conflict,
    HubSpotError,
    InvalidPropertyValue,
    ObjectNotFound,
    PropertyValuesNotValid,
    ValidationError,
)
from spoke.store.base import ObjectWrite, Store, StoredObject, Transaction, UniqueValueTaken
from spoke.store.search import SearchEntry, SearchKey

PropertyInput = Mapping[str, RawValue]
T = TypeVar("T")

#: Tries at finding the holders of unique values while other writers move them.
_MAX_LOOKUPS = 3


@dataclass(frozen=True, slots=True)
class WriteSource:
    """Who writes: recorded as ``sourceType`` and ``sourceId`` in history."""

    source_type: str
    source_id: str | None

    @classmethod
    def integration(cls, app_id: int) -> WriteSource:
        return cls("INTEGRATION", str(app_id))

    def write(self, object_id: int, version: int, at: int, values: dict[str, str]) -> ObjectWrite:
        return ObjectWrite(object_id, version, at, self.source_type, self.source_id, values)


@dataclass(frozen=True, slots=True)
class ObjectUpdate:
    id: str
    properties: PropertyInput


class ObjectWriter:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self._store = store
        self._catalogue = catalogue

    # -- create ------------------------------------------------------------------

    def create(
        self,
        object_type: ObjectType,
        inputs: Sequence[PropertyInput],
        source: WriteSource,
        links: Sequence[Sequence[NewRecordLink]] = (),
    ) -> list[ObjectRecord]:
        """Create up to 100 records in one transaction, each associated with the records
        its ``links`` name (``links[i]`` for ``inputs[i]``, when given)."""
        _check_batch_size(len(inputs))
        created = self._insert(object_type, inputs, source, links)
        return [full_record(object_type, r) for r in created]

    def _insert(
        self,
        object_type: ObjectType,
        inputs: Sequence[PropertyInput],
        source: WriteSource,
        links: Sequence[Sequence[NewRecordLink]] = (),
    ) -> list[StoredObject]:
        served = self._catalogue.object_types.all

        def prepare(catalogue: Properties) -> Callable[[Transaction], list[StoredObject]]:
            new = _NewRecords.of(catalogue, _validate_all(catalogue, inputs, creating=True))

            def insert(tx: Transaction) -> list[StoredObject]:
                link = None
                if any(links):  # the records they name are locked before any unique value
                    link = prepare_new_record_links(self._store, tx, object_type, served, links)
                now = now_ms()  # inside the transaction: creation times follow id order
                records = _insert_objects(tx, catalogue, new, source, now)
                if link is not None:
                    link([r.id for r in records])
                return records

            return insert

        return self._catalogue.prepare_and_write(object_type, prepare)

    # -- update ------------------------------------------------------------------

    def update(
        self,
        object_type: ObjectType,
        updates: Sequence[ObjectUpdate],
        source: WriteSource,
        id_property: str | None = None,
    ) -> list[ObjectRecord]:
        """Update records named by id, or by a unique property's value."""
        _check_batch_size(len(updates))

        def update(tx: Transaction, catalogue: Properties) -> list[StoredObject]:
            definition = (
                id_property_definition(catalogue, id_property, "update") if id_property else None
            )
            changes = _validate_all(catalogue, [u.properties for u in updates], creating=False)
            _refuse_repeats([u.id for u in updates])
            ids, current = self._lock_targets(tx, object_type, updates, definition)
            missing = [
                u.id
                for u, i in zip(updates, ids, strict=True)
                if i is None or i not in current or current[i].archived_at is not None
            ]
            if missing:
                raise ObjectNotFound(not_found_message(object_type), ids=missing)
            _refuse_repeats([str(i) for i in ids])
            now = now_ms()  # once the records are locked: timestamps follow commit order
            targets = [(current[i], c) for i, c in zip(ids, changes, strict=True) if i is not None]
            return _update_objects(tx, catalogue, targets, source, now)

        written = self._catalogue.write_in_force(object_type, update)
        return [full_record(object_type, r) for r in written]

    def _lock_targets(
        self,
        tx: Transaction,
        object_type: ObjectType,
        updates: Sequence[ObjectUpdate],
        definition: PropertyDefinition | None,
    ) -> tuple[list[int | None], dict[int, StoredObject]]:
        """The record each update names, and those records, locked.

        By unique value, the value is looked up again once its holder is locked: a
        concurrent writer may have moved it in between (not on SQLite, whose writers
        run one at a time, but on PostgreSQL).
        """
        type_id = object_type.type_id
        if definition is None:  # an id merged into another record names that record
            ids = [parse_object_id(u.id) for u in updates]
            return lock_following_merges(self._store, tx, type_id, ids)
        values = [u.id for u in updates]
        for _ in range(_MAX_LOOKUPS):
            held = resolve(self._store, type_id, definition, values)
            current = tx.lock_objects(type_id, [i for i in held.values() if i])
            if resolve(self._store, type_id, definition, values) == held:
                return [held[v] for v in values], current
        raise Conflict(
            f"Values of {definition.name} kept changing while this update ran; try again"
        )

    # -- upsert ------------------------------------------------------------------

    def upsert(
        self,
        object_type: ObjectType,
        inputs: Sequence[ObjectUpdate],
        source: WriteSource,
        id_property: str,
    ) -> list[tuple[ObjectRecord, bool]]:
        """Update the live record holding each input's unique value, or create one with it.

        Each result is paired with whether it was created. One transaction: an invalid
        value anywhere writes nothing.
        """
        _check_batch_size(len(inputs))

        def upsert(
            tx: Transaction, catalogue: Properties
        ) -> tuple[list[int | None], list[StoredObject], list[StoredObject]]:
            definition = id_property_definition(catalogue, id_property, "upsert")
            _refuse_repeats([_stored_form(definition, u.id) for u in inputs])
            ids, current = self._lock_targets(tx, object_type, inputs, definition)
            held = [
                i if i is not None and i in current and current[i].archived_at is None else None
                for i in ids
            ]
            changes = _validate_all(
                catalogue,
                [{**u.properties, id_property: u.id} for u in inputs],
                creating=[i is None for i in held],
            )
            now = now_ms()  # once the records are locked: timestamps follow commit order
            updated = _update_objects(
                tx,
                catalogue,
                [(current[i], c) for i, c in zip(held, changes, strict=True) if i is not None],
                source,
                now,
            )
            try:
                created = _insert_objects(
                    tx,
                    catalogue,
                    _NewRecords.of(
                        catalogue, [c for i, c in zip(held, changes, strict=True) if i is None]
                    ),
                    source,
                    now,
                )
            except Conflict as conflict:
                if (conflict.context or {}).get("propertyName") == [id_property]:
                    raise _CreatedMeanwhile(conflict) from None
                raise
            return held, updated, created

        held, updated, created = _retried_on_lost_creates(
            lambda: self._catalogue.write_in_force(object_type, upsert)
        )
        updated_iter, created_iter = iter(updated), iter(created)
        return [
            (full_record(object_type, next(created_iter)), True)
            if i is None
            else (full_record(object_type, next(updated_iter)), False)
            for i in held
        ]

    # -- archive -----------------------------------------------------------------

    def archive(self, object_type: ObjectType, ids: Sequence[str]) -> None:
        """Soft-delete; ids that name no live record of the type are ignored, as HubSpot
        does."""
        _check_batch_size(len(ids))
        type_id = object_type.type_id

        def archive(tx: Transaction, catalogue: Properties) -> None:
            now = now_ms()
            # An id merged into another record names that record.
            parsed = list(map(parse_object_id, ids))
            _, current = lock_following_merges(self._store, tx, type_id, parsed)
            live = [r for r in current.values() if r.archived_at is None]
            archived = [StoredObject(r.id, r.values, now, r.version) for r in live]
            tx.update_objects(type_id, archived, now)
            tx.unindex_values(type_id, search_index.entries_of(catalogue, live))
            forget_associations(tx, [r.id for r in live])

        self._catalogue.write_in_force(object_type, archive)


class _CreatedMeanwhile(Exception):
    """An upsert found no record holding a value, but another writer created one with it
    before this one could (PostgreSQL runs writers side by side, in READ COMMITTED)."""

    def __init__(self, conflict: Conflict) -> None:
        super().__init__(str(conflict))
        self.conflict = conflict


def _retried_on_lost_creates(write: Callable[[], T]) -> T:
    """``write`` (a whole transaction), run again from the start when it lost the race
    to create a record with a unique value: the next run finds that record and updates
    it, as an upsert must. After :data:`_MAX_LOOKUPS` runs, the 409."""
    for attempt in range(_MAX_LOOKUPS):
        try:
            return write()
        except _CreatedMeanwhile as lost:
            if attempt == _MAX_LOOKUPS - 1:
                raise lost.conflict from None
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class _NewRecords:
    """Records to create, with what needs neither their ids nor the time of the write
    (so it can be done before the write lock): the values sent (validated, without the
    empty ones) and their index keys."""

    sent: list[dict[str, str]]
    keys: list[list[tuple[str, SearchKey]]]

    @classmethod
    def of(cls, catalogue: Properties, changes: Sequence[dict[str, str]]) -> _NewRecords:
        sent = [_sent_values(change) for change in changes]
        return cls(sent, [search_index.keys(catalogue, values) for values in sent])


def _insert_objects(
    tx: Transaction,
    catalogue: Properties,
    new: _NewRecords,
    source: WriteSource,
    now: int,
) -> list[StoredObject]:
    """Insert records with validated values, their history, index rows and unique
    values."""
    if not new.sent:
        return []
    object_type = catalogue.object_type
    type_id = object_type.type_id
    stamp = format_instant(now)
    ids = tx.allocate_object_ids(len(new.sent))
    records: list[StoredObject] = []
    entries: list[SearchEntry] = []
    for object_id, sent, keys in zip(ids, new.sent, new.keys, strict=True):
        own = _set_by_create(object_type, object_id, stamp, sent)
        records.append(StoredObject(object_id, {**sent, **own}, None, 1))
        entries += [(name, key, object_id) for name, key in keys if name not in own]
        entries += search_index.entries(catalogue, object_id, own)
    tx.insert_objects(type_id, records, now)
    tx.index_values(type_id, entries)
    tx.record_writes([source.write(r.id, 1, now, r.values) for r in records])
    _claim(
        tx,
        catalogue,
        [
            (name, r.values[name], r.id)
            for r in records
            for name in catalogue.unique_names
            if name in r.values
        ],
    )
    return records


def _update_objects(
    tx: Transaction,
    catalogue: Properties,
    targets: Sequence[tuple[StoredObject, dict[str, str]]],
    source: WriteSource,
    now: int,
) -> list[StoredObject]:
    """Apply validated changes to locked records; the records as they are afterwards."""
    object_type = catalogue.object_type
    stamp = format_instant(now)
    before = {record.id: record for record, _ in targets}
    results: list[StoredObject] = []
    writes: list[ObjectWrite] = []
    model = object_type.pipelines
    for old, change in targets:
        record = old
        changed = _changes(old.values, change)
        if changed:
            if model is not None:
                stage_dates.on_stage_change(model, old.values, changed, stamp)
            changed[object_type.modified_property] = stamp
            writes.append(source.write(old.id, old.version + 1, now, changed))
            record = _applied(old, writes[-1])
        if object_type.pipelines is not None:
            _check_stage_of(record, catalogue.pipelines, object_type.pipelines)
        results.append(record)
    updated = [r for r in results if r.version > before[r.id].version]
    tx.update_objects(object_type.type_id, updated, now)
    tx.record_writes(writes)
    _move_unique_values(tx, catalogue, before, writes)
    _reindex(tx, catalogue, before, writes)
    return results


def _check_batch_size(count: int) -> None:
    if count > MAX_BATCH_INPUTS:
        raise BatchTooLarge.for_inputs(MAX_BATCH_INPUTS)


def _refuse_repeats(ids: Sequence[str]) -> None:
    twice = repeated(ids)
    if twice:
        raise ValidationError(
            f"Duplicate IDs found in batch input: [{', '.join(twice)}]. IDs must be unique"
        )


def _stored_form(definition: PropertyDefinition, text: str) -> str:
    """``text`` as ``definition`` stores it, or as it is where it is no valid value."""
    try:
        return normalise(definition, text)
    except InvalidValue:
        return text


def _validate_all(
    catalogue: Properties, inputs: Sequence[PropertyInput], *, creating: bool | Sequence[bool]
) -> list[dict[str, str]]:
    """Normalised values of every input; raises one error listing every problem.

    ``creating`` says, for all inputs or for each, whether it creates a record (and so
    must meet the rules of creation).
    """
    problems: list[InvalidPropertyValue] = []
    changes: list[dict[str, str]] = []
    definitions = catalogue.by_name
    any_text, options = _kept_as_sent(catalogue)
    valid_stages: set[tuple[str, str]] = set()
    flags = [creating] * len(inputs) if isinstance(creating, bool) else creating
    for properties, creates in zip(inputs, flags, strict=True):
        change: dict[str, str] = {}
        for name, raw in properties.items():
            if (
                type(raw) is str
                and len(raw) <= MAX_VALUE_LENGTH
                and (name in any_text or raw in options.get(name, ()))
            ):
                change[name] = raw  # what normalise() returns first, without the call
                continue
            definition = definitions.get(name)
            if definition is None:
                problems.append(
                    InvalidPropertyValue(
                        name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist'
                    )
                )
            elif definition.read_only_value:
                problems.append(
                    InvalidPropertyValue(name, "READ_ONLY_VALUE", f'Property "{name}" is read-only')
                )
            else:
                try:
                    change[name] = normalise(definition, raw)
                except InvalidValue as invalid:
                    problems.append(invalid.for_property(name))
        model = catalogue.object_type.pipelines
        if creates and model is not None:
            change.setdefault(model.pipeline_property, model.default_pipeline_id)
            stage = (change[model.pipeline_property], change.get(model.stage_property, ""))
            if stage not in valid_stages:
                problem = _pipeline_problem(change, catalogue.pipelines, model)
                if problem:
                    problems.append(problem)
                else:
                    valid_stages.add(stage)
        changes.append(change)
    if problems:
        raise PropertyValuesNotValid(problems)
    return changes


@functools.lru_cache(maxsize=4)
def _kept_as_sent(catalogue: Properties) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The text values that ``normalise`` keeps as they are without looking further: any
    text of a writable string property (their names), and their options' values for
    the other writable properties that have options. Checking these first spares most
    values the call."""
    writable = [d for d in catalogue.by_name.values() if not d.read_only_value]
    any_text = frozenset(d.name for d in writable if d.type is PropertyType.STRING)
    options = {d.name: d.option_values for d in writable if d.option_values}
    return any_text, options


def _pipeline_problem(
    values: Mapping[str, str], pipelines: Pipelines, model: PipelineModel
) -> InvalidPropertyValue | None:
    """What is wrong with the record's pipeline and stage (the live ones of
    ``pipelines``), if anything."""
    pipeline_property, stage_property = model.pipeline_property, model.stage_property
    pipeline_id = values.get(pipeline_property, "")
    pipeline = pipelines.get(pipeline_id)
    if pipeline is None:
        labels = ", ".join(p.label for p in pipelines.live())
        return InvalidPropertyValue(
            pipeline_property,
            "INVALID_OPTION",
            f"{pipeline_id} was not one of the allowed options: [{labels}]",
        )
    stage_id = values.get(stage_property, "")
    if not stage_id:
        return InvalidPropertyValue(
            stage_property, "REQUIRED_PROPERTY", f'Property "{stage_property}" is required'
        )
    if pipeline.stage(stage_id) is None:
        return InvalidPropertyValue(
            stage_property,
            "INVALID_OPTION",
            f"{stage_id} is not a valid pipeline stage of pipeline {pipeline.id}",
        )
    return None


def _initial_values(
    object_type: ObjectType, object_id: int, stamp: str, change: dict[str, str]
) -> dict[str, str]:
    """The values of a record created with ``change`` at ``stamp``."""
    sent = _sent_values(change)
    return {**sent, **_set_by_create(object_type, object_id, stamp, sent)}


def _sent_values(change: Mapping[str, str]) -> dict[str, str]:
    """The values of a create's validated ``change`` that it stores (``""`` sets none)."""
    return {name: value for name, value in change.items() if value != ""}


def _set_by_create(
    object_type: ObjectType, object_id: int, stamp: str, sent: Mapping[str, str]
) -> dict[str, str]:
    """What a create sets itself, over the values ``sent``: when the record entered its
    stage, its creation time (unless sent), modification time and id."""
    own = (
        {}
        if object_type.pipelines is None
        else stage_dates.on_create(object_type.pipelines, sent, stamp)
    )
    if object_type.created_property not in sent:
        own[object_type.created_property] = stamp
    own[object_type.modified_property] = stamp
    own[OBJECT_ID_PROPERTY] = str(object_id)
    for name in object_type.id_properties:
        own[name] = str(object_id)
    return own


def _changes(values: Mapping[str, str], change: Mapping[str, str]) -> dict[str, str]:
    """What ``change`` really changes in ``values`` (``""`` clears a value that is set)."""
    return {
        name: value
        for name, value in change.items()
        if (name in values if value == "" else values.get(name) != value)
    }


def _applied(record: StoredObject, write: ObjectWrite) -> StoredObject:
    values = dict(record.values)
    for name, value in write.values.items():
        if value == "":
            del values[name]
        else:
            values[name] = value
    return StoredObject(record.id, values, record.archived_at, write.version)


def _check_stage_of(record: StoredObject, pipelines: Pipelines, model: PipelineModel) -> None:
    problem = _pipeline_problem(record.values, pipelines, model)
    if problem:
        raise PropertyValuesNotValid([problem])


def _move_unique_values(
    tx: Transaction,
    catalogue: Properties,
    before: Mapping[int, StoredObject],
    writes: Sequence[ObjectWrite],
) -> None:
    """Release the unique values that ``writes`` replaced, then claim the new ones."""
    unique = catalogue.unique_names
    tx.release_unique_values(
        catalogue.object_type.type_id,
        [
            (name, before[w.object_id].values[name])
            for w in writes
            for name in w.values
            if name in unique and name in before[w.object_id].values
        ],
    )
    _claim(
        tx,
        catalogue,
        [(n, v, w.object_id) for w in writes for n, v in w.values.items() if n in unique and v],
    )


def _reindex(
    tx: Transaction,
    catalogue: Properties,
    before: Mapping[int, StoredObject],
    writes: Sequence[ObjectWrite],
) -> None:
    """Replace the search index rows of the values that ``writes`` changed."""
    removed: list[SearchEntry] = []
    added: list[SearchEntry] = []
    for w in writes:
        old, new = search_index.changed_entries(
            catalogue, w.object_id, before[w.object_id].values, w.values
        )
        removed.extend(old)
        added.extend(new)
    type_id = catalogue.object_type.type_id
    tx.unindex_values(type_id, removed)
    tx.index_values(type_id, added)


def _claim(tx: Transaction, catalogue: Properties, claims: Sequence[tuple[str, str, int]]) -> None:
    """Claim unique values for records; a value claimed twice in one batch is refused."""
    seen: set[tuple[str, str]] = set()
    for name, value, _ in claims:
        if (name, value) in seen:
            raise ValidationError(
                f"Duplicate values found in batch input for unique property {name}: [{value}]"
            )
        seen.add((name, value))
    try:
        tx.claim_unique_values(catalogue.object_type.type_id, claims)
    except UniqueValueTaken as taken:
        raise unique_conflict(catalogue.object_type, taken) from None


def unique_conflict(object_type: ObjectType, taken: UniqueValueTaken) -> HubSpotError:
    """The 409 for a unique value that another record of the type holds."""
    holder = str(taken.holder_id) if taken.holder_id is not None else "unknown"
    return Conflict(
        f"A {object_type.singular} with {taken.property_name} {taken.value} already exists. "
        f"Existing ID: {holder}",
        context={"propertyName": [taken.property_name], "existingId": [holder]},
    )
