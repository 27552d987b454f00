"""What the search index holds for a record's values, and keeping it whole.

Each value of a live record is indexed, under its object type, by a key that compares as
HubSpot's search compares values of its property's type (spoke/store/search.py keeps the rows):

- ``number``: the number; ``date`` and ``datetime``: the instant in epoch milliseconds;
- everything else: the value lowercased, as search matches text without regard to case.
  A long value is keyed by its first characters and a digest of the whole, so that
  equality stays exact and keys stay small enough for any database's index.

The record's id (``hs_object_id``) is not indexed: the store searches it by primary key.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime

from spoke.domain.catalogue import Catalogue, Properties
from spoke.domain.instants import date_to_ms
from spoke.domain.object_types import ObjectType
from spoke.domain.properties import PropertyDefinition, PropertyType
from spoke.store.base import Store, StoredObject
from spoke.store.search import ID_PROPERTY, SearchEntry, SearchKey

#: Properties whose keys are numbers.
NUMERIC_TYPES = frozenset({PropertyType.NUMBER, PropertyType.DATE, PropertyType.DATETIME})

#: Text keys longer than this are shortened (see the module docstring).
_MAX_TEXT_KEY = 200

#: Records read and indexed per step while the index is rebuilt.
_REBUILD_PAGE = 2000


def text_key(text: str) -> str:
    lowered = text.lower()
    if "\x00" in lowered:  # PostgreSQL's text cannot hold it
        lowered = lowered.replace("\x00", "\ufffd")
    if len(lowered) <= _MAX_TEXT_KEY:
        return lowered
    digest = hashlib.blake2b(lowered.encode(), digest_size=16).hexdigest()
    return f"{lowered[:_MAX_TEXT_KEY]}#{digest}"


def search_key(definition: PropertyDefinition, stored: str) -> SearchKey:
    """The key of a stored value (in HubSpot's read format) of ``definition``."""
    return _KEY_FUNCTIONS.get(definition.type, text_key)(stored)


@functools.lru_cache(maxsize=1024)
def _instant_key(stored: str) -> float:
    """Cached: the records of one write share their creation or modification instant."""
    return float(round(datetime.fromisoformat(stored).timestamp() * 1000))


def _date_key(stored: str) -> float:
    return float(date_to_ms(date.fromisoformat(stored)))


_KEY_FUNCTIONS: dict[PropertyType, Callable[[str], SearchKey]] = {
    PropertyType.NUMBER: float,
    PropertyType.DATETIME: _instant_key,
    PropertyType.DATE: _date_key,
}


@functools.lru_cache(maxsize=64)
def _key_functions(properties: Properties) -> dict[str, Callable[[str], SearchKey]]:
    """The key function of every indexed property (one lookup per value on writes)."""
    return {
        name: _KEY_FUNCTIONS.get(definition.type, text_key)
        for name, definition in properties.by_name.items()
        if name != ID_PROPERTY
    }


def key_functions(properties: Properties) -> Mapping[str, Callable[[str], SearchKey]]:
    """The key function of every indexed property, by name."""
    return _key_functions(properties)


def keys(properties: Properties, values: Mapping[str, str]) -> list[tuple[str, SearchKey]]:
    """The index keys of ``values`` of one record, by property (names no longer defined
    are skipped)."""
    functions = _key_functions(properties)
    return [
        (name, key_of(value))
        for name, value in values.items()
        if value and (key_of := functions.get(name)) is not None
    ]


def entries(properties: Properties, object_id: int, values: Mapping[str, str]) -> list[SearchEntry]:
    """The index rows of ``values`` of one record (names no longer defined are skipped)."""
    return [(name, key, object_id) for name, key in keys(properties, values)]


def entries_of(properties: Properties, records: Iterable[StoredObject]) -> list[SearchEntry]:
    return [row for r in records for row in entries(properties, r.id, r.values)]


def changed_entries(
    properties: Properties,
    object_id: int,
    before: Mapping[str, str],
    written: Mapping[str, str],
) -> tuple[list[SearchEntry], list[SearchEntry]]:
    """The rows to remove and to add when a write sets ``written`` (``""`` clears)."""
    old = {name: before[name] for name in written if name in before}
    new = {name: value for name, value in written.items() if value != ""}
    return entries(properties, object_id, old), entries(properties, object_id, new)


def reindex_property(
    store: Store, catalogue: Catalogue, object_type: ObjectType, name: str
) -> None:
    """Key every live value of the type's property ``name`` anew (after its type changed)."""
    definition = catalogue.current(object_type).get(name)
    type_id = object_type.type_id
    with store.transaction() as tx:
        # Writes keyed by the old type commit first; the next wait, then key the new way.
        tx.change_definitions()
        tx.unindex_property(type_id, name)
        if definition is None:
            return
        after = 0
        while page := store.list_objects(type_id, after, _REBUILD_PAGE, archived=False):
            tx.index_values(
                type_id,
                [
                    (name, search_key(definition, r.values[name]), r.id)
                    for r in page
                    if r.values.get(name)
                ],
            )
            after = page[-1].id


def ensure_search_index(store: Store, catalogue: Catalogue) -> int:
    """Build the index of a database whose records predate it; returns how many records
    were indexed (0 when the index was complete already)."""
    if store.search_index_complete():
        return 0
    indexed = 0
    with store.transaction() as tx:
        if not tx.rebuild_search_index():
            return 0
        for object_type in catalogue.object_types:
            properties = catalogue.current(object_type)
            type_id = object_type.type_id
            after = 0
            while page := store.list_objects(type_id, after, _REBUILD_PAGE, archived=False):
                tx.index_values(type_id, entries_of(properties, page))
                indexed += len(page)
                after = page[-1].id
        tx.mark_search_index_complete()
    return indexed
