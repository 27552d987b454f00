"""Request and response bodies of HubSpot's legacy APIs, with their field names.

As in :mod:`spoke.api.schemas`, responses are encoded from plain dicts; these Structs
describe them for the OpenAPI document, and the tests decode real responses with them.
Sources of each shape: docs/behaviour.md, "Legacy APIs".
"""

from __future__ import annotations

from msgspec import Struct

# -- CRM objects v1 (/crm-objects/v1/objects/{objectType}) -----------------------------


class ObjectIds(Struct):
    """The body of a v1 batch read: ``{"ids": [176601, 177769]}``."""

    ids: list[int | str]


class ValueVersion(Struct, omit_defaults=True):
    """One value a property had, in a v1 record's ``versions``."""

    name: str
    value: str
    timestamp: int
    source: str
    sourceVid: list[int]
    sourceId: str | None = None


class ValueV1(Struct):
    """A property of a v1 record: its value, when and by what it was set, and its
    versions (the current one; every one when asked with ``propertiesWithHistory``)."""

    value: str
    timestamp: int
    source: str
    sourceId: str | None
    versions: list[ValueVersion]


class ObjectV1(Struct):
    objectType: str
    portalId: int
    objectId: int
    properties: dict[str, ValueV1]
    isDeleted: bool


class ObjectPageV1(Struct):
    objects: list[ObjectV1]
    hasMore: bool
    offset: int


#: A v1 batch read: the records found, by their id as a string.
ObjectsById = dict[str, ObjectV1]


# -- properties v1 and v2 (/properties/v2/{objectType}/properties) --------------------


class OptionV2(Struct):
    description: str
    label: str
    value: str
    displayOrder: int
    hidden: bool
    readOnly: bool
    doubleData: float


class PropertyV2(Struct):
    name: str
    label: str
    description: str
    groupName: str
    type: str
    fieldType: str
    options: list[OptionV2]
    displayOrder: int
    formField: bool
    readOnlyValue: bool
    readOnlyDefinition: bool
    hidden: bool
    mutableDefinitionNotDeletable: bool
    favorited: bool
    favoritedOrder: int
    calculated: bool
    externalOptions: bool
    displayMode: str
    showCurrencySymbol: bool | None
    currencyPropertyName: str | None
    textDisplayHint: str | None
    numberDisplayHint: str | None
    optionsAreMutable: bool | None
    referencedObjectType: str | None
    isCustomizedDefault: bool
    searchableInGlobalSearch: bool
    hasUniqueValue: bool
    hubspotDefined: bool | None
    deleted: bool
    createdAt: int | None
    updatedAt: int | None
    createdUserId: int | None
    updatedUserId: int | None


PropertiesV2 = list[PropertyV2]


class PropertyGroupV2(Struct, omit_defaults=True):
    name: str
    displayName: str
    displayOrder: int
    hubspotDefined: bool
    properties: list[PropertyV2] | None = None


PropertyGroupsV2 = list[PropertyGroupV2]


# -- pipelines v1 (/crm-pipelines/v1/pipelines/{objectType}, /deals/v1/pipelines) ----


class StageV1(Struct):
    stageId: str
    createdAt: int
    updatedAt: int
    label: str
    displayOrder: int
    active: bool
    metadata: dict[str, str]


class PipelineV1(Struct):
    pipelineId: str
    createdAt: int
    updatedAt: int
    objectType: str
    objectTypeId: str
    label: str
    displayOrder: int
    active: bool
    default: bool
    stages: list[StageV1]


class PipelineCollectionV1(Struct):
    results: list[PipelineV1]


class DealStageV1(Struct):
    stageId: str
    label: str
    probability: float
    active: bool
    displayOrder: int
    closedWon: bool


class DealPipelineV1(Struct):
    pipelineId: str
    stages: list[DealStageV1]
    label: str
    active: bool
    displayOrder: int
    staticDefault: bool


DealPipelinesV1 = list[DealPipelineV1]
