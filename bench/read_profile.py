"""Where a batch read's time goes: py-spy on a loaded worker, or cProfile in process.

``--mode http`` (default) starts ``spoke serve`` (one worker, pinned to CPU 1), loads it
with wrk (scenario A, pinned to CPU 0) and samples the worker with py-spy for the run.
It prints the share of samples by area (spoke/api, spoke/domain, spoke/store,
starlette, uvicorn, the event loop...), the functions with the most samples of their
own (the leaf frame: time in the function and the C calls it makes, such as a SQLite
query or orjson) and the functions with the most samples under them.

``--mode asgi`` calls the whole ASGI app (``create_app``: routing, token check,
handler, encode; no HTTP server or socket) in process, times it by CPU time, then runs
it again under cProfile and prints the top functions.

    .venv/bin/pip install py-spy                        # once (not a project dependency)
    .venv/bin/python bench/read_profile.py --tickets 1000000 --reuse
    .venv/bin/python bench/read_profile.py --mode asgi --tickets 1000000 --reuse
    .venv/bin/python bench/read_profile.py --scenario B --seconds 20 --save stacks.txt
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _harness import (
    BenchError,
    Server,
    SqliteDatabase,
    create_token,
    machine_info,
    parse_wrk,
    post_asgi,
    run_main,
    run_wrk,
    write_lua,
)
from sweep import PATH, bodies

#: (area, what a frame's file contains), first match wins; py-spy names files relative
#: to their package root, e.g. ``execute (spoke/store/sqlite.py:327)``.
AREAS = (
    ("spoke/api", "(spoke/api/"),
    ("spoke/domain", "(spoke/domain/"),
    ("spoke/store", "(spoke/store/"),
    ("starlette", "(starlette/"),
    ("uvicorn", "(uvicorn/"),
    ("asyncio / uvloop", "(asyncio/"),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("http", "asgi"), default="http")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--scenario", choices=("A", "B"), default="A")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", type=Path, help="keep py-spy's collapsed stacks here")
    return parser.parse_args()


def area_of(frame: str) -> str:
    for area, marker in AREAS:
        if marker in frame:
            return area
    return "other"


def function_of(frame: str) -> str:
    """``name (file:line)`` without the line: samples of one function together."""
    return re.sub(r":\d+\)$", ")", frame)


def summarise(stacks: Path, top: int) -> None:
    """Self and inclusive samples by function, and self samples by area."""
    own: collections.Counter[str] = collections.Counter()
    under: collections.Counter[str] = collections.Counter()
    areas: collections.Counter[str] = collections.Counter()
    total = 0
    for line in stacks.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        frames = [function_of(f) for f in stack.split(";")]
        total += samples
        own[frames[-1]] += samples
        areas[area_of(frames[-1])] += samples
        for frame in set(frames):
            under[frame] += samples
    if not total:
        raise BenchError("py-spy recorded no samples")
    print(f"\n{total} samples of the worker's Python stacks (busy or idle)\n")
    print("| area (leaf frame) | share |\n|---|---:|")
    for area, samples in areas.most_common():
        print(f"| {area} | {samples / total:.1%} |")
    # the frames every stack has (the command line, uvicorn.run...) say nothing
    under = collections.Counter({f: n for f, n in under.items() if n < 0.9 * total})
    for title, counter in (("own samples", own), ("samples under it", under)):
        print(f"\n| function ({title}) | share |\n|---|---:|")
        for frame, samples in counter.most_common(top):
            print(f"| `{frame}` | {samples / total:.1%} |")


def profile_http(args: argparse.Namespace, workdir: Path) -> None:
    if shutil.which("py-spy") is None and not Path(sys.executable).with_name("py-spy").exists():
        raise BenchError("py-spy is not installed: .venv/bin/pip install py-spy")
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    database = SqliteDatabase(None, args.tickets)
    database.prepare(args.tickets, args.reuse)
    ids = database.live_ticket_ids()
    token = create_token(database.url)
    batch = 100 if args.scenario == "A" else 50
    script = write_lua(bodies(args.scenario, batch, ids, 64, seed=1), token, PATH, workdir, "p")
    server = Server(database.url, 1, True, workdir / "server.log")
    try:
        server.wait_ready()
        run_wrk(server.base + PATH, script, threads=1, connections=16, seconds=3, pin=True)
        stacks = args.save or workdir / "stacks.txt"
        load: dict[str, Any] = {}

        def drive() -> None:
            load["output"] = run_wrk(
                server.base + PATH,
                script,
                threads=1,
                connections=16,
                seconds=args.seconds + 2,
                pin=True,
            )

        loader = threading.Thread(target=drive)
        loader.start()
        time.sleep(1)
        subprocess.run(
            [
                spy,
                "record",
                "--pid",
                str(server.process.pid),
                "--duration",
                str(args.seconds),
                "--rate",
                str(args.rate),
                "--nonblocking",
                "--format",
                "raw",
                "--output",
                str(stacks),
            ],
            check=True,
            capture_output=True,
            timeout=args.seconds + 60,
        )
        loader.join()
        figures = parse_wrk(load["output"])
        print(
            f"under py-spy: {figures['requests_per_s']:,.0f} req/s "
            f"(sampling costs the worker some throughput)"
        )
        summarise(stacks, args.top)
    finally:
        server.stop()


def profile_asgi(args: argparse.Namespace) -> None:
    from spoke.api.app import create_app  # noqa: PLC0415
    from spoke.domain.tokens import create_token as new_token  # noqa: PLC0415
    from spoke.store import open_store  # noqa: PLC0415

    database = SqliteDatabase(None, args.tickets)
    database.prepare(args.tickets, args.reuse)
    ids = database.live_ticket_ids()
    store = open_store(database.url)
    token, _ = new_token(store, ["tickets"])
    app = create_app(store)
    batch = 100 if args.scenario == "A" else 50
    sent = bodies(args.scenario, batch, ids, 64, seed=random.randrange(1000))

    async def call(body: bytes) -> None:
        status = await post_asgi(app, PATH, token, body)
        if status != 200:
            raise BenchError(f"the app answered {status}")

    async def calls(count: int) -> float:
        started = time.process_time()
        for i in range(count):
            await call(sent[i % len(sent)])
        return (time.process_time() - started) / count * 1e6

    loop = asyncio.new_event_loop()
    loop.run_until_complete(calls(200))  # warm up
    per_request = sorted(loop.run_until_complete(calls(500)) for _ in range(5))
    print(f"whole ASGI app, in process: {per_request[2]:,.0f} us CPU per request (median of 5)")
    profiler = cProfile.Profile()
    profiler.enable()
    loop.run_until_complete(calls(1000))
    profiler.disable()
    loop.close()
    store.close()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


def main() -> int:
    args = parse_args()
    info = machine_info()
    print(f"{info['date']}, {info['cpu']}, {info['nproc']} CPUs, Spoke {info['spoke']}")
    print(f"scenario {args.scenario}, {args.tickets:,} tickets, SQLite, mode {args.mode}")
    if args.mode == "asgi":
        profile_asgi(args)
        return 0
    with tempfile.TemporaryDirectory(prefix="spoke-profile-") as tmp:
        profile_http(args, Path(tmp))
    return 0


if __name__ == "__main__":
    run_main(main)
