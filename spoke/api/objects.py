"""HTTP endpoints of the objects API of every object type (``/crm/v3/objects/{objectType}``)."""

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
from spoke.domain.instants import now_ms
from spoke.domain.merge import ObjectMerger
from spoke.domain.object_types import ObjectType
from spoke.domain.reads import ObjectReader
from spoke.domain.writes import ObjectUpdate, ObjectWriter, WriteSource
from spoke.errors import ObjectNotFound, ValidationError
from spoke.store.base import TokenRecord


class ObjectEndpoints:
    def __init__(self, reader: ObjectReader, writer: ObjectWriter, merger: ObjectMerger) -> None:
        self._reader = reader
        self._writer = writer
        self._merger = merger

    async def batch_read(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        started = now_ms()
        archived = query_bool(request, "archived")
        body = await decode_body(request, schemas.BatchReadRequest)
        result = self._reader.batch_read(
            object_type,
            [str(i.id) for i in body.inputs or ()],
            body.properties or (),
            body.propertiesWithHistory or (),
            id_property=body.idProperty,
            archived=archived,
        )
        content, status = encode.batch(
            object_type, result.records, result.missing, started, now_ms()
        )
        return json_response(content, status)

    async def list_page(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        page = self._reader.list_page(
            object_type,
            request.query_params.get("after") or None,
            request.query_params.get("limit") or None,
            query_list(request, "properties"),
            query_list(request, "propertiesWithHistory"),
            archived=query_bool(request, "archived"),
        )
        next_page = None
        if page.next_after is not None:
            next_page = (page.next_after, link_with_query(request, "after", page.next_after))
        return json_response(encode.page(page.records, next_page))

    async def get(self, request: Request, token: TokenRecord, object_type: ObjectType) -> Response:
        record = self._reader.get(
            object_type,
            request.path_params["object_id"],
            query_list(request, "properties"),
            query_list(request, "propertiesWithHistory"),
            id_property=request.query_params.get("idProperty") or None,
            archived=query_bool(request, "archived"),
        )
        if record is None:
            raise ObjectNotFound()
        return json_response(encode.record(record))

    async def create(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.CreateInput)
        _refuse_associations(object_type, [body])
        source = WriteSource.integration(token.app_id)
        (record,) = self._writer.create(object_type, [body.properties], source)
        return json_response(encode.record(record), 201)

    async def update(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.UpdateInput)
        update = ObjectUpdate(request.path_params["object_id"], body.properties)
        try:
            (record,) = self._writer.update(
                object_type,
                [update],
                WriteSource.integration(token.app_id),
                request.query_params.get("idProperty") or None,
            )
        except ObjectNotFound:
            raise ObjectNotFound() from None
        return json_response(encode.record(record))

    async def archive(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        self._writer.archive(object_type, [request.path_params["object_id"]])
        return empty_response()

    async def batch_create(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        started = now_ms()
        body = await decode_body(request, schemas.BatchCreateRequest)
        _refuse_associations(object_type, body.inputs)
        records = self._writer.create(
            object_type, [i.properties for i in body.inputs], WriteSource.integration(token.app_id)
        )
        content, _ = encode.batch(object_type, records, [], started, now_ms())
        return json_response(content, 201)

    async def batch_update(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        started = now_ms()
        body = await decode_body(request, schemas.BatchUpdateRequest)
        id_properties = {i.idProperty for i in body.inputs}
        if len(id_properties) > 1:
            raise ValidationError("All inputs of a batch update must use the same idProperty")
        records = self._writer.update(
            object_type,
            [ObjectUpdate(str(i.id), i.properties) for i in body.inputs],
            WriteSource.integration(token.app_id),
            id_properties.pop() if id_properties else None,
        )
        content, status = encode.batch(object_type, records, [], started, now_ms())
        return json_response(content, status)

    async def batch_upsert(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
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
            object_type,
            [ObjectUpdate(str(i.id), i.properties) for i in body.inputs],
            WriteSource.integration(token.app_id),
            id_property,
        )
        return json_response(encode.upsert_batch(results, started, now_ms()))

    async def batch_archive(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.BatchArchiveRequest)
        self._writer.archive(object_type, [str(i.id) for i in body.inputs])
        return empty_response()

    async def merge(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.MergeInput)
        record = self._merger.merge(
            object_type, str(body.primaryObjectId), str(body.objectIdToMerge), token.app_id
        )
        return json_response(encode.record(record))


def _refuse_associations(object_type: ObjectType, inputs: list[schemas.CreateInput]) -> None:
    if any(i.associations for i in inputs):
        raise ValidationError(
            f"Spoke does not support associations yet; send the {object_type.singular} "
            "without associations"
        )
