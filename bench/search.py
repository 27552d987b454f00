"""Latency of ``POST /crm/v3/objects/tickets/search`` on a large database.

For every property the demo tickets carry, an ``EQ`` search for values taken from
random live tickets (so every search finds something), then a few other kinds of
search for comparison. Requests go one at a time over one keep-alive connection to a
real ``spoke serve`` (one worker), so each latency is one request's own time; the
report gives p50, p99 and the largest, and how many tickets the searches matched.

    .venv/bin/python bench/search.py                      # 1,000,000 tickets, SQLite
    .venv/bin/python bench/search.py --reuse --backend postgres
    .venv/bin/python bench/search.py --tickets 20000 --requests 50     # quick check

The database is seeded (or reused) exactly as bench/batch_read.py does it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _harness import (
    DEFAULT_POSTGRES_URL,
    BenchError,
    Database,
    PostgresDatabase,
    Server,
    SqliteDatabase,
    create_token,
)

PATH = "/crm/v3/objects/tickets/search"
#: Every property of the demo tickets (spoke/domain/demo.py), each searched with EQ.
EQ_PROPERTIES = (
    "hs_object_id",
    "subject",
    "content",
    "hs_pipeline",
    "hs_pipeline_stage",
    "hs_ticket_priority",
    "hs_ticket_category",
    "source_type",
    "createdate",
    "hs_lastmodifieddate",
)


@dataclass
class Scenario:
    name: str
    bodies: list[dict[str, Any]]


@dataclass
class Figures:
    name: str
    p50_ms: float
    p99_ms: float
    max_ms: float
    matched: float
    requests: int


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="reuse the seeded database")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database", type=Path, default=None, help="SQLite file to use")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per kind")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per kind")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds each kind may take at most"
    )
    parser.add_argument("--random-seed", type=int, default=7)
    return parser.parse_args(argv)


class Client:
    """One keep-alive connection to the server."""

    def __init__(self, port: int, token: str) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        payload = json.dumps(body).encode()
        started = time.perf_counter()
        self._connection.request("POST", path, body=payload, headers=self._headers)
        response = self._connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise BenchError(f"{path} answered {response.status}: {data[:300]!r}")
        return elapsed, json.loads(data)


def sample_tickets(
    client: Client, ids: Sequence[int], count: int, rng: random.Random
) -> list[dict[str, str]]:
    """The demo properties of ``count`` random live tickets."""
    found: list[dict[str, str]] = []
    for start in range(0, count, 100):
        chosen = rng.sample(list(ids), min(100, count - start))
        _, body = client.post(
            "/crm/v3/objects/tickets/batch/read",
            {"inputs": [{"id": str(i)} for i in chosen], "properties": list(EQ_PROPERTIES)},
        )
        found.extend(r["properties"] for r in body["results"])
    return found


def scenarios(samples: list[dict[str, str]], rng: random.Random) -> list[Scenario]:
    def eq(name: str) -> list[dict[str, Any]]:
        return [
            {"filterGroups": [{"filters": [_filter(name, "EQ", s[name])]}]}
            for s in samples
            if s.get(name)
        ]

    kinds = [Scenario(f"EQ {name}", eq(name)) for name in EQ_PROPERTIES]
    stages_by_priority = [
        {
            "filterGroups": [
                {
                    "filters": [
                        _filter("hs_ticket_priority", "EQ", s["hs_ticket_priority"]),
                        _filter("hs_pipeline_stage", "EQ", s["hs_pipeline_stage"]),
                    ]
                }
            ]
        }
        for s in samples
    ]
    kinds.append(Scenario("EQ priority AND EQ stage", stages_by_priority))
    subject_and_priority = [
        {
            "filterGroups": [
                {
                    "filters": [
                        _filter("hs_ticket_priority", "EQ", s["hs_ticket_priority"]),
                        _filter("subject", "EQ", s["subject"]),
                    ]
                }
            ]
        }
        for s in samples
    ]
    kinds.append(Scenario("EQ priority AND EQ subject", subject_and_priority))
    recent = [
        {
            "filterGroups": [{"filters": [_filter("createdate", "GTE", s["createdate"])]}],
            "sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}],
        }
        for s in samples
    ]
    kinds.append(Scenario("GTE createdate, sorted by it", recent))
    words = [s["subject"].split()[-1] for s in samples]
    kinds.append(Scenario("query (full text, one word)", [{"query": w} for w in words]))
    rng.shuffle(kinds)  # no kind always runs on a cold or a warm cache
    return kinds


def _filter(name: str, operator: str, value: str) -> dict[str, str]:
    return {"propertyName": name, "operator": operator, "value": value}


def measure(
    client: Client, scenario: Scenario, warmup: int, requests: int, budget: float
) -> Figures:
    """``requests`` searches of the kind, or as many as ``budget`` seconds allow."""
    bodies = scenario.bodies
    deadline = time.monotonic() + budget
    for body in bodies[:warmup]:
        client.post(PATH, body)
        if time.monotonic() > deadline:
            break
    latencies: list[float] = []
    matched: list[int] = []
    deadline = time.monotonic() + budget
    for i in range(requests):
        elapsed, result = client.post(PATH, bodies[(warmup + i) % len(bodies)])
        latencies.append(elapsed * 1000)
        matched.append(result["total"])
        if time.monotonic() > deadline:
            break
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, round(0.99 * len(latencies)) - 1)]
    return Figures(
        scenario.name,
        statistics.median(latencies),
        p99,
        latencies[-1],
        statistics.mean(matched),
        len(latencies),
    )


def cpu_model() -> str:
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return _run(args)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    database: Database = (
        PostgresDatabase(args.postgres)
        if args.backend == "postgres"
        else SqliteDatabase(args.database, args.tickets)
    )
    seed = database.prepare(args.tickets, args.reuse)
    ids = database.live_ticket_ids()
    token = create_token(database.url)
    rng = random.Random(args.random_seed)
    with tempfile.TemporaryDirectory() as workdir:
        server = Server(database.url, 1, False, Path(workdir) / "server.log")
        try:
            server.wait_ready()
            client = Client(server.port, token)
            samples = sample_tickets(client, ids, args.requests + args.warmup, rng)
            results = [
                measure(client, s, args.warmup, args.requests, args.budget)
                for s in scenarios(samples, rng)
            ]
        finally:
            server.stop()
    print()
    print(f"search latency, {len(ids):,} live tickets, {database.describe()}")
    print(f"{cpu_model()}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}")
    if seed is not None:
        print(f"seeded at {seed.tickets_per_s:,.0f} tickets/s ({seed.seconds:.1f} s)")
    print()
    print("| search | requests | p50 ms | p99 ms | max ms | mean total |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in sorted(results, key=lambda r: r.name):
        print(
            f"| {r.name} | {r.requests} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.max_ms:.1f} | {r.matched:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
