"""The route table: every operation Spoke serves, read like a list.

The same table builds the Starlette routes and Spoke's OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from spoke.api import schemas
from spoke.api.auth import Handler, PathCheck
from spoke.api.pipelines import VALIDATION_FLAGS, PipelineEndpoints
from spoke.api.properties import PropertyEndpoints
from spoke.api.search import SearchEndpoints
from spoke.api.tickets import TicketEndpoints, require_ticket_path
from spoke.domain.catalogue import Catalogue
from spoke.domain.merge import TicketMerger
from spoke.domain.object_types import TICKET_OBJECT_TYPES
from spoke.domain.reads import TicketReader
from spoke.domain.search import TicketSearch
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
    tickets = TicketEndpoints(
        TicketReader(store, catalogue),
        TicketWriter(store, catalogue),
        TicketMerger(store, catalogue),
    )
    search = SearchEndpoints(TicketSearch(store, catalogue))
    return [
        *operations(
            tickets, PropertyEndpoints(store, catalogue), PipelineEndpoints(store, catalogue)
        ),
        *(op for prefix in OBJECT_PREFIXES for op in _search_operations(prefix, search)),
    ]


def operations(
    tickets: TicketEndpoints, properties: PropertyEndpoints, pipelines: PipelineEndpoints
) -> list[Operation]:
    return [
        *(op for prefix in OBJECT_PREFIXES for op in _object_operations(prefix, tickets)),
        *_property_operations(properties),
        *_pipeline_operations(pipelines),
    ]


def _search_operations(prefix: str, search: SearchEndpoints) -> list[Operation]:
    return [
        Operation(
            "POST",
            f"{prefix}/search",
            search.search,
            "Search tickets by property values and full text",
            schemas.SearchRequest,
            {200: schemas.SearchResponse},
            path_check=require_ticket_path,
        )
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
            f"{prefix}/merge",
            tickets.merge,
            "Merge two tickets",
            schemas.MergeInput,
            one,
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
    """Paths without ``{property_name}`` come first: it would match ``groups`` too."""
    base = "/crm/v3/properties/tickets"
    one = f"{base}/{{property_name}}"
    group = f"{base}/groups/{{group_name}}"
    batch = {200: schemas.BatchPropertyResponse, 207: schemas.BatchPropertyResponseWithErrors}
    read, write = SCHEMA_READ_SCOPES, SCHEMA_WRITE_SCOPES
    return [
        Operation(
            "GET",
            base,
            properties.list,
            "Read all ticket properties",
            None,
            {200: schemas.PropertyCollection},
            query=("archived",),
            tag="Properties",
            scopes=read,
        ),
        Operation(
            "POST",
            base,
            properties.create,
            "Create a ticket property",
            schemas.PropertyCreate,
            {201: schemas.Property},
            tag="Properties",
            scopes=write,
        ),
        Operation(
            "POST",
            f"{base}/batch/create",
            properties.batch_create,
            "Create a batch of ticket properties",
            schemas.BatchPropertyCreateRequest,
            {201: schemas.BatchPropertyResponse},
            tag="Properties",
            scopes=write,
        ),
        Operation(
            "POST",
            f"{base}/batch/read",
            properties.batch_read,
            "Read a batch of ticket properties",
            schemas.BatchPropertyReadRequest,
            batch,
            tag="Properties",
            scopes=read,
        ),
        Operation(
            "POST",
            f"{base}/batch/archive",
            properties.batch_archive,
            "Archive a batch of ticket properties",
            schemas.BatchPropertyArchiveRequest,
            {204: None},
            tag="Properties",
            scopes=write,
        ),
        Operation(
            "GET",
            f"{base}/groups",
            properties.list_groups,
            "Read all ticket property groups",
            None,
            {200: schemas.PropertyGroupCollection},
            tag="Property groups",
            scopes=read,
        ),
        Operation(
            "POST",
            f"{base}/groups",
            properties.create_group,
            "Create a ticket property group",
            schemas.PropertyGroupCreate,
            {201: schemas.PropertyGroup},
            tag="Property groups",
            scopes=write,
        ),
        Operation(
            "GET",
            group,
            properties.get_group,
            "Read a ticket property group",
            None,
            {200: schemas.PropertyGroup},
            tag="Property groups",
            scopes=read,
        ),
        Operation(
            "PATCH",
            group,
            properties.update_group,
            "Update a ticket property group",
            schemas.PropertyGroupUpdate,
            {200: schemas.PropertyGroup},
            tag="Property groups",
            scopes=write,
        ),
        Operation(
            "DELETE",
            group,
            properties.archive_group,
            "Archive a ticket property group",
            None,
            {204: None},
            tag="Property groups",
            scopes=write,
        ),
        Operation(
            "GET",
            one,
            properties.get,
            "Read a ticket property",
            None,
            {200: schemas.Property},
            query=("archived",),
            tag="Properties",
            scopes=read,
        ),
        Operation(
            "PATCH",
            one,
            properties.update,
            "Update a ticket property",
            schemas.PropertyUpdate,
            {200: schemas.Property},
            tag="Properties",
            scopes=write,
        ),
        Operation(
            "DELETE",
            one,
            properties.archive,
            "Archive a ticket property",
            None,
            {204: None},
            tag="Properties",
            scopes=write,
        ),
    ]


def _pipeline_operations(pipelines: PipelineEndpoints) -> list[Operation]:
    """Reads take the schema read scope, writes the schema write scope (or ``tickets``)."""
    base = "/crm/v3/pipelines/tickets"
    one = f"{base}/{{pipeline_id}}"
    stages = f"{one}/stages"
    stage = f"{stages}/{{stage_id}}"
    table = [
        Operation(
            "GET",
            base,
            pipelines.list,
            "Read all ticket pipelines",
            None,
            {200: schemas.PipelineCollection},
        ),
        Operation(
            "POST",
            base,
            pipelines.create,
            "Create a ticket pipeline",
            schemas.PipelineInput,
            {201: schemas.Pipeline},
        ),
        Operation(
            "GET",
            one,
            pipelines.get,
            "Read a ticket pipeline",
            None,
            {200: schemas.Pipeline},
        ),
        Operation(
            "PUT",
            one,
            pipelines.replace,
            "Replace a ticket pipeline",
            schemas.PipelineInput,
            {200: schemas.Pipeline},
            query=VALIDATION_FLAGS,
        ),
        Operation(
            "PATCH",
            one,
            pipelines.update,
            "Update (or restore) a ticket pipeline",
            schemas.PipelinePatchInput,
            {200: schemas.Pipeline},
            query=VALIDATION_FLAGS,
        ),
        Operation(
            "DELETE",
            one,
            pipelines.archive,
            "Delete a ticket pipeline",
            None,
            {204: None},
            query=VALIDATION_FLAGS,
        ),
        Operation(
            "GET",
            f"{one}/audit",
            pipelines.audit,
            "Read the changes to a ticket pipeline, newest first",
            None,
            {200: schemas.AuditCollection},
        ),
        Operation(
            "GET",
            stages,
            pipelines.list_stages,
            "Read the stages of a ticket pipeline",
            None,
            {200: schemas.StageCollection},
        ),
        Operation(
            "POST",
            stages,
            pipelines.create_stage,
            "Create a ticket pipeline stage",
            schemas.PipelineStageInput,
            {201: schemas.StageOut},
        ),
        Operation(
            "GET",
            stage,
            pipelines.get_stage,
            "Read a ticket pipeline stage",
            None,
            {200: schemas.StageOut},
        ),
        Operation(
            "PUT",
            stage,
            pipelines.replace_stage,
            "Replace a ticket pipeline stage",
            schemas.PipelineStageInput,
            {200: schemas.StageOut},
        ),
        Operation(
            "PATCH",
            stage,
            pipelines.update_stage,
            "Update (or restore) a ticket pipeline stage",
            schemas.PipelineStagePatchInput,
            {200: schemas.StageOut},
        ),
        Operation(
            "DELETE",
            stage,
            pipelines.archive_stage,
            "Delete a ticket pipeline stage",
            None,
            {204: None},
            query=("validateReferencesBeforeDelete",),
        ),
        Operation(
            "GET",
            f"{stage}/audit",
            pipelines.stage_audit,
            "Read the changes to a ticket pipeline stage, newest first",
            None,
            {200: schemas.AuditCollection},
        ),
    ]
    return [
        replace(
            op,
            tag="Pipelines",
            scopes=SCHEMA_READ_SCOPES if op.method == "GET" else SCHEMA_WRITE_SCOPES,
        )
        for op in table
    ]
