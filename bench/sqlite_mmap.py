"""How SQLite's ``mmap_size`` changes a 100-ticket read on a database larger than it.

Opens an existing SQLite database (seeded by bench/batch_read.py or bench/search.py) and
times ``SQLiteStore.read_objects`` of 100 random ticket ids, in process, with each mapping size
given, alternating them for several rounds. A 1,000,000-ticket database with its search
index is about 1.7 GB: past 1 GiB, pages are copied through SQLite's page cache.

    .venv/bin/python bench/sqlite_mmap.py bench/.data/tickets-1000000-*.db
    .venv/bin/python bench/sqlite_mmap.py DB --sizes 1073741824,2147418112 --rounds 3
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from pathlib import Path

from spoke.store.sqlite import SQLiteStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--sizes", default="1073741824,2147418112", help="mmap_size values")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reads", type=int, default=3000, help="measured reads per size")
    args = parser.parse_args()

    with sqlite3.connect(args.database) as db:
        (highest,) = db.execute("SELECT max(id) FROM objects").fetchone()
    random.seed(1)
    bodies = [random.sample(range(1, highest + 1), 100) for _ in range(args.reads)]
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"{args.database} ({args.database.stat().st_size / 1e9:.2f} GB), 100 ids a read")
    for round_number in range(1, args.rounds + 1):
        for size in sizes:
            store = SQLiteStore(args.database)
            store._db.execute(f"PRAGMA mmap_size = {size}")
            for ids in bodies[:500]:  # warm up
                store.read_objects("0-5", ids)
            started = time.perf_counter()
            for ids in bodies:
                store.read_objects("0-5", ids)
            per_read = (time.perf_counter() - started) / len(bodies) * 1e6
            store.close()
            print(f"round {round_number}: mmap_size {size >> 20} MiB: {per_read:.0f} µs a read")


if __name__ == "__main__":
    main()
