"""Association results as HubSpot's JSON (key order as HubSpot sends it: the v4 guide's
examples, and captured v3 responses)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from spoke.domain.associations.definitions import AssociationDefinition
from spoke.domain.associations.reads import Associated, AssociationPage, BatchAssociations
from spoke.domain.associations.writes import Linked
from spoke.domain.instants import format_instant
from spoke.domain.object_types import ObjectType
from spoke.errors import no_associations_entry

Json = dict[str, Any]
#: How a family of the API writes a record id (``int`` for v4, ``str`` for its dated
#: successor: ``spoke.api.association_schemas.ResultIds``).
RecordId = Callable[[int], int | str]


def association_types(types: Sequence[AssociationDefinition]) -> list[Json]:
    return [{"category": t.category, "typeId": t.type_id, "label": t.label} for t in types]


def _v4_items(items: Sequence[Associated], record_id: RecordId) -> list[Json]:
    return [
        {"toObjectId": record_id(item.to_id), "associationTypes": association_types(item.types)}
        for item in items
    ]


def _v3_items(items: Sequence[Associated]) -> list[Json]:
    return [{"id": str(item.to_id), "type": t.name} for item in items for t in item.types]


def _paging(after: str, link: str | None) -> Json:
    return {"next": {"after": after, "link": link} if link is not None else {"after": after}}


def v4_page(page: AssociationPage, link: str | None, record_id: RecordId) -> Json:
    """A page of one record's associations (v4), ``paging`` only when another follows;
    ``link`` is that page's URL."""
    body: Json = {"results": _v4_items(page.items, record_id)}
    if page.next_after is not None:
        body["paging"] = _paging(page.next_after, link)
    return body


def v3_page(page: AssociationPage, link: str | None) -> Json:
    """The same page in v3's shape: one entry per associated record and type."""
    body: Json = {"results": _v3_items(page.items)}
    if page.next_after is not None:
        body["paging"] = _paging(page.next_after, link)
    return body


def batch_read(
    found: BatchAssociations,
    from_type: ObjectType,
    to_type: ObjectType,
    times: tuple[int, int],
    record_id: RecordId | None,
) -> tuple[Json, int]:
    """A batch read: each record with associations and its page of them (``paging`` with
    its ``after`` when more follow), and for every other input HubSpot's
    ``NO_ASSOCIATIONS_FOUND`` entry (then 207). Without ``record_id``, v3's shape."""
    results = []
    for from_id, page in found.found:
        to = _v3_items(page.items) if record_id is None else _v4_items(page.items, record_id)
        result: Json = {"from": {"id": from_id}, "to": to}
        if page.next_after is not None:
            result["paging"] = _paging(page.next_after, None)
        results.append(result)
    body: Json = {"status": "COMPLETE", "results": results}
    status = 200
    if found.missing:
        body["numErrors"] = len(found.missing)
        body["errors"] = [
            no_associations_entry(from_type.singular, from_id, to_type.singular)
            for from_id in found.missing
        ]
        status = 207
    return _timed(body, times), status


def labels_between(
    from_type: ObjectType, to_type: ObjectType, linked: Linked, record_id: RecordId
) -> Json:
    """What a labelled create left between two records: the labels of its types."""
    return {
        "fromObjectTypeId": from_type.type_id,
        "fromObjectId": record_id(linked.from_id),
        "toObjectTypeId": to_type.type_id,
        "toObjectId": record_id(linked.to_id),
        "labels": [t.label for t in linked.types if t.label is not None],
    }


def batch_labels_between(
    from_type: ObjectType,
    to_type: ObjectType,
    linked: Sequence[Linked],
    times: tuple[int, int],
    record_id: RecordId,
) -> Json:
    results = [labels_between(from_type, to_type, one, record_id) for one in linked]
    return _timed({"status": "COMPLETE", "results": results}, times)


def default_associations(
    pairs: Sequence[tuple[Linked, AssociationDefinition, AssociationDefinition]],
    times: tuple[int, int],
) -> Json:
    """Default creates: each pair's default type, from the first record and back."""
    results = []
    for linked, forward, backward in pairs:
        for (a, b), definition in (
            ((linked.from_id, linked.to_id), forward),
            ((linked.to_id, linked.from_id), backward),
        ):
            results.append(
                {
                    "from": {"id": str(a)},
                    "to": {"id": str(b)},
                    "associationSpec": {
                        "associationCategory": definition.category,
                        "associationTypeId": definition.type_id,
                    },
                }
            )
    return _timed({"status": "COMPLETE", "results": results}, times)


def v3_created(linked: Sequence[tuple[Linked, str]], times: tuple[int, int]) -> Json:
    """A v3 batch create: each input's records and the type name it created."""
    results = [
        {"from": {"id": str(one.from_id)}, "to": {"id": str(one.to_id)}, "type": name}
        for one, name in linked
    ]
    return _timed({"status": "COMPLETE", "results": results}, times)


def inline(
    pages: Sequence[tuple[ObjectType, AssociationPage]], link: Callable[[ObjectType, str], str]
) -> Json:
    """A record's ``associations``: by associated type's name, a v3 page of them;
    ``link(to_type, after)`` gives the URL of a next page."""
    return {
        to_type.name: v3_page(page, link(to_type, page.next_after) if page.next_after else None)
        for to_type, page in pages
    }


def _timed(body: Json, times: tuple[int, int]) -> Json:
    started, completed = times
    body["startedAt"] = format_instant(started)
    body["completedAt"] = format_instant(completed)
    return body
