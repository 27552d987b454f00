"""Reading records of any object type: batch read by id or unique value, single reads, and
pages of a list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import nullcontext, suppress
from dataclasses import dataclass
from typing import Protocol

from spoke.domain.answers import Answer, AnswerCache
from spoke.domain.catalogue import Catalogue, Properties
from spoke.domain.object_types import ObjectType
from spoke.domain.records import (
    MAX_BATCH_INPUTS,
    MAX_HISTORY_BATCH_INPUTS,
    ObjectRecord,
    ReadOptions,
    first_appearances,
    parse_object_ids,
    to_record,
)
from spoke.domain.stage_dates import SOURCE_ID as STAGE_DATE_SOURCE_ID
from spoke.domain.stage_dates import SOURCE_TYPE as STAGE_DATE_SOURCE_TYPE
from spoke.domain.unique import id_property_definition, resolve
from spoke.errors import BatchTooLarge, InvalidPageRequest
from spoke.store.base import HistoryEntry, SelectedObject, SelectedWrite, Store, StoredObject
from spoke.store.selection import ValueSelection, value_selection

#: History of each (record, property), newest first, as the store reads it.
History = dict[tuple[int, str], list[HistoryEntry]]

#: Page sizes of a list (``limit``): HubSpot's default and maximum, and the maximum when
#: property history is asked for (behaviour.md §1.3, hubspot-api-python#143).
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_HISTORY_PAGE_SIZE = 50

#: Lists of names whose selection a reader keeps (:meth:`ObjectReader._selection`).
_MAX_SELECTIONS = 256

#: The highest id a record can have (a signed 64-bit integer, in both backends).
_MAX_OBJECT_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class BatchReadResult:
    records: list[ObjectRecord]
    missing: list[str]
    """Inputs that matched no record, as sent, in input order, without repeats."""


#: One value a property of a record had, as a batch read by id returns it: the value,
#: the instant it was written at, and its source type and source id.
Version = tuple[str, int, str, str | None]

#: The history a batch read by id returns of each record, by id: each name asked for
#: that the record ever had a value of (in HubSpot's order), with its values, newest
#: first.
Versions = dict[int, dict[str, list[Version]]]


class AnswerEncoder(Protocol):
    """Encodes the records a batch read by id returns (the HTTP layer's JSON), one
    answer each, in their order."""

    def __call__(
        self,
        records: Sequence[SelectedObject],
        history: Versions | None,
        created_field: str,
        modified_field: str,
    ) -> list[bytes]:
        """``records``: each one's id, the values of the names it returns
        (``properties``, in HubSpot's order) and ``archived_at``; ``history``: by record
        id, each name asked for with history that the record ever had a value of, with
        its values, newest first (a record without any is absent; ``None`` when no
        history was asked for); ``created_field`` and ``modified_field``: the attributes
        of the values that hold its ``createdAt`` and ``updatedAt`` (its type's created
        and modified properties, always returned)."""
        ...


@dataclass(frozen=True, slots=True)
class AnswersBatch:
    """A batch read by id (:meth:`ObjectReader.batch_read_answers`)."""

    answers: list[bytes]
    """Each record's answer, each record once, in input order."""
    missing: list[str]
    """As :attr:`BatchReadResult.missing`."""


@dataclass(frozen=True, slots=True)
class _Selection:
    """What a batch read by id of some names decodes (:meth:`ObjectReader._selection`)."""

    values: ValueSelection
    """Of each record: the names it returns."""
    created_field: str
    modified_field: str
    history: ValueSelection | None
    """Of each write: the names whose history it returns (``None``: no history)."""
    calculated: tuple[bool, ...]
    """For each name of ``history``: whether its history names HubSpot's stage
    calculation as the source (``spoke.domain.stage_dates``)."""


@dataclass(frozen=True, slots=True)
class ObjectPage:
    records: list[ObjectRecord]
    next_after: str | None
    """The ``after`` that reads the next page; ``None`` on the last page."""


class ObjectReader:
    def __init__(self, store: Store, catalogue: Catalogue, answers: AnswerCache) -> None:
        self._store = store
        self._catalogue = catalogue
        self._answers = answers
        self._selections: dict[tuple[Properties, tuple[str, ...], tuple[str, ...]], _Selection]
        self._selections = {}

    def batch_read(
        self,
        object_type: ObjectType,
        inputs: Sequence[str],
        properties: Sequence[str],
        properties_with_history: Sequence[str],
        *,
        id_property: str | None,
        archived: bool,
        max_with_history: int = MAX_HISTORY_BATCH_INPUTS,
    ) -> BatchReadResult:
        """Read up to 100 records (50 with history, or ``max_with_history``); see
        behaviour.md decisions 1-9."""
        if len(inputs) > MAX_BATCH_INPUTS:
            raise BatchTooLarge.for_inputs(MAX_BATCH_INPUTS)
        if properties_with_history and len(inputs) > max_with_history:
            raise BatchTooLarge.for_history(max_with_history)
        wanted = first_appearances(inputs)
        ids: Mapping[str, int | None] = {}
        if id_property is None:
            ids = parse_object_ids(wanted)
            read = self._read_by_id(object_type, ids, properties, properties_with_history)
            if read is not None:
                return _batch_result(wanted, ids, *read, archived=archived)
        # By unique value, or history with ids merged away, or definitions that just
        # moved: several queries, in one snapshot.
        catalogue = self._catalogue.current(object_type)
        options = _read_options(catalogue, properties, properties_with_history)
        type_id = object_type.type_id
        with self._store.snapshot():
            if id_property is not None:
                definition = id_property_definition(catalogue, id_property, "read")
                ids = resolve(self._store, type_id, definition, wanted)
            asked = [i for i in ids.values() if i]
            records = {r.id: r for r in self._store.read_objects(type_id, asked)}
            self._follow_merges(type_id, asked, records)
            history = None
            if options.history_names:
                read_ids = list({r.id for r in records.values()})
                history = self._store.read_history(type_id, read_ids, options.history_names)
        return _batch_result(wanted, ids, records, options, history, archived=archived)

    def batch_read_answers(
        self,
        object_type: ObjectType,
        inputs: Sequence[str],
        properties: Sequence[str],
        properties_with_history: Sequence[str],
        *,
        id_property: str | None,
        archived: bool,
        encode: AnswerEncoder,
    ) -> AnswersBatch | None:
        """:meth:`batch_read` in its most common form, by id, each record's answer
        ``encode``d once and then served from this worker's :class:`AnswerCache` until
        the record changes (docs/decisions.md, "Cached answers of the batch read"). The
        records not held are read with only the values returned decoded, of each record
        and of each write ("The batch read decodes only the names it returns"): one store
        call, and without history a second only when some id names no record (to find
        those merged away). ``None`` when the read is of another form, when with history
        some id was merged away (its primary's history must come from the same
        snapshot), or when the definitions moved while it read: then :meth:`batch_read`
        is the read to make."""
        if id_property is not None:
            return None
        if len(inputs) > MAX_BATCH_INPUTS:
            raise BatchTooLarge.for_inputs(MAX_BATCH_INPUTS)
        if properties_with_history and len(inputs) > MAX_HISTORY_BATCH_INPUTS:
            raise BatchTooLarge.for_history(MAX_HISTORY_BATCH_INPUTS)
        wanted = dict.fromkeys(inputs)  # each input once, in first-appearance order
        cache = self._answers
        catalogue = self._catalogue.cached(object_type)
        selection = self._selection(catalogue, properties, properties_with_history)
        held = cache.held(selection, archived)
        if not held.keys().isdisjoint(wanted):  # serve none unchecked
            in_force = self._catalogue.at(cache.refresh(), object_type)
            if in_force is not catalogue:  # the definitions moved: other names, maybe
                catalogue = in_force
                selection = self._selection(catalogue, properties, properties_with_history)
            held = cache.held(selection, archived)  # without what the refresh forgot
            with suppress(KeyError):  # unless some input names no record held
                return AnswersBatch(list(map(held.__getitem__, wanted)), [])
        ids = parse_object_ids([text for text in wanted if text not in held])
        read: dict[int, Answer] = {}
        merged: dict[int, Answer] = {}
        unread = list(dict.fromkeys(i for i in ids.values() if i))
        if unread:
            answers_read = self._read_answers(
                object_type, catalogue, selection, unread, encode=encode
            )
            if answers_read is None:
                return None
            read, merged = answers_read
            if len(read) == len(wanted):  # each input names a record read, once
                kind = [answer[2] for answer in read.values()].count(archived)
                if kind == len(read):  # and of the kind asked for
                    return AnswersBatch([read[i][1] for i in unread], [])
        answers: list[bytes] = []
        missing: list[str] = []
        returned: set[int] = set()
        for text in wanted:
            encoded = held.get(text)
            if encoded is not None:
                object_id = int(text)
            else:
                object_id = ids[text] or 0
                answer = read.get(object_id) or merged.get(object_id)
                if answer is None or answer[2] != archived:
                    missing.append(text)
                    continue
                object_id, encoded, _ = answer
            if object_id not in returned:
                returned.add(object_id)
                answers.append(encoded)
        return AnswersBatch(answers, missing)

    def _read_answers(
        self,
        object_type: ObjectType,
        catalogue: Properties,
        selection: _Selection,
        ids: Sequence[int],
        *,
        encode: AnswerEncoder,
    ) -> tuple[dict[int, Answer], dict[int, Answer]] | None:
        """The answers of the records ``ids`` name, read from the store (and kept), by
        id; and those of the ids merged away, by id (each the answer of the record it was
        merged into). ``None`` when :meth:`batch_read_answers` must give up."""
        type_id = object_type.type_id
        read = self._store.read_values_in_force(type_id, ids, selection.values, selection.history)
        if read.definitions_version != catalogue.version:
            return None  # the names to return may have moved since
        history = None if selection.history is None else _versions(read.writes, selection)
        created, modified = selection.created_field, selection.modified_field
        records = read.objects
        encoded = encode(records, history, created, modified)
        answers = {
            record[0]: (record[0], answer, record[2] is not None)
            for record, answer in zip(records, encoded, strict=True)
        }
        self._answers.keep(selection, answers.values())
        merged = self._merged_away(type_id, ids, answers)
        if merged and history is not None:
            return None
        values = selection.values
        merged_answers: dict[int, Answer] = {}
        for merged_id, primary in merged.items():
            answer = answers.get(primary.id)
            if answer is None:
                as_read = (primary.id, values.of(primary.values), primary.archived_at)
                (encoded_primary,) = encode([as_read], None, created, modified)
                answer = (primary.id, encoded_primary, primary.archived_at is not None)
            merged_answers[merged_id] = answer
        return answers, merged_answers

    def _selection(
        self, catalogue: Properties, properties: Sequence[str], with_history: Sequence[str]
    ) -> _Selection:
        """What a batch read by id of ``properties`` and ``with_history`` decodes: worked
        out once per definitions and lists of names (a client asks for the same few again
        and again)."""
        key = (catalogue, tuple(properties), tuple(with_history))
        known = self._selections.get(key)
        if known is None:
            if len(self._selections) >= _MAX_SELECTIONS:
                self._selections.clear()
            values = value_selection(catalogue.returned(properties, with_history))
            history_names = catalogue.existing(with_history)
            object_type = catalogue.object_type
            known = _Selection(
                values,
                values.getter(object_type.created_property),
                values.getter(object_type.modified_property),
                value_selection(history_names) if history_names else None,
                tuple(name in catalogue.stage_dates for name in history_names),
            )
            self._selections[key] = known
        return known

    def _read_by_id(
        self,
        object_type: ObjectType,
        ids: Mapping[str, int | None],
        properties: Sequence[str],
        properties_with_history: Sequence[str],
    ) -> tuple[dict[int, StoredObject], ReadOptions, History | None] | None:
        """The common batch read, by id, in one store call (one round trip on
        PostgreSQL): the history asked for is read along, for the property names this
        worker last knew, and the definitions version with it. ``None`` when the names
        the version in force gives are not those, or when history is asked for and some
        id was merged away (its primary's history must come from the same snapshot): the
        caller reads again."""
        asked = [i for i in ids.values() if i]
        cached = self._catalogue.cached(object_type)
        known = _read_options(cached, properties, properties_with_history)
        type_id = object_type.type_id
        read = self._store.read_objects_in_force(type_id, asked, known.history_names)
        catalogue = self._catalogue.at(read.definitions_version, object_type)
        options = (
            known
            if catalogue is cached
            else _read_options(catalogue, properties, properties_with_history)
        )
        records = {r.id: r for r in read.objects}
        if options.history_names != known.history_names:
            return None
        merged = self._merged_away(type_id, asked, records)
        if merged and options.history_names:
            return None
        for merged_id, primary in merged.items():
            records[merged_id] = records.setdefault(primary.id, primary)
        return records, options, read.history if options.history_names else None

    def _follow_merges(
        self, object_type: str, asked: Sequence[int], records: dict[int, StoredObject]
    ) -> None:
        """Add to ``records`` (read by the ids ``asked``) the record each asked id that
        was merged away reads as: the one it was merged into."""
        for merged_id, primary in self._merged_away(object_type, asked, records).items():
            records[merged_id] = records.setdefault(primary.id, primary)

    def _merged_away(
        self, object_type: str, asked: Sequence[int], found: Mapping[int, object]
    ) -> dict[int, StoredObject]:
        """Of the ids ``asked`` that name no record ``found``, those merged away, each
        with the record it was merged into (no store call when every id was found)."""
        if len(found) >= len(set(asked)):
            return {}
        unfound = [i for i in asked if i not in found]
        return self._store.read_merged_objects(object_type, unfound)

    def get(
        self,
        object_type: ObjectType,
        object_id: str,
        properties: Sequence[str],
        properties_with_history: Sequence[str],
        *,
        id_property: str | None,
        archived: bool,
    ) -> ObjectRecord | None:
        result = self.batch_read(
            object_type,
            [object_id],
            properties,
            properties_with_history,
            id_property=id_property,
            archived=archived,
        )
        return result.records[0] if result.records else None

    def list_page(
        self,
        object_type: ObjectType,
        after: str | None,
        limit: str | None,
        properties: Sequence[str],
        properties_with_history: Sequence[str],
        *,
        archived: bool,
        max_with_history: int = MAX_HISTORY_PAGE_SIZE,
    ) -> ObjectPage:
        """One page of the type's live (or, with ``archived``, archived) records in id
        order; with history, at most ``max_with_history`` of them.

        ``after`` is HubSpot's cursor: the id the page starts from (inclusive), so a page's
        ``next_after`` is its last id plus one. Paging by id is stable under concurrent
        writes: no record is repeated, and none that existed when paging began is skipped.
        """
        size = _page_size(limit, max_with_history if properties_with_history else None)
        after_id = _start_of(after) - 1
        catalogue = self._catalogue.current(object_type)
        options = _read_options(catalogue, properties, properties_with_history)
        type_id = object_type.type_id
        with self._store.snapshot() if options.history_names else nullcontext():
            found = self._store.list_objects(type_id, after_id, size + 1, archived)
            page = found[:size]
            history = None
            if options.history_names:
                ids = [r.id for r in page]
                history = self._store.read_history(type_id, ids, options.history_names)
        next_after = str(page[-1].id + 1) if len(found) > size else None
        return ObjectPage([to_record(r, options, history) for r in page], next_after)


def _versions(writes: Sequence[SelectedWrite], selection: _Selection) -> Versions:
    """The history of each record that ``writes`` (each record's newest first, decoded
    for the names of ``selection.history``) give, in HubSpot's order of names: the
    rules of :func:`spoke.domain.records.to_record`, without a :class:`HistoryEntry`
    per value."""
    assert selection.history is not None
    names = selection.history.names
    fields = list(zip(names, selection.history.fields, selection.calculated, strict=True))
    by_record: dict[int, dict[str, list[Version]]] = {}
    for object_id, timestamp, source_type, source_id, values in writes:
        versions = by_record.get(object_id)
        if versions is None:
            versions = by_record[object_id] = {name: [] for name in names}
        for name, field, calculated in fields:
            value = getattr(values, field)
            if value is not None:
                versions[name].append(
                    (value, timestamp, STAGE_DATE_SOURCE_TYPE, STAGE_DATE_SOURCE_ID)
                    if calculated
                    else (value, timestamp, source_type, source_id)
                )
    for object_id, versions in by_record.items():
        if not all(versions.values()):  # names the record never had a value of
            by_record[object_id] = {name: v for name, v in versions.items() if v}
    return by_record


def _page_size(limit: str | None, max_with_history: int | None) -> int:
    """The page size ``limit`` asks for; ``max_with_history`` when history is read."""
    if limit is None:
        return DEFAULT_PAGE_SIZE
    size = int(limit) if limit.isascii() and limit.isdigit() and len(limit) < 10 else 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidPageRequest.for_limit(limit, MAX_PAGE_SIZE)
    if max_with_history is not None and size > max_with_history:
        raise InvalidPageRequest.for_history(max_with_history)
    return size


def _start_of(after: str | None) -> int:
    """The lowest id a page starting at cursor ``after`` may hold."""
    if after is None:
        return 0
    if not (after.isascii() and after.isdigit()):
        raise InvalidPageRequest.for_cursor(after)
    beyond_every_id = _MAX_OBJECT_ID + 1
    return beyond_every_id if len(after) > 19 else min(int(after), beyond_every_id)


def _batch_result(
    wanted: Sequence[str],
    ids: Mapping[str, int | None],
    found: Mapping[int, StoredObject],
    options: ReadOptions,
    history: History | None,
    *,
    archived: bool,
) -> BatchReadResult:
    """The records of ``wanted`` (each once, in input order) and the inputs that name no
    record of the ``archived`` kind."""
    records: list[ObjectRecord] = []
    missing: list[str] = []
    returned: set[int] = set()
    for text in wanted:
        record = found.get(ids[text] or 0)
        if record is None or (record.archived_at is not None) != archived:
            missing.append(text)
        elif record.id not in returned:
            returned.add(record.id)
            records.append(to_record(record, options, history))
    return BatchReadResult(records, missing)


def _read_options(
    catalogue: Properties, properties: Sequence[str], with_history: Sequence[str]
) -> ReadOptions:
    object_type = catalogue.object_type
    history_names = catalogue.existing(with_history)
    return ReadOptions(
        names=catalogue.returned(properties, with_history),
        history_names=history_names,
        created_property=object_type.created_property,
        modified_property=object_type.modified_property,
        stage_date_history=tuple(n for n in history_names if n in catalogue.stage_dates),
    )
