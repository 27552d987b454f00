"""Benchmark of POST /crm/v3/objects/tickets/batch/read, over HTTP and in process.

Seeds a database (SQLite, PostgreSQL, or both) with demo tickets through the Spoke CLI,
starts ``spoke serve`` on a free port of 127.0.0.1 for each, drives it with wrk (a Lua
script cycling pre-generated request bodies), then times the same bodies in process
(decode -> domain -> encode, what the handler does minus HTTP). With both backends the
servers run side by side and their measured runs alternate, round after round. Prints
one table with machine information.

Run from the repository root::

    .venv/bin/python bench/batch_read.py                      # 1,000,000 tickets, 10 s runs
    .venv/bin/python bench/batch_read.py --tickets 20000 --duration 3
    .venv/bin/python bench/batch_read.py --reuse              # keep and reuse the seeded file
    .venv/bin/python bench/batch_read.py --reuse --workers 2 --backend sqlite,postgres

See bench/README.md for what is measured and how; the shared machinery (databases, server,
wrk, /proc) is in bench/_harness.py.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from _harness import (  # bench/_harness.py, beside this script
    DEFAULT_POSTGRES_URL,
    SERVER_CPU,
    BenchError,
    Database,
    PostgresDatabase,
    SeedFigures,
    Server,
    SqliteDatabase,
    children_cpu_seconds,
    cli_help,
    cpu_seconds,
    create_token,
    group_pids,
    group_rss_mb,
    machine_cpu,
    machine_info,
    parse_wrk,
    pinned_to,
    run_wrk,
    wait_until_idle,
    write_lua,
)

PATH = "/crm/v3/objects/tickets/batch/read"
BACKENDS = ("sqlite", "postgres")
POSTGRES_URL_VARIABLE = "SPOKE_BENCH_POSTGRES_URL"
#: A run during which other processes used more than this share of all CPUs is disturbed.
DISTURBED_SHARE = 0.05


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    ids_per_request: int
    properties: tuple[str, ...]
    properties_with_history: tuple[str, ...]


SCENARIOS = (
    Scenario(
        "A",
        "100 ids, 6 properties",
        100,
        (
            "subject",
            "content",
            "hs_pipeline",
            "hs_pipeline_stage",
            "hs_ticket_priority",
            "hs_ticket_category",
        ),
        (),
    ),
    Scenario(
        "B",
        "50 ids, 1 property + 2 with history",
        50,
        ("subject",),
        ("hs_pipeline_stage", "subject"),
    ),
)


@dataclass
class RunResult:
    requests_per_s: float
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    server_cpu_s: float
    server_cpu_us_per_req: float
    db_cpu_s: float
    """CPU of the database server's processes serving the server (PostgreSQL backends)."""
    db_cpu_us_per_req: float
    db_round_trips_per_req: float | None
    """Messages the database received per request (PostgreSQL over TCP)."""
    wrk_cpu_s: float
    other_cpu_s: float
    steal_s: float
    rss_mb: float
    rss_anon_mb: float
    server_cpu_by_process: list[float]
    balanced: bool = True
    """False when one worker did (nearly) all the work: see :func:`balanced`."""
    quiet: bool = True
    """False when other processes used more than ``DISTURBED_SHARE`` of the machine."""
    round: int = 0


@dataclass
class ScenarioResult:
    key: str
    title: str
    backend: str
    ids_per_request: int
    response_kb: float
    statuses: dict[str, int]
    runs: list[RunResult] = field(default_factory=list)
    inprocess_us: float | None = None
    inprocess_matches_http: bool | None = None
    sample: bytes = field(default=b"", repr=False)

    @property
    def measured(self) -> list[RunResult]:
        """The runs that count: the balanced, quiet ones if there are any, else the
        balanced ones, else all."""
        return (
            [r for r in self.runs if r.balanced and r.quiet]
            or [r for r in self.runs if r.balanced]
            or self.runs
        )

    @property
    def median(self) -> RunResult:
        ordered = sorted(self.measured, key=lambda r: r.requests_per_s)
        return ordered[(len(ordered) - 1) // 2]


@dataclass
class Target:
    """One backend under test: its database, token, bodies and (while measuring) server."""

    database: Database
    token: str
    bodies: dict[str, list[bytes]]
    seed: SeedFigures | None
    server: Server | None = None
    db_pids: list[int] = field(default_factory=list)
    db_ports: list[int] = field(default_factory=list)

    @property
    def backend(self) -> str:
        return self.database.backend


# -- command line -------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark Spoke's tickets batch read (HTTP with wrk, and in process)."
    )
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets to seed")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measured run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk warm-up")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--rounds", type=int, default=1, help="measured runs per scenario")
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="times a run is repeated when other processes disturbed it, or (with several "
        "workers) one worker took every connection",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=90.0,
        help="seconds to wait at most for an idle machine before each run",
    )
    parser.add_argument(
        "--backend",
        default="sqlite",
        help="comma-separated backends to measure: sqlite, postgres, or both "
        "(their runs alternate)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        help="SQLite file to seed/use (default: bench/.data/tickets-N-SCHEMA.db)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(POSTGRES_URL_VARIABLE) or DEFAULT_POSTGRES_URL,
        help=f"PostgreSQL database to seed/use (default: ${POSTGRES_URL_VARIABLE} or "
        f"{DEFAULT_POSTGRES_URL}); created if missing",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip seeding when the database already holds exactly N tickets",
    )
    parser.add_argument(
        "--scenarios", default="A,B", help="comma-separated scenarios to run (A, B)"
    )
    parser.add_argument("--bodies", type=int, default=64, help="request bodies per scenario")
    parser.add_argument(
        "--inprocess-seconds", type=float, default=2.0, help="in-process time per scenario"
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin with taskset")
    parser.add_argument("--random-seed", type=int, default=20261128)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    args.scenarios = [k.strip().upper() for k in args.scenarios.split(",") if k.strip()]
    known = {s.key for s in SCENARIOS}
    if not args.scenarios or not set(args.scenarios) <= known:
        parser.error(f"--scenarios takes a comma-separated subset of {', '.join(sorted(known))}")
    args.backend = list(dict.fromkeys(b.strip().lower() for b in args.backend.split(",")))
    if not args.backend or not set(args.backend) <= set(BACKENDS):
        parser.error(f"--backend takes a comma-separated subset of {', '.join(BACKENDS)}")
    if args.tickets < 100:
        parser.error("--tickets must be at least 100")
    if min(args.duration, args.connections, args.threads, args.workers, args.rounds) < 1:
        parser.error("--duration, --connections, --threads, --workers, --rounds must be >= 1")
    return args


def open_database(args: argparse.Namespace, backend: str) -> Database:
    if backend == "postgres":
        return PostgresDatabase(args.postgres)
    return SqliteDatabase(args.database, args.tickets)


# -- request bodies -------------------------------------------------------------------


def make_bodies(
    scenario: Scenario, ids: Sequence[int], count: int, rng: random.Random
) -> list[bytes]:
    bodies = []
    for _ in range(count):
        chosen = rng.sample(ids, scenario.ids_per_request)
        body = {
            "inputs": [{"id": str(i)} for i in chosen],
            "properties": list(scenario.properties),
            "propertiesWithHistory": list(scenario.properties_with_history),
        }
        bodies.append(json.dumps(body, separators=(",", ":")).encode())
    return bodies


def prepare_target(args: argparse.Namespace, backend: str) -> Target:
    """Seed (or reuse) the backend's database, create a token, and build the bodies from
    its live ids (the same seed and ids give the same bodies on every backend)."""
    database = open_database(args, backend)
    seed = database.prepare(args.tickets, args.reuse)
    ids = database.live_ticket_ids()
    if len(ids) < max(s.ids_per_request for s in SCENARIOS):
        raise BenchError(f"only {len(ids)} tickets are not archived; seed more")
    print(
        f"{backend}: {len(ids):,} of {args.tickets:,} tickets are not archived; requests use those"
    )
    token = create_token(database.url)
    rng = random.Random(args.random_seed)
    bodies = {s.key: make_bodies(s, ids, args.bodies, rng) for s in SCENARIOS}
    return Target(database, token, bodies, seed)


def post(base_port: int, token: str, body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", base_port, timeout=30)
    try:
        connection.request(
            "POST",
            PATH,
            body=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def check_responses(
    server: Server, token: str, scenario: Scenario, bodies: Sequence[bytes]
) -> tuple[float, dict[str, int], bytes]:
    """Every body must answer 200 with one result per id; returns size, statuses, a sample."""
    statuses: dict[str, int] = {}
    sizes = []
    sample = b""
    for index, body in enumerate(bodies):
        status, payload = post(server.port, token, body)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        problem = _response_problem(scenario, status, payload)
        if problem:
            raise BenchError(
                f"scenario {scenario.key}: body #{index} got {problem}\n"
                f"request: {body[:300].decode()}...\n"
                f"response ({status}): {payload[:1500].decode(errors='replace')}"
            )
        sizes.append(len(payload))
        if index == 0:
            sample = payload
    return statistics.mean(sizes) / 1024, statuses, sample


def _response_problem(scenario: Scenario, status: int, payload: bytes) -> str | None:
    if status != 200:
        return f"status {status}, expected 200"
    try:
        data = json.loads(payload)
    except ValueError:
        return "a body that is not JSON"
    results = data.get("results")
    if not isinstance(results, list) or len(results) != scenario.ids_per_request:
        got = len(results) if isinstance(results, list) else results
        return f"{got} results, expected {scenario.ids_per_request}"
    for result in results:
        properties = result.get("properties") or {}
        missing = [p for p in scenario.properties if p not in properties]
        if missing:
            return f"a result without properties {missing}"
        if scenario.properties_with_history:
            history = result.get("propertiesWithHistory") or {}
            missing = [p for p in scenario.properties_with_history if not history.get(p)]
            if missing:
                return f"a result without history of {missing}"
    return None


# -- measuring over HTTP ------------------------------------------------------------------


def measure(args: argparse.Namespace, target: Target, script: Path, pin: bool) -> RunResult:
    server = target.server
    assert server is not None
    wait_until_idle(timeout=args.quiet_wait)
    cpu_before = cpu_seconds(group_pids(server.pgid))
    db_before = cpu_seconds(target.db_pids)
    trips_before = round_trips(target)
    busy_before, steal_before = machine_cpu()
    children_before = children_cpu_seconds()
    output = run_wrk(
        server.base + PATH,
        script,
        threads=args.threads,
        connections=args.connections,
        seconds=args.duration,
        pin=pin,
    )
    wrk_cpu = children_cpu_seconds() - children_before
    busy_after, steal_after = machine_cpu()
    db_after = cpu_seconds(target.db_pids)
    trips_after = round_trips(target)
    cpu_after = cpu_seconds(group_pids(server.pgid))
    per_process = sorted(
        (cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after), reverse=True
    )
    server_cpu = sum(per_process)
    db_cpu = sum(db_after[pid] - db_before.get(pid, 0.0) for pid in db_after)
    figures = parse_wrk(output)
    requests = max(figures["requests"], 1)
    rss, rss_anon = group_rss_mb(server.pgid)
    return RunResult(
        requests_per_s=figures["requests_per_s"],
        requests=int(figures["requests"]),
        seconds=figures["seconds"],
        p50_ms=figures["p50_ms"],
        p99_ms=figures["p99_ms"],
        non_2xx=int(figures["non_2xx"]),
        socket_errors=int(figures["socket_errors"]),
        server_cpu_s=server_cpu,
        server_cpu_us_per_req=server_cpu / requests * 1e6,
        db_cpu_s=db_cpu,
        db_cpu_us_per_req=db_cpu / requests * 1e6,
        db_round_trips_per_req=(
            (trips_after - trips_before) / requests
            if trips_before is not None and trips_after is not None
            else None
        ),
        wrk_cpu_s=wrk_cpu,
        other_cpu_s=max(0.0, busy_after - busy_before - server_cpu - db_cpu - wrk_cpu),
        steal_s=steal_after - steal_before,
        rss_mb=rss,
        rss_anon_mb=rss_anon,
        server_cpu_by_process=[round(c, 2) for c in per_process if c >= 0.01],
    )


def balanced(run: RunResult, workers: int) -> bool:
    """Whether every worker did at least a quarter of the busiest one's work.

    uvicorn's workers share one listening socket, and whichever wakes first may accept
    every one of wrk's connections; the other workers then idle, and the run measures
    one worker, whatever the backend.
    """
    busy = run.server_cpu_by_process  # busiest first; the parent process barely shows
    return workers < 2 or (len(busy) >= workers and busy[workers - 1] >= 0.25 * busy[0])


def measure_balanced(
    args: argparse.Namespace, target: Target, script: Path, pin: bool, workers: int
) -> list[RunResult]:
    """A measured run, repeated (at most ``--retries`` times) while other processes
    disturbed it or one worker took every connection. Returns every run, marked."""
    runs = []
    cores = os.cpu_count() or 1
    for attempt in range(args.retries + 1):
        run = measure(args, target, script, pin)
        run.balanced = balanced(run, workers)
        run.quiet = run.other_cpu_s <= DISTURBED_SHARE * cores * run.seconds
        runs.append(run)
        if run.balanced and run.quiet:
            break
        why = [] if run.quiet else [f"other processes used {run.other_cpu_s:.2f} CPU-s"]
        if not run.balanced:
            why.append(f"one worker did the work ({run.server_cpu_by_process} CPU-s)")
        then = "measuring again" if attempt < args.retries else "no retries left"
        print(f"  {target.backend}: {' and '.join(why)}; {then}")
    return runs


def round_trips(target: Target) -> int | None:
    database = target.database
    if not isinstance(database, PostgresDatabase):
        return None
    return database.round_trips(target.db_ports)


def start_server(target: Target, workdir: Path, workers: int, pin: bool) -> None:
    target.server = Server(
        target.database.url, workers, pin, workdir / f"server-{target.backend}.log"
    )
    target.server.wait_ready()
    # Each worker opens its database connection as it starts; wait (bounded) for all.
    deadline = time.monotonic() + 30
    while isinstance(target.database, PostgresDatabase):
        connections = target.database.connections()
        target.db_pids = [pid for pid, _ in connections]
        target.db_ports = [port for _, port in connections if port is not None]
        if len(connections) >= workers or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    print(
        f"{target.backend}: server ready on {target.server.base} "
        f"(pid {target.server.process.pid}"
        + (f"; database backends {target.db_pids})" if target.db_pids else ")")
    )


def measure_http(
    args: argparse.Namespace, targets: Sequence[Target], *, workers: int, pin: bool
) -> list[ScenarioResult]:
    """Start every backend's server; per scenario, check every body answers 200 and warm
    each up, then measure, alternating between the backends round after round."""
    results = []
    with tempfile.TemporaryDirectory(prefix="spoke-bench-") as scratch:
        workdir = Path(scratch)
        try:
            for target in targets:
                start_server(target, workdir, workers, pin)
            for scenario in (s for s in SCENARIOS if s.key in args.scenarios):
                scripts = {}
                by_backend = {}
                for target in targets:
                    assert target.server is not None
                    bodies = target.bodies[scenario.key]
                    size, statuses, sample = check_responses(
                        target.server, target.token, scenario, bodies
                    )
                    name = f"{target.backend}-{scenario.key}"
                    scripts[target.backend] = write_lua(bodies, target.token, PATH, workdir, name)
                    result = ScenarioResult(
                        scenario.key,
                        scenario.title,
                        target.backend,
                        scenario.ids_per_request,
                        size,
                        statuses,
                    )
                    result.sample = sample
                    by_backend[target.backend] = result
                    print(f"{target.backend} {scenario.key}: all {len(bodies)} bodies answer 200")
                for target in targets:
                    assert target.server is not None
                    print(f"{target.backend} {scenario.key}: warm-up")
                    run_wrk(
                        target.server.base + PATH,
                        scripts[target.backend],
                        threads=args.threads,
                        connections=args.connections,
                        seconds=args.warmup,
                        pin=pin,
                    )
                for number in range(1, args.rounds + 1):
                    for target in targets:
                        runs = measure_balanced(args, target, scripts[target.backend], pin, workers)
                        for run in runs:
                            run.round = number
                        by_backend[target.backend].runs.extend(runs)
                        run = runs[-1]
                        print(
                            f"{target.backend} {scenario.key} round {number}: "
                            f"{run.requests_per_s:.0f} req/s, p50 {run.p50_ms:.2f} ms, "
                            f"p99 {run.p99_ms:.2f} ms, {run.server_cpu_us_per_req:.0f} us "
                            f"server CPU/req"
                            + (
                                f", {run.db_cpu_us_per_req:.0f} us database CPU/req"
                                if target.db_pids
                                else ""
                            )
                        )
                results.extend(by_backend.values())
        finally:
            for target in targets:
                if target.server is not None:
                    target.server.stop()
    return results


# -- in process ---------------------------------------------------------------------------


def inprocess_handler(url: str) -> tuple[Callable[[bytes], bytes], Callable[[], None]]:
    """The batch-read handler itself, called without a server: decode -> domain -> encode.

    Builds the same ``ObjectEndpoints`` that ``create_app`` builds and calls its
    ``batch_read`` for tickets with a Starlette request whose body is already there, so the
    timing covers exactly the handler's code (body decode, domain call, encode to bytes)
    and leaves out the HTTP server, routing, the object type's lookup and the token check.
    Returns the handler and a function that closes the store.
    """
    from starlette.requests import Request  # noqa: PLC0415

    from spoke.api.app import answer_cache_from_environment  # noqa: PLC0415
    from spoke.api.objects import ObjectEndpoints  # noqa: PLC0415
    from spoke.domain.answers import AnswerCache  # noqa: PLC0415
    from spoke.domain.associations.reads import AssociationReader  # noqa: PLC0415
    from spoke.domain.catalogue import Catalogue  # noqa: PLC0415
    from spoke.domain.merge import ObjectMerger  # noqa: PLC0415
    from spoke.domain.object_types import ObjectTypes  # noqa: PLC0415
    from spoke.domain.reads import ObjectReader  # noqa: PLC0415
    from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS  # noqa: PLC0415
    from spoke.domain.writes import ObjectWriter  # noqa: PLC0415
    from spoke.store import open_store  # noqa: PLC0415

    store = open_store(url)
    object_types = ObjectTypes(STANDARD_OBJECT_TYPES)
    catalogue = Catalogue(store, object_types)
    endpoints = ObjectEndpoints(
        ObjectReader(store, catalogue, AnswerCache(store, answer_cache_from_environment() * 10**6)),
        ObjectWriter(store, catalogue),
        ObjectMerger(store, catalogue),
        AssociationReader(store, object_types),
    )
    scope = {
        "type": "http",
        "method": "POST",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
    }

    def handle(payload: bytes) -> bytes:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": payload, "more_body": False}

        request = Request(scope, receive)
        response = _finish(endpoints.batch_read(request, None, TICKETS))  # type: ignore[arg-type]
        return bytes(response.body)

    return handle, store.close


def _finish(coroutine: Any) -> Any:
    """Runs a coroutine that never suspends (no event loop needed)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise BenchError("the handler suspended; it cannot be timed in process")


def time_inprocess(
    handle: Callable[[bytes], bytes], bodies: Sequence[bytes], seconds: float
) -> float:
    """Median µs per request over passes through all bodies, for about ``seconds``."""
    for body in bodies:  # warm caches
        handle(body)
    per_pass = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(per_pass) < 3:
        started = time.perf_counter()
        for body in bodies:
            handle(body)
        per_pass.append((time.perf_counter() - started) / len(bodies) * 1e6)
    return statistics.median(per_pass)


def same_results(http_payload: bytes, inprocess_payload: bytes) -> bool:
    def key(payload: bytes) -> list[Any]:
        results = json.loads(payload)["results"]
        return sorted(json.dumps(r, sort_keys=True) for r in results)

    return key(http_payload) == key(inprocess_payload)


# -- report ---------------------------------------------------------------------------------


def print_report(
    args: argparse.Namespace,
    *,
    info: dict[str, str],
    targets: Sequence[Target],
    results: Sequence[ScenarioResult],
    workers: int,
    pinned: bool,
) -> None:
    from spoke.api.app import ANSWER_CACHE_VARIABLE, answer_cache_from_environment  # noqa: PLC0415

    print()
    print("machine: " + " | ".join(f"{k} {v}" for k, v in info.items()))
    load = (
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, "
        f"{args.warmup} s warm-up, {args.rounds} round(s), {args.bodies} bodies cycled; "
        f"server workers {workers}, answer cache {answer_cache_from_environment()} MB "
        f"(${ANSWER_CACHE_VARIABLE}), "
        + ("server on CPU 1, wrk on CPU 0" if pinned else "not pinned")
        + ("; backends alternate run by run" if len(targets) > 1 else "")
    )
    print(f"load: {load}")
    for target in targets:
        where = target.database.describe()
        if isinstance(target.database, PostgresDatabase):
            where += f", PostgreSQL {target.database.version()}"
        seed = target.seed
        if seed:
            print(
                f"seed ({target.backend}, {where}): {args.tickets:,} tickets in "
                f"{seed.seconds:.1f} s = {seed.tickets_per_s:,.0f} tickets/s "
                f"({seed.size_mb:.0f} MB)"
            )
        else:
            print(f"seed ({target.backend}, {where}): reused {args.tickets:,} tickets")
    header = (
        f"{'scenario':<40} {'backend':<8} {'req/s':>6} {'tickets/s':>9} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'CPU us/req':>10} {'DB us/req':>9} {'DB trips':>8} "
        f"{'RSS/anon MB':>11} {'in-proc us':>10} {'non-2xx':>7} {'resp KB':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    for result in results:
        run = result.median
        inproc = f"{result.inprocess_us:.0f}" if result.inprocess_us is not None else "n/a"
        trips = run.db_round_trips_per_req
        trips_shown = f"{trips:.2f}" if trips is not None else "n/a"
        database = f"{run.db_cpu_us_per_req:.0f}" if result.backend == "postgres" else "n/a"
        rss = f"{run.rss_mb:.0f}/{run.rss_anon_mb:.0f}"
        print(
            f"{result.key}: {result.title:<37} {result.backend:<8} {run.requests_per_s:>6.0f} "
            f"{run.requests_per_s * result.ids_per_request:>9.0f} {run.p50_ms:>7.2f} "
            f"{run.p99_ms:>7.2f} {run.server_cpu_us_per_req:>10.0f} {database:>9} "
            f"{trips_shown:>8} {rss:>11} {inproc:>10} {run.non_2xx + run.socket_errors:>7} "
            f"{result.response_kb:>7.1f}"
        )
    print()
    for result in results:
        for run in result.runs:
            print(
                f"{result.key} {result.backend} round {run.round}: {run.requests:,} requests in "
                f"{run.seconds:.2f} s, {run.requests_per_s:.0f} req/s; server CPU "
                f"{run.server_cpu_s:.2f} s ({run.server_cpu_s / run.seconds:.0%} of a core), "
                + (f"database CPU {run.db_cpu_s:.2f} s, " if result.backend == "postgres" else "")
                + (
                    f"{run.db_round_trips_per_req:.2f} database round trips/req, "
                    if run.db_round_trips_per_req is not None
                    else ""
                )
                + f"wrk CPU {run.wrk_cpu_s:.2f} s, other CPU {run.other_cpu_s:.2f} s, "
                f"steal {run.steal_s:.2f} s; non-2xx {run.non_2xx}, "
                f"socket errors {run.socket_errors}"
                + (f"; server CPU s by process {run.server_cpu_by_process}" if workers > 1 else "")
                + ("" if run.balanced else " (UNBALANCED: one worker did the work)")
                + ("" if run.quiet else " (DISTURBED by other processes)")
                + ("" if run in result.measured else "; not counted")
            )
        match = {None: "not checked", True: "yes", False: "NO"}[result.inprocess_matches_http]
        print(
            f"{result.key} {result.backend}: pre-check statuses {result.statuses}; "
            f"in-process results equal HTTP results: {match}"
        )
    compare(results)


def compare(results: Sequence[ScenarioResult]) -> None:
    """PostgreSQL against SQLite, scenario by scenario: medians, and round by round."""
    for key in dict.fromkeys(r.key for r in results):
        pair = {r.backend: r for r in results if r.key == key}
        if set(pair) != set(BACKENDS):
            continue
        sqlite, postgres = pair["sqlite"], pair["postgres"]
        # The last run of each round (balanced, unless every try of that round was not).
        last = {b: {run.round: run for run in r.runs} for b, r in pair.items()}
        rounds = [
            f"{last['postgres'][n].requests_per_s / last['sqlite'][n].requests_per_s:.0%}"
            for n in sorted(last["sqlite"])
            if n in last["postgres"]
        ]
        ratio = postgres.median.requests_per_s / sqlite.median.requests_per_s
        print(
            f"{key}: PostgreSQL {postgres.median.requests_per_s:.0f} req/s is {ratio:.0%} of "
            f"SQLite's {sqlite.median.requests_per_s:.0f} (medians); round by round "
            + ", ".join(rounds)
        )


# -- main -----------------------------------------------------------------------------------


def _terminate(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "wrk is not installed. Install it with `apt-get install wrk` (Debian/Ubuntu), "
            "then run this again.",
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return _run(args)
    except BenchError as exc:
        print(f"\nbenchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nbenchmark interrupted; server stopped", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    info = machine_info()
    workers = args.workers
    if workers > 1 and "--workers" not in cli_help("serve"):
        print(f"`spoke serve` has no --workers option; running with 1 worker, not {workers}")
        workers = 1
    pin = (
        workers == 1
        and len(args.backend) == 1
        and not args.no_pin
        and len(os.sched_getaffinity(0)) >= 2
        and shutil.which("taskset") is not None
    )
    targets = [prepare_target(args, backend) for backend in args.backend]
    results = measure_http(args, targets, workers=workers, pin=pin)
    for target in targets:
        measure_inprocess(args, target, results, pin=pin)

    print_report(args, info=info, targets=targets, results=results, workers=workers, pinned=pin)
    if args.json:
        document = {
            "machine": info,
            "seed": {t.backend: t.seed and asdict(t.seed) for t in targets},
            "args": {k: str(v) for k, v in vars(args).items()},
            "workers": workers,
            "pinned": pin,
            "scenarios": [
                {
                    **{k: v for k, v in asdict(r).items() if k != "sample"},
                    "median": asdict(r.median),
                }
                for r in results
            ],
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    failures = sum(run.non_2xx + run.socket_errors for r in results for run in r.runs)
    if failures:
        print(f"\nwarning: {failures} non-2xx responses or socket errors during the runs")
    return 0


def measure_inprocess(
    args: argparse.Namespace, target: Target, results: Sequence[ScenarioResult], *, pin: bool
) -> None:
    """Time the same bodies through decode -> domain -> encode, on the server's CPU."""
    print(f"{target.backend}: in process, {args.inprocess_seconds:.1f} s per scenario")
    try:
        handle, close = inprocess_handler(target.database.url)
    except ImportError as exc:
        print(f"in-process measurement skipped: {exc}")
        return
    try:
        with pinned_to(SERVER_CPU, pin):
            for result in (r for r in results if r.backend == target.backend):
                wait_until_idle(timeout=args.quiet_wait)
                result.inprocess_us = time_inprocess(
                    handle, target.bodies[result.key], args.inprocess_seconds
                )
                first = handle(target.bodies[result.key][0])
                result.inprocess_matches_http = same_results(result.sample, first)
    finally:
        close()


if __name__ == "__main__":
    sys.exit(main())
