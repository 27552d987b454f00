"""Batch-read throughput against store size and batch size, as JSON and as a PNG plot.

For each store size (default 10,000, 100,000 and 1,000,000 demo tickets) it seeds (or,
with ``--reuse``, reuses) a database, starts ``spoke serve`` and, for each batch size
(default 1, 10, 50 and 100 ids), drives ``POST /crm/v3/objects/tickets/batch/read``
with wrk: scenario A (6 properties) at every batch size, scenario B (1 property and the
history of 2) at the sizes up to 50, HubSpot's limit with history. Each point is one
warm-up and ``--rounds`` measured runs (median by req/s), with the server's CPU per
request and the other CPU on the machine during the run.

    .venv/bin/pip install -e '.[bench]'                # matplotlib, for the plot
    .venv/bin/python bench/sweep.py --reuse            # ~15 min: 3 sizes x 7 points
    .venv/bin/python bench/sweep.py --sizes 10000 --batches 1,100 --duration 3   # a quick look
    .venv/bin/python bench/sweep.py --workers 2 --json sweep-2w.json --plot sweep-2w.png
    .venv/bin/python bench/plot.py sweep.json sweep.png      # plot figures written before
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from _harness import (
    DEFAULT_POSTGRES_URL,
    BenchError,
    Database,
    PostgresDatabase,
    Server,
    SqliteDatabase,
    cpu_seconds,
    create_token,
    group_pids,
    group_rss_mb,
    machine_cpu,
    machine_info,
    parse_wrk,
    run_main,
    run_wrk,
    wait_until_idle,
    write_lua,
)

PATH = "/crm/v3/objects/tickets/batch/read"
A_PROPERTIES = (
    "subject",
    "content",
    "hs_pipeline",
    "hs_pipeline_stage",
    "hs_ticket_priority",
    "hs_ticket_category",
)
#: Scenario -> (properties, properties with history, largest batch HubSpot allows).
SCENARIOS = {
    "A": (A_PROPERTIES, (), 100),
    "B": (("subject",), ("hs_pipeline_stage", "subject"), 50),
}


@dataclass
class Point:
    scenario: str
    tickets: int
    batch: int
    workers: int
    backend: str
    requests_per_s: float
    tickets_per_s: float
    p50_ms: float
    p99_ms: float
    server_cpu_us_per_req: float
    other_cpu_s: float
    rss_anon_mb: float
    runs: list[float]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--batches", default="1,10,50,100")
    parser.add_argument("--scenarios", default="A,B")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=int, default=5, help="seconds of each measured run")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="measured runs per point")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--bodies", type=int, default=64)
    parser.add_argument("--reuse", action="store_true", help="reuse databases seeded before")
    parser.add_argument("--quiet-wait", type=float, default=30.0)
    parser.add_argument("--json", type=Path, default=Path("sweep.json"))
    parser.add_argument("--plot", type=Path, default=Path("sweep.png"))
    return parser.parse_args()


def bodies(scenario: str, batch: int, ids: list[int], count: int, seed: int) -> list[bytes]:
    properties, history, _ = SCENARIOS[scenario]
    rng = random.Random(seed)
    return [
        json.dumps(
            {
                "inputs": [{"id": str(i)} for i in rng.sample(ids, batch)],
                "properties": list(properties),
                "propertiesWithHistory": list(history),
            },
            separators=(",", ":"),
        ).encode()
        for _ in range(count)
    ]


def check(server: Server, token: str, body: bytes, batch: int) -> None:
    request = urllib.request.Request(
        server.base + PATH,
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    if response.status != 200 or len(answer["results"]) != batch:
        raise BenchError(f"a check request got {response.status} with the wrong results")


def measure(
    args: argparse.Namespace, server: Server, script: Path
) -> tuple[dict[str, float], float, float]:
    """One measured wrk run: its figures, the server's CPU-seconds, the other CPU."""
    wait_until_idle(timeout=args.quiet_wait)
    pin = args.workers == 1
    before = cpu_seconds(group_pids(server.pgid))
    busy_before, _ = machine_cpu()
    output = run_wrk(
        server.base + PATH,
        script,
        threads=1,
        connections=args.connections,
        seconds=args.duration,
        pin=pin,
    )
    busy_after, _ = machine_cpu()
    after = cpu_seconds(group_pids(server.pgid))
    server_cpu = sum(after[p] - before.get(p, 0.0) for p in after)
    figures = parse_wrk(output)
    # wrk itself uses a few % of a core; count it as "other" too (an upper bound)
    return figures, server_cpu, max(0.0, busy_after - busy_before - server_cpu)


def sweep_size(args: argparse.Namespace, tickets: int, workdir: Path) -> list[Point]:
    database: Database = (
        SqliteDatabase(None, tickets)
        if args.backend == "sqlite"
        else PostgresDatabase(f"{args.postgres}_{tickets}")
    )
    database.prepare(tickets, args.reuse)
    ids = database.live_ticket_ids()
    token = create_token(database.url)
    server = Server(database.url, args.workers, args.workers == 1, workdir / f"{tickets}.log")
    points = []
    try:
        server.wait_ready()
        for scenario in args.scenarios.split(","):
            for batch in (int(b) for b in args.batches.split(",")):
                if batch > SCENARIOS[scenario][2]:
                    continue
                sent = bodies(scenario, batch, ids, args.bodies, seed=batch)
                check(server, token, sent[0], batch)
                script = write_lua(sent, token, PATH, workdir, f"{scenario}{batch}")
                run_wrk(
                    server.base + PATH,
                    script,
                    threads=1,
                    connections=args.connections,
                    seconds=args.warmup,
                    pin=args.workers == 1,
                )
                runs = [measure(args, server, script) for _ in range(args.rounds)]
                figures, cpu, other = sorted(runs, key=lambda r: r[0]["requests_per_s"])[
                    len(runs) // 2
                ]
                if figures["non_2xx"] or figures["socket_errors"]:
                    raise BenchError(f"{scenario} {batch}: errors in the run: {figures}")
                rps = figures["requests_per_s"]
                point = Point(
                    scenario,
                    tickets,
                    batch,
                    args.workers,
                    args.backend,
                    rps,
                    rps * batch,
                    figures["p50_ms"],
                    figures["p99_ms"],
                    cpu / max(figures["requests"], 1) * 1e6,
                    other,
                    group_rss_mb(server.pgid)[1],
                    [r[0]["requests_per_s"] for r in runs],
                )
                print(
                    f"| {scenario} | {tickets:,} | {batch} | {rps:,.0f} | {rps * batch:,.0f} | "
                    f"{point.p50_ms:.2f} | {point.p99_ms:.2f} | "
                    f"{point.server_cpu_us_per_req:,.0f} | {other:.1f} |",
                    flush=True,
                )
                points.append(point)
    finally:
        server.stop()
    return points


def main() -> int:
    args = parse_args()
    info = machine_info()
    print(
        f"{info['date']}, {info['cpu']}, {info['nproc']} CPUs, Spoke {info['spoke']}; "
        f"{args.backend}, {args.workers} worker(s), wrk -c{args.connections} -d{args.duration}s"
    )
    print(
        "| scenario | tickets | batch | req/s | tickets/s | p50 ms | p99 ms "
        "| CPU us/req | other CPU s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    points: list[Point] = []
    with tempfile.TemporaryDirectory(prefix="spoke-sweep-") as tmp:
        for tickets in (int(s) for s in args.sizes.split(",")):
            points += sweep_size(args, tickets, Path(tmp))
    args.json.write_text(
        json.dumps({"machine": info, "points": [asdict(p) for p in points]}, indent=1)
    )
    print(f"figures written to {args.json}")
    try:
        from plot import render  # noqa: PLC0415  (optional: needs matplotlib)
    except ImportError as missing:  # matplotlib is the optional `bench` extra
        print(f"no plot ({missing}); install it with: pip install -e '.[bench]'")
        return 0
    render(args.json, args.plot)
    print(f"plot written to {args.plot}")
    return 0


if __name__ == "__main__":
    run_main(main)
