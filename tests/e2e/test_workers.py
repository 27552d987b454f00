"""Read-your-writes across the workers of one ``spoke serve --workers 2``, on every backend.

One ``python -m spoke serve --workers 2`` subprocess per backend (module scope, always
terminated), over a fresh database. Every request below goes out on a new TCP connection,
so the kernel hands it to whichever worker accepts first, and the test finds out which
one did (:meth:`ServerProcess.connection_owner`, from ``/proc``). Each loop goes on (at
least ``MIN_ROUNDS`` rounds, at most ``MAX_ROUNDS`` or ``SECONDS``) until both workers have
served both sides and a write on one worker was followed by a read on the other in both
directions several times, and then asserts exactly that, besides the values:

- a created ticket is returned at once by batch read and by GET;
- an update (PATCH, or batch update) is what the next batch read and GET return;
- a custom property created through one request is accepted by the very next write, and
  returned by the next read and by the property endpoint;
- an archive (DELETE, or batch archive) makes the ticket missing at once, and it is
  returned archived when asked for.

Two more servers (SQLite; nothing here depends on the backend): SIGTERM to the server
alone ends its workers, and each worker counts the optional rate limit on its own, which
also shows that the worker ``connection_owner`` names is the one that served.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from hubspot_rules import TICKETS
from servers import ServerProcess

from spoke.domain.tokens import create_token
from spoke.store import open_store

BATCH_READ = f"{TICKETS}/batch/read"
BATCH_UPDATE = f"{TICKETS}/batch/update"
BATCH_ARCHIVE = f"{TICKETS}/batch/archive"
PROPERTIES = "/crm/v3/properties/tickets"

WORKERS = 2
#: Each loop runs at least this many rounds...
MIN_ROUNDS = 60
#: ... and stops at this many, or after this many seconds, whatever it has seen by then.
MAX_ROUNDS = 400
SECONDS = 30.0
#: Writes on one worker followed by a read on the other, wanted in each direction.
CROSSINGS = 3


class Workers:
    """A client of the server under test that sends every request on a new connection."""

    def __init__(self, server: ServerProcess, token: str) -> None:
        self.server = server
        self.processes = server.pids()
        """The server's processes (parent and workers), where connections are looked for."""
        # No connection is kept alive: each request opens its own, closed after it.
        self._client = httpx.Client(
            base_url=server.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def close(self) -> None:
        self._client.close()

    def send(
        self, method: str, path: str, *, json: Any = None, params: dict[str, str] | None = None
    ) -> tuple[httpx.Response, int]:
        """One request on a new connection; returns the response and the pid of the worker
        that served it (looked up while the connection is still open)."""
        with self._client.stream(method, path, json=json, params=params) as response:
            # Before the body is read: once it is, the connection is closed.
            client_port = response.extensions["network_stream"].get_extra_info("client_addr")[1]
            worker = self.server.connection_owner(client_port, self.processes)
            response.read()
        assert worker is not None, f"no server process holds the connection from {client_port}"
        return response, worker

    def expect(
        self,
        status: int,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> tuple[Any, int]:
        response, worker = self.send(method, path, json=json, params=params)
        assert response.status_code == status, (
            f"{method} {path} -> {response.status_code} {response.text}\n{self.server.output()}"
        )
        return (response.json() if response.content else None), worker


@dataclass
class Spread:
    """Which worker served each write, and each read right after it."""

    workers: list[int]
    pairs: list[tuple[int, int]] = field(default_factory=list)
    started: int = 0
    """Rounds begun."""

    def add(self, writer: int, reader: int) -> None:
        assert writer in self.workers and reader in self.workers, (writer, reader, self.workers)
        self.pairs.append((writer, reader))

    def crossings(self) -> dict[tuple[int, int], int]:
        counts = {(a, b): 0 for a in self.workers for b in self.workers if a != b}
        for writer, reader in self.pairs:
            if writer != reader:
                counts[writer, reader] += 1
        return counts

    def enough(self) -> bool:
        return min(self.crossings().values()) >= CROSSINGS

    def rounds(self) -> Iterator[int]:
        """Round numbers, bounded in count and time, until the spread is ``enough``."""
        deadline = time.monotonic() + SECONDS
        for number in range(MAX_ROUNDS):
            if number >= MIN_ROUNDS and self.enough():
                return
            if time.monotonic() > deadline:
                return
            self.started += 1
            yield number

    def assert_both_workers_served(self) -> None:
        writers = {w for w, _ in self.pairs}
        readers = {r for _, r in self.pairs}
        summary = (
            f"{self.started} rounds, {len(self.pairs)} write-read pairs, "
            f"crossings {self.crossings()}"
        )
        assert self.started >= MIN_ROUNDS, f"the time ran out: {summary}"
        assert writers == readers == set(self.workers), summary
        assert self.enough(), f"too few writes read on the other worker: {summary}"


@pytest.fixture(scope="module")
def workers(
    module_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workers]:
    store = open_store(module_database_url)
    try:
        store.migrate()
        token, _ = create_token(store, ["tickets"])
    finally:
        store.close()
    server = ServerProcess(
        ["--workers", str(WORKERS), "--database", module_database_url],
        tmp_path_factory.mktemp("workers"),
        name="spoke serve --workers 2",
    )
    try:
        server.wait_until_healthy()
        server.wait_for_workers(WORKERS)
        client = Workers(server, token)
        try:
            yield client
        finally:
            client.close()
    finally:
        server.stop()


@pytest.fixture
def spread(workers: Workers) -> Iterator[Spread]:
    mark = len(workers.server.stderr)
    yield Spread(workers.server.worker_pids())
    time.sleep(0.1)  # let the stderr reader catch up
    assert workers.server.popen.poll() is None, workers.server.output()
    assert "Traceback" not in workers.server.output(mark), workers.server.output(mark)


def read_one(workers: Workers, ticket_id: str, names: list[str], **params: str) -> tuple[Any, int]:
    """A batch read of one id; returns its single result (or the whole 207 body)."""
    response, worker = workers.send(
        "POST",
        BATCH_READ,
        json={"inputs": [{"id": ticket_id}], "properties": names},
        params=params or None,
    )
    body = response.json()
    if response.status_code == 200:
        (result,) = body["results"]
        assert result["id"] == ticket_id, body
        return result, worker
    assert response.status_code == 207, response.text
    return body, worker


def test_a_created_ticket_is_read_at_once_on_either_worker(
    workers: Workers, spread: Spread
) -> None:
    for n in spread.rounds():
        subject = f"created {n}"
        created, writer = workers.expect(
            201,
            "POST",
            TICKETS,
            json={"properties": {"subject": subject, "hs_pipeline_stage": "1"}},
        )
        result, reader = read_one(workers, created["id"], ["subject"])
        assert result["properties"]["subject"] == subject, result
        spread.add(writer, reader)
        got, reader = workers.expect(200, "GET", f"{TICKETS}/{created['id']}")
        assert got["properties"]["subject"] == subject, got
        spread.add(writer, reader)
    spread.assert_both_workers_served()


def test_an_update_is_read_at_once_on_either_worker(workers: Workers, spread: Spread) -> None:
    created, _ = workers.expect(
        201, "POST", TICKETS, json={"properties": {"subject": "v0", "hs_pipeline_stage": "1"}}
    )
    ticket_id = created["id"]
    written = ["v0"]
    for n in spread.rounds():
        value = f"v{n + 1}"
        written.append(value)
        if n % 2:
            _, writer = workers.expect(
                200,
                "POST",
                BATCH_UPDATE,
                json={"inputs": [{"id": ticket_id, "properties": {"subject": value}}]},
            )
        else:
            _, writer = workers.expect(
                200, "PATCH", f"{TICKETS}/{ticket_id}", json={"properties": {"subject": value}}
            )
        result, reader = read_one(workers, ticket_id, ["subject"])
        assert result["properties"]["subject"] == value, (n, result)
        spread.add(writer, reader)
        got, reader = workers.expect(200, "GET", f"{TICKETS}/{ticket_id}")
        assert got["properties"]["subject"] == value, (n, got)
        spread.add(writer, reader)
    spread.assert_both_workers_served()

    # Every one of those writes is in the history, newest first.
    body, _ = workers.expect(
        200,
        "POST",
        BATCH_READ,
        json={"inputs": [{"id": ticket_id}], "propertiesWithHistory": ["subject"]},
    )
    (record,) = body["results"]
    history = [entry["value"] for entry in record["propertiesWithHistory"]["subject"]]
    assert history == written[::-1]


def test_a_new_property_is_usable_by_the_next_request_on_either_worker(
    workers: Workers, spread: Spread
) -> None:
    for n in spread.rounds():
        name = f"worker_prop_{n}"
        _, definer = workers.expect(
            201,
            "POST",
            PROPERTIES,
            json={
                "name": name,
                "label": f"Worker prop {n}",
                "type": "string",
                "fieldType": "text",
                "groupName": "ticketinformation",
            },
        )
        # The very next request, on a new connection, writes the property...
        created, writer = workers.expect(
            201,
            "POST",
            TICKETS,
            json={"properties": {"subject": name, "hs_pipeline_stage": "1", name: f"value {n}"}},
        )
        spread.add(definer, writer)
        # ... and the ones after it read it back, with its history too, and find its
        # definition.
        response, reader = workers.send(
            "POST",
            BATCH_READ,
            json={"inputs": [{"id": created["id"]}], "propertiesWithHistory": [name]},
        )
        assert response.status_code == 200, response.text
        (record,) = response.json()["results"]
        history = [entry["value"] for entry in record["propertiesWithHistory"][name]]
        assert history == [f"value {n}"], record
        spread.add(writer, reader)
        result, reader = read_one(workers, created["id"], [name])
        assert result["properties"][name] == f"value {n}", result
        spread.add(writer, reader)
        definition, reader = workers.expect(200, "GET", f"{PROPERTIES}/{name}")
        assert definition["name"] == name, definition
        spread.add(definer, reader)
    spread.assert_both_workers_served()


def test_an_archive_is_seen_at_once_on_either_worker(workers: Workers, spread: Spread) -> None:
    for n in spread.rounds():
        created, _ = workers.expect(
            201,
            "POST",
            TICKETS,
            json={"properties": {"subject": f"archived {n}", "hs_pipeline_stage": "1"}},
        )
        ticket_id = created["id"]
        if n % 2:
            _, archiver = workers.expect(
                204, "POST", BATCH_ARCHIVE, json={"inputs": [{"id": ticket_id}]}
            )
        else:
            _, archiver = workers.expect(204, "DELETE", f"{TICKETS}/{ticket_id}")
        missing, reader = read_one(workers, ticket_id, ["subject"])
        assert missing["results"] == [], missing
        assert [e["context"]["ids"] for e in missing["errors"]] == [[ticket_id]], missing
        spread.add(archiver, reader)
        error, reader = workers.expect(404, "GET", f"{TICKETS}/{ticket_id}")
        assert error["category"] == "OBJECT_NOT_FOUND", error
        spread.add(archiver, reader)
        found, reader = read_one(workers, ticket_id, ["subject"], archived="true")
        assert found["archived"] is True, found
        assert found["properties"]["subject"] == f"archived {n}", found
        spread.add(archiver, reader)
    spread.assert_both_workers_served()


def test_stopping_the_server_stops_its_workers(tmp_path: Path) -> None:
    """SIGTERM to ``spoke serve --workers 2`` alone ends every worker, within seconds."""
    server = ServerProcess(
        ["--workers", "2", "--database", f"sqlite:///{tmp_path / 's.db'}"], tmp_path
    )
    try:
        server.wait_until_healthy()
        started = server.wait_for_workers(2)
        assert server.popen.pid not in started
        server.popen.terminate()
        server.popen.wait(timeout=15)
        deadline = time.monotonic() + 10
        while server.pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.pids() == [], f"left running: {server.pids()}\n{server.output()}"
    finally:
        server.stop()


def test_each_worker_counts_the_rate_limit_on_its_own(tmp_path: Path) -> None:
    """The rate limit is per worker process (docs/deploy.md), and the worker that
    ``connection_owner`` names is the one that served the request: each worker's
    remaining allowance counts down by one per request it served, whatever the other did."""
    url = f"sqlite:///{tmp_path / 'limited.db'}"
    store = open_store(url)
    try:
        store.migrate()
        token, _ = create_token(store, ["tickets"])
    finally:
        store.close()
    limit = 1000
    server = ServerProcess(
        ["--workers", "2", "--rate-limit", str(limit), "--database", url], tmp_path
    )
    try:
        server.wait_until_healthy()
        remaining: dict[int, list[int]] = {pid: [] for pid in server.wait_for_workers(2)}
        client = Workers(server, token)
        deadline = time.monotonic() + SECONDS
        for _ in range(MAX_ROUNDS):
            done = min(len(seen) for seen in remaining.values()) >= 10
            if done or time.monotonic() > deadline:
                break
            response, worker = client.send("POST", BATCH_READ, json={"inputs": [{"id": "1"}]})
            assert response.status_code == 207, response.text
            remaining[worker].append(int(response.headers["x-hubspot-ratelimit-remaining"]))
        client.close()
        for worker, seen in remaining.items():
            assert seen == list(range(limit - 1, limit - 1 - len(seen), -1)), (worker, remaining)
            assert len(seen) >= 10, remaining
    finally:
        server.stop()
