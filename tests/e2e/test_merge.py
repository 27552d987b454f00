"""Merging tickets (``POST /crm/v3/objects/tickets/merge``) against a live server, through
HubSpot's official SDK and raw HTTP.

What is checked (docs/behaviour.md, "Merge"):

- The primary keeps its id; its values win, a property it has no value for takes the
  merged ticket's; ``createdate`` is the older one; ``hs_merged_object_ids`` lists every
  id ever merged into it (``;``-separated, in number order).
- Property history holds the writes of both tickets, newest first, and the merge writes
  entries with ``sourceType`` MERGE_OBJECTS wherever the combined history does not end
  with the current value.
- The merged-away id reads (single read, batch read) as the primary, and writes to it
  (update, archive) reach the primary; it is not listed any more.
- Merging a ticket with itself, a missing or archived ticket, or an id that is not a
  number: HubSpot's 400 and 404 envelopes, and nothing changes.
- Unique values of the merged ticket move to the primary where it takes them, and are
  released where it does not.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import msgspec
import pytest
from hubspot.crm.tickets import PublicMergeInput, SimplePublicObject
from hubspot.crm.tickets.exceptions import ApiException
from hubspot_rules import TICKETS, create_ticket, define_property
from servers import STARTUP_SECONDS, ServerProcess

from spoke.api import schemas
from spoke.domain.tokens import create_token
from spoke.store import open_store

if TYPE_CHECKING:
    from conftest import LiveServer

APP_ID = 5151
MERGE = f"{TICKETS}/merge"
NOT_FOUND = (
    "Could not get some TICKET objects, they may be deleted or not exist. Check that ids are valid."
)
ALL_MERGE_PATHS = [
    "/crm/v3/objects/tickets/merge",
    "/crm/v3/objects/0-5/merge",
    "/crm/objects/2026-03/tickets/merge",
    "/crm/objects/2026-03/0-5/merge",
]


@pytest.fixture
def token(server: LiveServer) -> str:
    """Every write in this module is made by app ``APP_ID``."""
    return server.token(app_id=APP_ID)


# -- helpers -----------------------------------------------------------------------------


def create(http: httpx.Client, **properties: Any) -> str:
    """A new ticket's id; waits a little so no two writes share a millisecond."""
    ticket_id = create_ticket(http, **properties)["id"]
    time.sleep(0.003)
    return str(ticket_id)


def update(http: httpx.Client, ticket_id: str, **properties: Any) -> dict[str, Any]:
    response = http.patch(f"{TICKETS}/{ticket_id}", json={"properties": properties})
    assert response.status_code == 200, response.text
    time.sleep(0.003)
    body: dict[str, Any] = response.json()
    return body


def merge(http: httpx.Client, primary: str, merged: str, path: str = MERGE) -> dict[str, Any]:
    response = http.post(path, json={"primaryObjectId": primary, "objectIdToMerge": merged})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def read(http: httpx.Client, ticket_id: str, *properties: str) -> dict[str, Any]:
    query = {"properties": ",".join(properties)} if properties else {}
    response = http.get(f"{TICKETS}/{ticket_id}", params=query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def batch_read(http: httpx.Client, ids: list[str], **extra: Any) -> httpx.Response:
    return http.post(f"{TICKETS}/batch/read", json={"inputs": [{"id": i} for i in ids], **extra})


def history(http: httpx.Client, ticket_id: str, *names: str) -> dict[str, list[dict[str, Any]]]:
    response = batch_read(http, [ticket_id], propertiesWithHistory=list(names))
    assert response.status_code == 200, response.text
    (record,) = response.json()["results"]
    found: dict[str, list[dict[str, Any]]] = record["propertiesWithHistory"]
    return found


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def error(response: httpx.Response, status: int, category: str) -> dict[str, Any]:
    """The HubSpot error envelope of ``response``, checked (keys in HubSpot's order)."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert list(body)[:3] == ["status", "message", "correlationId"]
    assert body["status"] == "error"
    assert body["category"] == category
    assert body["correlationId"] == response.headers["x-hubspot-correlation-id"]
    return body


def sdk_merge(sdk: hubspot.Client, primary: str, merged: str) -> SimplePublicObject:
    result = sdk.crm.tickets.basic_api.merge(
        public_merge_input=PublicMergeInput(primary_object_id=primary, object_id_to_merge=merged)
    )
    assert isinstance(result, SimplePublicObject)
    return result


# -- the merged ticket -------------------------------------------------------------------


def test_merge_through_the_sdk_keeps_the_primary_and_fills_its_empty_values(
    http: httpx.Client, sdk: hubspot.Client
) -> None:
    primary = create(http, subject="Printer on fire", hs_ticket_priority="HIGH")
    merged = create(
        http, subject="Printer smoking", hs_ticket_priority="LOW", content="Third floor"
    )
    before = read(http, primary)

    result = sdk_merge(sdk, primary, merged)

    assert result.id == primary
    assert result.archived is False
    values = result.properties
    assert values["subject"] == "Printer on fire"
    assert values["hs_ticket_priority"] == "HIGH"
    assert values["content"] == "Third floor"
    assert values["hs_object_id"] == primary
    assert values["hs_merged_object_ids"] == merged
    assert values["createdate"] == before["properties"]["createdate"]
    assert instant(values["hs_lastmodifieddate"]) > instant(before["updatedAt"])
    assert result.updated_at == instant(values["hs_lastmodifieddate"])
    assert read(http, primary, "subject", "content", "hs_merged_object_ids")["properties"] == {
        "content": "Third floor",
        "createdate": values["createdate"],
        "hs_lastmodifieddate": values["hs_lastmodifieddate"],
        "hs_merged_object_ids": merged,
        "hs_object_id": primary,
        "subject": "Printer on fire",
    }


def test_the_response_is_a_ticket_with_every_value_it_has(http: httpx.Client) -> None:
    primary = create(http, subject="A")
    merged = create(http, subject="B", hs_ticket_category="BILLING_ISSUE")
    response = http.post(MERGE, json={"primaryObjectId": primary, "objectIdToMerge": merged})
    assert response.status_code == 200, response.text
    ticket = msgspec.json.decode(response.content, type=schemas.SimplePublicObject, strict=True)
    assert list(response.json()) == ["id", "properties", "createdAt", "updatedAt", "archived"]
    assert ticket.id == primary
    assert ticket.createdAt == ticket.properties["createdate"]
    assert sorted(ticket.properties) == list(ticket.properties)
    assert ticket.properties["hs_ticket_category"] == "BILLING_ISSUE"
    assert ticket.properties["hs_pipeline"] == "0"
    assert ticket.properties["hs_pipeline_stage"] == "1"


def test_the_older_createdate_is_kept(http: httpx.Client) -> None:
    older = create(http, subject="First report")
    primary = create(http, subject="Second report")
    created = read(http, older)["createdAt"]
    assert instant(created) < instant(read(http, primary)["createdAt"])
    result = merge(http, primary, older)
    assert result["id"] == primary
    assert result["properties"]["createdate"] == created
    assert result["createdAt"] == created
    assert read(http, primary)["createdAt"] == created


def test_numbers_are_accepted_as_ids(http: httpx.Client) -> None:
    primary = create(http)
    merged = create(http)
    response = http.post(
        MERGE, json={"primaryObjectId": int(primary), "objectIdToMerge": int(merged)}
    )
    assert response.status_code == 200, response.text
    assert response.json()["id"] == primary


@pytest.mark.parametrize("path", ALL_MERGE_PATHS)
def test_every_path_merges(http: httpx.Client, path: str) -> None:
    primary = create(http, subject="kept")
    merged = create(http, subject="gone")
    assert merge(http, primary, merged, path)["properties"]["hs_merged_object_ids"] == merged
    assert read(http, merged)["id"] == primary


# -- history --------------------------------------------------------------------------------


def test_history_holds_both_tickets_newest_first_and_the_merge(http: httpx.Client) -> None:
    primary = create(http, subject="P1")
    merged = create(http, subject="S1", content="C1")
    update(http, merged, subject="S2")
    result = merge(http, primary, merged)
    merged_at = result["updatedAt"]
    by_app = {"sourceType": "INTEGRATION", "sourceId": str(APP_ID)}
    by_merge = {"sourceType": "MERGE_OBJECTS", "sourceId": str(APP_ID)}

    found = history(http, primary, "subject", "content", "hs_object_id", "hs_merged_object_ids")

    # The merged ticket's subject is newer, so the merge records the primary's again.
    assert [(e["value"], e["sourceType"]) for e in found["subject"]] == [
        ("P1", "MERGE_OBJECTS"),
        ("S2", "INTEGRATION"),
        ("S1", "INTEGRATION"),
        ("P1", "INTEGRATION"),
    ]
    assert found["subject"][0] == {"value": "P1", "timestamp": merged_at, **by_merge}
    assert all(e == {**e, **by_app} for e in found["subject"][1:])
    timestamps = [e["timestamp"] for e in found["subject"]]
    assert timestamps == sorted(timestamps, reverse=True)
    # The primary had no content: it takes the merged ticket's, with its history as is.
    assert [e["value"] for e in found["content"]] == ["C1"]
    assert found["content"][0]["sourceType"] == "INTEGRATION"
    assert [(e["value"], e["sourceType"]) for e in found["hs_object_id"]] == [
        (primary, "MERGE_OBJECTS"),
        (merged, "INTEGRATION"),
        (primary, "INTEGRATION"),
    ]
    assert found["hs_merged_object_ids"] == [{"value": merged, "timestamp": merged_at, **by_merge}]


def test_the_merge_adds_no_entry_where_history_already_ends_with_the_value(
    http: httpx.Client,
) -> None:
    primary = create(http, subject="P1")
    merged = create(http, subject="S1")
    update(http, primary, subject="P2")
    merge(http, primary, merged)
    found = history(http, primary, "subject", "hs_lastmodifieddate")
    assert [(e["value"], e["sourceType"]) for e in found["subject"]] == [
        ("P2", "INTEGRATION"),
        ("S1", "INTEGRATION"),
        ("P1", "INTEGRATION"),
    ]
    assert found["hs_lastmodifieddate"][0]["sourceType"] == "MERGE_OBJECTS"
    assert len(found["hs_lastmodifieddate"]) == 4  # two creates, one update, the merge


def test_writes_after_a_merge_go_on_top_of_the_combined_history(http: httpx.Client) -> None:
    primary = create(http, subject="P1")
    merged = create(http, subject="S1")
    merge(http, primary, merged)
    time.sleep(0.003)
    update(http, merged, subject="After")
    found = history(http, primary, "subject")
    assert [e["value"] for e in found["subject"]] == ["After", "P1", "S1", "P1"]


# -- hs_merged_object_ids and chains ------------------------------------------------------


def test_merged_ids_accumulate_across_merges(http: httpx.Client) -> None:
    first, second, third, fourth = (create(http, subject=f"T{n}") for n in range(4))
    assert merge(http, first, second)["properties"]["hs_merged_object_ids"] == second
    assert merge(http, third, fourth)["properties"]["hs_merged_object_ids"] == fourth
    result = merge(http, first, third)
    expected = ";".join(sorted([second, third, fourth], key=int))
    assert result["properties"]["hs_merged_object_ids"] == expected
    for merged_id in (second, third, fourth):
        assert read(http, merged_id)["id"] == first


def test_merging_the_primary_away_moves_every_id_to_the_new_primary(
    http: httpx.Client, sdk: hubspot.Client
) -> None:
    first, second, third = (create(http, subject=f"T{n}") for n in range(3))
    merge(http, first, second)
    result = merge(http, third, first)
    assert result["id"] == third
    assert result["properties"]["hs_merged_object_ids"] == ";".join(
        sorted([first, second], key=int)
    )
    for old_id in (first, second, third):
        ticket = sdk.crm.tickets.basic_api.get_by_id(ticket_id=old_id)
        assert ticket.id == third
        assert ticket.properties["hs_object_id"] == third
    response = batch_read(http, [second, first, third])
    assert response.status_code == 200, response.text
    assert [r["id"] for r in response.json()["results"]] == [third]


def test_a_merged_away_id_may_name_either_side_of_a_later_merge(http: httpx.Client) -> None:
    first, second, third = (create(http, subject=f"T{n}") for n in range(3))
    merge(http, first, second)
    result = merge(http, second, third)  # ``second`` now names ``first``
    assert result["id"] == first
    assert result["properties"]["hs_merged_object_ids"] == ";".join(
        sorted([second, third], key=int)
    )


# -- reads and writes of a merged-away id ---------------------------------------------------


def test_get_of_the_merged_id_gives_the_primary_through_the_sdk(
    http: httpx.Client, sdk: hubspot.Client
) -> None:
    primary = create(http, subject="kept")
    merged = create(http, subject="gone")
    sdk_merge(sdk, primary, merged)
    ticket = sdk.crm.tickets.basic_api.get_by_id(
        ticket_id=merged, properties=["subject"], properties_with_history=["subject"]
    )
    assert ticket.id == primary
    assert ticket.properties["subject"] == "kept"
    assert ticket.properties["hs_object_id"] == primary
    assert [v.value for v in ticket.properties_with_history["subject"]] == ["kept", "gone", "kept"]


def test_batch_read_of_the_merged_id_gives_the_primary_once(http: httpx.Client) -> None:
    primary = create(http, subject="kept")
    merged = create(http, subject="gone")
    other = create(http, subject="other")
    merge(http, primary, merged)

    response = batch_read(http, [merged], properties=["subject"])
    assert response.status_code == 200, response.text
    (record,) = response.json()["results"]
    assert record["id"] == primary
    assert record["properties"]["subject"] == "kept"

    # Both ids of one ticket: the ticket once, where the first of them was asked.
    response = batch_read(http, [other, merged, primary])
    assert response.status_code == 200, response.text
    assert [r["id"] for r in response.json()["results"]] == [other, primary]

    # With history (a snapshot) and with an id that is nowhere: 207 for that one only.
    response = batch_read(http, [merged, "99999999"], propertiesWithHistory=["subject"])
    assert response.status_code == 207, response.text
    body = response.json()
    assert [r["id"] for r in body["results"]] == [primary]
    assert [e["value"] for e in body["results"][0]["propertiesWithHistory"]["subject"]] == [
        "kept",
        "gone",
        "kept",
    ]
    assert body["errors"][0]["context"] == {"ids": ["99999999"]}


def test_a_merged_id_reads_as_archived_once_the_primary_is(http: httpx.Client) -> None:
    primary = create(http)
    merged = create(http)
    merge(http, primary, merged)
    assert http.delete(f"{TICKETS}/{primary}").status_code == 204
    assert http.get(f"{TICKETS}/{merged}").status_code == 404
    response = batch_read(http, [merged])
    assert response.status_code == 207
    assert response.json()["errors"][0]["context"] == {"ids": [merged]}
    archived = http.get(f"{TICKETS}/{merged}", params={"archived": "true"})
    assert archived.status_code == 200
    assert archived.json()["id"] == primary
    assert archived.json()["archived"] is True


def test_a_merged_away_ticket_is_not_listed(http: httpx.Client) -> None:
    primary = create(http)
    merged = create(http)
    other = create(http)
    merge(http, primary, merged)
    for archived in ("false", "true"):
        response = http.get(TICKETS, params={"limit": 100, "archived": archived})
        assert response.status_code == 200, response.text
        listed = [r["id"] for r in response.json()["results"]]
        assert listed == ([primary, other] if archived == "false" else [])


def test_updates_and_archives_of_a_merged_id_reach_the_primary(http: httpx.Client) -> None:
    primary = create(http, subject="kept")
    merged = create(http, subject="gone")
    merge(http, primary, merged)

    updated = update(http, merged, subject="through the old id")
    assert updated["id"] == primary
    assert read(http, primary)["properties"]["subject"] == "through the old id"

    response = http.post(
        f"{TICKETS}/batch/update",
        json={"inputs": [{"id": merged, "properties": {"content": "batch"}}]},
    )
    assert response.status_code == 200, response.text
    assert [r["id"] for r in response.json()["results"]] == [primary]

    both = http.post(
        f"{TICKETS}/batch/update",
        json={
            "inputs": [
                {"id": merged, "properties": {"content": "one"}},
                {"id": primary, "properties": {"content": "two"}},
            ]
        },
    )
    body = error(both, 400, "VALIDATION_ERROR")
    assert body["message"] == (
        f"Duplicate IDs found in batch input: [{primary}]. IDs must be unique"
    )

    assert http.delete(f"{TICKETS}/{merged}").status_code == 204
    assert http.get(f"{TICKETS}/{primary}").status_code == 404
    assert http.get(f"{TICKETS}/{primary}", params={"archived": "true"}).status_code == 200


def test_search_finds_the_primary_by_its_new_values_and_never_the_merged_ticket(
    http: httpx.Client,
) -> None:
    primary = create(http, subject="Alpha printer", hs_ticket_priority="HIGH")
    merged = create(http, subject="Beta scanner", content="Gamma floor", hs_ticket_priority="LOW")
    merge(http, primary, merged)

    def found(name: str, value: str) -> list[str]:
        body = {
            "filterGroups": [
                {"filters": [{"propertyName": name, "operator": "EQ", "value": value}]}
            ]
        }
        response = http.post(f"{TICKETS}/search", json=body)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["results"]]

    assert found("content", "Gamma floor") == [primary]  # taken from the merged ticket
    assert found("subject", "Alpha printer") == [primary]
    assert found("subject", "Beta scanner") == []  # the merged ticket's own, not kept
    assert found("hs_ticket_priority", "LOW") == []
    assert found("hs_ticket_priority", "HIGH") == [primary]
    assert found("hs_merged_object_ids", merged) == [primary]


# -- unique values --------------------------------------------------------------------------


def test_unique_values_move_to_the_primary_or_are_released(http: httpx.Client) -> None:
    define_property(http, "external_key", "string", "text", unique=True)
    define_property(http, "order_number", "string", "text", unique=True)
    primary = create(http, external_key="P-1")
    merged = create(http, external_key="S-1", order_number="O-1")
    merge(http, primary, merged)

    response = http.post(
        f"{TICKETS}/batch/read",
        json={"idProperty": "order_number", "inputs": [{"id": "O-1"}], "properties": ["subject"]},
    )
    assert response.status_code == 200, response.text
    assert [r["id"] for r in response.json()["results"]] == [primary]

    # The merged ticket's own key is released: a new ticket may take it ...
    taken = http.post(
        TICKETS, json={"properties": {"hs_pipeline_stage": "1", "external_key": "S-1"}}
    )
    assert taken.status_code == 201, taken.text
    # ... while the primary's own and the one it took are still held.
    for name, value in (("external_key", "P-1"), ("order_number", "O-1")):
        refused = http.post(TICKETS, json={"properties": {"hs_pipeline_stage": "1", name: value}})
        body = error(refused, 409, "CONFLICT")
        assert body["context"]["existingId"] == [primary]


# -- errors ---------------------------------------------------------------------------------


def test_merging_a_ticket_with_itself_is_a_400(http: httpx.Client) -> None:
    ticket = create(http)
    response = http.post(MERGE, json={"primaryObjectId": ticket, "objectIdToMerge": ticket})
    body = error(response, 400, "VALIDATION_ERROR")
    assert body == {
        "status": "error",
        "message": f"Cannot merge ticket {ticket} with itself: primaryObjectId and "
        "objectIdToMerge name the same ticket",
        "correlationId": body["correlationId"],
        "category": "VALIDATION_ERROR",
    }


def test_merging_a_ticket_with_an_id_merged_into_it_is_a_400(http: httpx.Client) -> None:
    primary = create(http)
    merged = create(http)
    merge(http, primary, merged)
    response = http.post(MERGE, json={"primaryObjectId": primary, "objectIdToMerge": merged})
    body = error(response, 400, "VALIDATION_ERROR")
    assert body["message"] == (
        f"Cannot merge ticket {primary} with itself: {primary} and {merged} "
        "both name it since an earlier merge"
    )
    # Two ids merged into a third ticket name that ticket too.
    third = create(http)
    merge(http, third, primary)
    response = http.post(MERGE, json={"primaryObjectId": merged, "objectIdToMerge": primary})
    body = error(response, 400, "VALIDATION_ERROR")
    assert body["message"] == (
        f"Cannot merge ticket {third} with itself: {merged} and {primary} "
        "both name it since an earlier merge"
    )


@pytest.mark.parametrize("which", ["primaryObjectId", "objectIdToMerge"])
@pytest.mark.parametrize("bad", ["abc", "12a", "-5", "", "1.5", " 7"])
def test_an_id_that_is_not_a_whole_number_is_a_400(
    http: httpx.Client, which: str, bad: str
) -> None:
    ticket = create(http)
    body_sent = {"primaryObjectId": ticket, "objectIdToMerge": ticket, which: bad}
    body = error(http.post(MERGE, json=body_sent), 400, "VALIDATION_ERROR")
    assert body == {
        "status": "error",
        "message": f"Invalid {which} '{bad}': a ticket id is a whole number, such as '512'",
        "correlationId": body["correlationId"],
        "category": "VALIDATION_ERROR",
    }


def test_a_missing_ticket_is_a_404_naming_the_ids_as_sent(http: httpx.Client) -> None:
    ticket = create(http, subject="untouched")
    before = read(http, ticket)
    cases = [
        ({"primaryObjectId": ticket, "objectIdToMerge": "99999999"}, ["99999999"]),
        ({"primaryObjectId": "0099999998", "objectIdToMerge": ticket}, ["0099999998"]),
        ({"primaryObjectId": "99999998", "objectIdToMerge": "99999999"}, ["99999998", "99999999"]),
        ({"primaryObjectId": ticket, "objectIdToMerge": "9" * 25}, ["9" * 25]),
    ]
    for sent, ids in cases:
        body = error(http.post(MERGE, json=sent), 404, "OBJECT_NOT_FOUND")
        assert body == {
            "status": "error",
            "message": NOT_FOUND,
            "correlationId": body["correlationId"],
            "category": "OBJECT_NOT_FOUND",
            "context": {"ids": ids},
        }
    assert read(http, ticket) == before


def test_an_archived_ticket_cannot_be_merged_either_way(http: httpx.Client) -> None:
    live = create(http, subject="live")
    archived = create(http, subject="archived")
    assert http.delete(f"{TICKETS}/{archived}").status_code == 204
    before = read(http, live)
    for primary, merged in ((live, archived), (archived, live)):
        response = http.post(MERGE, json={"primaryObjectId": primary, "objectIdToMerge": merged})
        body = error(response, 404, "OBJECT_NOT_FOUND")
        assert body["context"] == {"ids": [archived]}
    assert read(http, live) == before
    response = http.get(f"{TICKETS}/{archived}", params={"archived": "true"})
    assert response.status_code == 200
    assert response.json()["id"] == archived


@pytest.mark.parametrize(
    "sent",
    [{}, {"primaryObjectId": "1"}, {"objectIdToMerge": "1"}, {"primaryObjectId": True}],
)
def test_a_body_without_both_ids_is_a_400(http: httpx.Client, sent: dict[str, Any]) -> None:
    body = error(http.post(MERGE, json=sent), 400, "VALIDATION_ERROR")
    assert body["message"].startswith("Invalid input JSON on line 1, column 1: "), body


def test_the_sdk_sees_a_missing_ticket_as_a_404(http: httpx.Client, sdk: hubspot.Client) -> None:
    ticket = create(http)
    with pytest.raises(ApiException) as raised:
        sdk_merge(sdk, ticket, "99999999")
    assert raised.value.status == 404


# -- concurrency (two server processes on one database) ------------------------------------


@pytest.fixture(scope="module")
def cluster(
    module_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[ServerProcess], str]]:
    """Two ``spoke serve`` processes on one database, so requests really overlap."""
    store = open_store(module_database_url)
    try:
        store.migrate()
        cluster_token, _ = create_token(store, ["tickets"], APP_ID)
    finally:
        store.close()
    directory = tmp_path_factory.mktemp("merge-cluster")
    started: list[ServerProcess] = []
    try:
        for name in ("a", "b"):
            started.append(ServerProcess(["--database", module_database_url], directory, name=name))
        deadline = time.monotonic() + STARTUP_SECONDS
        for process in started:
            process.wait_until_healthy(deadline=deadline)
        yield started, cluster_token
    finally:
        for process in started:
            process.stop()


def cluster_client(process: ServerProcess, cluster_token: str) -> httpx.Client:
    return httpx.Client(
        base_url=process.base_url,
        headers={"Authorization": f"Bearer {cluster_token}"},
        timeout=30,
    )


def run_together(*jobs: Callable[[], None]) -> None:
    """Run ``jobs`` in threads; re-raises the first thing one of them raised."""
    raised: list[BaseException] = []

    def guarded(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as problem:  # reported below
            raised.append(problem)

    threads = [threading.Thread(target=guarded, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request never finished"
    if raised:
        raise raised[0]


def assert_no_traceback(processes: list[ServerProcess]) -> None:
    time.sleep(0.1)  # let the stderr readers catch up
    for process in processes:
        assert "Traceback" not in process.output(), process.output()


def test_no_write_to_the_merged_ticket_is_lost_while_it_is_merged(
    cluster: tuple[list[ServerProcess], str],
) -> None:
    processes, cluster_token = cluster
    with cluster_client(processes[0], cluster_token) as http:
        primary = create(http, subject="kept")
        merged = create(http, subject="gone")
    written = [f"w{writer}-{n}" for writer in range(4) for n in range(10)]
    writing = threading.Event()
    answered_by: list[str] = []

    def write(process: ServerProcess, values: list[str]) -> None:
        with cluster_client(process, cluster_token) as client:
            for value in values:
                response = client.patch(
                    f"{TICKETS}/{merged}", json={"properties": {"content": value}}
                )
                assert response.status_code == 200, response.text
                answered_by.append(response.json()["id"])
                writing.set()

    def merge_them() -> None:
        assert writing.wait(10)
        with cluster_client(processes[1], cluster_token) as client:
            merge(client, primary, merged)

    writers = [partial(write, processes[n % 2], written[n::4]) for n in range(4)]
    run_together(merge_them, *writers)

    # Writes before the merge changed the merged ticket, writes after it the primary.
    assert set(answered_by) <= {primary, merged}
    assert merged in answered_by
    with cluster_client(processes[0], cluster_token) as http:
        found = history(http, primary, "content")["content"]
        assert sorted(e["value"] for e in found) == sorted(written)
        stamps = [instant(e["timestamp"]) for e in found]
        assert stamps == sorted(stamps, reverse=True)
        assert read(http, merged, "content")["properties"]["content"] == found[0]["value"]
        assert http.get(f"{TICKETS}/{merged}").json()["id"] == primary
    assert_no_traceback(processes)


def test_two_merges_of_one_ticket_run_one_after_the_other(
    cluster: tuple[list[ServerProcess], str],
) -> None:
    processes, cluster_token = cluster
    with cluster_client(processes[0], cluster_token) as http:
        first = create(http, subject="first")
        second = create(http, subject="second")
        contested = create(http, subject="contested")
    results: list[dict[str, Any]] = []

    def merge_into(process: ServerProcess, primary: str) -> None:
        with cluster_client(process, cluster_token) as client:
            results.append(merge(client, primary, contested))

    run_together(lambda: merge_into(processes[0], first), lambda: merge_into(processes[1], second))

    # The later merge found ``contested`` merged into the other ticket, so merged that in.
    (survivor,) = [
        r for r in results if len(r["properties"]["hs_merged_object_ids"].split(";")) == 2
    ]
    loser = first if survivor["id"] == second else second
    assert survivor["properties"]["hs_merged_object_ids"] == ";".join(
        sorted([loser, contested], key=int)
    )
    with cluster_client(processes[1], cluster_token) as http:
        for ticket_id in (first, second, contested):
            assert read(http, ticket_id)["id"] == survivor["id"]
        response = batch_read(http, [first, second, contested])
        assert [r["id"] for r in response.json()["results"]] == [survivor["id"]]
    assert_no_traceback(processes)
