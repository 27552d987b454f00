"""Run real HubSpot clients against a fresh Spoke and report which sync every live ticket.

Each client is installed from its registry at a pinned version (into a cache folder, once),
then run as its users run it against its own fresh Spoke, with only the base URL changed:
a full sync, and, where the client has one, an incremental sync after one ticket was
changed and one created. A logging proxy in front of Spoke records every request.

    .venv/bin/python scripts/connectors/run.py                # every client
    .venv/bin/python scripts/connectors/run.py --only hubspot3 --only airbyte  # some
    .venv/bin/python scripts/connectors/run.py --all-streams  # every stream, not tickets alone

Needs network access to PyPI and npm for the first installs, Node.js for the Node SDK, and
Spoke's .venv (scripts/bootstrap). Exits 1 when any client fails. Not part of scripts/test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import clients
import installs
import proxy
import spoke_server

DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "spoke-connectors"


@dataclass
class Outcome:
    """How one sync went."""

    passed: bool
    summary: str
    error: str = ""
    failed_requests: list[str] = field(default_factory=list)
    """Every distinct request Spoke answered with 4xx or 5xx: ``GET /path -> 404``."""
    requests: int = 0


@dataclass
class ClientResult:
    name: str
    requirement: str
    registry: str
    base_url_setting: str
    live_tickets: int = 0
    full: Outcome | None = None
    incremental: Outcome | None = None
    """None: the client has no incremental sync."""

    @property
    def passed(self) -> bool:
        return bool(self.full and self.full.passed) and (
            self.incremental is None or self.incremental.passed
        )


def _failed_requests(exchanges: list[proxy.Exchange]) -> list[str]:
    seen: dict[str, None] = {}
    for exchange in exchanges:
        if exchange.status >= 400:
            seen[f"{exchange.method} {exchange.target.split('?')[0]} -> {exchange.status}"] = None
    return list(seen)


def _outcome(
    passed: bool, summary: str, error: str, exchanges: list[proxy.Exchange], log: Path
) -> Outcome:
    proxy.write_log(exchanges, log)
    failed = _failed_requests(exchanges)
    if not passed and not error and failed:
        error = f"first failed request: {failed[0]}"
    return Outcome(passed, summary, error, failed, len(exchanges))


def _full(
    client: clients.Client, run: clients.Run, live: set[str], recorder: proxy.Recorder
) -> Outcome:
    ids: set[str] = set()
    error = ""
    try:
        ids = client.full_sync(run)
    except clients.SyncFailed as failed:
        error = str(failed)
    summary = f"{len(ids & live)}/{len(live)} live tickets"
    if extra := ids - live:
        summary += f", {len(extra)} not live"
    passed = not error and ids == live
    log = run.folder / "full-sync.requests.jsonl"
    return _outcome(passed, summary, error, recorder.take(), log)


def _incremental(
    client: clients.Client,
    run: clients.Run,
    spoke: spoke_server.FreshSpoke,
    recorder: proxy.Recorder,
) -> Outcome:
    ids: set[str] = set()
    changed: set[str] = set()
    error = ""
    try:
        client.before_changes(run)
        run.since_millis = int(time.time() * 1000) - 1
        changed = spoke.change_tickets()
        ids = client.incremental_sync(run)
    except clients.SyncFailed as failed:
        error = str(failed)
    summary = f"{len(ids & changed)}/{len(changed) or 2} changed tickets ({len(ids)} records)"
    passed = not error and changed <= ids
    log = run.folder / "incremental.requests.jsonl"
    return _outcome(passed, summary, error, recorder.take(), log)


def run_client(client: clients.Client, folder: Path, arguments: argparse.Namespace) -> ClientResult:
    result = ClientResult(client.name, client.requirement, client.registry, client.base_url_setting)
    try:
        client.install()
    except installs.InstallError as failed:
        result.full = Outcome(False, "not installed", str(failed))
        return result
    with (
        spoke_server.FreshSpoke(folder / "spoke") as spoke,
        proxy.LoggingProxy(spoke.port) as recording,
    ):
        live = spoke.live_ticket_ids()
        result.live_tickets = len(live)
        run = clients.Run(
            recording.base_url, spoke.token, folder, arguments.all_streams, arguments.timeout
        )
        result.full = _full(client, run, live, recording.recorder)
        if client.has_incremental:
            if result.full.passed:
                result.incremental = _incremental(client, run, spoke, recording.recorder)
            else:
                result.incremental = Outcome(False, "not run: the full sync failed")
    return result


def report(results: Sequence[ClientResult]) -> str:
    """The results as Markdown: a table, then each failure's requests."""
    lines = [
        "| Client | Version | Full sync | Incremental | Result | First error |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        full = result.full or Outcome(False, "not run")
        incremental = result.incremental.summary if result.incremental else "n/a"
        first_error = full.error or (result.incremental.error if result.incremental else "")
        verdict = "pass" if result.passed else "FAIL"
        cells = [result.name, result.requirement, full.summary, incremental, verdict]
        cells.append(first_error.replace("|", "\\|")[:300])
        lines.append("| " + " | ".join(cells) + " |")
    for result in results:
        for kind, outcome in (("full sync", result.full), ("incremental", result.incremental)):
            if outcome and outcome.failed_requests:
                lines += ["", f"{result.name}, {kind}: requests Spoke refused"]
                lines += [f"- `{request}`" for request in outcome.failed_requests]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    keys = {cls.key: cls for cls in clients.CLIENTS}
    parser.add_argument(
        "--only",
        action="append",
        choices=keys,
        help="run only this client (repeatable)",
    )
    parser.add_argument("--all-streams", action="store_true", help="select every stream")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="installed clients")
    parser.add_argument("--out", type=Path, help="logs and report (default: CACHE/runs/TIME)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per client step")
    parser.add_argument(
        "--dlt-sources",
        metavar="LOCATION",
        help="where `dlt init` finds dlt's verified sources (default: dlt's, on GitHub)",
    )
    arguments = parser.parse_args(argv)
    chosen = [cls for key, cls in keys.items() if not arguments.only or key in arguments.only]
    clients.DltHubspot.sources_location = arguments.dlt_sources
    out = arguments.out or arguments.cache / "runs" / time.strftime("%Y%m%d-%H%M%S")
    results: list[ClientResult] = []
    for cls in chosen:
        client = cls(arguments.cache)
        folder = out / cls.key
        folder.mkdir(parents=True, exist_ok=True)
        print(f"== {cls.name} ({cls.requirement})", flush=True)
        result = run_client(client, folder, arguments)
        results.append(result)
        print(report([result]), flush=True)
    page = report(results)
    (out / "report.md").write_text(page, encoding="utf-8")
    (out / "results.json").write_text(
        json.dumps([asdict(result) for result in results], indent=2), encoding="utf-8"
    )
    print(f"== all clients (logs in {out})\n{page}")
    return 0 if all(result.passed for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
