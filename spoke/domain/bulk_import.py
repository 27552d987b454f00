"""Loading many records at once (``spoke seed``): one transaction, the index built last.

Each record is validated and normalised exactly as a create validates it (the same
functions), and gets the same values, history entry and unique values. What differs is
how rows reach the store:

- records and their first writes go in chunks through ``Transaction.load_objects``;
- the search index is not kept record by record. The values of every loaded record are
  grouped by property and key as they are loaded, in a child process
  (``spoke/domain/bulk_index.py``), each distinct value keyed once
  (``search_index.key_functions``, the keys every write computes); at the end the rows
  go to the store in key order (``Transaction.load_index``), which fills the index's
  B-trees from one end instead of at random places.

It is one transaction: nothing is seen before everything, index included, is there, and
a failure leaves nothing behind. On SQLite it holds the write lock throughout.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice

from spoke.domain.bulk_index import IndexBuilder
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

#: Records validated and inserted per step.
CHUNK = 20_000


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
        with IndexBuilder(properties) as index:
            loaded = load_records(tx, properties, index)
            tx.load_index(type_id, index.keyed())
        return loaded

    def load_records(tx: Transaction, properties: Properties, index: IndexBuilder) -> int:
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
            index.add(records)  # grouped in the child while the records are inserted
            tx.load_objects(type_id, records, now, (source.source_type, source.source_id))
            unique = properties.unique_names
            if unique:
                claims = [(n, r.values[n], r.id) for r in records for n in unique if n in r.values]
                _claim(tx, properties, claims)
            loaded += len(records)
            if progress is not None:
                progress(len(records))
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
