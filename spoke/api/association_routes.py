"""The associations API's part of the route table (:mod:`spoke.api.routes`).

Each family is served on HubSpot's v4 paths and on their dated successors (per record
``/crm/objects/2026-03/{objectType}/{objectId}/associations/...``, in batches and labels
``/crm/associations/2026-03/{fromObjectType}/{toObjectType}/...``); v3 on its own paths.
Reads (``GET`` and batch reads) take the first object type's read scopes, every other
operation its write scopes, as HubSpot's catalogue of paths has them
(:mod:`spoke.api.hubspot_paths`).
"""

from __future__ import annotations

from dataclasses import replace

from spoke.api import association_schemas as bodies
from spoke.api import schemas
from spoke.api.associations import AssociationEndpoints
from spoke.api.operation import Operation
from spoke.domain.object_types import Access

#: Where v4 and its dated successor are served: per record, and per pair of types.
V4_PREFIXES = (
    "/crm/v4/objects/{object_type}/{object_id}/associations",
    "/crm/v4/associations/{object_type}/{to_object_type}",
)
DATED_PREFIXES = (
    "/crm/objects/2026-03/{object_type}/{object_id}/associations",
    "/crm/associations/2026-03/{object_type}/{to_object_type}",
)
V3_PAIR_PREFIX = "/crm/v3/associations/{object_type}/{to_object_type}"
V3_RECORD_PATH = "/crm/v3/objects/{object_type}/{object_id}/associations/{to_object_type}"

TAG = "Associations"
LABELS_TAG = "Association labels"


def association_operations(
    v4: AssociationEndpoints, dated: AssociationEndpoints
) -> list[Operation]:
    """The operations of v4 (and v3) on ``v4``, of v4's dated successor on ``dated``."""
    table = [
        *(
            op
            for (record, pair), endpoints in ((V4_PREFIXES, v4), (DATED_PREFIXES, dated))
            for op in (
                *_record_operations(record, endpoints),
                *_pair_operations(pair, endpoints),
                *_label_operations(pair, endpoints),
            )
        ),
        *_v3_operations(v4),
    ]
    return [replace(op, access=Access.READ if _reads(op) else Access.WRITE) for op in table]


def _reads(op: Operation) -> bool:
    return op.method == "GET" or op.path.endswith("/batch/read")


def _record_operations(prefix: str, endpoints: AssociationEndpoints) -> list[Operation]:
    one = f"{prefix}/{{to_object_type}}/{{to_object_id}}"
    return [
        Operation(
            "GET",
            f"{prefix}/{{to_object_type}}",
            endpoints.list_page,
            "List a record's associations with records of a type, a page at a time",
            None,
            {200: endpoints.ids.page},
            query=("limit", "after"),
            tag=TAG,
        ),
        Operation(
            "PUT",
            one,
            endpoints.create_labelled,
            "Associate two records with the association types given (labels)",
            list[schemas.AssociationSpec],
            {201: endpoints.ids.labels_between},
            tag=TAG,
        ),
        Operation(
            "DELETE",
            one,
            endpoints.archive,
            "Remove every association between two records",
            None,
            {204: None},
            tag=TAG,
        ),
        Operation(
            "PUT",
            f"{prefix}/default/{{to_object_type}}/{{to_object_id}}",
            endpoints.create_default,
            "Associate two records with their default (unlabeled) association type",
            None,
            {200: bodies.BatchDefaultAssociations},
            tag=TAG,
        ),
    ]


def _pair_operations(prefix: str, endpoints: AssociationEndpoints) -> list[Operation]:
    batch = f"{prefix}/batch"
    return [
        Operation(
            "POST",
            f"{batch}/read",
            endpoints.batch_read,
            "Read the associations of a batch of records",
            bodies.BatchFetchAssociations,
            {200: endpoints.ids.batch, 207: endpoints.ids.batch_with_errors},
            tag=TAG,
        ),
        Operation(
            "POST",
            f"{batch}/create",
            endpoints.batch_create,
            "Associate a batch of record pairs with the association types given",
            bodies.BatchAssociationPost,
            {201: endpoints.ids.batch_labels_between},
            tag=TAG,
        ),
        Operation(
            "POST",
            f"{batch}/associate/default",
            endpoints.batch_create_default,
            "Associate a batch of record pairs with their default association type",
            bodies.BatchDefaultAssociationPost,
            {200: bodies.BatchDefaultAssociations},
            tag=TAG,
        ),
        Operation(
            "POST",
            f"{batch}/archive",
            endpoints.batch_archive,
            "Remove every association between a batch of record pairs",
            bodies.BatchAssociationArchive,
            {204: None},
            tag=TAG,
        ),
        Operation(
            "POST",
            f"{batch}/labels/archive",
            endpoints.batch_archive_labels,
            "Remove association types (labels) from a batch of record pairs",
            bodies.BatchAssociationPost,
            {204: None},
            tag=TAG,
        ),
    ]


def _label_operations(prefix: str, endpoints: AssociationEndpoints) -> list[Operation]:
    labels = f"{prefix}/labels"
    return [
        Operation(
            "GET",
            labels,
            endpoints.list_labels,
            "List the association types from one object type to another",
            None,
            {200: bodies.AssociationTypes},
            tag=LABELS_TAG,
        ),
        Operation(
            "POST",
            labels,
            endpoints.create_label,
            "Create an association label (and its inverse)",
            bodies.LabelCreate,
            {200: bodies.AssociationTypes},
            tag=LABELS_TAG,
        ),
        Operation(
            "PUT",
            labels,
            endpoints.update_label,
            "Rename an association label (and its inverse)",
            bodies.LabelUpdate,
            {204: None},
            tag=LABELS_TAG,
        ),
        Operation(
            "DELETE",
            f"{labels}/{{association_type_id}}",
            endpoints.delete_label,
            "Delete an association label and its inverse",
            None,
            {204: None},
            tag=LABELS_TAG,
        ),
    ]


def _v3_operations(endpoints: AssociationEndpoints) -> list[Operation]:
    batch = f"{V3_PAIR_PREFIX}/batch"
    return [
        Operation(
            "POST",
            f"{batch}/read",
            endpoints.v3_batch_read,
            "Read the associations of a batch of records (v3)",
            bodies.BatchV3Read,
            {200: bodies.BatchV3AssociationsRead, 207: bodies.BatchV3AssociationsReadWithErrors},
            tag=TAG,
        ),
        Operation(
            "POST",
            f"{batch}/create",
            endpoints.v3_batch_create,
            "Associate a batch of record pairs with a v3 association type",
            bodies.BatchV3Associations,
            {201: bodies.BatchV3AssociationsCreated},
            tag=TAG,
        ),
        Operation(
            "POST",
            f"{batch}/archive",
            endpoints.v3_batch_archive,
            "Remove a v3 association type from a batch of record pairs",
            bodies.BatchV3Associations,
            {204: None},
            tag=TAG,
        ),
        Operation(
            "GET",
            V3_RECORD_PATH,
            endpoints.v3_list_page,
            "List a record's associations with records of a type, a page at a time (v3)",
            None,
            {200: schemas.AssociatedIds},
            query=("limit", "after"),
            tag=TAG,
        ),
    ]
