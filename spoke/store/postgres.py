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
- kept search counts (``search_counts``) are locked in key order by each writer's last
  statements before it commits, so writers never deadlock on them; a count is kept
  while a SHARE lock on the index tables holds off every writer of the index;
- ``snapshot()`` is a REPEATABLE READ, READ ONLY transaction.

New ticket ids come from a sequence: ids of a transaction that rolls back are not
reused (SQLite's are).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import msgspec
import orjson
import psycopg
from psycopg.rows import TupleRow
from psycopg.types.numeric import Int8BinaryDumper, Int8Dumper

from spoke.domain.pipelines import Pipeline, PipelineAudit
from spoke.domain.properties import PropertyDefinition, PropertyGroup
from spoke.store import postgres_bulk
from spoke.store.base import (
    DatabaseUnavailable,
    DefinitionChanged,
    HistoryEntry,
    PropertyExists,
    PropertyGroupExists,
    Store,
    StoredTicket,
    TicketsRead,
    TicketWrite,
    TokenRecord,
    Transaction,
    UniqueValueTaken,
)
from spoke.store.libpq import TicketsInForceRead
from spoke.store.migrations import apply_migrations
from spoke.store.pipeline_rows import (
    AUDIT_COLUMNS,
    AUDIT_READ_COLUMNS,
    PIPELINE_COLUMNS,
    SELECT_PIPELINES,
    STAGE_COLUMNS,
    audit_from_row,
    audit_row,
    pipeline_row,
    pipelines_from_rows,
    stage_rows,
)
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
    write_from_row,
    write_row,
)
from spoke.store.search import (
    Condition,
    CountChanges,
    Dialect,
    KeyGroups,
    SearchEntry,
    SearchQuery,
    SearchResult,
    SearchSql,
    SortKind,
    split_entries,
)

Connection = psycopg.Connection[TupleRow]

#: URL schemes of this backend; yoyo-migrations names its psycopg 3 driver differently.
SCHEMES = ("postgresql", "postgres")
_YOYO_SCHEME = "postgresql+psycopg"

#: How long keeping a search count waits for the index's writers before giving up.
_KEEP_COUNT_LOCK_TIMEOUT_MS = 200

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


_SEARCH_SQL = SearchSql(
    Dialect(
        placeholder="%s",
        like_operator="ILIKE",
        regex_operator="~",
        # ->> cannot return a value holding U+0000 as text: read it as U+FFFD, as the
        # index keys have it.
        value_expression=r"(replace(property_values, '\u0000', '\ufffd')::json ->> %s)",
        sort_expressions={
            SortKind.NUMBER: "(({values})::json ->> {name})::double precision",
            SortKind.INSTANT: "(({values})::json ->> {name})::timestamptz",
            # ASCII-only lowercasing and code point order, as SQLite's lower() and BINARY
            SortKind.TEXT: "lower((replace({values}, '\\u0000', '\\ufffd')::json ->> {name})"
            ' COLLATE "C")',
        },
    )
)


def _search_rows(
    entries: Sequence[SearchEntry],
) -> Iterator[tuple[str, str, list[SearchEntry], tuple[list[Any], list[Any], list[Any]]]]:
    """Per search table with rows to write: its name, value type, rows and columns."""
    text, numbers = split_entries(entries)
    for table, value_type, rows in (
        ("search_text", "text", text),
        ("search_numbers", "double precision", numbers),
    ):
        if rows:
            properties, values, ids = zip(*rows, strict=True)
            yield table, value_type, rows, (list(properties), list(values), list(ids))


def _forget_counts(db: Connection, keys: Sequence[tuple[str, str]]) -> None:
    """Delete the kept counts of ``keys`` (locked by the caller, in key order)."""
    if keys:
        names, values = zip(*keys, strict=True)
        db.execute(
            "DELETE FROM search_counts c USING unnest(%s::text[], %s::text[]) AS d(p, v) "
            "WHERE c.property = d.p AND c.value = d.v",
            (list(names), list(values)),
        )


def _select_tickets(db: Connection, query: str, ids: Sequence[int]) -> list[StoredTicket]:
    if not ids:
        return []
    return list(map(ticket_from_row, db.execute(query, (list(ids),)).fetchall()))


class PostgresTransaction(Transaction):
    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._holds_unique_lock = False
        self._count_changes = CountChanges()

    def move_kept_counts(self) -> None:
        """Move the kept counts by this transaction's index writes, as its last
        statements: the counts it moves are locked in key order."""
        changes = self._count_changes
        deltas, unsure = changes.deltas(), changes.unsure()
        keys = sorted({(name, key) for name, key, _ in deltas}.union(unsure))
        if not keys:
            return
        names, values = zip(*keys, strict=True)
        held = set(
            self._db.execute(
                "SELECT property, value FROM search_counts WHERE (property, value) IN "
                "(SELECT * FROM unnest(%s::text[], %s::text[])) "
                "ORDER BY property, value FOR UPDATE",
                (list(names), list(values)),
            ).fetchall()
        )
        forgotten = [key for key in unsure if key in held]
        if forgotten:
            _forget_counts(self._db, forgotten)
        moved = changes.deltas(held)
        if moved:
            names, values, amounts = zip(*moved, strict=True)
            self._db.execute(
                "UPDATE search_counts c SET n = c.n + d.n "
                "FROM unnest(%s::text[], %s::text[], %s::bigint[]) AS d(p, v, n) "
                "WHERE c.property = d.p AND c.value = d.v",
                (list(names), list(values), list(amounts)),
            )

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

    # -- merges ------------------------------------------------------------------

    def read_writes(self, ids: Sequence[int]) -> list[TicketWrite]:
        if not ids:
            return []
        rows = self._db.execute(
            f"SELECT {WRITE_COLUMNS} FROM ticket_writes "
            "WHERE ticket_id = ANY(%b) ORDER BY ticket_id, version",
            (list(ids),),
        )
        return list(map(write_from_row, rows))

    def clear_history(self, ids: Sequence[int]) -> None:
        if ids:
            self._db.execute("DELETE FROM ticket_writes WHERE ticket_id = ANY(%b)", (list(ids),))

    def retire_merged_ticket(self, merged_id: int, primary_id: int) -> None:
        self._db.execute("DELETE FROM tickets WHERE id = %s", (merged_id,))
        self._db.execute(
            "UPDATE merged_tickets SET primary_id = %s WHERE primary_id = %s",
            (primary_id, merged_id),
        )
        self._db.execute(
            "INSERT INTO merged_tickets (merged_id, primary_id) VALUES (%s, %s)",
            (merged_id, primary_id),
        )

    # -- pipelines ---------------------------------------------------------------

    def hold_definitions(self) -> int:
        # Every change of definitions updates this row, which waits for the share lock.
        row = self._db.execute("SELECT version FROM definitions_version FOR SHARE").fetchone()
        assert row is not None
        return int(row[0])

    def change_definitions(self) -> None:
        self._db.execute("UPDATE definitions_version SET version = version + 1")

    def lock_pipelines(self) -> list[Pipeline]:
        # The definitions version's row lock serialises pipeline writers to their commit.
        self.change_definitions()
        return pipelines_from_rows(self._db.execute(SELECT_PIPELINES))

    def allocate_pipeline_ids(self, count: int) -> list[str]:
        rows = self._db.execute(
            "SELECT nextval('pipeline_ids') FROM generate_series(1, %s)", (count,)
        ).fetchall()
        return [str(i) for i in sorted(row[0] for row in rows)]

    def save_pipeline(self, pipeline: Pipeline) -> None:
        self._db.execute(
            f"INSERT INTO pipelines ({PIPELINE_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label, "
            "display_order = EXCLUDED.display_order, created_at = EXCLUDED.created_at, "
            "updated_at = EXCLUDED.updated_at, archived_at = EXCLUDED.archived_at",
            pipeline_row(pipeline),
        )
        self._db.execute("DELETE FROM pipeline_stages WHERE pipeline_id = %s", (pipeline.id,))
        if pipeline.stages:
            self._execute_many(
                f"INSERT INTO pipeline_stages ({STAGE_COLUMNS}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                stage_rows(pipeline),
            )

    def record_pipeline_audits(self, audits: Sequence[PipelineAudit]) -> None:
        if audits:
            self._execute_many(
                f"INSERT INTO pipeline_audits ({AUDIT_COLUMNS}) VALUES (%s, %s, %s, %s, %s)",
                [audit_row(a) for a in audits],
            )

    # -- search index ------------------------------------------------------------

    def index_values(self, entries: Sequence[SearchEntry]) -> None:
        # One statement per table, the rows sent as three arrays.
        for table, value_type, rows, columns in _search_rows(entries):
            inserted = self._db.execute(
                f"INSERT INTO {table} (property, value, ticket_id) "
                f"SELECT * FROM unnest(%s::text[], %s::{value_type}[], %s::bigint[]) "
                "ON CONFLICT DO NOTHING",
                columns,
            ).rowcount
            self._count_changes.record(rows, inserted, added=True)

    def unindex_values(self, entries: Sequence[SearchEntry]) -> None:
        for table, value_type, rows, columns in _search_rows(entries):
            deleted = self._db.execute(
                f"DELETE FROM {table} s "
                f"USING unnest(%s::text[], %s::{value_type}[], %s::bigint[]) AS d(p, v, t) "
                "WHERE s.property = d.p AND s.value = d.v AND s.ticket_id = d.t",
                columns,
            ).rowcount
            self._count_changes.record(rows, deleted, added=False)

    def unindex_property(self, name: str) -> None:
        self._db.execute("DELETE FROM search_text WHERE property = %s", (name,))
        self._db.execute("DELETE FROM search_numbers WHERE property = %s", (name,))
        kept = self._db.execute(
            "SELECT property, value FROM search_counts WHERE property = %s "
            "ORDER BY value FOR UPDATE",
            (name,),
        ).fetchall()
        _forget_counts(self._db, kept)

    def rebuild_search_index(self) -> bool:
        row = self._db.execute("SELECT complete FROM search_index_state FOR UPDATE").fetchone()
        if row is None or row[0]:
            return False
        self._db.execute("DELETE FROM search_text")
        self._db.execute("DELETE FROM search_numbers")
        kept = self._db.execute(
            "SELECT property, value FROM search_counts ORDER BY property, value FOR UPDATE"
        ).fetchall()
        _forget_counts(self._db, kept)
        return True

    def mark_search_index_complete(self) -> None:
        self._db.execute("UPDATE search_index_state SET complete = TRUE")

    # -- bulk loads ----------------------------------------------------------------

    def load_tickets(
        self, tickets: Sequence[StoredTicket], created_at: int, source: tuple[str, str | None]
    ) -> None:
        postgres_bulk.load_tickets(self._db, tickets, created_at, source)

    def load_index(self, index: Iterable[KeyGroups]) -> None:
        postgres_bulk.load_index(self._db, index, self._count_changes)


class PostgresStore(Store):
    def __init__(self, url: str) -> None:
        self.url = url
        self._db = connect(url)
        self._tickets_in_force = TicketsInForceRead()

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
            transaction = PostgresTransaction(db)
            yield transaction
            transaction.move_kept_counts()
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

    def read_tickets_in_force(
        self, ids: Sequence[int], history_names: Sequence[str] = ()
    ) -> TicketsRead:
        return self._tickets_in_force.read(self._connection(), ids, history_names)

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

    # -- merges ------------------------------------------------------------------

    def merged_into(self, ids: Sequence[int]) -> dict[int, int]:
        if not ids:
            return {}
        rows = self._connection().execute(
            "SELECT merged_id, primary_id FROM merged_tickets WHERE merged_id = ANY(%b)",
            (list(ids),),
        )
        return {merged: primary for merged, primary in rows}

    def read_merged_tickets(self, ids: Sequence[int]) -> dict[int, StoredTicket]:
        if not ids:
            return {}
        rows = self._connection().execute(
            f"SELECT merged_id, {TICKET_COLUMNS} FROM merged_tickets "
            "JOIN tickets ON tickets.id = merged_tickets.primary_id "
            "WHERE merged_id = ANY(%b)",
            (list(ids),),
        )
        return {row[0]: ticket_from_row(row[1:]) for row in rows}

    # -- property definitions: batches, changes, groups ----------------------------

    def create_properties(self, definitions: Sequence[PropertyDefinition]) -> None:
        with self.transaction() as tx:
            db = self._connection()
            for definition in definitions:
                added = db.execute(
                    "INSERT INTO custom_properties (name, definition) VALUES (%s, %s) "
                    "ON CONFLICT DO NOTHING RETURNING name",
                    (definition.name, msgspec.json.encode(definition).decode()),
                ).fetchone()
                if added is None:
                    raise PropertyExists(definition.name)
            tx.change_definitions()

    def replace_properties(
        self, changes: Sequence[tuple[PropertyDefinition, PropertyDefinition]]
    ) -> None:
        with self.transaction() as tx:
            db = self._connection()
            for before, after in changes:
                row = db.execute(
                    "SELECT definition FROM custom_properties WHERE name = %s FOR UPDATE",
                    (before.name,),
                ).fetchone()
                if row is None or msgspec.json.decode(row[0], type=PropertyDefinition) != before:
                    raise DefinitionChanged(before.name)
                db.execute(
                    "UPDATE custom_properties SET definition = %s WHERE name = %s",
                    (msgspec.json.encode(after).decode(), before.name),
                )
            tx.change_definitions()

    def property_has_values(self, name: str) -> bool:
        # Values are compact JSON objects of strings: the key appears as `"name":`, and a
        # quote inside a value is escaped, so no value can contain that text.
        key = orjson.dumps(name).decode() + ":"
        row = (
            self._connection()
            .execute("SELECT 1 FROM tickets WHERE strpos(property_values, %s) > 0 LIMIT 1", (key,))
            .fetchone()
        )
        return row is not None

    def property_groups(self) -> list[PropertyGroup]:
        rows = self._connection().execute(
            "SELECT name, label, display_order, archived_at FROM property_groups ORDER BY name"
        )
        return [PropertyGroup(*row) for row in rows]

    def insert_property_group(self, group: PropertyGroup) -> None:
        with self.transaction() as tx:
            db = self._connection()
            added = db.execute(
                "INSERT INTO property_groups (name, label, display_order, archived_at) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING name",
                (group.name, group.label, group.display_order, group.archived_at),
            ).fetchone()
            if added is None:
                raise PropertyGroupExists(group.name)
            tx.change_definitions()

    def replace_property_group(self, before: PropertyGroup, after: PropertyGroup) -> None:
        with self.transaction() as tx:
            db = self._connection()
            changed = db.execute(
                "UPDATE property_groups SET label = %s, display_order = %s, archived_at = %s "
                "WHERE name = %s AND label = %s AND display_order = %s "
                "AND archived_at IS NOT DISTINCT FROM %s",
                (
                    after.label,
                    after.display_order,
                    after.archived_at,
                    before.name,
                    before.label,
                    before.display_order,
                    before.archived_at,
                ),
            ).rowcount
            if changed != 1:
                raise DefinitionChanged(before.name)
            tx.change_definitions()

    # -- pipelines ---------------------------------------------------------------

    def pipelines(self) -> list[Pipeline]:
        return pipelines_from_rows(self._connection().execute(SELECT_PIPELINES))

    def pipeline_audits(self, pipeline_id: str) -> list[PipelineAudit]:
        rows = self._connection().execute(
            f"SELECT {AUDIT_READ_COLUMNS} FROM pipeline_audits "
            "WHERE pipeline_id = %s AND stage_id IS NULL ORDER BY seq DESC",
            (pipeline_id,),
        )
        return list(map(audit_from_row, rows))

    def stage_audits(self, stage_id: str) -> list[PipelineAudit]:
        rows = self._connection().execute(
            f"SELECT {AUDIT_READ_COLUMNS} FROM pipeline_audits "
            "WHERE stage_id = %s ORDER BY seq DESC",
            (stage_id,),
        )
        return list(map(audit_from_row, rows))

    # -- search index --------------------------------------------------------------

    def search_tickets(self, query: SearchQuery) -> SearchResult:
        return _SEARCH_SQL.run(query, self._connection().execute)

    def keep_search_count(self, condition: Condition) -> None:
        # The SHARE lock waits for the index's writers to commit and holds off new ones
        # while the rows are counted; when writers keep it waiting, the count is not kept.
        try:
            with self.transaction():
                db = self._connection()
                db.execute(f"SET LOCAL lock_timeout = {_KEEP_COUNT_LOCK_TIMEOUT_MS}")
                db.execute("LOCK TABLE search_text, search_numbers IN SHARE MODE")
                db.execute(*_SEARCH_SQL.keep_count(condition))
        except psycopg.errors.LockNotAvailable:
            pass

    def search_index_complete(self) -> bool:
        row = self._connection().execute("SELECT complete FROM search_index_state").fetchone()
        return bool(row and row[0])
