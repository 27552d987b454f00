"""The route table: every operation Spoke serves, read like a list.

Almost every operation is generic in the object type: its path holds ``{object_type}``,
which may be any name of a served type (``tickets``, ``ticket`` or ``0-5``; the pipelines
paths only those of types with pipelines). The owners API names no object type: its
operations take fixed scopes. Each family is served on HubSpot's v3 paths and on their
dated successors (``/crm/objects/2026-03/...``, which HubSpot's newer SDK calls). The
same table builds the Starlette routes and Spoke's OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from starlette.requests import Request

from spoke.api import owner_schemas, schemas
from spoke.api.auth import Admitted, Handler, TypeOfPath, scoped, typed
from spoke.api.hubspot_paths import check_hubspot_path
from spoke.api.objects import ObjectEndpoints
from spoke.api.owners import OwnerEndpoints
from spoke.api.pipelines import VALIDATION_FLAGS, PipelineEndpoints
from spoke.api.properties import PropertyEndpoints
from spoke.api.search import SearchEndpoints
from spoke.domain.catalogue import Catalogue
from spoke.domain.merge import ObjectMerger
from spoke.domain.object_types import Access, ObjectType, ObjectTypes
from spoke.domain.owners import OWNER_READ_SCOPES
from spoke.domain.reads import ObjectReader
from spoke.domain.search import ObjectSearch
from spoke.domain.writes import ObjectWriter
from spoke.errors import ObjectTypeNotServed
from spoke.store.base import Store, TokenRecord

#: Where each API family is served: HubSpot's v3 paths and their dated successors.
OBJECT_PREFIXES = ("/crm/v3/objects/{object_type}", "/crm/objects/2026-03/{object_type}")
PROPERTY_PREFIXES = ("/crm/v3/properties/{object_type}", "/crm/properties/2026-03/{object_type}")
PIPELINE_PREFIXES = ("/crm/v3/pipelines/{object_type}", "/crm/pipelines/2026-03/{object_type}")
OWNER_PREFIXES = ("/crm/v3/owners", "/crm/owners/2026-03")

#: The path parameter that names the object type.
OBJECT_TYPE_PARAMETER = "object_type"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    handler: Handler | Admitted
    """A :data:`Handler` (given the object type) where the path names one (``type_of``);
    else an :data:`Admitted`, run once the token holds one of ``scopes``."""
    summary: str
    request: type | None = None
    responses: Mapping[int, type | None] = field(default_factory=dict)
    query: Sequence[str] = ()
    tag: str = "Objects"
    access: Access = Access.READ
    type_of: TypeOfPath | None = None
    """The object type the request's path names (set by :func:`route_table`)."""
    type_names: tuple[str, ...] = ()
    """The names ``{object_type}`` may take here (for the OpenAPI document)."""
    scopes: tuple[str, ...] = ()
    """Every scope that some served type accepts here (for the OpenAPI document); for an
    operation whose path names no object type, the scopes it takes."""

    @property
    def path_parameter_values(self) -> Mapping[str, Sequence[str]]:
        """The values a path parameter may take, where they are few."""
        return {OBJECT_TYPE_PARAMETER: self.type_names}


def route_table(store: Store, object_types: ObjectTypes) -> list[Operation]:
    """Every operation, its handlers working on ``store`` for ``object_types`` (nothing
    is read until a handler runs)."""
    catalogue = Catalogue(store, object_types)
    objects = ObjectEndpoints(
        ObjectReader(store, catalogue),
        ObjectWriter(store, catalogue),
        ObjectMerger(store, catalogue),
    )
    search = SearchEndpoints(ObjectSearch(store, catalogue))
    properties = PropertyEndpoints(store, catalogue)
    pipelines = PipelineEndpoints(store, catalogue)
    owners = OwnerEndpoints(catalogue)
    served = _typed(object_types.resolve, object_types.all, object_types.names())
    with_pipelines = [t for t in object_types if t.pipelines is not None]
    pipeline_types = _typed(
        object_types.resolve_with_pipelines, with_pipelines, object_types.pipeline_names()
    )
    return [
        *(served(op) for prefix in OBJECT_PREFIXES for op in _object_operations(prefix, objects)),
        *(served(op) for prefix in OBJECT_PREFIXES for op in _search_operations(prefix, search)),
        *(served(op) for p in PROPERTY_PREFIXES for op in _property_operations(p, properties)),
        *(
            pipeline_types(op)
            for prefix in PIPELINE_PREFIXES
            for op in _pipeline_operations(prefix, pipelines)
        ),
        *(op for prefix in OWNER_PREFIXES for op in _owner_operations(prefix, owners)),
    ]


def admitted(op: Operation) -> Admitted:
    """What answers ``op`` once its token is known: the handler, after the object type
    the path names and that type's scopes for the operation, or, for an operation whose
    path names no object type, after the operation's own scopes."""
    if op.type_of is None:
        return scoped(op.scopes, cast(Admitted, op.handler))
    return typed(op.access, op.type_of, cast(Handler, op.handler))


def _typed(
    resolve: Callable[[str], ObjectType], types: Sequence[ObjectType], names: tuple[str, ...]
) -> Callable[[Operation], Operation]:
    """Gives an operation the object type its path names (with ``resolve``), the names it
    may take and the scopes the ``types`` accept for it."""

    def type_of(request: Request, token: TokenRecord) -> ObjectType:
        try:
            return resolve(request.path_params[OBJECT_TYPE_PARAMETER])
        except ObjectTypeNotServed:
            check_hubspot_path(request, token)  # HubSpot's 403 first, to a token without
            raise  # the type's scopes; else Spoke's 404

    def typed(op: Operation) -> Operation:
        scopes = tuple(dict.fromkeys(s for t in types for s in t.scopes.for_access(op.access)))
        return replace(op, type_of=type_of, type_names=names, scopes=scopes)

    return typed


def _search_operations(prefix: str, search: SearchEndpoints) -> list[Operation]:
    return [
        Operation(
            "POST",
            f"{prefix}/search",
            search.search,
            "Search records by property values and full text",
            schemas.SearchRequest,
            {200: schemas.SearchResponse},
        )
    ]


def _object_operations(prefix: str, objects: ObjectEndpoints) -> list[Operation]:
    batch = {200: schemas.BatchResponse, 207: schemas.BatchResponseWithErrors}
    one = {200: schemas.SimplePublicObject}
    read_query = ("properties", "propertiesWithHistory", "archived")
    write = Access.WRITE
    return [
        Operation(
            "GET",
            prefix,
            objects.list_page,
            "List records, a page at a time",
            None,
            {200: schemas.ObjectPage},
            query=("limit", "after", *read_query),
        ),
        Operation(
            "POST",
            f"{prefix}/batch/read",
            objects.batch_read,
            "Read a batch of records by internal ID, or unique property values",
            schemas.BatchReadRequest,
            batch,
            query=("archived",),
        ),
        Operation(
            "POST",
            f"{prefix}/batch/create",
            objects.batch_create,
            "Create a batch of records",
            schemas.BatchCreateRequest,
            {201: schemas.BatchResponse},
            access=write,
        ),
        Operation(
            "POST",
            f"{prefix}/batch/update",
            objects.batch_update,
            "Update a batch of records by internal ID, or unique property values",
            schemas.BatchUpdateRequest,
            {200: schemas.BatchResponse},
            access=write,
        ),
        Operation(
            "POST",
            f"{prefix}/batch/upsert",
            objects.batch_upsert,
            "Create or update a batch of records by unique property values",
            schemas.BatchUpsertRequest,
            {200: schemas.BatchUpsertResponse},
            access=write,
        ),
        Operation(
            "POST",
            f"{prefix}/batch/archive",
            objects.batch_archive,
            "Archive a batch of records by ID",
            schemas.BatchArchiveRequest,
            {204: None},
            access=write,
        ),
        Operation(
            "POST",
            f"{prefix}/merge",
            objects.merge,
            "Merge two records of the same object type",
            schemas.MergeInput,
            one,
            access=write,
        ),
        Operation(
            "POST",
            prefix,
            objects.create,
            "Create a record",
            schemas.CreateInput,
            {201: schemas.SimplePublicObject},
            access=write,
        ),
        Operation(
            "GET",
            f"{prefix}/{{object_id}}",
            objects.get,
            "Read a record",
            None,
            one,
            query=(*read_query, "idProperty"),
        ),
        Operation(
            "PATCH",
            f"{prefix}/{{object_id}}",
            objects.update,
            "Update a record",
            schemas.UpdateInput,
            one,
            query=("idProperty",),
            access=write,
        ),
        Operation(
            "DELETE",
            f"{prefix}/{{object_id}}",
            objects.archive,
            "Archive a record",
            None,
            {204: None},
            access=write,
        ),
    ]


def _property_operations(base: str, properties: PropertyEndpoints) -> list[Operation]:
    """Paths without ``{property_name}`` come first: it would match ``groups`` too."""
    one = f"{base}/{{property_name}}"
    group = f"{base}/groups/{{group_name}}"
    batch = {200: schemas.BatchPropertyResponse, 207: schemas.BatchPropertyResponseWithErrors}
    read, write = Access.SCHEMA_READ, Access.SCHEMA_WRITE
    return [
        Operation(
            "GET",
            base,
            properties.list,
            "Read all properties of an object type",
            None,
            {200: schemas.PropertyCollection},
            query=("archived",),
            tag="Properties",
            access=read,
        ),
        Operation(
            "POST",
            base,
            properties.create,
            "Create a property",
            schemas.PropertyCreate,
            {201: schemas.Property},
            tag="Properties",
            access=write,
        ),
        Operation(
            "POST",
            f"{base}/batch/create",
            properties.batch_create,
            "Create a batch of properties",
            schemas.BatchPropertyCreateRequest,
            {201: schemas.BatchPropertyResponse},
            tag="Properties",
            access=write,
        ),
        Operation(
            "POST",
            f"{base}/batch/read",
            properties.batch_read,
            "Read a batch of properties",
            schemas.BatchPropertyReadRequest,
            batch,
            tag="Properties",
            access=read,
        ),
        Operation(
            "POST",
            f"{base}/batch/archive",
            properties.batch_archive,
            "Archive a batch of properties",
            schemas.BatchPropertyArchiveRequest,
            {204: None},
            tag="Properties",
            access=write,
        ),
        Operation(
            "GET",
            f"{base}/groups",
            properties.list_groups,
            "Read all property groups of an object type",
            None,
            {200: schemas.PropertyGroupCollection},
            tag="Property groups",
            access=read,
        ),
        Operation(
            "POST",
            f"{base}/groups",
            properties.create_group,
            "Create a property group",
            schemas.PropertyGroupCreate,
            {201: schemas.PropertyGroup},
            tag="Property groups",
            access=write,
        ),
        Operation(
            "GET",
            group,
            properties.get_group,
            "Read a property group",
            None,
            {200: schemas.PropertyGroup},
            tag="Property groups",
            access=read,
        ),
        Operation(
            "PATCH",
            group,
            properties.update_group,
            "Update a property group",
            schemas.PropertyGroupUpdate,
            {200: schemas.PropertyGroup},
            tag="Property groups",
            access=write,
        ),
        Operation(
            "DELETE",
            group,
            properties.archive_group,
            "Archive a property group",
            None,
            {204: None},
            tag="Property groups",
            access=write,
        ),
        Operation(
            "GET",
            one,
            properties.get,
            "Read a property",
            None,
            {200: schemas.Property},
            query=("archived",),
            tag="Properties",
            access=read,
        ),
        Operation(
            "PATCH",
            one,
            properties.update,
            "Update a property",
            schemas.PropertyUpdate,
            {200: schemas.Property},
            tag="Properties",
            access=write,
        ),
        Operation(
            "DELETE",
            one,
            properties.archive,
            "Archive a property",
            None,
            {204: None},
            tag="Properties",
            access=write,
        ),
    ]


def _owner_operations(prefix: str, owners: OwnerEndpoints) -> list[Operation]:
    """HubSpot's SDKs call the list with a trailing slash (``/crm/v3/owners/``), its guide
    and most clients without: both are served."""
    page = {200: owner_schemas.OwnerPage}
    listed = [
        Operation(
            "GET",
            path,
            owners.list,
            "Read a page of owners",
            None,
            page,
            query=("email", "after", "limit", "archived"),
            tag="Owners",
            scopes=OWNER_READ_SCOPES,
        )
        for path in (prefix, f"{prefix}/")
    ]
    one = Operation(
        "GET",
        f"{prefix}/{{owner_id}}",
        owners.get,
        "Read an owner by id or userId",
        None,
        {200: owner_schemas.PublicOwner},
        query=("idProperty", "archived"),
        tag="Owners",
        scopes=OWNER_READ_SCOPES,
    )
    return [*listed, one]


def _pipeline_operations(base: str, pipelines: PipelineEndpoints) -> list[Operation]:
    """Reads take the schema read scope, writes the schema write scope."""
    one = f"{base}/{{pipeline_id}}"
    stages = f"{one}/stages"
    stage = f"{stages}/{{stage_id}}"
    table = [
        Operation(
            "GET",
            base,
            pipelines.list,
            "Read all pipelines of an object type",
            None,
            {200: schemas.PipelineCollection},
        ),
        Operation(
            "POST",
            base,
            pipelines.create,
            "Create a pipeline",
            schemas.PipelineInput,
            {201: schemas.Pipeline},
        ),
        Operation(
            "GET",
            one,
            pipelines.get,
            "Read a pipeline",
            None,
            {200: schemas.Pipeline},
        ),
        Operation(
            "PUT",
            one,
            pipelines.replace,
            "Replace a pipeline",
            schemas.PipelineInput,
            {200: schemas.Pipeline},
            query=VALIDATION_FLAGS,
        ),
        Operation(
            "PATCH",
            one,
            pipelines.update,
            "Update (or restore) a pipeline",
            schemas.PipelinePatchInput,
            {200: schemas.Pipeline},
            query=VALIDATION_FLAGS,
        ),
        Operation(
            "DELETE",
            one,
            pipelines.archive,
            "Delete a pipeline",
            None,
            {204: None},
            query=VALIDATION_FLAGS,
        ),
        Operation(
            "GET",
            f"{one}/audit",
            pipelines.audit,
            "Read the changes to a pipeline, newest first",
            None,
            {200: schemas.AuditCollection},
        ),
        Operation(
            "GET",
            stages,
            pipelines.list_stages,
            "Read the stages of a pipeline",
            None,
            {200: schemas.StageCollection},
        ),
        Operation(
            "POST",
            stages,
            pipelines.create_stage,
            "Create a pipeline stage",
            schemas.PipelineStageInput,
            {201: schemas.StageOut},
        ),
        Operation(
            "GET",
            stage,
            pipelines.get_stage,
            "Read a pipeline stage",
            None,
            {200: schemas.StageOut},
        ),
        Operation(
            "PUT",
            stage,
            pipelines.replace_stage,
            "Replace a pipeline stage",
            schemas.PipelineStageInput,
            {200: schemas.StageOut},
        ),
        Operation(
            "PATCH",
            stage,
            pipelines.update_stage,
            "Update (or restore) a pipeline stage",
            schemas.PipelineStagePatchInput,
            {200: schemas.StageOut},
        ),
        Operation(
            "DELETE",
            stage,
            pipelines.archive_stage,
            "Delete a pipeline stage",
            None,
            {204: None},
            query=("validateReferencesBeforeDelete",),
        ),
        Operation(
            "GET",
            f"{stage}/audit",
            pipelines.stage_audit,
            "Read the changes to a pipeline stage, newest first",
            None,
            {200: schemas.AuditCollection},
        ),
    ]
    return [
        replace(
            op,
            tag="Pipelines",
            access=Access.SCHEMA_READ if op.method == "GET" else Access.SCHEMA_WRITE,
        )
        for op in table
    ]
