"""The writers of one SQLite database (Spoke's processes: the server's workers, the
command line) queue for its write lock on a lock file beside it, so that the lock passes
from one to the next as soon as it is let go.

SQLite's own wait for its write lock (the busy timeout) sleeps between tries, 1, 2, 5,
10, 15, 20, 25 ms and on, up to 100 ms: while one worker writes request after request,
another finds the lock taken at each try and sleeps again, and the lock sits unused
while the first parses and answers between its writes. Here a writer first takes an
exclusive ``flock`` on ``<database>-writers``, trying again after sleeps of 50 µs
doubling up to 1 ms, then ``BEGIN IMMEDIATE``, which then seldom waits (only for
SQLite's own users of the lock, such as the checkpoint thread's restarts). After as
long as its busy timeout without the file lock it goes on to ``BEGIN IMMEDIATE``
anyway, which waits for the lock as before: a writer that holds the lock longer than
that (a bulk load) is waited for up to twice the busy timeout, not once.

``flock`` locks are apart from the POSIX locks SQLite takes on the database file, and
the lock file is never the database's own file (closing any descriptor of that file
would drop SQLite's locks).
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

#: The first and the longest sleep between two tries.
_FIRST_SLEEP_S = 0.000_05
_LONGEST_SLEEP_S = 0.001


class WriterQueue:
    """The lock file of one database, for one connection's write transactions."""

    def __init__(self, database: Path) -> None:
        self._fd = os.open(f"{database}-writers", os.O_RDWR | os.O_CREAT, 0o644)

    def take(self, wait_s: float) -> bool:
        """Take the lock; False if ``wait_s`` passed first (then it is not held)."""
        sleep = _FIRST_SLEEP_S
        deadline = None
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                now = time.monotonic()
                if deadline is None:
                    deadline = now + wait_s
                elif now > deadline:
                    return False
                time.sleep(sleep)
                sleep = min(sleep * 2, _LONGEST_SLEEP_S)
            else:
                return True

    def let_go(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        os.close(self._fd)
