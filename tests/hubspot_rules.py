"""What every ticket test relies on: HubSpot's paths, the properties a read returns by
default, and the raw-HTTP steps many tests start with (define a property, create a
ticket). Written from behaviour.md, not from Spoke's code, so the tests stay a check."""

from __future__ import annotations

from typing import Any

import httpx

TICKETS = "/crm/v3/objects/tickets"
PROPERTIES = "/crm/v3/properties/tickets"

#: Returned by every read, whatever was asked for (behaviour.md decision 7).
ALWAYS = ["createdate", "hs_lastmodifieddate", "hs_object_id"]
#: Returned when a read names no properties, in the order HubSpot sends them (sorted).
DEFAULT_KEYS = sorted(
    [
        "content",
        "hs_pipeline",
        "hs_pipeline_stage",
        "hs_ticket_category",
        "hs_ticket_priority",
        "subject",
        *ALWAYS,
    ]
)


def define_property(
    http: httpx.Client,
    name: str,
    kind: str,
    field_type: str,
    *,
    options: tuple[str, ...] = (),
    unique: bool = False,
) -> None:
    """Create a custom ticket property through ``POST /crm/v3/properties/tickets``."""
    body = {
        "name": name,
        "label": name.replace("_", " ").title(),
        "type": kind,
        "fieldType": field_type,
        "groupName": "ticketinformation",
        "hasUniqueValue": unique,
        "options": [
            {"label": value.upper(), "value": value, "displayOrder": order, "hidden": False}
            for order, value in enumerate(options)
        ],
    }
    response = http.post(PROPERTIES, json=body)
    assert response.status_code == 201, response.text


def create_ticket(http: httpx.Client, **properties: Any) -> dict[str, Any]:
    """Create a ticket (in stage 1, with a subject unless given) and return its body."""
    properties.setdefault("hs_pipeline_stage", "1")
    properties.setdefault("subject", "A ticket")
    response = http.post(TICKETS, json={"properties": properties})
    assert response.status_code == 201, response.text
    return response.json()
