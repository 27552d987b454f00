"""The route table: every operation Spoke serves, read like a list.

Almost every operation is generic in the object type: its path holds ``{object_type}``,
which may be any name of a served type (``tickets``, ``ticket`` or ``0-5``; the pipelines
paths only those of types with pipelines). The owners API names no object type: its
operations take fixed scopes. Each family is served on HubSpot's v3 paths and on their
dated successors (``/crm/objects/2026-03/...``, which HubSpot's newer SDK calls). The
same table builds the Starlette routes and Spoke's OpenAPI document.

The objects and search operations are listed here; each other API lists its own in a
module of its own (``property_routes``, ``pipeline_routes``, ``association_routes``,
``owner_routes``, ``legacy.routes``).
"""

from __future__ import annotations

from dataclasses import replace

from spoke.api import schemas
from spoke.api.association_routes import association_operations
from spoke.api.association_schemas import NUMBER_IDS, STRING_IDS
from spoke.api.associations import AssociationEndpoints
from spoke.api.legacy.routes import legacy_operations
from spoke.api.objects import ObjectEndpoints
from spoke.api.operation import (
    OBJECT_TYPE_PARAMETER,
    TO_OBJECT_TYPE_PARAMETER,
    Operation,
    typed_by,
)
from spoke.api.owner_routes import owner_operations, schema_operations
from spoke.api.owners import OwnerEndpoints
from spoke.api.pipeline_routes import pipeline_operations
from spoke.api.pipelines import PipelineEndpoints
from spoke.api.properties import PropertyEndpoints
from spoke.api.property_routes import property_operations
from spoke.api.search import SearchEndpoints
from spoke.domain.answers import AnswerCache
from spoke.domain.associations.reads import AssociationReader
from spoke.domain.catalogue import Catalogue
from spoke.domain.merge import ObjectMerger
from spoke.domain.object_types import Access, ObjectTypes
from spoke.domain.reads import ObjectReader
from spoke.domain.search import ObjectSearch
from spoke.domain.writes import ObjectWriter
from spoke.store.base import Store

__all__ = ["OBJECT_TYPE_PARAMETER", "Operation", "route_table"]

#: Where each API family is served: HubSpot's v3 paths and their dated successors.
OBJECT_PREFIXES = ("/crm/v3/objects/{object_type}", "/crm/objects/2026-03/{object_type}")
PROPERTY_PREFIXES = ("/crm/v3/properties/{object_type}", "/crm/properties/2026-03/{object_type}")
PIPELINE_PREFIXES = ("/crm/v3/pipelines/{object_type}", "/crm/pipelines/2026-03/{object_type}")
#: HubSpot's v4 objects paths: the reads of the v3 objects API (lists and single records).
V4_OBJECTS = "/crm/v4/objects/{object_type}"
#: The custom object schemas API, on both of HubSpot's paths.
SCHEMA_PREFIXES = ("/crm/v3/schemas", "/crm-object-schemas/v3/schemas")
OWNER_PREFIXES = ("/crm/v3/owners", "/crm/owners/2026-03")


def route_table(
    store: Store, object_types: ObjectTypes, answer_cache_bytes: int = 0
) -> list[Operation]:
    """Every operation, its handlers working on ``store`` for ``object_types`` (nothing
    is read until a handler runs), holding up to ``answer_cache_bytes`` of batch read
    answers."""
    catalogue = Catalogue(store, object_types)
    reader = ObjectReader(store, catalogue, AnswerCache(store, answer_cache_bytes))
    v4_associations = AssociationEndpoints(store, object_types, NUMBER_IDS)
    dated_associations = AssociationEndpoints(store, object_types, STRING_IDS)
    objects = ObjectEndpoints(
        reader,
        ObjectWriter(store, catalogue),
        ObjectMerger(store, catalogue),
        AssociationReader(store, object_types),
    )
    search = SearchEndpoints(ObjectSearch(store, catalogue))
    properties = PropertyEndpoints(store, catalogue)
    pipelines = PipelineEndpoints(store, catalogue)
    owners = OwnerEndpoints(catalogue)
    served = typed_by(object_types.resolve, object_types.all, object_types.names())
    with_pipelines = [t for t in object_types if t.pipelines is not None]
    pipeline_types = typed_by(
        object_types.resolve_with_pipelines, with_pipelines, object_types.pipeline_names()
    )
    return [
        *(served(op) for prefix in OBJECT_PREFIXES for op in _object_operations(prefix, objects)),
        *(served(op) for prefix in OBJECT_PREFIXES for op in _search_operations(prefix, search)),
        *(served(op) for p in PROPERTY_PREFIXES for op in property_operations(p, properties)),
        *(
            pipeline_types(op)
            for prefix in PIPELINE_PREFIXES
            for op in pipeline_operations(prefix, pipelines)
        ),
        # v4 serves the v3 reads: whatever the v3 list answers (associations included),
        # the v4 list answers too.
        *(served(op) for op in _object_operations(V4_OBJECTS, objects) if op.method == "GET"),
        *(op for prefix in SCHEMA_PREFIXES for op in schema_operations(prefix)),
        *legacy_operations(store, catalogue, object_types, reader),
        *(
            replace(served(op), other_type_names=_other_names(op, object_types))
            for op in association_operations(v4_associations, dated_associations)
        ),
        *(op for prefix in OWNER_PREFIXES for op in owner_operations(prefix, owners)),
    ]


def _other_names(op: Operation, object_types: ObjectTypes) -> tuple[str, ...]:
    """The names ``{to_object_type}`` may take, where the path has it."""
    return object_types.names() if f"{{{TO_OBJECT_TYPE_PARAMETER}}}" in op.path else ()


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
    read_query = ("properties", "propertiesWithHistory", "archived", "associations")
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
