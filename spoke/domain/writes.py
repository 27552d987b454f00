"""Writing tickets: create, update, upsert and archive, each request one transaction.

Every value is validated before anything is written; an invalid one rejects the whole
request. Every change is appended to the property's history with its source.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spoke.domain import search_index
from spoke.domain.catalogue import Catalogue, Properties
from spoke.domain.instants import format_instant, now_ms
from spoke.domain.merge import lock_following_merges
from spoke.domain.pipelines import DEFAULT_PIPELINE_ID, Pipelines
from spoke.domain.properties import PropertyDefinition, PropertyType
from spoke.domain.records import (
    MAX_BATCH_INPUTS,
    NOT_FOUND_MESSAGE,
    ReadOptions,
    TicketRecord,
    parse_ticket_id,
    to_record,
)
from spoke.domain.unique import id_property_definition, resolve
from spoke.domain.values import InvalidValue, RawValue, normalise
from spoke.errors import (
    BatchTooLarge,
    Conflict,
    HubSpotError,
    InvalidPropertyValue,
    ObjectNotFound,
    PropertyValuesNotValid,
    ValidationError,
)
from spoke.store.base import Store, StoredTicket, TicketWrite, Transaction, UniqueValueTaken
from spoke.store.search import SearchEntry

PropertyInput = Mapping[str, RawValue]

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

    def write(self, ticket_id: int, version: int, at: int, values: dict[str, str]) -> TicketWrite:
        return TicketWrite(ticket_id, version, at, self.source_type, self.source_id, values)


@dataclass(frozen=True, slots=True)
class TicketUpdate:
    id: str
    properties: PropertyInput


class TicketWriter:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self._store = store
        self._catalogue = catalogue

    # -- create ------------------------------------------------------------------

    def create(self, inputs: Sequence[PropertyInput], source: WriteSource) -> list[TicketRecord]:
        """Create up to 100 tickets in one transaction."""
        _check_batch_size(len(inputs))
        return [_full_record(t) for t in self._insert(inputs, source)]

    def _insert(self, inputs: Sequence[PropertyInput], source: WriteSource) -> list[StoredTicket]:
        def insert(tx: Transaction, catalogue: Properties) -> list[StoredTicket]:
            changes = _validate_all(catalogue, inputs, creating=True)
            now = now_ms()  # inside the transaction: creation times follow id order
            return _insert_tickets(tx, catalogue, changes, source, now)

        return self._catalogue.write_in_force(insert)

    # -- update ------------------------------------------------------------------

    def update(
        self,
        updates: Sequence[TicketUpdate],
        source: WriteSource,
        id_property: str | None = None,
    ) -> list[TicketRecord]:
        """Update tickets named by id, or by a unique property's value."""
        _check_batch_size(len(updates))

        def update(tx: Transaction, catalogue: Properties) -> list[StoredTicket]:
            definition = (
                id_property_definition(catalogue, id_property, "update") if id_property else None
            )
            changes = _validate_all(catalogue, [u.properties for u in updates], creating=False)
            _refuse_repeats([u.id for u in updates])
            ids, current = self._lock_targets(tx, updates, definition)
            missing = [
                u.id
                for u, i in zip(updates, ids, strict=True)
                if i is None or i not in current or current[i].archived_at is not None
            ]
            if missing:
                raise ObjectNotFound(NOT_FOUND_MESSAGE, ids=missing)
            _refuse_repeats([str(i) for i in ids])
            now = now_ms()  # once the tickets are locked: timestamps follow commit order
            targets = [(current[i], c) for i, c in zip(ids, changes, strict=True) if i is not None]
            return _update_tickets(tx, catalogue, targets, source, now)

        return [_full_record(t) for t in self._catalogue.write_in_force(update)]

    def _lock_targets(
        self,
        tx: Transaction,
        updates: Sequence[TicketUpdate],
        definition: PropertyDefinition | None,
    ) -> tuple[list[int | None], dict[int, StoredTicket]]:
        """The ticket each update names, and those tickets, locked.

        By unique value, the value is looked up again once its holder is locked: a
        concurrent writer may have moved it in between (not on SQLite, whose writers
        run one at a time, but on PostgreSQL).
        """
        if definition is None:  # an id merged into another ticket names that ticket
            return lock_following_merges(self._store, tx, [parse_ticket_id(u.id) for u in updates])
        values = [u.id for u in updates]
        for _ in range(_MAX_LOOKUPS):
            held = resolve(self._store, definition, values)
            current = tx.lock_tickets([i for i in held.values() if i])
            if resolve(self._store, definition, values) == held:
                return [held[v] for v in values], current
        raise Conflict(
            f"Values of {definition.name} kept changing while this update ran; try again"
        )

    # -- upsert ------------------------------------------------------------------

    def upsert(
        self, inputs: Sequence[TicketUpdate], source: WriteSource, id_property: str
    ) -> list[tuple[TicketRecord, bool]]:
        """Update the live ticket holding each input's unique value, or create one with it.

        Each result is paired with whether it was created. One transaction: an invalid
        value anywhere writes nothing.
        """
        _check_batch_size(len(inputs))

        def upsert(
            tx: Transaction, catalogue: Properties
        ) -> tuple[list[int | None], list[StoredTicket], list[StoredTicket]]:
            definition = id_property_definition(catalogue, id_property, "upsert")
            _refuse_repeats([_stored_form(definition, u.id) for u in inputs])
            ids, current = self._lock_targets(tx, inputs, definition)
            held = [
                i if i is not None and i in current and current[i].archived_at is None else None
                for i in ids
            ]
            changes = _validate_all(
                catalogue,
                [{**u.properties, id_property: u.id} for u in inputs],
                creating=[i is None for i in held],
            )
            now = now_ms()  # once the tickets are locked: timestamps follow commit order
            updated = _update_tickets(
                tx,
                catalogue,
                [(current[i], c) for i, c in zip(held, changes, strict=True) if i is not None],
                source,
                now,
            )
            created = _insert_tickets(
                tx,
                catalogue,
                [c for i, c in zip(held, changes, strict=True) if i is None],
                source,
                now,
            )
            return held, updated, created

        held, updated, created = self._catalogue.write_in_force(upsert)
        updated_iter, created_iter = iter(updated), iter(created)
        return [
            (_full_record(next(created_iter)), True)
            if i is None
            else (_full_record(next(updated_iter)), False)
            for i in held
        ]

    # -- archive -----------------------------------------------------------------

    def archive(self, ids: Sequence[str]) -> None:
        """Soft-delete; ids that name no live ticket are ignored, as HubSpot does."""
        _check_batch_size(len(ids))

        def archive(tx: Transaction, catalogue: Properties) -> None:
            now = now_ms()
            # An id merged into another ticket names that ticket.
            _, current = lock_following_merges(self._store, tx, list(map(parse_ticket_id, ids)))
            live = [t for t in current.values() if t.archived_at is None]
            tx.update_tickets([StoredTicket(t.id, t.values, now, t.version) for t in live], now)
            tx.unindex_values(search_index.entries_of(catalogue, live))

        self._catalogue.write_in_force(archive)


def _insert_tickets(
    tx: Transaction,
    catalogue: Properties,
    changes: Sequence[dict[str, str]],
    source: WriteSource,
    now: int,
) -> list[StoredTicket]:
    """Insert tickets with validated ``changes``, their history and unique values."""
    if not changes:
        return []
    stamp = format_instant(now)
    ids = tx.allocate_ticket_ids(len(changes))
    tickets = [
        StoredTicket(ticket_id, _initial_values(ticket_id, stamp, change), None, 1)
        for ticket_id, change in zip(ids, changes, strict=True)
    ]
    tx.insert_tickets(tickets, now)
    tx.index_values(search_index.entries_of(catalogue, tickets))
    tx.record_writes([source.write(t.id, 1, now, t.values) for t in tickets])
    _claim(
        tx,
        [
            (name, t.values[name], t.id)
            for t in tickets
            for name in catalogue.unique_names
            if name in t.values
        ],
    )
    return tickets


def _update_tickets(
    tx: Transaction,
    catalogue: Properties,
    targets: Sequence[tuple[StoredTicket, dict[str, str]]],
    source: WriteSource,
    now: int,
) -> list[StoredTicket]:
    """Apply validated changes to locked tickets; the tickets as they are afterwards."""
    stamp = format_instant(now)
    before = {ticket.id: ticket for ticket, _ in targets}
    results: list[StoredTicket] = []
    writes: list[TicketWrite] = []
    for old, change in targets:
        ticket = old
        changed = _changes(old.values, change)
        if changed:
            changed["hs_lastmodifieddate"] = stamp
            writes.append(source.write(old.id, old.version + 1, now, changed))
            ticket = _applied(old, writes[-1])
        _check_stage_of(ticket, catalogue.pipelines)
        results.append(ticket)
    tx.update_tickets([t for t in results if t.version > before[t.id].version], now)
    tx.record_writes(writes)
    _move_unique_values(tx, catalogue, before, writes)
    _reindex(tx, catalogue, before, writes)
    return results


def _check_batch_size(count: int) -> None:
    if count > MAX_BATCH_INPUTS:
        raise BatchTooLarge.for_inputs(MAX_BATCH_INPUTS)


def _refuse_repeats(ids: Sequence[str]) -> None:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValidationError(
            f"Duplicate IDs found in batch input: [{', '.join(repeated)}]. IDs must be unique"
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

    ``creating`` says, for all inputs or for each, whether it creates a ticket (and so
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
            if type(raw) is str and (name in any_text or raw in options.get(name, ())):
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
        if creates:
            change.setdefault("hs_pipeline", DEFAULT_PIPELINE_ID)
            stage = (change["hs_pipeline"], change.get("hs_pipeline_stage", ""))
            if stage not in valid_stages:
                problem = _pipeline_problem(change, catalogue.pipelines)
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
    values: Mapping[str, str], pipelines: Pipelines
) -> InvalidPropertyValue | None:
    """What is wrong with the ticket's pipeline and stage (the live ones of
    ``pipelines``), if anything."""
    pipeline_id = values.get("hs_pipeline", "")
    pipeline = pipelines.get(pipeline_id)
    if pipeline is None:
        labels = ", ".join(p.label for p in pipelines.live())
        return InvalidPropertyValue(
            "hs_pipeline",
            "INVALID_OPTION",
            f"{pipeline_id} was not one of the allowed options: [{labels}]",
        )
    stage_id = values.get("hs_pipeline_stage", "")
    if not stage_id:
        return InvalidPropertyValue(
            "hs_pipeline_stage", "REQUIRED_PROPERTY", 'Property "hs_pipeline_stage" is required'
        )
    if pipeline.stage(stage_id) is None:
        return InvalidPropertyValue(
            "hs_pipeline_stage",
            "INVALID_OPTION",
            f"{stage_id} is not a valid pipeline stage of pipeline {pipeline.id}",
        )
    return None


def _initial_values(ticket_id: int, stamp: str, change: dict[str, str]) -> dict[str, str]:
    values = {name: value for name, value in change.items() if value != ""}
    values.setdefault("createdate", stamp)
    values["hs_lastmodifieddate"] = stamp
    values["hs_object_id"] = values["hs_ticket_id"] = str(ticket_id)
    return values


def _changes(values: Mapping[str, str], change: Mapping[str, str]) -> dict[str, str]:
    """What ``change`` really changes in ``values`` (``""`` clears a value that is set)."""
    return {
        name: value
        for name, value in change.items()
        if (name in values if value == "" else values.get(name) != value)
    }


def _applied(ticket: StoredTicket, write: TicketWrite) -> StoredTicket:
    values = dict(ticket.values)
    for name, value in write.values.items():
        if value == "":
            del values[name]
        else:
            values[name] = value
    return StoredTicket(ticket.id, values, ticket.archived_at, write.version)


def _check_stage_of(ticket: StoredTicket, pipelines: Pipelines) -> None:
    problem = _pipeline_problem(ticket.values, pipelines)
    if problem:
        raise PropertyValuesNotValid([problem])


def _move_unique_values(
    tx: Transaction,
    catalogue: Properties,
    before: Mapping[int, StoredTicket],
    writes: Sequence[TicketWrite],
) -> None:
    """Release the unique values that ``writes`` replaced, then claim the new ones."""
    unique = catalogue.unique_names
    tx.release_unique_values(
        [
            (name, before[w.ticket_id].values[name])
            for w in writes
            for name in w.values
            if name in unique and name in before[w.ticket_id].values
        ]
    )
    _claim(
        tx, [(n, v, w.ticket_id) for w in writes for n, v in w.values.items() if n in unique and v]
    )


def _reindex(
    tx: Transaction,
    catalogue: Properties,
    before: Mapping[int, StoredTicket],
    writes: Sequence[TicketWrite],
) -> None:
    """Replace the search index rows of the values that ``writes`` changed."""
    removed: list[SearchEntry] = []
    added: list[SearchEntry] = []
    for w in writes:
        old, new = search_index.changed_entries(
            catalogue, w.ticket_id, before[w.ticket_id].values, w.values
        )
        removed.extend(old)
        added.extend(new)
    tx.unindex_values(removed)
    tx.index_values(added)


def _claim(tx: Transaction, claims: Sequence[tuple[str, str, int]]) -> None:
    """Claim unique values for tickets; a value claimed twice in one batch is refused."""
    seen: set[tuple[str, str]] = set()
    for name, value, _ in claims:
        if (name, value) in seen:
            raise ValidationError(
                f"Duplicate values found in batch input for unique property {name}: [{value}]"
            )
        seen.add((name, value))
    try:
        tx.claim_unique_values(claims)
    except UniqueValueTaken as taken:
        raise _unique_conflict(taken) from None


def _unique_conflict(taken: UniqueValueTaken) -> HubSpotError:
    holder = str(taken.holder_id) if taken.holder_id is not None else "unknown"
    return Conflict(
        f"A ticket with {taken.property_name} {taken.value} already exists. Existing ID: {holder}",
        context={"propertyName": [taken.property_name], "existingId": [holder]},
    )


def _full_record(ticket: StoredTicket) -> TicketRecord:
    """A written ticket as the write's response shows it: every value it has."""
    names = tuple(sorted(ticket.values))
    return to_record(ticket, ReadOptions(names=names, history_names=()), None)
