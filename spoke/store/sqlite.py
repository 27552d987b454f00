"""The SQLite backend: one file in WAL mode, one connection per process, called inline.

Writers take SQLite's write lock up front (``BEGIN IMMEDIATE``), so a transaction
never fails half-way on a lock, and writers in other processes wait (busy timeout).
"""

from __future__ import annotations

import functools
import math
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, wait
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import msgspec
import orjson

from spoke.domain.owners import NewOwner, Owner
from spoke.domain.pipelines import Pipeline, PipelineAudit
from spoke.domain.properties import PropertyDefinition, PropertyGroup
from spoke.store import sqlite_bulk, sqlite_owners
from spoke.store.associations_sqlite import SQLiteAssociationReads, SQLiteAssociationWrites
from spoke.store.base import (
    MAX_OBJECT_CHANGES,
    DefinitionChanged,
    HistoryEntry,
    ObjectChanges,
    ObjectsRead,
    ObjectWrite,
    PropertyExists,
    PropertyGroupExists,
    SelectedObject,
    SelectedWrite,
    Store,
    StoredObject,
    TokenRecord,
    Transaction,
    UniqueValueTaken,
    ValuesRead,
    iter_chunks,
)
from spoke.store.default_definitions import install_default_definitions
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
from spoke.store.sqlite_checkpoints import Checkpointer
from spoke.store.sqlite_writers import WriterTurns

#: SQLite's default limit on host parameters is far above this; keep statements small.
_CHUNK = 500

#: The definitions version and the change log's state (migration 0011).
_CHANGES_STATE = (
    "SELECT (SELECT version FROM definitions_version), "
    "(SELECT through FROM object_changes_pruned), "
    "(SELECT coalesce(max(seq), 0) FROM object_changes)"
)
_CHANGES_SINCE = "SELECT seq, object_id FROM object_changes WHERE seq > ? ORDER BY seq LIMIT ?"

#: How long a statement waits for another connection's write lock.
_BUSY_TIMEOUT_MS = 10_000
#: How long keeping a search count waits for writers before giving up.
_KEEP_COUNT_WAIT_MS = 200

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}",
    "PRAGMA cache_size = -65536",
    # The most SQLite's usual builds map (SQLITE_MAX_MMAP_SIZE): all of a 1M-ticket
    # database with its search index (1.7 GB). Reads past it copy pages through the
    # page cache: with 1 GiB, 100-ticket reads took 15-30 % longer (benchmarks.md).
    "PRAGMA mmap_size = 2147418112",
)

#: A page of one type's records in id order, through the partial indexes of live and of
#: archived records (migration 0008).
_LIST_LIVE_OBJECTS = (
    f"SELECT {OBJECT_COLUMNS} FROM objects "
    "WHERE object_type = ? AND id > ? AND archived_at IS NULL ORDER BY id LIMIT ?"
)
_LIST_ARCHIVED_OBJECTS = (
    f"SELECT {OBJECT_COLUMNS} FROM objects "
    "WHERE object_type = ? AND id > ? AND archived_at IS NOT NULL ORDER BY id LIMIT ?"
)


#: SQLite virtual machine instructions between two checks of a statement's time limit
#: (a check is one Python call; a 100-ticket read runs a few tens of thousands).
_PROGRESS_INSTRUCTIONS = 10_000


class _TimedConnection(sqlite3.Connection):
    """A connection that notes when each statement starts, for its time limit: SQLite
    has no statement timeout of its own, only a progress handler."""

    deadline = math.inf
    limit_seconds = math.inf

    def execute(self, *args: Any) -> sqlite3.Cursor:
        self.deadline = time.monotonic() + self.limit_seconds
        return super().execute(*args)

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        self.deadline = time.monotonic() + self.limit_seconds
        return super().executemany(*args)

    def past_deadline(self) -> bool:
        """The progress handler: a true answer makes SQLite interrupt the statement."""
        return time.monotonic() > self.deadline


_SEARCH_SQL = SearchSql(
    Dialect(
        placeholder="?",
        like_operator="LIKE",
        regex_operator="REGEXP",
        value_expression="json_extract(property_values, ?)",
        property_path='$."{name}"',
        sort_expressions={
            SortKind.NUMBER: "CAST(json_extract({values}, {name}) AS REAL)",
            SortKind.INSTANT: "julianday(json_extract({values}, {name}))",
            SortKind.TEXT: "lower(json_extract({values}, {name}))",
        },
    )
)


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _regexp(pattern: str, value: str | None) -> bool:
    """SQLite's ``value REGEXP pattern``, which SQLite leaves to the application."""
    return value is not None and _compiled(pattern).search(value) is not None


def _placeholders(count: int) -> str:
    return ",".join("?" * count)


class SQLiteTransaction(SQLiteAssociationWrites, Transaction):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._count_changes = CountChanges()
        #: Records ``load_objects`` is inserting on a thread of its own.
        self._loading: Future[None] | None = None

    @property
    def _db(self) -> sqlite3.Connection:
        """The connection, once the records being loaded are in (so every statement of
        the transaction comes after them, as if ``load_objects`` had waited)."""
        self.finish_loading()
        return self._connection

    def finish_loading(self) -> None:
        """Wait for the records being loaded; raises what stopped them."""
        loading, self._loading = self._loading, None
        if loading is not None:
            loading.result()

    def end_loading(self) -> None:
        """Wait for the records being loaded, whatever became of them (before a rollback)."""
        loading, self._loading = self._loading, None
        if loading is not None:
            wait([loading])

    def move_kept_counts(self) -> None:
        """Move the kept counts by this transaction's index writes (before it commits;
        the write lock keeps them exact). The kept keys are few: they are read whole."""
        changes = self._count_changes
        if not changes:
            return
        self._db.executemany(
            "DELETE FROM search_counts WHERE object_type = ? AND property = ? AND value = ?",
            changes.unsure(),
        )
        kept = set(self._db.execute("SELECT object_type, property, value FROM search_counts"))
        if kept:
            self._db.executemany(
                "UPDATE search_counts SET n = n + ? "
                "WHERE object_type = ? AND property = ? AND value = ?",
                [(delta, *key) for *key, delta in changes.deltas(kept)],
            )

    def allocate_object_ids(self, count: int) -> list[int]:
        # Above merged-away ids too: their rows are gone, but their ids still name records.
        (highest,) = self._db.execute(
            "SELECT max(coalesce((SELECT max(id) FROM objects), 0), "
            "coalesce((SELECT max(merged_id) FROM merged_objects), 0))"
        ).fetchone()
        return list(range(highest + 1, highest + 1 + count))

    def lock_objects(self, object_type: str, ids: Sequence[int]) -> dict[int, StoredObject]:
        # BEGIN IMMEDIATE already holds the database's write lock.
        return {o.id: o for o in _read_objects(self._db, object_type, ids)}

    def insert_objects(
        self, object_type: str, objects: Sequence[StoredObject], created_at: int
    ) -> None:
        self._db.executemany(
            f"INSERT INTO objects ({INSERT_OBJECT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [insert_row(object_type, o, created_at) for o in objects],
        )

    def update_objects(
        self, object_type: str, objects: Sequence[StoredObject], updated_at: int
    ) -> None:
        assignments = ", ".join(f"{column} = ?" for column in UPDATE_OBJECT_ASSIGNMENTS)
        self._db.executemany(
            f"UPDATE objects SET {assignments} WHERE id = ? AND object_type = ?",
            [update_row(object_type, o, updated_at) for o in objects],
        )

    def record_writes(self, writes: Sequence[ObjectWrite]) -> None:
        self._db.executemany(
            f"INSERT INTO object_writes ({WRITE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            [write_row(w) for w in writes],
        )

    def claim_unique_values(self, object_type: str, claims: Sequence[tuple[str, str, int]]) -> None:
        for name, value, object_id in claims:
            try:
                self._db.execute(
                    "INSERT INTO unique_values (object_type, property, value, object_id) "
                    "VALUES (?, ?, ?, ?)",
                    (object_type, name, value, object_id),
                )
            except sqlite3.IntegrityError:
                row = self._db.execute(
                    "SELECT object_id FROM unique_values "
                    "WHERE object_type = ? AND property = ? AND value = ?",
                    (object_type, name, value),
                ).fetchone()
                raise UniqueValueTaken(name, value, row[0] if row else None) from None

    def release_unique_values(self, object_type: str, releases: Sequence[tuple[str, str]]) -> None:
        self._db.executemany(
            "DELETE FROM unique_values WHERE object_type = ? AND property = ? AND value = ?",
            [(object_type, name, value) for name, value in releases],
        )

    # -- merges ------------------------------------------------------------------

    def read_writes(self, ids: Sequence[int]) -> list[ObjectWrite]:
        writes: list[ObjectWrite] = []
        for chunk in iter_chunks(ids, _CHUNK):
            rows = self._db.execute(
                f"SELECT {WRITE_COLUMNS} FROM object_writes "
                f"WHERE object_id IN ({_placeholders(len(chunk))}) ORDER BY object_id, version",
                chunk,
            )
            writes.extend(map(write_from_row, rows))
        return writes

    def clear_history(self, ids: Sequence[int]) -> None:
        for chunk in iter_chunks(ids, _CHUNK):
            self._db.execute(
                f"DELETE FROM object_writes WHERE object_id IN ({_placeholders(len(chunk))})",
                chunk,
            )

    def retire_merged_object(self, merged_id: int, primary_id: int) -> None:
        self._db.execute("DELETE FROM objects WHERE id = ?", (merged_id,))
        self._db.execute(
            "UPDATE merged_objects SET primary_id = ? WHERE primary_id = ?", (primary_id, merged_id)
        )
        self._db.execute(
            "INSERT INTO merged_objects (merged_id, primary_id) VALUES (?, ?)",
            (merged_id, primary_id),
        )

    # -- definitions -------------------------------------------------------------

    def hold_definitions(self) -> int:
        # BEGIN IMMEDIATE already holds the database's write lock.
        (version,) = self._db.execute("SELECT version FROM definitions_version").fetchone()
        return int(version)

    def change_definitions(self) -> None:
        self._db.execute("UPDATE definitions_version SET version = version + 1")

    def lock_pipelines(self, object_type: str) -> list[Pipeline]:
        # BEGIN IMMEDIATE already holds the database's write lock.
        self.change_definitions()
        rows = self._db.execute(_SELECT_PIPELINES_OF_TYPE, (object_type,))
        return pipelines_from_rows(rows).get(object_type, [])

    def allocate_pipeline_ids(self, count: int) -> list[str]:
        (last,) = self._db.execute(
            "UPDATE pipeline_ids SET last_id = last_id + ? RETURNING last_id", (count,)
        ).fetchone()
        return [str(i) for i in range(last - count + 1, last + 1)]

    def save_pipeline(self, object_type: str, pipeline: Pipeline) -> None:
        self._db.execute(
            f"INSERT OR REPLACE INTO pipelines ({PIPELINE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            pipeline_row(object_type, pipeline),
        )
        self._db.execute(
            "DELETE FROM pipeline_stages WHERE object_type = ? AND pipeline_id = ?",
            (object_type, pipeline.id),
        )
        self._db.executemany(
            f"INSERT INTO pipeline_stages ({STAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            stage_rows(object_type, pipeline),
        )

    def record_pipeline_audits(self, object_type: str, audits: Sequence[PipelineAudit]) -> None:
        self._db.executemany(
            f"INSERT INTO pipeline_audits ({AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            [audit_row(object_type, a) for a in audits],
        )

    # -- search index ------------------------------------------------------------

    def index_values(self, object_type: str, entries: Sequence[SearchEntry]) -> None:
        sqlite_bulk.insert_index_rows(self._db, object_type, entries, self._count_changes)

    def unindex_values(self, object_type: str, entries: Sequence[SearchEntry]) -> None:
        text, numbers = split_entries(entries)
        for table, rows in (("search_text", text), ("search_numbers", numbers)):
            deleted = self._db.executemany(
                f"DELETE FROM {table} "
                "WHERE object_type = ? AND property = ? AND value = ? AND object_id = ?",
                [(object_type, *row) for row in rows],
            ).rowcount
            self._count_changes.record(object_type, rows, deleted, added=False)

    def unindex_property(self, object_type: str, name: str) -> None:
        for table in ("search_text", "search_numbers", "search_counts"):
            self._db.execute(
                f"DELETE FROM {table} WHERE object_type = ? AND property = ?", (object_type, name)
            )

    def rebuild_search_index(self) -> bool:
        # BEGIN IMMEDIATE already holds the database's write lock.
        (complete,) = self._db.execute("SELECT complete FROM search_index_state").fetchone()
        if complete:
            return False
        self._db.execute("DELETE FROM search_text")
        self._db.execute("DELETE FROM search_numbers")
        self._db.execute("DELETE FROM search_counts")
        return True

    def mark_search_index_complete(self) -> None:
        self._db.execute("UPDATE search_index_state SET complete = 1")

    # -- bulk loads ----------------------------------------------------------------

    def load_objects(
        self,
        object_type: str,
        records: Sequence[StoredObject],
        created_at: int,
        source: tuple[str, str | None],
    ) -> None:
        # On a thread: SQLite inserts these while the caller prepares the next records.
        connection = self._db
        self._loading = sqlite_bulk.start_loading(
            connection, object_type, records, created_at, source
        )

    def load_index(self, object_type: str, index: Iterable[KeyGroups]) -> None:
        sqlite_bulk.load_index(self._db, object_type, index, self._count_changes)


_SELECT_PIPELINES_OF_TYPE = SELECT_PIPELINES.format(where=" WHERE p.object_type = ?")


def _read_objects(
    db: sqlite3.Connection, object_type: str, ids: Sequence[int]
) -> list[StoredObject]:
    found: list[StoredObject] = []
    for chunk in iter_chunks(ids, _CHUNK):
        rows = db.execute(
            f"SELECT {OBJECT_COLUMNS} FROM objects "
            f"WHERE id IN ({_placeholders(len(chunk))}) AND object_type = ?",
            (*chunk, object_type),
        ).fetchall()
        found.extend(map(object_from_row, rows))
    return found


def _read_history(
    db: sqlite3.Connection, ids: Sequence[int], property_names: Sequence[str]
) -> dict[tuple[int, str], list[HistoryEntry]]:
    """History of the records ``ids`` (already known to be of one type). Each record's
    writes come newest first; the records in descending id order, which SQLite reads
    straight off the primary key (ascending ids make it sort each record's writes)."""
    history: dict[tuple[int, str], list[HistoryEntry]] = {}
    for chunk in iter_chunks(ids, _CHUNK):
        rows = db.execute(
            f"SELECT {WRITE_HISTORY_COLUMNS} FROM object_writes "
            f"WHERE object_id IN ({_placeholders(len(chunk))}) "
            "ORDER BY object_id DESC, version DESC",
            chunk,
        )
        history_from_writes(rows, property_names, history)
    return history


class SQLiteStore(SQLiteAssociationReads, Store):
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db: _TimedConnection = sqlite3.connect(
            path,
            isolation_level=None,
            check_same_thread=False,
            cached_statements=512,
            factory=_TimedConnection,
        )
        for pragma in _PRAGMAS:
            self._db.execute(pragma)
        self._db.create_function("regexp", 2, _regexp, deterministic=True)
        # Checkpoints run on a thread of their own (sqlite_checkpoints.py), not in commits.
        self._db.execute("PRAGMA wal_autocheckpoint = 0")
        self._checkpoints = Checkpointer(path)
        self._writers = WriterTurns(path)  # writers take turns (sqlite_writers.py)

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def migrate(self) -> None:
        apply_migrations("sqlite", self.url)
        install_default_definitions(self)

    def close(self) -> None:
        self._checkpoints.close()
        self._db.close()
        self._writers.close()

    def limit_statement_time(self, milliseconds: int) -> None:
        self._db.limit_seconds = milliseconds / 1000
        self._db.set_progress_handler(self._db.past_deadline, _PROGRESS_INSTRUCTIONS)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._write(_BUSY_TIMEOUT_MS) as transaction:
            yield transaction

    @contextmanager
    def _write(self, wait_ms: int) -> Iterator[SQLiteTransaction]:
        """A write transaction, once this store's turn has come (waiting up to
        ``wait_ms`` for it, and as long again for SQLite's lock; sqlite_writers.py)."""
        with self._writers.turn(wait_ms / 1000), self._busy_timeout(wait_ms):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                transaction = SQLiteTransaction(self._db)
                yield transaction
                transaction.finish_loading()
                transaction.move_kept_counts()
            except BaseException:
                transaction.end_loading()
                if self._db.in_transaction:  # an interrupted write has rolled it back
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _busy_timeout(self, wait_ms: int) -> Iterator[None]:
        """SQLite's own wait for its write lock, ``wait_ms`` for the block."""
        if wait_ms == _BUSY_TIMEOUT_MS:
            yield
            return
        self._db.execute(f"PRAGMA busy_timeout = {wait_ms}")
        try:
            yield
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            if self._db.in_transaction:
                self._db.execute("COMMIT")

    def read_objects(self, object_type: str, ids: Sequence[int]) -> list[StoredObject]:
        return _read_objects(self._db, object_type, ids)

    def read_objects_in_force(
        self, object_type: str, ids: Sequence[int], history_names: Sequence[str] = ()
    ) -> ObjectsRead:
        # In process, several statements cost little; with history they need a snapshot.
        with self.snapshot() if history_names else nullcontext():
            version = self.definitions_version()
            objects = _read_objects(self._db, object_type, ids)
            history = {}
            if history_names:
                history = _read_history(self._db, [o.id for o in objects], history_names)
        return ObjectsRead(version, objects, history)

    def read_values_in_force(
        self,
        object_type: str,
        ids: Sequence[int],
        selection: ValueSelection,
        history: ValueSelection | None = None,
    ) -> ValuesRead:
        # One statement: the definitions version rides along on each record's row (a
        # join to its table instead makes SQLite scan the records). With history, a
        # second, in the same snapshot.
        db = self._db
        decode = selection.decode
        objects: list[SelectedObject] = []
        writes: list[SelectedWrite] = []
        version = None
        with self.snapshot() if history is not None else nullcontext():
            for chunk in iter_chunks(ids, _CHUNK):
                rows = db.execute(
                    "SELECT (SELECT version FROM definitions_version), id, property_values, "
                    f"archived_at FROM objects WHERE id IN ({_placeholders(len(chunk))}) "
                    "AND object_type = ?",
                    (*chunk, object_type),
                ).fetchall()
                if rows and version is None:  # the first: no later than any record read
                    version = rows[0][0]
                objects += [(row[1], decode(row[2]), row[3]) for row in rows]
            if version is None:  # no record found
                version = self.definitions_version()
            if history is not None:
                decode_write = history.decode
                for chunk in iter_chunks([o[0] for o in objects], _CHUNK):
                    rows = db.execute(
                        f"SELECT {WRITE_HISTORY_COLUMNS} FROM object_writes "
                        f"WHERE object_id IN ({_placeholders(len(chunk))}) "
                        "ORDER BY object_id DESC, version DESC",
                        chunk,
                    ).fetchall()
                    writes += [(r[0], r[1], r[2], r[3], decode_write(r[4])) for r in rows]
        return ValuesRead(version, objects, writes)

    def object_changes(self, since: int | None) -> ObjectChanges:
        # One writer at a time: the log's seq follows commit order.
        db = self._db
        version, pruned, last = db.execute(_CHANGES_STATE).fetchone()
        if since is None or since < pruned or last < since:  # (last < since: a new log)
            return ObjectChanges(version, last, None)
        if last == since:
            return ObjectChanges(version, since, [])
        with self.snapshot():  # the rows and the pruning state of one moment
            (pruned,) = db.execute("SELECT through FROM object_changes_pruned").fetchone()
            rows = db.execute(_CHANGES_SINCE, (since, MAX_OBJECT_CHANGES + 1)).fetchall()
        if since < pruned or len(rows) > MAX_OBJECT_CHANGES:
            return ObjectChanges(version, last, None)
        return ObjectChanges(version, rows[-1][0] if rows else since, [r[1] for r in rows])

    def list_objects(
        self, object_type: str, after_id: int, limit: int, archived: bool
    ) -> list[StoredObject]:
        rows = self._db.execute(
            _LIST_ARCHIVED_OBJECTS if archived else _LIST_LIVE_OBJECTS,
            (object_type, after_id, limit),
        ).fetchall()
        return list(map(object_from_row, rows))

    def find_unique_values(
        self, object_type: str, property_name: str, values: Sequence[str]
    ) -> dict[str, int]:
        held: dict[str, int] = {}
        for chunk in iter_chunks(values, _CHUNK):
            rows = self._db.execute(
                "SELECT value, object_id FROM unique_values WHERE object_type = ? "
                f"AND property = ? AND value IN ({_placeholders(len(chunk))})",
                (object_type, property_name, *chunk),
            )
            held.update(rows)
        return held

    def read_history(
        self, object_type: str, ids: Sequence[int], property_names: Sequence[str]
    ) -> dict[tuple[int, str], list[HistoryEntry]]:
        typed = [o.id for o in _read_objects(self._db, object_type, ids)]
        return _read_history(self._db, typed, property_names)

    def count_objects(self, object_type: str) -> int:
        (count,) = self._db.execute(
            "SELECT count(*) FROM objects WHERE object_type = ?", (object_type,)
        ).fetchone()
        return int(count)

    def definitions_version(self) -> int:
        (version,) = self._db.execute("SELECT version FROM definitions_version").fetchone()
        return int(version)

    def custom_properties(self) -> dict[str, list[PropertyDefinition]]:
        rows = self._db.execute(
            "SELECT object_type, definition FROM custom_properties ORDER BY object_type, name"
        )
        found: dict[str, list[PropertyDefinition]] = {}
        for object_type, definition in rows:
            found.setdefault(object_type, []).append(_decode_definition(definition))
        return found

    def insert_token(self, token: TokenRecord) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO access_tokens (token_hash, app_id, scopes, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    token.token_hash,
                    token.app_id,
                    " ".join(token.scopes),
                    token.created_at,
                    token.expires_at,
                ),
            )

    def find_token(self, token_hash: str) -> TokenRecord | None:
        row = self._db.execute(
            "SELECT token_hash, app_id, scopes, created_at, expires_at FROM access_tokens "
            "WHERE token_hash = ?",
            (token_hash,),
        ).fetchone()
        if row is None:
            return None
        return TokenRecord(row[0], row[1], tuple(row[2].split()), row[3], row[4])

    def allocate_app_id(self) -> int:
        with self.transaction():
            cursor = self._db.execute("INSERT INTO apps DEFAULT VALUES")
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    # -- merges ------------------------------------------------------------------

    def merged_into(self, object_type: str, ids: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk in iter_chunks(ids, _CHUNK):
            found.update(
                self._db.execute(
                    "SELECT merged_id, primary_id FROM merged_objects "
                    "JOIN objects ON objects.id = merged_objects.primary_id "
                    f"WHERE merged_id IN ({_placeholders(len(chunk))}) AND object_type = ?",
                    (*chunk, object_type),
                )
            )
        return found

    def read_merged_objects(self, object_type: str, ids: Sequence[int]) -> dict[int, StoredObject]:
        found: dict[int, StoredObject] = {}
        for chunk in iter_chunks(ids, _CHUNK):
            rows = self._db.execute(
                f"SELECT merged_id, {OBJECT_COLUMNS} FROM merged_objects "
                "JOIN objects ON objects.id = merged_objects.primary_id "
                f"WHERE merged_id IN ({_placeholders(len(chunk))}) AND object_type = ?",
                (*chunk, object_type),
            )
            found.update((row[0], object_from_row(row[1:])) for row in rows)
        return found

    # -- property definitions: batches, changes, groups ----------------------------

    def create_properties(
        self, object_type: str, definitions: Sequence[PropertyDefinition]
    ) -> None:
        with self.transaction() as tx:
            for definition in definitions:
                try:
                    self._db.execute(
                        "INSERT INTO custom_properties (object_type, name, definition) "
                        "VALUES (?, ?, ?)",
                        (object_type, definition.name, msgspec.json.encode(definition).decode()),
                    )
                except sqlite3.IntegrityError:
                    raise PropertyExists(definition.name) from None
            tx.change_definitions()

    def replace_properties(
        self, object_type: str, changes: Sequence[tuple[PropertyDefinition, PropertyDefinition]]
    ) -> None:
        with self.transaction() as tx:
            for before, after in changes:
                row = self._db.execute(
                    "SELECT definition FROM custom_properties WHERE object_type = ? AND name = ?",
                    (object_type, before.name),
                ).fetchone()
                if row is None or _decode_definition(row[0]) != before:
                    raise DefinitionChanged(before.name)
                self._db.execute(
                    "UPDATE custom_properties SET definition = ? "
                    "WHERE object_type = ? AND name = ?",
                    (msgspec.json.encode(after).decode(), object_type, before.name),
                )
            tx.change_definitions()

    def property_has_values(self, object_type: str, name: str) -> bool:
        # Values are compact JSON objects of strings: the key appears as `"name":`, and a
        # quote inside a value is escaped, so no value can contain that text.
        key = orjson.dumps(name).decode() + ":"
        row = self._db.execute(
            "SELECT 1 FROM objects WHERE object_type = ? AND instr(property_values, ?) > 0 LIMIT 1",
            (object_type, key),
        ).fetchone()
        return row is not None

    def property_groups(self, object_type: str) -> list[PropertyGroup]:
        rows = self._db.execute(
            "SELECT name, label, display_order, archived_at FROM property_groups "
            "WHERE object_type = ? ORDER BY name",
            (object_type,),
        )
        return [PropertyGroup(*row) for row in rows]

    def insert_property_group(self, object_type: str, group: PropertyGroup) -> None:
        with self.transaction() as tx:
            try:
                self._db.execute(
                    "INSERT INTO property_groups "
                    "(object_type, name, label, display_order, archived_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (object_type, group.name, group.label, group.display_order, group.archived_at),
                )
            except sqlite3.IntegrityError:
                raise PropertyGroupExists(group.name) from None
            tx.change_definitions()

    def replace_property_group(
        self, object_type: str, before: PropertyGroup, after: PropertyGroup
    ) -> None:
        with self.transaction() as tx:
            changed = self._db.execute(
                "UPDATE property_groups SET label = ?, display_order = ?, archived_at = ? "
                "WHERE object_type = ? AND name = ? AND label = ? AND display_order = ? "
                "AND archived_at IS ?",
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
        return pipelines_from_rows(self._db.execute(_SELECT_EVERY_PIPELINE))

    def pipeline_audits(self, object_type: str, pipeline_id: str) -> list[PipelineAudit]:
        rows = self._db.execute(
            f"SELECT {AUDIT_READ_COLUMNS} FROM pipeline_audits "
            "WHERE object_type = ? AND pipeline_id = ? AND stage_id IS NULL ORDER BY seq DESC",
            (object_type, pipeline_id),
        )
        return list(map(audit_from_row, rows))

    def stage_audits(self, object_type: str, stage_id: str) -> list[PipelineAudit]:
        rows = self._db.execute(
            f"SELECT {AUDIT_READ_COLUMNS} FROM pipeline_audits "
            "WHERE object_type = ? AND stage_id = ? ORDER BY seq DESC",
            (object_type, stage_id),
        )
        return list(map(audit_from_row, rows))

    # -- owners --------------------------------------------------------------------

    def owners(self) -> list[Owner]:
        return owners_from_rows(self._db.execute(SELECT_OWNERS))

    def add_owner(self, owner: NewOwner, at: int) -> Owner:
        with self.transaction() as tx:
            added = sqlite_owners.add_owner(self._db, owner, at)
            tx.change_definitions()
        return added

    def archive_owner(self, owner_id: int, at: int) -> bool:
        with self.transaction() as tx:
            archived = sqlite_owners.archive_owner(self._db, owner_id, at)
            if archived:
                tx.change_definitions()
        return archived

    # -- search index --------------------------------------------------------------

    def search_objects(self, query: SearchQuery) -> SearchResult:
        return _SEARCH_SQL.run(query, self._db.execute)

    def keep_search_count(self, object_type: str, condition: Condition) -> None:
        # BEGIN IMMEDIATE holds off every writer while the rows are counted; when a
        # writer keeps it waiting, the count is not kept.
        try:
            with self._write(_KEEP_COUNT_WAIT_MS):
                self._db.execute(*_SEARCH_SQL.keep_count(object_type, condition))
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise

    def search_index_complete(self) -> bool:
        (complete,) = self._db.execute("SELECT complete FROM search_index_state").fetchone()
        return bool(complete)


_SELECT_EVERY_PIPELINE = SELECT_PIPELINES.format(where="")


def _decode_definition(stored: str) -> PropertyDefinition:
    return msgspec.json.decode(stored, type=PropertyDefinition)
