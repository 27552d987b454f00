"""Searching tickets: ``POST /crm/v3/objects/tickets/search`` (and ``0-5``, and the
``/crm/objects/2026-03/`` paths).

- ``filterGroups`` are an OR of groups, each an AND of filters: at most 5 groups, 6
  filters in a group, 18 in all; every operator HubSpot has, negated ones also matching
  tickets without a value.
- Values compare as their property's type: numbers as numbers, dates and datetimes as
  instants (epoch milliseconds or ISO 8601), text and enumerations without regard to
  case; ``hs_object_id`` as the id number. Bad values, properties and operators get 400.
- ``query``: every word starts a token of ``content``, ``hs_pipeline_stage``,
  ``hs_ticket_category``, ``hs_ticket_id`` or ``subject``.
- One sort (object or plain name, ``-name`` descending), tickets without the value last;
  by default id ascending.
- Pages of ``limit`` (default 10, at most 200, 0 for the total alone); ``after`` is an
  offset; no page reaches past the first 10,000 results.
- The index follows every write at once: creates, updates, upserts, archives, and so
  does the total of a value most tickets share, which is read from a kept count.

Most tests search one data set (``DATA``) built once per backend; each expectation is
computed from ``DATA`` by the helpers under "what the data set should answer", never
taken from Spoke. The SDK (validating every model) runs the main paths; raw HTTP checks
bytes, paging and every error envelope.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import orjson
import pytest
from hubspot.crm.tickets import (
    ApiException,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectInputForCreate,
)
from hubspot_rules import ALWAYS, DEFAULT_KEYS, TICKETS, define_property
from servers import live_server

from spoke.store import open_store
from spoke.store.search import KEEP_COUNT_FROM, Comparison, Condition, SearchQuery

if TYPE_CHECKING:
    from servers import LiveServer

Json = dict[str, Any]
Values = Mapping[str, str]

SEARCH = f"{TICKETS}/search"
SEARCH_PATHS = (
    SEARCH,
    "/crm/v3/objects/0-5/search",
    "/crm/objects/2026-03/tickets/search",
    "/crm/objects/2026-03/0-5/search",
)
JSON_CONTENT_TYPE = "application/json;charset=utf-8"
RECORD = ["id", "properties", "createdAt", "updatedAt", "archived"]

#: What ``query`` searches (HubSpot's default searchable ticket properties).
QUERY_PROPERTIES = ("content", "hs_pipeline_stage", "hs_ticket_category", "hs_ticket_id", "subject")


# -- the data set ----------------------------------------------------------------------------

#: Custom properties of the data set: a number, a date, and the label of each ticket.
SCORE, DUE, REF = "score", "due_date", "ref"

#: Longer than the index keeps of a text; the twin differs only after the 200th character.
LONG = "a" * 150 + " long subject " + "b" * 100
LONG_TWIN = LONG[:-1] + "c"

#: Every ticket of the data set, by label. Scores make text order and number order differ
#: (``"9" > "10"`` as text); ``closed_date`` (datetime) values are a millisecond apart.
DATA: dict[str, dict[str, str]] = {
    "printer": {
        "subject": "Printer jammed on floor 3",
        "content": "The office printer is jammed again",
        "hs_ticket_priority": "HIGH",
        "hs_pipeline_stage": "1",
        "hs_ticket_category": "PRODUCT_ISSUE",
        SCORE: "9",
        DUE: "2024-01-15",
        "closed_date": "2024-01-10T08:00:00.000Z",
    },
    "toner": {
        "subject": "PRINTER OUT OF TONER",
        "hs_ticket_priority": "URGENT",
        "hs_pipeline_stage": "2",
        SCORE: "10",
        "closed_date": "2024-01-10T08:00:00.001Z",
    },
    "invoice": {
        "subject": "Invoice 1042 is wrong",
        "content": "Billing charged twice for invoice 1042",
        "hs_ticket_priority": "LOW",
        "hs_pipeline_stage": "3",
        "hs_ticket_category": "BILLING_ISSUE",
        SCORE: "100",
        DUE: "2024-02-01",
    },
    "refund": {
        "subject": "Refund request",
        "content": "Please refund order 77",
        "hs_ticket_priority": "MEDIUM",
        "hs_pipeline_stage": "4",
        "hs_ticket_category": "BILLING_ISSUE",
        SCORE: "-2.5",
        "closed_date": "2023-12-31T23:59:59.999Z",
    },
    "login": {
        "subject": "Cannot log in",
        "content": "Password reset email never arrives",
        "hs_ticket_priority": "HIGH",
        "hs_pipeline_stage": "1",
        "hs_ticket_category": "PRODUCT_ISSUE",
        SCORE: "0",
        DUE: "2024-01-14",
    },
    "dark_mode": {
        "subject": "Dark mode please",
        "content": "Feature request: dark mode for the dashboard",
        "hs_ticket_priority": "LOW",
        "hs_pipeline_stage": "2",
        "hs_ticket_category": "FEATURE_REQUEST",
    },
    "printing": {
        "subject": "Printing is slow",
        "hs_pipeline_stage": "3",
        SCORE: "9.5",
        "closed_date": "2024-03-01T12:00:00.000Z",
    },
    "reprint": {
        "subject": "Reprint the labels",
        "content": "reprinting needed",
        "hs_pipeline_stage": "1",
        DUE: "2024-01-16",
    },
    "bounce": {
        "subject": "Email bounces",
        "content": "Emails to example.com bounce back",
        "hs_pipeline_stage": "3",
        "hs_ticket_category": "GENERAL_INQUIRY",
        SCORE: "1000000",
    },
    "untitled": {"subject": "untitled", "hs_pipeline_stage": "4"},
    "wifi": {
        "subject": "Wi-Fi drops every hour",
        "hs_ticket_priority": "MEDIUM",
        "hs_pipeline_stage": "2",
        SCORE: "2",
    },
    "printer_only": {"subject": "printer", "hs_ticket_priority": "HIGH", "hs_pipeline_stage": "4"},
    "dark_mode_bug": {
        "subject": "dark MODE broken",
        "hs_ticket_priority": "URGENT",
        "hs_pipeline_stage": "1",
        SCORE: "10.0",
    },
    "cafe": {"subject": "Le café est froid", "content": "CAFÉ machine", "hs_pipeline_stage": "2"},
    "long": {"subject": LONG, "hs_pipeline_stage": "1"},
    "long_twin": {"subject": LONG_TWIN, "hs_pipeline_stage": "1"},
}
LABELS = tuple(DATA)


@dataclass
class Seeded:
    """The data set on one server: every ticket of ``DATA`` by label, and back."""

    server: LiveServer
    http: httpx.Client
    sdk: hubspot.Client
    ids: dict[str, int]

    @property
    def labels(self) -> dict[int, str]:
        return {i: label for label, i in self.ids.items()}


def define_data_set_properties(http: httpx.Client) -> None:
    define_property(http, SCORE, "number", "number")
    define_property(http, DUE, "date", "date")
    define_property(http, REF, "string", "text")


def create_data_set(http: httpx.Client) -> dict[str, int]:
    """Creates ``DATA`` in one batch (each ticket labelled by ``ref``); label → id."""
    inputs = [{"properties": {**values, REF: label}} for label, values in DATA.items()]
    response = http.post(f"{TICKETS}/batch/create", json={"inputs": inputs})
    assert response.status_code == 201, response.text
    ids = {r["properties"][REF]: int(r["id"]) for r in response.json()["results"]}
    assert sorted(ids) == sorted(LABELS)
    return ids


@pytest.fixture(scope="module")
def seeded(module_database_url: str) -> Iterator[Seeded]:
    """The data set, created once per backend; tests that use it only read."""
    with live_server(module_database_url) as running:
        token = running.token()
        with running.http(token) as http:
            define_data_set_properties(http)
            ids = create_data_set(http)
            yield Seeded(running, http, running.sdk(token), ids)


# -- what the data set should answer -----------------------------------------------------------


def number(values: Values, name: str) -> float | None:
    return float(values[name]) if name in values else None


def instant(values: Values, name: str) -> datetime | None:
    """A date or datetime value as an instant (a date is its midnight, UTC)."""
    if name not in values:
        return None
    text = values[name]
    if len(text) == 10:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def epoch_ms(text: str) -> str:
    """An ISO 8601 instant (or date) as the epoch milliseconds a filter may give."""
    moment = at(text) if len(text) > 10 else datetime.fromisoformat(text).replace(tzinfo=UTC)
    return str(round(moment.timestamp() * 1000))


def lowered(values: Values, name: str) -> str | None:
    return values[name].lower() if name in values else None


def tokens(text: str) -> list[str]:
    """A value's tokens: its runs of letters, digits and underscores, lowercased."""
    return re.findall(r"\w+", text.lower())


def has_token(values: Values, name: str, token: str) -> bool:
    """CONTAINS_TOKEN as documented: a whole token equals ``token`` (``*`` is any run)."""
    pattern = re.compile(r"\w*".join(re.escape(part) for part in token.lower().split("*")))
    return any(pattern.fullmatch(t) for t in tokens(values.get(name, "")))


def matches_query(values: Values, query: str) -> bool:
    """Every word starts a token of some searchable property."""
    return all(
        any(t.startswith(word) for p in QUERY_PROPERTIES for t in tokens(values.get(p, "")))
        for word in query.lower().split()
    )


def expected(seeded: Seeded, test: Callable[[Values], bool]) -> list[str]:
    """Labels of the tickets of ``DATA`` passing ``test``, in id order."""
    return [label for label in sorted(LABELS, key=seeded.ids.__getitem__) if test(DATA[label])]


# -- requests ----------------------------------------------------------------------------------


def one_filter(name: str, operator: str, **given: Any) -> Json:
    return {"propertyName": name, "operator": operator, **given}


def where(*filters: Json) -> Json:
    """A body with one filter group of ``filters``."""
    return {"filterGroups": [{"filters": list(filters)}]}


def search_ok(http: httpx.Client, body: Json, path: str = SEARCH) -> Json:
    """A search that must answer 200 in HubSpot's wire format; its body."""
    response = http.post(path, json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_CONTENT_TYPE
    assert response.content == orjson.dumps(orjson.loads(response.content)), "compact JSON"
    result: Json = response.json()
    assert list(result) in (["total", "results"], ["total", "results", "paging"])
    for record in result["results"]:
        assert list(record) == RECORD
    return result


def ids_of(body: Json) -> list[int]:
    return [int(record["id"]) for record in body["results"]]


def found(seeded: Seeded, body: Json) -> list[str]:
    """Labels of every ticket a search finds, in its order (all on one page)."""
    result = search_ok(seeded.http, {"limit": 200, **body})
    assert "paging" not in result
    assert result["total"] == len(result["results"])
    return [seeded.labels[i] for i in ids_of(result)]


def assert_validation_error(response: httpx.Response, message: str) -> None:
    assert response.status_code == 400, response.text
    correlation_id = response.headers["x-hubspot-correlation-id"]
    assert response.content == orjson.dumps(
        {
            "status": "error",
            "message": message,
            "correlationId": correlation_id,
            "category": "VALIDATION_ERROR",
        }
    )


def sdk_search(sdk: hubspot.Client, **request: Any) -> Any:
    return sdk.crm.tickets.search_api.do_search(
        public_object_search_request=PublicObjectSearchRequest(**request)
    )


def sdk_filter(name: str, operator: str, **given: Any) -> FilterGroup:
    return FilterGroup(filters=[Filter(property_name=name, operator=operator, **given)])


# -- tickets of a test's own (on the function-scoped server) --------------------------------


def create_subjects(http: httpx.Client, subjects: list[str], **values: str) -> list[int]:
    """A ticket per subject (in stage 1, with ``values``); their ids in increasing order."""
    ids: list[int] = []
    for start in range(0, len(subjects), 100):
        inputs = [
            {"properties": {"subject": s, "hs_pipeline_stage": "1", **values}}
            for s in subjects[start : start + 100]
        ]
        response = http.post(f"{TICKETS}/batch/create", json={"inputs": inputs})
        assert response.status_code == 201, response.text
        ids += [int(r["id"]) for r in response.json()["results"]]
    return sorted(ids)


def create_subjects_in_order(http: httpx.Client, subjects: list[str]) -> list[int]:
    """A ticket per subject, one request each, so ids follow the order of ``subjects``."""
    ids = []
    for subject in subjects:
        body = {"properties": {"subject": subject, "hs_pipeline_stage": "1"}}
        response = http.post(TICKETS, json=body)
        assert response.status_code == 201, response.text
        ids.append(int(response.json()["id"]))
    return ids


def search_ids(http: httpx.Client, body: Json) -> list[int]:
    result = search_ok(http, {"limit": 200, **body})
    assert result["total"] == len(result["results"])
    return ids_of(result)


# -- every operator ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    filter: Json
    test: Callable[[Values], bool]
    """Whether a ticket of ``DATA`` (its values) should pass ``filter``."""


def on_number(name: str, test: Callable[[float], bool]) -> Callable[[Values], bool]:
    """Tickets with a value of number property ``name`` that passes ``test``."""
    return lambda v: (n := number(v, name)) is not None and test(n)


def on_instant(name: str, test: Callable[[datetime], bool]) -> Callable[[Values], bool]:
    """Tickets with a value of date or datetime property ``name`` that passes ``test``."""
    return lambda v: (i := instant(v, name)) is not None and test(i)


def on_token(name: str, token: str) -> Callable[[Values], bool]:
    return lambda v: has_token(v, name, token)


#: The millisecond ``printer`` was closed, and the next one (``toner``).
CLOSED = "2024-01-10T08:00:00.000Z"
CLOSED_NEXT = "2024-01-10T08:00:00.001Z"
PROPERTIES_SOME_LACK = ("content", SCORE, DUE, "closed_date", "hs_ticket_priority")

#: For each operator, filters and what they must find (computed from ``DATA``).
OPERATOR_CASES: dict[str, list[Case]] = {
    "EQ": [
        Case(
            one_filter("hs_ticket_priority", "EQ", value="high"),
            lambda v: lowered(v, "hs_ticket_priority") == "high",
        ),
        Case(one_filter("subject", "EQ", value="printer"), lambda v: v["subject"] == "printer"),
        Case(
            one_filter("subject", "EQ", value="printer OUT of toner"),
            lambda v: v["subject"].lower() == "printer out of toner",
        ),
        Case(
            one_filter("subject", "EQ", value="LE CAFÉ EST FROID"),
            lambda v: v["subject"].lower() == "le café est froid",
        ),
        Case(one_filter("subject", "EQ", value=LONG), lambda v: v["subject"] == LONG),
        Case(one_filter(SCORE, "EQ", value="10"), on_number(SCORE, lambda n: n == 10)),
        Case(one_filter(SCORE, "EQ", value="9.0"), on_number(SCORE, lambda n: n == 9)),
        Case(
            one_filter("closed_date", "EQ", value="2024-01-10T09:00:00+01:00"),
            on_instant("closed_date", lambda i: i == at(CLOSED)),
        ),
        Case(
            one_filter("closed_date", "EQ", value=epoch_ms(CLOSED_NEXT)),
            on_instant("closed_date", lambda i: i == at(CLOSED_NEXT)),
        ),
        Case(one_filter(DUE, "EQ", value="2024-01-15"), lambda v: v.get(DUE) == "2024-01-15"),
        Case(
            one_filter(DUE, "EQ", value=epoch_ms("2024-01-16")),
            lambda v: v.get(DUE) == "2024-01-16",
        ),
        Case(
            one_filter("hs_pipeline_stage", "EQ", value="4"),
            lambda v: v["hs_pipeline_stage"] == "4",
        ),
    ],
    "NEQ": [
        Case(
            one_filter("hs_ticket_priority", "NEQ", value="HIGH"),
            lambda v: lowered(v, "hs_ticket_priority") != "high",
        ),
        Case(one_filter(SCORE, "NEQ", value="10"), lambda v: number(v, SCORE) != 10),
        Case(one_filter("subject", "NEQ", value=LONG), lambda v: v["subject"] != LONG),
        Case(
            one_filter("closed_date", "NEQ", value="2024-01-10T08:00:00Z"),
            lambda v: instant(v, "closed_date") != at(CLOSED),
        ),
    ],
    "LT": [
        Case(one_filter(SCORE, "LT", value="10"), on_number(SCORE, lambda n: n < 10)),
        Case(
            one_filter("closed_date", "LT", value=CLOSED_NEXT),
            on_instant("closed_date", lambda i: i < at(CLOSED_NEXT)),
        ),
        Case(one_filter("subject", "LT", value="B"), lambda v: v["subject"].lower() < "b"),
    ],
    "LTE": [
        Case(one_filter(SCORE, "LTE", value="10"), on_number(SCORE, lambda n: n <= 10)),
        Case(
            one_filter(DUE, "LTE", value="2024-01-15"),
            on_instant(DUE, lambda i: i <= at("2024-01-15T00:00:00Z")),
        ),
    ],
    "GT": [
        Case(one_filter(SCORE, "GT", value="9.5"), on_number(SCORE, lambda n: n > 9.5)),
        Case(
            one_filter(DUE, "GT", value="2024-01-15T00:00:00.001Z"),
            on_instant(DUE, lambda i: i > at("2024-01-15T00:00:00.001Z")),
        ),
        Case(one_filter("subject", "GT", value="t"), lambda v: v["subject"].lower() > "t"),
    ],
    "GTE": [
        Case(one_filter(SCORE, "GTE", value="-2.5"), on_number(SCORE, lambda n: n >= -2.5)),
        Case(
            one_filter("closed_date", "GTE", value=epoch_ms(CLOSED_NEXT)),
            on_instant("closed_date", lambda i: i >= at(CLOSED_NEXT)),
        ),
    ],
    "BETWEEN": [
        Case(
            one_filter(SCORE, "BETWEEN", value="0", highValue="10"),
            on_number(SCORE, lambda n: 0 <= n <= 10),
        ),
        Case(
            one_filter(
                "closed_date", "BETWEEN", value="2023-12-31T23:59:59.999Z", highValue=CLOSED
            ),
            on_instant("closed_date", lambda i: at("2023-12-31T23:59:59.999Z") <= i <= at(CLOSED)),
        ),
        Case(
            one_filter(DUE, "BETWEEN", value="2024-01-15", highValue="2024-01-16"),
            lambda v: v.get(DUE) in ("2024-01-15", "2024-01-16"),
        ),
    ],
    "IN": [
        Case(
            one_filter("hs_ticket_priority", "IN", values=["high", "Urgent"]),
            lambda v: lowered(v, "hs_ticket_priority") in ("high", "urgent"),
        ),
        Case(
            one_filter("hs_pipeline_stage", "IN", values=["2", "3"]),
            lambda v: v["hs_pipeline_stage"] in ("2", "3"),
        ),
        Case(
            one_filter(SCORE, "IN", values=["9", "100", "7"]),
            on_number(SCORE, lambda n: n in (9, 100, 7)),
        ),
        Case(
            one_filter("subject", "IN", values=["PRINTER", "untitled"]),
            lambda v: v["subject"].lower() in ("printer", "untitled"),
        ),
    ],
    "NOT_IN": [
        Case(
            one_filter("hs_ticket_priority", "NOT_IN", values=["HIGH", "low"]),
            lambda v: lowered(v, "hs_ticket_priority") not in ("high", "low"),
        ),
        Case(
            one_filter(SCORE, "NOT_IN", values=["9", "10"]),
            lambda v: number(v, SCORE) not in (9, 10),
        ),
    ],
    "HAS_PROPERTY": [
        Case(one_filter(name, "HAS_PROPERTY"), lambda v, name=name: name in v)
        for name in PROPERTIES_SOME_LACK
    ],
    "NOT_HAS_PROPERTY": [
        Case(one_filter(name, "NOT_HAS_PROPERTY"), lambda v, name=name: name not in v)
        for name in PROPERTIES_SOME_LACK
    ],
    "CONTAINS_TOKEN": [
        *(
            Case(one_filter("subject", "CONTAINS_TOKEN", value=token), on_token("subject", token))
            for token in ("printer", "PRINT*", "*print*", "prin", "1042", "fi", "Café")
        ),
        *(
            Case(one_filter("content", "CONTAINS_TOKEN", value=token), on_token("content", token))
            for token in ("dark", "café", "print*")
        ),
    ],
    "NOT_CONTAINS_TOKEN": [
        Case(
            one_filter(name, "NOT_CONTAINS_TOKEN", value=token),
            lambda v, name=name, token=token: not has_token(v, name, token),
        )
        for name, token in (("subject", "printer"), ("content", "dark"), ("content", "print*"))
    ],
}
NEGATED = ("NEQ", "NOT_IN", "NOT_HAS_PROPERTY", "NOT_CONTAINS_TOKEN")


@pytest.mark.parametrize("operator", list(OPERATOR_CASES))
def test_each_operator_finds_exactly_the_tickets_it_should(seeded: Seeded, operator: str) -> None:
    answers: list[list[str]] = []
    for case in OPERATOR_CASES[operator]:
        assert case.filter["operator"] == operator
        want = expected(seeded, case.test)
        assert len(want) < len(DATA), f"{case.filter} would not tell anything apart"
        assert found(seeded, where(case.filter)) == want, case.filter
        answers.append(want)
    assert any(answers), f"every {operator} case expects nothing"


@pytest.mark.parametrize("operator", NEGATED)
def test_negated_cases_expect_tickets_without_the_property(operator: str) -> None:
    """The cases of each negated operator check that tickets with no value match."""
    assert any(
        case.filter["propertyName"] not in values and case.test(values)
        for case in OPERATOR_CASES[operator]
        for values in DATA.values()
    )


def test_every_operator_hubspot_has_is_covered() -> None:
    assert list(OPERATOR_CASES) == [
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    ]


# -- typed comparisons and odd values -------------------------------------------------------


def test_numbers_compare_as_numbers_where_text_order_would_differ(seeded: Seeded) -> None:
    below_ten = expected(seeded, on_number(SCORE, lambda n: n < 10))
    as_text = expected(seeded, lambda v: SCORE in v and v[SCORE] < "10")
    assert set(below_ten) != set(as_text), "the data set must tell the two orders apart"
    assert found(seeded, where(one_filter(SCORE, "LT", value="10"))) == below_ten
    assert found(seeded, where(one_filter(SCORE, "LT", value=10))) == below_ten, "JSON number"


def test_datetimes_compare_as_instants_whatever_the_form_of_the_value(seeded: Seeded) -> None:
    after = expected(
        seeded,
        lambda v: (i := instant(v, "closed_date")) is not None and i > at("2024-01-10T08:00:00Z"),
    )
    assert after
    for value in (
        "2024-01-10T08:00:00Z",
        "2024-01-10T08:00:00.000Z",
        "2024-01-10T10:00:00+02:00",
        epoch_ms("2024-01-10T08:00:00Z"),
        int(epoch_ms("2024-01-10T08:00:00Z")),
    ):
        assert found(seeded, where(one_filter("closed_date", "GT", value=value))) == after, value


def test_the_ticket_id_compares_as_a_number(seeded: Seeded) -> None:
    ids = seeded.ids
    assert min(ids.values()) < 10 <= max(ids.values()), "ids on both sides of 10"

    def by_id(test: Callable[[int], bool]) -> list[str]:
        return [label for label in sorted(ids, key=ids.__getitem__) if test(ids[label])]

    toner, bounce = ids["toner"], ids["bounce"]
    cases = [
        (one_filter("hs_object_id", "EQ", value=str(toner)), by_id(lambda i: i == toner)),
        (one_filter("hs_object_id", "EQ", value=toner), by_id(lambda i: i == toner)),
        (one_filter("hs_object_id", "NEQ", value=str(toner)), by_id(lambda i: i != toner)),
        (one_filter("hs_object_id", "LT", value="10"), by_id(lambda i: i < 10)),
        (one_filter("hs_object_id", "GTE", value="10"), by_id(lambda i: i >= 10)),
        (
            one_filter("hs_object_id", "BETWEEN", value="9", highValue="11"),
            by_id(lambda i: 9 <= i <= 11),
        ),
        (
            one_filter("hs_object_id", "IN", values=[str(toner), bounce]),
            by_id(lambda i: i in (toner, bounce)),
        ),
        (
            one_filter("hs_object_id", "NOT_IN", values=[str(toner), str(bounce)]),
            by_id(lambda i: i not in (toner, bounce)),
        ),
        (one_filter("hs_object_id", "HAS_PROPERTY"), by_id(lambda i: True)),
        (one_filter("hs_object_id", "NOT_HAS_PROPERTY"), []),
    ]
    for given, want in cases:
        assert found(seeded, where(given)) == want, given


def test_a_long_text_matches_exactly_though_the_index_keeps_only_its_start(
    seeded: Seeded,
) -> None:
    assert found(seeded, where(one_filter("subject", "EQ", value=LONG_TWIN))) == ["long_twin"]
    assert found(seeded, where(one_filter("subject", "EQ", value=LONG[:200]))) == []
    both = found(seeded, where(one_filter("subject", "IN", values=[LONG.upper(), LONG_TWIN])))
    assert both == ["long", "long_twin"]


def test_token_characters_are_taken_literally_not_as_patterns(seeded: Seeded) -> None:
    assert found(seeded, where(one_filter("subject", "CONTAINS_TOKEN", value="Wi-Fi"))) == ["wifi"]
    assert found(seeded, where(one_filter("subject", "CONTAINS_TOKEN", value="Wi.Fi"))) == []
    assert found(seeded, where(one_filter("subject", "CONTAINS_TOKEN", value="(printer"))) == []


def test_a_multi_select_value_is_matched_whole_by_eq_and_by_token(http: httpx.Client) -> None:
    """docs/behaviour.md: ``EQ``/``IN`` match a multi-select value (``a;b``) as a whole;
    ``CONTAINS_TOKEN`` finds each of its options."""
    both, one = create_subjects_in_order(http, ["Two categories", "One category"])
    categories = {both: "BILLING_ISSUE;PRODUCT_ISSUE", one: "PRODUCT_ISSUE"}
    for ticket, value in categories.items():
        body = {"properties": {"hs_ticket_category": value}}
        assert http.patch(f"{TICKETS}/{ticket}", json=body).status_code == 200
    category = "hs_ticket_category"
    assert search_ids(http, where(one_filter(category, "EQ", value="PRODUCT_ISSUE"))) == [one]
    whole = one_filter(category, "IN", values=["billing_issue;product_issue"])
    assert search_ids(http, where(whole)) == [both]
    token = one_filter(category, "CONTAINS_TOKEN", value="product_issue")
    assert search_ids(http, where(token)) == [both, one]
    assert search_ids(http, {"query": "billing"}) == [both]


def test_a_nul_character_in_a_searched_text_finds_nothing(seeded: Seeded) -> None:
    """PostgreSQL takes no U+0000 in text: such searches must still answer, not fail."""
    for body in (
        {"query": "printer\u0000"},
        where(one_filter("subject", "CONTAINS_TOKEN", value="printer\u0000")),
        where(one_filter("subject", "EQ", value="printer\u0000")),
    ):
        response = seeded.http.post(SEARCH, json=body)
        assert response.status_code == 200, response.text
        assert response.json() == {"total": 0, "results": []}


def test_a_stored_nul_character_does_not_break_searches_over_its_property(
    http: httpx.Client,
) -> None:
    odd, plain = create_subjects_in_order(http, ["nul\u0000inside", "plain ticket"])
    assert search_ids(http, {"query": "nul"}) == [odd]
    assert search_ids(http, where(one_filter("subject", "CONTAINS_TOKEN", value="plain"))) == [
        plain
    ]
    assert search_ids(http, {"sorts": ["-subject"]}) == [plain, odd]


# -- groups: OR of ANDs ------------------------------------------------------------------------


def test_filters_in_a_group_must_all_pass(seeded: Seeded) -> None:
    body = where(
        one_filter("hs_ticket_priority", "EQ", value="HIGH"),
        one_filter(SCORE, "LT", value="10"),
    )
    want = expected(
        seeded,
        lambda v: v.get("hs_ticket_priority") == "HIGH" and on_number(SCORE, lambda n: n < 10)(v),
    )
    assert want
    assert found(seeded, body) == want


def test_two_filters_on_one_property_make_a_range(seeded: Seeded) -> None:
    body = where(one_filter(SCORE, "GT", value="0"), one_filter(SCORE, "LT", value="10"))
    want = expected(seeded, lambda v: (n := number(v, SCORE)) is not None and 0 < n < 10)
    assert found(seeded, body) == want


def test_a_ticket_passing_any_group_is_found_once(seeded: Seeded) -> None:
    body = {
        "filterGroups": [
            {"filters": [one_filter("hs_ticket_priority", "EQ", value="HIGH")]},
            {"filters": [one_filter(SCORE, "LT", value="10")]},
            {"filters": [one_filter("subject", "EQ", value="untitled")]},
        ]
    }
    want = expected(
        seeded,
        lambda v: (
            v.get("hs_ticket_priority") == "HIGH"
            or on_number(SCORE, lambda n: n < 10)(v)
            or v["subject"] == "untitled"
        ),
    )
    overlap = expected(
        seeded,
        lambda v: v.get("hs_ticket_priority") == "HIGH" and on_number(SCORE, lambda n: n < 10)(v),
    )
    assert overlap, "some ticket passes two groups"
    assert found(seeded, body) == want


def test_no_filter_groups_find_every_ticket(seeded: Seeded) -> None:
    everything = expected(seeded, lambda v: True)
    assert found(seeded, {}) == everything
    assert found(seeded, {"filterGroups": []}) == everything
    assert found(seeded, {"filterGroups": None, "query": None, "sorts": None}) == everything


# -- full-text query ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "print",  # starts tokens of subjects and of a content
        "printer jammed",  # every word must match
        "cannot password",  # words may match in different properties
        "billing",  # in content, and the start of the category BILLING_ISSUE
        "PRODUCT",  # categories, any case
        "4",  # the stage id
        "1042 twice",
        "caf",  # a start of café / CAFÉ
        "printer_only",  # the ref property holds it, but ref is not searched
        "rinter",  # inside a token, not at its start
    ],
)
def test_query_words_must_each_start_a_token_of_a_searchable_property(
    seeded: Seeded, query: str
) -> None:
    assert found(seeded, {"query": query}) == expected(seeded, lambda v: matches_query(v, query))


def test_query_expectations_tell_tickets_apart() -> None:
    """The parametrised queries above are discriminating: some find several tickets,
    some exactly one, some none."""
    sizes = {
        q: sum(matches_query(v, q) for v in DATA.values())
        for q in ("print", "printer jammed", "billing", "printer_only", "rinter")
    }
    assert sizes == {
        "print": 4,
        "printer jammed": 1,
        "billing": 2,
        "printer_only": 0,
        "rinter": 0,
    }


def test_a_ticket_is_found_by_its_ticket_id(http: httpx.Client) -> None:
    ids = create_subjects_in_order(http, [f"Ticket {n}" for n in "ABCDEFGHIJKL"])
    wanted = ids[-1]
    assert wanted >= 10, "an id no stage id starts"
    assert search_ids(http, {"query": str(wanted)}) == [wanted]
    assert search_ids(http, where(one_filter("hs_ticket_id", "EQ", value=str(wanted)))) == [wanted]


def test_a_query_with_punctuation_matches_it_in_place(seeded: Seeded) -> None:
    assert found(seeded, {"query": "wi-fi"}) == ["wifi"]


def test_an_empty_or_blank_query_finds_every_ticket(seeded: Seeded) -> None:
    everything = expected(seeded, lambda v: True)
    assert found(seeded, {"query": ""}) == everything
    assert found(seeded, {"query": "   "}) == everything


def test_a_query_and_filters_must_both_match(seeded: Seeded) -> None:
    body = {
        "query": "print",
        "filterGroups": [
            {"filters": [one_filter("hs_ticket_priority", "EQ", value="HIGH")]},
            {"filters": [one_filter("hs_pipeline_stage", "EQ", value="3")]},
        ],
    }
    want = expected(
        seeded,
        lambda v: (
            matches_query(v, "print")
            and (v.get("hs_ticket_priority") == "HIGH" or v["hs_pipeline_stage"] == "3")
        ),
    )
    assert 0 < len(want) < len(expected(seeded, lambda v: matches_query(v, "print")))
    assert found(seeded, body) == want


# -- sorting -----------------------------------------------------------------------------------


def sorted_by(
    seeded: Seeded, key: Callable[[Values], Any], *, descending: bool = False
) -> list[str]:
    """Every label, by ``key`` (tickets without a value last in either direction), ties
    in id order."""
    by_id = sorted(LABELS, key=seeded.ids.__getitem__)
    with_value = [label for label in by_id if key(DATA[label]) is not None]
    without = [label for label in by_id if key(DATA[label]) is None]
    # A stable sort, reversed or not, keeps tied tickets in id order.
    return sorted(with_value, key=lambda label: key(DATA[label]), reverse=descending) + without


@pytest.mark.parametrize(
    ("sort", "key", "descending"),
    [
        ({"propertyName": SCORE, "direction": "ASCENDING"}, lambda v: number(v, SCORE), False),
        ({"propertyName": SCORE, "direction": "DESCENDING"}, lambda v: number(v, SCORE), True),
        (SCORE, lambda v: number(v, SCORE), False),
        (f"-{SCORE}", lambda v: number(v, SCORE), True),
        ({"propertyName": "subject"}, lambda v: v["subject"].lower(), False),
        (
            {"propertyName": "closed_date", "direction": "DESCENDING"},
            lambda v: instant(v, "closed_date"),
            True,
        ),
        ({"propertyName": DUE, "direction": "ASCENDING"}, lambda v: instant(v, DUE), False),
        ("hs_ticket_priority", lambda v: lowered(v, "hs_ticket_priority"), False),
    ],
)
def test_sorting_by_a_property_puts_tickets_without_it_last(
    seeded: Seeded, sort: Json | str, key: Callable[[Values], Any], descending: bool
) -> None:
    assert found(seeded, {"sorts": [sort]}) == sorted_by(seeded, key, descending=descending)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    ("condition", "test", "key"),
    [
        (
            one_filter(SCORE, "GT", value="0"),
            lambda v: (n := number(v, SCORE)) is not None and n > 0,
            lambda v: number(v, SCORE),
        ),
        (
            one_filter(SCORE, "HAS_PROPERTY"),
            lambda v: number(v, SCORE) is not None,
            lambda v: number(v, SCORE),
        ),
        (
            one_filter("closed_date", "GTE", value="2023-12-31T23:59:59.999Z"),
            lambda v: (
                (i := instant(v, "closed_date")) is not None and i >= at("2023-12-31T23:59:59.999Z")
            ),
            lambda v: instant(v, "closed_date"),
        ),
    ],
)
def test_a_search_sorted_by_the_property_it_filters_on_pages_in_that_order(
    seeded: Seeded,
    condition: Json,
    test: Callable[[Values], bool],
    key: Callable[[Values], Any],
    descending: bool,
) -> None:
    """Filtering and sorting on one number or instant (how integrations sync by
    hs_lastmodifieddate); with a second filter in the group, and page by page."""
    direction = "DESCENDING" if descending else "ASCENDING"
    sort = {"propertyName": condition["propertyName"], "direction": direction}
    want = [label for label in sorted_by(seeded, key, descending=descending) if test(DATA[label])]
    assert len(want) >= 3, "enough tickets to tell orders apart"
    assert found(seeded, {**where(condition), "sorts": [sort]}) == want
    also = one_filter("hs_pipeline", "EQ", value="0")
    seen: list[str] = []
    for after in range(0, len(want) + 2, 2):
        page = search_ok(
            seeded.http, {**where(condition, also), "sorts": [sort], "limit": 2, "after": after}
        )
        assert page["total"] == len(want)
        seen += [seeded.labels[i] for i in ids_of(page)]
    assert seen == want


def test_sorting_by_id_descending_reverses_the_default_order(seeded: Seeded) -> None:
    by_id = sorted(LABELS, key=seeded.ids.__getitem__)
    assert found(seeded, {}) == by_id
    assert found(seeded, {"sorts": ["hs_object_id"]}) == by_id
    descending = {"propertyName": "hs_object_id", "direction": "DESCENDING"}
    assert found(seeded, {"sorts": [descending]}) == by_id[::-1]
    assert found(seeded, {"sorts": ["-hs_object_id"]}) == by_id[::-1]


def test_a_sorted_search_pages_in_its_order(seeded: Seeded) -> None:
    body = {"filterGroups": where(one_filter(SCORE, "HAS_PROPERTY"))["filterGroups"]}
    want = [
        label for label in sorted_by(seeded, lambda v: number(v, SCORE)) if SCORE in DATA[label]
    ]
    seen: list[str] = []
    after: str | None = None
    for _ in range(len(DATA) + 1):  # more pages than results: paging never ends
        page = search_ok(
            seeded.http,
            {**body, "sorts": [SCORE], "limit": 3, **({"after": after} if after else {})},
        )
        assert page["total"] == len(want)
        seen += [seeded.labels[i] for i in ids_of(page)]
        if "paging" not in page:
            break
        after = page["paging"]["next"]["after"]
    else:
        pytest.fail("paging never ended")
    assert seen == want


def test_text_sorts_by_code_point_ignoring_the_case_of_ascii_letters(
    http: httpx.Client,
) -> None:
    """docs/behaviour.md: text sorts by code point, ignoring the case of ASCII letters only
    (so ``Étude`` and ``étude`` do not sort together); ties go by id."""
    subjects = ["banana", "Apple", "étude A", "cherry", "Étude B", "apple", "Zebra"]
    created = dict(zip(create_subjects_in_order(http, subjects), subjects, strict=True))
    ascii_lower = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    want = sorted(created, key=lambda i: (created[i].translate(ascii_lower), i))
    assert [created[i] for i in want] == [
        "Apple",
        "apple",
        "banana",
        "cherry",
        "Zebra",
        "Étude B",
        "étude A",
    ]
    assert search_ids(http, {"sorts": ["subject"]}) == want
    descending = sorted(created, key=lambda i: (created[i].translate(ascii_lower), -i))[::-1]
    assert search_ids(http, {"sorts": ["-subject"]}) == descending


# -- returned properties -----------------------------------------------------------------------


def test_results_hold_the_default_properties_sorted_by_name(seeded: Seeded) -> None:
    body = search_ok(seeded.http, where(one_filter("subject", "EQ", value="Refund request")))
    (record,) = body["results"]
    assert list(record["properties"]) == DEFAULT_KEYS
    refund = DATA["refund"]
    assert record["properties"] == {
        "content": refund["content"],
        "createdate": record["createdAt"],
        "hs_lastmodifieddate": record["updatedAt"],
        "hs_object_id": record["id"],
        "hs_pipeline": "0",
        "hs_pipeline_stage": refund["hs_pipeline_stage"],
        "hs_ticket_category": refund["hs_ticket_category"],
        "hs_ticket_priority": refund["hs_ticket_priority"],
        "subject": refund["subject"],
    }
    assert record["archived"] is False


def test_missing_default_properties_come_back_as_null(seeded: Seeded) -> None:
    body = search_ok(seeded.http, where(one_filter("subject", "EQ", value="untitled")))
    (record,) = body["results"]
    assert record["properties"]["content"] is None
    assert record["properties"]["hs_ticket_priority"] is None


def test_requested_properties_replace_the_default_set(seeded: Seeded) -> None:
    body = search_ok(
        seeded.http,
        {"properties": [SCORE, "subject", "no_such_property"], "sorts": [SCORE], "limit": 3},
    )
    for record in body["results"]:
        assert list(record["properties"]) == sorted([SCORE, "subject", *ALWAYS])
        label = seeded.labels[int(record["id"])]
        assert record["properties"]["subject"] == DATA[label]["subject"]
        assert float(record["properties"][SCORE]) == number(DATA[label], SCORE)


def test_each_result_is_the_ticket_as_a_read_returns_it(seeded: Seeded) -> None:
    properties = ["subject", SCORE, DUE, "closed_date", "content"]
    body = search_ok(seeded.http, {"properties": properties, "limit": 200})
    assert len(body["results"]) == len(DATA)
    for record in body["results"]:
        read = seeded.http.get(
            f"{TICKETS}/{record['id']}", params={"properties": ",".join(properties)}
        )
        assert read.status_code == 200
        assert record == read.json()


# -- paging ------------------------------------------------------------------------------------


def test_default_page_is_ten_results_and_says_where_the_next_starts(seeded: Seeded) -> None:
    body = search_ok(seeded.http, {})
    by_id = sorted(seeded.ids.values())
    assert body["total"] == len(DATA)
    assert ids_of(body) == by_id[:10]
    assert body["paging"] == {"next": {"after": "10"}}


def test_pages_follow_each_other_to_the_last_which_has_no_paging(seeded: Seeded) -> None:
    by_id = sorted(seeded.ids.values())
    seen: list[int] = []
    afters: list[str] = []
    after: str | None = None
    for _ in range(len(DATA) + 1):  # more pages than results: paging never ends
        body = search_ok(seeded.http, {"limit": 5, **({"after": after} if after else {})})
        assert body["total"] == len(DATA)
        seen += ids_of(body)
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
        afters.append(after)
    else:
        pytest.fail("paging never ended")
    assert seen == by_id
    assert afters == ["5", "10", "15"]
    assert len(DATA) == 16, "the last page holds one ticket"


def test_after_may_be_a_json_number_or_empty(seeded: Seeded) -> None:
    by_id = sorted(seeded.ids.values())
    assert ids_of(search_ok(seeded.http, {"limit": 2, "after": 3})) == by_id[3:5]
    assert ids_of(search_ok(seeded.http, {"limit": 2, "after": "3"})) == by_id[3:5]
    assert ids_of(search_ok(seeded.http, {"limit": 2, "after": ""})) == by_id[:2]


def test_limit_zero_answers_the_total_alone(seeded: Seeded) -> None:
    response = seeded.http.post(SEARCH, json={"limit": 0, "query": "print"})
    want = len(expected(seeded, lambda v: matches_query(v, "print")))
    assert response.content == orjson.dumps({"total": want, "results": []})


def test_a_page_past_the_end_is_empty_with_the_total(seeded: Seeded) -> None:
    response = seeded.http.post(SEARCH, json={"after": "100"})
    assert response.status_code == 200
    assert response.content == orjson.dumps({"total": len(DATA), "results": []})


def test_two_hundred_results_fit_one_page(seeded: Seeded) -> None:
    body = search_ok(seeded.http, {"limit": 200})
    assert len(body["results"]) == len(DATA)
    assert "paging" not in body


def test_a_search_finding_nothing_is_an_empty_page(seeded: Seeded) -> None:
    response = seeded.http.post(SEARCH, json=where(one_filter(SCORE, "GT", value="1e9")))
    assert response.status_code == 200
    assert response.content == orjson.dumps({"total": 0, "results": []})


# -- HubSpot's 10,000-result cap ---------------------------------------------------------------

CAP = 10_000
CAP_MESSAGE = (
    "Search can page through at most the first 10000 results; after={after} is beyond "
    "them. Narrow the search with filters instead."
)


@pytest.mark.parametrize(
    "after", ["10000", 10000, "10001", "999999999", "10000000000", "0" * 30 + "12345", "9" * 5000]
)
def test_after_at_or_past_ten_thousand_is_refused(seeded: Seeded, after: str | int) -> None:
    response = seeded.http.post(SEARCH, json={"after": after})
    assert_validation_error(response, CAP_MESSAGE.format(after=str(after).lstrip("0")))


def test_after_with_leading_zeros_is_its_number(seeded: Seeded) -> None:
    padded = seeded.http.post(SEARCH, json={"after": "0" * 30 + "3", "limit": 2})
    plain = seeded.http.post(SEARCH, json={"after": "3", "limit": 2})
    assert padded.status_code == 200, padded.text
    assert padded.json()["results"] == plain.json()["results"]


def test_the_last_pages_before_the_cap_are_served(seeded: Seeded) -> None:
    for after in ("9995", "9999"):
        response = seeded.http.post(SEARCH, json={"after": after, "limit": 10})
        assert response.status_code == 200, response.text
        assert response.content == orjson.dumps({"total": len(DATA), "results": []})


def test_pages_stop_at_the_ten_thousandth_result(http: httpx.Client) -> None:
    """With more than 10,000 matches: the total counts them all, but the page that
    reaches the 10,000th result is cut there and says no page follows."""
    created = create_subjects(http, [f"Bulk {n}" for n in range(CAP + 5)])
    assert len(created) == CAP + 5
    before_cut = search_ok(http, {"after": "9990", "limit": 5, "properties": ["subject"]})
    assert before_cut["total"] == CAP + 5
    assert ids_of(before_cut) == created[9990:9995]
    assert before_cut["paging"] == {"next": {"after": "9995"}}

    cut = search_ok(http, {"after": "9995", "limit": 10, "properties": ["subject"]})
    assert cut["total"] == CAP + 5
    assert ids_of(cut) == created[9995:CAP]
    assert "paging" not in cut

    exactly = search_ok(http, {"after": "9998", "limit": 2, "query": "bulk"})
    assert ids_of(exactly) == created[9998:CAP]
    assert "paging" not in exactly
    assert_validation_error(
        http.post(SEARCH, json={"after": str(CAP)}), CAP_MESSAGE.format(after=CAP)
    )


def test_a_total_read_from_a_kept_count_follows_every_write(
    server: LiveServer, http: httpx.Client
) -> None:
    """A value shared by many tickets has its count kept after the first search that
    counts it; from then on every kind of write moves the total of an EQ search on it,
    which must always agree with an IN search on the same value (always counted)."""
    created = create_subjects(http, [f"Bulk {n}" for n in range(KEEP_COUNT_FROM)])

    def totals() -> tuple[int, int]:
        eq = where(one_filter("hs_pipeline", "EQ", value="0"))
        in_one = where(one_filter("hs_pipeline", "IN", values=["0"]))
        return (
            search_ok(http, {**eq, "limit": 1})["total"],
            search_ok(http, {**in_one, "limit": 1})["total"],
        )

    assert totals() == (KEEP_COUNT_FROM, KEEP_COUNT_FROM)
    store = open_store(server.database_url)
    try:
        kept = Condition(("hs_pipeline",), Comparison.EQ, ("0",))
        assert store.search_objects(SearchQuery("0-5", ((kept,),), 0)).count_to_keep is None, (
            "the count should be kept, not counted, after the first search"
        )
    finally:
        store.close()

    create_subjects(http, ["One", "Two", "Three"])
    assert totals() == (KEEP_COUNT_FROM + 3, KEEP_COUNT_FROM + 3)
    archive = {"inputs": [{"id": str(created[0])}, {"id": str(created[1])}]}
    assert http.post(f"{TICKETS}/batch/archive", json=archive).status_code == 204
    assert totals() == (KEEP_COUNT_FROM + 1, KEEP_COUNT_FROM + 1)
    merge = {"primaryObjectId": str(created[2]), "objectIdToMerge": str(created[3])}
    assert http.post(f"{TICKETS}/merge", json=merge).status_code == 200
    assert totals() == (KEEP_COUNT_FROM, KEEP_COUNT_FROM)
    same_pipeline = {"properties": {"hs_pipeline": "0", "hs_pipeline_stage": "2"}}
    assert http.patch(f"{TICKETS}/{created[4]}", json=same_pipeline).status_code == 200
    assert totals() == (KEEP_COUNT_FROM, KEEP_COUNT_FROM)


# -- the SDK -----------------------------------------------------------------------------------


def test_sdk_search_decodes_results_with_every_model_validated(seeded: Seeded) -> None:
    page = sdk_search(
        seeded.sdk,
        filter_groups=[sdk_filter("hs_ticket_priority", "IN", values=["HIGH", "URGENT"])],
        sorts=[f"-{SCORE}"],
        properties=["subject", SCORE],
        limit=3,
    )
    want = [
        label
        for label in sorted_by(seeded, lambda v: number(v, SCORE), descending=True)
        if DATA[label].get("hs_ticket_priority") in ("HIGH", "URGENT")
    ]
    assert page.total == len(want)
    assert [seeded.labels[int(t.id)] for t in page.results] == want[:3]
    assert page.paging.next.after == "3"
    for ticket in page.results:
        assert set(ticket.properties) == {"subject", SCORE, *ALWAYS}
        assert ticket.archived is False
        assert ticket.created_at is not None and ticket.updated_at is not None


def test_sdk_pages_through_a_query_to_the_end(seeded: Seeded) -> None:
    want = expected(seeded, lambda v: not has_token(v, "subject", "printer"))
    seen: list[str] = []
    after = None
    for _ in range(len(DATA) + 1):  # more pages than results: paging never ends
        page = sdk_search(
            seeded.sdk,
            filter_groups=[sdk_filter("subject", "NOT_CONTAINS_TOKEN", value="printer")],
            limit=4,
            after=after,
        )
        assert page.total == len(want)
        seen += [seeded.labels[int(t.id)] for t in page.results]
        if page.paging is None:
            break
        after = page.paging.next.after
    else:
        pytest.fail("paging never ended")
    assert seen == want


def test_sdk_full_text_query_and_every_default_property(seeded: Seeded) -> None:
    page = sdk_search(seeded.sdk, query="cannot password")
    assert [seeded.labels[int(t.id)] for t in page.results] == ["login"]
    assert page.paging is None
    assert sorted(page.results[0].properties) == DEFAULT_KEYS


def test_sdk_raises_for_a_refused_search(seeded: Seeded) -> None:
    with pytest.raises(ApiException) as raised:
        sdk_search(seeded.sdk, filter_groups=[sdk_filter(SCORE, "EQ", value="many")])
    assert raised.value.status == 400
    assert orjson.loads(raised.value.body)["category"] == "VALIDATION_ERROR"


# -- every path --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SEARCH_PATHS)
def test_every_path_searches_alike(seeded: Seeded, path: str) -> None:
    body = {"query": "print", "sorts": ["-subject"], "properties": ["subject"], "limit": 2}
    reference = seeded.http.post(SEARCH, json=body)
    response = seeded.http.post(path, json=body)
    assert response.status_code == 200, response.text
    assert response.content == reference.content


# -- refused searches --------------------------------------------------------------------------


def filters(count: int) -> list[Json]:
    return [one_filter(SCORE, "GT", value=str(n)) for n in range(count)]


def test_limits_on_groups_and_filters_are_reached_but_not_passed(seeded: Seeded) -> None:
    accepted = [
        {"filterGroups": [{"filters": filters(1)} for _ in range(5)]},
        {"filterGroups": [{"filters": filters(6)}]},
        {"filterGroups": [{"filters": filters(6)} for _ in range(3)]},
    ]
    for body in accepted:
        assert seeded.http.post(SEARCH, json=body).status_code == 200, body


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (
            [1] * 6,
            "Too many filterGroups: 6. A search takes at most 5 filterGroups.",
        ),
        (
            [7],
            "Too many filters in a filterGroup: 7. A filterGroup takes at most 6 filters.",
        ),
        (
            [4, 4, 4, 4, 3],
            "Too many filters: 19. A search takes at most 18 filters across all its filterGroups.",
        ),
        ([2, 0], "Every filterGroup must hold at least one filter"),
    ],
)
def test_too_many_or_empty_groups_are_refused(
    seeded: Seeded, groups: list[int], message: str
) -> None:
    body = {"filterGroups": [{"filters": filters(n)} for n in groups]}
    assert_validation_error(seeded.http.post(SEARCH, json=body), message)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            one_filter("no_such_property", "EQ", value="1"),
            "Unable to search on property 'no_such_property': it does not exist on object "
            "type TICKET",
        ),
        (
            one_filter("subject", "LIKE", value="printer"),
            "Unknown operator 'LIKE' in the filter on subject; expected one of: EQ, NEQ, LT, "
            "LTE, GT, GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY, "
            "CONTAINS_TOKEN, NOT_CONTAINS_TOKEN",
        ),
        (
            one_filter(SCORE, "LT", value="abc"),
            "The LT filter on score (number) needs a number, not 'abc'",
        ),
        (
            one_filter(SCORE, "IN", values=["1", "two"]),
            "The IN filter on score (number) needs a number, not 'two'",
        ),
        (
            one_filter("closed_date", "GT", value="yesterday"),
            "The GT filter on closed_date (datetime) needs epoch milliseconds or an ISO 8601 "
            "date, not 'yesterday'",
        ),
        (
            one_filter(DUE, "BETWEEN", value="2024-01-01", highValue="2024-13-01"),
            "The BETWEEN filter on due_date (date) needs epoch milliseconds or an ISO 8601 "
            "date, not '2024-13-01'",
        ),
        (
            one_filter("hs_object_id", "EQ", value="abc"),
            "The EQ filter on hs_object_id (number) needs an object id, not 'abc'",
        ),
        (one_filter(SCORE, "EQ"), "The EQ filter on score needs a value"),
        (
            one_filter(SCORE, "BETWEEN", value="1"),
            "The BETWEEN filter on score needs a highValue",
        ),
        (
            one_filter("subject", "IN", value="printer"),
            "The IN filter on subject needs a non-empty list of values",
        ),
        (
            one_filter("subject", "NOT_IN", values=[]),
            "The NOT_IN filter on subject needs a non-empty list of values",
        ),
        (
            one_filter("subject", "CONTAINS_TOKEN"),
            "The CONTAINS_TOKEN filter on subject needs a value",
        ),
    ],
)
def test_a_bad_filter_is_refused_with_what_is_wrong(
    seeded: Seeded, given: Json, message: str
) -> None:
    assert_validation_error(seeded.http.post(SEARCH, json=where(given)), message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"limit": 201}, "limit must be between 0 and 200, but was 201"),
        ({"limit": -1}, "limit must be between 0 and 200, but was -1"),
        ({"after": "-1"}, "after must be a non-negative whole number, but was '-1'"),
        ({"after": "abc"}, "after must be a non-negative whole number, but was 'abc'"),
        ({"after": "1e3"}, "after must be a non-negative whole number, but was '1e3'"),
        (
            {"sorts": [SCORE, "subject"]},
            "A search takes at most one sort, but 2 were given",
        ),
        (
            {"sorts": [{"propertyName": "no_such_property"}]},
            "Unable to sort on property 'no_such_property': it does not exist on object "
            "type TICKET",
        ),
        (
            {"sorts": ["-no_such_property"]},
            "Unable to sort on property 'no_such_property': it does not exist on object "
            "type TICKET",
        ),
    ],
)
def test_bad_paging_or_sorting_is_refused(seeded: Seeded, body: Json, message: str) -> None:
    assert_validation_error(seeded.http.post(SEARCH, json=body), message)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            {"sorts": [{"propertyName": SCORE, "direction": "UP"}]},
            "Invalid enum value 'UP' - at `$.sorts[0].direction`",
        ),
        ({"filterGroups": "all"}, "Expected `array | null`, got `str` - at `$.filterGroups`"),
        (
            {"filterGroups": [{"filters": [{"operator": "EQ", "value": "1"}]}]},
            "Object missing required field `propertyName` - at `$.filterGroups[0].filters[0]`",
        ),
        ({"limit": "ten"}, "Expected `int | null`, got `str` - at `$.limit`"),
    ],
)
def test_a_wrongly_shaped_body_is_invalid_input_json(
    seeded: Seeded, body: Json, detail: str
) -> None:
    response = seeded.http.post(SEARCH, json=body)
    assert_validation_error(response, f"Invalid input JSON on line 1, column 1: {detail}")


def test_a_search_without_a_token_is_unauthorised(seeded: Seeded) -> None:
    with seeded.server.http() as anonymous:
        response = anonymous.post(SEARCH, json={})
    assert response.status_code == 401
    assert response.json()["category"] == "INVALID_AUTHENTICATION"


# -- the index follows every write -------------------------------------------------------------


def test_a_created_ticket_is_found_at_once(sdk: hubspot.Client, http: httpx.Client) -> None:
    created = sdk.crm.tickets.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={"subject": "Fresh arrival", "hs_pipeline_stage": "1"}
        )
    )
    page = sdk_search(sdk, query="fresh arrival")
    assert [t.id for t in page.results] == [created.id]
    assert search_ids(http, where(one_filter("subject", "EQ", value="fresh ARRIVAL"))) == [
        int(created.id)
    ]


def test_an_update_is_found_at_once_and_the_old_value_no_longer(http: httpx.Client) -> None:
    define_property(http, SCORE, "number", "number")
    (ticket, other) = create_subjects(http, ["Old subject", "Bystander"], score="5")
    response = http.patch(
        f"{TICKETS}/{ticket}",
        json={"properties": {"subject": "New subject", SCORE: "50", "hs_ticket_priority": "LOW"}},
    )
    assert response.status_code == 200, response.text
    modified = response.json()["properties"]["hs_lastmodifieddate"]

    assert search_ids(http, where(one_filter("subject", "EQ", value="old subject"))) == []
    assert search_ids(http, {"query": "old"}) == []
    assert search_ids(http, where(one_filter("subject", "EQ", value="new subject"))) == [ticket]
    assert search_ids(http, {"query": "new"}) == [ticket]
    assert search_ids(http, where(one_filter(SCORE, "EQ", value="5"))) == [other]
    assert search_ids(http, where(one_filter(SCORE, "GT", value="10"))) == [ticket]
    assert search_ids(http, where(one_filter("hs_ticket_priority", "EQ", value="low"))) == [ticket]
    assert search_ids(http, where(one_filter("hs_lastmodifieddate", "EQ", value=modified))) == [
        ticket
    ]


def test_a_cleared_value_is_no_longer_found(http: httpx.Client) -> None:
    define_property(http, SCORE, "number", "number")
    (ticket, other) = create_subjects(http, ["Scored", "Also scored"], score="7")
    response = http.post(
        f"{TICKETS}/batch/update",
        json={"inputs": [{"id": str(ticket), "properties": {SCORE: ""}}]},
    )
    assert response.status_code == 200, response.text
    assert search_ids(http, where(one_filter(SCORE, "EQ", value="7"))) == [other]
    assert search_ids(http, where(one_filter(SCORE, "HAS_PROPERTY"))) == [other]
    assert search_ids(http, where(one_filter(SCORE, "NOT_HAS_PROPERTY"))) == [ticket]
    assert search_ids(http, where(one_filter(SCORE, "NEQ", value="7"))) == [ticket]


def test_upsert_indexes_the_tickets_it_creates_and_updates(http: httpx.Client) -> None:
    define_property(http, "external_key", "string", "text", unique=True)
    (existing,) = create_subjects(http, ["Before upsert"], external_key="k1")
    response = http.post(
        f"{TICKETS}/batch/upsert",
        json={
            "inputs": [
                {"idProperty": "external_key", "id": "k1", "properties": {"subject": "Upserted"}},
                {
                    "idProperty": "external_key",
                    "id": "k2",
                    "properties": {"subject": "Upserted too", "hs_pipeline_stage": "1"},
                },
            ]
        },
    )
    assert response.status_code == 200, response.text
    new = next(int(r["id"]) for r in response.json()["results"] if int(r["id"]) != existing)
    assert search_ids(http, {"query": "before"}) == []
    assert search_ids(http, {"query": "upserted"}) == sorted([existing, new])
    assert search_ids(http, where(one_filter("external_key", "IN", values=["K1", "k2"]))) == (
        sorted([existing, new])
    )


def test_archived_tickets_disappear_from_every_search_at_once(http: httpx.Client) -> None:
    define_property(http, SCORE, "number", "number")
    kept, deleted, batch_archived = create_subjects(
        http, ["Kept printer", "Deleted printer", "Archived printer"], score="3"
    )
    assert http.delete(f"{TICKETS}/{deleted}").status_code == 204
    archive = {"inputs": [{"id": str(batch_archived)}]}
    assert http.post(f"{TICKETS}/batch/archive", json=archive).status_code == 204

    searches = [
        {},
        {"query": "printer"},
        where(one_filter(SCORE, "EQ", value="3")),
        where(one_filter(SCORE, "NEQ", value="4")),
        where(one_filter("content", "NOT_HAS_PROPERTY")),
        where(one_filter("subject", "CONTAINS_TOKEN", value="printer")),
        where(one_filter("subject", "NOT_CONTAINS_TOKEN", value="kept")),
        where(one_filter("hs_object_id", "HAS_PROPERTY")),
        where(one_filter("hs_object_id", "NOT_IN", values=[str(kept)])),
    ]
    wanted = [[kept], [kept], [kept], [kept], [kept], [kept], [], [kept], []]
    for body, want in zip(searches, wanted, strict=True):
        assert search_ids(http, body) == want, body


def test_a_property_defined_after_its_tickets_is_searched_as_its_type(
    http: httpx.Client,
) -> None:
    ids = create_subjects(http, ["Nine", "Ten", "Eleven", "Blank"])
    define_property(http, "effort", "number", "number")
    updates = [
        {"id": str(i), "properties": {"effort": effort}}
        for i, effort in zip(ids, ["9", "10", "11"], strict=False)
    ]
    assert http.post(f"{TICKETS}/batch/update", json={"inputs": updates}).status_code == 200
    assert search_ids(http, where(one_filter("effort", "LT", value="10"))) == ids[:1]
    assert search_ids(http, where(one_filter("effort", "GTE", value="10"))) == ids[1:3]
    assert search_ids(http, where(one_filter("effort", "NEQ", value="10"))) == [
        ids[0],
        ids[2],
        ids[3],
    ]
    sorted_ids = search_ids(http, {"sorts": ["-effort"]})
    assert sorted_ids == [ids[2], ids[1], ids[0], ids[3]]


def test_a_merge_leaves_the_index_as_the_merged_ticket_reads(http: httpx.Client) -> None:
    (primary, merged) = create_subjects(http, ["Primary", "Secondary"])
    response = http.patch(
        f"{TICKETS}/{merged}",
        json={"properties": {"hs_ticket_priority": "HIGH", "content": "only here"}},
    )
    assert response.status_code == 200
    body = {"primaryObjectId": str(primary), "objectIdToMerge": str(merged)}
    response = http.post(f"{TICKETS}/merge", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["properties"]["hs_ticket_priority"] == "HIGH"

    assert search_ids(http, where(one_filter("subject", "EQ", value="secondary"))) == []
    assert search_ids(http, where(one_filter("hs_ticket_priority", "EQ", value="HIGH"))) == [
        primary
    ]
    assert search_ids(http, where(one_filter("content", "HAS_PROPERTY"))) == [primary]


def test_values_stay_searchable_when_a_number_property_becomes_text(http: httpx.Client) -> None:
    define_property(http, "effort", "number", "number")
    (ticket,) = create_subjects(http, ["Estimated"], effort="42")
    response = http.patch(
        "/crm/v3/properties/tickets/effort", json={"type": "string", "fieldType": "text"}
    )
    assert response.status_code == 200, response.text
    assert search_ids(http, where(one_filter("effort", "EQ", value="42"))) == [ticket]
    assert search_ids(http, where(one_filter("effort", "HAS_PROPERTY"))) == [ticket]
