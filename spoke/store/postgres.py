"""The PostgreSQL backend: one connection per process, called inline, like SQLite.

A worker handles one request at a time, so one connection per store is enough. It runs
in autocommit mode with server-side prepared statements; every write request is one
explicit READ COMMITTED transaction:

- writers lock the tickets they change (``SELECT ... ORDER BY id FOR UPDATE``: always in
  id order, so two writers never deadlock on tickets);
- unique values are claimed with ``INSERT ... ON CONFLICT DO NOTHING`` (a failed
  statement would abort the whole transaction), and every claim or release first takes
  one transaction-scoped advisory lock: writers of unique values are serialised from
  that point to their commit, as on SQLite, so they cannot deadlock on each other's
  values and a refused claim's holder is read from committed data;
- ``snapshot()`` is a REPEATABLE READ, READ ONLY transaction.

New ticket ids come from a sequence: ids of a transaction that rolls back are not
reused (SQLite's are).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import msgspec
import psycopg
from psycopg.rows import TupleRow
from psycopg.types.numeric import Int8BinaryDumper, Int8Dumper

from spoke.domain.properties import PropertyDefinition
from spoke.store.base import (
    DatabaseUnavailable,
    HistoryEntry,
    PropertyExists,
    Store,
    StoredTicket,
    TicketWrite,
    TokenRecord,
    Transaction,
    UniqueValueTaken,
)
from spoke.store.migrations import apply_migrations
from spoke.store.rows import (
    INSERT_TICKET_COLUMNS,
    TICKET_COLUMNS,
    UPDATE_TICKET_ASSIGNMENTS,
    WRITE_COLUMNS,
    WRITE_HISTORY_COLUMNS,
    history_from_writes,
    insert_row,
    ticket_from_row,
    update_row,
    write_row,
)

Connection = psycopg.Connection[TupleRow]

#: URL schemes of this backend; yoyo-migrations names its psycopg 3 driver differently.
SCHEMES = ("postgresql", "postgres")
_YOYO_SCHEME = "postgresql+psycopg"

#: Key of the advisory lock that claims and releases of unique values take.
_UNIQUE_VALUES_LOCK = 0x5370_6F6B_6555

#: Ids go as one binary ``bigint[]`` (``%b``): dumping 100 ids as text took 20-45 µs more.
_SELECT_TICKETS = f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ANY(%b)"
_LOCK_TICKETS = _SELECT_TICKETS + " ORDER BY id FOR UPDATE"

#: A page of tickets in id order; archived ones through their own partial index (0002).
_LIST_LIVE_TICKETS = (
    f"SELECT {TICKET_COLUMNS} FROM tickets "
    "WHERE id > %s AND archived_at IS NULL ORDER BY id LIMIT %s"
)
_LIST_ARCHIVED_TICKETS = (
    f"SELECT {TICKET_COLUMNS} FROM tickets "
    "WHERE id > %s AND archived_at IS NOT NULL ORDER BY id LIMIT %s"
)


def yoyo_url(url: str) -> str:
    """``url`` as yoyo-migrations needs it to use psycopg 3."""
    return _YOYO_SCHEME + url[url.index("://") :]


def connect(url: str) -> Connection:
    """A connection in autocommit mode that prepares every statement and sends ints
    as ``bigint`` (so one statement has one parameter type, whatever the values)."""
    try:
        connection = psycopg.connect(url, autocommit=True, prepare_threshold=0)
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(f"cannot connect to PostgreSQL: {error}") from None
    connection.adapters.register_dumper(int, Int8Dumper)
    connection.adapters.register_dumper(int, Int8BinaryDumper)
    return connection


def _select_tickets(db: Connection, query: str, ids: Sequence[int]) -> list[StoredTicket]:
    if not ids:
        return []
    return list(map(ticket_from_row, db.execute(query, (list(ids),)).fetchall()))


class PostgresTransaction(Transaction):
    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._holds_unique_lock = False

    def allocate_ticket_ids(self, count: int) -> list[int]:
        # Concurrent allocations interleave, so one transaction's ids may have gaps.
        rows = self._db.execute(
            "SELECT nextval('ticket_ids') FROM generate_series(1, %s)", (count,)
        ).fetchall()
        return sorted(row[0] for row in rows)

    def lock_tickets(self, ids: Sequence[int]) -> dict[int, StoredTicket]:
        return {t.id: t for t in _select_tickets(self._db, _LOCK_TICKETS, ids)}

    def insert_tickets(self, tickets: Sequence[StoredTicket], created_at: int) -> None:
        if tickets:
            self._execute_many(
                f"INSERT INTO tickets ({INSERT_TICKET_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",
                [insert_row(t, created_at) for t in tickets],
            )

    def update_tickets(self, tickets: Sequence[StoredTicket], updated_at: int) -> None:
        assignments = ", ".join(f"{column} = %s" for column in UPDATE_TICKET_ASSIGNMENTS)
        if tickets:
            self._execute_many(
                f"UPDATE tickets SET {assignments} WHERE id = %s",
                [update_row(t, updated_at) for t in tickets],
            )

    def record_writes(self, writes: Sequence[TicketWrite]) -> None:
        if writes:
            self._execute_many(
                f"INSERT INTO ticket_writes ({WRITE_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",
                [write_row(w) for w in writes],
            )

    def _execute_many(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        with self._db.cursor() as cursor:
            cursor.executemany(statement, rows)

    def claim_unique_values(self, claims: Sequence[tuple[str, str, int]]) -> None:
        if not claims:
            return
        self._lock_unique_values()
        rows = self._db.execute(
            "INSERT INTO unique_values (property, value, ticket_id) "
            "SELECT * FROM unnest(%s::text[], %s::bytea[], %s::bigint[]) "
            "ON CONFLICT DO NOTHING RETURNING property, value",
            (
                [name for name, _, _ in claims],
                [value.encode() for _, value, _ in claims],
                [ticket_id for _, _, ticket_id in claims],
            ),
        ).fetchall()
        claimed = {(name, bytes(value)) for name, value in rows}
        for name, value, _ in claims:
            key = (name, value.encode())
            if key not in claimed:
                raise UniqueValueTaken(name, value, self._holder(name, value))
            claimed.remove(key)  # the same value twice: the second claim is refused

    def release_unique_values(self, releases: Sequence[tuple[str, str]]) -> None:
        if not releases:
            return
        self._lock_unique_values()
        self._db.execute(
            "DELETE FROM unique_values WHERE (property, value) IN "
            "(SELECT * FROM unnest(%s::text[], %s::bytea[]))",
            ([name for name, _ in releases], [value.encode() for _, value in releases]),
        )

    def _lock_unique_values(self) -> None:
        if not self._holds_unique_lock:
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_UNIQUE_VALUES_LOCK,))
            self._holds_unique_lock = True

    def _holder(self, name: str, value: str) -> int | None:
        row = self._db.execute(
            "SELECT ticket_id FROM unique_values WHERE property = %s AND value = %s",
            (name, value.encode()),
        ).fetchone()
        return row[0] if row else None


class PostgresStore(Store):
    def __init__(self, url: str) -> None:
        self.url = url
        self._db = connect(url)

    def _connection(self) -> Connection:
        """The store's connection, opened again if the last one broke."""
        if self._db.closed:
            self._db = connect(self.url)
        return self._db

    def migrate(self) -> None:
        apply_migrations("postgres", yoyo_url(self.url))

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        db = self._connection()
        db.execute("BEGIN")
        try:
            yield PostgresTransaction(db)
        except BaseException:
            if not db.closed:
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        db = self._connection()
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield
        finally:
            if not db.closed:
                db.execute("COMMIT")

    def read_tickets(self, ids: Sequence[int]) -> list[StoredTicket]:
        return _select_tickets(self._connection(), _SELECT_TICKETS, ids)

    def list_tickets(self, after_id: int, limit: int, archived: bool) -> list[StoredTicket]:
        rows = (
            self._connection()
            .execute(_LIST_ARCHIVED_TICKETS if archived else _LIST_LIVE_TICKETS, (after_id, limit))
            .fetchall()
        )
        return list(map(ticket_from_row, rows))

    def find_unique_values(self, property_name: str, values: Sequence[str]) -> dict[str, int]:
        if not values:
            return {}
        rows = self._connection().execute(
            "SELECT value, ticket_id FROM unique_values "
            "WHERE property = %s AND value = ANY(%s::bytea[])",
            (property_name, [value.encode() for value in values]),
        )
        return {bytes(value).decode(): ticket_id for value, ticket_id in rows}

    def read_history(
        self, ids: Sequence[int], property_names: Sequence[str]
    ) -> dict[tuple[int, str], list[HistoryEntry]]:
        history: dict[tuple[int, str], list[HistoryEntry]] = {}
        if ids:
            rows = self._connection().execute(
                f"SELECT {WRITE_HISTORY_COLUMNS} FROM ticket_writes "
                "WHERE ticket_id = ANY(%b) ORDER BY ticket_id, version DESC",
                (list(ids),),
            )
            history_from_writes(rows, property_names, history)
        return history

    def count_tickets(self) -> int:
        row = self._connection().execute("SELECT count(*) FROM tickets").fetchone()
        assert row is not None
        return int(row[0])

    def definitions_version(self) -> int:
        row = self._connection().execute("SELECT version FROM definitions_version").fetchone()
        assert row is not None
        return int(row[0])

    def custom_properties(self) -> list[PropertyDefinition]:
        rows = self._connection().execute("SELECT definition FROM custom_properties ORDER BY name")
        return [msgspec.json.decode(row[0], type=PropertyDefinition) for row in rows]

    def create_property(self, definition: PropertyDefinition) -> None:
        # One statement, so atomic without an explicit transaction.
        bumped = (
            self._connection()
            .execute(
                "WITH added AS ("
                " INSERT INTO custom_properties (name, definition) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING RETURNING name)"
                " UPDATE definitions_version SET version = version + 1"
                " WHERE EXISTS (SELECT FROM added) RETURNING version",
                (definition.name, msgspec.json.encode(definition).decode()),
            )
            .fetchone()
        )
        if bumped is None:
            raise PropertyExists(definition.name)

    def insert_token(self, token: TokenRecord) -> None:
        self._connection().execute(
            "INSERT INTO access_tokens (token_hash, app_id, scopes, created_at, expires_at) "
            "VALUES (%s, %s, %s, %s, %s)",
            (
                token.token_hash,
                token.app_id,
                " ".join(token.scopes),
                token.created_at,
                token.expires_at,
            ),
        )

    def find_token(self, token_hash: str) -> TokenRecord | None:
        row = (
            self._connection()
            .execute(
                "SELECT token_hash, app_id, scopes, created_at, expires_at FROM access_tokens "
                "WHERE token_hash = %s",
                (token_hash,),
            )
            .fetchone()
        )
        if row is None:
            return None
        return TokenRecord(row[0], row[1], tuple(row[2].split()), row[3], row[4])

    def allocate_app_id(self) -> int:
        row = self._connection().execute("INSERT INTO apps DEFAULT VALUES RETURNING id").fetchone()
        assert row is not None
        return int(row[0])
