"""HubSpot's custom object schemas API (``/crm/v3/schemas``, also on
``/crm-object-schemas/v3/schemas``), read-only: Spoke has no custom objects, so the list
is empty and no schema is found (docs/behaviour.md, "Custom object schemas").
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from spoke.api.http import json_response, query_bool
from spoke.errors import ResourceNotFound
from spoke.store.base import TokenRecord

#: The query parameters of the reads (booleans; Spoke checks them, then has nothing).
QUERY = ("archived", "includeAssociationDefinitions", "includeAuditMetadata",
         "includePropertyDefinitions")  # fmt: skip


def _check_flags(request: Request) -> None:
    for name in QUERY:
        query_bool(request, name)


async def list_schemas(request: Request, token: TokenRecord) -> Response:
    _check_flags(request)
    return json_response({"results": []})


async def get_schema(request: Request, token: TokenRecord) -> Response:
    _check_flags(request)
    name = request.path_params["object_type"]
    raise ResourceNotFound(f"Unable to find a custom object schema named {name}")
