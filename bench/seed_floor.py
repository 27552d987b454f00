"""What SQLite alone costs to write the rows of a ``spoke seed``: the floor under it.

Copies every row that ``spoke seed`` wrote into an existing SQLite database (seeded by
bench/batch_read.py, say) into a fresh, migrated one, with ``INSERT ... SELECT``: one
transaction, table by table, in the order of each table's key, with the pragmas Spoke's
store sets. No Python runs per row: this is SQLite's own work (B-trees, pages, the WAL)
for the same bytes. It then times the checkpoint that moves the WAL into the database
file (what ``spoke seed`` leaves to the end, when the store closes). A seed cannot be
faster than this on the same machine, whatever its Python does.

    .venv/bin/python bench/seed_floor.py bench/.data/tickets-1000000-*.db
    .venv/bin/python bench/seed_floor.py SEEDED.db --cache-mb 64,3000 --rounds 2
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from _harness import REPO, child_env, spoke_command  # bench/_harness.py, beside this script

#: The tables a seed fills, in the order it fills them.
TABLES = ("objects", "object_writes", "search_text", "search_numbers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="a database seeded by `spoke seed`")
    parser.add_argument("--cache-mb", default="64", help="page cache sizes to try, in MB")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    source = args.database.resolve()
    with sqlite3.connect(source) as db:
        (tickets,) = db.execute("SELECT count(*) FROM objects").fetchone()
    print(f"{source.name}: {tickets:,} records, {source.stat().st_size / 1e9:.2f} GB")
    for round_number in range(1, args.rounds + 1):
        for cache_mb in map(int, args.cache_mb.split(",")):
            with tempfile.TemporaryDirectory(dir=source.parent) as folder:
                target = Path(folder) / "floor.db"
                _migrate(target)
                seconds = _copy(source, target, cache_mb)
            copy = sum(seconds[table] for table in (*TABLES, "commit"))
            parts = ", ".join(f"{name} {value:.1f}" for name, value in seconds.items())
            print(
                f"round {round_number}, cache {cache_mb} MB: copy {copy:.1f} s "
                f"({tickets / copy:,.0f} records/s), then checkpoint "
                f"{seconds['checkpoint']:.1f} s  [{parts}]",
                flush=True,
            )


def _migrate(target: Path) -> None:
    """Create the schema with Spoke's own migrations, as ``spoke seed`` would."""
    command = spoke_command("migrate", "--database", f"sqlite:///{target}")
    subprocess.run(command, check=True, capture_output=True, cwd=REPO, env=child_env())


def _copy(source: Path, target: Path, cache_mb: int) -> dict[str, float]:
    """Seconds per table, for the commit and for the checkpoint after it."""
    db = sqlite3.connect(target, isolation_level=None)
    for pragma in (
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
        f"PRAGMA cache_size = -{cache_mb * 1024}",
        "PRAGMA mmap_size = 2147418112",
        "PRAGMA wal_autocheckpoint = 0",
    ):
        db.execute(pragma)
    db.execute("ATTACH ? AS seeded", (str(source),))
    for table in TABLES:  # read once, so that the copy reads from the page cache
        db.execute(f"SELECT count(*) FROM seeded.{table}").fetchone()
    seconds: dict[str, float] = {}
    db.execute("BEGIN IMMEDIATE")
    for table in TABLES:
        started = time.perf_counter()
        db.execute(f"INSERT INTO main.{table} SELECT * FROM seeded.{table}")
        seconds[table] = time.perf_counter() - started
    started = time.perf_counter()
    db.execute("COMMIT")
    seconds["commit"] = time.perf_counter() - started
    db.execute("DETACH seeded")
    started = time.perf_counter()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    seconds["checkpoint"] = time.perf_counter() - started
    db.close()
    return seconds


if __name__ == "__main__":
    main()
