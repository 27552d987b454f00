"""The route table: every operation Spoke serves, read like a list.

The same table builds the Starlette routes and Spoke's OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spoke.api import schemas
from spoke.api.auth import Handler
from spoke.api.pipelines import get_pipeline, list_pipelines
from spoke.api.properties import PropertyEndpoints
from spoke.api.tickets import TicketEndpoints

TICKET_PREFIXES = ("/crm/v3/objects/tickets", "/crm/objects/2026-03/tickets")

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


def operations(tickets: TicketEndpoints, properties: PropertyEndpoints) -> list[Operation]:
    ticket_ops: list[Operation] = []
    for prefix in TICKET_PREFIXES:
        batch = {200: schemas.BatchResponse, 207: schemas.BatchResponseWithErrors}
        one = {200: schemas.Ticket}
        ticket_ops += [
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
                prefix + "/{ticket_id}",
                tickets.get,
                "Read a ticket",
                None,
                one,
                query=("properties", "propertiesWithHistory", "archived", "idProperty"),
            ),
            Operation(
                "PATCH",
                prefix + "/{ticket_id}",
                tickets.update,
                "Update a ticket",
                schemas.UpdateInput,
                one,
                query=("idProperty",),
            ),
            Operation(
                "DELETE",
                prefix + "/{ticket_id}",
                tickets.archive,
                "Archive a ticket",
                None,
                {204: None},
            ),
        ]
    return [
        *ticket_ops,
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
