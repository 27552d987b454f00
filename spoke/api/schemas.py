"""Request and response bodies, with HubSpot's field names.

Requests are decoded into these Structs (msgspec validates them). Responses are
encoded from plain dicts for speed; their Structs here describe them for the
OpenAPI document, and the tests decode real responses with them to keep both equal.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

PropertyValue = str | int | float | bool | None
Properties = dict[str, PropertyValue]
Id = str | int


# -- requests ---------------------------------------------------------------------


class ObjectId(Struct):
    id: Id


class BatchReadRequest(Struct):
    inputs: list[ObjectId] | None = None
    properties: list[str] | None = None
    propertiesWithHistory: list[str] | None = None
    idProperty: str | None = None


class AssociationSpec(Struct):
    associationCategory: str
    associationTypeId: int


class AssociationInput(Struct):
    to: ObjectId
    types: list[AssociationSpec]


class CreateInput(Struct):
    properties: Properties
    associations: list[AssociationInput] | None = None


class UpdateInput(Struct):
    properties: Properties


class BatchCreateRequest(Struct):
    inputs: list[CreateInput]


class BatchWriteItem(Struct):
    """One input of a batch update or upsert: the record (by id, or by the value of
    ``idProperty``) and the values to write. HubSpot's two inputs have this one shape."""

    id: Id
    properties: Properties
    idProperty: str | None = None
    objectWriteTraceId: str | None = None


class BatchUpdateRequest(Struct):
    inputs: list[BatchWriteItem]


class BatchUpsertRequest(Struct):
    inputs: list[BatchWriteItem]


class BatchArchiveRequest(Struct):
    inputs: list[ObjectId]


class MergeInput(Struct):
    """HubSpot's ``PublicMergeInput``: merge ``objectIdToMerge`` into ``primaryObjectId``."""

    primaryObjectId: Id
    objectIdToMerge: Id


#: Lengths and counts Spoke accepts in definitions (docs/behaviour.md, "Limits").
MAX_LABEL_LENGTH = 1_000
MAX_DESCRIPTION_LENGTH = 3_000
#: HubSpot's limits: 5,000 options, each at most 3,000 characters with its label and
#: description (checked by the domain).
MAX_OPTIONS = 5_000
MAX_STAGES = 100

Label = Annotated[str, Meta(max_length=MAX_LABEL_LENGTH)]
Description = Annotated[str, Meta(max_length=MAX_DESCRIPTION_LENGTH)]


class OptionInput(Struct):
    label: str
    value: str
    hidden: bool = False
    description: str = ""
    displayOrder: Int32 = -1


Int32 = Annotated[int, Meta(ge=-(2**31), le=2**31 - 1)]
Options = Annotated[list[OptionInput], Meta(max_length=MAX_OPTIONS)]
PropertyName = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=100)]


PropertyTypeName = Literal[
    "string", "number", "bool", "date", "datetime", "enumeration", "phone_number"
]


class PropertyCreate(Struct):
    name: PropertyName
    label: Label
    type: PropertyTypeName
    fieldType: str
    groupName: str
    description: Description = ""
    options: Options = []
    displayOrder: Int32 = -1
    hasUniqueValue: bool = False
    hidden: bool = False
    formField: bool = False
    externalOptions: bool = False


class PropertyUpdate(Struct, forbid_unknown_fields=True):
    """A partial update: absent (or ``null``) fields keep their value. ``name`` and
    ``hasUniqueValue`` may be sent back unchanged; the display hints are accepted and not
    kept (Spoke has no display)."""

    label: Label | None = None
    description: Description | None = None
    groupName: str | None = None
    type: PropertyTypeName | None = None
    fieldType: str | None = None
    options: Options | None = None
    displayOrder: Int32 | None = None
    hidden: bool | None = None
    formField: bool | None = None
    name: str | None = None
    hasUniqueValue: bool | None = None
    calculationFormula: str | None = None
    currencyPropertyName: str | None = None
    numberDisplayHint: str | None = None
    showCurrencySymbol: bool | None = None
    textDisplayHint: str | None = None


class PropertyNameInput(Struct):
    name: str


class BatchPropertyCreateRequest(Struct):
    inputs: list[PropertyCreate]


class BatchPropertyReadRequest(Struct):
    inputs: list[PropertyNameInput]
    archived: bool = False
    dataSensitivity: str | None = None


class BatchPropertyArchiveRequest(Struct):
    inputs: list[PropertyNameInput]


GroupName = Annotated[str, Meta(pattern=r"^[a-z0-9_]+$", max_length=100)]


class PropertyGroupCreate(Struct):
    name: GroupName
    label: Label
    displayOrder: Int32 = -1


class PropertyGroupUpdate(Struct, forbid_unknown_fields=True):
    label: Label | None = None
    displayOrder: Int32 | None = None
    name: str | None = None


# -- responses (documentation and tests) -------------------------------------------


class ValueWithTimestamp(Struct, omit_defaults=True):
    value: str
    timestamp: str
    sourceType: str
    sourceId: str | None = None


class NextPage(Struct, omit_defaults=True):
    after: str
    link: str | None = None


class ForwardPaging(Struct):
    next: NextPage


class AssociatedId(Struct):
    """An associated record and one type of the association, by its v3 name."""

    id: str
    type: str


class AssociatedIds(Struct, omit_defaults=True):
    """A page of associations (v3): ``paging`` only when another page follows."""

    results: list[AssociatedId]
    paging: ForwardPaging | None = None


class SimplePublicObject(Struct, omit_defaults=True):
    """A record of any object type, as HubSpot's objects API answers it; ``associations``
    (by the associated type's name) only on reads that ask for them and find some."""

    id: str
    properties: dict[str, str | None]
    createdAt: str
    updatedAt: str
    archived: bool
    propertiesWithHistory: dict[str, list[ValueWithTimestamp]] | None = None
    archivedAt: str | None = None
    associations: dict[str, AssociatedIds] | None = None


class ObjectPage(Struct, omit_defaults=True):
    """A page of a list: ``paging`` only when another page follows."""

    results: list[SimplePublicObject]
    paging: ForwardPaging | None = None


class ErrorDetail(Struct, omit_defaults=True):
    message: str
    code: str | None = None
    context: dict[str, list[str]] | None = None


class Error(Struct, omit_defaults=True):
    status: Literal["error"]
    message: str
    correlationId: str
    category: str
    errors: list[ErrorDetail] | None = None
    links: dict[str, str] | None = None
    context: dict[str, list[str]] | None = None


class BatchError(Struct):
    status: Literal["error"]
    category: str
    message: str
    context: dict[str, list[str]]


class BatchResponse(Struct):
    status: Literal["COMPLETE"]
    results: list[SimplePublicObject]
    startedAt: str
    completedAt: str


class UpsertedObject(Struct, omit_defaults=True):
    """A record an upsert wrote; ``new`` when the upsert created it."""

    id: str
    properties: dict[str, str | None]
    createdAt: str
    updatedAt: str
    archived: bool
    new: bool
    propertiesWithHistory: dict[str, list[ValueWithTimestamp]] | None = None
    archivedAt: str | None = None


class BatchUpsertResponse(Struct):
    status: Literal["COMPLETE"]
    results: list[UpsertedObject]
    startedAt: str
    completedAt: str


class BatchResponseWithErrors(Struct):
    status: Literal["COMPLETE"]
    results: list[SimplePublicObject]
    numErrors: int
    errors: list[BatchError]
    startedAt: str
    completedAt: str


class OptionOut(Struct):
    label: str
    value: str
    displayOrder: int
    hidden: bool
    description: str


class ModificationMetadata(Struct):
    archivable: bool
    readOnlyDefinition: bool
    readOnlyValue: bool


class Property(Struct, omit_defaults=True):
    name: str
    label: str
    type: str
    fieldType: str
    description: str
    groupName: str
    options: list[OptionOut]
    displayOrder: int
    calculated: bool
    externalOptions: bool
    hasUniqueValue: bool
    hidden: bool
    hubspotDefined: bool
    modificationMetadata: ModificationMetadata
    formField: bool
    dataSensitivity: str
    createdAt: str | None = None
    updatedAt: str | None = None
    archived: bool | None = None
    archivedAt: str | None = None
    referencedObjectType: str | None = None


class PropertyCollection(Struct):
    results: list[Property]


class BatchPropertyResponse(Struct):
    status: Literal["COMPLETE"]
    results: list[Property]
    startedAt: str
    completedAt: str


class BatchPropertyResponseWithErrors(Struct):
    status: Literal["COMPLETE"]
    results: list[Property]
    numErrors: int
    errors: list[BatchError]
    startedAt: str
    completedAt: str


class PropertyGroup(Struct):
    name: str
    label: str
    displayOrder: int
    archived: bool


class PropertyGroupCollection(Struct):
    results: list[PropertyGroup]


class StageOut(Struct, omit_defaults=True):
    label: str
    displayOrder: int
    metadata: dict[str, str]
    id: str
    createdAt: str
    updatedAt: str
    archived: bool
    writePermissions: Literal["CRM_PERMISSIONS_ENFORCEMENT", "INTERNAL_ONLY", "READ_ONLY"]
    archivedAt: str | None = None


class Pipeline(Struct, omit_defaults=True):
    label: str
    displayOrder: int
    id: str
    stages: list[StageOut]
    createdAt: str
    updatedAt: str
    archived: bool
    archivedAt: str | None = None


class PipelineCollection(Struct):
    results: list[Pipeline]


# -- pipelines: requests, stages, audits ---------------------------------------------


class PipelineStageInput(Struct, forbid_unknown_fields=True):
    """A stage to create, or to replace; in a pipeline replace, ``stageId`` names a
    stage to keep (else the stage with the same label is kept)."""

    label: Label
    displayOrder: Int32
    metadata: dict[str, str]
    stageId: str | None = None


class PipelineInput(Struct, forbid_unknown_fields=True):
    """A pipeline to create, or to replace; ``pipelineId`` is accepted and ignored (Spoke
    gives every new pipeline a numeric id)."""

    label: Label
    displayOrder: Int32
    stages: Annotated[list[PipelineStageInput], Meta(max_length=MAX_STAGES)]
    pipelineId: str | None = None


class PipelinePatchInput(Struct, forbid_unknown_fields=True):
    """A partial update: absent (or ``null``) fields keep their value; ``archived: false``
    restores a deleted pipeline."""

    label: Label | None = None
    displayOrder: Int32 | None = None
    archived: bool | None = None


class PipelineStagePatchInput(Struct, forbid_unknown_fields=True):
    """A partial update: absent (or ``null``) fields keep their value; ``archived: false``
    restores a deleted stage."""

    label: Label | None = None
    displayOrder: Int32 | None = None
    metadata: dict[str, str] | None = None
    archived: bool | None = None


class StageCollection(Struct):
    results: list[StageOut]


class PublicAuditInfo(Struct):
    """One change: ``rawObject`` is the pipeline (or stage) as the change left it."""

    identifier: str
    action: str
    portalId: int
    timestamp: str
    rawObject: dict[str, Any]


class AuditCollection(Struct):
    results: list[PublicAuditInfo]


# -- search -------------------------------------------------------------------------


class SearchFilter(Struct, omit_defaults=True):
    propertyName: str
    operator: str
    value: PropertyValue = None
    values: list[PropertyValue] | None = None
    highValue: PropertyValue = None


class SearchFilterGroup(Struct):
    filters: list[SearchFilter]


class SearchSort(Struct):
    propertyName: str
    direction: Literal["ASCENDING", "DESCENDING"] = "ASCENDING"


class SearchRequest(Struct, omit_defaults=True, forbid_unknown_fields=True):
    """HubSpot's PublicObjectSearchRequest. A sort is ``{propertyName, direction}``, or a
    property name alone (ascending; ``-name`` for descending), as the SDKs' list of
    strings allows. ``filters`` is the older form of one filter group, which HubSpot
    still takes."""

    filterGroups: list[SearchFilterGroup] | None = None
    filters: list[SearchFilter] | None = None
    query: str | None = None
    sorts: list[SearchSort | str] | None = None
    properties: list[str] | None = None
    limit: int | None = None
    after: str | int | None = None


class SearchResponse(Struct, omit_defaults=True):
    """A page of search results; ``paging`` only when another page follows."""

    total: int
    results: list[SimplePublicObject]
    paging: ForwardPaging | None = None


class ObjectSchemaCollection(Struct):
    """HubSpot's ``CollectionResponseObjectSchemaNoPaging``: the portal's custom object
    schemas (Spoke has none)."""

    results: list[dict[str, Any]]
