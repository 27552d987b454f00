"""CRM object types: which ones a path may name, and the one Spoke serves (tickets).

HubSpot's object paths take an object type by name (``tickets``) or by type id (``0-5``).
Spoke serves tickets under both. Any other type HubSpot has (a standard name such as
``contacts``, or any type id such as ``0-1`` or a custom object's ``2-123``) is not served:
404. A name HubSpot has no object type for is refused as HubSpot refuses it: 400
``Unable to infer object type from: <name>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spoke.domain.pipelines import Pipeline
from spoke.domain.properties import PropertyDefinition, PropertyGroup
from spoke.domain.ticket_properties import OBJECT_TYPE_ID
from spoke.errors import ObjectTypeNotServed, UnknownObjectType

TICKETS_NAME = "tickets"


@dataclass(frozen=True)
class ObjectScopes:
    """HubSpot's scope names for one object type; a token needs any one of a tuple."""

    read: tuple[str, ...]  # object reads (list, get, batch read, search)
    write: tuple[str, ...]  # object writes (create, update, upsert, archive, merge)
    schema_read: tuple[str, ...]  # properties and pipelines reads
    schema_write: tuple[str, ...]  # properties and pipelines writes


@dataclass(frozen=True)
class PipelineModel:
    """How an object type's records sit in pipelines (only types that have pipelines)."""

    pipeline_property: str  # tickets "hs_pipeline", deals "pipeline"
    stage_property: str  # tickets "hs_pipeline_stage", deals "dealstage"
    defaults: tuple[Pipeline, ...]  # the pipelines every portal starts with


@dataclass(frozen=True)
class ObjectType:
    type_id: str  # HubSpot's object type id: "0-5"
    name: str  # the plural name object paths take: "tickets"
    singular: str  # "ticket" (HubSpot's paths accept it too)
    label: str  # as in HubSpot's messages: "TICKET"
    # ("Could not get some TICKET objects, they may be deleted ...")
    properties: tuple[PropertyDefinition, ...]  # HubSpot's standard properties of the type
    groups: tuple[PropertyGroup, ...]  # HubSpot's standard property groups of the type
    default_properties: tuple[str, ...]  # returned when a read names no properties
    created_property: str  # "createdate" (engagements: "hs_createdate")
    modified_property: str  # "hs_lastmodifieddate" (contacts: "lastmodifieddate")
    query_properties: tuple[str, ...]  # what a search's full-text `query` searches
    scopes: ObjectScopes
    pipelines: PipelineModel | None = None  # None: the type has no pipelines
    id_properties: tuple[str, ...] = ()
    """Standard properties that hold the record's own id, set on create (tickets: hs_ticket_id)."""
    lookup_properties: tuple[str, ...] = ()
    """Standard properties HubSpot accepts as ``idProperty`` and keeps unique per record
    (contacts: ("email",)), although their definitions say hasUniqueValue false."""


#: The object type names a path may use for tickets.
TICKET_OBJECT_TYPES = (TICKETS_NAME, OBJECT_TYPE_ID)

#: HubSpot's standard object types, by the names its object APIs take (from its object
#: type id table; tickets are among them but served).
HUBSPOT_OBJECT_NAMES = frozenset(
    {
        "appointments",
        "calls",
        "carts",
        "commerce_payments",
        "communications",
        "companies",
        "contacts",
        "courses",
        "deals",
        "discounts",
        "emails",
        "feedback_submissions",
        "fees",
        "goal_targets",
        "invoices",
        "leads",
        "line_items",
        "listings",
        "marketing_events",
        "meetings",
        "notes",
        "orders",
        "postal_mail",
        "products",
        "projects",
        "quotes",
        "services",
        "subscriptions",
        "tasks",
        "taxes",
        TICKETS_NAME,
        "users",
    }
)

#: An object type id: ``0-<n>`` for HubSpot's own types, ``2-<n>`` for custom objects.
_TYPE_ID = re.compile(r"^[0-9]+-[0-9]+$")


def require_tickets(object_type: str) -> None:
    """Nothing if ``object_type`` names tickets; otherwise a 404 for a type Spoke does not
    serve, or HubSpot's 400 for a type HubSpot does not have."""
    if object_type in TICKET_OBJECT_TYPES:
        return
    if object_type in HUBSPOT_OBJECT_NAMES or _TYPE_ID.match(object_type):
        raise ObjectTypeNotServed(object_type, f"{TICKETS_NAME} (object type {OBJECT_TYPE_ID})")
    raise UnknownObjectType(object_type)
