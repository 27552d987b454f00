"""HTTP endpoints of the tickets object API (``/crm/v3/objects/{objectType}``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from spoke.api import encode, schemas
from spoke.api.http import (
    decode_body,
    empty_response,
    json_response,
    link_with_query,
    query_bool,
    query_list,
)
from spoke.api.hubspot_paths import check_hubspot_path
from spoke.domain.instants import now_ms
from spoke.domain.merge import TicketMerger
from spoke.domain.object_types import TICKET_OBJECT_TYPES, require_tickets
from spoke.domain.reads import TicketReader
from spoke.domain.writes import TicketUpdate, TicketWriter, WriteSource
from spoke.errors import ObjectNotFound, ValidationError
from spoke.store.base import TokenRecord


class TicketEndpoints:
    def __init__(self, reader: TicketReader, writer: TicketWriter, merger: TicketMerger) -> None:
        self._reader = reader
        self._writer = writer
        self._merger = merger

    async def batch_read(self, request: Request, token: TokenRecord) -> Response:
        started = now_ms()
        archived = query_bool(request, "archived")
        body = await decode_body(request, schemas.BatchReadRequest)
        result = self._reader.batch_read(
            [str(i.id) for i in body.inputs or ()],
            body.properties or (),
            body.propertiesWithHistory or (),
            body.idProperty,
            archived,
        )
        content, status = encode.batch(result.records, result.missing, started, now_ms())
        return json_response(content, status)

    async def list_page(self, request: Request, token: TokenRecord) -> Response:
        page = self._reader.list_page(
            request.query_params.get("after") or None,
            request.query_params.get("limit") or None,
            query_list(request, "properties"),
            query_list(request, "propertiesWithHistory"),
            query_bool(request, "archived"),
        )
        next_page = None
        if page.next_after is not None:
            next_page = (page.next_after, link_with_query(request, "after", page.next_after))
        return json_response(encode.page(page.records, next_page))

    async def get(self, request: Request, token: TokenRecord) -> Response:
        record = self._reader.get(
            request.path_params["ticket_id"],
            query_list(request, "properties"),
            query_list(request, "propertiesWithHistory"),
            request.query_params.get("idProperty") or None,
            query_bool(request, "archived"),
        )
        if record is None:
            raise ObjectNotFound()
        return json_response(encode.ticket(record))

    async def create(self, request: Request, token: TokenRecord) -> Response:
        body = await decode_body(request, schemas.CreateInput)
        _refuse_associations([body])
        (record,) = self._writer.create([body.properties], WriteSource.integration(token.app_id))
        return json_response(encode.ticket(record), 201)

    async def update(self, request: Request, token: TokenRecord) -> Response:
        body = await decode_body(request, schemas.UpdateInput)
        update = TicketUpdate(request.path_params["ticket_id"], body.properties)
        try:
            (record,) = self._writer.update(
                [update],
                WriteSource.integration(token.app_id),
                request.query_params.get("idProperty") or None,
            )
        except ObjectNotFound:
            raise ObjectNotFound() from None
        return json_response(encode.ticket(record))

    async def archive(self, request: Request, token: TokenRecord) -> Response:
        self._writer.archive([request.path_params["ticket_id"]])
        return empty_response()

    async def batch_create(self, request: Request, token: TokenRecord) -> Response:
        started = now_ms()
        body = await decode_body(request, schemas.BatchCreateRequest)
        _refuse_associations(body.inputs)
        records = self._writer.create(
            [i.properties for i in body.inputs], WriteSource.integration(token.app_id)
        )
        content, _ = encode.batch(records, [], started, now_ms())
        return json_response(content, 201)

    async def batch_update(self, request: Request, token: TokenRecord) -> Response:
        started = now_ms()
        body = await decode_body(request, schemas.BatchUpdateRequest)
        id_properties = {i.idProperty for i in body.inputs}
        if len(id_properties) > 1:
            raise ValidationError("All inputs of a batch update must use the same idProperty")
        records = self._writer.update(
            [TicketUpdate(str(i.id), i.properties) for i in body.inputs],
            WriteSource.integration(token.app_id),
            id_properties.pop() if id_properties else None,
        )
        content, status = encode.batch(records, [], started, now_ms())
        return json_response(content, status)

    async def batch_upsert(self, request: Request, token: TokenRecord) -> Response:
        started = now_ms()
        body = await decode_body(request, schemas.BatchUpsertRequest)
        id_properties = {i.idProperty for i in body.inputs}
        if None in id_properties:
            raise ValidationError("Every input of a batch upsert must name its idProperty")
        if len(id_properties) > 1:
            raise ValidationError("All inputs of a batch upsert must use the same idProperty")
        if not body.inputs:
            return json_response(encode.upsert_batch([], started, now_ms()))
        (id_property,) = id_properties
        assert id_property is not None
        results = self._writer.upsert(
            [TicketUpdate(str(i.id), i.properties) for i in body.inputs],
            WriteSource.integration(token.app_id),
            id_property,
        )
        return json_response(encode.upsert_batch(results, started, now_ms()))

    async def batch_archive(self, request: Request, token: TokenRecord) -> Response:
        body = await decode_body(request, schemas.BatchArchiveRequest)
        self._writer.archive([str(i.id) for i in body.inputs])
        return empty_response()

    async def merge(self, request: Request, token: TokenRecord) -> Response:
        body = await decode_body(request, schemas.MergeInput)
        record = self._merger.merge(
            str(body.primaryObjectId), str(body.objectIdToMerge), token.app_id
        )
        return json_response(encode.ticket(record))


def _refuse_associations(inputs: list[schemas.CreateInput]) -> None:
    if any(i.associations for i in inputs):
        raise ValidationError(
            "Spoke does not support associations yet; send the ticket without associations"
        )


def require_ticket_path(request: Request, token: TokenRecord) -> None:
    """Refuses a request whose path names an object type other than tickets: HubSpot's
    400 or 403 first (a type it does not have, or one the token has no scope for), then
    Spoke's 404 for a type it does not serve."""
    object_type = request.path_params["object_type"]
    if object_type not in TICKET_OBJECT_TYPES:
        check_hubspot_path(request, token)
    require_tickets(object_type)
