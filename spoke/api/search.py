"""HTTP endpoint of search (``POST /crm/v3/objects/{objectType}/search``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from spoke.api import encode, schemas
from spoke.api.http import decode_body, json_response
from spoke.domain.object_types import ObjectType
from spoke.domain.search import Filter, ObjectSearch, SearchRequest, Sort
from spoke.domain.values import RawValue, as_text
from spoke.store.base import TokenRecord


class SearchEndpoints:
    def __init__(self, search: ObjectSearch) -> None:
        self._search = search

    async def search(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.SearchRequest)
        page = self._search.search(object_type, _request(body))
        return json_response(encode.search_page(page.total, page.records, page.next_after))


def _request(body: schemas.SearchRequest) -> SearchRequest:
    groups = [group.filters for group in body.filterGroups or ()]
    if body.filters:
        groups.append(body.filters)
    return SearchRequest(
        filter_groups=tuple(tuple(_filter(f) for f in group) for group in groups),
        query=body.query,
        sorts=tuple(_sort(s) for s in body.sorts or ()),
        properties=tuple(body.properties or ()),
        limit=body.limit,
        after=None if body.after is None else str(body.after),
    )


def _filter(given: schemas.SearchFilter) -> Filter:
    return Filter(
        property_name=given.propertyName,
        operator=given.operator,
        value=_text(given.value),
        values=None if given.values is None else tuple(as_text(v) for v in given.values),
        high_value=_text(given.highValue),
    )


def _text(value: RawValue) -> str | None:
    return None if value is None else as_text(value)


def _sort(given: schemas.SearchSort | str) -> Sort:
    if isinstance(given, str):
        name = given.removeprefix("-")
        return Sort(name, descending=name != given)
    return Sort(given.propertyName, descending=given.direction == "DESCENDING")
