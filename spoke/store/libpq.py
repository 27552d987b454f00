"""PostgreSQL statements run through libpq directly, for the batch reads by id.

A batch read of 100 records is Spoke's hottest path. Through a psycopg cursor, part of
the worker's CPU for its statement went to psycopg's own Python layer: dumping the id
list one element at a time, the cursor's execution machinery, and loading every value.
Here each of the two statements of ``Store.read_objects_in_force`` (with and without
history), and the read of the change log before a worker serves answers it holds
(``Store.object_changes``: 17 µs of the worker's CPU against 41 through a cursor), is
prepared once per connection and run with ``psycopg.pq`` (psycopg's libpq wrapper): the
ids go as one array literal and each value is read as the bytes PostgreSQL sent. The
measurements are in docs/decisions.md ("The batch read by id goes through libpq
directly") and docs/benchmarks.md.

Every other statement goes through psycopg cursors (spoke/store/postgres.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import orjson
import psycopg
from psycopg import pq

from spoke.store.base import (
    MAX_OBJECT_CHANGES,
    HistoryEntry,
    ObjectChanges,
    ObjectsRead,
    SelectedObject,
    SelectedWrite,
    StoredObject,
    ValuesRead,
)
from spoke.store.rows import OBJECT_COLUMNS, history_from_writes
from spoke.store.selection import SelectedValues, ValueSelection

T = TypeVar("T")
#: A write as read: record id, timestamp, source type and id, values in some form.
W = TypeVar("W", bound=tuple[Any, ...])

#: PostgreSQL's type oids of ``bigint``, ``bigint[]`` and ``text``.
_BIGINT_OID = 20
_BIGINT_ARRAY_OID = 1016
_TEXT_OID = 25
#: SQLSTATE invalid_sql_statement_name: no prepared statement has the name.
_NO_SUCH_STATEMENT = b"26000"


class PreparedStatement:
    """One statement, prepared on a connection when first run on it.

    Prepared statements belong to their connection: use one instance per connection
    (a store's connection, replaced when it breaks, is prepared again). Run it outside
    a transaction block only: it may fail once and be prepared again (see ``run``).
    """

    def __init__(self, name: str, sql: str, parameter_types: Sequence[int]) -> None:
        self._name = name.encode()
        self._sql = sql.encode()
        self._parameter_types = list(parameter_types)
        self._prepared_on: pq.abc.PGconn | None = None

    def run(self, connection: psycopg.Connection, parameters: Sequence[bytes]) -> pq.abc.PGresult:
        """The statement's result; psycopg's exception for the error if it failed."""
        pgconn = connection.pgconn
        if self._prepared_on is not pgconn:
            self._prepare(pgconn)
        result = pgconn.exec_prepared(self._name, parameters)
        if (
            result.status == pq.ExecStatus.FATAL_ERROR
            and result.error_field(pq.DiagnosticField.SQLSTATE) == _NO_SUCH_STATEMENT
            and pgconn.transaction_status == pq.TransactionStatus.IDLE
        ):
            # psycopg deallocates every statement prepared on its connection after a
            # ROLLBACK, DROP or ALTER (its _preparing.py), so this one too.
            self._prepare(pgconn)
            result = pgconn.exec_prepared(self._name, parameters)
        return _checked(pgconn, result)

    def _prepare(self, pgconn: pq.abc.PGconn) -> None:
        _checked(pgconn, pgconn.prepare(self._name, self._sql, self._parameter_types))
        self._prepared_on = pgconn


def _checked(pgconn: pq.abc.PGconn, result: pq.abc.PGresult) -> pq.abc.PGresult:
    if result.status in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
        return result
    if pgconn.status != pq.ConnStatus.OK:  # as psycopg reports a connection that broke
        raise psycopg.OperationalError(result.get_error_message())
    raise psycopg.errors.error_from_result(result)


def bigint_array(ids: Sequence[int]) -> bytes:
    """``ids`` as one ``bigint[]`` parameter, in PostgreSQL's text form."""
    return ("{" + ",".join(map(str, ids)) + "}").encode()


class ObjectsInForceRead:
    """``Store.read_objects_in_force``, for one store's connection.

    Each read is one statement: one round trip and one snapshot, without BEGIN and
    COMMIT. It returns the records of the type that exist and the definitions version;
    with history, also every write of those records.
    """

    def __init__(self) -> None:
        # A row per record found; when none is, one row of NULLs holds the version.
        self._objects = PreparedStatement(
            "spoke_read_objects_in_force",
            "SELECT t.id, t.property_values, t.archived_at, t.version, d.version "
            "FROM definitions_version d "
            "LEFT JOIN objects t ON t.id = ANY($1) AND t.object_type = $2",
            [_BIGINT_ARRAY_OID, _TEXT_OID],
        )
        # Rows of three kinds, first column: 0 a record (as above, without the version),
        # 1 one of its writes (record id, values, timestamp, version, source type and
        # id), each record's newest first, 2 the definitions version. Writes are of the
        # ids asked for; those of ids of another type are left out when read.
        self._objects_and_writes = PreparedStatement(
            "spoke_read_objects_and_writes_in_force",
            f"SELECT 0, {OBJECT_COLUMNS}, NULL, NULL FROM objects "
            "WHERE id = ANY($1) AND object_type = $2 "
            "UNION ALL SELECT 1, object_id, property_values, timestamp, version, source_type, "
            "source_id FROM object_writes WHERE object_id = ANY($1) "
            "UNION ALL SELECT 2, version, NULL, NULL, 0, NULL, NULL FROM definitions_version "
            "ORDER BY 1, 2, 5 DESC",
            [_BIGINT_ARRAY_OID, _TEXT_OID],
        )

    def read(
        self,
        connection: psycopg.Connection,
        object_type: str,
        ids: Sequence[int],
        history_names: Sequence[str],
    ) -> ObjectsRead:
        parameters = [bigint_array(ids), object_type.encode()]
        if not history_names:
            result = self._objects.run(connection, parameters)
            found = result.get_value(0, 0) is not None
            objects = [_object(result, row, 0) for row in range(result.ntuples if found else 0)]
            return ObjectsRead(_int(result, 0, 4), objects, {})
        result = self._objects_and_writes.run(connection, parameters)
        return self._with_history(result, ids, history_names)

    def read_values(
        self,
        connection: psycopg.Connection,
        object_type: str,
        ids: Sequence[int],
        selection: ValueSelection,
        history: ValueSelection | None,
    ) -> ValuesRead:
        """The records' values that ``selection`` names (``Store.read_values_in_force``),
        each stored object decoded from PostgreSQL's bytes for those names only; with
        ``history``, the statement with history, each write decoded for its names."""
        parameters = [bigint_array(ids), object_type.encode()]
        decode = selection.decode
        objects: list[SelectedObject] = []
        if history is not None:
            return self._values_with_history(
                self._objects_and_writes.run(connection, parameters), ids, decode, history
            )
        result = self._objects.run(connection, parameters)
        value = result.get_value
        if value(0, 0) is not None:
            objects = [_selected(result, row, 0, decode) for row in range(result.ntuples)]
        return ValuesRead(_int(result, 0, 4), objects, [])

    def _values_with_history(
        self,
        result: pq.abc.PGresult,
        ids: Sequence[int],
        decode: Callable[[bytes], SelectedValues],
        history: ValueSelection,
    ) -> ValuesRead:
        value = result.get_value
        decode_write = history.decode
        version = 0
        objects: list[SelectedObject] = []
        writes: list[SelectedWrite] = []
        for row in range(result.ntuples):
            kind = value(row, 0)
            if kind == b"0":
                objects.append(_selected(result, row, 1, decode))
            elif kind == b"1":
                writes.append(_write(result, row, decode_write(_bytes(result, row, 2))))
            else:
                version = _int(result, row, 1)
        return ValuesRead(version, objects, _of_found(writes, ids, {o[0] for o in objects}))

    def _with_history(
        self, result: pq.abc.PGresult, ids: Sequence[int], history_names: Sequence[str]
    ) -> ObjectsRead:
        value = result.get_value
        version, objects, writes = 0, [], []
        for row in range(result.ntuples):
            kind = value(row, 0)
            if kind == b"0":
                objects.append(_object(result, row, 1))
            elif kind == b"1":
                writes.append(_write(result, row, _bytes(result, row, 2)))
            else:
                version = _int(result, row, 1)
        history: dict[tuple[int, str], list[HistoryEntry]] = {}
        history_from_writes(_of_found(writes, ids, {o.id for o in objects}), history_names, history)
        return ObjectsRead(version, objects, history)


class ObjectChangesRead:
    """``Store.object_changes``, for one store's connection: one statement, whose
    snapshot's ``xmin`` is where the next call starts (migration 0011 says why)."""

    def __init__(self) -> None:
        self._start = PreparedStatement(
            "spoke_object_changes_start",
            "SELECT (SELECT version FROM definitions_version), "
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
            [],
        )
        # The ids as one text, "1,2,3": one value to read, however many there are.
        self._since = PreparedStatement(
            "spoke_object_changes_since",
            "SELECT (SELECT version FROM definitions_version), "
            "(SELECT through FROM object_changes_pruned)::text::bigint, "
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
            "array_to_string(ARRAY(SELECT object_id FROM object_changes "
            "WHERE xid >= $1::text::xid8 LIMIT $2), ',')",
            [_BIGINT_OID, _BIGINT_OID],
        )

    def read(self, connection: psycopg.Connection, since: int | None) -> ObjectChanges:
        if since is None:
            result = self._start.run(connection, [])
            return ObjectChanges(_int(result, 0, 0), _int(result, 0, 1), None)
        limit = MAX_OBJECT_CHANGES + 1
        result = self._since.run(connection, [str(since).encode(), str(limit).encode()])
        version, pruned, xmin = _int(result, 0, 0), _int(result, 0, 1), _int(result, 0, 2)
        listed = _bytes(result, 0, 3)
        object_ids = list(map(int, listed.split(b","))) if listed else []
        if since <= pruned or xmin < since or len(object_ids) > MAX_OBJECT_CHANGES:
            return ObjectChanges(version, xmin, None)
        return ObjectChanges(version, xmin, object_ids)


def _selected(
    result: pq.abc.PGresult, row: int, first: int, decode: Callable[[bytes], SelectedValues]
) -> SelectedObject:
    """The record in columns ``first`` on of ``row`` (id, values, ``archived_at``), its
    values decoded by ``decode``."""
    archived_at = result.get_value(row, first + 2)
    return (
        _int(result, row, first),
        decode(_bytes(result, row, first + 1)),
        None if archived_at is None else int(archived_at),
    )


def _write(result: pq.abc.PGresult, row: int, values: T) -> tuple[int, int, str, str | None, T]:
    """The write in ``row`` of the statement with history (record id, timestamp, source
    type and id), with ``values``: its values as read or decoded."""
    source_id = result.get_value(row, 6)
    return (
        _int(result, row, 1),
        _int(result, row, 3),
        _text(result, row, 5),
        None if source_id is None else source_id.decode(),
        values,
    )


def _of_found(writes: list[W], ids: Sequence[int], found_ids: set[int]) -> list[W]:
    """The ``writes`` of the records found among ``ids`` (the statement reads the writes
    of every id asked for; some may name a record of another type)."""
    if len(found_ids) == len(ids):
        return writes
    return [w for w in writes if w[0] in found_ids]


def _object(result: pq.abc.PGresult, row: int, first: int) -> StoredObject:
    """The record in columns ``first`` on of ``row``: ``OBJECT_COLUMNS``."""
    archived_at = result.get_value(row, first + 2)
    return StoredObject(
        _int(result, row, first),
        orjson.loads(_bytes(result, row, first + 1)),
        None if archived_at is None else int(archived_at),
        _int(result, row, first + 3),
    )


def _bytes(result: pq.abc.PGresult, row: int, column: int) -> bytes:
    value = result.get_value(row, column)
    assert value is not None, f"NULL in column {column}"
    return value


def _int(result: pq.abc.PGresult, row: int, column: int) -> int:
    return int(_bytes(result, row, column))


def _text(result: pq.abc.PGresult, row: int, column: int) -> str:
    return _bytes(result, row, column).decode()
