"""Listing tickets a page at a time: ``GET /crm/v3/objects/tickets`` (docs/behaviour.md, List).

- Pages come in id order, ``limit`` tickets each (default 10, 1 to 100; 50 at most when
  property history is asked for), with ``paging.next`` only when another page follows.
- ``paging.next.after`` is HubSpot's cursor: the id the next page starts from (the last id
  plus one); ``link`` is the request's own URL with that ``after``.
- Records are built as batch read builds them: same properties, history and shape.
- ``archived=true`` lists only archived tickets, ``false`` (the default) only live ones.
- Paging is by id, so tickets written while a reader pages never make it skip or repeat
  one (the last test, with a writer thread).

The SDK (validating every model) pages where it can express the test; raw HTTP checks
bytes, key order and errors.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import hubspot
import orjson
import pytest
from hubspot.crm.tickets import ApiException, BatchReadInputSimplePublicObjectId
from hubspot_rules import ALWAYS, DEFAULT_KEYS, TICKETS

if TYPE_CHECKING:
    from conftest import LiveServer

Json = dict[str, Any]

JSON_CONTENT_TYPE = "application/json;charset=utf-8"

RECORD = ["id", "properties", "createdAt", "updatedAt", "archived"]
TOO_MANY_WITH_HISTORY = (
    "The maximum number of records supported in a page with property histories is 50. "
    "Please reduce the limit and try again"
)


# -- helpers ---------------------------------------------------------------------------------


def create_tickets(http: httpx.Client, count: int, subject: str = "Ticket") -> list[int]:
    """``count`` new tickets (subjects ``<subject> <n>``), their ids in increasing order."""
    ids: list[int] = []
    for start in range(0, count, 100):
        inputs = [
            {"properties": {"subject": f"{subject} {n}", "hs_pipeline_stage": "1"}}
            for n in range(start, min(start + 100, count))
        ]
        response = http.post(f"{TICKETS}/batch/create", json={"inputs": inputs})
        assert response.status_code == 201, response.text
        ids += [int(record["id"]) for record in response.json()["results"]]
    return sorted(ids)


def archive(http: httpx.Client, ids: list[int]) -> None:
    body = {"inputs": [{"id": str(i)} for i in ids]}
    assert http.post(f"{TICKETS}/batch/archive", json=body).status_code == 204


def list_ok(http: httpx.Client, path: str = TICKETS, **params: Any) -> Json:
    """A list request that must answer 200 in HubSpot's wire format; its body."""
    response = http.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_CONTENT_TYPE
    assert response.content == orjson.dumps(orjson.loads(response.content)), "compact JSON"
    body: Json = response.json()
    assert list(body) in (["results"], ["results", "paging"])
    for record in body["results"]:
        assert [k for k in record if k in RECORD] == RECORD
    return body


def ids_of(body: Json) -> list[int]:
    return [int(record["id"]) for record in body["results"]]


def next_after(body: Json) -> str | None:
    paging = body.get("paging")
    return None if paging is None else str(paging["next"]["after"])


def list_everything(http: httpx.Client, **params: Any) -> list[int]:
    """Every id a reader sees, following ``paging.next.after`` to the end."""
    seen: list[int] = []
    after: str | None = None
    while True:
        body = list_ok(http, **params, **({"after": after} if after else {}))
        seen += ids_of(body)
        after = next_after(body)
        if after is None:
            return seen


def record_fields(record: Any) -> tuple[Any, ...]:
    """What an SDK record of either model (with or without associations) holds."""
    return (
        record.id,
        record.properties,
        record.properties_with_history,
        record.created_at,
        record.updated_at,
        record.archived,
    )


def assert_validation_error(response: httpx.Response, message: str) -> None:
    assert response.status_code == 400, response.text
    correlation_id = response.headers["x-hubspot-correlation-id"]
    assert response.content == orjson.dumps(
        {
            "status": "error",
            "message": message,
            "correlationId": correlation_id,
            "category": "VALIDATION_ERROR",
        }
    )


# -- paging through the SDK ----------------------------------------------------------------


def test_sdk_pages_through_every_ticket_in_id_order(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    created = create_tickets(http, 25)
    seen: list[int] = []
    sizes: list[int] = []
    after = None
    while True:
        page = sdk.crm.tickets.basic_api.get_page(
            limit=10, after=after, properties=["subject"], archived=False
        )
        seen += [int(t.id) for t in page.results]
        sizes.append(len(page.results))
        assert all(t.properties["subject"].startswith("Ticket ") for t in page.results)
        assert all(set(t.properties) == {"subject", *ALWAYS} for t in page.results)
        if page.paging is None:
            break
        after = page.paging.next.after
        assert after == str(seen[-1] + 1), "the cursor is the next page's first possible id"
    assert seen == created
    assert sizes == [10, 10, 5]


def test_sdk_get_all_reads_every_ticket_a_hundred_at_a_time(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    created = create_tickets(http, 150)
    everything = sdk.crm.tickets.get_all(properties=["subject"])
    assert [int(t.id) for t in everything] == created


def test_sdk_sees_an_over_large_limit_refused(sdk: hubspot.Client) -> None:
    with pytest.raises(ApiException) as raised:
        sdk.crm.tickets.basic_api.get_page(limit=101)
    assert raised.value.status == 400
    assert orjson.loads(raised.value.body)["category"] == "VALIDATION_ERROR"


# -- the page, byte by byte ------------------------------------------------------------------


def test_default_page_is_ten_tickets_with_the_default_properties(
    server: LiveServer, http: httpx.Client
) -> None:
    created = create_tickets(http, 12)
    body = list_ok(http)
    assert ids_of(body) == created[:10]
    assert list(body) == ["results", "paging"]
    assert list(body["paging"]) == ["next"]
    assert list(body["paging"]["next"]) == ["after", "link"]
    after = str(created[9] + 1)
    assert body["paging"]["next"] == {
        "after": after,
        "link": f"{server.base_url}{TICKETS}?after={after}",
    }
    for record in body["results"]:
        assert list(record) == RECORD
        assert list(record["properties"]) == DEFAULT_KEYS
        assert record["properties"]["hs_object_id"] == record["id"]
        assert record["archived"] is False


def test_a_page_with_nothing_after_it_has_no_paging(http: httpx.Client) -> None:
    assert list_ok(http) == {"results": []}
    created = create_tickets(http, 4)
    body = list_ok(http, limit=4)
    assert ids_of(body) == created
    assert "paging" not in body
    last = list_ok(http, limit=3, after=str(created[3]))
    assert ids_of(last) == created[3:]
    assert "paging" not in last


def test_link_keeps_the_query_and_reads_the_next_page(
    server: LiveServer, http: httpx.Client
) -> None:
    created = create_tickets(http, 5)
    body = list_ok(http, limit=2, properties="subject,content", archived="false")
    link = body["paging"]["next"]["link"]
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == server.base_url
    assert parts.path == TICKETS
    assert parse_qsl(parts.query) == [
        ("limit", "2"),
        ("properties", "subject,content"),
        ("archived", "false"),
        ("after", str(created[1] + 1)),
    ]
    followed = http.get(link)
    assert followed.status_code == 200, followed.text
    assert ids_of(followed.json()) == created[2:4]
    again = followed.json()["paging"]["next"]["link"]
    assert parse_qsl(urlsplit(again).query)[-1] == ("after", str(created[3] + 1))
    assert again.count("after=") == 1, "the old cursor is replaced, not repeated"


def test_after_is_the_id_a_page_starts_from(http: httpx.Client) -> None:
    """HubSpot: "the after value is the id of the next record", so a page includes it."""
    created = create_tickets(http, 6)
    assert ids_of(list_ok(http, after=str(created[2]))) == created[2:]
    assert ids_of(list_ok(http, after="0")) == created
    beyond = list_ok(http, after=str(created[-1] + 1))
    assert beyond == {"results": []}
    assert list_ok(http, after="9" * 40) == {"results": []}


# -- limit and after ---------------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5", "1e2", " 5", "9" * 30])
def test_limit_outside_1_to_100_is_rejected(http: httpx.Client, limit: str) -> None:
    assert_validation_error(
        http.get(TICKETS, params={"limit": limit}),
        f"Invalid limit '{limit}': a page holds from 1 to 100 records",
    )


def test_limit_bounds_are_inclusive(http: httpx.Client) -> None:
    created = create_tickets(http, 101)
    full = list_ok(http, limit=100)
    assert ids_of(full) == created[:100]
    assert next_after(full) == str(created[99] + 1)
    assert ids_of(list_ok(http, limit=1)) == created[:1]
    assert ids_of(list_ok(http, limit="007")) == created[:7]
    assert ids_of(list_ok(http, limit="")) == created[:10], "an empty limit is the default"


def test_history_lowers_the_limit_to_50(http: httpx.Client) -> None:
    created = create_tickets(http, 51)
    history = {"propertiesWithHistory": "subject"}
    assert_validation_error(
        http.get(TICKETS, params={"limit": 51, **history}), TOO_MANY_WITH_HISTORY
    )
    assert_validation_error(
        http.get(TICKETS, params={"limit": 101, **history}),
        "Invalid limit '101': a page holds from 1 to 100 records",
    )
    page = list_ok(http, limit=50, **history)
    assert ids_of(page) == created[:50]
    assert all("propertiesWithHistory" in record for record in page["results"])
    assert ids_of(list_ok(http, limit=51, propertiesWithHistory="")) == created[:51]


@pytest.mark.parametrize("after", ["abc", "-1", "1.5", "\uff11\uff12"])
def test_after_that_is_no_cursor_is_rejected(http: httpx.Client, after: str) -> None:
    assert_validation_error(
        http.get(TICKETS, params={"after": after}),
        f"Invalid paging cursor '{after}': pass the paging.next.after of a page",
    )


# -- what each record holds ----------------------------------------------------------------------


def test_records_are_built_exactly_as_batch_read_builds_them(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    created = create_tickets(http, 3)
    patched = http.patch(
        f"{TICKETS}/{created[1]}",
        json={"properties": {"subject": "Renamed", "hs_ticket_priority": "HIGH"}},
    )
    assert patched.status_code == 200, patched.text
    wanted = {
        "properties": ["subject", "no_such_property"],
        "propertiesWithHistory": ["hs_ticket_priority", "subject"],
    }
    listed = list_ok(
        http,
        properties="subject,no_such_property",
        propertiesWithHistory="hs_ticket_priority,subject",
    )
    read = http.post(
        f"{TICKETS}/batch/read",
        json={"inputs": [{"id": str(i)} for i in created], **wanted},
    )
    assert read.status_code == 200, read.text
    assert listed["results"] == read.json()["results"]
    renamed = listed["results"][1]
    assert list(renamed["properties"]) == [*ALWAYS, "hs_ticket_priority", "subject"]
    assert [v["value"] for v in renamed["propertiesWithHistory"]["subject"]] == [
        "Renamed",
        "Ticket 1",
    ]
    assert "hs_ticket_priority" not in listed["results"][0]["propertiesWithHistory"]

    batch = sdk.crm.tickets.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[{"id": str(created[1])}],
            properties=["subject"],
            properties_with_history=["subject"],
        )
    )
    page = sdk.crm.tickets.basic_api.get_page(
        limit=1, after=str(created[1]), properties=["subject"], properties_with_history=["subject"]
    )
    assert record_fields(page.results[0]) == record_fields(batch.results[0])


def test_archived_lists_only_archived_tickets_and_pages_through_them(http: httpx.Client) -> None:
    created = create_tickets(http, 7)
    gone = created[1::2]
    archive(http, gone)
    live = [i for i in created if i not in gone]
    assert list_everything(http, limit=2) == live
    assert list_everything(http, limit=1, archived="true") == gone
    assert list_everything(http, limit=2, archived="FALSE") == live
    for record in list_ok(http, archived="true")["results"]:
        assert list(record) == [*RECORD, "archivedAt"]
        assert record["archived"] is True
    assert_validation_error(
        http.get(TICKETS, params={"archived": "maybe"}),
        "Invalid value 'maybe' for query parameter archived: expected true or false",
    )


# -- paging while others write -------------------------------------------------------------------


class Writer:
    """A thread that keeps creating tickets and updating earlier ones until stopped,
    counting its rounds so that a reader can wait for one between two pages."""

    def __init__(self, server: LiveServer, token: str, earlier: list[int]) -> None:
        self._client = server.http(token)
        self._earlier = earlier
        self._created: list[int] = []
        self.rounds = 0
        self.errors: list[str] = []
        self._stopped = threading.Event()
        self._progress = threading.Condition()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stops the thread once its round is done, and closes its client (idempotent)."""
        self._stopped.set()
        self._thread.join(timeout=30)
        self._client.close()

    def existing(self) -> list[int]:
        """Every ticket known to exist now: the earlier ones and those created so far."""
        with self._progress:
            return sorted([*self._earlier, *self._created])

    def wait_for_a_round_after(self, rounds: int) -> None:
        with self._progress:
            if not self._progress.wait_for(lambda: self.rounds > rounds, timeout=10):
                raise AssertionError(f"the writer made no progress: {self.errors}")

    def _run(self) -> None:
        new_tickets = {
            "inputs": [{"properties": {"subject": "Late", "hs_pipeline_stage": "1"}}] * 3
        }
        while not self._stopped.is_set():
            target = self._earlier[self.rounds % len(self._earlier)]
            created = self._client.post(f"{TICKETS}/batch/create", json=new_tickets)
            updated = self._client.patch(
                f"{TICKETS}/{target}", json={"properties": {"subject": f"Round {self.rounds}"}}
            )
            if created.status_code != 201 or updated.status_code != 200:
                self.errors.append(f"{created.text} {updated.text}")
                return
            with self._progress:
                self._created += [int(r["id"]) for r in created.json()["results"]]
                self.rounds += 1
                self._progress.notify_all()


@pytest.fixture
def writer(server: LiveServer, http: httpx.Client, token: str) -> Iterator[Writer]:
    running = Writer(server, token, create_tickets(http, 60))
    running.start()
    try:
        yield running
    finally:
        running.stop()


def test_paging_while_tickets_are_written_never_skips_or_repeats_one(
    http: httpx.Client, writer: Writer
) -> None:
    existing = writer.existing()
    seen: list[int] = []
    after: str | None = None
    pages = 0
    while True:
        rounds = writer.rounds
        body = list_ok(http, limit=7, properties="subject", **({"after": after} if after else {}))
        seen += ids_of(body)
        pages += 1
        after = next_after(body)
        if after is None:
            break
        if int(after) <= existing[-1]:
            writer.wait_for_a_round_after(rounds)  # tickets written between every two pages
        else:
            writer.stop()  # past every earlier ticket: let the list come to its end
    assert not writer.errors, writer.errors
    assert len(seen) == len(set(seen)), "a ticket was listed twice"
    assert seen == sorted(seen)
    missed = sorted(set(existing) - set(seen))
    assert not missed, f"tickets that existed before paging began were skipped: {missed}"
    assert pages >= len(existing) // 7
    assert writer.rounds >= len(existing) // 7 - 1, "writes happened between the pages"
