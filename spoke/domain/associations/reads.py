"""Reading associations: a record's associated records of one object type a page at a time
(v4 and v3 per record), many records' in a batch, and inline on object reads
(``associations=``). Pages hold whole associated records, each with every type it has,
in id order (docs/behaviour.md, "Associations").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spoke.domain.associations.definitions import AssociationDefinition, AssociationDefinitions
from spoke.domain.object_types import ObjectType, ObjectTypes
from spoke.domain.records import first_appearances, parse_object_id
from spoke.errors import BatchTooLarge, HubSpotError, InvalidPageRequest
from spoke.store.base import Store, StoredAssociation

#: Associated records a page holds: the v4 APIs' (HubSpot: 500 a call, its default too)
#: and inline on object reads (HubSpot pages those at 100).
PAGE_SIZE = 500
INLINE_PAGE_SIZE = 100
#: HubSpot's limit on the inputs of an associations batch read (the v4 guide: 1,000).
MAX_READ_INPUTS = 1_000


@dataclass(frozen=True, slots=True)
class Associated:
    """One associated record and every type of its association, HubSpot's first."""

    to_id: int
    types: list[AssociationDefinition]


@dataclass(frozen=True, slots=True)
class AssociationPage:
    items: list[Associated]
    next_after: str | None
    """The ``after`` that reads the next page; ``None`` on the last page."""


@dataclass(frozen=True, slots=True)
class BatchAssociations:
    found: list[tuple[str, AssociationPage]]
    """Each input (its id as sent) that has associations, and its page of them."""
    missing: list[str]
    """Inputs with none (or naming no record), as sent, in input order."""


class AssociationReader:
    def __init__(self, store: Store, object_types: ObjectTypes) -> None:
        self._store = store
        self._object_types = object_types

    def page(
        self,
        from_type: ObjectType,
        from_id: str,
        to_type: ObjectType,
        after: str | None,
        limit: str | None,
    ) -> AssociationPage:
        """A page of a record's associations with records of ``to_type`` (none for an id
        that names no live record of ``from_type``)."""
        size = _page_size(limit)
        start = _start_of(after)
        record_id = parse_object_id(from_id)
        if record_id is None:
            return AssociationPage([], None)
        pages = self._pages(from_type, to_type, [(record_id, start)], size)
        return pages.get(record_id, AssociationPage([], None))

    def batch(
        self,
        from_type: ObjectType,
        to_type: ObjectType,
        inputs: Sequence[tuple[str, str | None]],
        page_size: int = PAGE_SIZE,
    ) -> BatchAssociations:
        """The associations of up to 1,000 records (each input an id and an optional
        ``after``); an id given twice is read once, at its first ``after``."""
        if len(inputs) > MAX_READ_INPUTS:
            raise BatchTooLarge.for_inputs(MAX_READ_INPUTS)
        starts: dict[int, int] = {}
        texts: list[str] = first_appearances([text for text, _ in inputs])
        afters: dict[str, str | None] = {}
        for text, after in inputs:
            afters.setdefault(text, after)
        for text in texts:
            record_id = parse_object_id(text)
            if record_id is not None:
                starts.setdefault(record_id, _start_of(afters[text]))
        pages = self._pages(from_type, to_type, list(starts.items()), page_size)
        found: list[tuple[str, AssociationPage]] = []
        missing: list[str] = []
        for text in texts:
            page = pages.get(parse_object_id(text) or 0)
            if page is None:
                missing.append(text)
            else:
                found.append((text, page))
        return BatchAssociations(found, missing)

    def inline(
        self, from_type: ObjectType, ids: Sequence[int], names: Sequence[str]
    ) -> dict[int, list[tuple[ObjectType, AssociationPage]]]:
        """For object reads with ``associations=names``: each record's first page of
        associations with each type named (by any of its names) that it has some with.
        Names of no served type are ignored, as HubSpot ignores types a record has none
        with."""
        served = (t for t in map(self._served, names) if t is not None)
        wanted = list({t.type_id: t for t in reversed(list(served))}.values())[::-1]
        found: dict[int, list[tuple[ObjectType, AssociationPage]]] = {}
        if not ids or not wanted:
            return found
        for to_type in wanted:
            pages = self._pages(from_type, to_type, [(i, 0) for i in ids], INLINE_PAGE_SIZE)
            for record_id, page in pages.items():
                found.setdefault(record_id, []).append((to_type, page))
        return found

    # -- internals ------------------------------------------------------------------

    def _served(self, name: str) -> ObjectType | None:
        try:
            return self._object_types.resolve(name)
        except HubSpotError:
            return None

    def _pages(
        self,
        from_type: ObjectType,
        to_type: ObjectType,
        starts: Sequence[tuple[int, int]],
        size: int,
    ) -> dict[int, AssociationPage]:
        """The page from each ``(record id, first associated id)``, for the records that
        have associations there."""
        if not starts:
            return {}
        rows = self._store.read_associations(from_type.type_id, to_type.type_id, starts, size + 1)
        if not rows:
            return {}
        definitions = AssociationDefinitions(self._store.association_labels())
        grouped: dict[int, dict[int, list[StoredAssociation]]] = {}
        for row in rows:
            grouped.setdefault(row.from_id, {}).setdefault(row.to_id, []).append(row)
        return {
            record_id: _page(definitions, by_record, size)
            for record_id, by_record in grouped.items()
        }


def _page(
    definitions: AssociationDefinitions,
    by_record: Mapping[int, list[StoredAssociation]],
    size: int,
) -> AssociationPage:
    items: list[Associated] = []
    for to_id, rows in sorted(by_record.items())[:size]:
        types = [definitions.get((row.category, row.type_id)) for row in rows]
        items.append(Associated(to_id, [t for t in types if t is not None]))
    next_after = str(items[-1].to_id + 1) if len(by_record) > size else None
    return AssociationPage(items, next_after)


def _page_size(limit: str | None) -> int:
    if limit is None:
        return PAGE_SIZE
    size = int(limit) if limit.isascii() and limit.isdigit() and len(limit) < 10 else 0
    if not 1 <= size <= PAGE_SIZE:
        raise InvalidPageRequest(
            f"Invalid limit '{limit}': a page holds from 1 to {PAGE_SIZE} associated records"
        )
    return size


def _start_of(after: str | None) -> int:
    """The lowest associated record id a page starting at cursor ``after`` may hold."""
    if after is None or after == "":
        return 0
    if not (after.isascii() and after.isdigit()):
        raise InvalidPageRequest.for_cursor(after)
    return min(int(after), 2**63 - 1) if len(after) < 20 else 2**63 - 1
