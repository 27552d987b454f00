"""The SQLite backend: one file in WAL mode, one connection per process, called inline.

Writers take SQLite's write lock up front (``BEGIN IMMEDIATE``), so a transaction
never fails half-way on a lock, and writers in other processes wait (busy timeout).
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

import msgspec
import orjson

from spoke.domain.pipelines import Pipeline, PipelineAudit
from spoke.domain.properties import PropertyDefinition, PropertyGroup
from spoke.store import sqlite_bulk
from spoke.store.base import (
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
    iter_chunks,
)
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
from spoke.store.sqlite_checkpoints import Checkpointer

#: SQLite's default limit on host parameters is far above this; keep statements small.
_CHUNK = 500

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

#: A page of tickets in id order; archived ones through their own partial index (0002).
_LIST_LIVE_TICKETS = (
    f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id > ? AND archived_at IS NULL ORDER BY id LIMIT ?"
)
_LIST_ARCHIVED_TICKETS = (
    f"SELECT {TICKET_COLUMNS} FROM tickets "
    "WHERE id > ? AND archived_at IS NOT NULL ORDER BY id LIMIT ?"
)


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


class SQLiteTransaction(Transaction):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._count_changes = CountChanges()

    def move_kept_counts(self) -> None:
        """Move the kept counts by this transaction's index writes (before it commits;
        the write lock keeps them exact). The kept keys are few: they are read whole."""
        changes = self._count_changes
        if not changes:
            return
        self._db.executemany(
            "DELETE FROM search_counts WHERE property = ? AND value = ?", changes.unsure()
        )
        kept = set(self._db.execute("SELECT property, value FROM search_counts"))
        if kept:
            self._db.executemany(
                "UPDATE search_counts SET n = n + ? WHERE property = ? AND value = ?",
                [(delta, name, key) for name, key, delta in changes.deltas(kept)],
            )

    def allocate_ticket_ids(self, count: int) -> list[int]:
        # Above merged-away ids too: their rows are gone, but their ids still name tickets.
        (highest,) = self._db.execute(
            "SELECT max(coalesce((SELECT max(id) FROM tickets), 0), "
            "coalesce((SELECT max(merged_id) FROM merged_tickets), 0))"
        ).fetchone()
        return list(range(highest + 1, highest + 1 + count))

    def lock_tickets(self, ids: Sequence[int]) -> dict[int, StoredTicket]:
        # BEGIN IMMEDIATE already holds the database's write lock.
        return {t.id: t for t in _read_tickets(self._db, ids)}

    def insert_tickets(self, tickets: Sequence[StoredTicket], created_at: int) -> None:
        self._db.executemany(
            f"INSERT INTO tickets ({INSERT_TICKET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            [insert_row(t, created_at) for t in tickets],
        )

    def update_tickets(self, tickets: Sequence[StoredTicket], updated_at: int) -> None:
        assignments = ", ".join(f"{column} = ?" for column in UPDATE_TICKET_ASSIGNMENTS)
        self._db.executemany(
            f"UPDATE tickets SET {assignments} WHERE id = ?",
            [update_row(t, updated_at) for t in tickets],
        )

    def record_writes(self, writes: Sequence[TicketWrite]) -> None:
        self._db.executemany(
            f"INSERT INTO ticket_writes ({WRITE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            [write_row(w) for w in writes],
        )

    def claim_unique_values(self, claims: Sequence[tuple[str, str, int]]) -> None:
        for name, value, ticket_id in claims:
            try:
                self._db.execute(
                    "INSERT INTO unique_values (property, value, ticket_id) VALUES (?, ?, ?)",
                    (name, value, ticket_id),
                )
            except sqlite3.IntegrityError:
                row = self._db.execute(
                    "SELECT ticket_id FROM unique_values WHERE property = ? AND value = ?",
                    (name, value),
                ).fetchone()
                raise UniqueValueTaken(name, value, row[0] if row else None) from None

    def release_unique_values(self, releases: Sequence[tuple[str, str]]) -> None:
        self._db.executemany(
            "DELETE FROM unique_values WHERE property = ? AND value = ?", list(releases)
        )

    # -- merges ------------------------------------------------------------------

    def read_writes(self, ids: Sequence[int]) -> list[TicketWrite]:
        writes: list[TicketWrite] = []
        for chunk in iter_chunks(ids, _CHUNK):
            rows = self._db.execute(
                f"SELECT {WRITE_COLUMNS} FROM ticket_writes "
                f"WHERE ticket_id IN ({_placeholders(len(chunk))}) ORDER BY ticket_id, version",
                chunk,
            )
            writes.extend(map(write_from_row, rows))
        return writes

    def clear_history(self, ids: Sequence[int]) -> None:
        for chunk in iter_chunks(ids, _CHUNK):
            self._db.execute(
                f"DELETE FROM ticket_writes WHERE ticket_id IN ({_placeholders(len(chunk))})",
                chunk,
            )

    def retire_merged_ticket(self, merged_id: int, primary_id: int) -> None:
        self._db.execute("DELETE FROM tickets WHERE id = ?", (merged_id,))
        self._db.execute(
            "UPDATE merged_tickets SET primary_id = ? WHERE primary_id = ?", (primary_id, merged_id)
        )
        self._db.execute(
            "INSERT INTO merged_tickets (merged_id, primary_id) VALUES (?, ?)",
            (merged_id, primary_id),
        )

    # -- pipelines ---------------------------------------------------------------

    def hold_definitions(self) -> int:
        # BEGIN IMMEDIATE already holds the database's write lock.
        (version,) = self._db.execute("SELECT version FROM definitions_version").fetchone()
        return int(version)

    def change_definitions(self) -> None:
        self._db.execute("UPDATE definitions_version SET version = version + 1")

    def lock_pipelines(self) -> list[Pipeline]:
        # BEGIN IMMEDIATE already holds the database's write lock.
        self.change_definitions()
        return pipelines_from_rows(self._db.execute(SELECT_PIPELINES))

    def allocate_pipeline_ids(self, count: int) -> list[str]:
        (last,) = self._db.execute(
            "UPDATE pipeline_ids SET last_id = last_id + ? RETURNING last_id", (count,)
        ).fetchone()
        return [str(i) for i in range(last - count + 1, last + 1)]

    def save_pipeline(self, pipeline: Pipeline) -> None:
        self._db.execute(
            f"INSERT OR REPLACE INTO pipelines ({PIPELINE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            pipeline_row(pipeline),
        )
        self._db.execute("DELETE FROM pipeline_stages WHERE pipeline_id = ?", (pipeline.id,))
        self._db.executemany(
            f"INSERT INTO pipeline_stages ({STAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            stage_rows(pipeline),
        )

    def record_pipeline_audits(self, audits: Sequence[PipelineAudit]) -> None:
        self._db.executemany(
            f"INSERT INTO pipeline_audits ({AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
            [audit_row(a) for a in audits],
        )

    # -- search index ------------------------------------------------------------

    def index_values(self, entries: Sequence[SearchEntry]) -> None:
        text, numbers = split_entries(entries)
        for rows, numeric in ((text, False), (numbers, True)):
            inserted = sqlite_bulk.insert_index_rows(self._db, rows, numeric)
            self._count_changes.record(rows, inserted, added=True)

    def unindex_values(self, entries: Sequence[SearchEntry]) -> None:
        text, numbers = split_entries(entries)
        for table, rows in (("search_text", text), ("search_numbers", numbers)):
            deleted = self._db.executemany(
                f"DELETE FROM {table} WHERE property = ? AND value = ? AND ticket_id = ?", rows
            ).rowcount
            self._count_changes.record(rows, deleted, added=False)

    def unindex_property(self, name: str) -> None:
        self._db.execute("DELETE FROM search_text WHERE property = ?", (name,))
        self._db.execute("DELETE FROM search_numbers WHERE property = ?", (name,))
        self._db.execute("DELETE FROM search_counts WHERE property = ?", (name,))

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

    def load_tickets(
        self, tickets: Sequence[StoredTicket], created_at: int, source: tuple[str, str | None]
    ) -> None:
        sqlite_bulk.load_tickets(self._db, tickets, created_at, source)

    def load_index(self, index: Iterable[KeyGroups]) -> None:
        sqlite_bulk.load_index(self._db, index, self._count_changes)


def _read_tickets(db: sqlite3.Connection, ids: Sequence[int]) -> list[StoredTicket]:
    found: list[StoredTicket] = []
    for chunk in iter_chunks(ids, _CHUNK):
        rows = db.execute(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id IN ({_placeholders(len(chunk))})",
            chunk,
        ).fetchall()
        found.extend(map(ticket_from_row, rows))
    return found


class SQLiteStore(Store):
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, cached_statements=512
        )
        for pragma in _PRAGMAS:
            self._db.execute(pragma)
        self._db.create_function("regexp", 2, _regexp, deterministic=True)
        # Checkpoints run on a thread of their own (sqlite_checkpoints.py), not in commits.
        self._db.execute("PRAGMA wal_autocheckpoint = 0")
        self._checkpoints = Checkpointer(path)

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def migrate(self) -> None:
        apply_migrations("sqlite", self.url)

    def close(self) -> None:
        self._checkpoints.close()
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            transaction = SQLiteTransaction(self._db)
            yield transaction
            transaction.move_kept_counts()
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def read_tickets(self, ids: Sequence[int]) -> list[StoredTicket]:
        return _read_tickets(self._db, ids)

    def read_tickets_in_force(
        self, ids: Sequence[int], history_names: Sequence[str] = ()
    ) -> TicketsRead:
        # In process, several statements cost little; with history they need a snapshot.
        with self.snapshot() if history_names else nullcontext():
            version = self.definitions_version()
            tickets = _read_tickets(self._db, ids)
            history = {}
            if history_names:
                history = self.read_history([t.id for t in tickets], history_names)
        return TicketsRead(version, tickets, history)

    def list_tickets(self, after_id: int, limit: int, archived: bool) -> list[StoredTicket]:
        rows = self._db.execute(
            _LIST_ARCHIVED_TICKETS if archived else _LIST_LIVE_TICKETS, (after_id, limit)
        ).fetchall()
        return list(map(ticket_from_row, rows))

    def find_unique_values(self, property_name: str, values: Sequence[str]) -> dict[str, int]:
        held: dict[str, int] = {}
        for chunk in iter_chunks(values, _CHUNK):
            rows = self._db.execute(
                "SELECT value, ticket_id FROM unique_values "
                f"WHERE property = ? AND value IN ({_placeholders(len(chunk))})",
                (property_name, *chunk),
            )
            held.update(rows)
        return held

    def read_history(
        self, ids: Sequence[int], property_names: Sequence[str]
    ) -> dict[tuple[int, str], list[HistoryEntry]]:
        history: dict[tuple[int, str], list[HistoryEntry]] = {}
        for chunk in iter_chunks(ids, _CHUNK):
            rows = self._db.execute(
                f"SELECT {WRITE_HISTORY_COLUMNS} FROM ticket_writes "
                f"WHERE ticket_id IN ({_placeholders(len(chunk))}) "
                "ORDER BY ticket_id, version DESC",
                chunk,
            )
            history_from_writes(rows, property_names, history)
        return history

    def count_tickets(self) -> int:
        (count,) = self._db.execute("SELECT count(*) FROM tickets").fetchone()
        return int(count)

    def definitions_version(self) -> int:
        (version,) = self._db.execute("SELECT version FROM definitions_version").fetchone()
        return int(version)

    def custom_properties(self) -> list[PropertyDefinition]:
        rows = self._db.execute("SELECT definition FROM custom_properties ORDER BY name")
        return [msgspec.json.decode(row[0], type=PropertyDefinition) for row in rows]

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

    def merged_into(self, ids: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk in iter_chunks(ids, _CHUNK):
            found.update(
                self._db.execute(
                    "SELECT merged_id, primary_id FROM merged_tickets "
                    f"WHERE merged_id IN ({_placeholders(len(chunk))})",
                    chunk,
                )
            )
        return found

    def read_merged_tickets(self, ids: Sequence[int]) -> dict[int, StoredTicket]:
        found: dict[int, StoredTicket] = {}
        for chunk in iter_chunks(ids, _CHUNK):
            rows = self._db.execute(
                f"SELECT merged_id, {TICKET_COLUMNS} FROM merged_tickets "
                "JOIN tickets ON tickets.id = merged_tickets.primary_id "
                f"WHERE merged_id IN ({_placeholders(len(chunk))})",
                chunk,
            )
            found.update((row[0], ticket_from_row(row[1:])) for row in rows)
        return found

    # -- property definitions: batches, changes, groups ----------------------------

    def create_properties(self, definitions: Sequence[PropertyDefinition]) -> None:
        with self.transaction() as tx:
            for definition in definitions:
                try:
                    self._db.execute(
                        "INSERT INTO custom_properties (name, definition) VALUES (?, ?)",
                        (definition.name, msgspec.json.encode(definition).decode()),
                    )
                except sqlite3.IntegrityError:
                    raise PropertyExists(definition.name) from None
            tx.change_definitions()

    def replace_properties(
        self, changes: Sequence[tuple[PropertyDefinition, PropertyDefinition]]
    ) -> None:
        with self.transaction() as tx:
            for before, after in changes:
                row = self._db.execute(
                    "SELECT definition FROM custom_properties WHERE name = ?", (before.name,)
                ).fetchone()
                if row is None or msgspec.json.decode(row[0], type=PropertyDefinition) != before:
                    raise DefinitionChanged(before.name)
                self._db.execute(
                    "UPDATE custom_properties SET definition = ? WHERE name = ?",
                    (msgspec.json.encode(after).decode(), before.name),
                )
            tx.change_definitions()

    def property_has_values(self, name: str) -> bool:
        # Values are compact JSON objects of strings: the key appears as `"name":`, and a
        # quote inside a value is escaped, so no value can contain that text.
        key = orjson.dumps(name).decode() + ":"
        row = self._db.execute(
            "SELECT 1 FROM tickets WHERE instr(property_values, ?) > 0 LIMIT 1", (key,)
        ).fetchone()
        return row is not None

    def property_groups(self) -> list[PropertyGroup]:
        rows = self._db.execute(
            "SELECT name, label, display_order, archived_at FROM property_groups ORDER BY name"
        )
        return [PropertyGroup(*row) for row in rows]

    def insert_property_group(self, group: PropertyGroup) -> None:
        with self.transaction() as tx:
            try:
                self._db.execute(
                    "INSERT INTO property_groups (name, label, display_order, archived_at) "
                    "VALUES (?, ?, ?, ?)",
                    (group.name, group.label, group.display_order, group.archived_at),
                )
            except sqlite3.IntegrityError:
                raise PropertyGroupExists(group.name) from None
            tx.change_definitions()

    def replace_property_group(self, before: PropertyGroup, after: PropertyGroup) -> None:
        with self.transaction() as tx:
            changed = self._db.execute(
                "UPDATE property_groups SET label = ?, display_order = ?, archived_at = ? "
                "WHERE name = ? AND label = ? AND display_order = ? AND archived_at IS ?",
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
        return pipelines_from_rows(self._db.execute(SELECT_PIPELINES))

    def pipeline_audits(self, pipeline_id: str) -> list[PipelineAudit]:
        rows = self._db.execute(
            f"SELECT {AUDIT_READ_COLUMNS} FROM pipeline_audits "
            "WHERE pipeline_id = ? AND stage_id IS NULL ORDER BY seq DESC",
            (pipeline_id,),
        )
        return list(map(audit_from_row, rows))

    def stage_audits(self, stage_id: str) -> list[PipelineAudit]:
        rows = self._db.execute(
            f"SELECT {AUDIT_READ_COLUMNS} FROM pipeline_audits "
            "WHERE stage_id = ? ORDER BY seq DESC",
            (stage_id,),
        )
        return list(map(audit_from_row, rows))

    # -- search index --------------------------------------------------------------

    def search_tickets(self, query: SearchQuery) -> SearchResult:
        return _SEARCH_SQL.run(query, self._db.execute)

    def keep_search_count(self, condition: Condition) -> None:
        # BEGIN IMMEDIATE holds off every writer while the rows are counted; when a
        # writer keeps it waiting, the count is not kept.
        self._db.execute(f"PRAGMA busy_timeout = {_KEEP_COUNT_WAIT_MS}")
        try:
            with self.transaction():
                self._db.execute(*_SEARCH_SQL.keep_count(condition))
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")

    def search_index_complete(self) -> bool:
        (complete,) = self._db.execute("SELECT complete FROM search_index_state").fetchone()
        return bool(complete)
