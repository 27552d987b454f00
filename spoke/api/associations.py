"""HTTP endpoints of the associations APIs: v4 per record (``/crm/v4/objects/{objectType}/
{objectId}/associations/...``) and in batches (``/crm/v4/associations/{from}/{to}/...``),
the labels API, and v3 (``/crm/v3/associations/{from}/{to}/batch/...`` and
``/crm/v3/objects/{objectType}/{objectId}/associations/{toObjectType}``).

The path's first object type is resolved (with its scopes) by the route table; the other
(``{to_object_type}``) here, by any name of a served type.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from spoke.api import association_encode as encode
from spoke.api import association_schemas as bodies
from spoke.api import schemas
from spoke.api.http import decode_body, empty_response, json_response, link_with_query
from spoke.api.operation import TO_OBJECT_TYPE_PARAMETER
from spoke.domain.associations.definitions import AssociationDefinitions
from spoke.domain.associations.labels import LabelEditor
from spoke.domain.associations.reads import INLINE_PAGE_SIZE, AssociationPage, AssociationReader
from spoke.domain.associations.writes import AssociationWriter, Link
from spoke.domain.instants import now_ms
from spoke.domain.object_types import ObjectType, ObjectTypes
from spoke.errors import ValidationError
from spoke.store.base import Store, TokenRecord


class AssociationEndpoints:
    """The endpoints of one family of the API; ``ids`` says how its results write record
    ids (v4's numbers, or its dated successor's strings)."""

    def __init__(self, store: Store, object_types: ObjectTypes, ids: bodies.ResultIds) -> None:
        self._store = store
        self._object_types = object_types
        self.ids = ids
        self._reader = AssociationReader(store, object_types)
        self._writer = AssociationWriter(store)
        self._labels = LabelEditor(store)

    def _to_type(self, request: Request) -> ObjectType:
        return self._object_types.resolve(request.path_params[TO_OBJECT_TYPE_PARAMETER])

    # -- one record (v4, and its dated successor) --------------------------------------

    async def list_page(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        page, link = self._page(request, object_type)
        return json_response(encode.v4_page(page, link, self.ids.record_id))

    async def v3_list_page(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        page, link = self._page(request, object_type)
        return json_response(encode.v3_page(page, link))

    def _page(
        self, request: Request, object_type: ObjectType
    ) -> tuple[AssociationPage, str | None]:
        """The page of the path's record's associations that the query asks for, and the
        URL of the next page, if one follows."""
        page = self._reader.page(
            object_type,
            request.path_params["object_id"],
            self._to_type(request),
            request.query_params.get("after"),
            request.query_params.get("limit") or None,
        )
        link = link_with_query(request, "after", page.next_after) if page.next_after else None
        return page, link

    async def create_labelled(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        specs = await decode_body(request, list[schemas.AssociationSpec])
        to_type = self._to_type(request)
        link = Link(
            request.path_params["object_id"],
            request.path_params["to_object_id"],
            tuple((s.associationCategory, s.associationTypeId) for s in specs),
        )
        (linked,) = self._writer.replace(object_type, to_type, [link])
        return json_response(
            encode.labels_between(object_type, to_type, linked, self.ids.record_id), 201
        )

    async def create_default(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        started = now_ms()
        link = Link(request.path_params["object_id"], request.path_params["to_object_id"])
        return self._defaults(object_type, self._to_type(request), [link], started)

    async def archive(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        link = Link(request.path_params["object_id"], request.path_params["to_object_id"])
        self._writer.clear(object_type, self._to_type(request), [link])
        return empty_response()

    # -- batches (v4) ---------------------------------------------------------------------

    async def batch_read(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        started = now_ms()
        body = await decode_body(request, bodies.BatchFetchAssociations)
        to_type = self._to_type(request)
        found = self._reader.batch(
            object_type, to_type, [(str(i.id), i.after or None) for i in body.inputs]
        )
        times = (started, now_ms())
        content, status = encode.batch_read(found, object_type, to_type, times, self.ids.record_id)
        return json_response(content, status)

    async def batch_create(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        started = now_ms()
        body = await decode_body(request, bodies.BatchAssociationPost)
        to_type = self._to_type(request)
        linked = self._writer.replace(object_type, to_type, _links(body.inputs))
        times = (started, now_ms())
        content = encode.batch_labels_between(
            object_type, to_type, linked, times, self.ids.record_id
        )
        return json_response(content, 201)

    async def batch_create_default(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        started = now_ms()
        body = await decode_body(request, bodies.BatchDefaultAssociationPost)
        links = [Link(str(i.from_.id), str(i.to.id)) for i in body.inputs]
        return self._defaults(object_type, self._to_type(request), links, started)

    async def batch_archive(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, bodies.BatchAssociationArchive)
        links = [Link(str(i.from_.id), str(to.id)) for i in body.inputs for to in i.to]
        self._writer.clear(object_type, self._to_type(request), links)
        return empty_response()

    async def batch_archive_labels(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, bodies.BatchAssociationPost)
        self._writer.remove(object_type, self._to_type(request), _links(body.inputs))
        return empty_response()

    def _defaults(
        self, from_type: ObjectType, to_type: ObjectType, links: list[Link], started: int
    ) -> Response:
        linked = self._writer.add(from_type, to_type, links)
        definitions = AssociationDefinitions()
        forward = definitions.default(from_type.type_id, to_type.type_id)
        backward = definitions.default(to_type.type_id, from_type.type_id)
        assert forward is not None and backward is not None  # the write checked the pair
        pairs = [(one, forward, backward) for one in linked]
        return json_response(encode.default_associations(pairs, (started, now_ms())))

    # -- labels ---------------------------------------------------------------------------

    async def list_labels(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        types = self._labels.between(object_type, self._to_type(request))
        return json_response({"results": encode.association_types(types)})

    async def create_label(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, bodies.LabelCreate)
        created = self._labels.create(
            object_type, self._to_type(request), body.name, body.label, body.inverseLabel
        )
        return json_response({"results": encode.association_types(created)})

    async def update_label(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, bodies.LabelUpdate)
        self._labels.update(
            object_type,
            self._to_type(request),
            body.associationTypeId,
            body.label,
            body.inverseLabel,
        )
        return empty_response()

    async def delete_label(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        raw = request.path_params["association_type_id"]
        if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
            raise ValidationError(f"Invalid associationTypeId '{raw}': it is a whole number")
        self._labels.delete(object_type, self._to_type(request), int(raw))
        return empty_response()

    # -- v3 batches -----------------------------------------------------------------------

    async def v3_batch_read(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        started = now_ms()
        body = await decode_body(request, bodies.BatchV3Read)
        to_type = self._to_type(request)
        found = self._reader.batch(
            object_type, to_type, [(str(i.id), None) for i in body.inputs], INLINE_PAGE_SIZE
        )
        content, status = encode.batch_read(found, object_type, to_type, (started, now_ms()), None)
        return json_response(content, status)

    async def v3_batch_create(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        started = now_ms()
        body = await decode_body(request, bodies.BatchV3Associations)
        links = [(str(i.from_.id), str(i.to.id), i.type) for i in body.inputs]
        created = self._writer.add_by_name(object_type, self._to_type(request), links)
        return json_response(encode.v3_created(created, (started, now_ms())), 201)

    async def v3_batch_archive(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, bodies.BatchV3Associations)
        links = [(str(i.from_.id), str(i.to.id), i.type) for i in body.inputs]
        self._writer.remove_by_name(object_type, self._to_type(request), links)
        return empty_response()


def _links(inputs: list[bodies.AssociationPost]) -> list[Link]:
    return [
        Link(
            str(i.from_.id),
            str(i.to.id),
            tuple((t.associationCategory, t.associationTypeId) for t in i.types),
        )
        for i in inputs
    ]
