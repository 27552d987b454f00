"""HTTP endpoints of the properties API of every object type
(``/crm/v3/properties/{objectType}``): properties, their batches, and property groups."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from spoke.api import encode, schemas
from spoke.api.http import decode_body, empty_response, json_response, query_bool
from spoke.domain import custom_properties, property_groups
from spoke.domain.catalogue import Catalogue
from spoke.domain.custom_properties import PropertyChanges
from spoke.domain.instants import now_ms
from spoke.domain.object_types import ObjectType
from spoke.domain.properties import Option, PropertyDefinition, PropertyGroup, PropertyType
from spoke.errors import ValidationError
from spoke.store.base import Store, TokenRecord


def _options(options: list[schemas.OptionInput]) -> tuple[Option, ...]:
    return tuple(Option(o.label, o.value, o.displayOrder, o.hidden, o.description) for o in options)


def _definition(body: schemas.PropertyCreate) -> PropertyDefinition:
    return PropertyDefinition(
        name=body.name,
        label=body.label,
        type=PropertyType(body.type),
        field_type=body.fieldType,
        group_name=body.groupName,
        description=body.description,
        options=_options(body.options),
        display_order=body.displayOrder,
        has_unique_value=body.hasUniqueValue,
        hidden=body.hidden,
        form_field=body.formField,
        external_options=body.externalOptions,
    )


def _changes(body: schemas.PropertyUpdate) -> PropertyChanges:
    if body.calculationFormula is not None:
        raise ValidationError("Spoke does not support calculated properties (calculationFormula)")
    return PropertyChanges(
        name=body.name,
        label=body.label,
        description=body.description,
        group_name=body.groupName,
        type=None if body.type is None else PropertyType(body.type),
        field_type=body.fieldType,
        options=None if body.options is None else _options(body.options),
        display_order=body.displayOrder,
        hidden=body.hidden,
        form_field=body.formField,
        has_unique_value=body.hasUniqueValue,
    )


class PropertyEndpoints:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self._store = store
        self._catalogue = catalogue

    # -- properties ----------------------------------------------------------------

    async def list(self, request: Request, token: TokenRecord, object_type: ObjectType) -> Response:
        archived = query_bool(request, "archived")
        definitions = custom_properties.list_properties(self._catalogue, object_type, archived)
        return json_response({"results": [encode.property_definition(d) for d in definitions]})

    async def get(self, request: Request, token: TokenRecord, object_type: ObjectType) -> Response:
        name = request.path_params["property_name"]
        archived = query_bool(request, "archived")
        definition = custom_properties.find_property(self._catalogue, object_type, name, archived)
        return json_response(encode.property_definition(definition))

    async def create(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.PropertyCreate)
        stored = custom_properties.define_property(
            self._store, self._catalogue, object_type, _definition(body)
        )
        return json_response(encode.property_definition(stored), 201)

    async def update(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        name = request.path_params["property_name"]
        body = await decode_body(request, schemas.PropertyUpdate)
        stored = custom_properties.update_property(
            self._store, self._catalogue, object_type, name, _changes(body)
        )
        return json_response(encode.property_definition(stored))

    async def archive(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        name = request.path_params["property_name"]
        custom_properties.archive_property(self._store, self._catalogue, object_type, name)
        return empty_response()

    # -- batches -------------------------------------------------------------------

    async def batch_create(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.BatchPropertyCreateRequest)
        started_at = now_ms()
        stored = custom_properties.define_properties(
            self._store, self._catalogue, object_type, [_definition(i) for i in body.inputs]
        )
        response, _ = encode.property_batch(object_type, stored, [], started_at, now_ms())
        return json_response(response, 201)

    async def batch_read(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.BatchPropertyReadRequest)
        started_at = now_ms()
        found, missing = custom_properties.read_properties(
            self._catalogue, object_type, [i.name for i in body.inputs], body.archived
        )
        response, status = encode.property_batch(object_type, found, missing, started_at, now_ms())
        return json_response(response, status)

    async def batch_archive(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.BatchPropertyArchiveRequest)
        custom_properties.archive_properties(
            self._store, self._catalogue, object_type, [i.name for i in body.inputs]
        )
        return empty_response()

    # -- groups --------------------------------------------------------------------

    async def list_groups(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        groups = property_groups.live_groups(self._store, object_type)
        return json_response(
            {"results": [encode.property_group(groups[name]) for name in sorted(groups)]}
        )

    async def get_group(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        name = request.path_params["group_name"]
        group = property_groups.find_group(self._store, object_type, name)
        return json_response(encode.property_group(group))

    async def create_group(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.PropertyGroupCreate)
        group = property_groups.create_group(
            self._store, object_type, PropertyGroup(body.name, body.label, body.displayOrder)
        )
        return json_response(encode.property_group(group), 201)

    async def update_group(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        name = request.path_params["group_name"]
        body = await decode_body(request, schemas.PropertyGroupUpdate)
        group = property_groups.update_group(
            self._store,
            object_type,
            name,
            label=body.label,
            display_order=body.displayOrder,
            new_name=body.name,
        )
        return json_response(encode.property_group(group))

    async def archive_group(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        name = request.path_params["group_name"]
        property_groups.archive_group(self._store, self._catalogue, object_type, name)
        return empty_response()
