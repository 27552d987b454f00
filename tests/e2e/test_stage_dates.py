"""Stage calculated properties, ``hs_date_entered_<stageId>`` and ``hs_date_exited_<stageId>``
(docs/behaviour.md, "Stage calculated properties"), on both backends.

- Every live stage of every live pipeline of tickets and deals has both, read-only
  ``datetime`` properties with HubSpot's labels ("Date entered 'New (Support
  Pipeline)'"), field type ``calculation_read_time``, in the group of the stage property;
  they come and go with the stages, and follow their labels.
- A record created in a stage entered it at its creation; a write that moves it (to
  another stage, or another pipeline) exits the old stage and enters the new one at the
  write's time; coming back to a stage enters it again (the later time replaces the
  earlier), and the old exit stays until the record leaves again.
- Reads return them when asked for, search finds them, writes may not set them, and their
  history names HubSpot's stage calculation as the source (``CALCULATED``).
- Batch creates, upserts, merges and bulk loads set them as single writes do.

The SDK (validating every model) drives the main paths; raw HTTP checks bodies and errors.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import pytest
from hubspot.crm.tickets import SimplePublicObjectInput, SimplePublicObjectInputForCreate

from spoke.domain.bulk_import import import_objects
from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.domain.tokens import KNOWN_SCOPES
from spoke.domain.writes import WriteSource

if TYPE_CHECKING:
    from conftest import LiveServer

Json = dict[str, Any]

TICKETS_PATH = "/crm/v3/objects/tickets"
SUPPORT_STAGES = {"1": "New", "2": "Waiting on contact", "3": "Waiting on us", "4": "Closed"}
CALCULATED = {"sourceType": "CALCULATED", "sourceId": "StageCalculatedPropertiesRollup"}


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.http(server.token(sorted(KNOWN_SCOPES))) as http:
        yield http


def stage_dates(names: list[str]) -> list[str]:
    return [n for n in names if n.startswith(("hs_date_entered_", "hs_date_exited_"))]


def create(http: httpx.Client, stage: str = "1", **values: str) -> Json:
    response = http.post(
        TICKETS_PATH,
        json={"properties": {"subject": "Stages", "hs_pipeline_stage": stage, **values}},
    )
    assert response.status_code == 201, response.text
    body: Json = response.json()
    return body


def move(http: httpx.Client, ticket_id: str, **values: str) -> Json:
    time.sleep(0.005)  # a later millisecond than the previous write
    response = http.patch(f"{TICKETS_PATH}/{ticket_id}", json={"properties": values})
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def read(http: httpx.Client, ticket_id: str, *names: str, history: bool = False) -> Json:
    params = {"propertiesWithHistory" if history else "properties": ",".join(names)}
    response = http.get(f"{TICKETS_PATH}/{ticket_id}", params=params)
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def dates_of(record: Json) -> dict[str, str]:
    return {k: v for k, v in record["properties"].items() if k in stage_dates([k]) and v}


# -- the properties ---------------------------------------------------------------------------


def test_the_sdk_reads_a_stage_date_property_as_hubspot_defines_it(sdk: hubspot.Client) -> None:
    entered = sdk.crm.properties.core_api.get_by_name("tickets", "hs_date_entered_1")
    assert (entered.label, entered.type, entered.field_type) == (
        "Date entered 'New (Support Pipeline)'",
        "datetime",
        "calculation_read_time",
    )
    assert entered.description == (
        "The date and time when the ticket entered the 'New' stage, 'Support Pipeline' pipeline"
    )
    assert entered.group_name == "ticketinformation"
    assert entered.modification_metadata.read_only_value is True
    assert entered.hubspot_defined is True
    assert entered.calculated is False
    exited = sdk.crm.properties.core_api.get_by_name("tickets", "hs_date_exited_4")
    assert exited.label == "Date exited 'Closed (Support Pipeline)'"
    assert exited.description == (
        "The date and time when the ticket exited the 'Closed' stage, 'Support Pipeline' pipeline"
    )


def test_every_stage_of_tickets_and_deals_has_both_properties(client: httpx.Client) -> None:
    tickets = [p["name"] for p in client.get("/crm/v3/properties/tickets").json()["results"]]
    assert stage_dates(tickets) == [
        f"hs_date_{kind}_{stage}" for stage in SUPPORT_STAGES for kind in ("entered", "exited")
    ]
    deals = client.get("/crm/v3/properties/deals").json()["results"]
    won = next(p for p in deals if p["name"] == "hs_date_entered_closedwon")
    assert won["label"] == "Date entered 'Closed Won (Sales Pipeline)'"
    assert won["groupName"] == "dealinformation"
    assert len(stage_dates([p["name"] for p in deals])) == 14
    contacts = client.get("/crm/v3/properties/contacts").json()["results"]
    assert stage_dates([p["name"] for p in contacts]) == []


def test_the_properties_come_and_go_with_stages(client: httpx.Client) -> None:
    added = client.post(
        "/crm/v3/pipelines/tickets/0/stages",
        json={"label": "Triage", "displayOrder": 9, "metadata": {"ticketState": "OPEN"}},
    ).json()
    name = f"hs_date_entered_{added['id']}"
    found = client.get(f"/crm/v3/properties/tickets/{name}")
    assert found.json()["label"] == "Date entered 'Triage (Support Pipeline)'"
    client.patch(f"/crm/v3/pipelines/tickets/0/stages/{added['id']}", json={"label": "Sorting"})
    client.patch("/crm/v3/pipelines/tickets/0", json={"label": "Help desk"})
    renamed = client.get(f"/crm/v3/properties/tickets/{name}").json()
    assert renamed["label"] == "Date entered 'Sorting (Help desk)'"
    assert renamed["updatedAt"] > found.json()["updatedAt"]
    assert client.delete(f"/crm/v3/pipelines/tickets/0/stages/{added['id']}").status_code == 204
    assert client.get(f"/crm/v3/properties/tickets/{name}").status_code == 404


# -- values -------------------------------------------------------------------------------------


def test_a_record_created_in_a_stage_entered_it_at_its_creation(sdk: hubspot.Client) -> None:
    created = sdk.crm.tickets.basic_api.create(
        SimplePublicObjectInputForCreate(properties={"subject": "x", "hs_pipeline_stage": "2"})
    )
    assert created.properties["hs_date_entered_2"] == created.properties["hs_lastmodifieddate"]
    read = sdk.crm.tickets.basic_api.get_by_id(
        created.id, properties=["hs_date_entered_2", "hs_date_exited_2", "hs_date_entered_1"]
    )
    assert read.properties["hs_date_entered_2"] == created.properties["hs_date_entered_2"]
    assert read.properties["hs_date_exited_2"] is None
    assert read.properties["hs_date_entered_1"] is None


def test_a_stage_move_exits_the_old_stage_and_enters_the_new(sdk: hubspot.Client) -> None:
    api = sdk.crm.tickets.basic_api
    created = api.create(
        SimplePublicObjectInputForCreate(properties={"subject": "x", "hs_pipeline_stage": "1"})
    )
    time.sleep(0.005)
    moved = api.update(created.id, SimplePublicObjectInput(properties={"hs_pipeline_stage": "3"}))
    at = moved.properties["hs_lastmodifieddate"]
    assert at > created.properties["hs_lastmodifieddate"]
    assert moved.properties["hs_date_exited_1"] == moved.properties["hs_date_entered_3"] == at
    assert moved.properties["hs_date_entered_1"] == created.properties["hs_date_entered_1"]


def test_coming_back_to_a_stage_enters_it_again(client: httpx.Client) -> None:
    ticket = create(client, "1")
    first_entry = ticket["properties"]["hs_date_entered_1"]
    left = move(client, ticket["id"], hs_pipeline_stage="2")
    back = move(client, ticket["id"], hs_pipeline_stage="1")
    again = back["properties"]["hs_lastmodifieddate"]
    assert dates_of(back) == {
        "hs_date_entered_1": again,  # the later entry replaces the first
        "hs_date_exited_1": left["properties"]["hs_lastmodifieddate"],  # the last exit
        "hs_date_entered_2": left["properties"]["hs_lastmodifieddate"],
        "hs_date_exited_2": again,
    }
    assert again > first_entry


def test_a_write_that_keeps_the_stage_sets_no_stage_date(client: httpx.Client) -> None:
    ticket = create(client, "1")
    same = move(client, ticket["id"], hs_pipeline_stage="1", subject="Renamed")
    assert dates_of(same) == dates_of(ticket)


def test_a_pipeline_change_exits_the_old_pipelines_stage(client: httpx.Client) -> None:
    pipeline = client.post(
        "/crm/v3/pipelines/tickets",
        json={
            "label": "Escalations",
            "displayOrder": 1,
            "stages": [{"label": "Raised", "displayOrder": 0, "metadata": {"ticketState": "OPEN"}}],
        },
    ).json()
    raised = pipeline["stages"][0]["id"]
    ticket = create(client, "3")
    moved = move(client, ticket["id"], hs_pipeline=pipeline["id"], hs_pipeline_stage=raised)
    at = moved["properties"]["hs_lastmodifieddate"]
    assert dates_of(moved) == {
        "hs_date_entered_3": ticket["properties"]["hs_date_entered_3"],
        "hs_date_exited_3": at,
        f"hs_date_entered_{raised}": at,
    }
    entered = client.get(f"/crm/v3/properties/tickets/hs_date_entered_{raised}").json()
    assert entered["label"] == "Date entered 'Raised (Escalations)'"


def test_history_names_the_stage_calculation_as_the_source(client: httpx.Client) -> None:
    ticket = create(client, "1")
    left = move(client, ticket["id"], hs_pipeline_stage="2")
    back = move(client, ticket["id"], hs_pipeline_stage="1")
    history = read(client, ticket["id"], "hs_date_entered_1", "hs_pipeline_stage", history=True)[
        "propertiesWithHistory"
    ]
    entries = history["hs_date_entered_1"]
    assert [e["value"] for e in entries] == [
        back["properties"]["hs_date_entered_1"],
        ticket["properties"]["hs_date_entered_1"],
    ]
    for entry in entries:
        assert list(entry) == ["value", "timestamp", "sourceType", "sourceId"]
        assert {k: entry[k] for k in CALCULATED} == CALCULATED
        assert entry["timestamp"] == entry["value"]
    assert {e["sourceType"] for e in history["hs_pipeline_stage"]} == {"INTEGRATION"}
    assert left["properties"]["hs_date_exited_1"] == history["hs_pipeline_stage"][1]["timestamp"]


def test_history_in_a_batch_read_names_the_stage_calculation_too(client: httpx.Client) -> None:
    ticket = create(client, "2")
    response = client.post(
        f"{TICKETS_PATH}/batch/read",
        json={"inputs": [{"id": ticket["id"]}], "propertiesWithHistory": ["hs_date_entered_2"]},
    )
    (result,) = response.json()["results"]
    (entry,) = result["propertiesWithHistory"]["hs_date_entered_2"]
    assert {k: entry[k] for k in CALCULATED} == CALCULATED


def test_search_finds_records_by_stage_date(client: httpx.Client) -> None:
    stays = create(client, "1")
    moves = create(client, "1")
    moved = move(client, moves["id"], hs_pipeline_stage="4")

    def search(*filters: Json) -> list[str]:
        body = {"filterGroups": [{"filters": list(filters)}], "properties": ["subject"]}
        response = client.post(f"{TICKETS_PATH}/search", json=body)
        assert response.status_code == 200, response.text
        return sorted(r["id"] for r in response.json()["results"])

    assert search({"propertyName": "hs_date_exited_1", "operator": "HAS_PROPERTY"}) == [moves["id"]]
    entered = moved["properties"]["hs_date_entered_4"]
    assert search({"propertyName": "hs_date_entered_4", "operator": "GTE", "value": entered}) == [
        moves["id"]
    ]
    assert search({"propertyName": "hs_date_entered_1", "operator": "HAS_PROPERTY"}) == sorted(
        [stays["id"], moves["id"]]
    )


def test_clients_may_not_write_stage_dates(client: httpx.Client) -> None:
    response = client.post(
        TICKETS_PATH,
        json={
            "properties": {
                "subject": "x",
                "hs_pipeline_stage": "1",
                "hs_date_entered_1": "2020-01-01T00:00:00Z",
            }
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "READ_ONLY_VALUE"


def test_batch_creates_updates_and_upserts_set_stage_dates(client: httpx.Client) -> None:
    created = client.post(
        f"{TICKETS_PATH}/batch/create",
        json={
            "inputs": [
                {"properties": {"subject": f"t{n}", "hs_pipeline_stage": "2"}} for n in (1, 2)
            ]
        },
    ).json()["results"]
    assert all(r["properties"]["hs_date_entered_2"] for r in created)
    time.sleep(0.005)
    updated = client.post(
        f"{TICKETS_PATH}/batch/update",
        json={
            "inputs": [{"id": r["id"], "properties": {"hs_pipeline_stage": "3"}} for r in created]
        },
    ).json()["results"]
    for r in updated:
        at = r["properties"]["hs_lastmodifieddate"]
        assert r["properties"]["hs_date_exited_2"] == r["properties"]["hs_date_entered_3"] == at
    client.post(
        "/crm/v3/properties/tickets",
        json={
            "name": "external_ref",
            "label": "Ref",
            "type": "string",
            "fieldType": "text",
            "groupName": "ticketinformation",
            "hasUniqueValue": True,
        },
    )
    upserted = client.post(
        f"{TICKETS_PATH}/batch/upsert",
        json={
            "inputs": [
                {
                    "id": "R-1",
                    "idProperty": "external_ref",
                    "properties": {"hs_pipeline_stage": "4"},
                }
            ]
        },
    )
    assert upserted.status_code == 200, upserted.text
    (result,) = upserted.json()["results"]
    assert result["properties"]["hs_date_entered_4"] == result["properties"]["createdate"]


def test_deals_enter_their_stages_too(client: httpx.Client) -> None:
    created = client.post(
        "/crm/v3/objects/deals",
        json={"properties": {"dealname": "Big", "dealstage": "appointmentscheduled"}},
    ).json()
    assert (
        created["properties"]["hs_date_entered_appointmentscheduled"]
        == (created["properties"]["createdate"])
    )
    time.sleep(0.005)
    won = client.patch(
        f"/crm/v3/objects/deals/{created['id']}", json={"properties": {"dealstage": "closedwon"}}
    ).json()
    at = won["properties"]["hs_lastmodifieddate"]
    assert won["properties"]["hs_date_entered_closedwon"] == at
    assert won["properties"]["hs_date_exited_appointmentscheduled"] == at


def test_a_merge_keeps_the_primarys_stage_dates_and_takes_the_others(client: httpx.Client) -> None:
    primary = create(client, "1")
    other = create(client, "1")
    moved = move(client, other["id"], hs_pipeline_stage="2")
    merged = client.post(
        f"{TICKETS_PATH}/merge",
        json={"primaryObjectId": primary["id"], "objectIdToMerge": other["id"]},
    )
    assert merged.status_code == 200, merged.text
    assert dates_of(merged.json()) == {
        "hs_date_entered_1": primary["properties"]["hs_date_entered_1"],
        "hs_date_exited_1": moved["properties"]["hs_date_exited_1"],
        "hs_date_entered_2": moved["properties"]["hs_date_entered_2"],
    }
    history = read(client, primary["id"], "hs_date_entered_2", history=True)
    entries = history["propertiesWithHistory"]["hs_date_entered_2"]
    assert {e["sourceType"] for e in entries} == {"CALCULATED"}


def test_records_loaded_in_bulk_entered_their_stage_when_loaded(
    server: LiveServer, client: httpx.Client
) -> None:
    store = server.open_store()
    try:
        catalogue = Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES))
        inputs = [{"subject": f"bulk {n}", "hs_pipeline_stage": str(1 + n % 4)} for n in range(8)]
        import_objects(catalogue, TICKETS, inputs, WriteSource.integration(1000000))
    finally:
        store.close()
    listed = client.get(
        TICKETS_PATH,
        params={
            "properties": "hs_pipeline_stage,hs_lastmodifieddate,"
            + ",".join(f"hs_date_entered_{s}" for s in SUPPORT_STAGES)
        },
    ).json()["results"]
    assert len(listed) == 8
    for record in listed:
        stage = record["properties"]["hs_pipeline_stage"]
        assert dates_of(record) == {
            f"hs_date_entered_{stage}": record["properties"]["hs_lastmodifieddate"]
        }
    search = client.post(
        f"{TICKETS_PATH}/search",
        json={
            "filterGroups": [
                {"filters": [{"propertyName": "hs_date_entered_3", "operator": "HAS_PROPERTY"}]}
            ]
        },
    )
    assert search.json()["total"] == 2
