"""The route table of HubSpot's legacy APIs that real clients still call (issue 11):
CRM objects v1, properties v1 and v2, pipelines v1. Each reads what the v3 APIs read
(the same readers and catalogue) and answers in its own legacy shape.

Legacy paths took fewer object type names than v3 ones: CRM objects v1 served tickets,
products and line items, the v1 properties API contacts, companies and deals, and the v1
pipelines API deals and tickets, each by its plural name. The v2 properties API takes
every CRM object type, by any name (Airbyte's connector calls it with singular names),
and ``form``: forms are no CRM object type and Spoke serves none; it lists the system
properties every type has (to a token with the ``forms`` scope).
"""

from __future__ import annotations

from collections.abc import Callable

from spoke.api.legacy import bodies
from spoke.api.legacy.objects_v1 import ObjectsV1Endpoints
from spoke.api.legacy.pipelines_v1 import PipelinesV1Endpoints
from spoke.api.legacy.properties import LegacyPropertyEndpoints
from spoke.api.operation import Operation, among, of_type, typed_by
from spoke.domain.catalogue import Catalogue
from spoke.domain.hubspot_object_types import FORMS_SCOPES
from spoke.domain.object_types import Access, ObjectTypes
from spoke.domain.reads import ObjectReader
from spoke.store.base import Store

OBJECTS_V1 = "/crm-objects/v1/objects/{object_type}"
PROPERTIES_V1 = "/properties/v1/{object_type}"
PROPERTIES_V2 = "/properties/v2/{object_type}"
PIPELINES_V1 = "/crm-pipelines/v1/pipelines/{object_type}"

#: The object types each legacy family took (of them, those Spoke serves are served).
OBJECTS_V1_NAMES = ("tickets", "products", "line_items")
PROPERTIES_V1_NAMES = ("contacts", "companies", "deals")
PIPELINES_V1_NAMES = ("deals", "tickets")

READ_QUERY = ("properties", "propertiesWithHistory")
TAG_OBJECTS, TAG_PROPERTIES, TAG_PIPELINES = (
    "CRM objects v1 (legacy)",
    "Properties v1 and v2 (legacy)",
    "Pipelines v1 (legacy)",
)


def legacy_operations(
    store: Store, catalogue: Catalogue, object_types: ObjectTypes, reader: ObjectReader
) -> list[Operation]:
    """Every legacy operation for the ``object_types`` served."""
    objects = ObjectsV1Endpoints(reader, catalogue)
    properties = LegacyPropertyEndpoints(store, catalogue)
    pipelines = PipelinesV1Endpoints(catalogue)
    every_type = typed_by(object_types.resolve, object_types.all, object_types.names())
    table = [
        *_in(object_types, OBJECTS_V1_NAMES, _objects_v1(objects)),
        _form_properties(properties),  # before {object_type}, which would match "form"
        *(every_type(op) for op in _properties(PROPERTIES_V2, properties)),
        *_in(object_types, PROPERTIES_V1_NAMES, _properties(PROPERTIES_V1, properties)),
        *_in(object_types, PIPELINES_V1_NAMES, _pipelines_v1(pipelines)),
    ]
    served = {t.name: t for t in object_types}
    if "companies" in served:
        companies = of_type(served["companies"])
        table += [companies(op) for op in _companies_v2(properties)]
    if "deals" in served:
        table.append(of_type(served["deals"])(_deals_v1(pipelines)))
    return table


def _in(object_types: ObjectTypes, names: tuple[str, ...], ops: list[Operation]) -> list[Operation]:
    """``ops`` for the served types among ``names`` (none when none is served)."""
    resolve, types, taken = among(object_types, names)
    typed: Callable[[Operation], Operation] = typed_by(resolve, types, taken)
    return [typed(op) for op in ops] if types else []


def _objects_v1(objects: ObjectsV1Endpoints) -> list[Operation]:
    """``paged`` and ``batch-read`` come before ``{object_id}``, which would match them."""
    return [
        Operation(
            "GET",
            f"{OBJECTS_V1}/paged",
            objects.page,
            "List records after an offset, up to 100 a page (CRM objects v1)",
            None,
            {200: bodies.ObjectPageV1},
            query=("offset", "limit", *READ_QUERY),
            tag=TAG_OBJECTS,
        ),
        Operation(
            "POST",
            f"{OBJECTS_V1}/batch-read",
            objects.batch_read,
            "Read up to 100 records by id (CRM objects v1)",
            bodies.ObjectIds,
            {200: bodies.ObjectsById},
            query=(*READ_QUERY, "includeDeletes"),
            tag=TAG_OBJECTS,
        ),
        Operation(
            "GET",
            f"{OBJECTS_V1}/{{object_id}}",
            objects.get,
            "Read a record by id (CRM objects v1)",
            None,
            {200: bodies.ObjectV1},
            query=(*READ_QUERY, "includeDeletes"),
            tag=TAG_OBJECTS,
        ),
    ]


def _properties(base: str, properties: LegacyPropertyEndpoints) -> list[Operation]:
    return [
        Operation(
            "GET",
            f"{base}/properties",
            properties.list,
            "Read all properties of an object type (legacy)",
            None,
            {200: bodies.PropertiesV2},
            tag=TAG_PROPERTIES,
            access=Access.SCHEMA_READ,
        ),
        Operation(
            "GET",
            f"{base}/properties/named/{{property_name}}",
            properties.get,
            "Read a property (legacy)",
            None,
            {200: bodies.PropertyV2},
            tag=TAG_PROPERTIES,
            access=Access.SCHEMA_READ,
        ),
        Operation(
            "GET",
            f"{base}/groups",
            properties.list_groups,
            "Read all property groups of an object type (legacy)",
            None,
            {200: bodies.PropertyGroupsV2},
            query=("includeProperties",),
            tag=TAG_PROPERTIES,
            access=Access.SCHEMA_READ,
        ),
    ]


def _form_properties(properties: LegacyPropertyEndpoints) -> Operation:
    return Operation(
        "GET",
        f"{PROPERTIES_V2.replace('{object_type}', 'form')}/properties",
        None,
        "Read all form properties (legacy): the system properties only",
        None,
        {200: bodies.PropertiesV2},
        tag=TAG_PROPERTIES,
        scopes=FORMS_SCOPES,
        untyped=properties.list_form_properties,
    )


def _companies_v2(properties: LegacyPropertyEndpoints) -> list[Operation]:
    """The companies API v2's own paths to the companies' properties."""
    return [
        Operation(
            "GET",
            "/companies/v2/properties",
            properties.list,
            "Read all company properties (companies v2, legacy)",
            None,
            {200: bodies.PropertiesV2},
            tag=TAG_PROPERTIES,
            access=Access.SCHEMA_READ,
        ),
        Operation(
            "GET",
            "/companies/v2/properties/named/{property_name}",
            properties.get,
            "Read a company property (companies v2, legacy)",
            None,
            {200: bodies.PropertyV2},
            tag=TAG_PROPERTIES,
            access=Access.SCHEMA_READ,
        ),
    ]


def _pipelines_v1(pipelines: PipelinesV1Endpoints) -> list[Operation]:
    return [
        Operation(
            "GET",
            PIPELINES_V1,
            pipelines.pipelines,
            "Read all pipelines of deals or tickets (pipelines v1)",
            None,
            {200: bodies.PipelineCollectionV1},
            query=("includeInactive",),
            tag=TAG_PIPELINES,
            access=Access.SCHEMA_READ,
        )
    ]


def _deals_v1(pipelines: PipelinesV1Endpoints) -> Operation:
    return Operation(
        "GET",
        "/deals/v1/pipelines",
        pipelines.deals_list,
        "Read all deal pipelines (deals v1, legacy)",
        None,
        {200: bodies.DealPipelinesV1},
        tag=TAG_PIPELINES,
        access=Access.SCHEMA_READ,
    )
