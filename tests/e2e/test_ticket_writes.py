"""Writing tickets against a live server: create, read, update, archive, one by one and
in batches, through HubSpot's official SDK where it can express the call and raw HTTP
where status codes and bodies matter.

What is checked (behaviour.md §1.2, §5, §6, §7 and "Spoke's decisions"):

- Spoke maintains ``hs_object_id``, ``createdate`` and ``hs_lastmodifieddate`` and puts
  tickets in the default pipeline ``"0"``; every write is appended to the history of
  the properties it changed, newest first, with ``sourceType`` INTEGRATION and the
  writing token's app id as ``sourceId``.
- An invalid value anywhere rejects the whole request with HubSpot's 400
  ``Property values were not valid: [...]``, and nothing of it is written.
- Values are stored in HubSpot's read format for each property type.
- Unique-value properties refuse a value another ticket holds with a 409, also when
  many clients race for the same value.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import pytest
from hubspot.crm.tickets import (
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchInputSimplePublicObjectId,
    BatchReadInputSimplePublicObjectId,
    BatchResponseSimplePublicObject,
    SimplePublicObject,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.tickets.exceptions import ApiException, NotFoundException
from hubspot_rules import TICKETS, create_ticket, define_property

from spoke.domain.standard_objects.tickets import TICKETS as TICKET_TYPE

if TYPE_CHECKING:
    from conftest import LiveServer

APP_ID = 4242

DEFAULT_KEYS = {
    "content",
    "createdate",
    "hs_lastmodifieddate",
    "hs_object_id",
    "hs_pipeline",
    "hs_pipeline_stage",
    "hs_ticket_category",
    "hs_ticket_priority",
    "subject",
}
ALWAYS_RETURNED = {"createdate", "hs_lastmodifieddate", "hs_object_id"}
TOO_MANY_INPUTS = (
    "The maximum number of inputs supported in a batch is 100. "
    "Please reduce the number of items and try again"
)
NOT_VALID_PREFIX = "Property values were not valid: "
MIDNIGHT_2024_03_01 = 1_709_251_200_000  # 2024-03-01T00:00:00Z
EIGHT_AM_2024_03_01 = MIDNIGHT_2024_03_01 + 8 * 3_600_000


# -- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
def token(server: LiveServer) -> str:
    """Every write in this module is made by app ``APP_ID``."""
    return server.token(app_id=APP_ID)


@pytest.fixture
def custom(http: httpx.Client) -> httpx.Client:
    """Custom ticket properties of every type (``http``, with them defined)."""
    define_property(http, "c_text", "string", "text")
    define_property(http, "c_number", "number", "number")
    define_property(http, "c_bool", "bool", "booleancheckbox")
    define_property(http, "c_date", "date", "date")
    define_property(http, "c_datetime", "datetime", "date")
    define_property(http, "c_select", "enumeration", "select", options=("a", "b", "c"))
    define_property(http, "c_multi", "enumeration", "checkbox", options=("a", "b", "c"))
    define_property(http, "c_phone", "phone_number", "phonenumber")
    return http


@pytest.fixture
def unique(http: httpx.Client) -> httpx.Client:
    """``http``, with the unique properties ``external_key`` (string) and ``serial`` (number)."""
    define_property(http, "external_key", "string", "text", unique=True)
    define_property(http, "serial", "number", "number", unique=True)
    return http


def _get(http: httpx.Client, ticket_id: str, **params: Any) -> httpx.Response:
    return http.get(f"{TICKETS}/{ticket_id}", params=params)


def _values(http: httpx.Client, ticket_id: str, *names: str) -> dict[str, Any]:
    response = _get(http, ticket_id, properties=",".join(names))
    assert response.status_code == 200, response.text
    return {name: response.json()["properties"].get(name) for name in names}


def _history(http: httpx.Client, ticket_id: str, name: str) -> list[dict[str, Any]]:
    response = _get(http, ticket_id, propertiesWithHistory=name)
    assert response.status_code == 200, response.text
    return response.json().get("propertiesWithHistory", {}).get(name, [])


def _ticket_count(server: LiveServer) -> int:
    store = server.open_store()
    try:
        return store.count_objects(TICKET_TYPE.type_id)
    finally:
        store.close()


def _instant(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text)


def _now() -> datetime:
    return datetime.now(UTC)


def _error(response: httpx.Response, status: int, category: str) -> dict[str, Any]:
    """The HubSpot error envelope of ``response``, checked."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "error"
    assert body["category"] == category
    assert isinstance(body["message"], str)
    assert body["correlationId"] == response.headers["x-hubspot-correlation-id"]
    return body


def _problems(response: httpx.Response) -> list[dict[str, Any]]:
    """The entries of a ``Property values were not valid: [...]`` 400, checked."""
    body = _error(response, 400, "VALIDATION_ERROR")
    assert body["message"].startswith(NOT_VALID_PREFIX), body["message"]
    problems = json.loads(body["message"][len(NOT_VALID_PREFIX) :])
    assert all(p["isValid"] is False for p in problems)
    return problems


def _problem_of(response: httpx.Response, name: str) -> dict[str, Any]:
    problems = _problems(response)
    named = [p for p in problems if p["name"] == name]
    assert len(named) == 1, problems
    return named[0]


# -- create -----------------------------------------------------------------------------


def test_create_answers_201_with_the_properties_spoke_maintains(http: httpx.Client) -> None:
    before = _now()
    response = http.post(
        TICKETS, json={"properties": {"subject": "Printer on fire", "hs_pipeline_stage": "1"}}
    )
    after = _now()
    assert response.status_code == 201, response.text
    ticket = response.json()
    properties = ticket["properties"]
    assert ticket["id"].isdigit()
    assert properties["hs_object_id"] == ticket["id"]
    assert properties["subject"] == "Printer on fire"
    assert properties["hs_pipeline"] == "0"
    assert properties["hs_pipeline_stage"] == "1"
    assert properties["createdate"] == properties["hs_lastmodifieddate"]
    assert before.replace(microsecond=before.microsecond // 1000 * 1000) <= _instant(
        properties["createdate"]
    )
    assert _instant(properties["createdate"]) <= after
    assert ticket["createdAt"] == properties["createdate"]
    assert ticket["updatedAt"] == properties["hs_lastmodifieddate"]
    assert ticket["archived"] is False
    assert "archivedAt" not in ticket


def test_sdk_creates_validated_tickets_with_distinct_ids(
    server: LiveServer, sdk: hubspot.Client
) -> None:
    created = [
        sdk.crm.tickets.basic_api.create(
            SimplePublicObjectInputForCreate(
                properties={
                    "subject": f"Laptop issue {n}",
                    "hs_pipeline_stage": "2",
                    "hs_ticket_priority": "HIGH",
                },
                associations=[],
            )
        )
        for n in range(3)
    ]
    for ticket in created:
        assert isinstance(ticket, SimplePublicObject)
        assert ticket.properties["hs_object_id"] == ticket.id
        assert ticket.properties["hs_pipeline"] == "0"
        assert ticket.properties["hs_ticket_priority"] == "HIGH"
        assert ticket.created_at == ticket.updated_at
        assert ticket.archived is False
    assert len({t.id for t in created}) == 3
    assert _ticket_count(server) == 3


def test_pipeline_stage_must_belong_to_the_pipeline(server: LiveServer, http: httpx.Client) -> None:
    closed = create_ticket(http, subject="x", hs_pipeline="0", hs_pipeline_stage="4")
    assert closed["properties"]["hs_pipeline_stage"] == "4"
    for stage in ("99", "0", "New"):
        response = http.post(
            TICKETS, json={"properties": {"subject": "x", "hs_pipeline_stage": stage}}
        )
        assert _problem_of(response, "hs_pipeline_stage")
    assert _ticket_count(server) == 1

    ticket = create_ticket(http, subject="x")
    moved = http.patch(
        f"{TICKETS}/{ticket['id']}", json={"properties": {"hs_pipeline_stage": "99"}}
    )
    assert _problem_of(moved, "hs_pipeline_stage")
    assert _values(http, ticket["id"], "hs_pipeline_stage") == {"hs_pipeline_stage": "1"}
    assert len(_history(http, ticket["id"], "hs_pipeline_stage")) == 1


def test_unknown_pipeline_is_refused_as_a_bad_hs_pipeline(
    server: LiveServer, http: httpx.Client
) -> None:
    response = http.post(
        TICKETS, json={"properties": {"hs_pipeline": "999", "hs_pipeline_stage": "1"}}
    )
    names = {p["name"]: p["error"] for p in _problems(response)}
    assert _ticket_count(server) == 0
    assert names.get("hs_pipeline") == "INVALID_OPTION", names


# -- read -------------------------------------------------------------------------------


def test_get_returns_default_or_asked_properties(http: httpx.Client) -> None:
    ticket = create_ticket(http, subject="x", hs_ticket_priority="LOW")
    response = _get(http, ticket["id"])
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["id", "properties", "createdAt", "updatedAt", "archived"]
    assert set(body["properties"]) == DEFAULT_KEYS
    assert body["properties"]["content"] is None
    assert body["properties"]["hs_ticket_priority"] == "LOW"

    http.patch(f"{TICKETS}/{ticket['id']}", json={"properties": {"content": "details"}})
    response = _get(http, ticket["id"], properties="content,no_such_property,closed_date")
    assert response.status_code == 200
    properties = response.json()["properties"]
    assert set(properties) == {"content", "closed_date"} | ALWAYS_RETURNED
    assert properties["content"] == "details"
    assert properties["closed_date"] is None


def test_sdk_get_with_properties_and_history(sdk: hubspot.Client) -> None:
    created = sdk.crm.tickets.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={"subject": "first", "hs_pipeline_stage": "1"}, associations=[]
        )
    )
    sdk.crm.tickets.basic_api.update(
        created.id, SimplePublicObjectInput(properties={"subject": "second"})
    )
    read = sdk.crm.tickets.basic_api.get_by_id(
        created.id,
        properties=["hs_ticket_priority"],
        properties_with_history=["subject", "hs_pipeline"],
        archived=False,
    )
    assert set(read.properties) == {"hs_ticket_priority", "subject", "hs_pipeline"} | (
        ALWAYS_RETURNED
    )
    assert read.properties["subject"] == "second"
    assert read.properties["hs_ticket_priority"] is None
    history = read.properties_with_history
    assert [v.value for v in history["subject"]] == ["second", "first"]
    assert [v.value for v in history["hs_pipeline"]] == ["0"]
    assert history["subject"][0].timestamp == read.updated_at
    assert history["subject"][1].timestamp == read.created_at


def test_get_by_unique_id_property(unique: httpx.Client) -> None:
    ticket = create_ticket(unique, subject="x", external_key="ORDER-1")
    response = _get(unique, "ORDER-1", idProperty="external_key", properties="subject")
    assert response.status_code == 200, response.text
    assert response.json()["id"] == ticket["id"]
    assert _get(unique, "ORDER-404", idProperty="external_key").status_code == 404
    refused = _get(unique, ticket["id"], idProperty="subject")
    _error(refused, 400, "VALIDATION_ERROR")


def test_update_by_unique_id_property(unique: httpx.Client, sdk: hubspot.Client) -> None:
    first = create_ticket(unique, subject="first", external_key="ORDER-1")
    second = create_ticket(unique, subject="second", external_key="ORDER-2")
    updated = sdk.crm.tickets.basic_api.update(
        "ORDER-1",
        SimplePublicObjectInput(properties={"subject": "patched by key"}),
        id_property="external_key",
    )
    assert updated.id == first["id"]
    batch = sdk.crm.tickets.batch_api.update(
        BatchInputSimplePublicObjectBatchInput(
            inputs=[
                SimplePublicObjectBatchInput(
                    id="ORDER-2", id_property="external_key", properties={"subject": "batched"}
                )
            ]
        )
    )
    assert [r.id for r in batch.results] == [second["id"]]
    assert _values(unique, first["id"], "subject") == {"subject": "patched by key"}
    assert _values(unique, second["id"], "subject") == {"subject": "batched"}
    missing = unique.patch(
        f"{TICKETS}/ORDER-404",
        params={"idProperty": "external_key"},
        json={"properties": {"subject": "nobody"}},
    )
    _error(missing, 404, "OBJECT_NOT_FOUND")


def test_unknown_or_archived_ticket_is_a_404_to_get_and_patch(
    http: httpx.Client, sdk: hubspot.Client
) -> None:
    archived = create_ticket(http, subject="x")["id"]
    assert http.delete(f"{TICKETS}/{archived}").status_code == 204
    for ticket_id in ("987654321", "not-a-number", archived):
        _error(_get(http, ticket_id), 404, "OBJECT_NOT_FOUND")
        patched = http.patch(f"{TICKETS}/{ticket_id}", json={"properties": {"subject": "y"}})
        _error(patched, 404, "OBJECT_NOT_FOUND")
    with pytest.raises(NotFoundException) as raised:
        sdk.crm.tickets.basic_api.get_by_id("987654321")
    assert raised.value.status == 404
    with pytest.raises(NotFoundException):
        sdk.crm.tickets.basic_api.update(
            "987654321", SimplePublicObjectInput(properties={"subject": "y"})
        )


# -- update -----------------------------------------------------------------------------


def test_patch_updates_and_appends_history_newest_first(
    http: httpx.Client, sdk: hubspot.Client
) -> None:
    ticket = create_ticket(http, subject="first")
    for subject in ("second", "third"):
        time.sleep(0.002)
        updated = sdk.crm.tickets.basic_api.update(
            ticket["id"], SimplePublicObjectInput(properties={"subject": subject})
        )
        assert isinstance(updated, SimplePublicObject)
        assert updated.properties["subject"] == subject
    assert _values(http, ticket["id"], "subject") == {"subject": "third"}
    history = _history(http, ticket["id"], "subject")
    assert [entry["value"] for entry in history] == ["third", "second", "first"]
    stamps = [_instant(entry["timestamp"]) for entry in history]
    assert stamps == sorted(stamps, reverse=True)
    assert len(set(stamps)) == 3
    modified = _values(http, ticket["id"], "hs_lastmodifieddate")["hs_lastmodifieddate"]
    assert history[0]["timestamp"] == modified


def test_patch_bumps_hs_lastmodifieddate_but_not_createdate(http: httpx.Client) -> None:
    ticket = create_ticket(http, subject="x")
    created = ticket["properties"]["createdate"]
    time.sleep(0.005)
    response = http.patch(f"{TICKETS}/{ticket['id']}", json={"properties": {"subject": "y"}})
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["properties"]["createdate"] == created
    assert _instant(updated["properties"]["hs_lastmodifieddate"]) > _instant(created)
    assert updated["updatedAt"] == updated["properties"]["hs_lastmodifieddate"]
    assert updated["createdAt"] == created
    stored = _values(http, ticket["id"], "createdate", "hs_lastmodifieddate")
    assert stored == {
        "createdate": created,
        "hs_lastmodifieddate": updated["properties"]["hs_lastmodifieddate"],
    }


def test_clearing_with_empty_string_reads_null_and_is_in_history(http: httpx.Client) -> None:
    ticket = create_ticket(http, subject="x", content="to be removed")
    response = http.patch(f"{TICKETS}/{ticket['id']}", json={"properties": {"content": ""}})
    assert response.status_code == 200, response.text
    assert _values(http, ticket["id"], "content") == {"content": None}
    history = _history(http, ticket["id"], "content")
    assert [entry["value"] for entry in history] == ["", "to be removed"]


def test_writes_record_integration_source_and_the_token_app_id(
    server: LiveServer, http: httpx.Client
) -> None:
    ticket = create_ticket(http, subject="by app 4242")
    with server.http(server.token(app_id=777)) as other_app:
        response = other_app.patch(
            f"{TICKETS}/{ticket['id']}", json={"properties": {"subject": "by app 777"}}
        )
        assert response.status_code == 200, response.text
    history = _history(http, ticket["id"], "subject")
    assert [(e["value"], e["sourceType"], e["sourceId"]) for e in history] == [
        ("by app 777", "INTEGRATION", "777"),
        ("by app 4242", "INTEGRATION", str(APP_ID)),
    ]
    for entry in history:
        assert list(entry)[:3] == ["value", "timestamp", "sourceType"]
        assert "updatedByUserId" not in entry


# -- archive ----------------------------------------------------------------------------


def test_delete_archives_the_ticket_and_is_idempotent(http: httpx.Client) -> None:
    ticket = create_ticket(http, subject="x")
    before = _now()
    response = http.delete(f"{TICKETS}/{ticket['id']}")
    assert response.status_code == 204
    assert response.content == b""
    _error(_get(http, ticket["id"]), 404, "OBJECT_NOT_FOUND")
    found = _get(http, ticket["id"], archived="true")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["archived"] is True
    assert _instant(body["archivedAt"]) >= before.replace(microsecond=0)
    assert list(body)[-2:] == ["archived", "archivedAt"]
    assert body["properties"]["subject"] == "x"
    live = create_ticket(http, subject="live")
    _error(_get(http, live["id"], archived="true"), 404, "OBJECT_NOT_FOUND")
    assert http.delete(f"{TICKETS}/{ticket['id']}").status_code == 204
    assert http.delete(f"{TICKETS}/987654321").status_code == 204


def test_sdk_archive_and_read_archived(sdk: hubspot.Client) -> None:
    created = sdk.crm.tickets.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={"subject": "x", "hs_pipeline_stage": "1"}, associations=[]
        )
    )
    assert sdk.crm.tickets.basic_api.archive(created.id) is None
    with pytest.raises(NotFoundException):
        sdk.crm.tickets.basic_api.get_by_id(created.id)
    archived = sdk.crm.tickets.basic_api.get_by_id(created.id, archived=True)
    assert archived.archived is True
    assert archived.archived_at is not None
    with pytest.raises(NotFoundException):
        sdk.crm.tickets.basic_api.get_by_id("987654321", archived=True)


# -- batches ----------------------------------------------------------------------------


def _sdk_batch_create(sdk: hubspot.Client, *subjects: str) -> BatchResponseSimplePublicObject:
    return sdk.crm.tickets.batch_api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                SimplePublicObjectBatchInputForCreate(
                    properties={"subject": s, "hs_pipeline_stage": "1"}, associations=[]
                )
                for s in subjects
            ]
        )
    )


def test_batch_create_answers_201_and_the_sdk_gets_a_model(
    server: LiveServer, http: httpx.Client, sdk: hubspot.Client
) -> None:
    raw = http.post(
        f"{TICKETS}/batch/create",
        json={"inputs": [{"properties": {"subject": "raw", "hs_pipeline_stage": "1"}}]},
    )
    assert raw.status_code == 201, raw.text
    assert list(raw.json()) == ["status", "results", "startedAt", "completedAt"]

    batch = _sdk_batch_create(sdk, "one", "two", "three")
    assert isinstance(batch, BatchResponseSimplePublicObject)
    assert batch.status == "COMPLETE"
    assert sorted(r.properties["subject"] for r in batch.results) == ["one", "three", "two"]
    assert all(r.properties["hs_pipeline"] == "0" for r in batch.results)
    assert all(r.properties["hs_object_id"] == r.id for r in batch.results)
    assert _ticket_count(server) == 4


def test_batch_update_answers_200_with_the_updated_tickets(
    http: httpx.Client, sdk: hubspot.Client
) -> None:
    ids = [r.id for r in _sdk_batch_create(sdk, "a", "b").results]
    batch = sdk.crm.tickets.batch_api.update(
        BatchInputSimplePublicObjectBatchInput(
            inputs=[
                SimplePublicObjectBatchInput(id=ids[0], properties={"subject": "a2"}),
                SimplePublicObjectBatchInput(
                    id=ids[1], properties={"hs_ticket_priority": "URGENT"}
                ),
            ]
        )
    )
    assert isinstance(batch, BatchResponseSimplePublicObject)
    by_id = {r.id: r.properties for r in batch.results}
    assert by_id[ids[0]]["subject"] == "a2"
    assert by_id[ids[1]]["hs_ticket_priority"] == "URGENT"
    assert _values(http, ids[1], "subject", "hs_ticket_priority") == {
        "subject": "b",
        "hs_ticket_priority": "URGENT",
    }

    raw = http.post(
        f"{TICKETS}/batch/update",
        json={"inputs": [{"id": ids[0], "properties": {"subject": "a3"}}]},
    )
    assert raw.status_code == 200, raw.text
    assert [e["value"] for e in _history(http, ids[0], "subject")] == ["a3", "a2", "a"]


def test_batch_archive_answers_204_and_archives_every_ticket(
    http: httpx.Client, sdk: hubspot.Client
) -> None:
    ids = [r.id for r in _sdk_batch_create(sdk, "a", "b", "c").results]
    result = sdk.crm.tickets.batch_api.archive(
        BatchInputSimplePublicObjectId(inputs=[SimplePublicObjectId(id=i) for i in ids[:2]])
    )
    assert result is None
    read = sdk.crm.tickets.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=i) for i in ids[:2]], properties=["subject"]
        ),
        archived=True,
    )
    assert sorted(r.id for r in read.results) == sorted(ids[:2])
    assert all(r.archived is True for r in read.results)
    for ticket_id in ids[:2]:
        assert _get(http, ticket_id).status_code == 404
    assert _get(http, ids[2]).status_code == 200

    raw = http.post(
        f"{TICKETS}/batch/archive", json={"inputs": [{"id": ids[2]}, {"id": "987654321"}]}
    )
    assert raw.status_code == 204
    assert raw.content == b""
    assert _get(http, ids[2]).status_code == 404


def test_batches_take_at_most_100_inputs(server: LiveServer, http: httpx.Client) -> None:
    ticket = create_ticket(http, subject="untouched")
    others = [str(900_000 + n) for n in range(100)]
    too_many: dict[str, list[dict[str, Any]]] = {
        "create": [{"properties": {"subject": "x", "hs_pipeline_stage": "1"}}] * 101,
        "update": [
            {"id": i, "properties": {"subject": "changed"}} for i in [ticket["id"], *others]
        ],
        "archive": [{"id": i} for i in [ticket["id"], *others]],
    }
    for operation, inputs in too_many.items():
        response = http.post(f"{TICKETS}/batch/{operation}", json={"inputs": inputs})
        body = _error(response, 400, "VALIDATION_ERROR")
        assert body["message"] == TOO_MANY_INPUTS, operation
    assert _ticket_count(server) == 1
    assert _values(http, ticket["id"], "subject") == {"subject": "untouched"}

    inputs = [{"properties": {"subject": f"t{n}", "hs_pipeline_stage": "1"}} for n in range(100)]
    response = http.post(f"{TICKETS}/batch/create", json={"inputs": inputs})
    assert response.status_code == 201, response.text
    assert len(response.json()["results"]) == 100
    assert _ticket_count(server) == 101


def test_batch_update_with_an_unknown_or_repeated_id_updates_nothing(
    http: httpx.Client,
) -> None:
    ticket = create_ticket(http, subject="untouched")
    unknown = http.post(
        f"{TICKETS}/batch/update",
        json={
            "inputs": [
                {"id": ticket["id"], "properties": {"subject": "changed"}},
                {"id": "987654321", "properties": {"subject": "changed"}},
            ]
        },
    )
    body = _error(unknown, 404, "OBJECT_NOT_FOUND")
    assert body["context"]["ids"] == ["987654321"]

    repeated = http.post(
        f"{TICKETS}/batch/update",
        json={
            "inputs": [
                {"id": ticket["id"], "properties": {"subject": "one"}},
                {"id": ticket["id"], "properties": {"subject": "two"}},
            ]
        },
    )
    _error(repeated, 400, "VALIDATION_ERROR")
    assert _values(http, ticket["id"], "subject") == {"subject": "untouched"}
    assert len(_history(http, ticket["id"], "subject")) == 1


# -- invalid values -----------------------------------------------------------------------


def test_unknown_property_is_refused_with_property_doesnt_exist(
    server: LiveServer, http: httpx.Client
) -> None:
    response = http.post(
        TICKETS, json={"properties": {"subject": "x", "hs_pipeline_stage": "1", "x": "1"}}
    )
    problem = _problem_of(response, "x")
    assert problem["error"] == "PROPERTY_DOESNT_EXIST"
    assert problem["message"] == 'Property "x" does not exist'
    assert response.json()["errors"] == [
        {
            "message": 'Property "x" does not exist',
            "code": "PROPERTY_DOESNT_EXIST",
            "context": {"propertyName": ["x"]},
        }
    ]
    assert _ticket_count(server) == 0


def test_unknown_priority_option_is_refused_with_invalid_option(
    server: LiveServer, http: httpx.Client
) -> None:
    response = http.post(
        TICKETS,
        json={"properties": {"hs_pipeline_stage": "1", "hs_ticket_priority": "SUPER"}},
    )
    problem = _problem_of(response, "hs_ticket_priority")
    assert problem["error"] == "INVALID_OPTION"
    assert problem["message"].startswith("SUPER was not one of the allowed options: [")
    assert _ticket_count(server) == 0


def test_typed_values_that_do_not_parse_are_refused(
    server: LiveServer, custom: httpx.Client
) -> None:
    four_am = MIDNIGHT_2024_03_01 + 4 * 3_600_000
    cases = [
        ("c_date", four_am, "INVALID_DATE", f"{four_am} is at 4:0:0.0 UTC, not midnight!"),
        ("c_date", str(four_am), "INVALID_DATE", f"{four_am} is at 4:0:0.0 UTC, not midnight!"),
        ("c_number", "seventeen", "INVALID_NUMBER", None),
        ("c_bool", "yes", "INVALID_BOOLEAN", None),
        ("c_select", "z", "INVALID_OPTION", None),
        ("c_multi", "a;z", "INVALID_OPTION", None),
        ("c_datetime", "tomorrow", "INVALID_DATE", None),
    ]
    for name, raw, code, message in cases:
        response = custom.post(TICKETS, json={"properties": {"hs_pipeline_stage": "1", name: raw}})
        problem = _problem_of(response, name)
        assert problem["error"] == code, (name, raw, problem)
        if message is not None:
            assert problem["message"] == message
    assert _ticket_count(server) == 0


def test_values_hubspot_cannot_parse_are_refused_without_a_crash(
    server: LiveServer, token: str, custom: httpx.Client
) -> None:
    """Epoch values beyond a Java ``long`` and numbers in Python-only syntax cannot be
    HubSpot values; they get the 400 of §6.3, never a 500 and never a stored value."""
    beyond_long = "99999999999999999999"
    cases = {
        ("c_datetime", beyond_long): "INVALID_DATE",
        ("c_date", beyond_long): "INVALID_DATE",
        ("c_number", "1_000"): "INVALID_NUMBER",
    }
    observed: dict[tuple[str, str], str] = {}
    for name, raw in cases:
        with server.http(token) as client:  # a fresh connection per case
            try:
                response = client.post(
                    TICKETS, json={"properties": {"hs_pipeline_stage": "1", name: raw}}
                )
            except httpx.TransportError as failed:
                observed[(name, raw)] = f"no response: {failed!r}"
                continue
        if response.status_code == 400:
            observed[(name, raw)] = _problem_of(response, name)["error"]
        else:
            observed[(name, raw)] = f"HTTP {response.status_code}: {response.text[:100]}"
    assert observed == cases
    assert _ticket_count(server) == 0


def test_every_problem_of_a_request_is_listed(custom: httpx.Client) -> None:
    response = custom.post(
        TICKETS,
        json={
            "properties": {
                "hs_pipeline_stage": "1",
                "c_number": "NaN?",
                "c_bool": "maybe",
                "nope": "1",
                "subject": "fine",
            }
        },
    )
    problems = _problems(response)
    assert sorted(p["name"] for p in problems) == ["c_bool", "c_number", "nope"]
    assert len(response.json()["errors"]) == 3


def test_read_only_property_cannot_be_written(server: LiveServer, http: httpx.Client) -> None:
    response = http.post(
        TICKETS, json={"properties": {"hs_pipeline_stage": "1", "hs_object_id": "5"}}
    )
    assert _problem_of(response, "hs_object_id")["error"] == "READ_ONLY_VALUE"
    assert _ticket_count(server) == 0


def test_batch_create_with_one_invalid_input_writes_nothing(
    server: LiveServer, http: httpx.Client
) -> None:
    create_ticket(http, subject="already there")
    response = http.post(
        f"{TICKETS}/batch/create",
        json={
            "inputs": [
                {"properties": {"subject": "one", "hs_pipeline_stage": "1"}},
                {"properties": {"subject": "two", "hs_pipeline_stage": "1"}},
                {"properties": {"subject": "three", "hs_ticket_priority": "SUPER"}},
            ]
        },
    )
    assert _problem_of(response, "hs_ticket_priority")["error"] == "INVALID_OPTION"
    assert _ticket_count(server) == 1


def test_update_with_one_invalid_value_writes_nothing(http: httpx.Client) -> None:
    first = create_ticket(http, subject="first")
    second = create_ticket(http, subject="second")
    response = http.post(
        f"{TICKETS}/batch/update",
        json={
            "inputs": [
                {"id": first["id"], "properties": {"subject": "changed"}},
                {"id": second["id"], "properties": {"hs_ticket_priority": "SUPER"}},
            ]
        },
    )
    assert _problem_of(response, "hs_ticket_priority")["error"] == "INVALID_OPTION"
    assert _values(http, first["id"], "subject") == {"subject": "first"}
    assert [e["value"] for e in _history(http, first["id"], "subject")] == ["first"]
    assert _values(http, first["id"], "hs_lastmodifieddate") == {
        "hs_lastmodifieddate": first["properties"]["hs_lastmodifieddate"]
    }

    patched = http.patch(
        f"{TICKETS}/{second['id']}",
        json={"properties": {"subject": "changed", "hs_ticket_priority": "SUPER"}},
    )
    assert _problem_of(patched, "hs_ticket_priority")
    assert _values(http, second["id"], "subject", "hs_ticket_priority") == {
        "subject": "second",
        "hs_ticket_priority": None,
    }


# -- value normalisation ------------------------------------------------------------------

#: (property, value as written in JSON, value read back)
NORMALISED: list[tuple[str, Any, str]] = [
    ("c_text", "Hello, world", "Hello, world"),
    ("c_text", "  spaced  ", "  spaced  "),
    ("c_number", "17.50", "17.5"),
    ("c_number", 17.0, "17"),
    ("c_number", 17, "17"),
    ("c_number", "-0.250", "-0.25"),
    ("c_number", "1000", "1000"),
    ("c_bool", "TRUE", "true"),
    ("c_bool", "False", "false"),
    ("c_bool", True, "true"),
    ("c_date", "2024-03-01", "2024-03-01"),
    ("c_date", MIDNIGHT_2024_03_01, "2024-03-01"),
    ("c_date", str(MIDNIGHT_2024_03_01), "2024-03-01"),
    ("c_datetime", "2024-03-01T10:00:00+02:00", "2024-03-01T08:00:00Z"),
    ("c_datetime", "2024-03-01T08:00:00.120Z", "2024-03-01T08:00:00.120Z"),
    ("c_datetime", "2024-03-01T08:00:00.000Z", "2024-03-01T08:00:00Z"),
    ("c_datetime", EIGHT_AM_2024_03_01, "2024-03-01T08:00:00Z"),
    ("c_datetime", str(EIGHT_AM_2024_03_01 + 5), "2024-03-01T08:00:00.005Z"),
    ("c_select", "b", "b"),
    ("c_multi", "a;b", "a;b"),
    ("c_multi", "c;a", "c;a"),
    ("c_phone", "+1 (555) 010-0199", "+1 (555) 010-0199"),
    ("hs_ticket_category", "BILLING_ISSUE;PRODUCT_ISSUE", "BILLING_ISSUE;PRODUCT_ISSUE"),
    ("hs_ticket_category", "PRODUCT_ISSUE;BILLING_ISSUE", "PRODUCT_ISSUE;BILLING_ISSUE"),
]


def test_values_are_stored_in_read_format_for_every_type(custom: httpx.Client) -> None:
    wrong = {}
    for name, raw, expected in NORMALISED:
        response = custom.post(TICKETS, json={"properties": {"hs_pipeline_stage": "1", name: raw}})
        assert response.status_code == 201, (name, raw, response.text)
        written = response.json()["properties"][name]
        read = _values(custom, response.json()["id"], name)[name]
        if (written, read) != (expected, expected):
            wrong[(name, raw)] = {"expected": expected, "written": written, "read": read}
    assert wrong == {}


def test_updates_are_normalised_the_same_way(custom: httpx.Client) -> None:
    ticket = create_ticket(custom, c_number="1")
    response = custom.patch(
        f"{TICKETS}/{ticket['id']}",
        json={
            "properties": {
                "c_number": "2.50",
                "c_bool": "TRUE",
                "c_date": MIDNIGHT_2024_03_01,
                "c_datetime": "2024-03-01T09:00:00+01:00",
                "c_multi": "b;a",
            }
        },
    )
    assert response.status_code == 200, response.text
    assert _values(
        custom, ticket["id"], "c_number", "c_bool", "c_date", "c_datetime", "c_multi"
    ) == {
        "c_number": "2.5",
        "c_bool": "true",
        "c_date": "2024-03-01",
        "c_datetime": "2024-03-01T08:00:00Z",
        "c_multi": "b;a",
    }
    assert [e["value"] for e in _history(custom, ticket["id"], "c_number")] == ["2.5", "1"]


# -- unique values ------------------------------------------------------------------------


def _conflict(response: httpx.Response) -> dict[str, Any]:
    body = _error(response, 409, "CONFLICT")
    assert list(body)[:3] == ["status", "message", "correlationId"]
    assert body["message"]
    return body


def test_second_ticket_with_a_taken_unique_value_is_a_409(
    server: LiveServer, unique: httpx.Client, sdk: hubspot.Client
) -> None:
    first = create_ticket(unique, subject="first", external_key="K-1")
    response = unique.post(
        TICKETS,
        json={"properties": {"subject": "second", "hs_pipeline_stage": "1", "external_key": "K-1"}},
    )
    _conflict(response)
    assert _ticket_count(server) == 1
    held = _get(unique, "K-1", idProperty="external_key")
    assert held.json()["id"] == first["id"]

    create_ticket(unique, serial="17")
    same_number = unique.post(
        TICKETS, json={"properties": {"hs_pipeline_stage": "1", "serial": "17.0"}}
    )
    _conflict(same_number)
    assert _ticket_count(server) == 2

    with pytest.raises(ApiException) as raised:
        sdk.crm.tickets.basic_api.create(
            SimplePublicObjectInputForCreate(
                properties={"external_key": "K-1", "hs_pipeline_stage": "1"}, associations=[]
            )
        )
    assert raised.value.status == 409
    assert _ticket_count(server) == 2


def test_updating_to_a_taken_unique_value_is_a_409(unique: httpx.Client) -> None:
    create_ticket(unique, external_key="K-1")
    second = create_ticket(unique, external_key="K-2")
    response = unique.patch(
        f"{TICKETS}/{second['id']}", json={"properties": {"external_key": "K-1", "subject": "y"}}
    )
    _conflict(response)
    assert _values(unique, second["id"], "external_key", "subject") == {
        "external_key": "K-2",
        "subject": "A ticket",
    }
    same = unique.patch(
        f"{TICKETS}/{second['id']}", json={"properties": {"external_key": "K-2", "subject": "y"}}
    )
    assert same.status_code == 200, same.text


def test_old_unique_value_is_free_after_a_change_or_a_clear(unique: httpx.Client) -> None:
    ticket = create_ticket(unique, external_key="K-1", serial="5")
    moved = unique.patch(
        f"{TICKETS}/{ticket['id']}", json={"properties": {"external_key": "K-2", "serial": ""}}
    )
    assert moved.status_code == 200, moved.text
    other = create_ticket(unique, external_key="K-1", serial="5")
    assert _get(unique, "K-1", idProperty="external_key").json()["id"] == other["id"]
    assert _get(unique, "K-2", idProperty="external_key").json()["id"] == ticket["id"]
    assert _get(unique, "5", idProperty="serial").json()["id"] == other["id"]


def test_one_batch_cannot_give_a_unique_value_twice(
    server: LiveServer, unique: httpx.Client
) -> None:
    response = unique.post(
        f"{TICKETS}/batch/create",
        json={
            "inputs": [
                {"properties": {"hs_pipeline_stage": "1", "external_key": "K-1"}},
                {"properties": {"hs_pipeline_stage": "1", "external_key": "K-2"}},
                {"properties": {"hs_pipeline_stage": "1", "external_key": "K-1"}},
            ]
        },
    )
    assert 400 <= response.status_code < 500
    assert response.json()["status"] == "error"
    assert _ticket_count(server) == 0


def test_concurrent_creates_with_one_unique_value_let_exactly_one_win(
    server: LiveServer, token: str, unique: httpx.Client
) -> None:
    racers = 16
    barrier = threading.Barrier(racers)
    statuses: list[int] = []
    lock = threading.Lock()

    def race(n: int) -> None:
        with server.http(token) as client:
            client.get("/crm/v3/pipelines/tickets/0")  # connect before the start
            barrier.wait(timeout=10)
            response = client.post(
                TICKETS,
                json={
                    "properties": {
                        "subject": f"racer {n}",
                        "hs_pipeline_stage": "1",
                        "external_key": "RACE",
                    }
                },
            )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [201] + [409] * (racers - 1)
    assert _ticket_count(server) == 1
    read = unique.post(
        f"{TICKETS}/batch/read",
        json={"idProperty": "external_key", "inputs": [{"id": "RACE"}], "properties": ["subject"]},
    )
    assert read.status_code == 200, read.text
    assert len(read.json()["results"]) == 1


def test_concurrent_updates_of_one_ticket_lose_no_history(
    server: LiveServer, token: str, http: httpx.Client
) -> None:
    ticket = create_ticket(http, subject="start")
    writers = 16
    barrier = threading.Barrier(writers)
    statuses: list[int] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        with server.http(token) as client:
            client.get("/crm/v3/pipelines/tickets/0")  # connect before the start
            barrier.wait(timeout=10)
            response = client.patch(
                f"{TICKETS}/{ticket['id']}", json={"properties": {"subject": f"writer {n}"}}
            )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [200] * writers
    history = _history(http, ticket["id"], "subject")
    assert len(history) == writers + 1
    assert history[-1]["value"] == "start"
    assert sorted(e["value"] for e in history[:-1]) == sorted(f"writer {n}" for n in range(writers))
    assert _values(http, ticket["id"], "subject") == {"subject": history[0]["value"]}
