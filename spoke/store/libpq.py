"""PostgreSQL statements run through libpq directly, for the batch read by id.

A batch read of 100 tickets is Spoke's hottest statement. Through a psycopg cursor, part
of the worker's CPU for it went to psycopg's own Python layer: dumping the id list one
element at a time, the cursor's execution machinery, and loading every value. Here the
statement is prepared once per connection and run with ``psycopg.pq`` (psycopg's libpq
wrapper): the ids go as one array literal and each value is read as the bytes PostgreSQL
sent. The measurements are in docs/decisions.md ("The batch read by id goes through
libpq directly") and docs/benchmarks.md.

Every other statement goes through psycopg cursors (spoke/store/postgres.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
import psycopg
from psycopg import pq

from spoke.store.base import StoredTicket, TicketsRead

#: PostgreSQL's type oid of ``bigint[]``.
_BIGINT_ARRAY_OID = 1016
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
            result.error_field(pq.DiagnosticField.SQLSTATE) == _NO_SUCH_STATEMENT
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


class TicketsInForceRead:
    """``Store.read_tickets_in_force`` without history, for one store's connection.

    The tickets that exist and the definitions version come from one statement: one
    round trip and one snapshot. Without tickets, one row of NULLs holds the version.

    The rows come sorted by id. Sorting makes PostgreSQL finish the read before it
    sends the first row, so the rows (about 50 kB for 100 tickets) arrive in one burst:
    the worker wakes about 4 times a read to receive them instead of about 6.4, which
    saved it more CPU than the sort costs the database (docs/decisions.md).
    """

    def __init__(self) -> None:
        self._statement = PreparedStatement(
            "spoke_read_tickets_in_force",
            "SELECT t.id, t.property_values, t.archived_at, t.version, d.version "
            "FROM definitions_version d LEFT JOIN tickets t ON t.id = ANY($1) "
            "ORDER BY t.id",
            [_BIGINT_ARRAY_OID],
        )

    def read(self, connection: psycopg.Connection, ids: Sequence[int]) -> TicketsRead:
        result = self._statement.run(connection, [bigint_array(ids)])
        value = result.get_value
        tickets = []
        for row in range(result.ntuples):
            ticket_id = value(row, 0)
            if ticket_id is None:
                continue
            values = value(row, 1)
            archived_at = value(row, 2)
            version = value(row, 3)
            assert values is not None and version is not None
            tickets.append(
                StoredTicket(
                    int(ticket_id),
                    orjson.loads(values),
                    None if archived_at is None else int(archived_at),
                    int(version),
                )
            )
        definitions_version = value(0, 4)
        assert definitions_version is not None
        return TicketsRead(int(definitions_version), tickets, {})
