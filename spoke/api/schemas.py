"""Request and response bodies, with HubSpot's field names.

Requests are decoded into these Structs (msgspec validates them). Responses are
encoded from plain dicts for speed; their Structs here describe them for the
OpenAPI document, and the tests decode real responses with them to keep both equal.
"""

from __future__ import annotations

from typing import Annotated, Literal

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
    """One input of a batch update or upsert: the ticket (by id, or by the value of
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


class OptionInput(Struct):
    label: str
    value: str
    hidden: bool = False
    description: str = ""
    displayOrder: Int32 = -1


Int32 = Annotated[int, Meta(ge=-(2**31), le=2**31 - 1)]
PropertyName = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=100)]


class PropertyCreate(Struct):
    name: PropertyName
    label: str
    type: Literal["string", "number", "bool", "date", "datetime", "enumeration", "phone_number"]
    fieldType: str
    groupName: str
    description: str = ""
    options: list[OptionInput] = []
    displayOrder: Int32 = -1
    hasUniqueValue: bool = False
    hidden: bool = False
    formField: bool = False
    externalOptions: bool = False


# -- responses (documentation and tests) -------------------------------------------


class ValueWithTimestamp(Struct, omit_defaults=True):
    value: str
    timestamp: str
    sourceType: str
    sourceId: str | None = None


class Ticket(Struct, omit_defaults=True):
    id: str
    properties: dict[str, str | None]
    createdAt: str
    updatedAt: str
    archived: bool
    propertiesWithHistory: dict[str, list[ValueWithTimestamp]] | None = None
    archivedAt: str | None = None


class NextPage(Struct, omit_defaults=True):
    after: str
    link: str | None = None


class ForwardPaging(Struct):
    next: NextPage


class TicketPage(Struct, omit_defaults=True):
    """A page of a list: ``paging`` only when another page follows."""

    results: list[Ticket]
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
    results: list[Ticket]
    startedAt: str
    completedAt: str


class UpsertedTicket(Struct, omit_defaults=True):
    """A ticket an upsert wrote; ``new`` when the upsert created it."""

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
    results: list[UpsertedTicket]
    startedAt: str
    completedAt: str


class BatchResponseWithErrors(Struct):
    status: Literal["COMPLETE"]
    results: list[Ticket]
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


class PropertyCollection(Struct):
    results: list[Property]


class StageOut(Struct):
    label: str
    displayOrder: int
    metadata: dict[str, str]
    id: str
    createdAt: str
    updatedAt: str
    archived: bool


class Pipeline(Struct):
    label: str
    displayOrder: int
    id: str
    stages: list[StageOut]
    createdAt: str
    updatedAt: str
    archived: bool


class PipelineCollection(Struct):
    results: list[Pipeline]
