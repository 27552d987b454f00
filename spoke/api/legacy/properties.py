"""HubSpot's legacy properties APIs: v2 (``/properties/v2/{objectType}/properties``, any
CRM object type), v1 (``/properties/v1/{contacts,companies,deals}/properties``) and the
companies v2 list (``/companies/v2/properties``). The definitions are the ones the v3
properties API serves (one catalogue); only their encoding differs: a JSON array of
HubSpot's v1/v2 property objects.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from spoke.api.http import json_response, query_bool
from spoke.domain import custom_properties, property_groups
from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import ObjectType
from spoke.domain.properties import Option, PropertyDefinition
from spoke.domain.standard_objects.forms import FORM_PROPERTIES
from spoke.store.base import Store, TokenRecord

Json = dict[str, Any]


class LegacyPropertyEndpoints:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self._store = store
        self._catalogue = catalogue

    async def list(self, request: Request, token: TokenRecord, object_type: ObjectType) -> Response:
        definitions = custom_properties.list_properties(self._catalogue, object_type, False)
        return json_response([property_v2(d) for d in definitions])

    async def list_form_properties(self, request: Request, token: TokenRecord) -> Response:
        """Forms' property definitions: Spoke serves no forms, and lists the system
        properties every HubSpot object type has (FORM_PROPERTIES)."""
        return json_response([property_v2(d) for d in FORM_PROPERTIES])

    async def get(self, request: Request, token: TokenRecord, object_type: ObjectType) -> Response:
        name = request.path_params["property_name"]
        definition = custom_properties.find_property(self._catalogue, object_type, name, False)
        return json_response(property_v2(definition))

    async def list_groups(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        """The live groups by name; with ``includeProperties=true`` each with its
        properties."""
        with_properties = query_bool(request, "includeProperties")
        groups = property_groups.live_groups(self._store, object_type)
        standard = {g.name for g in object_type.groups}
        definitions = custom_properties.list_properties(self._catalogue, object_type, False)
        body = []
        for name in sorted(groups):
            group: Json = {
                "name": name,
                "displayName": groups[name].label,
                "displayOrder": groups[name].display_order,
                "hubspotDefined": name in standard,
            }
            if with_properties:
                group["properties"] = [property_v2(d) for d in definitions if d.group_name == name]
            body.append(group)
        return json_response(body)


def property_v2(definition: PropertyDefinition) -> Json:
    """A definition as the v1 and v2 properties APIs show it (keys in the order of
    HubSpot's reference). What Spoke does not keep (favourites, display hints, who
    created it) has the value HubSpot shows for a property without it."""
    return {
        "name": definition.name,
        "label": definition.label,
        "description": definition.description,
        "groupName": definition.group_name,
        "type": str(definition.type),
        "fieldType": definition.field_type,
        "options": [_option(o) for o in definition.options],
        "displayOrder": definition.display_order,
        "formField": definition.form_field,
        "readOnlyValue": definition.read_only_value,
        "readOnlyDefinition": definition.read_only_definition,
        "hidden": definition.hidden,
        "mutableDefinitionNotDeletable": not definition.archivable,
        "favorited": False,
        "favoritedOrder": -1,
        "calculated": definition.calculated,
        "externalOptions": definition.external_options,
        "displayMode": "current_value",
        "showCurrencySymbol": None,
        "currencyPropertyName": None,
        "textDisplayHint": None,
        "numberDisplayHint": None,
        "optionsAreMutable": None,
        "referencedObjectType": None,
        "isCustomizedDefault": False,
        "searchableInGlobalSearch": False,
        "hasUniqueValue": definition.has_unique_value,
        "hubspotDefined": True if definition.hubspot_defined else None,
        "deleted": definition.archived_at is not None,
        "createdAt": definition.created_at,
        "updatedAt": definition.updated_at,
        "createdUserId": None,
        "updatedUserId": None,
    }


def _option(option: Option) -> Json:
    return {
        "description": option.description,
        "label": option.label,
        "value": option.value,
        "displayOrder": option.display_order,
        "hidden": option.hidden,
        "readOnly": False,
        "doubleData": 0.0,
    }
