"""Bulk loads on PostgreSQL (``Transaction.load_tickets`` and ``load_index``): ``COPY``.

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

from spoke.store.base import StoredTicket
from spoke.store.rows import INSERT_TICKET_COLUMNS, WRITE_COLUMNS
from spoke.store.search import CountChanges, KeyGroups, count_key

Connection = psycopg.Connection[TupleRow]


def load_tickets(
    db: Connection,
    tickets: Sequence[StoredTicket],
    created_at: int,
    source: tuple[str, str | None],
) -> None:
    dumps = orjson.dumps
    blobs = [(t.id, dumps(t.values).decode()) for t in tickets]
    source_type, source_id = source
    with db.cursor() as cursor:
        with cursor.copy(f"COPY tickets ({INSERT_TICKET_COLUMNS}) FROM STDIN") as copy:
            for ticket_id, blob in blobs:
                copy.write_row((ticket_id, 1, created_at, created_at, None, blob))
        with cursor.copy(f"COPY ticket_writes ({WRITE_COLUMNS}) FROM STDIN") as copy:
            for ticket_id, blob in blobs:
                copy.write_row((ticket_id, 1, created_at, source_type, source_id, blob))


def load_index(db: Connection, index: Iterable[KeyGroups], counts: CountChanges) -> None:
    kept: dict[str, set[str]] = {}
    for name, value in db.execute("SELECT property, value FROM search_counts"):
        kept.setdefault(name, set()).add(value)
    with db.cursor() as cursor:
        for keys in index:
            table = "search_numbers" if keys.numeric else "search_text"
            name = keys.property
            row: list[Any] = [name, None, None]
            with cursor.copy(f"COPY {table} (property, value, ticket_id) FROM STDIN") as copy:
                write_row = copy.write_row
                for key, ids in keys.groups:
                    row[1] = key
                    for ticket_id in ids:
                        row[2] = ticket_id
                        write_row(row)
            kept_keys = kept.get(name)
            if kept_keys:
                for key, ids in keys.groups:
                    if count_key(key) in kept_keys:
                        counts.add(name, key, len(ids))
