"""HTTP endpoints of the objects API of every object type (``/crm/v3/objects/{objectType}``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from spoke.api import association_encode, encode, schemas
from spoke.api.http import (
    decode_body,
    empty_response,
    json_response,
    link_with_query,
    query_bool,
    query_list,
    raw_json_response,
)
from spoke.domain.associations.reads import AssociationReader
from spoke.domain.associations.writes import NewRecordLink
from spoke.domain.instants import now_ms
from spoke.domain.merge import ObjectMerger
from spoke.domain.object_types import ObjectType
from spoke.domain.reads import ObjectReader
from spoke.domain.records import ObjectRecord
from spoke.domain.writes import ObjectUpdate, ObjectWriter, WriteSource
from spoke.errors import ObjectNotFound, ValidationError, new_correlation_id
from spoke.store.base import TokenRecord


class ObjectEndpoints:
    def __init__(
        self,
        reader: ObjectReader,
        writer: ObjectWriter,
        merger: ObjectMerger,
        associations: AssociationReader,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._merger = merger
        self._associations = associations

    async def batch_read(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        started = now_ms()
        archived = query_bool(request, "archived")
        body = await decode_body(request, schemas.BatchReadRequest)
        inputs = [str(i.id) for i in body.inputs or ()]
        properties = body.properties or ()
        with_history = body.propertiesWithHistory or ()
        read = self._reader.batch_read_answers(
            object_type,
            inputs,
            properties,
            with_history,
            id_property=body.idProperty,
            archived=archived,
            encode=encode.answers,
        )
        if read is not None:
            encoded, status = encode.answers_batch(object_type, read, started, now_ms())
            return raw_json_response(encoded, status, new_correlation_id())
        result = self._reader.batch_read(
            object_type,
            inputs,
            properties,
            with_history,
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
        body = encode.page(page.records, next_page)
        self._add_associations(request, object_type, page.records, body["results"])
        return json_response(body)

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
        body = encode.record(record)
        self._add_associations(request, object_type, [record], [body])
        return json_response(body)

    def _add_associations(
        self,
        request: Request,
        object_type: ObjectType,
        records: list[ObjectRecord],
        bodies: list[encode.Json],
    ) -> None:
        """The records' associations with the types ``associations=`` names, as HubSpot
        adds them to object reads (a type a record has none with is left out)."""
        names = query_list(request, "associations")
        if not names or not records:
            return
        found = self._associations.inline(object_type, [r.id for r in records], names)
        base = str(request.base_url).rstrip("/")
        for record, body in zip(records, bodies, strict=True):
            pages = found.get(record.id)
            if pages:

                def link(to_type: ObjectType, after: str, record_id: int = record.id) -> str:
                    return (
                        f"{base}/crm/v3/objects/{object_type.name}/{record_id}/associations/"
                        f"{to_type.name}?after={after}"
                    )

                body["associations"] = association_encode.inline(pages, link)

    async def create(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.CreateInput)
        source = WriteSource.integration(token.app_id)
        (record,) = self._writer.create(
            object_type, [body.properties], source, _new_record_links([body])
        )
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
        records = self._writer.create(
            object_type,
            [i.properties for i in body.inputs],
            WriteSource.integration(token.app_id),
            _new_record_links(body.inputs),
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


def _new_record_links(inputs: list[schemas.CreateInput]) -> list[list[NewRecordLink]]:
    """The associations each input of a create asks for."""
    return [
        [
            NewRecordLink(
                str(a.to.id),
                tuple((t.associationCategory, t.associationTypeId) for t in a.types),
            )
            for a in i.associations or ()
        ]
        for i in inputs
    ]
