"""Concurrency across real server processes sharing one database, on every backend.

Two ``python -m spoke serve`` subprocesses (one worker each) serve the same database (one
SQLite file, or one PostgreSQL database), started once per backend for this module and
always terminated afterwards. Clients are plain httpx clients, one per thread, so
requests really overlap, within a process and across both.

- Unique values: sixteen simultaneous creates carrying one unique value, split across both
  processes, let exactly one win (201); every other gets HubSpot's 409 CONFLICT error.
  Thirty-two simultaneous upserts of one new unique value all succeed (200) and make one
  ticket: the ones that lose the race to create it update it.
- Lost updates: sixteen simultaneous PATCHes of one ticket, from both processes, all
  succeed and every value lands in the property's history exactly once, newest first.
  A longer run of sequential PATCHes per thread checks that order in detail: each thread's
  own values newest first, and timestamps that never go back down the history.
- Atomic batches: while one process batch-updates fifty tickets round after round, readers
  on the other process never see a batch half-applied (and never go back in time).
- Associations: writers on both processes associate, remove and archive from either side
  at once without an error, and leave every association alike from both sides.

Each test also checks that neither server logged a traceback while it ran.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest
from hubspot_rules import TICKETS
from servers import STARTUP_SECONDS, ServerProcess

from spoke.domain.standard_objects.tickets import TICKETS as TICKET_TYPE
from spoke.domain.tokens import create_token
from spoke.store import open_store

BATCH_READ = f"{TICKETS}/batch/read"
BATCH_UPDATE = f"{TICKETS}/batch/update"
BATCH_CREATE = f"{TICKETS}/batch/create"
BATCH_UPSERT = f"{TICKETS}/batch/upsert"
PROPERTIES = "/crm/v3/properties/tickets"

#: Threads wait at most this long for each other at a start line.
BARRIER_SECONDS = 10


# -- two server processes on one database -------------------------------------------------


@dataclass
class Cluster:
    """Two server processes (``a`` and ``b``) on one database, and a token for both."""

    database_url: str
    a: ServerProcess
    b: ServerProcess
    token: str
    _marks: dict[str, int] = field(default_factory=dict)

    @property
    def servers(self) -> tuple[ServerProcess, ServerProcess]:
        return (self.a, self.b)

    def client(self, server: ServerProcess) -> httpx.Client:
        return httpx.Client(
            base_url=server.base_url,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=20,
        )

    def count_tickets(self) -> int:
        store = open_store(self.database_url)
        try:
            return store.count_objects(TICKET_TYPE.type_id)
        finally:
            store.close()

    def mark(self) -> None:
        """Remember where each server's stderr is, to check only what follows."""
        self._marks = {s.name: len(s.stderr) for s in self.servers}

    def logs(self) -> str:
        return "\n".join(
            f"--- server {s.name} stderr (exit code {s.popen.poll()}) ---\n"
            + s.output(self._marks.get(s.name, 0))
            for s in self.servers
        )

    def assert_servers_healthy(self) -> None:
        """Both servers still run and logged no traceback since :meth:`mark`."""
        time.sleep(0.1)  # let the stderr readers catch up
        for server in self.servers:
            assert server.popen.poll() is None, self.logs()
            new = server.output(self._marks.get(server.name, 0))
            assert "Traceback" not in new, self.logs()


@pytest.fixture(scope="module")
def cluster(
    module_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    directory = tmp_path_factory.mktemp("concurrency")
    database_url = module_database_url
    store = open_store(database_url)
    try:
        store.migrate()
        token, _ = create_token(store, ["tickets"])
    finally:
        store.close()
    started: list[ServerProcess] = []
    try:
        for name in ("a", "b"):
            started.append(ServerProcess(["--database", database_url], directory, name=name))
        deadline = time.monotonic() + STARTUP_SECONDS
        for server in started:
            server.wait_until_healthy(deadline=deadline)
        yield Cluster(database_url, started[0], started[1], token)
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def servers(cluster: Cluster) -> Cluster:
    cluster.mark()
    return cluster


def run_together(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(0..count-1)`` in threads; returns what they raised."""
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            work(n)
        except BaseException as error:  # reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    stuck = [t for t in threads if t.is_alive()]
    assert not stuck, f"{len(stuck)} threads never finished"
    return errors


def assert_status(response: httpx.Response, status: int, cluster: Cluster) -> dict[str, Any]:
    assert response.status_code == status, (
        f"{response.status_code} {response.text}\n{cluster.logs()}"
    )
    body: dict[str, Any] = response.json()
    return body


def instant(text: str) -> datetime:
    """A timestamp as HubSpot writes it (``...Z``, milliseconds optional)."""
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text)


def define_unique_property(cluster: Cluster, name: str) -> None:
    with cluster.client(cluster.a) as http:
        response = http.post(
            PROPERTIES,
            json={
                "name": name,
                "label": name.replace("_", " ").title(),
                "type": "string",
                "fieldType": "text",
                "groupName": "ticketinformation",
                "hasUniqueValue": True,
            },
        )
    assert_status(response, 201, cluster)


def create_ticket(cluster: Cluster, **properties: str) -> str:
    properties.setdefault("hs_pipeline_stage", "1")
    with cluster.client(cluster.a) as http:
        response = http.post(TICKETS, json={"properties": properties})
    ticket_id: str = assert_status(response, 201, cluster)["id"]
    return ticket_id


# -- unique values across processes -------------------------------------------------------


def test_concurrent_creates_with_one_unique_value_across_processes_let_exactly_one_win(
    servers: Cluster,
) -> None:
    define_unique_property(servers, "race_key")
    racers = 16
    before = servers.count_tickets()
    start = threading.Barrier(racers)
    responses: list[httpx.Response | None] = [None] * racers

    def race(n: int) -> None:
        server = servers.servers[n % 2]
        with servers.client(server) as http:
            # Connect, and let this process load the new property, before the start line.
            warm = http.post(BATCH_READ, json={"inputs": [{"id": "1"}], "properties": ["race_key"]})
            assert warm.status_code in (200, 207), warm.text
            start.wait(timeout=BARRIER_SECONDS)
            responses[n] = http.post(
                TICKETS,
                json={
                    "properties": {
                        "subject": f"racer {n} via {server.name}",
                        "hs_pipeline_stage": "1",
                        "race_key": "RACE-1",
                    }
                },
            )

    errors = run_together(racers, race)
    assert not errors, f"{errors}\n{servers.logs()}"
    done = [r for r in responses if r is not None]
    assert len(done) == racers
    statuses = sorted(r.status_code for r in done)
    assert statuses == [201] + [409] * (racers - 1), (
        f"{statuses}\n" + "\n".join(r.text for r in done) + servers.logs()
    )

    (winner,) = [r.json() for r in done if r.status_code == 201]
    assert winner["properties"]["race_key"] == "RACE-1"
    for response in done:
        if response.status_code != 409:
            continue
        body = response.json()
        assert list(body)[:3] == ["status", "message", "correlationId"], body
        assert body["status"] == "error", body
        assert body["category"] == "CONFLICT", body
        assert isinstance(body["message"], str), body
        assert winner["id"] in body["message"], body
        assert body["correlationId"], body
        assert body["correlationId"] == response.headers["x-hubspot-correlation-id"]

    assert servers.count_tickets() == before + 1, "only the winner's ticket was created"
    for server in servers.servers:
        with servers.client(server) as http:
            read = http.post(
                BATCH_READ,
                json={
                    "idProperty": "race_key",
                    "inputs": [{"id": "RACE-1"}],
                    "properties": ["subject", "race_key"],
                },
            )
        results = assert_status(read, 200, servers)["results"]
        assert [r["id"] for r in results] == [winner["id"]], results
        assert results[0]["properties"]["race_key"] == "RACE-1"
    servers.assert_servers_healthy()


def test_concurrent_upserts_of_one_new_unique_value_all_succeed_on_one_ticket(
    servers: Cluster,
) -> None:
    define_unique_property(servers, "upsert_key")
    for value in ("UPSERT-1", "UPSERT-2", "UPSERT-3"):  # the race is lost only sometimes
        _race_upserts(servers, value, racers=32)
    servers.assert_servers_healthy()


def _race_upserts(servers: Cluster, value: str, racers: int) -> None:
    before = servers.count_tickets()
    start = threading.Barrier(racers)
    responses: list[httpx.Response | None] = [None] * racers

    def race(n: int) -> None:
        server = servers.servers[n % 2]
        with servers.client(server) as http:
            warm = http.post(
                BATCH_READ, json={"inputs": [{"id": "1"}], "properties": ["upsert_key"]}
            )
            assert warm.status_code in (200, 207), warm.text
            start.wait(timeout=BARRIER_SECONDS)
            responses[n] = http.post(
                BATCH_UPSERT,
                json={
                    "inputs": [
                        {
                            "idProperty": "upsert_key",
                            "id": value,
                            "properties": {"subject": f"racer {n}", "hs_pipeline_stage": "1"},
                        }
                    ]
                },
            )

    errors = run_together(racers, race)
    assert not errors, f"{errors}\n{servers.logs()}"
    done = [r for r in responses if r is not None]
    statuses = sorted(r.status_code for r in done)
    assert statuses == [200] * racers, f"{statuses}\n" + "\n".join(r.text for r in done)
    ids = {r.json()["results"][0]["id"] for r in done}
    assert len(ids) == 1, ids
    created = [r.json()["results"][0]["new"] for r in done]
    assert created.count(True) == 1, created
    assert servers.count_tickets() == before + 1, "one ticket holds the value"


# -- no lost updates across processes -----------------------------------------------------


def test_concurrent_patches_of_one_ticket_across_processes_lose_no_history(
    servers: Cluster,
) -> None:
    ticket_id = create_ticket(servers, subject="original")
    per_process = 8
    writers = 2 * per_process
    start = threading.Barrier(writers)
    sent = [f"p{n % 2}-w{n // 2}" for n in range(writers)]
    responses: list[httpx.Response | None] = [None] * writers

    def write(n: int) -> None:
        with servers.client(servers.servers[n % 2]) as http:
            http.get(f"{TICKETS}/{ticket_id}")  # connect before the start line
            start.wait(timeout=BARRIER_SECONDS)
            responses[n] = http.patch(
                f"{TICKETS}/{ticket_id}", json={"properties": {"subject": sent[n]}}
            )

    errors = run_together(writers, write)
    assert not errors, f"{errors}\n{servers.logs()}"
    for n, response in enumerate(responses):
        assert response is not None
        body = assert_status(response, 200, servers)
        assert body["properties"]["subject"] == sent[n], body

    for server in servers.servers:
        with servers.client(server) as http:
            read = http.post(
                BATCH_READ,
                json={"inputs": [{"id": ticket_id}], "propertiesWithHistory": ["subject"]},
            )
        (record,) = assert_status(read, 200, servers)["results"]
        history = record["propertiesWithHistory"]["subject"]
        values = [entry["value"] for entry in history]
        assert len(values) == writers + 1, values
        assert values[-1] == "original", values
        assert sorted(values[:-1]) == sorted(sent), values
        assert record["properties"]["subject"] == values[0], "the newest write is current"
    servers.assert_servers_healthy()


def test_history_under_concurrent_patches_is_newest_first_by_order_and_timestamp(
    servers: Cluster,
) -> None:
    """Each writer PATCHes in sequence, so its own values must appear newest first; and
    across all writers the timestamps must never go back from one entry to the next older."""
    ticket_id = create_ticket(servers, subject="original")
    writers, each = 8, 25
    start = threading.Barrier(writers)
    statuses: list[int] = []

    def write(n: int) -> None:
        with servers.client(servers.servers[n % 2]) as http:
            http.get(f"{TICKETS}/{ticket_id}")  # connect before the start line
            start.wait(timeout=BARRIER_SECONDS)
            for k in range(each):
                response = http.patch(
                    f"{TICKETS}/{ticket_id}", json={"properties": {"subject": f"w{n}-{k}"}}
                )
                statuses.append(response.status_code)

    errors = run_together(writers, write)
    assert not errors, f"{errors}\n{servers.logs()}"
    assert statuses == [200] * (writers * each), f"{sorted(set(statuses))}\n{servers.logs()}"

    with servers.client(servers.b) as http:
        read = http.post(
            BATCH_READ, json={"inputs": [{"id": ticket_id}], "propertiesWithHistory": ["subject"]}
        )
    (record,) = assert_status(read, 200, servers)["results"]
    history = record["propertiesWithHistory"]["subject"]
    values = [entry["value"] for entry in history]
    assert len(values) == writers * each + 1, values
    assert values[-1] == "original"
    assert record["properties"]["subject"] == values[0]
    for n in range(writers):
        own = [v for v in values if v.startswith(f"w{n}-")]
        assert own == [f"w{n}-{k}" for k in reversed(range(each))], own

    stamps = [instant(entry["timestamp"]) for entry in history]
    backwards = [
        f"{newer['value']}@{newer['timestamp']} is listed before (newer than) "
        f"{older['value']}@{older['timestamp']}"
        for newer, older in itertools.pairwise(history)
        if instant(newer["timestamp"]) < instant(older["timestamp"])
    ]
    assert stamps == sorted(stamps, reverse=True), (
        f"history timestamps go back {len(backwards)} times, e.g. {backwards[:3]}"
    )
    assert record["updatedAt"] == history[0]["timestamp"]
    servers.assert_servers_healthy()


# -- batches are atomic for readers in another process ------------------------------------


class RoundsRace:
    """One writer on server ``a`` sets fifty tickets to ``round-N``; readers read them on ``b``."""

    MAX_ROUNDS = 400
    MAX_READS = 3000
    SECONDS = 3.0

    def __init__(self, cluster: Cluster, ids: list[str], readers: int) -> None:
        self.cluster = cluster
        self.ids = ids
        self.deadline = time.monotonic() + self.SECONDS
        self.writing = threading.Event()
        self.writing.set()
        self.last_round = 0
        self.seen: list[list[int]] = [[] for _ in range(readers)]
        """Per reader, the round each consistent read saw, in order."""
        self.bad_reads: list[str] = []
        self.start = threading.Barrier(readers + 1)

    def run(self, n: int) -> None:
        if n == 0:
            self.write()
        else:
            self.read(n - 1)

    def write(self) -> None:
        try:
            with self.cluster.client(self.cluster.a) as http:
                self.start.wait(timeout=BARRIER_SECONDS)
                for n in range(1, self.MAX_ROUNDS + 1):
                    if time.monotonic() > self.deadline:
                        break
                    inputs = [{"id": i, "properties": {"subject": f"round-{n}"}} for i in self.ids]
                    response = http.post(BATCH_UPDATE, json={"inputs": inputs})
                    assert response.status_code == 200, response.text
                    self.last_round = n
        finally:
            self.writing.clear()

    def read(self, k: int) -> None:
        body = {"inputs": [{"id": i} for i in self.ids], "properties": ["subject"]}
        with self.cluster.client(self.cluster.b) as http:
            self.start.wait(timeout=BARRIER_SECONDS)
            for _ in range(self.MAX_READS):
                if not self.writing.is_set() or time.monotonic() > self.deadline + 5:
                    break
                response = http.post(BATCH_READ, json=body)
                assert response.status_code == 200, response.text
                results = response.json()["results"]
                rounds = {r["properties"]["subject"] for r in results}
                if sorted(r["id"] for r in results) != sorted(self.ids) or len(rounds) != 1:
                    self.bad_reads.append(f"{len(results)} tickets, values {sorted(rounds)}")
                    continue
                self.seen[k].append(int(rounds.pop().removeprefix("round-")))


def test_readers_in_another_process_never_see_half_a_batch_update(servers: Cluster) -> None:
    size, readers = 50, 3
    with servers.client(servers.a) as http:
        created = http.post(
            BATCH_CREATE,
            json={
                "inputs": [
                    {"properties": {"subject": "round-0", "hs_pipeline_stage": "1"}}
                    for _ in range(size)
                ]
            },
        )
    ids = [r["id"] for r in assert_status(created, 201, servers)["results"]]
    assert len(set(ids)) == size

    race = RoundsRace(servers, ids, readers)
    errors = run_together(readers + 1, race.run)
    assert not errors, f"{errors}\n{servers.logs()}"
    assert not race.bad_reads, f"{len(race.bad_reads)} reads saw a mix, e.g. {race.bad_reads[:5]}"
    for rounds in race.seen:
        assert rounds == sorted(rounds), f"a reader went back in time: {rounds}"
    total_reads = sum(len(rounds) for rounds in race.seen)
    observed = {n for rounds in race.seen for n in rounds}
    assert race.last_round >= 5, f"the writer managed only {race.last_round} rounds"
    assert total_reads >= 10, f"readers managed only {total_reads} reads"
    assert len(observed) >= 2, f"readers never overlapped the writer: saw rounds {observed}"

    with servers.client(servers.b) as http:
        final = http.post(
            BATCH_READ, json={"inputs": [{"id": i} for i in ids], "properties": ["subject"]}
        )
    results = assert_status(final, 200, servers)["results"]
    assert {r["properties"]["subject"] for r in results} == {f"round-{race.last_round}"}
    servers.assert_servers_healthy()


# -- associations across processes --------------------------------------------------------

TICKET_TO_CONTACT = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}
CONTACT_TO_TICKET = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 15}


def associate_somehow(
    http: httpx.Client, step: int, ticket: str, contact: str, everyone: list[str]
) -> httpx.Response:
    """One of five association writes, by ``step``: ``everyone`` is every contact, then
    every ticket; the last contact is archived by the fifth."""
    contacts, tickets = everyone[:6], everyone[6:]
    kind = step % 5
    if kind == 0:
        url = f"/crm/v4/objects/tickets/{ticket}/associations/contacts/{contact}"
        return http.put(url, json=[TICKET_TO_CONTACT])
    if kind == 1:
        url = f"/crm/v4/objects/contacts/{contact}/associations/tickets/{ticket}"
        return http.put(url, json=[CONTACT_TO_TICKET])
    if kind == 2:
        pairs = [{"from": {"id": c}, "to": {"id": t}} for c in contacts for t in tickets]
        return http.post(
            "/crm/v4/associations/contacts/tickets/batch/associate/default",
            json={"inputs": pairs[step % 7 :] + pairs[: step % 7]},
        )
    if kind == 3:
        return http.post(
            "/crm/v4/associations/tickets/contacts/batch/archive",
            json={"inputs": [{"from": {"id": ticket}, "to": [{"id": contact}]}]},
        )
    return http.delete(f"/crm/v3/objects/contacts/{contacts[-1]}")


def associated(
    http: httpx.Client, from_type: str, ids: list[str], to_type: str
) -> set[tuple[str, str]]:
    """Every ``(ticket, contact)`` associated, as read from ``from_type``'s side."""
    found = set()
    for from_id in ids:
        page = http.get(f"/crm/v4/objects/{from_type}/{from_id}/associations/{to_type}")
        for result in page.json()["results"]:
            pair = (from_id, str(result["toObjectId"]))
            found.add(pair if from_type == "tickets" else pair[::-1])
    return found


def test_association_writers_in_both_directions_never_fail_and_leave_both_sides_alike(
    servers: Cluster,
) -> None:
    """Eight threads over both processes associate tickets and contacts from either side
    (one at a time and in batches, labelled and by default), remove associations and
    archive a contact, all at once: every request succeeds (no deadlock between writers
    that lock the same records from either end), and afterwards each association reads
    the same from both sides, with none left to the archived contact."""
    store = open_store(servers.database_url)
    try:
        scopes = ["tickets", "crm.objects.contacts.read", "crm.objects.contacts.write"]
        token, _ = create_token(store, scopes)
    finally:
        store.close()
    tickets = [create_ticket(servers, subject=f"T{n}") for n in range(6)]
    with servers.client(servers.a) as http:
        http.headers["Authorization"] = f"Bearer {token}"
        made = http.post(
            "/crm/v3/objects/contacts/batch/create", json={"inputs": [{"properties": {}}] * 6}
        )
        contacts = [c["id"] for c in assert_status(made, 201, servers)["results"]]
    threads = 8
    start = threading.Barrier(threads)

    def work(n: int) -> None:
        with servers.client(servers.a if n % 2 else servers.b) as http:
            http.headers["Authorization"] = f"Bearer {token}"
            start.wait(BARRIER_SECONDS)
            for step in range(n, n + 12):
                ticket, contact = tickets[step % 6], contacts[(n * step) % 6]
                response = associate_somehow(http, step, ticket, contact, contacts + tickets)
                if response.status_code == 400 and contacts[-1] in response.text:
                    continue  # the archived contact can no longer be associated
                assert response.status_code in (200, 201, 204), (
                    f"{response.status_code} {response.text}\n{servers.logs()}"
                )

    errors = run_together(threads, work)
    assert not errors, f"{errors}\n{servers.logs()}"
    servers.assert_servers_healthy()
    with servers.client(servers.a) as http:
        http.headers["Authorization"] = f"Bearer {token}"
        from_tickets = associated(http, "tickets", tickets, "contacts")
        assert from_tickets == associated(http, "contacts", contacts, "tickets")
    assert from_tickets, "some associations were made"
    assert contacts[-1] not in {contact for _, contact in from_tickets}
