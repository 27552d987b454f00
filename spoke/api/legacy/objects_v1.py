"""HubSpot's CRM objects API v1 (``/crm-objects/v1/objects/{objectType}``): a page of
records by offset, a record by id, a batch of records by ids. The records are read as
the objects API v3 reads them (:class:`spoke.domain.reads.ObjectReader`) and shown in
v1's shape: each property with its value, when and by what it was set, and its versions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from spoke.api.http import decode_body, json_response, query_bool, query_list
from spoke.api.legacy import bodies
from spoke.api.ratelimit import PORTAL_ID
from spoke.domain.catalogue import Catalogue, Properties
from spoke.domain.object_types import ObjectType
from spoke.domain.properties import PropertyType
from spoke.domain.reads import MAX_PAGE_SIZE, ObjectReader
from spoke.domain.records import MAX_BATCH_INPUTS, ObjectRecord
from spoke.domain.values import epoch_ms
from spoke.errors import BatchTooLarge, ObjectNotFound, ValidationError
from spoke.store.base import HistoryEntry, TokenRecord

Json = dict[str, Any]

#: Records on a page when the request names no ``limit`` ("up to 100 per request").
DEFAULT_PAGE_SIZE = str(MAX_PAGE_SIZE)


class ObjectsV1Endpoints:
    def __init__(self, reader: ObjectReader, catalogue: Catalogue) -> None:
        self._reader = reader
        self._catalogue = catalogue

    async def page(self, request: Request, token: TokenRecord, object_type: ObjectType) -> Response:
        """Live records after ``offset`` (the last id of the previous page), in id order."""
        asked = _Asked.of(request)
        offset = _offset(request.query_params.get("offset"))
        page = self._reader.list_page(
            object_type,
            str(offset + 1),
            request.query_params.get("limit") or DEFAULT_PAGE_SIZE,
            asked.properties,
            asked.with_versions,
            archived=False,
            max_with_history=MAX_PAGE_SIZE,
        )
        encode = self._encoder(object_type, asked)
        return json_response(
            {
                "objects": [encode(r) for r in page.records],
                "hasMore": page.next_after is not None,
                "offset": page.records[-1].id if page.records else offset,
            }
        )

    async def get(self, request: Request, token: TokenRecord, object_type: ObjectType) -> Response:
        asked = _Asked.of(request)
        object_id = request.path_params["object_id"]
        found = self._read(object_type, [object_id], asked, query_bool(request, "includeDeletes"))
        if not found:
            raise ObjectNotFound()
        return json_response(self._encoder(object_type, asked)(found[0]))

    async def batch_read(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        """The records of ``ids`` that exist, by id; ids that name none are left out."""
        asked = _Asked.of(request)
        include_deleted = query_bool(request, "includeDeletes")
        body = await decode_body(request, bodies.ObjectIds)
        if len(body.ids) > MAX_BATCH_INPUTS:
            raise BatchTooLarge.for_inputs(MAX_BATCH_INPUTS)
        found = self._read(object_type, [str(i) for i in body.ids], asked, include_deleted)
        encode = self._encoder(object_type, asked)
        return json_response({str(r.id): encode(r) for r in found})

    def _read(
        self, object_type: ObjectType, ids: list[str], asked: _Asked, include_deleted: bool
    ) -> list[ObjectRecord]:
        """The live records ``ids`` name (archived ones too with ``include_deleted``), in
        id order."""
        found = self._reader.batch_read(
            object_type,
            ids,
            asked.properties,
            asked.with_versions,
            id_property=None,
            archived=False,
            max_with_history=MAX_BATCH_INPUTS,
        )
        records = found.records
        if include_deleted and found.missing:
            deleted = self._reader.batch_read(
                object_type,
                found.missing,
                asked.properties,
                asked.with_versions,
                id_property=None,
                archived=True,
                max_with_history=MAX_BATCH_INPUTS,
            )
            records = [*records, *deleted.records]
        return sorted(records, key=lambda r: r.id)

    def _encoder(self, object_type: ObjectType, asked: _Asked) -> _Encoder:
        return _Encoder(object_type, self._catalogue.current(object_type), asked)


class _Asked:
    """The properties a v1 read asks for: ``properties`` (their current version) and
    ``propertiesWithHistory`` (every version), each repeated or comma-separated."""

    def __init__(self, current: list[str], every: list[str]) -> None:
        self.properties = current
        self.every_version = frozenset(every)
        self.with_versions = list(dict.fromkeys([*current, *every]))

    @classmethod
    def of(cls, request: Request) -> _Asked:
        return cls(query_list(request, "properties"), query_list(request, "propertiesWithHistory"))


def _offset(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
        raise ValidationError(f"Invalid offset '{raw}': pass the offset of the previous page")
    return int(raw)


class _Encoder:
    """Records in v1's shape. Only the properties asked for that hold a value are shown
    (HubSpot: "properties with no value will never be included in a response"); dates
    and datetimes as epoch milliseconds, as v1 wrote them."""

    def __init__(self, object_type: ObjectType, catalogue: Properties, asked: _Asked) -> None:
        self._label = object_type.label
        self._asked = asked
        self._in_milliseconds = {
            d.name for d in catalogue.all() if d.type in (PropertyType.DATE, PropertyType.DATETIME)
        }

    def __call__(self, record: ObjectRecord) -> Json:
        history = record.history or {}
        properties: Json = {}
        for name in self._asked.with_versions:
            value = record.properties.get(name)
            if value:
                properties[name] = self._property(name, value, history.get(name, ()))
        return {
            "objectType": self._label,
            "portalId": PORTAL_ID,
            "objectId": record.id,
            "properties": properties,
            "isDeleted": record.archived_at is not None,
        }

    def _property(self, name: str, value: str, history: Sequence[HistoryEntry]) -> Json:
        versions = history if name in self._asked.every_version else history[:1]
        latest = history[0] if history else None
        return {
            "value": self._value(name, value),
            "timestamp": latest.timestamp if latest else 0,
            "source": latest.source_type if latest else "CALCULATED",
            "sourceId": latest.source_id if latest else None,
            "versions": [self._version(name, v) for v in versions],
        }

    def _version(self, name: str, entry: HistoryEntry) -> Json:
        version: Json = {
            "name": name,
            "value": self._value(name, entry.value),
            "timestamp": entry.timestamp,
            "source": entry.source_type,
            "sourceVid": [],
        }
        if entry.source_id is not None:
            version["sourceId"] = entry.source_id
        return version

    def _value(self, name: str, value: str) -> str:
        if name not in self._in_milliseconds or not value:
            return value
        return str(epoch_ms(value))
