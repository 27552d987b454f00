"""Domain results as HubSpot's JSON (key order as HubSpot sends it)."""

from __future__ import annotations

from typing import Any

from spoke.domain.instants import format_instant
from spoke.domain.pipelines import Pipeline
from spoke.domain.properties import PropertyDefinition
from spoke.domain.records import NOT_FOUND_MESSAGE, TicketRecord
from spoke.errors import batch_error_entry
from spoke.store.base import HistoryEntry

Json = dict[str, Any]


def ticket(record: TicketRecord) -> Json:
    body: Json = {"id": str(record.id), "properties": record.properties}
    if record.history is not None:
        body["propertiesWithHistory"] = {
            name: [_version(entry) for entry in entries] for name, entries in record.history.items()
        }
    body["createdAt"] = record.created_at
    body["updatedAt"] = record.updated_at
    if record.archived_at is None:
        body["archived"] = False
    else:
        body["archived"] = True
        body["archivedAt"] = format_instant(record.archived_at)
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


def page(records: list[TicketRecord], next_page: tuple[str, str] | None) -> Json:
    """A page of a list, with ``paging`` only when another page follows: ``next_page`` is
    that page's ``(after, link)``."""
    body: Json = {"results": [ticket(r) for r in records]}
    if next_page is not None:
        after, link = next_page
        body["paging"] = {"next": {"after": after, "link": link}}
    return body


def batch(
    records: list[TicketRecord], missing: list[str], started_at: int, completed_at: int
) -> tuple[Json, int]:
    """A batch response body and its status: 200, or 207 when some inputs were missing."""
    body: Json = {"status": "COMPLETE", "results": [ticket(r) for r in records]}
    status = 200
    if missing:
        body["numErrors"] = 1
        body["errors"] = [
            batch_error_entry("OBJECT_NOT_FOUND", NOT_FOUND_MESSAGE, {"ids": missing})
        ]
        status = 207
    body["startedAt"] = format_instant(started_at)
    body["completedAt"] = format_instant(completed_at)
    return body, status


def upsert_batch(
    results: list[tuple[TicketRecord, bool]], started_at: int, completed_at: int
) -> Json:
    """A batch upsert response body: each record with ``new``, true where it was created."""
    return {
        "status": "COMPLETE",
        "results": [{**ticket(record), "new": new} for record, new in results],
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
    return body


def pipeline(value: Pipeline) -> Json:
    created = format_instant(value.created_at)
    updated = format_instant(value.updated_at)
    return {
        "label": value.label,
        "displayOrder": value.display_order,
        "id": value.id,
        "stages": [
            {
                "label": s.label,
                "displayOrder": s.display_order,
                "metadata": {"ticketState": s.ticket_state},
                "id": s.id,
                "createdAt": created,
                "updatedAt": updated,
                "archived": False,
            }
            for s in value.stages
        ],
        "createdAt": created,
        "updatedAt": updated,
        "archived": False,
    }
