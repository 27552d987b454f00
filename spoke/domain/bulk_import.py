"""Loading many records at once (``spoke seed``): one transaction, the index built last.

Each record is validated and normalised exactly as a create validates it (the same
functions), and gets the same values, history entry and unique values. What differs is
how rows reach the store:

- records and their first writes go in chunks through ``Transaction.load_objects``;
- the search index is not kept record by record. The values of every loaded record are
  grouped by property and value as they are loaded; at the end each distinct value is
  keyed once (``search_index.key_functions``, the keys every write computes), and the
  rows go to the store in key order (``Transaction.load_index``), which fills the
  index's B-trees from one end instead of at random places.

It is one transaction: nothing is seen before everything, index included, is there, and
a failure leaves nothing behind. On SQLite it holds the write lock throughout.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice

from spoke.domain import search_index
from spoke.domain.catalogue import Catalogue, Properties
from spoke.domain.instants import format_instant, now_ms
from spoke.domain.object_types import ObjectType
from spoke.domain.writes import (
    PropertyInput,
    WriteSource,
    _claim,
    _initial_values,
    _validate_all,
)
from spoke.store.base import StoredObject, Transaction
from spoke.store.search import KeyGroups, SearchKey

#: Records validated and inserted per step.
CHUNK = 20_000


class IndexBuild:
    """The index rows of loaded records, grouped by property and stored value."""

    def __init__(self, properties: Properties) -> None:
        self._properties = properties
        self._functions = search_index.key_functions(properties)
        self._values: dict[str, dict[str, list[int]]] = {name: {} for name in self._functions}

    def add(self, records: Iterable[StoredObject]) -> None:
        """Add the values of ``records``, which come in ascending order of id."""
        values_of = self._values
        for record in records:
            record_id = record.id
            for name, value in record.values.items():
                groups = values_of.get(name)
                if groups is not None and value:
                    groups.setdefault(value, []).append(record_id)

    def keyed(self) -> Iterator[KeyGroups]:
        """Every indexed property's keys in order, each with its records' ids in order;
        one property at a time, keyed as it is asked for (so the store may write one
        while the next is keyed)."""
        for name in sorted(self._values):
            by_value = self._values.pop(name)
            if by_value:
                numeric = self._properties.by_name[name].type in search_index.NUMERIC_TYPES
                yield KeyGroups(name, numeric, _keyed(self._functions[name], by_value))


def _keyed(
    key_of: Callable[[str], SearchKey], by_value: Mapping[str, list[int]]
) -> list[tuple[SearchKey, list[int]]]:
    keys = list(map(key_of, by_value))
    by_key = dict(zip(keys, by_value.values(), strict=True))
    if len(by_key) < len(keys):  # values that differ only in case share a text key
        by_key = {}
        for key, ids in zip(keys, by_value.values(), strict=True):
            held = by_key.get(key)
            if held is None:
                by_key[key] = ids
            else:
                held.extend(ids)
        for ids in by_key.values():
            ids.sort()
    return sorted(by_key.items())


def import_objects(
    catalogue: Catalogue,
    object_type: ObjectType,
    inputs: Iterable[PropertyInput],
    source: WriteSource,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create a record of ``object_type`` for each of ``inputs`` (no limit on their
    number), validated as creates are; any invalid value rejects them all. Returns how
    many were created; ``progress`` is told how many more after each chunk."""
    type_id = object_type.type_id

    def load(tx: Transaction, properties: Properties) -> int:
        index = IndexBuild(properties)
        loaded = 0
        for chunk in _chunks(inputs, CHUNK):
            changes = _validate_all(properties, chunk, creating=True)
            now = now_ms()  # creation times follow id order
            stamp = format_instant(now)
            ids = tx.allocate_object_ids(len(changes))
            records = [
                StoredObject(
                    record_id, _initial_values(object_type, record_id, stamp, change), None, 1
                )
                for record_id, change in zip(ids, changes, strict=True)
            ]
            tx.load_objects(type_id, records, now, (source.source_type, source.source_id))
            unique = properties.unique_names
            if unique:
                claims = [(n, r.values[n], r.id) for r in records for n in unique if n in r.values]
                _claim(tx, properties, claims)
            index.add(records)
            loaded += len(records)
            if progress is not None:
                progress(len(records))
        tx.load_index(type_id, index.keyed())
        return loaded

    collecting = gc.isenabled()
    gc.disable()  # the load makes millions of objects and no garbage cycles
    try:
        return catalogue.write_in_force(object_type, load)
    finally:
        if collecting:
            gc.enable()


def _chunks(items: Iterable[PropertyInput], size: int) -> Iterator[Sequence[PropertyInput]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
