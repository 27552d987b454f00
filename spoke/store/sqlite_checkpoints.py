"""Checkpoints of SQLite's write-ahead log on a thread of their own, off the write path.

In WAL mode SQLite copies the log back into the database file (a checkpoint) when a
commit leaves the log above 1,000 pages, in the committing connection: that commit then
also waits for the copy and its two fsyncs, and the worker serves nothing meanwhile.
Here the store's own connection never checkpoints (``wal_autocheckpoint = 0``); a thread
of the store does, on a connection of its own, whenever another connection has committed
since it last looked (``PRAGMA data_version``), at most every :data:`INTERVAL_S`. The
checkpoint is PASSIVE: it copies what no reader still needs and never waits for readers
or writers, as SQLite's own automatic checkpoints do. sqlite3 lets go of the GIL while
SQLite works, so the thread does not hold up the event loop.

Under continuous writes a PASSIVE checkpoint never catches up: another commit lands
while it copies, and SQLite starts the log again from its beginning only when a writer
finds it all copied. The log then grows without bound (600 MB after 62,000 tickets
created in process), and commits and reads get slower as it grows (new file pages to
write, longer log indexes to search). So once the log holds more than
:data:`RESTART_FRAMES` frames, the thread follows the PASSIVE checkpoint with a RESTART
one, which takes the write lock to copy the few frames committed meanwhile and then
needs every reader out of the log, so that the next commit writes the log from its
beginning again. It waits for neither (no busy timeout): when a writer holds the lock
or a reader is in the log, it gives up at once and the thread tries again next time.
Waiting would hold up every writer behind it for as long as the longest read.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from spoke.store.sqlite_writers import WriterTurns

#: How often the thread looks for commits to checkpoint.
INTERVAL_S = 0.1

#: Log frames (pages) past which the thread also restarts the log (see the docstring).
RESTART_FRAMES = 4000


class Checkpointer:
    """The checkpoint thread of one store; :meth:`close` stops it."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="spoke-checkpoints", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        turns = WriterTurns(self._path)  # a lock of its own: writers of this process wait
        try:
            db.execute("PRAGMA busy_timeout = 0")
            seen = None
            while not self._stop.wait(INTERVAL_S):
                try:
                    (version,) = db.execute("PRAGMA data_version").fetchone()
                    if version != seen:
                        _checkpoint(db, turns)
                        seen = version
                except sqlite3.OperationalError:
                    pass  # locked (a migration, another checkpoint): try again next time
        finally:
            db.close()
            turns.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _checkpoint(db: sqlite3.Connection, turns: WriterTurns) -> None:
    """Copy what no reader needs; restart a long log if no one is in the way (the
    restart takes the write lock: it takes the writers' turn first, so that no writer
    meets it in SQLite's busy handler, sqlite_writers.py)."""
    _, frames, _ = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    if frames > RESTART_FRAMES:
        with turns.turn_if_free() as free:
            if free:
                db.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
