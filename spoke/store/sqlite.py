"""The SQLite backend: one file in WAL mode, one connection per process, called inline.

Writers take SQLite's write lock up front (``BEGIN IMMEDIATE``), so a transaction
never fails half-way on a lock, and writers in other processes wait (busy timeout).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import msgspec

from spoke.domain.properties import PropertyDefinition
from spoke.store.base import (
    HistoryEntry,
    PropertyExists,
    Store,
    StoredTicket,
    TicketWrite,
    TokenRecord,
    Transaction,
    UniqueValueTaken,
    iter_chunks,
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

#: SQLite's default limit on host parameters is far above this; keep statements small.
_CHUNK = 500

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA cache_size = -65536",
    "PRAGMA mmap_size = 1073741824",
)

#: A page of tickets in id order; archived ones through their own partial index (0002).
_LIST_LIVE_TICKETS = (
    f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id > ? AND archived_at IS NULL ORDER BY id LIMIT ?"
)
_LIST_ARCHIVED_TICKETS = (
    f"SELECT {TICKET_COLUMNS} FROM tickets "
    "WHERE id > ? AND archived_at IS NOT NULL ORDER BY id LIMIT ?"
)


def _placeholders(count: int) -> str:
    return ",".join("?" * count)


class SQLiteTransaction(Transaction):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def allocate_ticket_ids(self, count: int) -> list[int]:
        (highest,) = self._db.execute("SELECT coalesce(max(id), 0) FROM tickets").fetchone()
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

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def migrate(self) -> None:
        apply_migrations("sqlite", self.url)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield SQLiteTransaction(self._db)
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

    def create_property(self, definition: PropertyDefinition) -> None:
        with self.transaction():
            try:
                self._db.execute(
                    "INSERT INTO custom_properties (name, definition) VALUES (?, ?)",
                    (definition.name, msgspec.json.encode(definition).decode()),
                )
            except sqlite3.IntegrityError:
                raise PropertyExists(definition.name) from None
            self._db.execute("UPDATE definitions_version SET version = version + 1")

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
