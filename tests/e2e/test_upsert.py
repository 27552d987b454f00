"""Batch upsert by a unique property's value, against a live server: through HubSpot's
official SDK and raw HTTP.

What is checked (behaviour.md, "Writes"):

- An input whose value a live ticket holds updates that ticket (``new: false``, its
  history appended); any other creates a ticket holding the value (``new: true``), under
  the rules of create.
- ``idProperty`` is required, must name a unique property (the same 400s as update) and
  be the same for every input; a value twice in one batch is a 400; more than 100
  inputs is the batch-size 400.
- One transaction: an invalid value anywhere writes nothing of the batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import msgspec
import pytest
from hubspot.crm.tickets import (
    BatchInputSimplePublicObjectBatchInputUpsert,
    BatchResponseSimplePublicUpsertObject,
    SimplePublicObjectBatchInputUpsert,
)
from hubspot_rules import TICKETS, create_ticket, define_property

from spoke.api import schemas
from spoke.domain.standard_objects.tickets import TICKETS as TICKET_TYPE

if TYPE_CHECKING:
    from conftest import LiveServer

DATED_TICKETS = "/crm/objects/2026-03/tickets"
UPSERT = f"{TICKETS}/batch/upsert"
APP_ID = 4343
TOO_MANY_INPUTS = (
    "The maximum number of inputs supported in a batch is 100. "
    "Please reduce the number of items and try again"
)


# -- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
def token(server: LiveServer) -> str:
    """Every write in this module is made by app ``APP_ID``."""
    return server.token(app_id=APP_ID)


@pytest.fixture
def unique(http: httpx.Client) -> httpx.Client:
    """``http``, with the unique properties ``external_key`` (string) and ``serial``
    (number), and the plain property ``plain_text``."""
    define_property(http, "external_key", "string", "text", unique=True)
    define_property(http, "serial", "number", "number", unique=True)
    define_property(http, "plain_text", "string", "text", unique=False)
    return http


def _input(key: str, id_property: str = "external_key", **properties: Any) -> dict[str, Any]:
    return {"id": key, "idProperty": id_property, "properties": properties}


def _upsert(http: httpx.Client, *inputs: dict[str, Any], path: str = UPSERT) -> httpx.Response:
    return http.post(path, json={"inputs": list(inputs)})


def _results(response: httpx.Response) -> list[schemas.UpsertedObject]:
    assert response.status_code == 200, response.text
    body = msgspec.json.decode(response.content, type=schemas.BatchUpsertResponse)
    return body.results


def _get(http: httpx.Client, key: str, **params: Any) -> httpx.Response:
    return http.get(f"{TICKETS}/{key}", params={"idProperty": "external_key", **params})


def _history(http: httpx.Client, ticket_id: str, name: str) -> list[dict[str, Any]]:
    response = http.get(f"{TICKETS}/{ticket_id}", params={"propertiesWithHistory": name})
    assert response.status_code == 200, response.text
    return response.json().get("propertiesWithHistory", {}).get(name, [])


def _ticket_count(server: LiveServer) -> int:
    store = server.open_store()
    try:
        return store.count_objects(TICKET_TYPE.type_id)
    finally:
        store.close()


def _error(response: httpx.Response, status: int, category: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "error"
    assert body["category"] == category
    return body


# -- creates and updates ----------------------------------------------------------------


def test_upsert_creates_a_ticket_holding_the_value_when_none_does(
    server: LiveServer, unique: httpx.Client
) -> None:
    response = _upsert(unique, _input("ORDER-1", subject="new one", hs_pipeline_stage="1"))
    (result,) = _results(response)
    raw = response.json()["results"][0]
    assert raw["new"] is True
    assert result.new is True
    assert result.properties["external_key"] == "ORDER-1"
    assert result.properties["subject"] == "new one"
    assert result.properties["hs_pipeline"] == "0"
    assert result.properties["hs_object_id"] == result.id
    assert _get(unique, "ORDER-1").json()["id"] == result.id
    history = _history(unique, result.id, "external_key")
    assert [(e["value"], e["sourceType"], e["sourceId"]) for e in history] == [
        ("ORDER-1", "INTEGRATION", str(APP_ID))
    ]
    assert _ticket_count(server) == 1


def test_upsert_updates_the_live_ticket_holding_the_value(
    server: LiveServer, unique: httpx.Client
) -> None:
    ticket = create_ticket(unique, subject="before", external_key="ORDER-1")
    (result,) = _results(_upsert(unique, _input("ORDER-1", subject="after")))
    assert result.new is False
    assert result.id == ticket["id"]
    assert result.properties["subject"] == "after"
    assert result.properties["external_key"] == "ORDER-1"
    assert [e["value"] for e in _history(unique, ticket["id"], "subject")] == ["after", "before"]
    assert len(_history(unique, ticket["id"], "external_key")) == 1  # unchanged, no entry
    assert _ticket_count(server) == 1


def test_mixed_batch_keeps_input_order(server: LiveServer, unique: httpx.Client) -> None:
    first = create_ticket(unique, subject="one", external_key="A")
    third = create_ticket(unique, subject="three", external_key="C")
    response = _upsert(
        unique,
        _input("A", subject="one'"),
        _input("B", subject="two", hs_pipeline_stage="2"),
        _input("C", subject="three'"),
    )
    results = _results(response)
    assert [r.new for r in results] == [False, True, False]
    assert results[0].id == first["id"]
    assert results[2].id == third["id"]
    assert results[1].id not in (first["id"], third["id"])
    assert [r.properties["external_key"] for r in results] == ["A", "B", "C"]
    assert [r.properties["subject"] for r in results] == ["one'", "two", "three'"]
    assert results[1].properties["hs_pipeline_stage"] == "2"
    body = response.json()
    assert body["status"] == "COMPLETE"
    assert body["startedAt"] <= body["completedAt"]
    assert _ticket_count(server) == 3


def test_upsert_through_the_sdk(unique: httpx.Client, sdk: hubspot.Client) -> None:
    existing = create_ticket(unique, subject="old", serial="7")
    response = sdk.crm.tickets.batch_api.upsert(
        BatchInputSimplePublicObjectBatchInputUpsert(
            inputs=[
                SimplePublicObjectBatchInputUpsert(
                    id="7", id_property="serial", properties={"subject": "updated"}
                ),
                SimplePublicObjectBatchInputUpsert(
                    id="8",
                    id_property="serial",
                    properties={"subject": "created", "hs_pipeline_stage": "1"},
                ),
            ]
        )
    )
    assert isinstance(response, BatchResponseSimplePublicUpsertObject)
    assert response.status == "COMPLETE"
    by_serial = {r.properties["serial"]: r for r in response.results}
    assert by_serial["7"].new is False
    assert by_serial["7"].id == existing["id"]
    assert by_serial["7"].properties["subject"] == "updated"
    assert by_serial["8"].new is True
    assert by_serial["8"].properties["subject"] == "created"
    assert by_serial["8"].archived is False


def test_dated_path_upserts_too(unique: httpx.Client) -> None:
    (result,) = _results(
        _upsert(unique, _input("D-1", hs_pipeline_stage="1"), path=f"{DATED_TICKETS}/batch/upsert")
    )
    assert result.new is True


def test_a_number_value_is_matched_by_its_normalised_form(unique: httpx.Client) -> None:
    ticket = create_ticket(unique, serial="5")
    (result,) = _results(_upsert(unique, _input("5.0", "serial", subject="by number")))
    assert result.new is False
    assert result.id == ticket["id"]


def test_value_of_an_archived_ticket_is_a_409(server: LiveServer, unique: httpx.Client) -> None:
    ticket = create_ticket(unique, external_key="GONE")
    assert unique.delete(f"{TICKETS}/{ticket['id']}").status_code == 204
    response = _upsert(unique, _input("GONE", hs_pipeline_stage="1"))
    _error(response, 409, "CONFLICT")
    assert _ticket_count(server) == 1


def test_empty_batch_answers_an_empty_result(unique: httpx.Client) -> None:
    assert _results(unique.post(UPSERT, json={"inputs": []})) == []


# -- errors -------------------------------------------------------------------------------


def test_id_property_must_be_a_unique_property(server: LiveServer, unique: httpx.Client) -> None:
    ticket = create_ticket(unique, plain_text="x")
    non_unique = _error(_upsert(unique, _input("x", "plain_text")), 400, "VALIDATION_ERROR")
    assert non_unique["message"] == "Unable to perform upsert by non-unique 0-5 property plain_text"
    missing = _error(_upsert(unique, _input("x", "nope")), 400, "VALIDATION_ERROR")
    assert missing["message"] == "Property nope does not exist"
    by_id = _error(_upsert(unique, _input(ticket["id"], "hs_object_id")), 400, "VALIDATION_ERROR")
    assert by_id["message"] == "Unable to perform upsert by non-unique 0-5 property hs_object_id"
    assert _ticket_count(server) == 1


def test_id_property_is_required_and_the_same_for_all(
    server: LiveServer, unique: httpx.Client
) -> None:
    absent = unique.post(UPSERT, json={"inputs": [{"id": "A", "properties": {}}]})
    _error(absent, 400, "VALIDATION_ERROR")
    mixed = _upsert(
        unique,
        _input("A", "external_key", hs_pipeline_stage="1"),
        _input("1", "serial", hs_pipeline_stage="1"),
    )
    _error(mixed, 400, "VALIDATION_ERROR")
    assert _ticket_count(server) == 0


def test_a_value_twice_in_one_batch_is_a_400(server: LiveServer, unique: httpx.Client) -> None:
    response = _upsert(
        unique,
        _input("A", hs_pipeline_stage="1"),
        _input("B", hs_pipeline_stage="1"),
        _input("A", hs_pipeline_stage="1"),
    )
    body = _error(response, 400, "VALIDATION_ERROR")
    assert body["message"] == "Duplicate IDs found in batch input: [A]. IDs must be unique"
    same_number = _upsert(
        unique, _input("5", "serial", hs_pipeline_stage="1"), _input("5.0", "serial")
    )
    body = _error(same_number, 400, "VALIDATION_ERROR")
    assert body["message"] == "Duplicate IDs found in batch input: [5]. IDs must be unique"
    assert _ticket_count(server) == 0


def test_more_than_100_inputs_is_the_batch_size_400(
    server: LiveServer, unique: httpx.Client
) -> None:
    inputs = [_input(f"K-{n}", hs_pipeline_stage="1") for n in range(101)]
    body = _error(_upsert(unique, *inputs), 400, "VALIDATION_ERROR")
    assert body["message"] == TOO_MANY_INPUTS
    assert _ticket_count(server) == 0


def test_a_create_needs_a_stage(server: LiveServer, unique: httpx.Client) -> None:
    response = _upsert(unique, _input("NO-STAGE", subject="x"))
    body = _error(response, 400, "VALIDATION_ERROR")
    assert "REQUIRED_PROPERTY" in body["message"]
    assert _ticket_count(server) == 0


def test_an_invalid_value_in_input_3_writes_nothing(
    server: LiveServer, unique: httpx.Client
) -> None:
    ticket = create_ticket(unique, subject="kept", external_key="A")
    response = _upsert(
        unique,
        _input("A", subject="changed"),
        _input("B", subject="new", hs_pipeline_stage="1"),
        _input("C", subject="bad", hs_pipeline_stage="1", hs_ticket_priority="NOT-A-PRIORITY"),
    )
    _error(response, 400, "VALIDATION_ERROR")
    assert _ticket_count(server) == 1
    assert [e["value"] for e in _history(unique, ticket["id"], "subject")] == ["kept"]
    assert _get(unique, "B").status_code == 404
    invalid_key = _upsert(
        unique,
        _input("1", "serial", hs_pipeline_stage="1"),
        _input("2", "serial", hs_pipeline_stage="1"),
        _input("three", "serial", hs_pipeline_stage="1"),
    )
    _error(invalid_key, 400, "VALIDATION_ERROR")
    assert _ticket_count(server) == 1
