"""The owners API's bodies, for Spoke's OpenAPI document (HubSpot's ``PublicOwner``,
``PublicTeam`` and ``CollectionResponsePublicOwnerForwardPaging``)."""

from __future__ import annotations

from msgspec import Struct

from spoke.api.schemas import ForwardPaging


class PublicTeam(Struct):
    id: str
    name: str
    primary: bool


class PublicOwner(Struct, omit_defaults=True):
    id: str
    email: str
    type: str
    firstName: str
    lastName: str
    userId: int | None
    userIdIncludingInactive: int
    createdAt: str
    updatedAt: str
    archived: bool
    teams: list[PublicTeam] | None = None


class OwnerPage(Struct, omit_defaults=True):
    results: list[PublicOwner]
    paging: ForwardPaging | None = None
