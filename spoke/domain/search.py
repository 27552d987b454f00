"""Searching records of an object type: HubSpot's ``POST /crm/v3/objects/{objectType}/search``.

A search is an OR of up to 5 filter groups, each an AND of filters (at most 6 in a
group, 18 in all), plus an optional full-text ``query``. Filter values compare as the
property's type: numbers as numbers, dates and datetimes as instants, text and
enumerations without regard to case. Results come a page at a time (``limit`` up to
200), sorted by one property or by id, and no search reaches past its first 10,000
results. See docs/behaviour.md "Search" for the choices where HubSpot says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spoke.domain.catalogue import Catalogue, Properties
from spoke.domain.instants import parse_instant
from spoke.domain.object_types import ObjectType
from spoke.domain.properties import PropertyDefinition, PropertyType
from spoke.domain.records import ObjectRecord, ReadOptions, parse_object_id, to_record
from spoke.domain.search_index import NUMERIC_TYPES, text_key
from spoke.domain.values import InvalidValue, normalise
from spoke.errors import ValidationError
from spoke.store.base import Store
from spoke.store.search import (
    ID_PROPERTY,
    Comparison,
    Condition,
    SearchKey,
    SearchQuery,
    SearchSort,
    SortKind,
)

MAX_FILTER_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS = 18
DEFAULT_LIMIT = 10
MAX_LIMIT = 200
#: No search pages past this many results (HubSpot's cap).
MAX_RESULTS = 10_000
#: A full-text ``query``'s characters and words (docs/behaviour.md, "Limits").
MAX_QUERY_LENGTH = 3_000
MAX_QUERY_WORDS = 100
#: Values of an ``IN``/``NOT_IN`` filter, and characters of any filter value.
MAX_FILTER_VALUES = 500
MAX_FILTER_VALUE_LENGTH = 65_536
#: Characters of a ``CONTAINS_TOKEN`` token.
MAX_TOKEN_LENGTH = 1_000

#: Each operator as the store's comparison, and whether it is negated.
_COMPARISONS: dict[str, tuple[Comparison, bool]] = {
    "EQ": (Comparison.EQ, False),
    "NEQ": (Comparison.EQ, True),
    "LT": (Comparison.LT, False),
    "LTE": (Comparison.LTE, False),
    "GT": (Comparison.GT, False),
    "GTE": (Comparison.GTE, False),
    "BETWEEN": (Comparison.BETWEEN, False),
    "IN": (Comparison.IN, False),
    "NOT_IN": (Comparison.IN, True),
    "HAS_PROPERTY": (Comparison.HAS_PROPERTY, False),
    "NOT_HAS_PROPERTY": (Comparison.HAS_PROPERTY, True),
    "CONTAINS_TOKEN": (Comparison.MATCHES, False),
    "NOT_CONTAINS_TOKEN": (Comparison.MATCHES, True),
}

#: HubSpot's search operators, in its documentation's order.
OPERATORS = tuple(_COMPARISONS)

_SORT_KINDS = {
    PropertyType.NUMBER: SortKind.NUMBER,
    PropertyType.DATE: SortKind.TEXT,  # YYYY-MM-DD sorts as text
    PropertyType.DATETIME: SortKind.INSTANT,
}


@dataclass(frozen=True, slots=True)
class Filter:
    property_name: str
    operator: str
    value: str | None = None
    values: tuple[str, ...] | None = None
    high_value: str | None = None


@dataclass(frozen=True, slots=True)
class Sort:
    property_name: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class SearchRequest:
    filter_groups: tuple[tuple[Filter, ...], ...] = ()
    query: str | None = None
    sorts: tuple[Sort, ...] = ()
    properties: tuple[str, ...] = ()
    limit: int | None = None
    after: str | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    records: list[ObjectRecord]
    next_after: str | None


class ObjectSearch:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self._store = store
        self._catalogue = catalogue

    def search(self, object_type: ObjectType, request: SearchRequest) -> SearchPage:
        catalogue = self._catalogue.current(object_type)
        limit = _limit(request.limit)
        offset = _offset(request.after)
        groups = _groups(catalogue, request.filter_groups)
        words = _query_conditions(object_type, request.query)
        if words:
            groups = tuple((*g, *words) for g in groups) if groups else (words,)
        type_id = object_type.type_id
        query = SearchQuery(
            object_type=type_id,
            groups=groups,
            limit=min(limit, MAX_RESULTS - offset),
            offset=offset,
            sort=_sort(catalogue, request.sorts),
        )
        options = ReadOptions(
            names=catalogue.returned(request.properties, ()),
            history_names=(),
            created_property=object_type.created_property,
            modified_property=object_type.modified_property,
        )
        with self._store.snapshot():
            result = self._store.search_objects(query)
            found = {r.id: r for r in self._store.read_objects(type_id, result.ids)}
        if result.count_to_keep is not None:
            self._store.keep_search_count(type_id, result.count_to_keep)
        records = [to_record(found[i], options, None) for i in result.ids if i in found]
        end = offset + len(result.ids)
        next_after = str(end) if end < min(result.total, MAX_RESULTS) and result.ids else None
        return SearchPage(result.total, records, next_after)


def _limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 0 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be between 0 and {MAX_LIMIT}, but was {limit}")
    return limit


def _offset(after: str | None) -> int:
    if after is None or after == "":
        return 0
    if not (after.isascii() and after.isdigit()):
        raise ValidationError(f"after must be a non-negative whole number, but was {after!r}")
    digits = after.lstrip("0") or "0"
    if len(digits) > len(str(MAX_RESULTS)) or int(digits) >= MAX_RESULTS:
        raise ValidationError(
            f"Search can page through at most the first {MAX_RESULTS} results; "
            f"after={digits} is beyond them. Narrow the search with filters instead."
        )
    return int(digits)


def _groups(
    catalogue: Properties, groups: Sequence[Sequence[Filter]]
) -> tuple[tuple[Condition, ...], ...]:
    if len(groups) > MAX_FILTER_GROUPS:
        raise ValidationError(
            f"Too many filterGroups: {len(groups)}. A search takes at most "
            f"{MAX_FILTER_GROUPS} filterGroups."
        )
    for group in groups:
        if not group:
            raise ValidationError("Every filterGroup must hold at least one filter")
        if len(group) > MAX_FILTERS_PER_GROUP:
            raise ValidationError(
                f"Too many filters in a filterGroup: {len(group)}. A filterGroup takes at "
                f"most {MAX_FILTERS_PER_GROUP} filters."
            )
    total = sum(len(g) for g in groups)
    if total > MAX_FILTERS:
        raise ValidationError(
            f"Too many filters: {total}. A search takes at most {MAX_FILTERS} filters "
            "across all its filterGroups."
        )
    return tuple(tuple(_condition(catalogue, f) for f in group) for group in groups)


def _condition(catalogue: Properties, given: Filter) -> Condition:
    if given.operator not in _COMPARISONS:
        raise ValidationError(
            f"Unknown operator {given.operator!r} in the filter on {given.property_name}; "
            f"expected one of: {', '.join(OPERATORS)}"
        )
    definition = catalogue.get(given.property_name)
    if definition is None:
        raise ValidationError(
            f"Unable to search on property {given.property_name!r}: "
            f"it does not exist on object type {catalogue.object_type.label}"
        )
    comparison, negated = _COMPARISONS[given.operator]
    name = definition.name
    _check_sizes(given)
    if comparison is Comparison.MATCHES:
        token = _required(given, given.value, "value")
        if len(token) > MAX_TOKEN_LENGTH:
            raise ValidationError(
                f"The {given.operator} filter on {name} has a token of {len(token)} "
                f"characters; a token may have at most {MAX_TOKEN_LENGTH}"
            )
        return Condition(
            (name,), comparison, (_token_pattern(token),), negated=negated, hints=_hints([token])
        )
    keys: tuple[SearchKey, ...] = ()
    if comparison is Comparison.IN:
        values = given.values
        if not values:
            raise ValidationError(
                f"The {given.operator} filter on {name} needs a non-empty list of values"
            )
        keys = tuple(_key(definition, v, given.operator) for v in values)
    elif comparison is Comparison.BETWEEN:
        low = _required(given, given.value, "value")
        high = _required(given, given.high_value, "highValue")
        keys = (_key(definition, low, given.operator), _key(definition, high, given.operator))
    elif comparison is not Comparison.HAS_PROPERTY:
        keys = (_key(definition, _required(given, given.value, "value"), given.operator),)
    numeric = definition.type in NUMERIC_TYPES
    return Condition((name,), comparison, keys, numeric=numeric, negated=negated)


def _check_sizes(given: Filter) -> None:
    """At most :data:`MAX_FILTER_VALUES` values, none longer than a property value may be."""
    values = given.values or ()
    if len(values) > MAX_FILTER_VALUES:
        raise ValidationError(
            f"The {given.operator} filter on {given.property_name} has {len(values)} values; "
            f"a filter may have at most {MAX_FILTER_VALUES}"
        )
    for value in (given.value, given.high_value, *values):
        if value is not None and len(value) > MAX_FILTER_VALUE_LENGTH:
            raise ValidationError(
                f"A value of the {given.operator} filter on {given.property_name} has "
                f"{len(value)} characters; a filter value may have at most "
                f"{MAX_FILTER_VALUE_LENGTH}"
            )


def _required(given: Filter, value: str | None, field: str) -> str:
    if value is None:
        raise ValidationError(
            f"The {given.operator} filter on {given.property_name} needs a {field}"
        )
    return value


def _key(definition: PropertyDefinition, value: str, operator: str) -> SearchKey:
    """``value`` as the index keys values of ``definition``."""
    if definition.name == ID_PROPERTY:
        object_id = parse_object_id(value.strip())
        if object_id is None:
            raise _invalid_value(definition, value, operator, "an object id")
        return object_id
    kind = definition.type
    if kind is PropertyType.NUMBER:
        try:
            return float(normalise(definition, value))
        except (InvalidValue, ValueError):
            raise _invalid_value(definition, value, operator, "a number") from None
    if kind in (PropertyType.DATE, PropertyType.DATETIME):
        return float(_instant(definition, value, operator))
    if kind is PropertyType.BOOL:
        try:
            return normalise(definition, value)
        except InvalidValue:
            raise _invalid_value(definition, value, operator, "true or false") from None
    return text_key(value)


def _instant(definition: PropertyDefinition, value: str, operator: str) -> int:
    """Epoch milliseconds of a date or datetime filter value (any instant; a date
    property's values are midnights, so comparisons work on instants alike)."""
    instant = replace(definition, type=PropertyType.DATETIME)
    try:
        stored = normalise(instant, value)
    except InvalidValue:
        raise _invalid_value(
            definition, value, operator, "epoch milliseconds or an ISO 8601 date"
        ) from None
    return parse_instant(stored)


def _invalid_value(
    definition: PropertyDefinition, value: str, operator: str, expected: str
) -> ValidationError:
    return ValidationError(
        f"The {operator} filter on {definition.name} ({definition.type}) needs {expected}, "
        f"not {value!r}"
    )


def _token_pattern(token: str) -> str:
    """A case-insensitive expression for a whole token of a value; ``*`` stands for
    any run of word characters. Understood alike by Python and PostgreSQL."""
    body = r"\w*".join(re.escape(p) for p in token.strip().replace("\x00", "\ufffd").split("*"))
    return rf"(?i)(?<!\w){body}(?!\w)"


def _query_conditions(object_type: ObjectType, query: str | None) -> tuple[Condition, ...]:
    """The full-text ``query`` as one condition (none if it has no words): every word
    starts a token of one of the type's searchable properties. One condition, a key per word, so the
    SQL grows by one test per word (a condition per word made PostgreSQL plan a join per
    word: 150 words took 7.8 s on 50 tickets)."""
    text = query or ""
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(
            f"The query has {len(text)} characters; a search query may have at most "
            f"{MAX_QUERY_LENGTH}"
        )
    words = text.replace("\x00", "\ufffd").split()  # PostgreSQL takes no NUL
    if len(words) > MAX_QUERY_WORDS:
        raise ValidationError(
            f"The query has {len(words)} words; a search query may have at most {MAX_QUERY_WORDS}"
        )
    if not words:
        return ()
    keys = tuple(dict.fromkeys(rf"(?i)(?<!\w){re.escape(word)}" for word in words))
    return (Condition(object_type.query_properties, Comparison.MATCHES, keys, hints=_hints(words)),)


def _hints(tokens: Sequence[str]) -> tuple[str, ...]:
    """The longest run of ASCII letters and digits in each token (a match holds it),
    without repeats."""
    hints = (max(runs, key=len) for t in tokens if (runs := re.findall(r"[A-Za-z0-9]+", t)))
    return tuple(dict.fromkeys(hints))


def _sort(catalogue: Properties, sorts: Sequence[Sort]) -> SearchSort | None:
    if not sorts:
        return None
    if len(sorts) > 1:
        raise ValidationError(f"A search takes at most one sort, but {len(sorts)} were given")
    (sort,) = sorts
    definition = catalogue.get(sort.property_name)
    if definition is None:
        raise ValidationError(
            f"Unable to sort on property {sort.property_name!r}: "
            f"it does not exist on object type {catalogue.object_type.label}"
        )
    kind = _SORT_KINDS.get(definition.type, SortKind.TEXT)
    return SearchSort(definition.name, kind, sort.descending)
