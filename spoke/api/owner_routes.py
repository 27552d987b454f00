"""The owners API's and the custom object schemas API's part of the route table
(:mod:`spoke.api.routes`). Neither names an object type: their operations take fixed
scopes."""

from __future__ import annotations

from spoke.api import custom_schemas, owner_schemas, schemas
from spoke.api.operation import OBJECT_TYPE_PARAMETER, Operation
from spoke.api.owners import OwnerEndpoints
from spoke.domain.hubspot_object_types import CUSTOM_OBJECTS
from spoke.domain.owners import OWNER_READ_SCOPES


def owner_operations(prefix: str, owners: OwnerEndpoints) -> list[Operation]:
    """HubSpot's SDKs call the list with a trailing slash (``/crm/v3/owners/``), its guide
    and most clients without: both are served."""
    page = {200: owner_schemas.OwnerPage}
    listed = [
        Operation(
            "GET",
            path,
            None,
            "Read a page of owners",
            None,
            page,
            query=("email", "after", "limit", "archived"),
            tag="Owners",
            scopes=OWNER_READ_SCOPES,
            untyped=owners.list,
        )
        for path in (prefix, f"{prefix}/")
    ]
    one = Operation(
        "GET",
        f"{prefix}/{{owner_id}}",
        None,
        "Read an owner by id or userId",
        None,
        {200: owner_schemas.PublicOwner},
        query=("idProperty", "archived"),
        tag="Owners",
        scopes=OWNER_READ_SCOPES,
        untyped=owners.get,
    )
    return [*listed, one]


def schema_operations(prefix: str) -> list[Operation]:
    """The reads of the custom object schemas API; they name no object type, and take
    HubSpot's read scopes of custom object definitions."""
    return [
        Operation(
            "GET",
            prefix,
            None,
            "Read all custom object schemas (Spoke has none)",
            None,
            {200: schemas.ObjectSchemaCollection},
            query=custom_schemas.QUERY,
            tag="Schemas",
            scopes=CUSTOM_OBJECTS.definitions_read,
            untyped=custom_schemas.list_schemas,
        ),
        Operation(
            "GET",
            f"{prefix}/{{{OBJECT_TYPE_PARAMETER}}}",
            None,
            "Read a custom object schema (none is found)",
            None,
            {},
            query=custom_schemas.QUERY,
            tag="Schemas",
            scopes=CUSTOM_OBJECTS.definitions_read,
            untyped=custom_schemas.get_schema,
        ),
    ]
