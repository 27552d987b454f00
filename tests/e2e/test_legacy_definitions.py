"""Definitions on HubSpot's legacy paths, and the custom object schemas API
(docs/behaviour.md, "Legacy APIs" and "Custom object schemas").

- Properties v2 (``/properties/v2/{objectType}/properties``, by any name of a served
  type) and v1 (``/properties/v1/{contacts,companies,deals}/properties``,
  ``/companies/v2/properties``): a JSON array of the definitions the v3 properties API
  serves, in v2's shape. A HubSpot type Spoke does not serve is HubSpot's 403 to a token
  without its scopes (Airbyte calls these paths for types Spoke does not model).
- Pipelines v1 (``/crm-pipelines/v1/pipelines/{deals,tickets}``) and deals v1
  (``/deals/v1/pipelines``): the pipelines the v3 API serves, in their legacy shapes.
- ``/crm/v3/schemas``: no custom objects, so an empty list and 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import msgspec
import pytest

from spoke.api import schemas
from spoke.api.hubspot_paths import requirement
from spoke.api.legacy import bodies
from spoke.api.routes import route_table
from spoke.domain.hubspot_object_types import CUSTOM_OBJECTS
from spoke.domain.instants import parse_instant
from spoke.domain.object_types import ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.domain.tokens import KNOWN_SCOPES
from spoke.store import open_store

if TYPE_CHECKING:
    from conftest import LiveServer

Json = dict[str, Any]

#: The names Airbyte's connector (5.7.0) asks ``/properties/v2/{name}/properties`` for.
AIRBYTE_SERVED = ("contact", "company", "deal", "ticket", "calls", "emails", "meetings",
                  "notes", "tasks", "companies", "contacts", "deals", "deal_split",
                  "goal_targets", "leads", "line_item", "product")  # fmt: skip
PLURAL = {"contact": "contacts", "company": "companies", "deal": "deals", "ticket": "tickets",
          "line_item": "line_items", "product": "products"}  # fmt: skip

SCHEMA_SCOPES = list(CUSTOM_OBJECTS.definitions_read)
ALL_SCOPES = sorted(KNOWN_SCOPES)


@pytest.fixture
def everything(server: LiveServer) -> Iterator[httpx.Client]:
    """A client whose token holds every scope Spoke knows."""
    with server.http(server.token(ALL_SCOPES)) as client:
        yield client


def v3_names(http: httpx.Client, object_type: str) -> list[str]:
    response = http.get(f"/crm/v3/properties/{object_type}")
    assert response.status_code == 200, response.text
    return [p["name"] for p in response.json()["results"]]


def decoded(response: httpx.Response, kind: Any) -> Any:
    assert response.status_code == 200, response.text
    return msgspec.json.decode(response.content, type=kind, strict=True)


# -- properties v2 and v1 -----------------------------------------------------------------


def test_v2_lists_the_v3_definitions_for_every_name_airbyte_uses(everything: httpx.Client) -> None:
    for name in AIRBYTE_SERVED:
        listed = decoded(everything.get(f"/properties/v2/{name}/properties"), bodies.PropertiesV2)
        assert [p.name for p in listed] == v3_names(everything, PLURAL.get(name, name)), name


def test_a_property_in_v2s_shape(everything: httpx.Client) -> None:
    created = everything.post(
        "/crm/v3/properties/tickets",
        json={
            "name": "severity",
            "label": "Severity",
            "type": "enumeration",
            "fieldType": "select",
            "groupName": "ticketinformation",
            "description": "How bad it is",
            "options": [{"label": "Low", "value": "low", "displayOrder": 1}],
            "hasUniqueValue": False,
            "formField": True,
        },
    )
    assert created.status_code == 201, created.text
    v3 = created.json()
    expected = {
        "name": "severity",
        "label": "Severity",
        "description": "How bad it is",
        "groupName": "ticketinformation",
        "type": "enumeration",
        "fieldType": "select",
        "options": [
            {
                "description": "",
                "label": "Low",
                "value": "low",
                "displayOrder": 1,
                "hidden": False,
                "readOnly": False,
                "doubleData": 0.0,
            }
        ],
        "displayOrder": -1,
        "formField": True,
        "readOnlyValue": False,
        "readOnlyDefinition": False,
        "hidden": False,
        "mutableDefinitionNotDeletable": False,
        "favorited": False,
        "favoritedOrder": -1,
        "calculated": False,
        "externalOptions": False,
        "displayMode": "current_value",
        "showCurrencySymbol": None,
        "currencyPropertyName": None,
        "textDisplayHint": None,
        "numberDisplayHint": None,
        "optionsAreMutable": None,
        "referencedObjectType": None,
        "isCustomizedDefault": False,
        "searchableInGlobalSearch": False,
        "hasUniqueValue": False,
        "hubspotDefined": None,
        "deleted": False,
        "createdAt": parse_instant(v3["createdAt"]),
        "updatedAt": parse_instant(v3["updatedAt"]),
        "createdUserId": None,
        "updatedUserId": None,
    }
    named = everything.get("/properties/v2/tickets/properties/named/severity")
    assert named.status_code == 200, named.text
    assert named.json() == expected
    listed = everything.get("/properties/v2/0-5/properties").json()
    assert [p for p in listed if p["name"] == "severity"] == [expected]
    subject = everything.get("/properties/v2/ticket/properties/named/subject").json()
    assert subject["hubspotDefined"] is True
    assert subject["mutableDefinitionNotDeletable"] is True
    missing = everything.get("/properties/v2/tickets/properties/named/nope")
    assert missing.status_code == 404, missing.text
    assert missing.json()["message"] == "Unable to find property nope on object type TICKET"


def test_forms_have_only_system_properties_as_spoke_serves_no_forms(server: LiveServer) -> None:
    """Airbyte's discover reads forms' properties (and fails on an empty list); Spoke
    serves no forms: the system properties to a token with the forms scope, HubSpot's 403
    without it."""
    path = "/properties/v2/form/properties"
    with server.http(server.token(["forms"])) as forms:
        listed = decoded(forms.get(path), bodies.PropertiesV2)
    assert [p.name for p in listed] == ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"]
    with server.http(server.token(["tickets"])) as other:
        response = other.get(path)
    assert response.status_code == 403, response.text
    found = requirement("GET", path)
    assert found is not None
    assert response.json()["errors"][0]["context"]["requiredGranularScopes"] == list(found.scopes)


def test_groups_in_v2s_shape(everything: httpx.Client) -> None:
    created = everything.post(
        "/crm/v3/properties/tickets/groups", json={"name": "ours", "label": "Ours"}
    )
    assert created.status_code == 201, created.text
    groups = decoded(everything.get("/properties/v2/tickets/groups"), bodies.PropertyGroupsV2)
    by_name = {g.name: g for g in groups}
    assert by_name["ours"] == bodies.PropertyGroupV2("ours", "Ours", -1, False)
    assert by_name["ticketinformation"].hubspotDefined is True
    with_properties = everything.get(
        "/properties/v2/tickets/groups", params={"includeProperties": "true"}
    ).json()
    information = next(g for g in with_properties if g["name"] == "ticketinformation")
    assert "subject" in [p["name"] for p in information["properties"]]


def test_v1_and_companies_v2_list_the_same_definitions(everything: httpx.Client) -> None:
    for name in ("contacts", "companies", "deals"):
        listed = everything.get(f"/properties/v1/{name}/properties")
        assert [p.name for p in decoded(listed, bodies.PropertiesV2)] == v3_names(everything, name)
    companies = everything.get("/companies/v2/properties")
    assert companies.json() == everything.get("/properties/v1/companies/properties").json()
    named = everything.get("/companies/v2/properties/named/name")
    assert named.status_code == 200 and named.json()["name"] == "name"
    tickets = everything.get("/properties/v1/tickets/properties")
    assert tickets.status_code == 404, tickets.text


def test_legacy_definitions_take_the_types_schema_scopes(server: LiveServer) -> None:
    with server.http(server.token(["crm.objects.contacts.read"])) as contacts:
        assert contacts.get("/properties/v2/contact/properties").status_code == 200
        refused = contacts.get("/properties/v2/ticket/properties")
        assert refused.status_code == 403, refused.text
        assert refused.json()["errors"][0]["context"]["requiredGranularScopes"] == [
            "tickets",
            "crm.schemas.tickets.read",
        ]
        assert contacts.get("/companies/v2/properties").status_code == 403
        assert contacts.get("/deals/v1/pipelines").status_code == 403


# -- pipelines v1 ------------------------------------------------------------------------


def test_ticket_pipelines_in_v1s_shape(everything: httpx.Client) -> None:
    (v3,) = everything.get("/crm/v3/pipelines/tickets").json()["results"]
    body = decoded(
        everything.get("/crm-pipelines/v1/pipelines/tickets"), bodies.PipelineCollectionV1
    )
    (pipeline,) = body.results
    assert pipeline == bodies.PipelineV1(
        pipelineId=v3["id"],
        createdAt=parse_instant(v3["createdAt"]),
        updatedAt=parse_instant(v3["updatedAt"]),
        objectType="TICKET",
        objectTypeId="0-5",
        label=v3["label"],
        displayOrder=v3["displayOrder"],
        active=True,
        default=True,
        stages=[
            bodies.StageV1(
                stageId=s["id"],
                createdAt=parse_instant(s["createdAt"]),
                updatedAt=parse_instant(s["updatedAt"]),
                label=s["label"],
                displayOrder=s["displayOrder"],
                active=True,
                metadata=s["metadata"],
            )
            for s in v3["stages"]
        ],
    )


def test_deleted_pipelines_are_listed_only_when_asked_for(everything: httpx.Client) -> None:
    created = everything.post(
        "/crm/v3/pipelines/deals",
        json={
            "label": "Renewals",
            "displayOrder": 1,
            "stages": [
                {"label": "Open", "displayOrder": 0, "metadata": {"probability": "0.5"}},
                {"label": "Won", "displayOrder": 1, "metadata": {"probability": "1.0"}},
            ],
        },
    )
    assert created.status_code == 201, created.text
    renewals = created.json()["id"]
    assert everything.delete(f"/crm/v3/pipelines/deals/{renewals}").status_code == 204
    path = "/crm-pipelines/v1/pipelines/deals"
    live = decoded(everything.get(path), bodies.PipelineCollectionV1).results
    assert [p.pipelineId for p in live] == ["default"]
    every = everything.get(path, params={"includeInactive": "INCLUDE_DELETED"}).json()["results"]
    assert [(p["pipelineId"], p["active"], p["default"]) for p in every] == [
        ("default", True, True),
        (renewals, False, False),
    ]
    bad = everything.get(path, params={"includeInactive": "ALL"})
    assert bad.status_code == 400, bad.text


def test_deal_pipelines_of_the_deals_api_v1(everything: httpx.Client) -> None:
    (pipeline,) = decoded(everything.get("/deals/v1/pipelines"), bodies.DealPipelinesV1)
    assert (pipeline.pipelineId, pipeline.label, pipeline.staticDefault) == (
        "default",
        "Sales Pipeline",
        True,
    )
    stages = {s.stageId: s for s in pipeline.stages}
    assert stages["closedwon"] == bodies.DealStageV1("closedwon", "Closed Won", 1.0, True, 5, True)
    assert stages["closedlost"].closedWon is False and stages["closedlost"].probability == 0.0
    assert stages["appointmentscheduled"].probability == 0.2


def test_pipelines_v1_take_deals_and_tickets_only(everything: httpx.Client) -> None:
    for name in ("contacts", "deal", "0-3"):
        response = everything.get(f"/crm-pipelines/v1/pipelines/{name}")
        assert response.status_code == 404, response.text


# -- custom object schemas ------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/crm/v3/schemas", "/crm-object-schemas/v3/schemas"])
def test_there_are_no_custom_object_schemas(server: LiveServer, prefix: str) -> None:
    with server.http(server.token(["crm.schemas.custom.read"])) as http:
        listed = http.get(prefix, params={"archived": "false"})
        assert decoded(listed, schemas.ObjectSchemaCollection) == schemas.ObjectSchemaCollection([])
        for name in ("p12345_cars", "2-123", "contacts"):
            response = http.get(f"{prefix}/{name}")
            assert response.status_code == 404, response.text
            assert response.json()["category"] == "OBJECT_NOT_FOUND"
        assert http.get(prefix, params={"archived": "maybe"}).status_code == 400
    with server.http(server.token(["tickets"])) as tickets:
        refused = tickets.get(prefix)
        assert refused.status_code == 403, refused.text
        assert refused.json()["errors"][0]["context"]["requiredGranularScopes"] == SCHEMA_SCOPES


def test_every_scope_a_route_accepts_can_be_held_by_a_token() -> None:
    store = open_store("sqlite:///:memory:")
    try:
        table = route_table(store, ObjectTypes(STANDARD_OBJECT_TYPES))
    finally:
        store.close()
    accepted = {scope for op in table for scope in op.scopes}
    assert accepted == KNOWN_SCOPES
