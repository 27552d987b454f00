"""One implementation serves every object type, and keeps their records apart.

A server here serves tickets and ``widgets`` (``tests/object_types_for_tests.py``), a type
that differs from tickets wherever a type may. Widgets are written, read, listed,
searched and merged through the same paths as tickets, with their own create date
property, lookup property, scopes and messages; their properties, groups and unique
values are their own; and a record of one type is never found, changed or merged through
the other's paths (a ticket's id read as a widget is not found). The pipelines paths of a
type without pipelines answer 400 (docs/behaviour.md, "Paths").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hubspot.crm.objects import (
    BatchReadInputSimplePublicObjectId,
    PublicObjectSearchRequest,
    SimplePublicObjectInputForCreate,
)
from object_types_for_tests import WIDGETS
from servers import LiveServer, live_server

from spoke.domain.standard_objects import TICKETS

WIDGET_PATH = "/crm/v3/objects/widgets"
TICKET_PATH = "/crm/v3/objects/tickets"
#: Every scope of both types.
ALL_SCOPES = [*TICKETS.scopes.all(), *WIDGETS.scopes.all()]


@pytest.fixture
def both(database_url: str) -> Iterator[LiveServer]:
    """A server serving tickets and widgets, on each backend in turn."""
    with live_server(database_url, object_types=(TICKETS, WIDGETS)) as running:
        yield running


@pytest.fixture
def http(both: LiveServer) -> Iterator[httpx.Client]:
    with both.http(both.token(scopes=ALL_SCOPES)) as client:
        yield client


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def create(http: httpx.Client, path: str, **properties: str) -> str:
    if path == TICKET_PATH:
        properties.setdefault("hs_pipeline_stage", "1")
    return str(ok(http.post(path, json={"properties": properties}), 201)["id"])


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


# -- a type of its own -------------------------------------------------------------------------


def test_a_widget_lives_through_the_same_paths_as_a_ticket(http: httpx.Client) -> None:
    created = ok(http.post(WIDGET_PATH, json={"properties": {"name": "Sprocket"}}), 201)
    widget = created["id"]
    assert created["properties"]["hs_object_id"] == widget
    assert created["createdAt"] == created["properties"]["hs_createdate"]
    assert created["updatedAt"] == created["properties"]["hs_lastmodifieddate"]
    assert "hs_pipeline" not in created["properties"], "a widget needs no pipeline"

    read = ok(http.get(f"{WIDGET_PATH}/{widget}"))
    assert sorted(read["properties"]) == [
        "code",
        "hs_createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
        "name",
    ], "the type's default properties, and its always-returned ones"

    ok(http.patch(f"{WIDGET_PATH}/{widget}", json={"properties": {"colour": "red"}}))
    history = ok(
        http.get(f"{WIDGET_PATH}/{widget}", params={"propertiesWithHistory": "colour,name"})
    )
    assert [v["value"] for v in history["propertiesWithHistory"]["colour"]] == ["red"]
    listed = ok(http.get(WIDGET_PATH, params={"properties": "colour"}))
    assert [(r["id"], r["properties"]["colour"]) for r in listed["results"]] == [(widget, "red")]
    assert http.delete(f"{WIDGET_PATH}/{widget}").status_code == 204
    assert ok(http.get(WIDGET_PATH))["results"] == []
    assert ok(http.get(WIDGET_PATH, params={"archived": "true"}))["results"][0]["id"] == widget


def test_the_official_sdk_reaches_a_type_by_any_of_its_names(
    both: LiveServer,
) -> None:
    sdk = both.sdk(both.token(scopes=ALL_SCOPES))
    objects = sdk.crm.objects
    for name in ("widgets", "widget", "2-1001"):
        made = objects.basic_api.create(
            name, SimplePublicObjectInputForCreate(properties={"name": name}, associations=[])
        )
        found = objects.batch_api.read(
            name,
            BatchReadInputSimplePublicObjectId(
                inputs=[{"id": made.id}], properties=["name"], properties_with_history=[]
            ),
        )
        assert [r.properties["name"] for r in found.results] == [name]
    page = objects.search_api.do_search(
        "widgets", PublicObjectSearchRequest(query="1001", properties=["name"])
    )
    assert [r.properties["name"] for r in page.results] == ["2-1001"]


def test_a_lookup_property_is_unique_and_names_records(http: httpx.Client) -> None:
    first = create(http, WIDGET_PATH, name="One", code="W-1")
    taken = error(http.post(WIDGET_PATH, json={"properties": {"code": "W-1"}}), 409)
    assert taken["message"] == f"A widget with code W-1 already exists. Existing ID: {first}"
    read = ok(
        http.post(
            f"{WIDGET_PATH}/batch/read",
            json={"inputs": [{"id": "W-1"}], "idProperty": "code", "properties": ["name"]},
        )
    )
    assert [r["id"] for r in read["results"]] == [first]
    upserted = ok(
        http.post(
            f"{WIDGET_PATH}/batch/upsert",
            json={
                "inputs": [
                    {"id": "W-1", "idProperty": "code", "properties": {"name": "Uno"}},
                    {"id": "W-2", "idProperty": "code", "properties": {"name": "Dos"}},
                ]
            },
        )
    )
    assert [(r["id"] == first, r["new"]) for r in upserted["results"]] == [
        (True, False),
        (False, True),
    ]
    not_unique = error(
        http.post(
            f"{WIDGET_PATH}/batch/read",
            json={"inputs": [{"id": "Uno"}], "idProperty": "name"},
        ),
        400,
    )
    assert not_unique["message"] == "Unable to perform read by non-unique 2-1001 property name"


def test_a_merge_of_widgets_keeps_the_older_create_date(http: httpx.Client) -> None:
    older = create(http, WIDGET_PATH, name="Older", hs_createdate="2020-01-01T00:00:00Z")
    newer = create(http, WIDGET_PATH, name="Newer", serial="7")
    merged = ok(
        http.post(f"{WIDGET_PATH}/merge", json={"primaryObjectId": newer, "objectIdToMerge": older})
    )
    assert merged["id"] == newer
    assert merged["properties"]["hs_createdate"] == "2020-01-01T00:00:00Z"
    assert merged["createdAt"] == "2020-01-01T00:00:00Z"
    assert merged["properties"]["hs_merged_object_ids"] == older
    itself = error(
        http.post(
            f"{WIDGET_PATH}/merge", json={"primaryObjectId": newer, "objectIdToMerge": newer}
        ),
        400,
    )
    assert itself["message"].startswith(f"Cannot merge widget {newer} with itself")


def test_messages_name_the_type(http: httpx.Client) -> None:
    missing = ok(http.post(f"{WIDGET_PATH}/batch/read", json={"inputs": [{"id": "999"}]}), 207)
    assert missing["errors"][0]["message"] == (
        "Could not get some WIDGET objects, they may be deleted or not exist. "
        "Check that ids are valid."
    )
    search = error(
        http.post(
            f"{WIDGET_PATH}/search",
            json={"filterGroups": [{"filters": [_eq("subject", "x")]}]},
        ),
        400,
    )
    assert search["message"] == (
        "Unable to search on property 'subject': it does not exist on object type WIDGET"
    )
    no_property = error(http.get("/crm/v3/properties/widgets/subject"), 404)
    assert no_property["message"] == "Unable to find property subject on object type WIDGET"


# -- records stay in their type ----------------------------------------------------------------


def test_a_record_of_one_type_is_not_found_through_another(http: httpx.Client) -> None:
    ticket = create(http, TICKET_PATH, subject="A ticket")
    widget = create(http, WIDGET_PATH, name="A widget")

    assert http.get(f"{WIDGET_PATH}/{ticket}").status_code == 404
    assert http.get(f"{TICKET_PATH}/{widget}").status_code == 404
    read = ok(http.post(f"{WIDGET_PATH}/batch/read", json={"inputs": [{"id": ticket}]}), 207)
    assert (read["results"], read["errors"][0]["context"]["ids"]) == ([], [ticket])
    for history in ([], ["name"]):
        body = {"inputs": [{"id": ticket}, {"id": widget}], "propertiesWithHistory": history}
        both_ids = ok(http.post(f"{WIDGET_PATH}/batch/read", json=body), 207)
        assert [r["id"] for r in both_ids["results"]] == [widget]

    patched = http.patch(f"{WIDGET_PATH}/{ticket}", json={"properties": {"name": "x"}})
    assert patched.status_code == 404, patched.text
    update = {"inputs": [{"id": ticket, "properties": {"name": "x"}}]}
    assert http.post(f"{WIDGET_PATH}/batch/update", json=update).status_code == 404
    assert http.delete(f"{WIDGET_PATH}/{ticket}").status_code == 204
    archive = {"inputs": [{"id": ticket}]}
    assert http.post(f"{WIDGET_PATH}/batch/archive", json=archive).status_code == 204
    merge = {"primaryObjectId": widget, "objectIdToMerge": ticket}
    assert http.post(f"{WIDGET_PATH}/merge", json=merge).status_code == 404
    merge = {"primaryObjectId": ticket, "objectIdToMerge": widget}
    assert http.post(f"{TICKET_PATH}/merge", json=merge).status_code == 404

    still = ok(http.get(f"{TICKET_PATH}/{ticket}", params={"properties": "subject"}))
    assert (still["archived"], still["properties"]["subject"]) == (False, "A ticket")
    assert [r["id"] for r in ok(http.get(TICKET_PATH))["results"]] == [ticket]
    assert [r["id"] for r in ok(http.get(WIDGET_PATH))["results"]] == [widget]
    everything = {"filterGroups": [], "limit": 100}
    assert [
        r["id"] for r in ok(http.post(f"{WIDGET_PATH}/search", json=everything))["results"]
    ] == [widget]
    by_id = {"filterGroups": [{"filters": [_eq("hs_object_id", ticket)]}]}
    assert ok(http.post(f"{WIDGET_PATH}/search", json=by_id))["total"] == 0


def test_a_merged_id_names_its_primary_only_in_its_own_type(http: httpx.Client) -> None:
    primary = create(http, TICKET_PATH, subject="Primary")
    merged = create(http, TICKET_PATH, subject="Merged away")
    merge = {"primaryObjectId": primary, "objectIdToMerge": merged}
    ok(http.post(f"{TICKET_PATH}/merge", json=merge))
    assert ok(http.get(f"{TICKET_PATH}/{merged}"))["id"] == primary
    assert http.get(f"{WIDGET_PATH}/{merged}").status_code == 404
    read = ok(http.post(f"{WIDGET_PATH}/batch/read", json={"inputs": [{"id": merged}]}), 207)
    assert read["results"] == []


def test_properties_groups_and_unique_values_belong_to_their_type(http: httpx.Client) -> None:
    for path, group in (("tickets", "ticketinformation"), ("widgets", "widgetinformation")):
        ok(
            http.post(
                f"/crm/v3/properties/{path}",
                json={
                    "name": "ext_key",
                    "label": f"Key of {path}",
                    "type": "string",
                    "fieldType": "text",
                    "groupName": group,
                    "hasUniqueValue": True,
                },
            ),
            201,
        )
    labels = {
        path: ok(http.get(f"/crm/v3/properties/{path}/ext_key"))["label"]
        for path in ("tickets", "widgets")
    }
    assert labels == {"tickets": "Key of tickets", "widgets": "Key of widgets"}
    wrong_group = {"name": "x", "label": "X", "type": "string", "fieldType": "text"}
    refused = error(
        http.post(
            "/crm/v3/properties/widgets", json={**wrong_group, "groupName": "ticketinformation"}
        ),
        400,
    )
    assert refused["message"].startswith(
        "Property group ticketinformation does not exist on object type 2-1001"
    )
    groups = {
        path: [g["name"] for g in ok(http.get(f"/crm/v3/properties/{path}/groups"))["results"]]
        for path in ("tickets", "widgets")
    }
    assert groups == {"tickets": ["ticketinformation"], "widgets": ["widgetinformation"]}

    ticket = create(http, TICKET_PATH, ext_key="K-1")
    widget = create(http, WIDGET_PATH, ext_key="K-1")  # unique within its type only
    for path, holder in ((TICKET_PATH, ticket), (WIDGET_PATH, widget)):
        read = {"inputs": [{"id": "K-1"}], "idProperty": "ext_key"}
        found = ok(http.post(f"{path}/batch/read", json=read))
        assert [r["id"] for r in found["results"]] == [holder]
    ok(http.delete("/crm/v3/properties/widgets/ext_key"), 204)
    assert ok(http.get("/crm/v3/properties/tickets/ext_key"))["name"] == "ext_key"


# -- scopes and pipelines ---------------------------------------------------------------------


def test_each_type_takes_its_own_scopes(both: LiveServer) -> None:
    with both.http(both.token(scopes=["tickets"])) as tickets_only:
        assert tickets_only.get(TICKET_PATH).status_code == 200
        refused = error(tickets_only.get(WIDGET_PATH), 403)
        assert refused["errors"][0]["context"]["requiredGranularScopes"] == [
            "crm.objects.custom.read"
        ]
        assert tickets_only.get("/crm/v3/properties/widgets").status_code == 403
    reader = both.token(scopes=["crm.objects.custom.read", "crm.schemas.custom.read"])
    with both.http(reader) as widgets_reader:
        assert widgets_reader.get(WIDGET_PATH).status_code == 200
        assert widgets_reader.get("/crm/v3/properties/widgets").status_code == 200
        assert widgets_reader.get(TICKET_PATH).status_code == 403
        created = widgets_reader.post(WIDGET_PATH, json={"properties": {"name": "x"}})
        assert created.status_code == 403
        assert created.json()["errors"][0]["context"]["requiredGranularScopes"] == [
            "crm.objects.custom.write"
        ]


@pytest.mark.parametrize(
    "path",
    [
        "/crm/v3/pipelines/widgets",
        "/crm/v3/pipelines/widget/0",
        "/crm/pipelines/2026-03/2-1001/0/stages",
    ],
)
def test_the_pipelines_of_a_type_without_pipelines_are_a_400(both: LiveServer, path: str) -> None:
    with both.http(both.token(scopes=["crm.schemas.custom.read"])) as http:
        refused = error(http.get(path), 400)
    assert refused["category"] == "VALIDATION_ERROR"
    assert refused["message"] == (
        "Object type widgets (2-1001) has no pipelines; pipelines exist for tickets"
    )


def _eq(name: str, value: str) -> dict[str, str]:
    return {"propertyName": name, "operator": "EQ", "value": value}


def test_the_document_lists_every_served_name(http: httpx.Client) -> None:
    document = ok(http.get("/openapi.json"))
    names = {
        tuple(p["schema"]["enum"])
        for path, methods in document["paths"].items()
        for op in methods.values()
        for p in op["parameters"]
        if p["name"] == "objectType" and path.startswith(("/crm/v3/pipelines/", "/crm/pipelines/"))
    }
    assert names == {("tickets", "ticket", "0-5")}, "only types with pipelines"
    legacy = document["paths"]["/crm-pipelines/v1/pipelines/{objectType}"]["get"]["parameters"]
    assert legacy[0]["schema"]["enum"] == ["tickets"], "deals and tickets, by their plural"
    objects = document["paths"]["/crm/v3/objects/{objectType}"]["get"]["parameters"][0]
    assert objects["schema"]["enum"] == ["tickets", "ticket", "0-5", "widgets", "widget", "2-1001"]
    assert {
        s
        for r in document["paths"]["/crm/v3/objects/{objectType}"]["get"]["security"]
        for s in r["bearer"]
    } == {
        "tickets",
        "crm.objects.custom.read",
    }
