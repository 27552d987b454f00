"""SQLite's write-ahead log is checkpointed by the store's own thread, not in commits
(spoke/store/sqlite_checkpoints.py): committed rows reach the database file itself
soon after the commit, without any further write."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.domain.writes import ObjectWriter, WriteSource
from spoke.store import open_store


def tickets_in_file_alone(database: Path, copy: Path) -> int:
    """Tickets in the database file without its log (as a copy of the file alone); 0
    while not even the migrations have reached the file."""
    shutil.copyfile(database, copy)
    with sqlite3.connect(copy) as db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'objects'").fetchone() is None:
            return 0
        return int(db.execute("SELECT count(*) FROM objects").fetchone()[0])


def test_commits_reach_the_database_file_through_the_checkpoint_thread(tmp_path: Path) -> None:
    database = tmp_path / "spoke.db"
    store = open_store(f"sqlite:///{database}")
    try:
        store.migrate()
        writer = ObjectWriter(store, Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES)))
        tickets = [{"subject": "one", "hs_pipeline_stage": "1"}] * 3
        writer.create(TICKETS, tickets, WriteSource("API", None))
        deadline = time.monotonic() + 5
        while tickets_in_file_alone(database, tmp_path / "copy.db") != 3:
            assert time.monotonic() < deadline, "the commit was not checkpointed"
            time.sleep(0.05)
    finally:
        store.close()
