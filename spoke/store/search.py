"""The search index and the SQL that searches it, shared by both backends.

Every value of a live record has one row in a search table, keyed by
``(object type, property, key, object id)``: ``search_numbers`` for numbers, dates and
datetimes (keys are numbers, instants in epoch milliseconds) and ``search_text`` for
everything else (keys are the lowercased value). The domain computes the keys
(``spoke/domain/search_index.py``); the store only keeps and queries them. A search
reads the rows of one object type only.

A search is an OR of groups, each an AND of conditions. Each condition is one indexed
range, so an equality test reads an index, never every record; negated conditions are
the live records that the positive condition does not match; text matches (``MATCHES``)
read the records' stored values. In a group, the condition that finds fewest rows (as
:meth:`SearchSql.probes` counts them) drives, and each of its records is tested against
the others. A search sorted by the number or instant its group filters on is read in
the index's order.

The record id (``hs_object_id``) is not indexed twice: conditions on it read the objects
table's primary key.

Counts. A search's ``total`` is exact, and counting the rows of a key that most records
share (``hs_pipeline = 0``) reads as many index rows as there are records. So a key whose
equality search counted at least :data:`KEEP_COUNT_FROM` rows gets its count kept in
``search_counts`` (``Store.keep_search_count``), and the total of an equality search on
it is read from there. Every transaction moves the kept counts of the keys it indexed
and unindexed, by what its statements changed, just before it commits
(:class:`CountChanges`); a key whose change is unsure loses its kept count, and is
counted again. Keys are never dropped from ``search_counts`` otherwise: there are at most
``records / KEEP_COUNT_FROM`` per property.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

SearchKey = str | float
#: ``(property, key, object id)``: one row of the search index (of one object type).
SearchEntry = tuple[str, SearchKey, int]

#: The property that is the record's id; conditions on it use the objects table.
ID_PROPERTY = "hs_object_id"


class Comparison(StrEnum):
    EQ = "EQ"
    IN = "IN"
    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"
    BETWEEN = "BETWEEN"
    HAS_PROPERTY = "HAS_PROPERTY"
    MATCHES = "MATCHES"
    """For every regular expression of ``keys``, a stored value (not the key, which may
    be shortened) of one of the properties matches it: token and full-text search, which
    read every live record. The test is one expression on the ticket's row, its size
    linear in the keys (a full-text ``query`` is one condition, a key per word)."""


class SortKind(StrEnum):
    NUMBER = "number"
    INSTANT = "instant"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Condition:
    """Records with a value of one of ``properties`` that passes ``comparison``; or,
    when ``negated``, the live records without one."""

    properties: tuple[str, ...]
    comparison: Comparison
    keys: tuple[SearchKey, ...] = ()
    numeric: bool = False
    negated: bool = False
    hints: tuple[str, ...] = ()
    """For MATCHES: runs of ASCII letters and digits that every matching ticket's stored
    values contain, in any case; cheap tests on the whole stored row that spare most rows
    the expressions."""


@dataclass(frozen=True, slots=True)
class SearchSort:
    property: str
    kind: SortKind
    descending: bool = False


@dataclass(frozen=True, slots=True)
class SearchQuery:
    object_type: str
    """The type id of the records searched: only they are found."""
    groups: tuple[tuple[Condition, ...], ...]
    """OR of AND-groups; no groups means every live record of the type."""
    limit: int
    offset: int = 0
    sort: SearchSort | None = None


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    ids: list[int]
    """The page's record ids, in the order of the search."""
    count_to_keep: Condition | None = None
    """An equality condition whose rows were counted, and were many: worth passing to
    ``Store.keep_search_count`` so that the next search reads its total."""


@dataclass(frozen=True)
class Dialect:
    """What differs between the backends' SQL."""

    placeholder: str
    regex_operator: str
    like_operator: str
    """Case-insensitive (for ASCII) LIKE."""
    sort_expressions: dict[SortKind, str]
    """SQL of each kind of sort key, with ``{values}`` for the JSON column and a
    placeholder for the property name."""
    value_expression: str
    """SQL of a record's stored value of one property, from ``property_values``, with a
    placeholder for the property name."""
    property_path: str = "{name}"
    """How the property name parameter is spelled for the JSON lookup."""


_RANGE_OPERATORS = {
    Comparison.LT: "<",
    Comparison.LTE: "<=",
    Comparison.GT: ">",
    Comparison.GTE: ">=",
}


#: How the store runs a statement: its rows.
Execute = Callable[[str, list[Any]], Iterable[Sequence[Any]]]

#: Index lookups that may drive a group are counted up to this many rows, to choose.
PROBE_LIMIT = 10_000

#: An equality search that counts at least this many rows has its key's count kept.
KEEP_COUNT_FROM = 10_000


class SearchSql:
    """Builds the count and page statements of a :class:`SearchQuery`."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        p = dialect.placeholder
        self._live_ids = (
            f"SELECT id AS object_id FROM objects WHERE object_type = {p} AND archived_at IS NULL"
        )

    def run(self, query: SearchQuery, execute: Execute) -> SearchResult:
        """Search with ``execute`` (a connection's): the probes, the count, the page."""

        def first(sql: str, params: list[Any]) -> int:
            (row,) = list(execute(sql, params))
            return int(row[0])

        counted = counted_condition(query)
        kept = None
        if counted is not None:
            sql, params = self.kept_count(query.object_type, counted)
            kept = next((int(row[0]) for row in execute(sql, params)), None)
        estimates = {c: first(sql, params) for c, sql, params in self.probes(query)}
        (count, count_params), (page, page_params) = self.statements(query, estimates)
        total = first(count, count_params) if kept is None else kept
        ids = [row[0] for row in execute(page, page_params)] if total else []
        worth_keeping = kept is None and counted is not None and total >= KEEP_COUNT_FROM
        return SearchResult(total, ids, counted if worth_keeping else None)

    def kept_count(self, object_type: str, condition: Condition) -> tuple[str, list[Any]]:
        """The statement reading the kept count (no row if none is) of an equality
        condition's key."""
        p = self._dialect.placeholder
        sql = (
            f"SELECT n FROM search_counts "
            f"WHERE object_type = {p} AND property = {p} AND value = {p}"
        )
        return sql, [object_type, condition.properties[0], count_key(condition.keys[0])]

    def keep_count(self, object_type: str, condition: Condition) -> tuple[str, list[Any]]:
        """The statement that counts an equality condition's rows and keeps the count
        (unless one is kept already); run it where no writer can change the rows."""
        rows, params = self._condition(object_type, condition)
        p = self._dialect.placeholder
        sql = (
            f"INSERT INTO search_counts (object_type, property, value, n) "
            f"SELECT {p}, {p}, {p}, count(*) FROM ({rows}) AS r WHERE TRUE ON CONFLICT DO NOTHING"
        )
        key = count_key(condition.keys[0])
        return sql, [object_type, condition.properties[0], key, *params]

    def probes(self, query: SearchQuery) -> list[tuple[Condition, str, list[Any]]]:
        """Statements that count (up to :data:`PROBE_LIMIT`) the rows of each index lookup
        that could drive a group of several conditions; their answers are the
        ``estimates`` of :meth:`statements`."""
        probes = []
        for group in query.groups:
            if len(group) > 1:
                for condition in group:
                    if _seekable(condition) and not condition.negated:
                        sql, params = self._condition(query.object_type, condition)
                        limited = f"SELECT count(*) FROM ({sql} LIMIT {PROBE_LIMIT}) AS p"
                        probes.append((condition, limited, params))
        return probes

    def statements(
        self, query: SearchQuery, estimates: Mapping[Condition, int] | None = None
    ) -> tuple[tuple[str, list[Any]], tuple[str, list[Any]]]:
        """``(count statement, page statement)``, each with its parameters."""
        matches, params = self._matches(query, estimates or {})
        count = (f"SELECT count(*) FROM ({matches}) AS m", list(params))
        p = self._dialect.placeholder
        if query.sort is None or query.sort.property == ID_PROPERTY:
            direction = "DESC" if query.sort and query.sort.descending else "ASC"
            page = (
                f"SELECT object_id FROM ({matches}) AS m "
                f"ORDER BY object_id {direction} LIMIT {p} OFFSET {p}",
                [*params, query.limit, query.offset],
            )
            return count, page
        sort = query.sort
        ordered = self._index_ordered_page(query)
        if ordered is not None:
            return count, ordered
        expression = self._dialect.sort_expressions[sort.kind].format(
            values="t.property_values", name=p
        )
        path = self._dialect.property_path.format(name=sort.property)
        direction = "DESC" if sort.descending else "ASC"
        page = (
            f"SELECT m.object_id FROM ({matches}) AS m JOIN objects t ON t.id = m.object_id "
            f"ORDER BY ({expression}) IS NULL, {expression} {direction}, m.object_id "
            f"LIMIT {p} OFFSET {p}",
            [*params, path, path, query.limit, query.offset],
        )
        return count, page

    def _index_ordered_page(self, query: SearchQuery) -> tuple[str, list[Any]] | None:
        """The page of a search with one group that itself filters on the number or
        instant it is sorted by (``hs_lastmodifieddate GT x``, sorted by it: how
        integrations sync), read in the index's order and stopped at the page's end.
        Every match has a value of the sort property there, so none sorts last for
        lacking one. ``None`` for any other search."""
        sort = query.sort
        if sort is None or sort.kind is SortKind.TEXT or len(query.groups) != 1:
            return None
        (group,) = query.groups
        on_sort = [
            c for c in group if c.properties == (sort.property,) and c.numeric and not c.negated
        ]
        if not on_sort:
            return None
        driver = on_sort[0]
        p = self._dialect.placeholder
        params: list[Any] = [query.object_type, sort.property]
        where = f"c.object_type = {p} AND c.property = {p}"
        if driver.comparison is not Comparison.HAS_PROPERTY:
            test, test_params = self._comparison("c.value", driver)
            where += f" AND {test}"
            params.extend(test_params)
        for condition in group:
            if condition is not driver:
                test, test_params = self._test(query.object_type, condition, "c.object_id")
                where += f" AND {test}"
                params.extend(test_params)
        direction = "DESC" if sort.descending else "ASC"
        return (
            f"SELECT c.object_id FROM search_numbers c WHERE {where} "
            f"ORDER BY c.value {direction}, c.object_id LIMIT {p} OFFSET {p}",
            [*params, query.limit, query.offset],
        )

    def _matches(
        self, query: SearchQuery, estimates: Mapping[Condition, int]
    ) -> tuple[str, list[Any]]:
        if not query.groups:
            return self._live_ids, [query.object_type]
        selects: list[str] = []
        params: list[Any] = []
        for group in query.groups:
            sql, group_params = self._group(query.object_type, group, estimates)
            selects.append(f"SELECT object_id FROM ({sql}) AS g")
            params.extend(group_params)
        return " UNION ".join(selects), params

    def _group(
        self, object_type: str, conditions: Sequence[Condition], estimates: Mapping[Condition, int]
    ) -> tuple[str, list[Any]]:
        """The ids passing every condition: one condition's rows (the fewest, as far as
        the estimates tell) are tested against the others one by one."""
        driver = min(conditions, key=lambda c: _rank(c, estimates))
        sql, params = self._condition(object_type, driver)
        # A record has one key per property: only an index condition on several properties
        # can name a record twice.
        repeats = len(driver.properties) > 1 and driver.comparison is not Comparison.MATCHES
        distinct = "DISTINCT " if repeats else ""
        tests: list[str] = []
        for condition in conditions:
            if condition is not driver:
                test, test_params = self._test(object_type, condition, "c.object_id")
                tests.append(test)
                params.extend(test_params)
        where = f" WHERE {' AND '.join(tests)}" if tests else ""
        return f"SELECT {distinct}c.object_id FROM ({sql}) AS c{where}", params

    def _test(
        self, object_type: str, condition: Condition, object_id: str
    ) -> tuple[str, list[Any]]:
        """A test of one record (``object_id`` is its SQL) against ``condition``: an index
        seek where the index allows one, else membership of the condition's ids."""
        no = "NOT " if condition.negated else ""
        if condition.comparison is Comparison.MATCHES:
            test, params = self._matching_test(condition)
            return f"{no}EXISTS (SELECT 1 FROM objects WHERE id = {object_id} AND {test})", params
        if condition.properties == (ID_PROPERTY,):
            test, params = self._comparison(object_id, condition)
            return f"{no}({test})", params
        if _seekable(condition):
            table = "search_numbers" if condition.numeric else "search_text"
            test, params = self._comparison("s.value", condition)
            p = self._dialect.placeholder
            seek = (
                f"SELECT 1 FROM {table} s WHERE s.object_type = {p} AND s.property = {p} "
                f"AND {test} AND s.object_id = {object_id}"
            )
            return f"{no}EXISTS ({seek})", [object_type, condition.properties[0], *params]
        positive, params = self._condition(object_type, replace(condition, negated=False))
        return f"{object_id} {no}IN ({positive})", params

    def _condition(self, object_type: str, condition: Condition) -> tuple[str, list[Any]]:
        if condition.comparison is Comparison.MATCHES:
            return self._matching(object_type, condition)
        if condition.properties == (ID_PROPERTY,):
            return self._on_id(object_type, condition)
        table = "search_numbers" if condition.numeric else "search_text"
        p = self._dialect.placeholder
        names = condition.properties
        where = f"property = {p}" if len(names) == 1 else f"property IN ({_marks(p, len(names))})"
        params: list[Any] = [object_type, *names]
        if condition.comparison is not Comparison.HAS_PROPERTY:
            test, test_params = self._comparison("value", condition)
            where += f" AND {test}"
            params.extend(test_params)
        positive = f"SELECT object_id FROM {table} WHERE object_type = {p} AND {where}"
        if condition.negated:
            return f"{self._live_ids} AND id NOT IN ({positive})", [object_type, *params]
        return positive, params

    def _on_id(self, object_type: str, condition: Condition) -> tuple[str, list[Any]]:
        test, params = self._comparison("id", condition)
        if condition.negated:
            return f"{self._live_ids} AND NOT ({test})", [object_type, *params]
        return f"{self._live_ids} AND {test}", [object_type, *params]

    def _matching(self, object_type: str, condition: Condition) -> tuple[str, list[Any]]:
        """Live records whose value of any of the properties matches (or, negated, none)."""
        test, params = self._matching_test(condition)
        if condition.negated:
            return f"{self._live_ids} AND NOT coalesce({test}, FALSE)", [object_type, *params]
        return f"{self._live_ids} AND ({test})", [object_type, *params]

    def _matching_test(self, condition: Condition) -> tuple[str, list[Any]]:
        """Whether, for every key, an objects row's value of one of the properties matches
        it; the cheap tests of the hints come first."""
        dialect = self._dialect
        p = dialect.placeholder
        like = f"property_values {dialect.like_operator} {p}"
        tests = [like] * len(condition.hints)
        params: list[Any] = [f"%{hint}%" for hint in condition.hints]
        test = f"{dialect.value_expression} {dialect.regex_operator} {p}"
        any_matches = "(" + " OR ".join([test] * len(condition.properties)) + ")"
        paths = [dialect.property_path.format(name=name) for name in condition.properties]
        for key in condition.keys:
            tests.append(any_matches)
            for path in paths:
                params.extend([path, key])
        return f"({' AND '.join(tests)})", params

    def _comparison(self, column: str, condition: Condition) -> tuple[str, list[Any]]:
        p = self._dialect.placeholder
        keys = list(condition.keys)
        match condition.comparison:
            case Comparison.EQ:
                return f"{column} = {p}", keys
            case Comparison.IN:
                return f"{column} IN ({_marks(p, len(keys))})", keys
            case Comparison.BETWEEN:
                return f"{column} BETWEEN {p} AND {p}", keys
            case Comparison.HAS_PROPERTY:
                return "TRUE", []
            case _:
                return f"{column} {_RANGE_OPERATORS[condition.comparison]} {p}", keys


def _marks(placeholder: str, count: int) -> str:
    return ", ".join([placeholder] * count)


def _seekable(condition: Condition) -> bool:
    """Whether one record can be tested with index seeks (``EQ``/``IN`` on one property)."""
    return (
        condition.comparison in (Comparison.EQ, Comparison.IN)
        and len(condition.properties) == 1
        and condition.properties != (ID_PROPERTY,)
    )


def _rank(condition: Condition, estimates: Mapping[Condition, int]) -> int:
    """How many rows driving a group by ``condition`` reads, as far as is known: the
    probed count of an index lookup, else a guess by kind (ranges and presence tests
    read a part of the index, negations and text matches nearly every record)."""
    if condition in estimates:
        return estimates[condition]
    if condition.negated or condition.comparison is Comparison.MATCHES:
        return 4 * PROBE_LIMIT
    if condition.properties == (ID_PROPERTY,):
        return 0 if condition.comparison in (Comparison.EQ, Comparison.IN) else PROBE_LIMIT
    if _seekable(condition):
        return PROBE_LIMIT
    return 2 * PROBE_LIMIT


def counted_condition(query: SearchQuery) -> Condition | None:
    """The condition of a search that is one equality test on one indexed property,
    whose total is the number of index rows of one key (and may be kept)."""
    if len(query.groups) != 1 or len(query.groups[0]) != 1:
        return None
    (condition,) = query.groups[0]
    if condition.comparison is Comparison.EQ and _seekable(condition) and not condition.negated:
        return condition
    return None


def count_key(key: SearchKey) -> str:
    """How a key is written in ``search_counts``."""
    return key if isinstance(key, str) else repr(key)


#: ``(object type, property, count key)``: a row of ``search_counts``.
CountKey = tuple[str, str, str]


class CountChanges:
    """What one transaction's index writes did to the number of rows of each key, to
    move the kept counts by when it commits (see "Counts" above)."""

    def __init__(self) -> None:
        # By (object type, property, key) as indexed; written as count keys only when
        # asked for.
        self._deltas: Counter[tuple[str, str, SearchKey]] = Counter()
        self._unsure: set[tuple[str, str, SearchKey]] = set()

    def __bool__(self) -> bool:
        """Whether the transaction indexed or unindexed anything."""
        return bool(self._deltas or self._unsure)

    def record(
        self, object_type: str, rows: Sequence[SearchEntry], changed: int, *, added: bool
    ) -> None:
        """``rows`` of ``object_type`` were inserted (``added``) or deleted by a statement
        that changed ``changed`` rows; if it did not change them all, the changes are
        unsure."""
        keys = [(object_type, name, key) for name, key, _ in rows]
        if changed != len(rows):
            self._unsure.update(keys)
        elif added:
            self._deltas.update(keys)
        else:
            self._deltas.subtract(keys)

    def add(self, object_type: str, name: str, key: SearchKey, rows: int) -> None:
        """``rows`` rows of key ``(name, key)`` of ``object_type`` were surely added."""
        self._deltas[(object_type, name, key)] += rows

    def deltas(self, kept: Container[CountKey] | None = None) -> list[tuple[str, str, str, int]]:
        """``(object type, property, count key, change)`` of the sure, non-zero changes,
        sorted; only of ``kept`` keys if given."""
        changes = (
            (object_type, name, count_key(key), delta)
            for (object_type, name, key), delta in self._deltas.items()
            if delta and (object_type, name, key) not in self._unsure
        )
        return sorted(c for c in changes if kept is None or c[:3] in kept)

    def unsure(self) -> list[CountKey]:
        return sorted(
            {(object_type, name, count_key(key)) for object_type, name, key in self._unsure}
        )


@dataclass(frozen=True, slots=True)
class KeyGroups:
    """The index rows of one property in a bulk load (``Transaction.load_index``): its
    keys in ascending order and, for each, its records' ids in ascending order."""

    property: str
    numeric: bool
    keys: list[SearchKey]
    ids: list[list[int]]


def split_entries(
    entries: Sequence[SearchEntry],
) -> tuple[list[SearchEntry], list[SearchEntry]]:
    """``entries`` as rows of ``search_text`` and rows of ``search_numbers``."""
    text = sorted(e for e in entries if isinstance(e[1], str))
    numbers = sorted(e for e in entries if not isinstance(e[1], str))
    return text, numbers
