"""What the benchmarks share: the spoke CLI, the databases, the server, wrk and /proc.

- :class:`SqliteDatabase` and :class:`PostgresDatabase` seed demo tickets through
  ``spoke seed``, reuse what an earlier run seeded, list the live ticket ids, and tell
  which processes of the database server serve the benchmark (none for SQLite);
- :class:`Server` is ``spoke serve`` in its own process group, always stopped as one;
- :func:`run_wrk` and :func:`parse_wrk` drive and read wrk, :func:`write_lua` writes
  its request script;
- the /proc helpers measure CPU and memory of process groups and of the machine, and
  :func:`wait_until_idle` waits (bounded) for the machine to be quiet.

Linux only (``/proc``). Every load goes to 127.0.0.1, and every step has a time limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # this checkout's spoke/, even if another one is installed
    sys.path.insert(0, str(REPO))
CACHE_DIR = REPO / "bench" / ".data"
HEALTH_PATH = "/_spoke/health"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SERVER_CPU = 1  # 1-worker runs: server pinned here, wrk on CPU 0
WRK_CPU = 0
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/spoke_bench"


class BenchError(Exception):
    """A failure that ends the benchmark with a message instead of a traceback."""


def run_main(main: Callable[[], int]) -> None:
    """Exit with what a benchmark's ``main`` returns; a :class:`BenchError` is printed
    and exits with status 1."""
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


# -- the spoke command line ----------------------------------------------------------------


def spoke_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "spoke", *args]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.pop("SPOKE_RATE_LIMIT", None)  # measure the server, not its rate limiter (429s)
    env.pop("SPOKE_DATABASE_URL", None)  # every command is given its --database
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


def create_token(url: str) -> str:
    token = run_cli(["token", "create", "--scopes", "tickets", "--database", url], timeout=60)
    token = token.strip()
    if not token or len(token.split()) != 1:
        raise BenchError(f"`spoke token create` printed {token!r}, expected one token")
    return token


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed_fingerprint(backend: str) -> str:
    """Changes when the backend's schema or the demo data generator changes."""
    digest = hashlib.sha256()
    sources = sorted((REPO / "spoke" / "store" / "migrations" / backend).glob("*.sql"))
    sources.append(REPO / "spoke" / "domain" / "demo.py")
    for source in sources:
        with contextlib.suppress(OSError):
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:10]


# -- in process --------------------------------------------------------------------------------


async def post_asgi(app: Any, path: str, token: str, body: bytes) -> int:
    """POST ``body`` (JSON) to ``path`` of an ASGI ``app`` in process, with ``token``;
    the status it answers."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8080),
    }
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if received:
            return {"type": "http.disconnect"}
        received = True
        return {"type": "http.request", "body": body, "more_body": False}

    status = 0

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


# -- databases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedFigures:
    seconds: float
    tickets_per_s: float
    size_mb: float


class Database(Protocol):
    backend: str
    url: str
    """What ``spoke --database`` takes."""

    def describe(self) -> str: ...

    def prepare(self, tickets: int, reuse: bool) -> SeedFigures | None:
        """Seed ``tickets`` demo tickets, or reuse them (then ``None``)."""

    def live_ticket_ids(self) -> list[int]: ...

    def server_pids(self) -> list[int]:
        """Processes of the database server that serve the benchmark's server."""


def _seed(database: Database, tickets: int) -> SeedFigures:
    """``spoke seed`` into the database; the size is filled in by the caller."""
    print(f"seeding {tickets:,} tickets into {database.describe()}")
    started = time.perf_counter()
    run_cli(
        ["seed", "--tickets", str(tickets), "--database", database.url],
        timeout=max(900.0, tickets / 500),
        capture=False,  # the progress bar goes to the terminal
    )
    seconds = time.perf_counter() - started
    rate = tickets / seconds
    print(f"seeded {tickets:,} tickets in {seconds:.1f} s = {rate:,.0f} tickets/s")
    return SeedFigures(seconds, rate, 0.0)


class SqliteDatabase:
    """A SQLite file: by default ``bench/.data/tickets-N-SCHEMA.db``, replaced when stale.

    A file named by the caller is never deleted: reuse it or remove it yourself.
    """

    backend = "sqlite"

    def __init__(self, path: Path | None, tickets: int) -> None:
        self.own_cache = path is None
        cached = CACHE_DIR / f"tickets-{tickets}-{seed_fingerprint('sqlite')}.db"
        self.path = (path or cached).resolve()
        self.url = f"sqlite:///{self.path}"  # absolute path -> sqlite:////abs/path.db

    def describe(self) -> str:
        return str(self.path)

    def _count(self) -> int | None:
        if not self.path.exists():
            return None
        try:
            with contextlib.closing(self._connect()) as db:
                return int(
                    db.execute("SELECT count(*) FROM objects WHERE object_type = '0-5'").fetchone()[
                        0
                    ]
                )
        except sqlite3.Error:
            return None

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    def _remove(self, path: Path) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def prepare(self, tickets: int, reuse: bool) -> SeedFigures | None:
        count = self._count()
        if reuse and count == tickets:
            print(f"reusing {self.path} ({count:,} tickets)")
            return None
        if self.path.exists() or Path(f"{self.path}-wal").exists():
            if not self.own_cache:
                why = f"holds {count:,} tickets, not {tickets:,}" if reuse else "exists"
                raise BenchError(
                    f"{self.path} {why}; remove it or point --database elsewhere "
                    "(only files in bench/.data/ are replaced automatically)"
                )
            self._remove(self.path)
        if self.own_cache:  # files seeded under an older schema or demo generator are useless
            for stale in CACHE_DIR.glob(f"tickets-{tickets}-*.db"):
                self._remove(stale)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        figures = _seed(self, tickets)
        count = self._count()
        if count != tickets:
            raise BenchError(f"after seeding, {self.path} holds {count} tickets, not {tickets}")
        size_mb = sum(
            Path(f"{self.path}{s}").stat().st_size
            for s in ("", "-wal")
            if Path(f"{self.path}{s}").exists()
        ) / (1024 * 1024)
        return SeedFigures(figures.seconds, figures.tickets_per_s, size_mb)

    def live_ticket_ids(self) -> list[int]:
        with contextlib.closing(self._connect()) as db:
            return [
                row[0]
                for row in db.execute(
                    "SELECT id FROM objects WHERE object_type = '0-5' AND archived_at IS NULL"
                )
            ]

    def server_pids(self) -> list[int]:
        return []  # SQLite runs inside the server's own processes


class PostgresDatabase:
    """A PostgreSQL database that this benchmark created, seeded and labelled.

    The label is the database's comment (``spoke-bench tickets=N seed=FINGERPRINT``);
    only a database without tables, or one carrying such a label, is ever seeded, dropped
    or recreated, so a database of real data is never touched. The maintenance database
    ``postgres`` on the same server is used to create and drop it.
    """

    backend = "postgres"

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = urlparse(url).path.lstrip("/")
        if not self.name:
            raise BenchError(f"{url} names no database")
        self._admin_url = urlparse(url)._replace(path="/postgres").geturl()

    def describe(self) -> str:
        from spoke.store import shown_url  # noqa: PLC0415

        return shown_url(self.url)

    def _label(self, tickets: int) -> str:
        return f"spoke-bench tickets={tickets} seed={seed_fingerprint('postgres')}"

    @contextlib.contextmanager
    def _admin(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            connection = psycopg.connect(self._admin_url, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:
            raise BenchError(f"cannot reach PostgreSQL for {self.describe()}: {exc}") from None
        with contextlib.closing(connection):
            yield connection

    def _state(self) -> tuple[bool, str | None, int | None]:
        """(exists, label, tickets or None when it has no objects table)."""
        with self._admin() as admin:
            row = admin.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                (self.name,),
            ).fetchone()
        if row is None:
            return False, None, None
        with contextlib.closing(psycopg.connect(self.url, connect_timeout=5)) as db:
            found = db.execute("SELECT to_regclass('public.objects') IS NOT NULL").fetchone()
            count = None
            if found and found[0]:
                count = int(
                    db.execute("SELECT count(*) FROM objects WHERE object_type = '0-5'").fetchone()[
                        0
                    ]
                )
        return True, row[0], count

    def prepare(self, tickets: int, reuse: bool) -> SeedFigures | None:
        exists, label, count = self._state()
        if reuse and count == tickets and label == self._label(tickets):
            print(f"reusing {self.describe()} ({count:,} tickets)")
            return None
        ours = label is not None and label.startswith("spoke-bench ")
        if exists and count is not None and not ours:
            raise BenchError(
                f"{self.describe()} holds a Spoke database this benchmark did not seed; "
                "drop it yourself or name another database"
            )
        name = sql.Identifier(self.name)
        with self._admin() as admin:
            if exists:
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
        figures = _seed(self, tickets)
        with self._admin() as admin:
            admin.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    name, sql.Literal(self._label(tickets))
                )
            )
            size = admin.execute("SELECT pg_database_size(%s)", (self.name,)).fetchone()[0]
        with contextlib.closing(psycopg.connect(self.url, autocommit=True)) as db:
            db.execute("VACUUM ANALYZE")  # what autovacuum would do soon after a bulk load
        return SeedFigures(figures.seconds, figures.tickets_per_s, size / (1024 * 1024))

    def live_ticket_ids(self) -> list[int]:
        with contextlib.closing(psycopg.connect(self.url)) as db:
            return [
                row[0]
                for row in db.execute(
                    "SELECT id FROM objects WHERE object_type = '0-5' AND archived_at IS NULL"
                )
            ]

    def server_pids(self) -> list[int]:
        """The backends of every connection to this database but the one asking."""
        return [pid for pid, _ in self.connections()]

    def connections(self) -> list[tuple[int, int | None]]:
        """(backend pid, client TCP port or None) of every connection to this database
        but the one asking."""
        with contextlib.closing(psycopg.connect(self.url, autocommit=True)) as db:
            rows = db.execute(
                "SELECT pid, client_port FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return [(pid, port if port and port > 0 else None) for pid, port in rows]

    def round_trips(self, client_ports: Sequence[int]) -> int | None:
        """Messages the server has received so far on these clients' TCP connections.

        Counted by the kernel as data segments in (``ss -ti``'s ``data_segs_in``) on the
        server's side of each connection. Over loopback every message from a client
        (a query, or a BEGIN) fits one segment, and the client waits for the answer
        before the next, so this counts round trips. ``None`` without ``ss`` or ports.
        """
        if not client_ports or shutil.which("ss") is None:
            return None
        server_port = urlparse(self.url).port or 5432
        wanted = set(client_ports)
        done = subprocess.run(
            ["ss", "-tinH", "state", "established", f"( sport = :{server_port} )"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        total = 0
        seen = set()
        # Each socket is one line of addresses, then one indented line of its details.
        for addresses, details in zip(*[iter(done.stdout.splitlines())] * 2, strict=False):
            peer = addresses.split()[-1] if addresses.split() else ""
            port = peer.rsplit(":", 1)[-1]
            if not port.isdigit() or int(port) not in wanted:
                continue
            found = re.search(r"\bdata_segs_in:(\d+)", details)
            if found:
                seen.add(int(port))
                total += int(found.group(1))
        return total if seen == wanted else None

    def version(self) -> str:
        with contextlib.closing(psycopg.connect(self.url)) as db:
            row = db.execute("SHOW server_version").fetchone()
            settings = db.execute(
                "SELECT name, setting, unit FROM pg_settings WHERE name IN "
                "('shared_buffers', 'max_connections', 'synchronous_commit', 'jit')"
            ).fetchall()
        shown = ", ".join(f"{n} {s}{' x ' + u if u else ''}" for n, s, u in settings)
        return f"{row[0] if row else '?'} ({shown})"


# -- /proc --------------------------------------------------------------------------------


def _read_stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from 3 (state) on


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _read_stat(int(entry))
        if stat is not None and int(stat[2]) == pgid:
            pids.append(int(entry))
    return pids


def cpu_seconds(pids: Sequence[int]) -> dict[int, float]:
    """CPU-seconds (utime + stime) used so far by each of ``pids`` still alive."""
    used = {}
    for pid in pids:
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
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "spoke"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    spoke_version = "unknown"
    with contextlib.suppress(Exception):
        import spoke  # noqa: PLC0415

        spoke_version = spoke.__version__
    code = commit + (" with uncommitted changes in spoke/" if dirty else "") if commit else ""
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu": model,
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": wrk_version[0].split(" [")[0].removeprefix("wrk ") if wrk_version else "unknown",
        "spoke": f"{spoke_version} ({code or 'uncommitted'})",
    }


# -- the server ---------------------------------------------------------------------------


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


# -- wrk ----------------------------------------------------------------------------------


def write_lua(bodies: Sequence[bytes], token: str, path: str, directory: Path, name: str) -> Path:
    """A wrk script that formats every request once in ``init()`` and cycles them."""
    lines = ["local bodies = {"]
    for body in bodies:
        text = body.decode()
        if "]==]" in text:
            raise BenchError("a body contains the Lua long-bracket terminator")
        lines.append(f"[==[{text}]==],")
    lines += [
        "}",
        f'local path = "{path}"',
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


def run_wrk(
    url: str, script: Path, *, threads: int, connections: int, seconds: int, pin: bool
) -> str:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(script),
        url,
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
