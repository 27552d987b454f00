"""The ticket properties API (``/crm/v3/properties/tickets``) against a live server.

Reads list HubSpot's standard ticket properties with their types (behaviour.md §7) and
the portal's custom ones; creating a custom property follows HubSpot's rules (valid
type/fieldType pairs, options for enumerations, a valid unique name). Updating,
archiving, the batch operations and property groups follow behaviour.md "Properties API":
standard properties are read-only, a type change needs no stored values (except to
string), archived properties keep their values out of sight, batches are all or nothing.
The official SDK (validating every model) covers what it can express; raw HTTP checks
status codes and HubSpot's error envelope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import msgspec
import pytest
from hubspot.crm.properties import (
    BatchInputPropertyCreate,
    BatchInputPropertyName,
    BatchReadInputPropertyName,
    OptionInput,
    PropertyCreate,
    PropertyGroupCreate,
    PropertyGroupUpdate,
    PropertyName,
    PropertyUpdate,
)
from hubspot.crm.properties.exceptions import ApiException, NotFoundException

from spoke.api import schemas
from spoke.domain.standard_objects.tickets import TICKETS as TICKET_TYPE

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


# ======================================================================================
# Changing, archiving, batches and groups (behaviour.md "Properties API").
# ======================================================================================

TICKETS = "/crm/v3/objects/tickets"
GROUPS = f"{PROPERTIES}/groups"
NOT_FOUND = "Unable to find property {} on object type TICKET"


def _create(http: httpx.Client, name: str = "plan_tier", **overrides: Any) -> dict[str, Any]:
    response = http.post(PROPERTIES, json=_definition(name, **overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _text_property(http: httpx.Client, name: str, **overrides: Any) -> dict[str, Any]:
    return _create(http, name, type="string", fieldType="text", options=[], **overrides)


def _ticket(http: httpx.Client, **properties: Any) -> str:
    properties.setdefault("hs_pipeline_stage", "1")
    response = http.post(TICKETS, json={"properties": properties})
    assert response.status_code == 201, response.text
    ticket_id: str = response.json()["id"]
    return ticket_id


def _exact_error(
    response: httpx.Response, status: int, category: str, message: str
) -> dict[str, Any]:
    body = _assert_hubspot_error(response, status, category)
    assert list(body) == ["status", "message", "correlationId", "category"], body
    assert body["message"] == message
    return body


def _version(server: LiveServer) -> int:
    store = server.open_store()
    try:
        return store.definitions_version()
    finally:
        store.close()


# -- update (PATCH) ----------------------------------------------------------------------


def test_sdk_updates_a_custom_property(sdk: hubspot.Client) -> None:
    sdk.crm.properties.core_api.create(
        "tickets",
        PropertyCreate(
            name="plan_tier",
            label="Plan tier",
            type="enumeration",
            field_type="select",
            group_name="ticketinformation",
            options=[OptionInput(label="Free", value="free", display_order=0, hidden=False)],
        ),
    )
    updated = sdk.crm.properties.core_api.update(
        "tickets",
        "plan_tier",
        PropertyUpdate(
            label="Plan",
            description="The customer's plan",
            field_type="radio",
            display_order=3,
            options=[
                OptionInput(label="Free", value="free", display_order=0, hidden=False),
                OptionInput(label="Pro", value="pro", display_order=1, hidden=False),
            ],
        ),
    )
    assert (updated.label, updated.description, updated.field_type) == (
        "Plan",
        "The customer's plan",
        "radio",
    )
    assert updated.display_order == 3
    assert [o.value for o in updated.options] == ["free", "pro"]
    read = sdk.crm.properties.core_api.get_by_name("tickets", "plan_tier")
    assert read.to_dict() == updated.to_dict()
    assert read.updated_at >= read.created_at


def test_update_keeps_fields_it_does_not_name(http: httpx.Client) -> None:
    created = _create(http, description="Kept", displayOrder=7, hidden=True, formField=True)
    response = http.patch(f"{PROPERTIES}/plan_tier", json={"label": "Only the label"})
    assert response.status_code == 200, response.text
    updated = response.json()
    changed = {k for k in created if created[k] != updated[k]}
    assert changed in ({"label", "updatedAt"}, {"label"})
    assert http.get(f"{PROPERTIES}/plan_tier").json() == updated


def test_update_of_an_unknown_property_is_a_404(http: httpx.Client) -> None:
    response = http.patch(f"{PROPERTIES}/no_such_property", json={"label": "X"})
    _exact_error(response, 404, "OBJECT_NOT_FOUND", NOT_FOUND.format("no_such_property"))


def test_standard_property_definitions_are_read_only(http: httpx.Client) -> None:
    before = http.get(f"{PROPERTIES}/subject").json()
    for change in (
        {"type": "number", "fieldType": "number"},
        {"fieldType": "textarea"},
        {"label": "Title"},
    ):
        response = http.patch(f"{PROPERTIES}/subject", json=change)
        body = _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
        assert "HubSpot-defined" in body["message"], body
        assert "read-only" in body["message"], body
    # Sending back the definition as it is changes nothing and is accepted.
    same = http.patch(f"{PROPERTIES}/subject", json={"label": "Ticket name", "type": "string"})
    assert same.status_code == 200, same.text
    assert same.json() == before
    assert http.get(f"{PROPERTIES}/subject").json() == before


def test_unique_flag_and_name_cannot_change(http: httpx.Client) -> None:
    created = _text_property(http, "external_key", hasUniqueValue=True)
    for change in ({"hasUniqueValue": False}, {"name": "other_key"}):
        response = http.patch(f"{PROPERTIES}/external_key", json=change)
        _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    plain = _text_property(http, "plain_key")
    response = http.patch(f"{PROPERTIES}/plain_key", json={"hasUniqueValue": True})
    _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert http.get(f"{PROPERTIES}/external_key").json() == created
    assert http.get(f"{PROPERTIES}/plain_key").json() == plain
    # Unchanged values may be sent back.
    same = http.patch(
        f"{PROPERTIES}/external_key", json={"name": "external_key", "hasUniqueValue": True}
    )
    assert same.status_code == 200, same.text


def test_update_refuses_invalid_definitions_and_unknown_fields(http: httpx.Client) -> None:
    created = _create(http)
    refused = [
        {"fieldType": "text"},  # not a field type of enumerations
        {"type": "number"},  # number with options, and fieldType select
        {"options": []},  # an enumeration needs options
        {"type": "colour"},
        {"groupName": "no_such_group"},
        {"calculationFormula": "1 + 1"},
    ]
    for change in refused:
        response = http.patch(f"{PROPERTIES}/plan_tier", json=change)
        _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    unknown = http.patch(f"{PROPERTIES}/plan_tier", json={"labell": "typo"})
    body = _assert_hubspot_error(unknown, 400, "VALIDATION_ERROR")
    assert body["message"].startswith("Invalid input JSON")
    assert http.get(f"{PROPERTIES}/plan_tier").json() == created


def test_type_change_is_refused_while_tickets_hold_values(http: httpx.Client) -> None:
    created = _text_property(http, "account_size")
    ticket_id = _ticket(http, account_size="large")
    to_number = {"type": "number", "fieldType": "number"}
    response = http.patch(f"{PROPERTIES}/account_size", json=to_number)
    body = _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert "hold values" in body["message"]
    assert http.get(f"{PROPERTIES}/account_size").json() == created

    # Archived tickets hold values too.
    assert http.delete(f"{TICKETS}/{ticket_id}").status_code == 204
    response = http.patch(f"{PROPERTIES}/account_size", json=to_number)
    _assert_hubspot_error(response, 400, "VALIDATION_ERROR")


def test_type_change_is_allowed_once_no_ticket_holds_a_value(http: httpx.Client) -> None:
    _text_property(http, "account_size")
    ticket_id = _ticket(http, account_size="12")
    cleared = http.patch(f"{TICKETS}/{ticket_id}", json={"properties": {"account_size": ""}})
    assert cleared.status_code == 200, cleared.text
    response = http.patch(
        f"{PROPERTIES}/account_size", json={"type": "number", "fieldType": "number"}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["type"], response.json()["fieldType"]) == ("number", "number")
    written = http.patch(f"{TICKETS}/{ticket_id}", json={"properties": {"account_size": "1.50"}})
    assert written.status_code == 200, written.text
    assert written.json()["properties"]["account_size"] == "1.5"


def test_change_to_string_keeps_every_value_readable(http: httpx.Client) -> None:
    _create(http)
    ticket_id = _ticket(http, plan_tier="pro")
    response = http.patch(f"{PROPERTIES}/plan_tier", json={"type": "string", "fieldType": "text"})
    assert response.status_code == 200, response.text
    assert response.json()["options"] == []
    read = http.get(f"{TICKETS}/{ticket_id}", params={"properties": "plan_tier"})
    assert read.json()["properties"]["plan_tier"] == "pro"
    free_text = http.patch(f"{TICKETS}/{ticket_id}", json={"properties": {"plan_tier": "any"}})
    assert free_text.status_code == 200, free_text.text


def test_single_to_multiple_select_needs_no_values(http: httpx.Client) -> None:
    _create(http)
    _ticket(http, plan_tier="pro")
    response = http.patch(f"{PROPERTIES}/plan_tier", json={"fieldType": "checkbox"})
    _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert http.patch(f"{PROPERTIES}/plan_tier", json={"fieldType": "radio"}).status_code == 200


# -- archive (DELETE) --------------------------------------------------------------------


def test_sdk_archives_a_property_and_reads_it_as_archived(sdk: hubspot.Client) -> None:
    core = sdk.crm.properties.core_api
    core.create(
        "tickets",
        PropertyCreate(
            name="legacy_code",
            label="Legacy code",
            type="string",
            field_type="text",
            group_name="ticketinformation",
        ),
    )
    core.archive("tickets", "legacy_code")
    assert "legacy_code" not in {p.name for p in core.get_all("tickets").results}
    (archived,) = core.get_all("tickets", archived=True).results
    assert (archived.name, archived.archived) == ("legacy_code", True)
    assert archived.archived_at is not None
    read = core.get_by_name("tickets", "legacy_code", archived=True)
    assert read.to_dict() == archived.to_dict()
    with pytest.raises(NotFoundException):
        core.get_by_name("tickets", "legacy_code")


def test_archived_property_is_listed_and_read_only_with_archived_true(
    http: httpx.Client,
) -> None:
    created = _text_property(http, "legacy_code")
    response = http.delete(f"{PROPERTIES}/legacy_code")
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert "legacy_code" not in _listed(http)
    listed = http.get(PROPERTIES, params={"archived": "true"}).json()["results"]
    assert [p["name"] for p in listed] == ["legacy_code"]
    (archived,) = listed
    assert archived["archived"] is True
    assert archived["archivedAt"].endswith("Z")
    assert list(archived)[-2:] == ["archived", "archivedAt"]
    assert {k: v for k, v in archived.items() if k not in ("archived", "archivedAt")} == {
        **created,
        "updatedAt": archived["updatedAt"],
    }
    assert http.get(f"{PROPERTIES}/legacy_code", params={"archived": "true"}).json() == archived
    response = http.get(f"{PROPERTIES}/legacy_code")
    _exact_error(response, 404, "OBJECT_NOT_FOUND", NOT_FOUND.format("legacy_code"))


def test_archive_of_a_missing_or_archived_property_is_a_404(http: httpx.Client) -> None:
    response = http.delete(f"{PROPERTIES}/no_such_property")
    _exact_error(response, 404, "OBJECT_NOT_FOUND", NOT_FOUND.format("no_such_property"))
    _text_property(http, "legacy_code")
    assert http.delete(f"{PROPERTIES}/legacy_code").status_code == 204
    again = http.delete(f"{PROPERTIES}/legacy_code")
    _exact_error(again, 404, "OBJECT_NOT_FOUND", NOT_FOUND.format("legacy_code"))


def test_standard_properties_cannot_be_archived(http: httpx.Client) -> None:
    for name in ("subject", "hs_pipeline_stage", "hs_object_id"):
        response = http.delete(f"{PROPERTIES}/{name}")
        _exact_error(
            response,
            400,
            "VALIDATION_ERROR",
            f"Unable to archive property {name}: it is a HubSpot-defined property of object "
            "type 0-5, and those cannot be archived",
        )
        assert http.get(f"{PROPERTIES}/{name}").status_code == 200


def test_archived_property_is_refused_on_writes_like_an_unknown_one(http: httpx.Client) -> None:
    _text_property(http, "legacy_code")
    ticket_id = _ticket(http, legacy_code="A-1")
    assert http.delete(f"{PROPERTIES}/legacy_code").status_code == 204
    for response in (
        http.post(TICKETS, json={"properties": {"hs_pipeline_stage": "1", "legacy_code": "B"}}),
        http.patch(f"{TICKETS}/{ticket_id}", json={"properties": {"legacy_code": "B"}}),
    ):
        body = _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
        assert body["errors"] == [
            {
                "message": 'Property "legacy_code" does not exist',
                "code": "PROPERTY_DOESNT_EXIST",
                "context": {"propertyName": ["legacy_code"]},
            }
        ]


def test_archived_property_keeps_its_values_and_history_out_of_sight(
    server: LiveServer, http: httpx.Client
) -> None:
    _text_property(http, "legacy_code")
    ticket_id = _ticket(http, subject="Kept", legacy_code="A-1")
    changed = http.patch(f"{TICKETS}/{ticket_id}", json={"properties": {"legacy_code": "A-2"}})
    assert changed.status_code == 200, changed.text
    assert http.delete(f"{PROPERTIES}/legacy_code").status_code == 204

    read = http.get(
        f"{TICKETS}/{ticket_id}",
        params={"properties": "legacy_code,subject", "propertiesWithHistory": "legacy_code"},
    ).json()
    assert "legacy_code" not in read["properties"]
    assert read["properties"]["subject"] == "Kept"
    assert "legacy_code" not in read.get("propertiesWithHistory", {})
    batch = http.post(
        f"{TICKETS}/batch/read",
        json={"inputs": [{"id": ticket_id}], "propertiesWithHistory": ["legacy_code"]},
    ).json()
    assert batch["results"][0].get("propertiesWithHistory", {}) == {}

    store = server.open_store()
    try:
        (stored,) = store.read_objects(TICKET_TYPE.type_id, [int(ticket_id)])
        history = store.read_history(TICKET_TYPE.type_id, [int(ticket_id)], ["legacy_code"])
    finally:
        store.close()
    assert stored.values["legacy_code"] == "A-2"
    assert [e.value for e in history[(int(ticket_id), "legacy_code")]] == ["A-2", "A-1"]


def test_archived_name_cannot_be_created_again(http: httpx.Client) -> None:
    _text_property(http, "legacy_code")
    assert http.delete(f"{PROPERTIES}/legacy_code").status_code == 204
    response = http.post(PROPERTIES, json=_definition("legacy_code"))
    _exact_error(
        response,
        409,
        "OBJECT_ALREADY_EXISTS",
        "Property named 'legacy_code' already exists. It is archived; archived property "
        "names cannot be reused.",
    )
    assert "legacy_code" not in _listed(http)


def test_archived_property_cannot_be_updated(http: httpx.Client) -> None:
    _text_property(http, "legacy_code")
    assert http.delete(f"{PROPERTIES}/legacy_code").status_code == 204
    response = http.patch(f"{PROPERTIES}/legacy_code", json={"label": "Back"})
    _exact_error(response, 404, "OBJECT_NOT_FOUND", NOT_FOUND.format("legacy_code"))


# -- batches -----------------------------------------------------------------------------


def test_sdk_batch_creates_reads_and_archives(sdk: hubspot.Client) -> None:
    batch = sdk.crm.properties.batch_api
    created = batch.create(
        "tickets",
        BatchInputPropertyCreate(
            inputs=[
                PropertyCreate(
                    name=name,
                    label=name.title(),
                    type="string",
                    field_type="text",
                    group_name="ticketinformation",
                )
                for name in ("first_code", "second_code")
            ]
        ),
    )
    assert created.status == "COMPLETE"
    assert [p.name for p in created.results] == ["first_code", "second_code"]

    names = [PropertyName(name=n) for n in ("second_code", "subject")]
    read = batch.read("tickets", BatchReadInputPropertyName(archived=False, inputs=names))
    assert [p.name for p in read.results] == ["second_code", "subject"]

    batch.archive("tickets", BatchInputPropertyName(inputs=[PropertyName(name="first_code")]))
    archived = batch.read(
        "tickets",
        BatchReadInputPropertyName(archived=True, inputs=[PropertyName(name="first_code")]),
    )
    (gone,) = archived.results
    assert (gone.name, gone.archived) == ("first_code", True)


def test_batch_create_answers_201_with_hubspots_batch_shape(http: httpx.Client) -> None:
    inputs = [_definition("plan_a"), _definition("plan_b", label="B")]
    response = http.post(f"{PROPERTIES}/batch/create", json={"inputs": inputs})
    assert response.status_code == 201, response.text
    body = response.json()
    assert list(body) == ["status", "results", "startedAt", "completedAt"]
    assert body["status"] == "COMPLETE"
    assert [p["name"] for p in body["results"]] == ["plan_a", "plan_b"]
    listed = _listed(http)
    assert [listed["plan_a"], listed["plan_b"]] == body["results"]


@pytest.mark.parametrize(
    ("second", "status"),
    [
        ({"fieldType": "text"}, 400),  # invalid type/fieldType pair
        ({"groupName": "no_such_group"}, 400),
        ({"name": "plan_a"}, 400),  # the same name twice in one batch
        ({"name": "subject"}, 409),  # a name taken by a standard property
    ],
    ids=["invalid definition", "unknown group", "repeated name", "taken name"],
)
def test_batch_create_is_all_or_nothing(
    http: httpx.Client, second: dict[str, Any], status: int
) -> None:
    inputs = [_definition("plan_a"), {**_definition("plan_b"), **second}]
    response = http.post(f"{PROPERTIES}/batch/create", json={"inputs": inputs})
    category = "VALIDATION_ERROR" if status == 400 else "OBJECT_ALREADY_EXISTS"
    _assert_hubspot_error(response, status, category)
    assert not {"plan_a", "plan_b"} & set(_listed(http))


def test_batch_create_refuses_more_than_100_inputs(http: httpx.Client) -> None:
    inputs = [_definition(f"plan_{n}") for n in range(101)]
    response = http.post(f"{PROPERTIES}/batch/create", json={"inputs": inputs})
    _exact_error(
        response,
        400,
        "VALIDATION_ERROR",
        "The maximum number of inputs supported in a batch is 100. "
        "Please reduce the number of items and try again",
    )
    assert not any(name.startswith("plan_") for name in _listed(http))


def test_batch_read_answers_207_for_names_it_cannot_find(http: httpx.Client) -> None:
    _text_property(http, "legacy_code")
    _text_property(http, "live_code")
    assert http.delete(f"{PROPERTIES}/legacy_code").status_code == 204
    names = ["live_code", "nope", "legacy_code", "subject", "nope", "live_code"]
    response = http.post(f"{PROPERTIES}/batch/read", json={"inputs": [{"name": n} for n in names]})
    assert response.status_code == 207, response.text
    body = response.json()
    assert list(body) == ["status", "results", "numErrors", "errors", "startedAt", "completedAt"]
    assert [p["name"] for p in body["results"]] == ["live_code", "subject"]
    assert body["numErrors"] == 1
    assert body["errors"] == [
        {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": "Could not get some properties of object type TICKET, they may be "
            "archived or not exist. Check that names are valid.",
            "context": {"names": ["nope", "legacy_code"]},
        }
    ]
    archived = http.post(
        f"{PROPERTIES}/batch/read",
        json={"archived": True, "inputs": [{"name": "legacy_code"}, {"name": "live_code"}]},
    )
    assert archived.status_code == 207, archived.text
    assert [p["name"] for p in archived.json()["results"]] == ["legacy_code"]
    assert archived.json()["errors"][0]["context"] == {"names": ["live_code"]}


def test_batch_read_of_found_names_is_200(http: httpx.Client) -> None:
    response = http.post(f"{PROPERTIES}/batch/read", json={"inputs": [{"name": "subject"}]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["status", "results", "startedAt", "completedAt"]
    assert body["results"] == [_listed(http)["subject"]]
    empty = http.post(f"{PROPERTIES}/batch/read", json={"inputs": []})
    assert empty.status_code == 200
    assert empty.json()["results"] == []


def test_batch_archive_passes_over_missing_names(http: httpx.Client) -> None:
    _text_property(http, "first_code")
    _text_property(http, "second_code")
    inputs = [{"name": n} for n in ("first_code", "nope", "second_code", "first_code")]
    response = http.post(f"{PROPERTIES}/batch/archive", json={"inputs": inputs})
    assert response.status_code == 204, response.text
    assert response.content == b""
    archived = http.get(PROPERTIES, params={"archived": "true"}).json()["results"]
    assert [p["name"] for p in archived] == ["first_code", "second_code"]
    again = http.post(f"{PROPERTIES}/batch/archive", json={"inputs": inputs})
    assert again.status_code == 204, again.text


def test_batch_archive_with_a_standard_property_archives_nothing(http: httpx.Client) -> None:
    _text_property(http, "first_code")
    inputs = [{"name": "first_code"}, {"name": "subject"}]
    response = http.post(f"{PROPERTIES}/batch/archive", json={"inputs": inputs})
    _assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert "first_code" in _listed(http)


# -- property groups ---------------------------------------------------------------------


def test_sdk_manages_property_groups(sdk: hubspot.Client) -> None:
    groups = sdk.crm.properties.groups_api
    standard = groups.get_by_name("tickets", "ticketinformation")
    assert (standard.label, standard.archived) == ("Ticket information", False)

    created = groups.create(
        "tickets", PropertyGroupCreate(name="billing", label="Billing", display_order=2)
    )
    assert (created.name, created.label, created.display_order) == ("billing", "Billing", 2)
    assert created.archived is False
    names = [g.name for g in groups.get_all("tickets").results]
    assert names == ["billing", "ticketinformation"]

    updated = groups.update("tickets", "billing", PropertyGroupUpdate(label="Billing details"))
    assert (updated.label, updated.display_order) == ("Billing details", 2)
    assert groups.get_by_name("tickets", "billing").to_dict() == updated.to_dict()

    groups.archive("tickets", "billing")
    assert [g.name for g in groups.get_all("tickets").results] == ["ticketinformation"]
    with pytest.raises(NotFoundException):
        groups.get_by_name("tickets", "billing")


def test_group_shape_and_standard_group(http: httpx.Client) -> None:
    response = http.get(GROUPS)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "results": [
            {
                "name": "ticketinformation",
                "label": "Ticket information",
                "displayOrder": 0,
                "archived": False,
            }
        ]
    }
    created = http.post(GROUPS, json={"name": "billing", "label": "Billing"})
    assert created.status_code == 201, created.text
    assert created.json() == {
        "name": "billing",
        "label": "Billing",
        "displayOrder": -1,
        "archived": False,
    }
    assert list(created.json()) == ["name", "label", "displayOrder", "archived"]


def test_properties_can_be_created_and_moved_into_new_groups(http: httpx.Client) -> None:
    assert http.post(GROUPS, json={"name": "billing", "label": "Billing"}).status_code == 201
    created = _create(http, groupName="billing")
    assert created["groupName"] == "billing"
    _text_property(http, "other_code")
    moved = http.patch(f"{PROPERTIES}/other_code", json={"groupName": "billing"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["groupName"] == "billing"


def test_property_in_a_missing_group_is_a_400(http: httpx.Client) -> None:
    response = http.post(PROPERTIES, json=_definition(groupName="no_such_group"))
    _exact_error(
        response,
        400,
        "VALIDATION_ERROR",
        "Property group no_such_group does not exist on object type 0-5; "
        "create it first with POST /crm/v3/properties/tickets/groups",
    )
    assert "plan_tier" not in _listed(http)


def test_group_errors(http: httpx.Client) -> None:
    assert http.post(GROUPS, json={"name": "billing", "label": "Billing"}).status_code == 201
    _exact_error(
        http.post(GROUPS, json={"name": "billing", "label": "Again"}),
        409,
        "OBJECT_ALREADY_EXISTS",
        "Property group named 'billing' already exists.",
    )
    _exact_error(
        http.post(GROUPS, json={"name": "ticketinformation", "label": "Mine"}),
        409,
        "OBJECT_ALREADY_EXISTS",
        "Property group named 'ticketinformation' already exists.",
    )
    for bad in ({"name": "Has Space", "label": "X"}, {"name": "x"}, {"label": "X"}):
        _assert_hubspot_error(http.post(GROUPS, json=bad), 400, "VALIDATION_ERROR")
    missing = "Unable to find property group nope on object type TICKET"
    _exact_error(http.get(f"{GROUPS}/nope"), 404, "OBJECT_NOT_FOUND", missing)
    _exact_error(
        http.patch(f"{GROUPS}/nope", json={"label": "X"}), 404, "OBJECT_NOT_FOUND", missing
    )
    _exact_error(http.delete(f"{GROUPS}/nope"), 404, "OBJECT_NOT_FOUND", missing)
    renamed = http.patch(f"{GROUPS}/billing", json={"name": "billing_2"})
    _assert_hubspot_error(renamed, 400, "VALIDATION_ERROR")
    unknown = http.patch(f"{GROUPS}/billing", json={"lable": "typo"})
    _assert_hubspot_error(unknown, 400, "VALIDATION_ERROR")
    assert http.get(f"{GROUPS}/billing").json()["label"] == "Billing"


def test_group_holding_properties_cannot_be_archived(http: httpx.Client) -> None:
    assert http.post(GROUPS, json={"name": "billing", "label": "Billing"}).status_code == 201
    _create(http, groupName="billing")
    response = http.delete(f"{GROUPS}/billing")
    _exact_error(
        response,
        400,
        "VALIDATION_ERROR",
        "Unable to archive property group billing: it still holds properties (plan_tier). "
        "Move them to another group, or archive them, first",
    )
    standard = http.delete(f"{GROUPS}/ticketinformation")
    _assert_hubspot_error(standard, 400, "VALIDATION_ERROR")
    # Once its property is archived, the group can go.
    assert http.delete(f"{PROPERTIES}/plan_tier").status_code == 204
    assert http.delete(f"{GROUPS}/billing").status_code == 204
    assert http.get(f"{GROUPS}/billing").status_code == 404
    refused = http.post(PROPERTIES, json=_definition("plan_b", groupName="billing"))
    _assert_hubspot_error(refused, 400, "VALIDATION_ERROR")


def test_archived_group_name_can_be_created_again(http: httpx.Client) -> None:
    assert http.post(GROUPS, json={"name": "billing", "label": "Billing"}).status_code == 201
    assert http.delete(f"{GROUPS}/billing").status_code == 204
    again = http.post(GROUPS, json={"name": "billing", "label": "Billing 2", "displayOrder": 1})
    assert again.status_code == 201, again.text
    assert again.json() == {
        "name": "billing",
        "label": "Billing 2",
        "displayOrder": 1,
        "archived": False,
    }


# -- every change moves the definitions version (other workers reload) -------------------


def test_every_definition_change_moves_the_definitions_version(
    server: LiveServer, http: httpx.Client
) -> None:
    changes = [
        ("POST", GROUPS, {"name": "billing", "label": "Billing"}),
        ("PATCH", f"{GROUPS}/billing", {"label": "Billing 2"}),
        ("POST", PROPERTIES, _definition("plan_a", groupName="billing")),
        ("POST", f"{PROPERTIES}/batch/create", {"inputs": [_definition("plan_b")]}),
        ("PATCH", f"{PROPERTIES}/plan_a", {"label": "A"}),
        ("DELETE", f"{PROPERTIES}/plan_a", None),
        ("POST", f"{PROPERTIES}/batch/archive", {"inputs": [{"name": "plan_b"}]}),
        ("DELETE", f"{GROUPS}/billing", None),
    ]
    for method, path, body in changes:
        before = _version(server)
        response = http.request(method, path, json=body)
        assert response.status_code < 300, (method, path, response.text)
        assert _version(server) != before, (method, path)


# -- scopes ------------------------------------------------------------------------------


def test_schema_scopes_are_enough_for_every_property_operation(server: LiveServer) -> None:
    with server.http(server.token(scopes=("crm.schemas.tickets.write",))) as writer:
        assert writer.post(GROUPS, json={"name": "billing", "label": "B"}).status_code == 201
        assert writer.patch(f"{GROUPS}/billing", json={"label": "C"}).status_code == 200
        assert writer.post(PROPERTIES, json=_definition("plan_a")).status_code == 201
        batch = {"inputs": [_definition("plan_b")]}
        assert writer.post(f"{PROPERTIES}/batch/create", json=batch).status_code == 201
        assert writer.patch(f"{PROPERTIES}/plan_a", json={"label": "A"}).status_code == 200
        assert writer.delete(f"{PROPERTIES}/plan_a").status_code == 204
        archive = {"inputs": [{"name": "plan_b"}]}
        assert writer.post(f"{PROPERTIES}/batch/archive", json=archive).status_code == 204
        assert writer.delete(f"{GROUPS}/billing").status_code == 204
        # Reads need a read scope: the write scope alone is refused.
        assert writer.get(GROUPS).status_code == 403
    with server.http(server.token(scopes=("crm.schemas.tickets.read",))) as reader:
        assert reader.get(GROUPS).status_code == 200
        assert reader.get(f"{GROUPS}/ticketinformation").status_code == 200
        read = {"inputs": [{"name": "subject"}]}
        assert reader.post(f"{PROPERTIES}/batch/read", json=read).status_code == 200
        assert reader.delete(f"{PROPERTIES}/subject").status_code == 403
        assert reader.post(GROUPS, json={"name": "x", "label": "X"}).status_code == 403


# -- the documented shapes (Spoke's OpenAPI document) -------------------------------------


def test_new_operations_answer_the_shapes_spoke_documents(http: httpx.Client) -> None:
    document = http.get("/openapi.json").json()

    def conforms(response: httpx.Response, template: str, kind: type[Any] | None) -> None:
        generic = template.replace(PROPERTIES, "/crm/v3/properties/{objectType}", 1)
        operation = document["paths"][generic][response.request.method.lower()]
        documented = operation["responses"][str(response.status_code)]
        if kind is None:
            assert "content" not in documented
            assert response.content == b""
            return
        schema = documented["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{kind.__name__}"}, template
        msgspec.json.decode(response.content, type=kind, strict=True)

    one = f"{PROPERTIES}/{{propertyName}}"
    group = f"{GROUPS}/{{groupName}}"
    conforms(http.post(GROUPS, json={"name": "g1", "label": "G"}), GROUPS, schemas.PropertyGroup)
    conforms(http.get(GROUPS), GROUPS, schemas.PropertyGroupCollection)
    conforms(http.get(f"{GROUPS}/g1"), group, schemas.PropertyGroup)
    conforms(http.patch(f"{GROUPS}/g1", json={"label": "H"}), group, schemas.PropertyGroup)
    created = http.post(f"{PROPERTIES}/batch/create", json={"inputs": [_definition("p1")]})
    conforms(created, f"{PROPERTIES}/batch/create", schemas.BatchPropertyResponse)
    patched = http.patch(f"{PROPERTIES}/p1", json={"label": "P"})
    conforms(patched, one, schemas.Property)
    names = {"inputs": [{"name": "p1"}, {"name": "nope"}]}
    partial = http.post(f"{PROPERTIES}/batch/read", json=names)
    conforms(partial, f"{PROPERTIES}/batch/read", schemas.BatchPropertyResponseWithErrors)
    conforms(http.delete(f"{PROPERTIES}/p1"), one, None)
    archived = http.get(f"{PROPERTIES}/p1", params={"archived": "true"})
    conforms(archived, one, schemas.Property)
    assert msgspec.json.decode(archived.content, type=schemas.Property).archived is True
    whole = http.post(f"{PROPERTIES}/batch/read", json={"inputs": [{"name": "subject"}]})
    conforms(whole, f"{PROPERTIES}/batch/read", schemas.BatchPropertyResponse)
    archive = {"inputs": [{"name": "nope"}]}
    conforms(
        http.post(f"{PROPERTIES}/batch/archive", json=archive), f"{PROPERTIES}/batch/archive", None
    )
    conforms(http.delete(f"{GROUPS}/g1"), group, None)
