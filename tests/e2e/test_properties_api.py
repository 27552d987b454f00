"""The ticket properties API (``/crm/v3/properties/tickets``) against a live server.

Reads list HubSpot's standard ticket properties with their types (behaviour.md §7) and
the portal's custom ones; creating a custom property follows HubSpot's rules (valid
type/fieldType pairs, options for enumerations, a valid unique name). The official SDK
(validating every model) covers what it can express; raw HTTP checks status codes and
HubSpot's error envelope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import pytest
from hubspot.crm.properties import OptionInput, PropertyCreate
from hubspot.crm.properties.exceptions import ApiException, NotFoundException

if TYPE_CHECKING:
    from conftest import LiveServer

PROPERTIES = "/crm/v3/properties/tickets"

#: name -> (type, fieldType) of the standard properties every portal has.
STANDARD_TYPES = {
    "subject": ("string", "text"),
    "content": ("string", "textarea"),
    "hs_pipeline": ("enumeration", "select"),
    "hs_pipeline_stage": ("enumeration", "select"),
    "hs_ticket_priority": ("enumeration", "select"),
    "hs_ticket_category": ("enumeration", "checkbox"),
    "createdate": ("datetime", "date"),
    "hs_lastmodifieddate": ("datetime", "date"),
    "hs_object_id": ("number", "number"),
    "closed_date": ("datetime", "date"),
    "hubspot_owner_id": ("enumeration", "select"),
    "source_type": ("enumeration", "select"),
}


def _definition(name: str = "plan_tier", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "label": "Plan tier",
        "type": "enumeration",
        "fieldType": "select",
        "groupName": "ticketinformation",
        "options": [
            {"label": "Free", "value": "free", "displayOrder": 0, "hidden": False},
            {"label": "Pro", "value": "pro", "displayOrder": 1, "hidden": False},
            {"label": "Enterprise", "value": "enterprise", "displayOrder": 2, "hidden": False},
        ],
    }
    body.update(overrides)
    return body


def _listed(http: httpx.Client) -> dict[str, dict[str, Any]]:
    response = http.get(PROPERTIES)
    assert response.status_code == 200
    return {p["name"]: p for p in response.json()["results"]}


def _assert_hubspot_error(response: httpx.Response, status: int, category: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "error"
    assert body["category"] == category
    assert isinstance(body["message"], str)
    assert body["message"]
    assert body["correlationId"] == response.headers["x-hubspot-correlation-id"]
    assert "detail" not in body
    return body


# -- reading the standard properties ----------------------------------------------------


def test_list_has_every_standard_property_with_its_type(http: httpx.Client) -> None:
    listed = _listed(http)
    found = {name: (listed[name]["type"], listed[name]["fieldType"]) for name in STANDARD_TYPES}
    assert found == STANDARD_TYPES


def test_ticket_priority_offers_low_medium_high_urgent_in_order(http: httpx.Client) -> None:
    priority = _listed(http)["hs_ticket_priority"]
    options = sorted(priority["options"], key=lambda o: o["displayOrder"])
    assert [o["value"] for o in options] == ["LOW", "MEDIUM", "HIGH", "URGENT"]
    assert all(o["label"] for o in options)
    assert all(o["hidden"] is False for o in options)


def test_pipeline_stage_options_are_the_default_stages(http: httpx.Client) -> None:
    stage = http.get(f"{PROPERTIES}/hs_pipeline_stage").json()
    assert [o["value"] for o in stage["options"]] == ["1", "2", "3", "4"]
    assert [o["label"] for o in stage["options"]] == [
        "New",
        "Waiting on contact",
        "Waiting on us",
        "Closed",
    ]


def test_standard_properties_are_hubspot_defined_and_system_ones_read_only(
    http: httpx.Client,
) -> None:
    listed = _listed(http)
    assert all(listed[name]["hubspotDefined"] is True for name in STANDARD_TYPES)
    assert all(listed[name]["hasUniqueValue"] is False for name in STANDARD_TYPES)
    for name in ("hs_object_id", "hs_lastmodifieddate"):
        assert listed[name]["modificationMetadata"]["readOnlyValue"] is True, name
    for name in ("subject", "content", "hs_ticket_priority", "hs_pipeline_stage"):
        assert listed[name]["modificationMetadata"]["readOnlyValue"] is False, name


def test_single_property_equals_its_entry_in_the_list(http: httpx.Client) -> None:
    listed = _listed(http)
    for name in ("subject", "hs_ticket_priority", "createdate"):
        response = http.get(f"{PROPERTIES}/{name}")
        assert response.status_code == 200
        assert response.json() == listed[name]


def test_archived_list_does_not_contain_live_properties(http: httpx.Client) -> None:
    response = http.get(PROPERTIES, params={"archived": "true"})
    assert response.status_code == 200
    names = {p["name"] for p in response.json()["results"]}
    assert not names & set(STANDARD_TYPES)


def test_sdk_reads_all_standard_properties_and_one_by_name(sdk: hubspot.Client) -> None:
    collection = sdk.crm.properties.core_api.get_all("tickets")
    by_name = {p.name: p for p in collection.results}
    assert {n: (by_name[n].type, by_name[n].field_type) for n in STANDARD_TYPES} == STANDARD_TYPES
    priority = sdk.crm.properties.core_api.get_by_name("tickets", "hs_ticket_priority")
    assert priority.name == "hs_ticket_priority"
    assert priority.type == "enumeration"
    assert {o.value for o in priority.options} == {"LOW", "MEDIUM", "HIGH", "URGENT"}
    assert priority.modification_metadata.read_only_value is False


# -- unknown properties ---------------------------------------------------------------


def test_unknown_property_is_a_hubspot_404(http: httpx.Client) -> None:
    response = http.get(f"{PROPERTIES}/no_such_property")
    _assert_hubspot_error(response, 404, "OBJECT_NOT_FOUND")


def test_sdk_raises_not_found_for_an_unknown_property(sdk: hubspot.Client) -> None:
    with pytest.raises(NotFoundException):
        sdk.crm.properties.core_api.get_by_name("tickets", "no_such_property")


# -- creating custom properties ---------------------------------------------------------


def test_create_answers_201_with_the_stored_definition(http: httpx.Client) -> None:
    response = http.post(PROPERTIES, json=_definition(description="Customer plan"))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["name"] == "plan_tier"
    assert created["label"] == "Plan tier"
    assert (created["type"], created["fieldType"]) == ("enumeration", "select")
    assert created["groupName"] == "ticketinformation"
    assert created["description"] == "Customer plan"
    assert [o["value"] for o in created["options"]] == ["free", "pro", "enterprise"]
    assert created["hubspotDefined"] is False
    assert created["hasUniqueValue"] is False
    assert created["createdAt"].endswith("Z")
    assert created["updatedAt"].endswith("Z")


def test_created_property_appears_in_the_list_and_by_name(http: httpx.Client) -> None:
    assert "plan_tier" not in _listed(http)
    created = http.post(PROPERTIES, json=_definition()).json()
    assert _listed(http)["plan_tier"] == created
    assert http.get(f"{PROPERTIES}/plan_tier").json() == created


VALID_PAIRS = [
    ("string", "text"),
    ("string", "textarea"),
    ("number", "number"),
    ("bool", "booleancheckbox"),
    ("date", "date"),
    ("datetime", "date"),
    ("enumeration", "select"),
    ("enumeration", "radio"),
    ("enumeration", "checkbox"),
    ("phone_number", "phonenumber"),
]


def test_every_valid_type_and_field_type_pair_can_be_created(http: httpx.Client) -> None:
    for kind, field_type in VALID_PAIRS:
        name = f"custom_{kind}_{field_type}"
        options = _definition()["options"] if kind == "enumeration" else []
        body = _definition(name, type=kind, fieldType=field_type, options=options)
        response = http.post(PROPERTIES, json=body)
        assert response.status_code == 201, (kind, field_type, response.text)
    listed = _listed(http)
    created = {
        (listed[name]["type"], listed[name]["fieldType"])
        for name in listed
        if name.startswith("custom_")
    }
    assert created == set(VALID_PAIRS)


def test_bool_property_accepts_its_yes_no_options(http: httpx.Client) -> None:
    """HubSpot's bool properties carry the options Yes/true and No/false; a definition
    read from HubSpot (options included) can be sent back to create the property."""
    yes_no = [
        {"label": "Yes", "value": "true", "displayOrder": 0, "hidden": False},
        {"label": "No", "value": "false", "displayOrder": 1, "hidden": False},
    ]
    body = _definition("is_vip", type="bool", fieldType="booleancheckbox", options=yes_no)
    response = http.post(PROPERTIES, json=body)
    assert response.status_code == 201, response.text
    assert response.json()["type"] == "bool"


def test_unique_value_flag_is_kept(http: httpx.Client) -> None:
    body = _definition("external_key", type="string", fieldType="text", options=[])
    response = http.post(PROPERTIES, json={**body, "hasUniqueValue": True})
    assert response.status_code == 201, response.text
    assert response.json()["hasUniqueValue"] is True
    assert http.get(f"{PROPERTIES}/external_key").json()["hasUniqueValue"] is True


def test_sdk_creates_a_property_and_reads_it_back(sdk: hubspot.Client) -> None:
    created = sdk.crm.properties.core_api.create(
        "tickets",
        PropertyCreate(
            name="plan_tier",
            label="Plan tier",
            type="enumeration",
            field_type="checkbox",
            group_name="ticketinformation",
            options=[
                OptionInput(label="Free", value="free", display_order=0, hidden=False),
                OptionInput(label="Pro", value="pro", display_order=1, hidden=False),
            ],
        ),
    )
    assert created is not None
    assert (created.name, created.type, created.field_type) == (
        "plan_tier",
        "enumeration",
        "checkbox",
    )
    assert [o.value for o in created.options] == ["free", "pro"]
    names = {p.name for p in sdk.crm.properties.core_api.get_all("tickets").results}
    assert "plan_tier" in names
    read = sdk.crm.properties.core_api.get_by_name("tickets", "plan_tier")
    assert read.label == "Plan tier"


# -- refused definitions ----------------------------------------------------------------


def test_duplicate_name_is_a_409(http: httpx.Client) -> None:
    assert http.post(PROPERTIES, json=_definition()).status_code == 201
    second = http.post(PROPERTIES, json=_definition(label="Another label"))
    _assert_hubspot_error(second, 409, "OBJECT_ALREADY_EXISTS")
    assert http.get(f"{PROPERTIES}/plan_tier").json()["label"] == "Plan tier"


def test_standard_property_name_cannot_be_taken(http: httpx.Client) -> None:
    body = _definition("subject", type="string", fieldType="text", options=[])
    response = http.post(PROPERTIES, json=body)
    _assert_hubspot_error(response, 409, "OBJECT_ALREADY_EXISTS")
    assert http.get(f"{PROPERTIES}/subject").json()["hubspotDefined"] is True


def test_sdk_raises_on_duplicate_name(sdk: hubspot.Client) -> None:
    definition = PropertyCreate(
        name="notes_extra",
        label="Notes",
        type="string",
        field_type="textarea",
        group_name="ticketinformation",
    )
    sdk.crm.properties.core_api.create("tickets", definition)
    with pytest.raises(ApiException) as raised:
        sdk.crm.properties.core_api.create("tickets", definition)
    assert raised.value.status == 409


MISMATCHED_PAIRS = [
    ("bool", "text"),
    ("number", "select"),
    ("string", "checkbox"),
    ("date", "text"),
    ("datetime", "number"),
    ("enumeration", "text"),
    ("phone_number", "number"),
]


def test_type_and_field_type_must_match(http: httpx.Client) -> None:
    for kind, field_type in MISMATCHED_PAIRS:
        options = _definition()["options"] if kind == "enumeration" else []
        body = _definition("mismatch", type=kind, fieldType=field_type, options=options)
        response = http.post(PROPERTIES, json=body)
        _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert http.get(f"{PROPERTIES}/mismatch").status_code == 404


def test_enumeration_needs_options(http: httpx.Client) -> None:
    for field_type in ("select", "radio", "checkbox"):
        response = http.post(PROPERTIES, json=_definition(fieldType=field_type, options=[]))
        _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    without_key = _definition()
    del without_key["options"]
    _assert_hubspot_error(http.post(PROPERTIES, json=without_key), 400, "VALIDATION_ERROR")
    assert http.get(f"{PROPERTIES}/plan_tier").status_code == 404


def test_unknown_type_is_a_400(http: httpx.Client) -> None:
    response = http.post(PROPERTIES, json=_definition(type="colour"))
    _assert_hubspot_error(response, 400, "VALIDATION_ERROR")


BAD_NAMES = ["has space", "1starts_with_digit", "dash-name", "dotted.name", "", "x" * 101]


def test_bad_property_names_are_refused(http: httpx.Client) -> None:
    for name in BAD_NAMES:
        response = http.post(PROPERTIES, json=_definition(name))
        _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert not {p for p in _listed(http) if p in BAD_NAMES}


def test_every_required_field_is_required(http: httpx.Client) -> None:
    for missing in ("name", "label", "type", "fieldType", "groupName"):
        body = _definition()
        del body[missing]
        response = http.post(PROPERTIES, json=body)
        _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert http.get(f"{PROPERTIES}/plan_tier").status_code == 404


def _status(server: LiveServer, method: str, path: str, **kwargs: Any) -> int | str:
    """The status of one request on a fresh connection, or why there was none."""
    with server.http(server.token()) as client:
        try:
            return client.request(method, path, **kwargs).status_code
        except httpx.TransportError as failed:
            return f"no response: {failed!r}"


def test_display_order_outside_int32_is_a_400_and_stores_nothing(server: LiveServer) -> None:
    """``displayOrder`` is an int32 in HubSpot's spec; larger numbers are refused, and a
    refused definition must not be stored (nor break later reads)."""
    observed: dict[object, int | str] = {}
    for order in (2**31, 2**70):
        name = f"order_{order.bit_length()}"
        body = _definition(name, displayOrder=order)
        observed[order] = _status(server, "POST", PROPERTIES, json=body)
        observed[name] = _status(server, "GET", f"{PROPERTIES}/{name}")
    observed["list afterwards"] = _status(server, "GET", PROPERTIES)
    assert observed == {
        2**31: 400,
        "order_32": 404,
        2**70: 400,
        "order_71": 404,
        "list afterwards": 200,
    }


def test_option_display_order_outside_int32_is_a_400_and_stores_nothing(
    server: LiveServer,
) -> None:
    body = _definition()
    body["options"][0]["displayOrder"] = 2**70
    observed = {
        "create": _status(server, "POST", PROPERTIES, json=body),
        "read": _status(server, "GET", f"{PROPERTIES}/plan_tier"),
        "list afterwards": _status(server, "GET", PROPERTIES),
    }
    assert observed == {"create": 400, "read": 404, "list afterwards": 200}


def test_malformed_json_is_a_400_not_a_framework_error(http: httpx.Client) -> None:
    response = http.post(
        PROPERTIES, content=b"{not json", headers={"content-type": "application/json"}
    )
    body = _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert body["message"].startswith("Invalid input JSON")


def test_properties_need_a_valid_token(server: LiveServer) -> None:
    with server.http("pat-na1-00000000000000000000000000000000") as stranger:
        response = stranger.get(PROPERTIES)
    _assert_hubspot_error(response, 401, "INVALID_AUTHENTICATION")


# -- scopes -------------------------------------------------------------------------------


def test_schema_scopes_are_enough_to_read_and_create_ticket_properties(
    server: LiveServer,
) -> None:
    """HubSpot's properties spec accepts ``crm.schemas.tickets.read`` for reads and
    ``crm.schemas.tickets.write`` for creates, as alternatives to ``tickets``."""
    with server.http(server.token(scopes=("crm.schemas.tickets.read",))) as reader:
        assert reader.get(PROPERTIES).status_code == 200
        assert reader.get(f"{PROPERTIES}/subject").status_code == 200
    with server.http(server.token(scopes=("crm.schemas.tickets.write",))) as writer:
        assert writer.post(PROPERTIES, json=_definition()).status_code == 201


def test_token_without_a_ticket_scope_gets_missing_scopes(server: LiveServer) -> None:
    with server.http(server.token(scopes=())) as stranger:
        response = stranger.get(PROPERTIES)
    _assert_hubspot_error(response, 403, "MISSING_SCOPES")
