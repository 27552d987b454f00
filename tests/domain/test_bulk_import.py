"""Bulk imports (``spoke seed``): the same tickets, history, unique values and search index
as creates would give, on every backend.

The same inputs are imported in bulk (ids 1..N) and then created one request at a time
through ``TicketWriter.create`` (ids N+1..2N), into one database. Values are chosen to
hit every way a key is computed: case folding beyond ASCII, long text (shortened keys),
U+0000, JSON escapes, numbers that are and are not exact as JSON, dates and instants at
the ends of the range, and values that differ only in case (one key).

The index is checked through the store's search, against the rows the domain computes
for each stored ticket (``search_index.entries``, what every write indexes): for each
key an equality search finds exactly its tickets, and for each property a presence
search counts exactly its rows, so no row is missing, wrong or extra.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

import pytest

from spoke.domain import search_index
from spoke.domain.bulk_import import CHUNK, import_objects
from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import ObjectTypes
from spoke.domain.properties import Option, PropertyDefinition, PropertyType
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.domain.writes import ObjectWriter, WriteSource
from spoke.errors import PropertyValuesNotValid
from spoke.store import Store, open_store
from spoke.store.search import Comparison, Condition, SearchKey, SearchQuery

SOURCE = WriteSource.integration(1000000)
TYPE = TICKETS.type_id


def catalogue_of(store: Store) -> Catalogue:
    return Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES))


CUSTOM = [
    PropertyDefinition("amount", "Amount", PropertyType.NUMBER, "number", "ticketinformation"),
    PropertyDefinition("due", "Due", PropertyType.DATE, "date", "ticketinformation"),
    PropertyDefinition("seen_at", "Seen at", PropertyType.DATETIME, "date", "ticketinformation"),
    PropertyDefinition("vip", "VIP", PropertyType.BOOL, "booleancheckbox", "ticketinformation"),
    PropertyDefinition(
        "colours",
        "Colours",
        PropertyType.ENUMERATION,
        "checkbox",
        "ticketinformation",
        options=(Option("Red", "red"), Option("Blue", "blue")),
    ),
    PropertyDefinition(
        "code", "Code", PropertyType.STRING, "text", "ticketinformation", has_unique_value=True
    ),
]

TEXTS = [
    "Plain subject",
    "plain SUBJECT",  # the same key as the one before
    "ÉCOLE Straße İstanbul ΣΊΣΥΦΟΣ",
    'quote " backslash \\ slash / tab \t newline \n end',
    "nul \x00 inside",
    "emoji 🎉 and \u2028 separator",
    "x" * 199 + "É",  # 200 characters: kept whole
    "Long " * 60,  # shortened, with a digest
    "LONG " * 60,  # the same key as the one before
]
NUMBERS = [
    "0",
    "-17",
    "0.1",
    "123456789.987654321",
    "1e-7",
    "9007199254740993",  # above 2**53: not exact as a double
    "-9007199254740992",
    "1e400",
    "12345678901234567890123",
]
DATES = ["0001-01-01", "1969-12-31", "2024-02-29", "9999-12-31"]
INSTANTS = [
    "0001-01-01T00:00:00Z",
    "1969-12-31T23:59:59.999Z",
    "2024-02-29T12:34:56.789Z",
    "1700000000123",
    "9999-12-31T23:59:59.999Z",
]


def inputs(count: int, tag: str = "") -> list[dict[str, str]]:
    tickets = []
    for i in range(count):
        ticket = {
            "subject": TEXTS[i % len(TEXTS)],
            "content": TEXTS[(i * 5 + 1) % len(TEXTS)] + str(i % 3),
            "hs_pipeline_stage": str(1 + i % 4),
            "hs_ticket_priority": ["LOW", "HIGH", "URGENT"][i % 3],
            "amount": NUMBERS[i % len(NUMBERS)],
            "due": DATES[i % len(DATES)],
            "seen_at": INSTANTS[i % len(INSTANTS)],
            "vip": ["true", "FALSE", "True"][i % 3],
            "colours": ["red", "red;blue", "blue"][i % 3],
            "code": f"code-{tag}{i}",
        }
        if i % 7 == 3:
            del ticket["content"], ticket["amount"]
        tickets.append(ticket)
    return tickets


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, fresh_database: Callable[[str], str]) -> Iterator[Store]:
    store = open_store(fresh_database(request.param))
    store.migrate()
    store.create_properties(TYPE, CUSTOM)
    yield store
    store.close()


def search(store: Store, condition: Condition) -> tuple[int, list[int]]:
    result = store.search_objects(SearchQuery(TYPE, groups=((condition,),), limit=100_000))
    return result.total, sorted(result.ids)


def expected_index(store: Store, catalogue: Catalogue) -> dict[str, dict[SearchKey, list[int]]]:
    properties = catalogue.current(TICKETS)
    rows: dict[str, dict[SearchKey, list[int]]] = defaultdict(lambda: defaultdict(list))
    for ticket in store.list_objects(TYPE, 0, 100_000, archived=False):
        for name, key, ticket_id in search_index.entries(properties, ticket.id, ticket.values):
            rows[name][key].append(ticket_id)
    return rows


def test_a_bulk_import_indexes_tickets_as_creates_do(store: Store) -> None:
    catalogue = catalogue_of(store)
    sent = inputs(126)
    assert import_objects(catalogue, TICKETS, sent, SOURCE) == len(sent)
    writer = ObjectWriter(store, catalogue)
    again = inputs(len(sent), "again-")  # unique codes of their own
    for start in range(0, len(again), 100):
        writer.create(TICKETS, again[start : start + 100], SOURCE)

    imported = {t.id: t for t in store.list_objects(TYPE, 0, 1000, archived=False)}
    assert sorted(imported) == list(range(1, 2 * len(sent) + 1))
    numeric = {d.name for d in CUSTOM if d.type in search_index.NUMERIC_TYPES}
    numeric.update({"createdate", "hs_lastmodifieddate", "hs_ticket_id"})
    stage_dates = {f"hs_date_entered_{stage}" for stage in ("1", "2", "3", "4")}
    numeric.update(stage_dates)
    for ticket_id in range(1, len(sent) + 1):
        bulk, created = imported[ticket_id], imported[ticket_id + len(sent)]
        assert bulk.version == created.version == 1
        entered = f"hs_date_entered_{bulk.values['hs_pipeline_stage']}"  # as the write's time
        assert bulk.values[entered] == bulk.values["hs_lastmodifieddate"]
        assert created.values[entered] == created.values["hs_lastmodifieddate"]
        differ = {"hs_lastmodifieddate", "createdate", "hs_object_id", "hs_ticket_id", "code"}
        differ.add(entered)
        assert {n: v for n, v in bulk.values.items() if n not in differ} == {
            n: v for n, v in created.values.items() if n not in differ
        }
    history = store.read_history(TYPE, [1, 1 + len(sent)], ["subject", "amount"])
    assert [e.value for e in history[(1, "subject")]] == [
        e.value for e in history[(1 + len(sent), "subject")]
    ]
    assert history[(1, "amount")][0].source_id == "1000000"
    assert store.find_unique_values(TYPE, "code", ["code-5"]) == {"code-5": 6}

    index = expected_index(store, catalogue)
    assert set(index) >= {"subject", "content", "amount", "due", "seen_at", "vip", "colours"}
    for name, keys in index.items():
        is_numeric = name in numeric
        every = Condition((name,), Comparison.HAS_PROPERTY, numeric=is_numeric)
        assert search(store, every)[0] == sum(map(len, keys.values())), name
        for key, ids in keys.items():
            found = search(store, Condition((name,), Comparison.EQ, (key,), numeric=is_numeric))
            assert found == (len(ids), sorted(ids)), (name, key)
            bulk_ids = [i for i in ids if i <= len(sent)]
            if name not in {"hs_lastmodifieddate", "hs_ticket_id", "createdate", "code"}.union(
                stage_dates
            ):
                # the same inputs, so the same tickets on both sides
                assert [i + len(sent) for i in bulk_ids] == [i for i in ids if i > len(sent)]


def test_a_bulk_import_moves_kept_counts(store: Store) -> None:
    catalogue = catalogue_of(store)
    import_objects(catalogue, TICKETS, inputs(30), SOURCE)
    stage = Condition(("hs_pipeline_stage",), Comparison.EQ, ("1",))
    store.keep_search_count(TYPE, stage)
    import_objects(catalogue, TICKETS, inputs(30, "again-"), SOURCE)
    result = store.search_objects(SearchQuery(TYPE, groups=((stage,),), limit=100))
    assert result.total == len(result.ids) == 16
    assert result.count_to_keep is None  # read from the kept count


def test_a_bulk_import_validates_as_a_create_does(store: Store) -> None:
    catalogue = catalogue_of(store)
    bad = [*inputs(3), {"hs_pipeline_stage": "1", "amount": "twelve", "vip": "maybe"}]
    with pytest.raises(PropertyValuesNotValid) as imported:
        import_objects(catalogue, TICKETS, bad, SOURCE)
    with pytest.raises(PropertyValuesNotValid) as created:
        ObjectWriter(store, catalogue).create(TICKETS, bad, SOURCE)
    assert imported.value.problems == created.value.problems
    assert len(imported.value.problems) == 2
    assert store.count_objects(TYPE) == 0


def test_a_failure_after_the_first_chunk_leaves_nothing(store: Store) -> None:
    # The first chunk's records are being inserted (on SQLite, on a thread of the
    # store) and grouped for the index (in a child process) when the second fails.
    catalogue = catalogue_of(store)
    bad = [*inputs(CHUNK), {"hs_pipeline_stage": "1", "amount": "twelve"}]
    with pytest.raises(PropertyValuesNotValid):
        import_objects(catalogue, TICKETS, bad, SOURCE)
    assert store.count_objects(TYPE) == 0
    every = Condition(("subject",), Comparison.HAS_PROPERTY)
    assert search(store, every) == (0, [])
    assert import_objects(catalogue, TICKETS, inputs(3), SOURCE) == 3
    assert search(store, every)[0] == store.count_objects(TYPE) == 3
