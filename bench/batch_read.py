"""Benchmark of POST /crm/v3/objects/tickets/batch/read, over HTTP and in process.

Seeds a SQLite database with demo tickets through the Spoke CLI, starts ``spoke serve``
on a free port of 127.0.0.1, drives it with wrk (a Lua script cycling pre-generated
request bodies), then times the same bodies in process (decode -> domain -> encode,
what the handler does minus HTTP). Prints one table with machine information.

Run from the repository root::

    .venv/bin/python bench/batch_read.py                      # 1,000,000 tickets, 10 s runs
    .venv/bin/python bench/batch_read.py --tickets 20000 --duration 3
    .venv/bin/python bench/batch_read.py --reuse              # keep and reuse the seeded file

See bench/README.md for what is measured and how.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # this checkout's spoke/, even if another one is installed
    sys.path.insert(0, str(REPO))
CACHE_DIR = REPO / "bench" / ".data"
PATH = "/crm/v3/objects/tickets/batch/read"
HEALTH_PATH = "/_spoke/health"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SERVER_CPU = 1  # 1-worker runs: server pinned here, wrk on CPU 0
WRK_CPU = 0


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
    wrk_cpu_s: float
    other_cpu_s: float
    steal_s: float
    rss_mb: float
    rss_anon_mb: float
    server_cpu_by_process: list[float]


@dataclass
class ScenarioResult:
    key: str
    title: str
    ids_per_request: int
    response_kb: float
    statuses: dict[str, int]
    runs: list[RunResult] = field(default_factory=list)
    inprocess_us: float | None = None
    inprocess_matches_http: bool | None = None
    sample: bytes = field(default=b"", repr=False)

    @property
    def median(self) -> RunResult:
        ordered = sorted(self.runs, key=lambda r: r.requests_per_s)
        return ordered[(len(ordered) - 1) // 2]


class BenchError(Exception):
    """A failure that ends the benchmark with a message instead of a traceback."""


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
        "--database",
        type=Path,
        help="SQLite file to seed/use (default: bench/.data/tickets-N-SCHEMA.db)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip seeding when the database file already holds exactly N tickets",
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
    if args.tickets < 100:
        parser.error("--tickets must be at least 100")
    if min(args.duration, args.connections, args.threads, args.workers, args.rounds) < 1:
        parser.error("--duration, --connections, --threads, --workers, --rounds must be >= 1")
    return args


# -- helpers --------------------------------------------------------------------------


def spoke_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "spoke", *args]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.pop("SPOKE_RATE_LIMIT", None)  # measure the server, not its rate limiter (429s)
    return env


def run_cli(args: Sequence[str], timeout: float, capture: bool = True) -> str:
    try:
        done = subprocess.run(
            spoke_command(*args),
            cwd=REPO,
            env=child_env(),
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.PIPE if capture else None,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"`spoke {' '.join(args)}` did not finish in {timeout:.0f} s") from exc
    if done.returncode != 0:
        detail = f"\n{done.stdout or ''}{done.stderr or ''}" if capture else ""
        raise BenchError(f"`spoke {' '.join(args)}` exited with {done.returncode}{detail}")
    return done.stdout or ""


def cli_help(command: str) -> str:
    done = subprocess.run(
        spoke_command(command, "--help"),
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout + done.stderr


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"  # absolute path -> sqlite:////abs/path.db


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ticket_count(path: Path) -> int | None:
    if not path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return int(db.execute("SELECT count(*) FROM tickets").fetchone()[0])
    except sqlite3.Error:
        return None


def live_ticket_ids(path: Path, tickets: int) -> list[int]:
    """Ids of the tickets that are not archived (the ones a default batch read returns).

    Falls back to 1..N (the ids of a freshly seeded database) if the schema has changed.
    """
    query = "SELECT id FROM tickets WHERE archived_at IS NULL"
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return [row[0] for row in db.execute(query)]
    except sqlite3.Error as exc:
        print(f"could not list ticket ids ({exc}); using 1..{tickets}")
        return list(range(1, tickets + 1))


def schema_fingerprint() -> str:
    """Changes when the SQLite schema or the demo data generator changes."""
    digest = hashlib.sha256()
    sources = sorted((REPO / "spoke" / "store" / "migrations" / "sqlite").glob("*.sql"))
    sources.append(REPO / "spoke" / "domain" / "demo.py")
    for source in sources:
        with contextlib.suppress(OSError):
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:10]


# -- /proc ----------------------------------------------------------------------------


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _read_stat(int(entry))
        if stat is not None and int(stat[2]) == pgid:
            pids.append(int(entry))
    return pids


def _read_stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from 3 (state) on


def group_cpu_seconds(pgid: int) -> dict[int, float]:
    """CPU-seconds (utime + stime) used so far by each process of the group."""
    used = {}
    for pid in group_pids(pgid):
        stat = _read_stat(pid)
        if stat is not None:
            used[pid] = (int(stat[11]) + int(stat[12])) / CLK_TCK
    return used


def group_rss_mb(pgid: int) -> tuple[float, float]:
    """(RSS, anonymous RSS) in MB, summed over the process group.

    RSS includes the pages of the database file that the server has mapped (SQLite
    mmap) or touched; the anonymous part is the processes' own heap.
    """
    total = anon = 0
    for pid in group_pids(pgid):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                elif line.startswith("RssAnon:"):
                    anon += int(line.split()[1])
    return total / 1024, anon / 1024


def machine_cpu() -> tuple[float, float]:
    """(busy, steal) CPU-seconds of the whole machine since boot."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq) / CLK_TCK, steal / CLK_TCK


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wait_until_idle(limit: float = 0.15, timeout: float = 90.0) -> float:
    """Wait (bounded) until the machine is mostly idle; returns the last busy fraction.

    Other work on a 2-core machine skews the figures, so each measured run waits for
    a quiet second first; after ``timeout`` it goes on and says so (the per-run
    "other CPU" figure then shows how much else was running).
    """
    deadline = time.monotonic() + timeout
    cores = os.cpu_count() or 1
    while True:
        before = machine_cpu()[0]
        time.sleep(1.0)
        busy = (machine_cpu()[0] - before) / cores
        if busy <= limit:
            return busy
        if time.monotonic() > deadline:
            print(f"  machine still {busy:.0%} busy after {timeout:.0f} s; measuring anyway")
            return busy


# -- machine information -----------------------------------------------------------------


def machine_info() -> dict[str, str]:
    model = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with contextlib.suppress(OSError), open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    wrk_version = subprocess.run(
        ["wrk", "-v"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    spoke_version = "unknown"
    with contextlib.suppress(Exception):
        import spoke  # noqa: PLC0415

        spoke_version = spoke.__version__
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu": model,
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": wrk_version[0].split(" [")[0].removeprefix("wrk ") if wrk_version else "unknown",
        "spoke": f"{spoke_version} ({commit or 'uncommitted'})",
    }


# -- seeding ----------------------------------------------------------------------------


def prepare_database(args: argparse.Namespace) -> tuple[Path, dict[str, float] | None]:
    """Returns the database path and the seed figures (None when an existing file was reused)."""
    own_cache = args.database is None
    cached = CACHE_DIR / f"tickets-{args.tickets}-{schema_fingerprint()}.db"
    path = (args.database or cached).resolve()
    count = ticket_count(path)
    if args.reuse and count == args.tickets:
        print(f"reusing {path} ({count:,} tickets)")
        return path, None
    if path.exists() or Path(f"{path}-wal").exists():
        if not own_cache:
            why = f"holds {count:,} tickets, not {args.tickets:,}" if args.reuse else "exists"
            raise BenchError(
                f"{path} {why}; remove it or point --database elsewhere "
                "(only files in bench/.data/ are replaced automatically)"
            )
        remove_database(path)
    if own_cache:  # files seeded under an older schema or demo generator are useless now
        for stale in CACHE_DIR.glob(f"tickets-{args.tickets}-*.db"):
            remove_database(stale)
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"seeding {args.tickets:,} tickets into {path}")
    started = time.perf_counter()
    run_cli(
        ["seed", "--tickets", str(args.tickets), "--database", sqlite_url(path)],
        timeout=max(600.0, args.tickets / 1000),
        capture=False,  # the progress bar goes to the terminal
    )
    seconds = time.perf_counter() - started
    count = ticket_count(path)
    if count != args.tickets:
        raise BenchError(f"after seeding, {path} holds {count} tickets, not {args.tickets}")
    size_mb = sum(
        Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()
    ) / (1024 * 1024)
    rate = args.tickets / seconds
    print(f"seeded {args.tickets:,} tickets in {seconds:.1f} s = {rate:,.0f} tickets/s")
    return path, {"seconds": seconds, "tickets_per_s": rate, "size_mb": size_mb}


# -- request bodies and the Lua script ---------------------------------------------------


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


def write_lua(bodies: Sequence[bytes], token: str, directory: Path, name: str) -> Path:
    lines = ["local bodies = {"]
    for body in bodies:
        text = body.decode()
        if "]==]" in text:
            raise BenchError("a body contains the Lua long-bracket terminator")
        lines.append(f"[==[{text}]==],")
    lines += [
        "}",
        f'local path = "{PATH}"',
        "local headers = {",
        f'  ["Authorization"] = "Bearer {token}",',
        '  ["Content-Type"] = "application/json",',
        "}",
        "local requests = {}",
        "local n = 0",
        "init = function(args)",
        "  for k, body in ipairs(bodies) do",
        '    requests[k] = wrk.format("POST", path, headers, body)',
        "  end",
        "end",
        "request = function()",
        "  n = n % #requests + 1",
        "  return requests[n]",
        "end",
    ]
    script = directory / f"{name}.lua"
    script.write_text("\n".join(lines) + "\n")
    return script


# -- the server --------------------------------------------------------------------------


class Server:
    """``spoke serve`` in its own process group; always stopped by :meth:`stop`."""

    def __init__(self, url: str, workers: int, pin: bool, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = spoke_command(
            "serve", "--host", "127.0.0.1", "--port", str(self.port), "--database", url
        )
        if workers > 1:
            command += ["--workers", str(workers)]
        if pin:
            command = ["taskset", "-c", str(SERVER_CPU), *command]
        self.log = log
        self._log_handle = log.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=child_env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )
        self.pgid = self.process.pid

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"server exited with {self.process.returncode} before it was ready:\n"
                    + self.log_tail()
                )
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.base + HEALTH_PATH, timeout=2) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.1)
        raise BenchError(f"server not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        self._log_handle.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pgid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pgid, signal.SIGKILL)
                self.process.wait(timeout=5)
        # workers left in the group (they should have gone with their parent)
        deadline = time.monotonic() + 5
        while group_pids(self.pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if group_pids(self.pgid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pgid, signal.SIGKILL)
        self._log_handle.close()


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


# -- wrk ----------------------------------------------------------------------------------


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _latency_ms(text: str, percentile: str) -> float:
    match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.MULTILINE)
    if not match:
        raise BenchError(f"no {percentile}% latency in wrk output:\n{text}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(text: str) -> dict[str, float]:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)", text, re.MULTILINE)
    if not rps or not total:
        raise BenchError(f"could not read wrk output:\n{text}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return {
        "requests_per_s": float(rps.group(1)),
        "requests": int(total.group(1)),
        "seconds": float(total.group(2)) * _UNITS_MS[total.group(3)] / 1000,
        "p50_ms": _latency_ms(text, "50"),
        "p99_ms": _latency_ms(text, "99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(g) for g in sockets.groups()) if sockets else 0,
    }


def run_wrk(args: argparse.Namespace, server: Server, script: Path, seconds: int, pin: bool) -> str:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(script),
        server.base + PATH,
    ]
    if pin:
        command = ["taskset", "-c", str(WRK_CPU), *command]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish within {seconds + 60} s") from exc
    if done.returncode != 0:
        raise BenchError(f"wrk exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def measure(args: argparse.Namespace, server: Server, script: Path, pin: bool) -> RunResult:
    wait_until_idle()
    cpu_before = group_cpu_seconds(server.pgid)
    busy_before, steal_before = machine_cpu()
    children_before = children_cpu_seconds()
    output = run_wrk(args, server, script, args.duration, pin)
    wrk_cpu = children_cpu_seconds() - children_before
    busy_after, steal_after = machine_cpu()
    cpu_after = group_cpu_seconds(server.pgid)
    per_process = sorted(
        (cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after), reverse=True
    )
    server_cpu = sum(per_process)
    figures = parse_wrk(output)
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
        server_cpu_us_per_req=server_cpu / max(figures["requests"], 1) * 1e6,
        wrk_cpu_s=wrk_cpu,
        other_cpu_s=max(0.0, busy_after - busy_before - server_cpu - wrk_cpu),
        steal_s=steal_after - steal_before,
        rss_mb=rss,
        rss_anon_mb=rss_anon,
        server_cpu_by_process=[round(c, 2) for c in per_process if c >= 0.01],
    )


# -- in process ---------------------------------------------------------------------------


def inprocess_handler(url: str) -> tuple[Callable[[bytes], bytes], Callable[[], None]]:
    """The batch-read handler itself, called without a server: decode -> domain -> encode.

    Builds the same ``TicketEndpoints`` that ``create_app`` builds and calls its
    ``batch_read`` with a Starlette request whose body is already there, so the timing
    covers exactly the handler's code (body decode, domain call, encode to bytes) and
    leaves out the HTTP server, routing and the token check. Returns the handler and a
    function that closes the store.
    """
    from starlette.requests import Request  # noqa: PLC0415

    from spoke.api.tickets import TicketEndpoints  # noqa: PLC0415
    from spoke.domain.catalogue import Catalogue  # noqa: PLC0415
    from spoke.domain.reads import TicketReader  # noqa: PLC0415
    from spoke.domain.writes import TicketWriter  # noqa: PLC0415
    from spoke.store import open_store  # noqa: PLC0415

    store = open_store(url)
    catalogue = Catalogue(store)
    endpoints = TicketEndpoints(TicketReader(store, catalogue), TicketWriter(store, catalogue))
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

        response = _finish(endpoints.batch_read(Request(scope, receive), None))  # type: ignore[arg-type]
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


@contextlib.contextmanager
def pinned_to(cpu: int, enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    previous = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, previous)


# -- report ---------------------------------------------------------------------------------


def print_report(
    args: argparse.Namespace,
    *,
    info: dict[str, str],
    seed: dict[str, float] | None,
    results: Sequence[ScenarioResult],
    workers: int,
    pinned: bool,
) -> None:
    print()
    print("machine: " + " | ".join(f"{k} {v}" for k, v in info.items()))
    load = (
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, "
        f"{args.warmup} s warm-up, {args.rounds} round(s), {args.bodies} bodies cycled; "
        f"server workers {workers}, "
        + ("server on CPU 1, wrk on CPU 0" if pinned else "not pinned")
    )
    print(f"load: {load}")
    if seed:
        print(
            f"seed: {args.tickets:,} tickets in {seed['seconds']:.1f} s = "
            f"{seed['tickets_per_s']:,.0f} tickets/s ({seed['size_mb']:.0f} MB)"
        )
    else:
        print(f"seed: reused an existing database of {args.tickets:,} tickets")
    header = (
        f"{'scenario':<40} {'req/s':>8} {'tickets/s':>10} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'CPU us/req':>10} {'RSS/anon MB':>11} {'in-proc us':>10} {'non-2xx':>7} "
        f"{'resp KB':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    for result in results:
        run = result.median
        inproc = f"{result.inprocess_us:.0f}" if result.inprocess_us is not None else "n/a"
        rss = f"{run.rss_mb:.0f}/{run.rss_anon_mb:.0f}"
        print(
            f"{result.key}: {result.title:<37} {run.requests_per_s:>8.0f} "
            f"{run.requests_per_s * result.ids_per_request:>10.0f} {run.p50_ms:>7.2f} "
            f"{run.p99_ms:>7.2f} {run.server_cpu_us_per_req:>10.0f} {rss:>11} "
            f"{inproc:>10} {run.non_2xx + run.socket_errors:>7} {result.response_kb:>7.1f}"
        )
    print()
    for result in results:
        for number, run in enumerate(result.runs, 1):
            print(
                f"{result.key} run {number}: {run.requests:,} requests in {run.seconds:.2f} s; "
                f"server CPU {run.server_cpu_s:.2f} s ({run.server_cpu_s / run.seconds:.0%} "
                f"of a core), wrk CPU {run.wrk_cpu_s:.2f} s, other CPU {run.other_cpu_s:.2f} s, "
                f"steal {run.steal_s:.2f} s; non-2xx {run.non_2xx}, "
                f"socket errors {run.socket_errors}"
                + (f"; server CPU s by process {run.server_cpu_by_process}" if workers > 1 else "")
            )
        match = {None: "not checked", True: "yes", False: "NO"}[result.inprocess_matches_http]
        print(
            f"{result.key}: pre-check statuses {result.statuses}; "
            f"in-process results equal HTTP results: {match}"
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
        and not args.no_pin
        and len(os.sched_getaffinity(0)) >= 2
        and shutil.which("taskset") is not None
    )

    path, seed = prepare_database(args)
    url = sqlite_url(path)
    ids = live_ticket_ids(path, args.tickets)
    if len(ids) < max(s.ids_per_request for s in SCENARIOS):
        raise BenchError(f"only {len(ids)} tickets are not archived; seed more")
    print(f"{len(ids):,} of {args.tickets:,} tickets are not archived; requests use those")
    token = run_cli(["token", "create", "--scopes", "tickets", "--database", url], timeout=60)
    token = token.strip()
    if not token or len(token.split()) != 1:
        raise BenchError(f"`spoke token create` printed {token!r}, expected one token")

    rng = random.Random(args.random_seed)
    bodies = {s.key: make_bodies(s, ids, args.bodies, rng) for s in SCENARIOS}
    results = measure_http(args, url, token, bodies, workers=workers, pin=pin)
    measure_inprocess(args, url, bodies, results, pin=pin)

    print_report(args, info=info, seed=seed, results=results, workers=workers, pinned=pin)
    if args.json:
        document = {
            "machine": info,
            "seed": seed,
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


def measure_http(
    args: argparse.Namespace,
    url: str,
    token: str,
    bodies: dict[str, list[bytes]],
    *,
    workers: int,
    pin: bool,
) -> list[ScenarioResult]:
    """Start the server, check every body answers 200, then warm up and measure with wrk."""
    results = []
    with tempfile.TemporaryDirectory(prefix="spoke-bench-") as scratch:
        workdir = Path(scratch)
        server = Server(url, workers, pin, workdir / "server.log")
        try:
            server.wait_ready()
            print(f"server ready on {server.base} (pid {server.process.pid})")
            for scenario in (s for s in SCENARIOS if s.key in args.scenarios):
                size, statuses, sample = check_responses(
                    server, token, scenario, bodies[scenario.key]
                )
                script = write_lua(bodies[scenario.key], token, workdir, scenario.key)
                result = ScenarioResult(
                    scenario.key, scenario.title, scenario.ids_per_request, size, statuses
                )
                result.sample = sample
                print(f"{scenario.key}: all {len(bodies[scenario.key])} bodies answer 200; warm-up")
                run_wrk(args, server, script, args.warmup, pin)
                for number in range(1, args.rounds + 1):
                    run = measure(args, server, script, pin)
                    result.runs.append(run)
                    print(
                        f"{scenario.key} run {number}: {run.requests_per_s:.0f} req/s, "
                        f"p50 {run.p50_ms:.2f} ms, p99 {run.p99_ms:.2f} ms, "
                        f"{run.server_cpu_us_per_req:.0f} us CPU/req"
                    )
                results.append(result)
        finally:
            server.stop()
    return results


def measure_inprocess(
    args: argparse.Namespace,
    url: str,
    bodies: dict[str, list[bytes]],
    results: Sequence[ScenarioResult],
    *,
    pin: bool,
) -> None:
    """Time the same bodies through decode -> domain -> encode, on the server's CPU."""
    print(f"in process, {args.inprocess_seconds:.1f} s per scenario")
    try:
        handle, close = inprocess_handler(url)
    except ImportError as exc:
        print(f"in-process measurement skipped: {exc}")
        return
    try:
        with pinned_to(SERVER_CPU, pin):
            for result in results:
                wait_until_idle()
                result.inprocess_us = time_inprocess(
                    handle, bodies[result.key], args.inprocess_seconds
                )
                first = handle(bodies[result.key][0])
                result.inprocess_matches_http = same_results(result.sample, first)
    finally:
        close()


if __name__ == "__main__":
    sys.exit(main())
