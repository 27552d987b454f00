"""Bulk loads on SQLite (``Transaction.load_objects`` and ``load_index``), and the
index rows of every write (``insert_index_rows``).

Binding parameters row by row (``executemany``) costs more than SQLite's own work per
row, so the index rows go to SQLite as JSON objects, one statement for many keys: each
key of the object is an index key, its value the ids of the records that have it, in
order. ``json_each`` unpacks them in C. Keys arrive in ascending order, so the index's
B-trees are filled from one end to the other.

Text keys are exact through JSON (orjson writes any string; SQLite reads back the same
text). Number keys are sent that way only when they are integers of at most 2**53 (all
instants and ids are): SQLite turns such a decimal into exactly the same double. Other
numbers are bound one row at a time, as Python's floats.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import orjson

from spoke.store.base import StoredObject
from spoke.store.rows import INSERT_OBJECT_COLUMNS, WRITE_COLUMNS
from spoke.store.search import CountChanges, KeyGroups, SearchEntry, SearchKey, count_key

#: Keys sent in one statement (a JSON object of about this many members).
_KEYS_PER_STATEMENT = 50_000

#: Integers up to this size are exact as doubles.
_EXACT_INTEGERS = 2**53

_OBJECTS_FROM_JSON = (
    f"INSERT INTO objects ({INSERT_OBJECT_COLUMNS}) "
    "SELECT CAST(key AS INTEGER), ?, 1, ?, ?, NULL, value FROM json_each(?)"
)
_WRITES_FROM_JSON = (
    f"INSERT INTO object_writes ({WRITE_COLUMNS}) "
    "SELECT CAST(key AS INTEGER), 1, ?, ?, ?, value FROM json_each(?)"
)

_TEXT_FROM_JSON = (
    "INSERT INTO search_text (object_type, property, value, object_id) "
    "SELECT ?, ?, k.key, i.value FROM json_each(?) AS k, json_each(k.value) AS i"
)
_NUMBERS_FROM_JSON = (
    "INSERT INTO search_numbers (object_type, property, value, object_id) "
    "SELECT ?, ?, CAST(k.key AS REAL), i.value FROM json_each(?) AS k, json_each(k.value) AS i"
)
#: The same, for keys that each have one record: ``{key: id}``.
_TEXT_FROM_JSON_SINGLES = (
    "INSERT INTO search_text (object_type, property, value, object_id) "
    "SELECT ?, ?, key, value FROM json_each(?)"
)
_NUMBERS_FROM_JSON_SINGLES = (
    "INSERT INTO search_numbers (object_type, property, value, object_id) "
    "SELECT ?, ?, CAST(key AS REAL), value FROM json_each(?)"
)
#: Index rows of any properties in one statement, ``{property: {key: [ids]}}``, skipping
#: rows already there (``Transaction.index_values``).
_TEXT_ROWS_FROM_JSON = (
    "INSERT OR IGNORE INTO search_text (object_type, property, value, object_id) "
    "SELECT ?, p.key, k.key, i.value "
    "FROM json_each(?) AS p, json_each(p.value) AS k, json_each(k.value) AS i"
)
_NUMBER_ROWS_FROM_JSON = (
    "INSERT OR IGNORE INTO search_numbers (object_type, property, value, object_id) "
    "SELECT ?, p.key, CAST(k.key AS REAL), i.value "
    "FROM json_each(?) AS p, json_each(p.value) AS k, json_each(k.value) AS i"
)


_NUMBER_ROW = (
    "INSERT INTO search_numbers (object_type, property, value, object_id) VALUES (?, ?, ?, ?)"
)


def start_loading(
    db: sqlite3.Connection,
    object_type: str,
    records: Sequence[StoredObject],
    created_at: int,
    source: tuple[str, str | None],
) -> Future[None]:
    """Insert new records and their first writes on a thread, which holds the GIL
    only to start: the records go as one JSON object ``{id: values}`` that SQLite
    unpacks (``json_each`` gives each member's value as its JSON text, as written).
    The caller must not use ``db`` before the future is done."""
    members = {r.id: r.values for r in records}
    payload = orjson.dumps(members, option=orjson.OPT_NON_STR_KEYS).decode()
    source_type, source_id = source
    statements: list[tuple[str, Sequence[Any]]] = [
        (_OBJECTS_FROM_JSON, (object_type, created_at, created_at, payload)),
        (_WRITES_FROM_JSON, (created_at, source_type, source_id, payload)),
    ]
    loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spoke-load")
    loading = loader.submit(_run, db, statements)
    loader.shutdown(wait=False)  # its thread ends when the statements have run
    return loading


def load_index(
    db: sqlite3.Connection, object_type: str, index: Iterable[KeyGroups], counts: CountChanges
) -> None:
    """Each property's statements run on a thread of their own while this one computes
    the next property's rows: sqlite3 lets go of the GIL while SQLite works."""
    kept: dict[str, set[str]] = {}
    kept_rows = db.execute(
        "SELECT property, value FROM search_counts WHERE object_type = ?", (object_type,)
    )
    for name, value in kept_rows:
        kept.setdefault(name, set()).add(value)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spoke-index") as writer:
        written: Future[None] | None = None
        for keys in index:
            statements = _statements(object_type, keys)
            kept_keys = kept.get(keys.property)
            if kept_keys:
                for key, ids in zip(keys.keys, keys.ids, strict=True):
                    if count_key(key) in kept_keys:
                        counts.add(object_type, keys.property, key, len(ids))
            if written is not None:
                written.result()
            written = writer.submit(_run, db, statements)
        if written is not None:
            written.result()


def _statements(object_type: str, keys: KeyGroups) -> list[tuple[str, Sequence[Any]]]:
    """The statements that write the rows of ``keys``, with their parameters."""
    name = keys.property
    members: Sequence[str | int | float] = keys.keys
    if keys.numeric:
        integers = _integers(members)
        if integers is None:
            groups = zip(keys.keys, keys.ids, strict=True)
            rows = [(object_type, name, k, i) for k, ids in groups for i in ids]
            return [(_NUMBER_ROW, rows)]
        members = integers
    statements: list[tuple[str, Sequence[Any]]] = []
    for singles, part in _parts(members, keys.ids):
        if singles:
            statement = _NUMBERS_FROM_JSON_SINGLES if keys.numeric else _TEXT_FROM_JSON_SINGLES
        else:
            statement = _NUMBERS_FROM_JSON if keys.numeric else _TEXT_FROM_JSON
        statements.append((statement, (object_type, name, part)))
    return statements


def _run(db: sqlite3.Connection, statements: list[tuple[str, Sequence[Any]]]) -> None:
    for statement, parameters in statements:
        if statement is _NUMBER_ROW:
            db.executemany(statement, parameters)
        else:
            db.execute(statement, parameters)


def insert_index_rows(
    db: sqlite3.Connection, object_type: str, entries: Sequence[SearchEntry], counts: CountChanges
) -> None:
    """Add index rows, keeping those already there, and note what they did to the
    counts. One statement per table whatever their number (a 100-record create's 700
    text rows cost about a third less than through ``executemany``).

    The rows are grouped by property and key without sorting them as tuples: each
    property's keys are sorted on their own, and the ids of a key come in the order
    given (ascending for the records of one write)."""
    text: list[SearchEntry] = []
    numbers: list[SearchEntry] = []
    for entry in entries:
        (text if type(entry[1]) is str else numbers).append(entry)
    for rows, numeric in ((text, False), (numbers, True)):
        if rows:
            inserted = _insert_rows(db, object_type, rows, numeric)
            counts.record(object_type, rows, inserted, added=True)


def _insert_rows(
    db: sqlite3.Connection, object_type: str, rows: Sequence[SearchEntry], numeric: bool
) -> int:
    grouped: dict[str, dict[SearchKey, list[int]]] = {}
    for name, key, object_id in rows:
        grouped.setdefault(name, {}).setdefault(key, []).append(object_id)
    if numeric and not all(_exact(key) for keys in grouped.values() for key in keys):
        return db.executemany(
            "INSERT OR IGNORE INTO search_numbers (object_type, property, value, object_id) "
            "VALUES (?, ?, ?, ?)",
            [(object_type, *row) for row in rows],
        ).rowcount
    payload = {
        name: {(int(k) if numeric else k): keys[k] for k in sorted(keys)}
        for name, keys in sorted(grouped.items())
    }
    statement = _NUMBER_ROWS_FROM_JSON if numeric else _TEXT_ROWS_FROM_JSON
    encoded = orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS).decode()
    return db.execute(statement, (object_type, encoded)).rowcount


def _exact(key: SearchKey) -> bool:
    return isinstance(key, float) and key.is_integer() and abs(key) <= _EXACT_INTEGERS


def _integers(keys: Sequence[str | int | float]) -> list[int] | None:
    """Numeric ``keys`` as integers if each equals an integer of at most 2**53 in size,
    else ``None``: ``_exact`` of every key (numeric keys are floats), in C loops."""
    try:
        integers = list(map(int, keys))
    except (OverflowError, ValueError):  # infinity, NaN, or text
        return None
    if integers != keys or max(map(abs, integers), default=0) > _EXACT_INTEGERS:
        return None
    return integers


def _parts(
    keys: Sequence[str | int | float], id_lists: list[list[int]]
) -> Iterator[tuple[bool, str]]:
    """The groups as JSON objects: ``{key: id}`` when every key of the part has one
    record (then ``True``), else ``{key: [ids]}``."""
    dumps = orjson.dumps
    for start in range(0, len(keys), _KEYS_PER_STATEMENT):
        part_keys = keys[start : start + _KEYS_PER_STATEMENT]
        part_ids = id_lists[start : start + _KEYS_PER_STATEMENT]
        if max(map(len, part_ids)) == 1:
            singles = dict(zip(part_keys, [ids[0] for ids in part_ids], strict=True))
            yield True, dumps(singles, option=orjson.OPT_NON_STR_KEYS).decode()
        else:
            groups = dict(zip(part_keys, part_ids, strict=True))
            yield False, dumps(groups, option=orjson.OPT_NON_STR_KEYS).decode()
