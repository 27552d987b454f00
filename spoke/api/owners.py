"""HTTP endpoints of the owners API (``/crm/v3/owners``), and owners as HubSpot's JSON.

Read-only, as HubSpot's is; owners come from ``spoke owner create`` and the demo data.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from spoke.api.http import json_response, link_with_query, query_bool
from spoke.domain.catalogue import Catalogue
from spoke.domain.instants import format_instant
from spoke.domain.owners import Owner
from spoke.errors import ResourceNotFound, ValidationError
from spoke.store.base import TokenRecord

Json = dict[str, Any]

#: What ``idProperty`` may name on a read by id: the owner's id (the default) or its user's.
ID_PROPERTIES = ("id", "userId")


class OwnerEndpoints:
    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    async def list(self, request: Request, token: TokenRecord) -> Response:
        query = request.query_params
        page = self._catalogue.owners().page(
            after=query.get("after") or None,
            limit=query.get("limit") or None,
            email=query.get("email") or None,
            archived=query_bool(request, "archived"),
        )
        body: Json = {"results": [owner_json(o) for o in page.owners]}
        if page.next_after is not None:
            link = link_with_query(request, "after", page.next_after)
            body["paging"] = {"next": {"after": page.next_after, "link": link}}
        return json_response(body)

    async def get(self, request: Request, token: TokenRecord) -> Response:
        id_property = request.query_params.get("idProperty") or "id"
        if id_property not in ID_PROPERTIES:
            raise ValidationError(
                f"Invalid idProperty '{id_property}': an owner is read by id or userId"
            )
        owner_id = request.path_params["owner_id"]
        archived = query_bool(request, "archived")
        owner = self._catalogue.owners().find(
            owner_id, by_user_id=id_property == "userId", archived=archived
        )
        if owner is None:
            kind = "archived owner" if archived else "owner"
            raise ResourceNotFound(f"No {kind} has {id_property} {owner_id}")
        return json_response(owner_json(owner))


def owner_json(owner: Owner) -> Json:
    """An owner as HubSpot's ``PublicOwner``, keys in the order HubSpot sends them. An
    archived owner has no user any more: ``userId`` is null, its names are empty and it is
    in no team, as HubSpot shows deactivated users."""
    archived = owner.archived
    body: Json = {
        "id": str(owner.id),
        "email": owner.email,
        "type": owner.type,
        "firstName": "" if archived else owner.first_name,
        "lastName": "" if archived else owner.last_name,
        "userId": None if archived else owner.user_id,
        "userIdIncludingInactive": owner.user_id,
        "createdAt": format_instant(owner.created_at),
        "updatedAt": format_instant(owner.updated_at),
        "archived": archived,
    }
    if owner.teams and not archived:
        body["teams"] = [
            {"id": str(team.id), "name": team.name, "primary": team.primary} for team in owner.teams
        ]
    return body
