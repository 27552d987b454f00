"""Request and response bodies of the associations APIs (v4, v3 and labels), with
HubSpot's field names. Requests are decoded into these Structs; responses are encoded from
plain dicts (:mod:`spoke.api.association_encode`) and described here for the OpenAPI
document and the tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Generic, Literal, TypeVar

from msgspec import Meta, Struct, field

from spoke.api.schemas import AssociatedId, AssociationSpec, ForwardPaging, Id, ObjectId

#: Association label names (HubSpot's internal ``name`` of a definition).
LabelName = Annotated[str, Meta(min_length=1, max_length=100)]
NonEmptyLabel = Annotated[str, Meta(min_length=1, max_length=1_000)]
Int32 = Annotated[int, Meta(ge=-(2**31), le=2**31 - 1)]

# -- requests ---------------------------------------------------------------------------


class AssociationPost(Struct):
    """One input of a v4 batch create, or of a labels archive: two records, the types."""

    from_: ObjectId = field(name="from")
    to: ObjectId
    types: list[AssociationSpec]


class BatchAssociationPost(Struct):
    inputs: list[AssociationPost]


class DefaultAssociationPost(Struct):
    from_: ObjectId = field(name="from")
    to: ObjectId


class BatchDefaultAssociationPost(Struct):
    inputs: list[DefaultAssociationPost]


class AssociationArchive(Struct):
    from_: ObjectId = field(name="from")
    to: list[ObjectId]


class BatchAssociationArchive(Struct):
    inputs: list[AssociationArchive]


class FetchAssociations(Struct):
    """One input of a v4 batch read: a record, and where its page starts (``after``)."""

    id: Id
    after: str | None = None


class BatchFetchAssociations(Struct):
    inputs: list[FetchAssociations]


class V3Association(Struct):
    """One input of a v3 batch create or archive: two records and a v3 type name."""

    from_: ObjectId = field(name="from")
    to: ObjectId
    type: str


class BatchV3Associations(Struct):
    inputs: list[V3Association]


class BatchV3Read(Struct):
    inputs: list[ObjectId]


class LabelCreate(Struct):
    label: NonEmptyLabel
    name: LabelName
    inverseLabel: NonEmptyLabel | None = None


class LabelUpdate(Struct):
    associationTypeId: Int32
    label: NonEmptyLabel
    inverseLabel: NonEmptyLabel | None = None


# -- responses (documentation and tests) ------------------------------------------------


class AssociationSpecWithLabel(Struct):
    category: str
    typeId: int
    label: str | None


class AssociationTypes(Struct):
    """The labels API's list of association types (HubSpot's ``NoPaging`` collection)."""

    results: list[AssociationSpecWithLabel]


#: How association results write a record's id: v4 as a number, its dated successor
#: (2026-03) as a string.
RecordIdT = TypeVar("RecordIdT", int, str)


class MultiAssociatedObjectWithLabel(Struct, Generic[RecordIdT]):
    toObjectId: RecordIdT
    associationTypes: list[AssociationSpecWithLabel]


class AssociationPage(Struct, Generic[RecordIdT], omit_defaults=True):
    """A page of a record's associations (v4): ``paging`` only when another page follows."""

    results: list[MultiAssociatedObjectWithLabel[RecordIdT]]
    paging: ForwardPaging | None = None


class RecordId(Struct):
    id: str


class AssociationsOfRecord(Struct, Generic[RecordIdT], omit_defaults=True):
    from_: RecordId = field(name="from")
    to: list[MultiAssociatedObjectWithLabel[RecordIdT]]
    paging: ForwardPaging | None = None


class NoAssociations(Struct):
    """A 207 entry: a record with no associations of the type (or no such record)."""

    status: Literal["error"]
    category: str
    subCategory: str
    message: str
    context: dict[str, list[str]]


class BatchAssociations(Struct, Generic[RecordIdT]):
    status: Literal["COMPLETE"]
    results: list[AssociationsOfRecord[RecordIdT]]
    startedAt: str
    completedAt: str


class BatchAssociationsWithErrors(Struct, Generic[RecordIdT]):
    status: Literal["COMPLETE"]
    results: list[AssociationsOfRecord[RecordIdT]]
    numErrors: int
    errors: list[NoAssociations]
    startedAt: str
    completedAt: str


class LabelsBetweenObjectPair(Struct, Generic[RecordIdT]):
    fromObjectTypeId: str
    fromObjectId: RecordIdT
    toObjectTypeId: str
    toObjectId: RecordIdT
    labels: list[str]


class BatchLabelsBetweenObjectPairs(Struct, Generic[RecordIdT]):
    status: Literal["COMPLETE"]
    results: list[LabelsBetweenObjectPair[RecordIdT]]
    startedAt: str
    completedAt: str


class DefaultAssociation(Struct):
    from_: RecordId = field(name="from")
    to: RecordId
    associationSpec: AssociationSpec


class BatchDefaultAssociations(Struct):
    status: Literal["COMPLETE"]
    results: list[DefaultAssociation]
    startedAt: str
    completedAt: str


class V3AssociationsOfRecord(Struct, omit_defaults=True):
    from_: RecordId = field(name="from")
    to: list[AssociatedId]
    paging: ForwardPaging | None = None


class BatchV3AssociationsRead(Struct):
    status: Literal["COMPLETE"]
    results: list[V3AssociationsOfRecord]
    startedAt: str
    completedAt: str


class BatchV3AssociationsReadWithErrors(Struct):
    status: Literal["COMPLETE"]
    results: list[V3AssociationsOfRecord]
    numErrors: int
    errors: list[NoAssociations]
    startedAt: str
    completedAt: str


class V3AssociationOut(Struct):
    from_: RecordId = field(name="from")
    to: RecordId
    type: str


class BatchV3AssociationsCreated(Struct):
    status: Literal["COMPLETE"]
    results: list[V3AssociationOut]
    startedAt: str
    completedAt: str


# -- the two ways of writing record ids --------------------------------------------------


@dataclass(frozen=True)
class ResultIds:
    """How one family of the associations API writes record ids in its results, and the
    shapes of those results. v4 writes them as numbers; its dated successor (2026-03) as
    strings, as HubSpot's 2026-03 API documents them (and ``hubspot-sdk`` checks)."""

    record_id: Callable[[int], int | str]
    page: type[Struct]
    batch: type[Struct]
    batch_with_errors: type[Struct]
    labels_between: type[Struct]
    batch_labels_between: type[Struct]


NUMBER_IDS = ResultIds(
    int,
    AssociationPage[int],
    BatchAssociations[int],
    BatchAssociationsWithErrors[int],
    LabelsBetweenObjectPair[int],
    BatchLabelsBetweenObjectPairs[int],
)
STRING_IDS = ResultIds(
    str,
    AssociationPage[str],
    BatchAssociations[str],
    BatchAssociationsWithErrors[str],
    LabelsBetweenObjectPair[str],
    BatchLabelsBetweenObjectPairs[str],
)
