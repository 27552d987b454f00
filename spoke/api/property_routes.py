"""The properties API's part of the route table (:mod:`spoke.api.routes`): properties
and property groups of a type, single and in batches."""

from __future__ import annotations

from spoke.api import schemas
from spoke.api.operation import Operation
from spoke.api.properties import PropertyEndpoints
from spoke.domain.object_types import Access


def property_operations(base: str, properties: PropertyEndpoints) -> list[Operation]:
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
