"""Cached answers of the batch read stay exact across workers (docs/decisions.md, "Cached
answers of the batch read").

Two app instances over one database, each with its own cache, as two workers of `spoke
serve --workers 2` are: ``server`` writes, ``other`` reads. Before each write, ``other``
reads the same records until it holds their answers; after it, its very next read must
be what a worker that never held an answer reads: a third instance, started afresh.
Every test checks that the write changed the answer, so none passes with a cache that
forgets nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from servers import LiveServer, live_server

from spoke.store.base import MAX_OBJECT_CHANGES

Json = dict[str, Any]

TICKETS = "/crm/v3/objects/tickets"
READ = f"{TICKETS}/batch/read"
SCOPES = ("tickets", "crm.schemas.tickets.write")

#: Scenario A of the benchmark (values) and B (with history).
VALUES = {"properties": ["subject", "content", "hs_pipeline_stage", "hs_ticket_priority"]}
HISTORY = {"properties": ["subject"], "propertiesWithHistory": ["subject", "hs_pipeline_stage"]}


@pytest.fixture
def token(server: LiveServer) -> str:
    return server.token(scopes=SCOPES)


@pytest.fixture
def other(server: LiveServer, token: str) -> Iterator[httpx.Client]:
    """A second instance over the same database: another worker."""
    with live_server(server.database_url) as running, running.http(token) as client:
        yield client


def create(http: httpx.Client, count: int) -> list[str]:
    inputs = [
        {"properties": {"subject": f"Ticket {n}", "hs_pipeline_stage": "1"}} for n in range(count)
    ]
    answer = http.post(f"{TICKETS}/batch/create", json={"inputs": inputs})
    assert answer.status_code == 201, answer.text
    return sorted((r["id"] for r in answer.json()["results"]), key=int)


def read(http: httpx.Client, ids: list[str], form: Json, archived: bool = False) -> Json:
    """The batch read's answer, without its instants of the request."""
    response = http.post(
        READ,
        params={"archived": str(archived).lower()},
        json={"inputs": [{"id": i} for i in ids], **form},
    )
    assert response.status_code in {200, 207}, response.text
    body: Json = response.json()
    del body["startedAt"], body["completedAt"]
    return body


def warm(http: httpx.Client, ids: list[str], form: Json, archived: bool = False) -> Json:
    """Read until the answers are held after a read of the change log (a worker's first
    read of the log forgets everything it holds), and return the answer."""
    first = read(http, ids, form, archived)
    for _ in range(3):
        assert read(http, ids, form, archived) == first
    return first


def fresh(
    server: LiveServer, token: str, ids: list[str], form: Json, archived: bool = False
) -> Json:
    """What a worker that never held an answer reads."""
    with live_server(server.database_url) as running, running.http(token) as client:
        return read(client, ids, form, archived)


def assert_sees(  # noqa: PLR0917
    server: LiveServer,
    token: str,
    other: httpx.Client,
    ids: list[str],
    form: Json,
    before: Json,
    archived: bool = False,
) -> Json:
    after = read(other, ids, form, archived)
    assert after != before, "the write must change the answer, or this test proves nothing"
    assert after == fresh(server, token, ids, form, archived)
    return after


@pytest.mark.parametrize("form", [VALUES, HISTORY], ids=["values", "history"])
def test_an_update_on_one_worker_is_read_by_the_next_read_on_another(
    server: LiveServer, http: httpx.Client, other: httpx.Client, token: str, form: Json
) -> None:
    ids = create(http, 5)
    before = warm(other, ids, form)
    changed = http.patch(f"{TICKETS}/{ids[2]}", json={"properties": {"subject": "Renamed"}})
    assert changed.status_code == 200, changed.text
    after = assert_sees(server, token, other, ids, form, before)
    assert after["results"][2]["properties"]["subject"] == "Renamed"
    before = warm(other, ids, form)
    batch = [{"id": i, "properties": {"hs_pipeline_stage": "2"}} for i in ids[:3]]
    assert http.post(f"{TICKETS}/batch/update", json={"inputs": batch}).status_code == 200
    assert_sees(server, token, other, ids, form, before)


def test_archiving_on_one_worker_moves_the_record_out_of_another_workers_answers(
    server: LiveServer, http: httpx.Client, other: httpx.Client, token: str
) -> None:
    ids = create(http, 3)
    live = warm(other, ids, VALUES)
    archived = warm(other, ids, VALUES, archived=True)
    assert archived["numErrors"] == 1 and not archived["results"]
    assert http.delete(f"{TICKETS}/{ids[1]}").status_code == 204
    after = assert_sees(server, token, other, ids, VALUES, live)
    assert after["errors"][0]["context"]["ids"] == [ids[1]]
    after_archived = assert_sees(server, token, other, ids, VALUES, archived, archived=True)
    assert [r["id"] for r in after_archived["results"]] == [ids[1]]


@pytest.mark.parametrize("form", [VALUES, HISTORY], ids=["values", "history"])
def test_a_merge_on_one_worker_is_read_by_the_next_read_on_another(
    server: LiveServer, http: httpx.Client, other: httpx.Client, token: str, form: Json
) -> None:
    ids = create(http, 3)
    before = warm(other, ids, form)
    merged = http.post(
        f"{TICKETS}/merge", json={"primaryObjectId": ids[0], "objectIdToMerge": ids[1]}
    )
    assert merged.status_code == 200, merged.text
    assert_sees(server, token, other, ids, form, before)


def test_a_new_property_made_on_one_worker_is_read_by_the_next_read_on_another(
    server: LiveServer, http: httpx.Client, other: httpx.Client, token: str
) -> None:
    ids = create(http, 2)
    form = {"properties": ["subject", "severity_score"]}
    before = warm(other, ids, form)
    made = http.post(
        "/crm/v3/properties/tickets",
        json={
            "name": "severity_score",
            "label": "Severity score",
            "type": "number",
            "fieldType": "number",
            "groupName": "ticketinformation",
        },
    )
    assert made.status_code == 201, made.text
    assert_sees(server, token, other, ids, form, before)


def test_more_changes_than_the_log_reports_make_another_worker_forget_everything(
    server: LiveServer, http: httpx.Client, other: httpx.Client, token: str
) -> None:
    """Past ``MAX_OBJECT_CHANGES`` changed records the reader forgets every answer it
    holds: the one record read must still be read as changed."""
    (watched,) = create(http, 1)
    others = create(http, 100)
    before = warm(other, [watched], VALUES)
    assert (
        http.patch(f"{TICKETS}/{watched}", json={"properties": {"subject": "Early"}}).status_code
        == 200
    )
    updates = 0
    while updates <= MAX_OBJECT_CHANGES:
        batch = [{"id": i, "properties": {"content": f"pass {updates}"}} for i in others]
        assert http.post(f"{TICKETS}/batch/update", json={"inputs": batch}).status_code == 200
        updates += len(others)
    assert_sees(server, token, other, [watched], VALUES, before)
