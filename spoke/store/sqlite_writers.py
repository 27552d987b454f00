"""Writers of one SQLite database take turns through a lock file, so that a worker
waiting to write starts as soon as the lock is free.

SQLite runs one writer at a time. A connection that finds the write lock taken sleeps in
SQLite's busy handler and tries again after 1, 2, 5, 10, 15, 20 ms and so on, so it
misses the moment the lock is let go: with two workers each creating batches of 100
tickets (about 5 ms inside the lock), the worker that just committed came back for the
lock while the other slept, and two workers created no more than one (docs/benchmarks.md,
"Batch creates across workers").

So each write first takes an exclusive ``flock`` on ``<database>-writer``, a file beside
the database, and only then ``BEGIN IMMEDIATE``; a worker that finds it taken tries again
every :data:`POLL_S`. The kernel lets go of the lock when its holder's process
ends, however it ends. Writers that do not take it (the SQLite shell, migrations) still
meet SQLite's own lock and its busy handler, as before. Where the file cannot be opened
(a read-only directory), and for a database in memory, writes go without it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

#: The pause between two tries for a writer lock another worker holds.
POLL_S = 0.0005


class WriterTurns:
    """The lock file of one database, for one connection's writes."""

    def __init__(self, database: Path) -> None:
        self._fd: int | None = None
        if str(database) == ":memory:":  # no other connection can write to it
            return
        with suppress(OSError):
            self._fd = os.open(f"{database}-writer", os.O_RDWR | os.O_CREAT, 0o644)

    @contextmanager
    def turn(self, wait_s: float) -> Iterator[None]:
        """Hold the lock for the block, waiting for it up to ``wait_s`` seconds; past
        that, raise what SQLite raises when its write lock stays taken."""
        if self._fd is not None and not _try_lock(self._fd):
            _wait_for_lock(self._fd, wait_s)
        with self._held():
            yield

    @contextmanager
    def turn_if_free(self) -> Iterator[bool]:
        """Hold the lock for the block if no one holds it now; say whether it is held."""
        if self._fd is not None and not _try_lock(self._fd):
            yield False
            return
        with self._held():
            yield True

    @contextmanager
    def _held(self) -> Iterator[None]:
        """Give the lock back when the block ends, however it ends."""
        try:
            yield
        finally:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait_for_lock(fd: int, wait_s: float) -> None:
    deadline = time.monotonic() + wait_s
    while True:
        time.sleep(POLL_S)
        if _try_lock(fd):
            return
        if time.monotonic() >= deadline:
            busy = sqlite3.OperationalError("database is locked")
            busy.sqlite_errorcode = sqlite3.SQLITE_BUSY
            busy.sqlite_errorname = "SQLITE_BUSY"
            raise busy
