"""The PostgreSQL backend: one connection per process, called inline, like SQLite.

A worker handles one request at a time, so one connection per store is enough. It runs
in autocommit mode with server-side prepared statements; every write request is one
explicit READ COMMITTED transaction:

- writers lock the records they change (``SELECT ... ORDER BY id FOR UPDATE``: always in
  id order, so two writers never deadlock on records);
- unique values are claimed with ``INSERT ... ON CONFLICT DO NOTHING`` (a failed
  statement would abort the whole transaction), and every claim or release first takes
  one transaction-scoped advisory lock: writers of unique values are serialised from
  that point to their commit, as on SQLite, so they cannot deadlock on each other's
  values and a refused claim's holder is read from committed data;
- kept search counts (``search_counts``) are locked in key order by each writer's last
  statements before it commits, so writers never deadlock on them; a count is kept
  while a SHARE lock on the index tables holds off every writer of the index;
- ``snapshot()`` is a REPEATABLE READ, READ ONLY transaction.

New record ids come from a sequence: ids of a transaction that rolls back are not
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

from spoke.domain.owners import NewOwner, Owner
from spoke.domain.pipelines import Pipeline, PipelineAudit
from spoke.domain.properties import PropertyDefinition, PropertyGroup
from spoke.store import postgres_bulk, postgres_owners
from spoke.store.associations_postgres import (
    PostgresAssociationReads,
    PostgresAssociationWrites,
)
from spoke.store.base import (
    DatabaseUnavailable,
    DefinitionChanged,
    HistoryEntry,
    ObjectChanges,
    ObjectsRead,
    ObjectWrite,
    PropertyExists,
    PropertyGroupExists,
    Store,
    StoredObject,
    TokenRecord,
    Transaction,
    UniqueValueTaken,
    ValuesRead,
)
from spoke.store.default_definitions import install_default_definitions
from spoke.store.libpq import ObjectChangesRead, ObjectsInForceRead
from spoke.store.migrations import apply_migrations
from spoke.store.owner_rows import SELECT_OWNERS, owners_from_rows
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
    INSERT_OBJECT_COLUMNS,
    OBJECT_COLUMNS,
    UPDATE_OBJECT_ASSIGNMENTS,
    WRITE_COLUMNS,
    WRITE_HISTORY_COLUMNS,
    history_from_writes,
    insert_row,
    object_from_row,
    update_row,
    write_from_row,
    write_row,
)
from spoke.store.search import (
    Condition,
    CountChanges,
    CountKey,
    Dialect,
    KeyGroups,
    SearchEntry,
    SearchQuery,
    SearchResult,
    SearchSql,
    SortKind,
    split_entries,
)
from spoke.store.selection import ValueSelection

Connection = psycopg.Connection[TupleRow]

#: URL schemes of this backend; yoyo-migrations names its psycopg 3 driver differently.
SCHEMES = ("postgresql", "postgres")
_YOYO_SCHEME = "postgresql+psycopg"

#: How long keeping a search count waits for the index's writers before giving up.
_KEEP_COUNT_LOCK_TIMEOUT_MS = 200

#: Key of the advisory lock that claims and releases of unique values take.
_UNIQUE_VALUES_LOCK = 0x5370_6F6B_6555

#: Ids go as one binary ``bigint[]`` (``%b``): dumping 100 ids as text took 20-45 µs more.
_SELECT_OBJECTS = f"SELECT {OBJECT_COLUMNS} FROM objects WHERE id = ANY(%b) AND object_type = %s"
_LOCK_OBJECTS = _SELECT_OBJECTS + " ORDER BY id FOR UPDATE"
#: A page of one type's records in id order, through the partial indexes of live and of
#: archived records (migration 0008).
_LIST_LIVE_OBJECTS = (
    f"SELECT {OBJECT_COLUMNS} FROM objects "
    "WHERE object_type = %s AND id > %s AND archived_at IS NULL ORDER BY id LIMIT %s"
)
_LIST_ARCHIVED_OBJECTS = (
    f"SELECT {OBJECT_COLUMNS} FROM objects "
    "WHERE object_type = %s AND id > %s AND archived_at IS NOT NULL ORDER BY id LIMIT %s"
)
_SELECT_EVERY_PIPELINE = SELECT_PIPELINES.format(where="")
_SELECT_PIPELINES_OF_TYPE = SELECT_PIPELINES.format(where=" WHERE p.object_type = %s")


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
    object_type: str, entries: Sequence[SearchEntry]
) -> Iterator[tuple[str, str, list[SearchEntry], tuple[list[Any], ...]]]:
    """Per search table with rows to write: its name, value type, rows and columns (the
    object type first)."""
    text, numbers = split_entries(entries)
    for table, value_type, rows in (
        ("search_text", "text", text),
        ("search_numbers", "double precision", numbers),
    ):
        if rows:
            properties, values, ids = zip(*rows, strict=True)
            types = [object_type] * len(rows)
            yield table, value_type, rows, (types, list(properties), list(values), list(ids))


def _forget_counts(db: Connection, keys: Sequence[CountKey]) -> None:
    """Delete the kept counts of ``keys`` (locked by the caller, in key order)."""
    if keys:
        types, names, values = zip(*keys, strict=True)
        db.execute(
            "DELETE FROM search_counts c "
            "USING unnest(%s::text[], %s::text[], %s::text[]) AS d(t, p, v) "
            "WHERE c.object_type = d.t AND c.property = d.p AND c.value = d.v",
            (list(types), list(names), list(values)),
        )


def _select_objects(
    db: Connection, query: str, object_type: str, ids: Sequence[int]
) -> list[StoredObject]:
    if not ids:
        return []
    return list(map(object_from_row, db.execute(query, (list(ids), object_type)).fetchall()))


def _decode_definition(stored: str) -> PropertyDefinition:
    return msgspec.json.decode(stored, type=PropertyDefinition)


class PostgresTransaction(PostgresAssociationWrites, Transaction):
    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._holds_unique_lock = False
        self._count_changes = CountChanges()

    def move_kept_counts(self) -> None:
        """Move the kept counts by this transaction's index writes, as its last
        statements: the counts it moves are locked in key order."""
        changes = self._count_changes
        deltas, unsure = changes.deltas(), changes.unsure()
        keys = sorted({(t, name, key) for t, name, key, _ in deltas}.union(unsure))
        if not keys:
            return
        types, names, values = zip(*keys, strict=True)
        held = set(
            self._db.execute(
                "SELECT object_type, property, value FROM search_counts "
                "WHERE (object_type, property, value) IN "
                "(SELECT * FROM unnest(%s::text[], %s::text[], %s::text[])) "
                "ORDER BY object_type, property, value FOR UPDATE",
                (list(types), list(names), list(values)),
            ).fetchall()
        )
        forgotten = [key for key in unsure if key in held]
        if forgotten:
            _forget_counts(self._db, forgotten)
        moved = changes.deltas(held)
        if moved:
            types, names, values, amounts = zip(*moved, strict=True)
            self._db.execute(
                "UPDATE search_counts c SET n = c.n + d.n "
                "FROM unnest(%s::text[], %s::text[], %s::text[], %s::bigint[]) AS d(t, p, v, n) "
                "WHERE c.object_type = d.t AND c.property = d.p AND c.value = d.v",
                (list(types), list(names), list(values), list(amounts)),
            )

    def allocate_object_ids(self, count: int) -> list[int]:
        # Concurrent allocations interleave, so one transaction's ids may have gaps.
        rows = self._db.execute(
            "SELECT nextval('object_ids') FROM generate_series(1, %s)", (count,)
        ).fetchall()
        return sorted(row[0] for row in rows)

    def lock_objects(self, object_type: str, ids: Sequence[int]) -> dict[int, StoredObject]:
        return {o.id: o for o in _select_objects(self._db, _LOCK_OBJECTS, object_type, ids)}

    def insert_objects(
        self, object_type: str, objects: Sequence[StoredObject], created_at: int
    ) -> None:
        if objects:
            self._execute_many(
                f"INSERT INTO objects ({INSERT_OBJECT_COLUMNS}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [insert_row(object_type, o, created_at) for o in objects],
            )

    def update_objects(
        self, object_type: str, objects: Sequence[StoredObject], updated_at: int
    ) -> None:
        assignments = ", ".join(f"{column} = %s" for column in UPDATE_OBJECT_ASSIGNMENTS)
        if objects:
            self._execute_many(
                f"UPDATE objects SET {assignments} WHERE id = %s AND object_type = %s",
                [update_row(object_type, o, updated_at) for o in objects],
            )

    def record_writes(self, writes: Sequence[ObjectWrite]) -> None:
        if writes:
            self._execute_many(
                f"INSERT INTO object_writes ({WRITE_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",
                [write_row(w) for w in writes],
            )

    def _execute_many(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        with self._db.cursor() as cursor:
            cursor.executemany(statement, rows)

    def claim_unique_values(self, object_type: str, claims: Sequence[tuple[str, str, int]]) -> None:
        if not claims:
            return
        self._lock_unique_values()
        rows = self._db.execute(
            "INSERT INTO unique_values (object_type, property, value, object_id) "
            "SELECT %s::text, * FROM unnest(%s::text[], %s::bytea[], %s::bigint[]) "
            "ON CONFLICT DO NOTHING RETURNING property, value",
            (
                object_type,
                [name for name, _, _ in claims],
                [value.encode() for _, value, _ in claims],
                [object_id for _, _, object_id in claims],
            ),
        ).fetchall()
        claimed = {(name, bytes(value)) for name, value in rows}
        for name, value, _ in claims:
            key = (name, value.encode())
            if key not in claimed:
                raise UniqueValueTaken(name, value, self._holder(object_type, name, value))
            claimed.remove(key)  # the same value twice: the second claim is refused

    def release_unique_values(self, object_type: str, releases: Sequence[tuple[str, str]]) -> None:
        if not releases:
            return
        self._lock_unique_values()
        self._db.execute(
            "DELETE FROM unique_values WHERE object_type = %s AND (property, value) IN "
            "(SELECT * FROM unnest(%s::text[], %s::bytea[]))",
            (
                object_type,
                [name for name, _ in releases],
                [value.encode() for _, value in releases],
            ),
        )

    def _lock_unique_values(self) -> None:
        if not self._holds_unique_lock:
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_UNIQUE_VALUES_LOCK,))
            self._holds_unique_lock = True

    def _holder(self, object_type: str, name: str, value: str) -> int | None:
        row = self._db.execute(
            "SELECT object_id FROM unique_values "
            "WHERE object_type = %s AND property = %s AND value = %s",
            (object_type, name, value.encode()),
        ).fetchone()
        return row[0] if row else None

    # -- merges ------------------------------------------------------------------

    def read_writes(self, ids: Sequence[int]) -> list[ObjectWrite]:
        if not ids:
            return []
        rows = self._db.execute(
            f"SELECT {WRITE_COLUMNS} FROM object_writes "
            "WHERE object_id = ANY(%b) ORDER BY object_id, version",
            (list(ids),),
        )
        return list(map(write_from_row, rows))

    def clear_history(self, ids: Sequence[int]) -> None:
        if ids:
            self._db.execute("DELETE FROM object_writes WHERE object_id = ANY(%b)", (list(ids),))

    def retire_merged_object(self, merged_id: int, primary_id: int) -> None:
        self._db.execute("DELETE FROM objects WHERE id = %s", (merged_id,))
        self._db.execute(
            "UPDATE merged_objects SET primary_id = %s WHERE primary_id = %s",
            (primary_id, merged_id),
        )
        self._db.execute(
            "INSERT INTO merged_objects (merged_id, primary_id) VALUES (%s, %s)",
            (merged_id, primary_id),
        )

    # -- definitions -------------------------------------------------------------

    def hold_definitions(self) -> int:
        # Every change of definitions updates this row, which waits for the share lock.
        row = self._db.execute("SELECT version FROM definitions_version FOR SHARE").fetchone()
        assert row is not None
        return int(row[0])

    def change_definitions(self) -> None:
        self._db.execute("UPDATE definitions_version SET version = version + 1")

    def lock_pipelines(self, object_type: str) -> list[Pipeline]:
        # The definitions version's row lock serialises pipeline writers to their commit.
        self.change_definitions()
        rows = self._db.execute(_SELECT_PIPELINES_OF_TYPE, (object_type,))
        return pipelines_from_rows(rows).get(object_type, [])

    def allocate_pipeline_ids(self, count: int) -> list[str]:
        rows = self._db.execute(
            "SELECT nextval('pipeline_ids') FROM generate_series(1, %s)", (count,)
        ).fetchall()
        return [str(i) for i in sorted(row[0] for row in rows)]

    def save_pipeline(self, object_type: str, pipeline: Pipeline) -> None:
        self._db.execute(
            f"INSERT INTO pipelines ({PIPELINE_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (object_type, id) DO UPDATE SET label = EXCLUDED.label, "
            "display_order = EXCLUDED.display_order, created_at = EXCLUDED.created_at, "
            "updated_at = EXCLUDED.updated_at, archived_at = EXCLUDED.archived_at",
            pipeline_row(object_type, pipeline),
        )
        self._db.execute(
            "DELETE FROM pipeline_stages WHERE object_type = %s AND pipeline_id = %s",
            (object_type, pipeline.id),
        )
        if pipeline.stages:
            self._execute_many(
                f"INSERT INTO pipeline_stages ({STAGE_COLUMNS}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                stage_rows(object_type, pipeline),
            )

    def record_pipeline_audits(self, object_type: str, audits: Sequence[PipelineAudit]) -> None:
        if audits:
            self._execute_many(
                f"INSERT INTO pipeline_audits ({AUDIT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",
                [audit_row(object_type, a) for a in audits],
            )

    # -- search index ------------------------------------------------------------

    def index_values(self, object_type: str, entries: Sequence[SearchEntry]) -> None:
        # One statement per table, the rows sent as four arrays.
        for table, value_type, rows, columns in _search_rows(object_type, entries):
            inserted = self._db.execute(
                f"INSERT INTO {table} (object_type, property, value, object_id) "
                f"SELECT * FROM unnest(%s::text[], %s::text[], %s::{value_type}[], %s::bigint[]) "
                "ON CONFLICT DO NOTHING",
                columns,
            ).rowcount
            self._count_changes.record(object_type, rows, inserted, added=True)

    def unindex_values(self, object_type: str, entries: Sequence[SearchEntry]) -> None:
        for table, value_type, rows, columns in _search_rows(object_type, entries):
            deleted = self._db.execute(
                f"DELETE FROM {table} s USING "
                f"unnest(%s::text[], %s::text[], %s::{value_type}[], %s::bigint[]) "
                "AS d(t, p, v, o) WHERE s.object_type = d.t AND s.property = d.p "
                "AND s.value = d.v AND s.object_id = d.o",
                columns,
            ).rowcount
            self._count_changes.record(object_type, rows, deleted, added=False)

    def unindex_property(self, object_type: str, name: str) -> None:
        for table in ("search_text", "search_numbers"):
            self._db.execute(
                f"DELETE FROM {table} WHERE object_type = %s AND property = %s",
                (object_type, name),
            )
        kept = self._db.execute(
            "SELECT object_type, property, value FROM search_counts "
            "WHERE object_type = %s AND property = %s ORDER BY value FOR UPDATE",
            (object_type, name),
        ).fetchall()
        _forget_counts(self._db, kept)

    def rebuild_search_index(self) -> bool:
        row = self._db.execute("SELECT complete FROM search_index_state FOR UPDATE").fetchone()
        if row is None or row[0]:
            return False
        self._db.execute("DELETE FROM search_text")
        self._db.execute("DELETE FROM search_numbers")
        kept = self._db.execute(
            "SELECT object_type, property, value FROM search_counts "
            "ORDER BY object_type, property, value FOR UPDATE"
        ).fetchall()
        _forget_counts(self._db, kept)
        return True

    def mark_search_index_complete(self) -> None:
        self._db.execute("UPDATE search_index_state SET complete = TRUE")

    # -- bulk loads ----------------------------------------------------------------

    def load_objects(
        self,
        object_type: str,
        records: Sequence[StoredObject],
        created_at: int,
        source: tuple[str, str | None],
    ) -> None:
        postgres_bulk.load_objects(self._db, object_type, records, created_at, source)

    def load_index(self, object_type: str, index: Iterable[KeyGroups]) -> None:
        postgres_bulk.load_index(self._db, object_type, index, self._count_changes)


class PostgresStore(PostgresAssociationReads, Store):
    def __init__(self, url: str) -> None:
        self.url = url
        self._db = connect(url)
        self._objects_in_force = ObjectsInForceRead()
        self._object_changes = ObjectChangesRead()
        self._statement_timeout_ms = 0  # PostgreSQL's "no limit"

    def _connection(self) -> Connection:
        """The store's connection, opened again if the last one broke."""
        if self._db.closed:
            self._db = connect(self.url)
            self._set_statement_timeout()
        return self._db

    def limit_statement_time(self, milliseconds: int) -> None:
        self._statement_timeout_ms = milliseconds
        self._set_statement_timeout()

    def _set_statement_timeout(self) -> None:
        # For the session, so no request pays a round trip for it.
        self._db.execute(f"SET statement_timeout = {int(self._statement_timeout_ms)}")

    def migrate(self) -> None:
        apply_migrations("postgres", yoyo_url(self.url))
        install_default_definitions(self)

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

    def read_objects(self, object_type: str, ids: Sequence[int]) -> list[StoredObject]:
        return _select_objects(self._connection(), _SELECT_OBJECTS, object_type, ids)

    def read_objects_in_force(
        self, object_type: str, ids: Sequence[int], history_names: Sequence[str] = ()
    ) -> ObjectsRead:
        return self._objects_in_force.read(self._connection(), object_type, ids, history_names)

    def read_values_in_force(
        self,
        object_type: str,
        ids: Sequence[int],
        selection: ValueSelection,
        history: ValueSelection | None = None,
    ) -> ValuesRead:
        return self._objects_in_force.read_values(
            self._connection(), object_type, ids, selection, history
        )

    def object_changes(self, since: int | None) -> ObjectChanges:
        return self._object_changes.read(self._connection(), since)

    def list_objects(
        self, object_type: str, after_id: int, limit: int, archived: bool
    ) -> list[StoredObject]:
        rows = (
            self._connection()
            .execute(
                _LIST_ARCHIVED_OBJECTS if archived else _LIST_LIVE_OBJECTS,
                (object_type, after_id, limit),
            )
            .fetchall()
        )
        return list(map(object_from_row, rows))

    def find_unique_values(
        self, object_type: str, property_name: str, values: Sequence[str]
    ) -> dict[str, int]:
        if not values:
            return {}
        rows = self._connection().execute(
            "SELECT value, object_id FROM unique_values "
            "WHERE object_type = %s AND property = %s AND value = ANY(%s::bytea[])",
            (object_type, property_name, [value.encode() for value in values]),
        )
        return {bytes(value).decode(): object_id for value, object_id in rows}

    def read_history(
        self, object_type: str, ids: Sequence[int], property_names: Sequence[str]
    ) -> dict[tuple[int, str], list[HistoryEntry]]:
        history: dict[tuple[int, str], list[HistoryEntry]] = {}
        if ids:
            rows = self._connection().execute(
                f"SELECT {', '.join('w.' + c for c in WRITE_HISTORY_COLUMNS.split(', '))} "
                "FROM object_writes w JOIN objects o ON o.id = w.object_id "
                "WHERE w.object_id = ANY(%b) AND o.object_type = %s "
                "ORDER BY w.object_id, w.version DESC",
                (list(ids), object_type),
            )
            history_from_writes(rows, property_names, history)
        return history

    def count_objects(self, object_type: str) -> int:
        row = (
            self._connection()
            .execute("SELECT count(*) FROM objects WHERE object_type = %s", (object_type,))
            .fetchone()
        )
        assert row is not None
        return int(row[0])

    def definitions_version(self) -> int:
        row = self._connection().execute("SELECT version FROM definitions_version").fetchone()
        assert row is not None
        return int(row[0])

    def custom_properties(self) -> dict[str, list[PropertyDefinition]]:
        rows = self._connection().execute(
            "SELECT object_type, definition FROM custom_properties ORDER BY object_type, name"
        )
        found: dict[str, list[PropertyDefinition]] = {}
        for object_type, definition in rows:
            found.setdefault(object_type, []).append(_decode_definition(definition))
        return found

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

    def merged_into(self, object_type: str, ids: Sequence[int]) -> dict[int, int]:
        if not ids:
            return {}
        rows = self._connection().execute(
            "SELECT merged_id, primary_id FROM merged_objects "
            "JOIN objects ON objects.id = merged_objects.primary_id "
            "WHERE merged_id = ANY(%b) AND object_type = %s",
            (list(ids), object_type),
        )
        return {merged: primary for merged, primary in rows}

    def read_merged_objects(self, object_type: str, ids: Sequence[int]) -> dict[int, StoredObject]:
        if not ids:
            return {}
        rows = self._connection().execute(
            f"SELECT merged_id, {OBJECT_COLUMNS} FROM merged_objects "
            "JOIN objects ON objects.id = merged_objects.primary_id "
            "WHERE merged_id = ANY(%b) AND object_type = %s",
            (list(ids), object_type),
        )
        return {row[0]: object_from_row(row[1:]) for row in rows}

    # -- property definitions: batches, changes, groups ----------------------------

    def create_properties(
        self, object_type: str, definitions: Sequence[PropertyDefinition]
    ) -> None:
        with self.transaction() as tx:
            db = self._connection()
            for definition in definitions:
                added = db.execute(
                    "INSERT INTO custom_properties (object_type, name, definition) "
                    "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING name",
                    (object_type, definition.name, msgspec.json.encode(definition).decode()),
                ).fetchone()
                if added is None:
                    raise PropertyExists(definition.name)
            tx.change_definitions()

    def replace_properties(
        self, object_type: str, changes: Sequence[tuple[PropertyDefinition, PropertyDefinition]]
    ) -> None:
        with self.transaction() as tx:
            db = self._connection()
            for before, after in changes:
                row = db.execute(
                    "SELECT definition FROM custom_properties "
                    "WHERE object_type = %s AND name = %s FOR UPDATE",
                    (object_type, before.name),
                ).fetchone()
                if row is None or _decode_definition(row[0]) != before:
                    raise DefinitionChanged(before.name)
                db.execute(
                    "UPDATE custom_properties SET definition = %s "
                    "WHERE object_type = %s AND name = %s",
                    (msgspec.json.encode(after).decode(), object_type, before.name),
                )
            tx.change_definitions()

    def property_has_values(self, object_type: str, name: str) -> bool:
        # Values are compact JSON objects of strings: the key appears as `"name":`, and a
        # quote inside a value is escaped, so no value can contain that text.
        key = orjson.dumps(name).decode() + ":"
        row = (
            self._connection()
            .execute(
                "SELECT 1 FROM objects "
                "WHERE object_type = %s AND strpos(property_values, %s) > 0 LIMIT 1",
                (object_type, key),
            )
            .fetchone()
        )
        return row is not None

    def property_groups(self, object_type: str) -> list[PropertyGroup]:
        rows = self._connection().execute(
            "SELECT name, label, display_order, archived_at FROM property_groups "
            "WHERE object_type = %s ORDER BY name",
            (object_type,),
        )
        return [PropertyGroup(*row) for row in rows]

    def insert_property_group(self, object_type: str, group: PropertyGroup) -> None:
        with self.transaction() as tx:
            db = self._connection()
            added = db.execute(
                "INSERT INTO property_groups "
                "(object_type, name, label, display_order, archived_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING name",
                (object_type, group.name, group.label, group.display_order, group.archived_at),
            ).fetchone()
            if added is None:
                raise PropertyGroupExists(group.name)
            tx.change_definitions()

    def replace_property_group(
        self, object_type: str, before: PropertyGroup, after: PropertyGroup
    ) -> None:
        with self.transaction() as tx:
            db = self._connection()
            changed = db.execute(
                "UPDATE property_groups SET label = %s, display_order = %s, archived_at = %s "
                "WHERE object_type = %s AND name = %s AND label = %s AND display_order = %s "
                "AND archived_at IS NOT DISTINCT FROM %s",
                (
                    after.label,
                    after.display_order,
                    after.archived_at,
                    object_type,
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

    def pipelines(self) -> dict[str, list[Pipeline]]:
        return pipelines_from_rows(self._connection().execute(_SELECT_EVERY_PIPELINE))

    def pipeline_audits(self, object_type: str, pipeline_id: str) -> list[PipelineAudit]:
        rows = self._connection().execute(
            f"SELECT {AUDIT_READ_COLUMNS} FROM pipeline_audits "
            "WHERE object_type = %s AND pipeline_id = %s AND stage_id IS NULL "
            "ORDER BY seq DESC",
            (object_type, pipeline_id),
        )
        return list(map(audit_from_row, rows))

    def stage_audits(self, object_type: str, stage_id: str) -> list[PipelineAudit]:
        rows = self._connection().execute(
            f"SELECT {AUDIT_READ_COLUMNS} FROM pipeline_audits "
            "WHERE object_type = %s AND stage_id = %s ORDER BY seq DESC",
            (object_type, stage_id),
        )
        return list(map(audit_from_row, rows))

    # -- owners --------------------------------------------------------------------

    def owners(self) -> list[Owner]:
        return owners_from_rows(self._connection().execute(SELECT_OWNERS))

    def add_owner(self, owner: NewOwner, at: int) -> Owner:
        with self.transaction() as tx:
            added = postgres_owners.add_owner(self._db, owner, at)
            tx.change_definitions()
        return added

    def archive_owner(self, owner_id: int, at: int) -> bool:
        with self.transaction() as tx:
            archived = postgres_owners.archive_owner(self._db, owner_id, at)
            if archived:
                tx.change_definitions()
        return archived

    # -- search index --------------------------------------------------------------

    def search_objects(self, query: SearchQuery) -> SearchResult:
        return _SEARCH_SQL.run(query, self._connection().execute)

    def keep_search_count(self, object_type: str, condition: Condition) -> None:
        # The SHARE lock waits for the index's writers to commit and holds off new ones
        # while the rows are counted; when writers keep it waiting, the count is not kept.
        try:
            with self.transaction():
                db = self._connection()
                db.execute(f"SET LOCAL lock_timeout = {_KEEP_COUNT_LOCK_TIMEOUT_MS}")
                db.execute("LOCK TABLE search_text, search_numbers IN SHARE MODE")
                db.execute(*_SEARCH_SQL.keep_count(object_type, condition))
        except psycopg.errors.LockNotAvailable:
            pass

    def search_index_complete(self) -> bool:
        row = self._connection().execute("SELECT complete FROM search_index_state").fetchone()
        return bool(row and row[0])
