"""The search index and the SQL that searches it, shared by both backends.

Every value of a live ticket has one row in a search table, keyed by
``(property, key, ticket_id)``: ``search_numbers`` for numbers, dates and datetimes
(keys are numbers, instants in epoch milliseconds) and ``search_text`` for everything
else (keys are the lowercased value). The domain computes the keys
(``spoke/domain/search_index.py``); the store only keeps and queries them.

A search is an OR of groups, each an AND of conditions. Each condition is one indexed
range, so an equality test reads an index, never every ticket; negated conditions are
the live tickets that the positive condition does not match; text matches (``MATCHES``)
read the tickets' stored values. In a group, the condition that finds fewest rows (as
:meth:`SearchSql.probes` counts them) drives, and each of its tickets is tested against
the others. A search sorted by the number or instant its group filters on is read in
the index's order.

The ticket id (``hs_object_id``) is not indexed twice: conditions on it read the tickets
table's primary key.

Counts. A search's ``total`` is exact, and counting the rows of a key that most tickets
share (``hs_pipeline = 0``) reads as many index rows as there are tickets. So a key whose
equality search counted at least :data:`KEEP_COUNT_FROM` rows gets its count kept in
``search_counts`` (``Store.keep_search_count``), and the total of an equality search on
it is read from there. Every transaction moves the kept counts of the keys it indexed
and unindexed, by what its statements changed, just before it commits
(:class:`CountChanges`); a key whose change is unsure loses its kept count, and is
counted again. Keys are never dropped from ``search_counts`` otherwise: there are at most
``tickets / KEEP_COUNT_FROM`` per property.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

SearchKey = str | float
#: ``(property, key, ticket_id)``: one row of the search index.
SearchEntry = tuple[str, SearchKey, int]

#: The property that is the ticket's id; conditions on it use the tickets table.
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
    """The stored value (not the key, which may be shortened) matches the regular
    expression ``keys[0]``: token and full-text search, which read every live ticket."""


class SortKind(StrEnum):
    NUMBER = "number"
    INSTANT = "instant"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Condition:
    """Tickets with a value of one of ``properties`` that passes ``comparison``; or,
    when ``negated``, the live tickets without one."""

    properties: tuple[str, ...]
    comparison: Comparison
    keys: tuple[SearchKey, ...] = ()
    numeric: bool = False
    negated: bool = False
    hint: str | None = None
    """For MATCHES: ASCII letters and digits that every matching value contains, in any
    case; a cheap test on the whole stored row that spares most rows the expression."""


@dataclass(frozen=True, slots=True)
class SearchSort:
    property: str
    kind: SortKind
    descending: bool = False


@dataclass(frozen=True, slots=True)
class SearchQuery:
    groups: tuple[tuple[Condition, ...], ...]
    """OR of AND-groups; no groups means every live ticket."""
    limit: int
    offset: int = 0
    sort: SearchSort | None = None


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    ids: list[int]
    """The page's ticket ids, in the order of the search."""
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
    """SQL of a ticket's stored value of one property, from ``property_values``, with a
    placeholder for the property name."""
    property_path: str = "{name}"
    """How the property name parameter is spelled for the JSON lookup."""


_RANGE_OPERATORS = {
    Comparison.LT: "<",
    Comparison.LTE: "<=",
    Comparison.GT: ">",
    Comparison.GTE: ">=",
}

_LIVE_IDS = "SELECT id AS ticket_id FROM tickets WHERE archived_at IS NULL"

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

    def run(self, query: SearchQuery, execute: Execute) -> SearchResult:
        """Search with ``execute`` (a connection's): the probes, the count, the page."""

        def first(sql: str, params: list[Any]) -> int:
            (row,) = list(execute(sql, params))
            return int(row[0])

        counted = counted_condition(query)
        kept = None
        if counted is not None:
            sql, params = self.kept_count(counted)
            kept = next((int(row[0]) for row in execute(sql, params)), None)
        estimates = {c: first(sql, params) for c, sql, params in self.probes(query)}
        (count, count_params), (page, page_params) = self.statements(query, estimates)
        total = first(count, count_params) if kept is None else kept
        ids = [row[0] for row in execute(page, page_params)] if total else []
        worth_keeping = kept is None and counted is not None and total >= KEEP_COUNT_FROM
        return SearchResult(total, ids, counted if worth_keeping else None)

    def kept_count(self, condition: Condition) -> tuple[str, list[Any]]:
        """The statement reading the kept count (no row if none is) of an equality
        condition's key."""
        p = self._dialect.placeholder
        sql = f"SELECT n FROM search_counts WHERE property = {p} AND value = {p}"
        return sql, [condition.properties[0], count_key(condition.keys[0])]

    def keep_count(self, condition: Condition) -> tuple[str, list[Any]]:
        """The statement that counts an equality condition's rows and keeps the count
        (unless one is kept already); run it where no writer can change the rows."""
        rows, params = self._condition(condition)
        p = self._dialect.placeholder
        sql = (
            f"INSERT INTO search_counts (property, value, n) "
            f"SELECT {p}, {p}, count(*) FROM ({rows}) AS r WHERE TRUE ON CONFLICT DO NOTHING"
        )
        return sql, [condition.properties[0], count_key(condition.keys[0]), *params]

    def probes(self, query: SearchQuery) -> list[tuple[Condition, str, list[Any]]]:
        """Statements that count (up to :data:`PROBE_LIMIT`) the rows of each index lookup
        that could drive a group of several conditions; their answers are the
        ``estimates`` of :meth:`statements`."""
        probes = []
        for group in query.groups:
            if len(group) > 1:
                for condition in group:
                    if _seekable(condition) and not condition.negated:
                        sql, params = self._condition(condition)
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
                f"SELECT ticket_id FROM ({matches}) AS m "
                f"ORDER BY ticket_id {direction} LIMIT {p} OFFSET {p}",
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
            f"SELECT m.ticket_id FROM ({matches}) AS m JOIN tickets t ON t.id = m.ticket_id "
            f"ORDER BY ({expression}) IS NULL, {expression} {direction}, m.ticket_id "
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
        params: list[Any] = [sort.property]
        where = f"c.property = {p}"
        if driver.comparison is not Comparison.HAS_PROPERTY:
            test, test_params = self._comparison("c.value", driver)
            where += f" AND {test}"
            params.extend(test_params)
        for condition in group:
            if condition is not driver:
                test, test_params = self._test(condition, "c.ticket_id")
                where += f" AND {test}"
                params.extend(test_params)
        direction = "DESC" if sort.descending else "ASC"
        return (
            f"SELECT c.ticket_id FROM search_numbers c WHERE {where} "
            f"ORDER BY c.value {direction}, c.ticket_id LIMIT {p} OFFSET {p}",
            [*params, query.limit, query.offset],
        )

    def _matches(
        self, query: SearchQuery, estimates: Mapping[Condition, int]
    ) -> tuple[str, list[Any]]:
        if not query.groups:
            return _LIVE_IDS, []
        selects: list[str] = []
        params: list[Any] = []
        for group in query.groups:
            sql, group_params = self._group(group, estimates)
            selects.append(f"SELECT ticket_id FROM ({sql}) AS g")
            params.extend(group_params)
        return " UNION ".join(selects), params

    def _group(
        self, conditions: Sequence[Condition], estimates: Mapping[Condition, int]
    ) -> tuple[str, list[Any]]:
        """The ids passing every condition: one condition's rows (the fewest, as far as
        the estimates tell) are tested against the others one by one."""
        driver = min(conditions, key=lambda c: _rank(c, estimates))
        sql, params = self._condition(driver)
        # A ticket has one key per property: only an index condition on several properties
        # can name a ticket twice.
        repeats = len(driver.properties) > 1 and driver.comparison is not Comparison.MATCHES
        distinct = "DISTINCT " if repeats else ""
        tests: list[str] = []
        for condition in conditions:
            if condition is not driver:
                test, test_params = self._test(condition, "c.ticket_id")
                tests.append(test)
                params.extend(test_params)
        where = f" WHERE {' AND '.join(tests)}" if tests else ""
        return f"SELECT {distinct}c.ticket_id FROM ({sql}) AS c{where}", params

    def _test(self, condition: Condition, ticket_id: str) -> tuple[str, list[Any]]:
        """A test of one ticket (``ticket_id`` is its SQL) against ``condition``: an index
        seek where the index allows one, else membership of the condition's ids."""
        no = "NOT " if condition.negated else ""
        if condition.comparison is Comparison.MATCHES:
            test, params = self._matching_test(condition)
            return f"{no}EXISTS (SELECT 1 FROM tickets WHERE id = {ticket_id} AND {test})", params
        if condition.properties == (ID_PROPERTY,):
            test, params = self._comparison(ticket_id, condition)
            return f"{no}({test})", params
        if _seekable(condition):
            table = "search_numbers" if condition.numeric else "search_text"
            test, params = self._comparison("s.value", condition)
            p = self._dialect.placeholder
            seek = (
                f"SELECT 1 FROM {table} s WHERE s.property = {p} AND {test} "
                f"AND s.ticket_id = {ticket_id}"
            )
            return f"{no}EXISTS ({seek})", [condition.properties[0], *params]
        positive, params = self._condition(replace(condition, negated=False))
        return f"{ticket_id} {no}IN ({positive})", params

    def _condition(self, condition: Condition) -> tuple[str, list[Any]]:
        if condition.comparison is Comparison.MATCHES:
            return self._matching(condition)
        if condition.properties == (ID_PROPERTY,):
            return self._on_id(condition)
        table = "search_numbers" if condition.numeric else "search_text"
        p = self._dialect.placeholder
        names = condition.properties
        where = f"property = {p}" if len(names) == 1 else f"property IN ({_marks(p, len(names))})"
        params: list[Any] = list(names)
        if condition.comparison is not Comparison.HAS_PROPERTY:
            test, test_params = self._comparison("value", condition)
            where += f" AND {test}"
            params.extend(test_params)
        positive = f"SELECT ticket_id FROM {table} WHERE {where}"
        if condition.negated:
            return f"{_LIVE_IDS} AND id NOT IN ({positive})", params
        return positive, params

    def _on_id(self, condition: Condition) -> tuple[str, list[Any]]:
        test, params = self._comparison("id", condition)
        if condition.negated:
            return f"{_LIVE_IDS} AND NOT ({test})", params
        return f"{_LIVE_IDS} AND {test}", params

    def _matching(self, condition: Condition) -> tuple[str, list[Any]]:
        """Live tickets whose value of any of the properties matches (or, negated, none)."""
        test, params = self._matching_test(condition)
        if condition.negated:
            return f"{_LIVE_IDS} AND NOT coalesce({test}, FALSE)", params
        return f"{_LIVE_IDS} AND ({test})", params

    def _matching_test(self, condition: Condition) -> tuple[str, list[Any]]:
        """Whether a tickets row's value of any of the properties matches."""
        dialect = self._dialect
        test = f"{dialect.value_expression} {dialect.regex_operator} {dialect.placeholder}"
        params: list[Any] = []
        for name in condition.properties:
            params.extend([dialect.property_path.format(name=name), condition.keys[0]])
        any_matches = " OR ".join([test] * len(condition.properties))
        if condition.hint is not None:
            like = f"property_values {dialect.like_operator} {dialect.placeholder}"
            any_matches = f"{like} AND ({any_matches})"
            params.insert(0, f"%{condition.hint}%")
        return f"({any_matches})", params

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
    """Whether one ticket can be tested with index seeks (``EQ``/``IN`` on one property)."""
    return (
        condition.comparison in (Comparison.EQ, Comparison.IN)
        and len(condition.properties) == 1
        and condition.properties != (ID_PROPERTY,)
    )


def _rank(condition: Condition, estimates: Mapping[Condition, int]) -> int:
    """How many rows driving a group by ``condition`` reads, as far as is known: the
    probed count of an index lookup, else a guess by kind (ranges and presence tests
    read a part of the index, negations and text matches nearly every ticket)."""
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


#: ``(property, count key)``: a row of ``search_counts``.
CountKey = tuple[str, str]


class CountChanges:
    """What one transaction's index writes did to the number of rows of each key, to
    move the kept counts by when it commits (see "Counts" above)."""

    def __init__(self) -> None:
        # By (property, key) as indexed; written as count keys only when asked for.
        self._deltas: Counter[tuple[str, SearchKey]] = Counter()
        self._unsure: set[tuple[str, SearchKey]] = set()

    def __bool__(self) -> bool:
        """Whether the transaction indexed or unindexed anything."""
        return bool(self._deltas or self._unsure)

    def record(self, rows: Sequence[SearchEntry], changed: int, *, added: bool) -> None:
        """``rows`` were inserted (``added``) or deleted by a statement that changed
        ``changed`` rows; if it did not change them all, the changes are unsure."""
        keys = [(name, key) for name, key, _ in rows]
        if changed != len(rows):
            self._unsure.update(keys)
        elif added:
            self._deltas.update(keys)
        else:
            self._deltas.subtract(keys)

    def add(self, name: str, key: SearchKey, rows: int) -> None:
        """``rows`` rows of key ``(name, key)`` were surely added."""
        self._deltas[(name, key)] += rows

    def deltas(self, kept: Container[CountKey] | None = None) -> list[tuple[str, str, int]]:
        """``(property, count key, change)`` of the sure, non-zero changes, sorted; only
        of ``kept`` keys if given."""
        changes = (
            (name, count_key(key), delta)
            for (name, key), delta in self._deltas.items()
            if delta and (name, key) not in self._unsure
        )
        return sorted(c for c in changes if kept is None or c[:2] in kept)

    def unsure(self) -> list[CountKey]:
        return sorted({(name, count_key(key)) for name, key in self._unsure})


@dataclass(frozen=True, slots=True)
class KeyGroups:
    """The index rows of one property in a bulk load (``Transaction.load_index``): its
    keys in ascending order, each with its tickets' ids in ascending order."""

    property: str
    numeric: bool
    groups: list[tuple[SearchKey, list[int]]]


def split_entries(
    entries: Sequence[SearchEntry],
) -> tuple[list[SearchEntry], list[SearchEntry]]:
    """``entries`` as rows of ``search_text`` and rows of ``search_numbers``."""
    text = sorted(e for e in entries if isinstance(e[1], str))
    numbers = sorted(e for e in entries if not isinstance(e[1], str))
    return text, numbers
