"""Bounded fuzzing, on every backend: no request gets a 5xx or an error that is not
HubSpot's JSON envelope (issue 10).

- Request bodies of every route (hypothesis): any JSON document, shaped like a body or
  not, and any bytes, posted to every operation that takes a body.
- Spoke's own ``/openapi.json`` (schemathesis): requests generated from each
  operation's documented parameters and body, valid and invalid.

Both are derandomised (hypothesis's ``derandomize``: the same examples on every run, so
CI is repeatable) and bounded in examples, about a minute in all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from servers import LiveServer

from spoke.api.routes import Operation, route_table
from spoke.domain.object_types import ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.domain.tokens import KNOWN_SCOPES
from spoke.store import open_store

#: Examples per operation: of JSON bodies for each route, of schemathesis cases.
BODY_EXAMPLES = 8
SCHEMA_EXAMPLES = 5

FUZZ_SETTINGS = settings(
    max_examples=BODY_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

#: Values that stand for the path parameters: ids that exist, that do not, and junk.
PATH_VALUES = st.sampled_from(
    ["1", "0", "tickets", "0-5", "contacts", "deal", "notes", "999999", "x y", "\u00e9", "-1"]
)


def assert_hubspot_answer(response: httpx.Response | Any, request: str) -> None:
    """No 5xx; an error is HubSpot's JSON envelope with its correlation id."""
    status = response.status_code
    assert status < 500, f"{request} -> {status}: {response.text[:500]}"
    if status >= 400:
        content_type = response.headers.get("content-type", "")
        if isinstance(content_type, list):  # schemathesis's responses list each header's values
            content_type = content_type[0]
        assert content_type.startswith("application/json"), f"{request} -> {content_type}"
        body = response.json()
        assert body.get("status") == "error", f"{request} -> {body}"
        assert body.get("correlationId"), f"{request} -> {body}"


def _operations_with_bodies() -> list[Operation]:
    store = open_store("sqlite:///:memory:")  # the table only; nothing is read from it
    try:
        table = route_table(store, ObjectTypes(STANDARD_OBJECT_TYPES))
        return [op for op in table if op.request is not None]
    finally:
        store.close()


OPERATIONS = _operations_with_bodies()

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "1", "subject", "hs_pipeline", "EQ", "IN", "tickets", "\x00"])
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
#: Objects with the field names Spoke's bodies use, so fuzzing reaches past decoding.
FIELD_NAMES = st.sampled_from(
    [
        "inputs", "properties", "propertiesWithHistory", "idProperty", "id", "filterGroups",
        "filters", "propertyName", "operator", "value", "values", "highValue", "query",
        "sorts", "limit", "after", "name", "label", "type", "fieldType", "groupName",
        "options", "displayOrder", "stages", "metadata", "ticketState", "primaryObjectId",
        "objectIdToMerge", "archived", "hasUniqueValue", "description",
    ]
)  # fmt: skip
SHAPED_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(FIELD_NAMES, inner, max_size=5),
    max_leaves=16,
)
BODIES = (
    SHAPED_VALUES.map(lambda v: httpx.Request("POST", "/", json=v).content)
    | JSON_VALUES.map(lambda v: httpx.Request("POST", "/", json=v).content)
    | st.binary(max_size=64)
)


@pytest.fixture
def fuzz_http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.http(server.token(sorted(KNOWN_SCOPES))) as client:
        yield client


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_any_body_gets_a_hubspot_answer(fuzz_http: httpx.Client, operation: Operation) -> None:
    @FUZZ_SETTINGS
    @given(body=BODIES, path_value=PATH_VALUES)
    def send(body: bytes, path_value: str) -> None:
        path = re.sub(r"\{object_type\}", "tickets", operation.path)
        path = re.sub(r"\{[a-z_]+\}", path_value, path)
        response = fuzz_http.request(
            operation.method, path, content=body, headers={"content-type": "application/json"}
        )
        assert_hubspot_answer(response, f"{operation.method} {path} {body[:200]!r}")

    send()


# -- schemathesis: Spoke's own OpenAPI document ------------------------------------------


def test_every_documented_operation_gets_a_hubspot_answer(server: LiveServer) -> None:
    token = server.token(sorted(KNOWN_SCOPES))
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30, operations
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations:

        @settings(
            max_examples=SCHEMA_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call(headers=headers, timeout=20)
            shown = f"{case.method} {case.formatted_path} {case.body!r}"[:400]
            assert_hubspot_answer(response, shown)

        call()
