"""Domain results as HubSpot's JSON (key order as HubSpot sends it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from spoke.api.ratelimit import PORTAL_ID
from spoke.domain.instants import format_instant
from spoke.domain.object_types import ObjectType
from spoke.domain.pipelines import Pipeline, PipelineAudit, Stage
from spoke.domain.properties import PropertyDefinition, PropertyGroup
from spoke.domain.reads import AnswersBatch, Versions
from spoke.domain.records import ObjectRecord, not_found_message
from spoke.errors import batch_error_entry
from spoke.store.base import HistoryEntry, SelectedObject
from spoke.store.selection import SelectedValues

Json = dict[str, Any]

_encode = msgspec.json.Encoder().encode

#: HubSpot's ``writePermissions`` of a stage that no app has locked: its records are
#: edited under the usual CRM permissions. Spoke has no locked stages.
STAGE_WRITE_PERMISSIONS = "CRM_PERMISSIONS_ENFORCEMENT"


def record(value: ObjectRecord) -> Json:
    """A record of any object type (HubSpot's ``SimplePublicObject``)."""
    body: Json = {"id": str(value.id), "properties": value.properties}
    if value.history is not None:
        body["propertiesWithHistory"] = {
            name: [_version(entry) for entry in entries] for name, entries in value.history.items()
        }
    body["createdAt"] = value.created_at
    body["updatedAt"] = value.updated_at
    if value.archived_at is None:
        body["archived"] = False
    else:
        body["archived"] = True
        body["archivedAt"] = format_instant(value.archived_at)
    return body


def _version(entry: HistoryEntry) -> Json:
    version: Json = {
        "value": entry.value,
        "timestamp": format_instant(entry.timestamp),
        "sourceType": entry.source_type,
    }
    if entry.source_id is not None:
        version["sourceId"] = entry.source_id
    return version


def page(records: list[ObjectRecord], next_page: tuple[str, str] | None) -> Json:
    """A page of a list, with ``paging`` only when another page follows: ``next_page`` is
    that page's ``(after, link)``."""
    body: Json = {"results": [record(r) for r in records]}
    if next_page is not None:
        after, link = next_page
        body["paging"] = {"next": {"after": after, "link": link}}
    return body


def search_page(total: int, records: list[ObjectRecord], next_after: str | None) -> Json:
    """A page of search results; ``paging`` only when another page follows."""
    body: Json = {"total": total, "results": [record(r) for r in records]}
    if next_after is not None:
        body["paging"] = {"next": {"after": next_after}}
    return body


def batch(
    object_type: ObjectType,
    records: list[ObjectRecord],
    missing: list[str],
    started_at: int,
    completed_at: int,
) -> tuple[Json, int]:
    """A batch response body and its status: 200, or 207 when some inputs were missing."""
    not_found = (not_found_message(object_type), {"ids": missing}) if missing else None
    return _batch_body([record(r) for r in records], not_found, started_at, completed_at)


class _Version(msgspec.Struct, gc=False, omit_defaults=True, rename="camel"):
    """:func:`_version` of a value read with :meth:`ObjectReader.batch_read_answers` (the
    same keys, in the same order: ``sourceId`` only when there is one)."""

    value: str
    timestamp: str
    source_type: str
    source_id: str | None = None


class _Record(msgspec.Struct, gc=False, omit_defaults=True, rename="camel"):
    """:func:`record` of a record read with :meth:`ObjectReader.batch_read_answers`
    without history (the same keys, in the same order: ``archivedAt`` only when the
    record is archived)."""

    id: str
    properties: SelectedValues
    created_at: str | None
    updated_at: str | None
    archived: bool
    archived_at: str | None = None


class _RecordWithHistory(msgspec.Struct, gc=False, omit_defaults=True, rename="camel"):
    """:func:`record` of a record read so with history."""

    id: str
    properties: SelectedValues
    properties_with_history: dict[str, list[_Version]]
    created_at: str | None
    updated_at: str | None
    archived: bool
    archived_at: str | None = None


class _Instants(dict[int, str]):
    """Instants as :func:`format_instant` prints them, each printed once (a write that
    set several of the names asked for gives each of their versions its instant)."""

    def __missing__(self, ms: int) -> str:
        text = self[ms] = format_instant(ms)
        return text


def answers(
    records: Sequence[SelectedObject],
    history: Versions | None,
    created_field: str,
    modified_field: str,
) -> list[bytes]:
    """:func:`record` of each record read by :meth:`ObjectReader.batch_read_answers` (an
    :class:`~spoke.domain.reads.AnswerEncoder`), as JSON bytes: the same bytes, since
    ``msgspec`` writes strings, numbers, ``null`` and booleans as ``orjson`` does."""
    created, modified = created_field, modified_field
    if history is None:
        return [
            _encode(
                _Record(
                    str(object_id),
                    values,
                    getattr(values, created),
                    getattr(values, modified),
                    archived_at is not None,
                    None if archived_at is None else format_instant(archived_at),
                )
            )
            for object_id, values, archived_at in records
        ]
    instants = _Instants()
    return [
        _encode(
            _RecordWithHistory(
                str(object_id),
                values,
                {
                    name: [
                        _Version(value, instants[at], source_type, source_id)
                        for value, at, source_type, source_id in entries
                    ]
                    for name, entries in history.get(object_id, {}).items()
                },
                getattr(values, created),
                getattr(values, modified),
                archived_at is not None,
                None if archived_at is None else format_instant(archived_at),
            )
        )
        for object_id, values, archived_at in records
    ]


#: How every batch body starts, up to its results (:func:`_batch_body`).
_RESULTS_OPENING = b'{"status":"COMPLETE","results":['


def answers_batch(
    object_type: ObjectType, read: AnswersBatch, started_at: int, completed_at: int
) -> tuple[bytes, int]:
    """:func:`batch` of a batch read of answers, as JSON bytes: the body of no results,
    encoded, with the answers put in between its brackets."""
    missing = read.missing
    not_found = (not_found_message(object_type), {"ids": missing}) if missing else None
    body, status = _batch_body([], not_found, started_at, completed_at)
    empty = _encode(body)
    assert empty.startswith(_RESULTS_OPENING)
    rest = empty[len(_RESULTS_OPENING) :]
    return b"".join((_RESULTS_OPENING, b",".join(read.answers), rest)), status


def _batch_body(
    results: Sequence[object],
    not_found: tuple[str, dict[str, list[str]]] | None,
    started_at: int,
    completed_at: int,
) -> tuple[Json, int]:
    """A batch body: 200, or 207 with one OBJECT_NOT_FOUND entry (message, context)."""
    body: Json = {"status": "COMPLETE", "results": results}
    status = 200
    if not_found is not None:
        message, context = not_found
        body["numErrors"] = 1
        body["errors"] = [batch_error_entry("OBJECT_NOT_FOUND", message, context)]
        status = 207
    body["startedAt"] = format_instant(started_at)
    body["completedAt"] = format_instant(completed_at)
    return body, status


def upsert_batch(
    results: list[tuple[ObjectRecord, bool]], started_at: int, completed_at: int
) -> Json:
    """A batch upsert response body: each record with ``new``, true where it was created."""
    return {
        "status": "COMPLETE",
        "results": [{**record(written), "new": new} for written, new in results],
        "startedAt": format_instant(started_at),
        "completedAt": format_instant(completed_at),
    }


def property_definition(definition: PropertyDefinition) -> Json:
    body: Json = {}
    if definition.updated_at is not None:
        body["updatedAt"] = format_instant(definition.updated_at)
    if definition.created_at is not None:
        body["createdAt"] = format_instant(definition.created_at)
    body.update(
        name=definition.name,
        label=definition.label,
        type=str(definition.type),
        fieldType=definition.field_type,
        description=definition.description,
        groupName=definition.group_name,
        options=[
            {
                "label": o.label,
                "value": o.value,
                "displayOrder": o.display_order,
                "hidden": o.hidden,
                "description": o.description,
            }
            for o in definition.options
        ],
    )
    if definition.referenced_object_type is not None:
        body["referencedObjectType"] = definition.referenced_object_type
    body.update(
        displayOrder=definition.display_order,
        calculated=definition.calculated,
        externalOptions=definition.external_options,
        hasUniqueValue=definition.has_unique_value,
        hidden=definition.hidden,
        hubspotDefined=definition.hubspot_defined,
        modificationMetadata={
            "archivable": definition.archivable,
            "readOnlyDefinition": definition.read_only_definition,
            "readOnlyValue": definition.read_only_value,
        },
        formField=definition.form_field,
        dataSensitivity="non_sensitive",
    )
    if definition.archived_at is not None:
        body["archived"] = True
        body["archivedAt"] = format_instant(definition.archived_at)
    return body


def property_batch(
    object_type: ObjectType,
    definitions: list[PropertyDefinition],
    missing: list[str],
    started_at: int,
    completed_at: int,
) -> tuple[Json, int]:
    """A properties batch body and its status: 200, or 207 when some names matched none."""
    not_found = None
    if missing:
        not_found = (_properties_not_found_message(object_type), {"names": missing})
    results = [property_definition(d) for d in definitions]
    return _batch_body(results, not_found, started_at, completed_at)


def _properties_not_found_message(object_type: ObjectType) -> str:
    """The 207 entry of a properties batch read, for the names that matched no property."""
    return (
        f"Could not get some properties of object type {object_type.label}, they may be "
        "archived or not exist. Check that names are valid."
    )


def property_group(group: PropertyGroup) -> Json:
    return {
        "name": group.name,
        "label": group.label,
        "displayOrder": group.display_order,
        "archived": group.archived_at is not None,
    }


def pipeline(value: Pipeline) -> Json:
    """A pipeline with its live stages, in display order."""
    body: Json = {
        "label": value.label,
        "displayOrder": value.display_order,
        "id": value.id,
        "stages": [stage(s) for s in value.live_stages],
        "createdAt": format_instant(value.created_at),
        "updatedAt": format_instant(value.updated_at),
        "archived": value.archived,
    }
    if value.archived_at is not None:
        body["archivedAt"] = format_instant(value.archived_at)
    return body


def stage(value: Stage) -> Json:
    body: Json = {
        "label": value.label,
        "displayOrder": value.display_order,
        "metadata": dict(value.metadata),
        "id": value.id,
        "createdAt": format_instant(value.created_at),
        "updatedAt": format_instant(value.updated_at),
        "archived": value.archived,
        "writePermissions": STAGE_WRITE_PERMISSIONS,
    }
    if value.archived_at is not None:
        body["archivedAt"] = format_instant(value.archived_at)
    return body


def pipeline_audits(audits: list[PipelineAudit]) -> Json:
    """HubSpot's audit collection: each change, with the pipeline (or the stage) as the
    change left it as ``rawObject``. Spoke serves one account: its portal id is 1."""
    results: list[Json] = []
    for audit in audits:
        changed = audit.pipeline.any_stage(audit.stage_id) if audit.stage_id else None
        results.append(
            {
                "identifier": audit.stage_id or audit.pipeline.id,
                "action": audit.action,
                "portalId": PORTAL_ID,
                "timestamp": format_instant(audit.timestamp),
                "rawObject": stage(changed) if changed else pipeline(audit.pipeline),
            }
        )
    return {"results": results}
