"""Real Spoke servers for tests, shared by every test module that needs one.

:func:`live_server` runs the app in a thread of the test process (uvicorn on port 0): the
fixtures in ``conftest.py`` use it for almost every end-to-end test.

Real ``python -m spoke serve`` subprocesses serve the tests that need the command line or
several processes (the CLI tests, the concurrency tests, the worker tests).

A :class:`ServerProcess` runs on a free port of 127.0.0.1 in a process group of its own
(so ``--workers N`` workers go with it), reads its stderr continuously (so the server
never blocks on a full pipe), and is always stopped: :meth:`ServerProcess.stop` ends the
group, by its id, with SIGKILL if SIGTERM is not enough. Use :func:`serving` or stop it in
a ``finally``.

:meth:`ServerProcess.connection_owner` tells which of the server's processes holds the
server side of a TCP connection, read from ``/proc`` (Linux): with several workers, it is
the worker that accepted the connection and served its requests.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import hubspot
import pytest
import uvicorn

from spoke.api.app import DEFAULT_STATEMENT_TIMEOUT, create_app
from spoke.api.protocol import SpokeHttpProtocol, server_options
from spoke.domain.object_types import ObjectType
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.domain.tokens import create_token
from spoke.store import Store, open_store
from spoke.store.default_definitions import install_default_definitions

#: Environment variables ``spoke`` reads; servers run without the caller's.
SPOKE_VARIABLES = ("SPOKE_DATABASE_URL", "SPOKE_RATE_LIMIT", "SPOKE_STATEMENT_TIMEOUT")
#: Seconds a server may take to answer its health check.
STARTUP_SECONDS = 15
HEALTH = "/_spoke/health"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def spoke_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in SPOKE_VARIABLES}


class ServerProcess:
    """``python -m spoke serve --port P OPTIONS`` on a free port, in its own process group."""

    def __init__(self, options: Sequence[str], cwd: Path, *, name: str = "server") -> None:
        self.name = name
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "spoke", "serve", "--port", str(self.port), *options],
            cwd=cwd,
            env=spoke_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: its workers are stopped with it
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stderr is not None
        for line in self.popen.stderr:
            self.stderr.append(line)
            self.lines.put(line)

    def output(self, since: int = 0) -> str:
        """What the server wrote to stderr, from line ``since`` on."""
        return "".join(self.stderr[since:])

    def wait_for_line(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=min(left, 0.2))
            except queue.Empty:
                if self.popen.poll() is not None and self.lines.empty():
                    break
                continue
            found = re.search(pattern, line)
            if found:
                return found
        pytest.fail(f"no line matching {pattern!r} on stderr:\n{self.output()}")

    def wait_until_healthy(
        self, timeout: float = STARTUP_SECONDS, *, deadline: float | None = None
    ) -> None:
        """Until ``GET /_spoke/health`` answers 200; fails the test after ``timeout``
        seconds (or at the monotonic ``deadline``), or as soon as the server exits."""
        if deadline is None:
            deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                pytest.fail(f"{self.name} exited ({self.popen.returncode}):\n{self.output()}")
            try:
                if httpx.get(self.base_url + HEALTH, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        pytest.fail(f"{self.name} was not healthy in time:\n{self.output()}")

    # -- its processes ----------------------------------------------------------------

    def pids(self) -> list[int]:
        """Every live process of the server's group: the server and its workers."""
        pgid = self.popen.pid
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit() and _stat(int(entry)).get("pgrp") == pgid:
                found.append(int(entry))
        return found

    def worker_pids(self) -> list[int]:
        """The server's worker processes (with ``--workers N``, N of them): its children,
        less the resource tracker that ``multiprocessing`` starts beside them."""
        return sorted(
            pid
            for pid in self.pids()
            if _stat(pid).get("ppid") == self.popen.pid and b"resource_tracker" not in _cmdline(pid)
        )

    def wait_for_workers(self, count: int, timeout: float = STARTUP_SECONDS) -> list[int]:
        """The pids of the server's ``count`` workers, once they have all started."""
        deadline = time.monotonic() + timeout
        while len(self.worker_pids()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = self.worker_pids()
        assert len(workers) == count, f"{self.name} has workers {workers}:\n{self.output()}"
        return workers

    def connection_owner(self, client_port: int, among: Sequence[int] = ()) -> int | None:
        """The pid of the server process (of ``among``, by default all of them) holding
        the server side of the TCP connection from ``127.0.0.1:client_port``, or None if
        there is no such connection."""
        inode = _server_socket_inode(self.port, client_port)
        if inode is None:
            return None
        target = f"socket:[{inode}]"
        for pid in among or self.pids():
            with contextlib.suppress(OSError):
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    with contextlib.suppress(OSError):
                        if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                            return pid
        return None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL, to the server's process group, by its id; bounded."""
        pgid = self.popen.pid
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        deadline = time.monotonic() + 5  # workers normally leave with their parent
        while self.pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        self._reader.join(timeout=5)
        if self.popen.stderr is not None:
            self.popen.stderr.close()


@contextlib.contextmanager
def serving(options: Sequence[str], cwd: Path, *, name: str = "server") -> Iterator[ServerProcess]:
    """A :class:`ServerProcess`, stopped when the block ends, however it ends."""
    process = ServerProcess(options, cwd, name=name)
    try:
        yield process
    finally:
        process.stop()


def _stat(pid: int) -> dict[str, int]:
    """``ppid`` and ``pgrp`` of a process, from ``/proc/PID/stat``; empty once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return {}
    fields = text[text.rindex(")") + 2 :].split()  # from field 3 (state) on
    return {"ppid": int(fields[1]), "pgrp": int(fields[2])}


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _server_socket_inode(server_port: int, client_port: int) -> int | None:
    """The inode of the socket 127.0.0.1:server_port <- 127.0.0.1:client_port, from
    ``/proc/net/tcp`` (addresses and ports in hex; field 9 is the inode)."""
    local = f"0100007F:{server_port:04X}"
    remote = f"0100007F:{client_port:04X}"
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            fields = line.split()
            if fields[1] == local and fields[2] == remote and fields[9] != "0":
                return int(fields[9])
    return None


# -- in-process servers ------------------------------------------------------------


@dataclass
class LiveServer:
    base_url: str
    database_url: str

    def token(
        self,
        scopes: Sequence[str] = ("tickets",),
        app_id: int | None = None,
        expires_in_seconds: int | None = None,
    ) -> str:
        """A new access token, created through a connection of its own."""
        store = self.open_store()
        try:
            value, _ = create_token(store, scopes, app_id, expires_in_seconds)
        finally:
            store.close()
        return value

    def open_store(self) -> Store:
        return open_store(self.database_url)

    def http(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=10)

    def sdk(self, token: str) -> hubspot.Client:
        """HubSpot's official client pointed at this server, validating every model."""
        return hubspot.Client.create(
            access_token=token, host=self.base_url, client_side_validation=True
        )


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test thread is not the main thread
        pass


@contextmanager
def live_server(
    database_url: str,
    rate_limit: int | None = None,
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT,
    protocol: type[SpokeHttpProtocol] | None = None,
    object_types: Sequence[ObjectType] = STANDARD_OBJECT_TYPES,
) -> Iterator[LiveServer]:
    """A real server over ``database_url`` (migrated here), serving ``object_types`` (with
    their default groups and pipelines installed), with the protocol and limits of ``spoke
    serve``, for as long as the block runs; ``rate_limit`` and ``statement_timeout`` are
    passed to ``create_app``, ``protocol`` (a subclass with shorter read time limits) to
    uvicorn."""
    store = open_store(database_url)
    store.migrate()
    install_default_definitions(store, object_types)
    config = uvicorn.Config(
        create_app(
            store,
            rate_limit=rate_limit,
            statement_timeout=statement_timeout,
            object_types=object_types,
        ),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        **server_options(protocol),
    )
    running = _ThreadedServer(config)

    def serve() -> None:
        try:
            running.run()
        finally:
            store.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not running.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        port = running.servers[0].sockets[0].getsockname()[1]
        yield LiveServer(f"http://127.0.0.1:{port}", database_url)
    finally:
        # Stop without waiting for it: uvicorn takes about 0.15 s to wind down, which
        # was half of the suite's time. The thread closes the store once it is down;
        # meanwhile nothing talks to it, as the test that used it is over.
        running.should_exit = True
