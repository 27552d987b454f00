"""The route table: every operation Spoke serves, read like a list.

The same table builds the Starlette routes and Spoke's OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from spoke.api import schemas
from spoke.api.auth import Handler, PathCheck
from spoke.api.pipelines import get_pipeline, list_pipelines
from spoke.api.properties import PropertyEndpoints
from spoke.api.tickets import TicketEndpoints, require_ticket_path
from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import TICKET_OBJECT_TYPES
from spoke.domain.reads import TicketReader
from spoke.domain.writes import TicketWriter
from spoke.store.base import Store

#: Where the tickets object API is served: HubSpot's v3 paths and their dated successor,
#: both generic in the object type (``tickets`` or ``0-5``; others are refused).
OBJECT_PREFIXES = ("/crm/v3/objects/{object_type}", "/crm/objects/2026-03/{object_type}")

#: The values a path parameter may take, where they are few (for the OpenAPI document).
PATH_PARAMETER_VALUES: Mapping[str, Sequence[str]] = {"object_type": TICKET_OBJECT_TYPES}

#: Scopes an operation accepts (any one of them), as in HubSpot's OpenAPI documents.
OBJECT_SCOPES = ("tickets",)
SCHEMA_READ_SCOPES = ("tickets", "crm.schemas.tickets.read")
SCHEMA_WRITE_SCOPES = ("tickets", "crm.schemas.tickets.write")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    handler: Handler
    summary: str
    request: type | None = None
    responses: Mapping[int, type | None] = field(default_factory=dict)
    query: Sequence[str] = ()
    tag: str = "Tickets"
    scopes: Sequence[str] = OBJECT_SCOPES
    path_check: PathCheck | None = None


def route_table(store: Store) -> list[Operation]:
    """Every operation, its handlers working on ``store`` (nothing is read until a
    handler runs)."""
    catalogue = Catalogue(store)
    tickets = TicketEndpoints(TicketReader(store, catalogue), TicketWriter(store, catalogue))
    return operations(tickets, PropertyEndpoints(store, catalogue))


def operations(tickets: TicketEndpoints, properties: PropertyEndpoints) -> list[Operation]:
    return [
        *(op for prefix in OBJECT_PREFIXES for op in _object_operations(prefix, tickets)),
        *_property_operations(properties),
        *_pipeline_operations(),
    ]


def _object_operations(prefix: str, tickets: TicketEndpoints) -> list[Operation]:
    batch = {200: schemas.BatchResponse, 207: schemas.BatchResponseWithErrors}
    one = {200: schemas.Ticket}
    read_query = ("properties", "propertiesWithHistory", "archived")
    table = [
        Operation(
            "GET",
            prefix,
            tickets.list_page,
            "List tickets, a page at a time",
            None,
            {200: schemas.TicketPage},
            query=("limit", "after", *read_query),
        ),
        Operation(
            "POST",
            f"{prefix}/batch/read",
            tickets.batch_read,
            "Read a batch of tickets by internal ID, or unique property values",
            schemas.BatchReadRequest,
            batch,
            query=("archived",),
        ),
        Operation(
            "POST",
            f"{prefix}/batch/create",
            tickets.batch_create,
            "Create a batch of tickets",
            schemas.BatchCreateRequest,
            {201: schemas.BatchResponse},
        ),
        Operation(
            "POST",
            f"{prefix}/batch/update",
            tickets.batch_update,
            "Update a batch of tickets by internal ID, or unique property values",
            schemas.BatchUpdateRequest,
            {200: schemas.BatchResponse},
        ),
        Operation(
            "POST",
            f"{prefix}/batch/upsert",
            tickets.batch_upsert,
            "Create or update a batch of tickets by unique property values",
            schemas.BatchUpsertRequest,
            {200: schemas.BatchUpsertResponse},
        ),
        Operation(
            "POST",
            f"{prefix}/batch/archive",
            tickets.batch_archive,
            "Archive a batch of tickets by ID",
            schemas.BatchArchiveRequest,
            {204: None},
        ),
        Operation(
            "POST",
            prefix,
            tickets.create,
            "Create a ticket",
            schemas.CreateInput,
            {201: schemas.Ticket},
        ),
        Operation(
            "GET",
            f"{prefix}/{{ticket_id}}",
            tickets.get,
            "Read a ticket",
            None,
            one,
            query=(*read_query, "idProperty"),
        ),
        Operation(
            "PATCH",
            f"{prefix}/{{ticket_id}}",
            tickets.update,
            "Update a ticket",
            schemas.UpdateInput,
            one,
            query=("idProperty",),
        ),
        Operation(
            "DELETE",
            f"{prefix}/{{ticket_id}}",
            tickets.archive,
            "Archive a ticket",
            None,
            {204: None},
        ),
    ]
    return [replace(op, path_check=require_ticket_path) for op in table]


def _property_operations(properties: PropertyEndpoints) -> list[Operation]:
    return [
        Operation(
            "GET",
            "/crm/v3/properties/tickets",
            properties.list,
            "Read all ticket properties",
            None,
            {200: schemas.PropertyCollection},
            query=("archived",),
            tag="Properties",
            scopes=SCHEMA_READ_SCOPES,
        ),
        Operation(
            "GET",
            "/crm/v3/properties/tickets/{property_name}",
            properties.get,
            "Read a ticket property",
            None,
            {200: schemas.Property},
            query=("archived",),
            tag="Properties",
            scopes=SCHEMA_READ_SCOPES,
        ),
        Operation(
            "POST",
            "/crm/v3/properties/tickets",
            properties.create,
            "Create a ticket property",
            schemas.PropertyCreate,
            {201: schemas.Property},
            tag="Properties",
            scopes=SCHEMA_WRITE_SCOPES,
        ),
    ]


def _pipeline_operations() -> list[Operation]:
    return [
        Operation(
            "GET",
            "/crm/v3/pipelines/tickets",
            list_pipelines,
            "Read all ticket pipelines",
            None,
            {200: schemas.PipelineCollection},
            tag="Pipelines",
            scopes=SCHEMA_READ_SCOPES,
        ),
        Operation(
            "GET",
            "/crm/v3/pipelines/tickets/{pipeline_id}",
            get_pipeline,
            "Read a ticket pipeline",
            None,
            {200: schemas.Pipeline},
            tag="Pipelines",
            scopes=SCHEMA_READ_SCOPES,
        ),
    ]
