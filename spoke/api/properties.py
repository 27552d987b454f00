"""HTTP endpoints of the properties API for tickets (``/crm/v3/properties/tickets``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from spoke.api import encode, schemas
from spoke.api.http import decode_body, json_response, query_bool
from spoke.domain.catalogue import Catalogue
from spoke.domain.custom_properties import define_property
from spoke.domain.properties import Option, PropertyDefinition, PropertyType
from spoke.errors import ResourceNotFound
from spoke.store.base import Store, TokenRecord


class PropertyEndpoints:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self._store = store
        self._catalogue = catalogue

    async def list(self, request: Request, token: TokenRecord) -> Response:
        # Spoke keeps no archived properties yet, so archived=true lists none.
        archived = query_bool(request, "archived")
        definitions = [] if archived else self._catalogue.current().all()
        return json_response({"results": [encode.property_definition(d) for d in definitions]})

    async def get(self, request: Request, token: TokenRecord) -> Response:
        name = request.path_params["property_name"]
        definition = self._catalogue.current().get(name)
        if definition is None or query_bool(request, "archived"):
            raise ResourceNotFound(f"Unable to find property {name} on object type TICKET")
        return json_response(encode.property_definition(definition))

    async def create(self, request: Request, token: TokenRecord) -> Response:
        body = await decode_body(request, schemas.PropertyCreate)
        definition = PropertyDefinition(
            name=body.name,
            label=body.label,
            type=PropertyType(body.type),
            field_type=body.fieldType,
            group_name=body.groupName,
            description=body.description,
            options=tuple(
                Option(o.label, o.value, o.displayOrder, o.hidden, o.description)
                for o in body.options
            ),
            display_order=body.displayOrder,
            has_unique_value=body.hasUniqueValue,
            hidden=body.hidden,
            form_field=body.formField,
            external_options=body.externalOptions,
        )
        stored = define_property(self._store, self._catalogue, definition)
        return json_response(encode.property_definition(stored), 201)
