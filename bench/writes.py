"""Throughput of ticket creates (``POST /crm/v3/objects/tickets``, or with ``--batch N``
``POST /crm/v3/objects/tickets/batch/create`` of N tickets a request), with and without a
kept search count on the pipeline every new ticket joins.

Seeds a fresh database (SQLite file or PostgreSQL database ``spoke_bench_writes``),
starts ``spoke serve`` and drives it with wrk: every request creates one ticket in
pipeline 0. Then one search for ``hs_pipeline = 0`` keeps that key's count
(docs/decisions.md, "Search"), so every create from then on also moves the count row,
and the creates are measured again. On PostgreSQL those writers queue on that row from
their last statement to their commit.

    .venv/bin/python bench/writes.py                          # SQLite, 2 workers
    .venv/bin/python bench/writes.py --backend postgres
    .venv/bin/python bench/writes.py --batch 100           # batch/create, 100 a request
"""

from __future__ import annotations

import argparse
import json
import tempfile
import urllib.request
from pathlib import Path

from _harness import (
    Database,
    PostgresDatabase,
    Server,
    SqliteDatabase,
    cpu_seconds,
    create_token,
    group_pids,
    machine_info,
    parse_wrk,
    run_main,
    run_wrk,
    write_lua,
)

TICKETS = "/crm/v3/objects/tickets"
BATCH_CREATE = TICKETS + "/batch/create"
BODY = b'{"properties":{"subject":"Bench write","hs_pipeline_stage":"1"}}'


def batch_body(size: int, variant: int) -> bytes:
    """``size`` tickets to create, with values like the demo tickets' (no two alike)."""
    inputs = [
        {
            "properties": {
                "subject": f"Bench write {variant}-{i}",
                "content": f"Batch {variant}, ticket {i}: the export job fails with a timeout.",
                "hs_pipeline_stage": str(1 + i % 4),
                "hs_ticket_priority": ("LOW", "MEDIUM", "HIGH")[i % 3],
                "hs_ticket_category": "PRODUCT_ISSUE",
                "source_type": "EMAIL",
            }
        }
        for i in range(size)
    ]
    return json.dumps({"inputs": inputs}, separators=(",", ":")).encode()


POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/spoke_bench_writes"


def keep_pipeline_count(server: Server, token: str) -> int:
    """One search for ``hs_pipeline = 0``; the count is kept from then on."""
    body = {
        "filterGroups": [
            {"filters": [{"propertyName": "hs_pipeline", "operator": "EQ", "value": "0"}]}
        ],
        "limit": 0,
    }
    request = urllib.request.Request(
        server.base + TICKETS + "/search",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return int(json.load(response)["total"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres", default=POSTGRES_URL)
    parser.add_argument("--tickets", type=int, default=20_000, help="tickets seeded first")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10, help="seconds of each run")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each phase")
    parser.add_argument(
        "--batch", type=int, default=1, help="tickets per request (above 1: batch/create)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="spoke-bench-writes-") as tmp:
        directory = Path(tmp)
        database: Database = (
            SqliteDatabase(directory / "writes.db", args.tickets)
            if args.backend == "sqlite"
            else PostgresDatabase(args.postgres)
        )
        database.prepare(args.tickets, reuse=False)
        token = create_token(database.url)
        path = TICKETS if args.batch == 1 else BATCH_CREATE
        sent = [BODY] if args.batch == 1 else [batch_body(args.batch, v) for v in range(8)]
        script = write_lua(sent, token, path, directory, "create")
        server = Server(database.url, args.workers, pin=False, log=directory / "server.log")
        try:
            server.wait_ready()
            info = machine_info()
            print(f"{database.describe()}: {args.tickets:,} tickets seeded, {args.workers} workers")
            print(
                f"{info['cpu']}, {info['nproc']} CPUs, {info['date']}, Spoke {info['spoke']}, "
                f"wrk -c{args.connections} -d{args.duration}s, {args.batch} ticket(s) a request"
            )
            print(
                "| phase | run | requests/s | creates/s | p50 ms | p99 ms "
                "| CPU us/ticket | non-2xx |"
            )
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
            for phase in ("no kept count", "hs_pipeline = 0 kept"):
                if phase != "no kept count":
                    total = keep_pipeline_count(server, token)
                    print(f"(search for hs_pipeline = 0: total {total:,}, count kept)")
                for run in range(1, args.rounds + 1):
                    before = cpu_seconds(group_pids(server.pgid))
                    output = run_wrk(
                        server.base + path,
                        script,
                        threads=1,
                        connections=args.connections,
                        seconds=args.duration,
                        pin=False,
                    )
                    after = cpu_seconds(group_pids(server.pgid))
                    figures = parse_wrk(output)
                    created = max(figures["requests"], 1) * args.batch
                    cpu = sum(after[p] - before.get(p, 0.0) for p in after)
                    print(
                        f"| {phase} | {run} | {figures['requests_per_s']:,.0f} | "
                        f"{figures['requests_per_s'] * args.batch:,.0f} | "
                        f"{figures['p50_ms']:.2f} | {figures['p99_ms']:.2f} | "
                        f"{cpu / created * 1e6:,.0f} | {figures['non_2xx']:.0f} |",
                        flush=True,
                    )
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    run_main(main)
