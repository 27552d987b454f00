"""Where a 100-ticket batch create's time goes, in process: the whole ASGI app
(``create_app``: routing, token check, handler, encode; no HTTP server or socket) called
with the bodies ``bench/writes.py --batch`` sends, on a copy of a seeded SQLite file.

It prints the CPU time a ticket costs for the whole request and the time a ticket holds
SQLite's write lock (from ``BEGIN IMMEDIATE`` to the end of ``COMMIT``: on SQLite, one
writer at a time, that time sets the rate), then runs the requests again under cProfile
and prints the top functions.

    .venv/bin/python bench/create_profile.py --tickets 60000
    .venv/bin/python bench/create_profile.py --tickets 60000 --rounds 5 --requests 200 --top 0
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _harness import BenchError, SqliteDatabase, machine_info, post_asgi, run_main
from writes import BATCH_CREATE, batch_body


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=60_000, help="tickets seeded first")
    parser.add_argument("--batch", type=int, default=100, help="tickets per request")
    parser.add_argument("--requests", type=int, default=100, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (median printed)")
    parser.add_argument("--top", type=int, default=30, help="cProfile rows (0: no profile)")
    return parser.parse_args()


def time_write_lock(store: Any) -> list[float]:
    """Wrap the store's transactions to add up the seconds they take (from ``BEGIN
    IMMEDIATE`` to the end of ``COMMIT``) in the list returned: wall time, then the CPU
    time of the thread (on a busy machine the wall time includes waiting for a CPU)."""
    locked = [0.0, 0.0]
    transaction = store.transaction

    @contextmanager
    def timed_transaction() -> Iterator[Any]:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            with transaction() as tx:
                yield tx
        finally:
            locked[0] += time.perf_counter() - started
            locked[1] += time.thread_time() - cpu

    store.transaction = timed_transaction
    return locked


def profile(args: argparse.Namespace, path: Path) -> None:
    from spoke.api.app import create_app  # noqa: PLC0415
    from spoke.domain.tokens import create_token as new_token  # noqa: PLC0415
    from spoke.store import open_store  # noqa: PLC0415

    store = open_store(f"sqlite:///{path}")
    locked = time_write_lock(store)
    token, _ = new_token(store, ["tickets"])
    app = create_app(store)
    sent = [batch_body(args.batch, v) for v in range(8)]

    async def calls(count: int) -> tuple[float, float, float]:
        """µs a ticket: CPU for the whole request, wall and CPU time in the write lock."""
        locked[:] = [0.0, 0.0]
        started = time.process_time()
        for i in range(count):
            status = await post_asgi(app, BATCH_CREATE, token, sent[i % len(sent)])
            if status != 201:
                raise BenchError(f"the app answered {status}")
        per_ticket = 1e6 / (count * args.batch)
        cpu = time.process_time() - started
        return cpu * per_ticket, locked[0] * per_ticket, locked[1] * per_ticket

    loop = asyncio.new_event_loop()
    loop.run_until_complete(calls(20))  # warm up
    rounds = [loop.run_until_complete(calls(args.requests)) for _ in range(args.rounds)]
    for label, figures in (
        ("whole request, CPU", [r[0] for r in rounds]),
        ("write lock held, wall", [r[1] for r in rounds]),
        ("write lock held, CPU", [r[2] for r in rounds]),
    ):
        listed = ", ".join(f"{f:.1f}" for f in figures)
        print(f"{label}: {statistics.median(figures):.1f} us a ticket (rounds: {listed})")
    if args.top:
        profiler = cProfile.Profile()
        profiler.enable()
        loop.run_until_complete(calls(args.requests))
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
    loop.close()
    store.close()


def main() -> int:
    args = parse_args()
    info = machine_info()
    print(f"{info['date']}, {info['cpu']}, {info['nproc']} CPUs, Spoke {info['spoke']}")
    seeded = SqliteDatabase(None, args.tickets)
    seeded.prepare(args.tickets, reuse=True)
    print(f"{args.tickets:,} tickets seeded, {args.batch} tickets a request, SQLite")
    with tempfile.TemporaryDirectory(prefix="spoke-create-profile-") as tmp:
        path = Path(tmp) / "creates.db"
        shutil.copyfile(seeded.path, path)
        profile(args, path)
    return 0


if __name__ == "__main__":
    run_main(main)
