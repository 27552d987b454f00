"""Writers of one SQLite database take turns through its lock file
(spoke/store/sqlite_writers.py): a write waits for the turn another worker holds, starts
once it is given back, gives up as SQLite would when it is held too long, and gives its
own turn back however its transaction ends.

Another worker is played by a file descriptor of this process opened on the same lock
file: ``flock`` locks belong to open files, so it conflicts with the store's as another
process's would.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.domain.writes import ObjectWriter, WriteSource
from spoke.store import open_store
from spoke.store.search import Comparison, Condition
from spoke.store.sqlite import SQLiteStore

TICKET = {"subject": "one", "hs_pipeline_stage": "1"}
SOURCE = WriteSource("API", None)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "spoke.db"


@pytest.fixture
def store(database: Path) -> Iterator[SQLiteStore]:
    store = open_store(f"sqlite:///{database}")
    assert isinstance(store, SQLiteStore)
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def other_worker(database: Path, store: SQLiteStore) -> Iterator[int]:
    """The lock file, opened as another worker would open it."""
    fd = os.open(f"{database}-writer", os.O_RDWR)
    yield fd
    os.close(fd)


def create_one(store: SQLiteStore) -> None:
    writer = ObjectWriter(store, Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES)))
    writer.create(TICKETS, [TICKET], SOURCE)


def turn_is_free(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True


def test_a_write_waits_for_the_turn_another_worker_holds(
    store: SQLiteStore, other_worker: int
) -> None:
    fcntl.flock(other_worker, fcntl.LOCK_EX)
    asking = threading.Event()
    given_back = threading.Event()

    def give_back_later() -> None:
        asking.wait()
        time.sleep(0.2)  # a write that did not wait would be in its transaction by now
        given_back.set()
        fcntl.flock(other_worker, fcntl.LOCK_UN)

    helper = threading.Thread(target=give_back_later)
    helper.start()
    asking.set()
    with store.transaction():
        assert given_back.is_set()  # the write began only once the turn was given back
        assert not turn_is_free(other_worker)  # and holds it now
    helper.join()
    assert turn_is_free(other_worker)


def kept_counts(store: SQLiteStore) -> list[tuple[str, str, int]]:
    return store._db.execute("SELECT property, value, n FROM search_counts").fetchall()


def test_a_write_gives_up_as_sqlite_does_when_the_turn_is_held_too_long(
    store: SQLiteStore, other_worker: int
) -> None:
    create_one(store)
    pipeline = Condition(("hs_pipeline",), Comparison.EQ, ("0",))
    fcntl.flock(other_worker, fcntl.LOCK_EX)
    # Keeping a search count waits 200 ms for writers, then does without.
    store.keep_search_count(TICKETS.type_id, pipeline)
    assert kept_counts(store) == []
    fcntl.flock(other_worker, fcntl.LOCK_UN)
    store.keep_search_count(TICKETS.type_id, pipeline)
    assert kept_counts(store) == [("hs_pipeline", "0", 1)]


def test_a_write_that_fails_gives_its_turn_back(store: SQLiteStore, other_worker: int) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        assert not turn_is_free(other_worker)  # held by the store meanwhile
        raise RuntimeError("the write fails")
    assert turn_is_free(other_worker)
    create_one(store)  # and the store writes again
    assert turn_is_free(other_worker)


def test_a_turn_held_past_the_wait_raises_sqlites_busy_error(
    store: SQLiteStore, other_worker: int
) -> None:
    fcntl.flock(other_worker, fcntl.LOCK_EX)
    with pytest.raises(sqlite3.OperationalError) as busy, store._write(50):
        pass
    assert busy.value.sqlite_errorcode == sqlite3.SQLITE_BUSY
    assert not store._db.in_transaction


def test_a_database_in_memory_has_no_lock_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///:memory:")
    try:
        with store.transaction():
            pass
    finally:
        store.close()
    assert list(tmp_path.iterdir()) == []
