"""What one batch read costs the store: a 100-id ticket query on SQLite and on PostgreSQL.

Seeds the same demo tickets into a SQLite file and a fresh PostgreSQL database, then times,
per call (median of many):

- ``SELECT 1``: the bare round trip;
- the 100-id query alone (SQLite ``IN (?, ...)``, PostgreSQL ``= ANY(%s)``, prepared);
- ``Store.read_objects`` of 100 ticket ids (the query plus one ``orjson.loads`` per ticket);
- ``Store.read_objects_in_force`` of 100 ids (the batch read's statement), and on
  PostgreSQL the CPU it costs the calling process and the database backend, each per
  call, from ``/proc`` (the mean of 5,000 calls);
- the same values kept as ``jsonb`` instead of ``text``: fetched as Python objects by
  psycopg's own loader, and cast back to text for ``orjson.loads``;
- with asyncpg instead of psycopg, if it is installed (it is not a Spoke dependency).

    .venv/bin/python bench/store_roundtrip.py [--tickets 20000] [--postgres URL]

``--postgres`` names a maintenance database used to create and drop ``spoke_bench_*``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from itertools import cycle
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import orjson
import psycopg
from psycopg import sql

from spoke.domain.bulk_import import import_objects
from spoke.domain.catalogue import Catalogue
from spoke.domain.demo import demo_tickets
from spoke.domain.object_types import ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.domain.writes import WriteSource
from spoke.store import Store, open_store
from spoke.store.postgres import PostgresStore, connect

QUERY_SQLITE = (
    "SELECT id, property_values, archived_at, version FROM objects "
    "WHERE id IN ({}) AND object_type = '0-5'"
)
QUERY_PG = (
    "SELECT id, property_values, archived_at, version FROM objects "
    "WHERE id = ANY(%b) AND object_type = '0-5'"
)


def per_call_us(work: Callable[[], object], seconds: float = 1.0) -> float:
    """Median microseconds per call of ``work``, over batches of calls for ``seconds``."""
    for _ in range(50):
        work()
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        for _ in range(20):
            work()
        samples.append((time.perf_counter() - started) / 20 * 1e6)
    return statistics.median(samples)


def cpu_per_call_us(
    work: Callable[[], object], backend_pid: int, calls: int = 5000
) -> tuple[float, float]:
    """Mean CPU microseconds per call of ``work``: this process's, and the backend's."""
    for _ in range(200):
        work()
    process, backend = time.process_time(), backend_cpu_s(backend_pid)
    for _ in range(calls):
        work()
    return (
        (time.process_time() - process) / calls * 1e6,
        (backend_cpu_s(backend_pid) - backend) / calls * 1e6,
    )


def backend_cpu_s(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` (a PostgreSQL backend)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def seed(store: Store, count: int) -> None:
    store.migrate()
    catalogue = Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES))
    import_objects(catalogue, TICKETS, demo_tickets(count, 5), WriteSource.integration(1000000))


def measure_sqlite(path: Path, count: int, id_sets: list[list[int]]) -> dict[str, float]:
    store = open_store(f"sqlite:///{path}")
    seed(store, count)
    db = sqlite3.connect(path, isolation_level=None, cached_statements=512)
    query = QUERY_SQLITE.format(",".join("?" * 100))
    pick = cycle(id_sets)
    results = {
        "SELECT 1": per_call_us(lambda: db.execute("SELECT 1").fetchall()),
        "100-id query": per_call_us(lambda: db.execute(query, next(pick)).fetchall()),
        "read_objects(100)": per_call_us(lambda: store.read_objects(TICKETS.type_id, next(pick))),
        "read_objects_in_force(100)": per_call_us(
            lambda: store.read_objects_in_force(TICKETS.type_id, next(pick))
        ),
    }
    db.close()
    store.close()
    return results


def measure_postgres(url: str, count: int, id_sets: list[list[int]]) -> dict[str, float]:
    store = open_store(url)
    seed(store, count)
    db = connect(url)  # configured as the store's own connection
    db.execute("CREATE TABLE tickets_jsonb AS SELECT id, property_values::jsonb AS v FROM objects")
    db.execute("ALTER TABLE tickets_jsonb ADD PRIMARY KEY (id)")
    db.execute("VACUUM ANALYZE")
    pick = cycle(id_sets)
    loads = orjson.loads

    def jsonb_as_text() -> list[Any]:
        rows = db.execute(
            "SELECT id, v::text FROM tickets_jsonb WHERE id = ANY(%b)", (next(pick),)
        ).fetchall()
        return [loads(row[1]) for row in rows]

    results = {
        "SELECT 1": per_call_us(lambda: db.execute("SELECT 1").fetchall()),
        "100-id query": per_call_us(lambda: db.execute(QUERY_PG, (next(pick),)).fetchall()),
        "read_objects(100)": per_call_us(lambda: store.read_objects(TICKETS.type_id, next(pick))),
        "jsonb, psycopg's loader": per_call_us(
            lambda: db.execute(
                "SELECT id, v FROM tickets_jsonb WHERE id = ANY(%b)", (next(pick),)
            ).fetchall()
        ),
        "jsonb::text + orjson": per_call_us(jsonb_as_text),
        "read_objects_in_force(100)": per_call_us(
            lambda: store.read_objects_in_force(TICKETS.type_id, next(pick))
        ),
    }
    assert isinstance(store, PostgresStore)
    backend = store._db.info.backend_pid  # the store's own connection's backend
    worker_cpu, backend_cpu = cpu_per_call_us(
        lambda: store.read_objects_in_force(TICKETS.type_id, next(pick)), backend
    )
    results["  its CPU here (mean)"] = worker_cpu
    results["  its CPU in the backend (mean)"] = backend_cpu
    db.close()
    store.close()
    return results


def measure_asyncpg(url: str, id_sets: list[list[int]]) -> dict[str, float]:
    try:
        import asyncpg  # type: ignore[import-not-found]  # noqa: PLC0415
    except ImportError:
        return {}

    async def run() -> dict[str, float]:
        connection = await asyncpg.connect(url)
        statement = await connection.prepare(QUERY_PG.replace("%b", "$1::bigint[]"))
        pick = cycle(id_sets)
        loads = orjson.loads

        async def timed(rounds: int = 2000) -> float:
            started = time.perf_counter()
            for _ in range(rounds):
                rows = await statement.fetch(next(pick))
                [loads(row[1]) for row in rows]
            return (time.perf_counter() - started) / rounds * 1e6

        await timed(200)
        result = statistics.median([await timed() for _ in range(5)])
        await connection.close()
        return {"read_objects(100) equivalent": result}

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    rng = random.Random(7)
    id_sets = [rng.sample(range(1, args.tickets + 1), 100) for _ in range(64)]

    with tempfile.TemporaryDirectory() as directory:
        sqlite_results = measure_sqlite(Path(directory) / "bench.db", args.tickets, id_sets)
    admin = psycopg.connect(args.postgres, autocommit=True)
    name = f"spoke_bench_{secrets.token_hex(4)}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = urlparse(args.postgres)._replace(path=f"/{name}").geturl()
    try:
        pg_results = measure_postgres(url, args.tickets, id_sets)
        asyncpg_results = measure_asyncpg(url, id_sets)
    finally:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()

    print(f"{args.tickets} demo tickets; microseconds per call (median)")
    for label, results in (
        ("SQLite (sqlite3)", sqlite_results),
        ("PostgreSQL (psycopg 3, sync)", pg_results),
        ("PostgreSQL (asyncpg)", asyncpg_results),
    ):
        for what, value in results.items():
            print(f"  {label:30} {what:32} {value:8.1f}")


if __name__ == "__main__":
    main()
