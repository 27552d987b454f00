"""Bulk loads on PostgreSQL (``Transaction.load_objects`` and ``load_index``): ``COPY``.

``COPY ... FROM STDIN`` streams the rows in one statement; PostgreSQL inserts them in its
own process while this one formats the next, so the two cores share the work. The index
rows come in key order, so each B-tree is filled from one end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
import psycopg
from psycopg.rows import TupleRow

from spoke.store.base import StoredObject
from spoke.store.rows import INSERT_OBJECT_COLUMNS, WRITE_COLUMNS
from spoke.store.search import CountChanges, KeyGroups, count_key

Connection = psycopg.Connection[TupleRow]


def load_objects(
    db: Connection,
    object_type: str,
    records: Sequence[StoredObject],
    created_at: int,
    source: tuple[str, str | None],
) -> None:
    dumps = orjson.dumps
    blobs = [(r.id, dumps(r.values).decode()) for r in records]
    source_type, source_id = source
    with db.cursor() as cursor:
        with cursor.copy(f"COPY objects ({INSERT_OBJECT_COLUMNS}) FROM STDIN") as copy:
            for object_id, blob in blobs:
                copy.write_row((object_id, object_type, 1, created_at, created_at, None, blob))
        with cursor.copy(f"COPY object_writes ({WRITE_COLUMNS}) FROM STDIN") as copy:
            for object_id, blob in blobs:
                copy.write_row((object_id, 1, created_at, source_type, source_id, blob))


def load_index(
    db: Connection, object_type: str, index: Iterable[KeyGroups], counts: CountChanges
) -> None:
    kept: dict[str, set[str]] = {}
    kept_rows = db.execute(
        "SELECT property, value FROM search_counts WHERE object_type = %s", (object_type,)
    )
    for name, value in kept_rows:
        kept.setdefault(name, set()).add(value)
    columns = "(object_type, property, value, object_id)"
    with db.cursor() as cursor:
        for keys in index:
            table = "search_numbers" if keys.numeric else "search_text"
            name = keys.property
            row: list[Any] = [object_type, name, None, None]
            with cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                write_row = copy.write_row
                for key, ids in zip(keys.keys, keys.ids, strict=True):
                    row[2] = key
                    for object_id in ids:
                        row[3] = object_id
                        write_row(row)
            kept_keys = kept.get(name)
            if kept_keys:
                for key, ids in zip(keys.keys, keys.ids, strict=True):
                    if count_key(key) in kept_keys:
                        counts.add(object_type, name, key, len(ids))
