"""Ticket batch read against a live Spoke server: behaviour.md, "Spoke's decisions" 1-13.

``/crm/v3/objects/tickets/batch/read`` and the dated ``/crm/objects/2026-03/tickets/batch/read``
are one handler; the tests that pin the contract's wire format run every request on both
paths (a loop, not a parametrisation: each test pays for one server start only).

The official SDK (validating every model) writes the tickets and reads wherever it can
express the test. Raw HTTP is used where bytes matter (key order, compact JSON, headers)
and for every 207: ``hubspot-api-client`` 12 cannot parse a 207 with client-side
validation on, because its ``StandardError`` wants ``errors`` and ``links`` and HubSpot's
entries carry neither (behaviour.md 2.2).

Every 200 goes through :func:`read_ok` and every 207 through :func:`read_partial`, which
check decisions 10, 11 and 13 on each answer; every 400 goes through
:func:`assert_validation_error` or :func:`assert_exact_limit_error`.

Decision -> tests:

1.  input limits ........ test_over_100_inputs_*, test_over_50_inputs_with_history_*,
                          test_limits_are_inclusive_*
2.  empty / absent ...... test_empty_or_absent_inputs_*, test_property_lists_absent_null_*
3.  duplicates, order ... test_duplicate_inputs_*
4.  missing inputs ...... test_unknown_and_non_numeric_ids_*, test_archived_flag_decides_*,
                          test_every_input_missing_*, test_unknown_unique_values_*
5.  idProperty .......... test_id_property_reads_by_unique_value_*, test_unknown_id_property_*,
                          test_non_unique_id_property_*
6.  archived query ...... test_archived_query_is_case_insensitive, test_invalid_archived_*
7.  properties .......... test_default_properties_*, test_requested_properties_*
8.  history ............. test_history_lists_every_change_*, test_history_through_the_sdk_*,
                          test_clearing_a_value_*
9.  record shape ........ test_live_record_shape_*, test_archived_record_shape_*,
                          test_record_timestamps_*
10. top-level shape ..... read_ok / read_partial (every test)
11. timestamps .......... assert_instant (every test), test_record_timestamps_*,
                          the datetime rows of VALUE_CASES
12. value formats ....... test_values_read_back_in_hubspot_formats, test_values_written_by_update_*
13. wire format ......... assert_wire_format (every response), test_dated_path_answers_like_v3
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import orjson
import pytest
from hubspot.crm.properties import PropertyCreate
from hubspot.crm.tickets import (
    BatchReadInputSimplePublicObjectId,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from hubspot_rules import ALWAYS, DEFAULT_KEYS

from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.domain.writes import ObjectWriter, WriteSource

if TYPE_CHECKING:
    from conftest import LiveServer

Json = dict[str, Any]

V3 = "/crm/v3/objects/tickets/batch/read"
DATED = "/crm/objects/2026-03/tickets/batch/read"
PATHS = (V3, DATED)

JSON_CONTENT_TYPE = "application/json;charset=utf-8"
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")

TOO_MANY_INPUTS = (
    "The maximum number of inputs supported in a batch is 100. "
    "Please reduce the number of items and try again"
)
TOO_MANY_HISTORY_INPUTS = (
    "The maximum number of inputs supported in a batch request for property histories is 50. "
    "Please reduce the number of items and try again"
)
NOT_FOUND = (
    "Could not get some TICKET objects, they may be deleted or not exist. Check that ids are valid."
)

TOP_200 = ["status", "results", "startedAt", "completedAt"]
TOP_207 = ["status", "results", "numErrors", "errors", "startedAt", "completedAt"]
ERROR_ENTRY = ["status", "category", "message", "context"]
ERROR_ENVELOPE = ["status", "message", "correlationId", "category"]
RECORD = ["id", "properties", "createdAt", "updatedAt", "archived"]
RECORD_WITH_HISTORY = [
    "id",
    "properties",
    "propertiesWithHistory",
    "createdAt",
    "updatedAt",
    "archived",
]
HISTORY_ENTRY = ["value", "timestamp", "sourceType", "sourceId"]


# -- writing through the SDK ----------------------------------------------------------


def create_ticket(sdk: hubspot.Client, subject: str = "Printer on fire", **properties: str) -> str:
    created = sdk.crm.tickets.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={"subject": subject, "hs_pipeline_stage": "1", **properties},
            associations=[],
        )
    )
    return str(created.id)


def update_ticket(sdk: hubspot.Client, ticket_id: str, **properties: str) -> None:
    sdk.crm.tickets.basic_api.update(ticket_id, SimplePublicObjectInput(properties=properties))


def archive_ticket(sdk: hubspot.Client, ticket_id: str) -> None:
    sdk.crm.tickets.basic_api.archive(ticket_id)


def create_unique_property(sdk: hubspot.Client, name: str) -> None:
    sdk.crm.properties.core_api.create(
        object_type="tickets",
        property_create=PropertyCreate(
            name=name,
            label=name.replace("_", " ").title(),
            type="string",
            field_type="text",
            group_name="ticketinformation",
            has_unique_value=True,
        ),
    )


def define_property(
    http: httpx.Client, name: str, type_: str, field_type: str, **extra: Any
) -> None:
    """A custom ticket property, created through ``POST /crm/v3/properties/tickets``."""
    body = {
        "name": name,
        "label": name.replace("_", " ").title(),
        "type": type_,
        "fieldType": field_type,
        "groupName": "ticketinformation",
        **extra,
    }
    response = http.post("/crm/v3/properties/tickets", json=body)
    assert response.status_code == 201, response.text


def sdk_read(
    sdk: hubspot.Client,
    ids: Sequence[str],
    properties: Sequence[str] = (),
    with_history: Sequence[str] = (),
    *,
    id_property: str | None = None,
    archived: bool = False,
) -> Any:
    """``batch_api.read`` as SDK users call it (it sends ``?archived=False``/``True``)."""
    return sdk.crm.tickets.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=i) for i in ids],
            properties=list(properties),
            properties_with_history=list(with_history),
            id_property=id_property,
        ),
        archived=archived,
    )


# -- reading over raw HTTP ------------------------------------------------------------


def inputs(*ids: str) -> list[Json]:
    return [{"id": i} for i in ids]


def post_read(
    http: httpx.Client, body: Json, *, path: str = V3, archived: str | None = None
) -> httpx.Response:
    params = {} if archived is None else {"archived": archived}
    return http.post(path, json=body, params=params)


def read_ok(http: httpx.Client, body: Json, *, path: str = V3, archived: str | None = None) -> Json:
    """A read that must answer 200 (decision 10's 200 body); its body."""
    response = post_read(http, body, path=path, archived=archived)
    assert response.status_code == 200, f"{path}: {response.text}"
    assert_wire_format(response)
    answer: Json = response.json()
    assert list(answer) == TOP_200
    assert answer["status"] == "COMPLETE"
    assert_instants(answer)
    return answer


def read_partial(
    http: httpx.Client, body: Json, *, path: str = V3, archived: str | None = None
) -> Json:
    """A read that must answer 207 with decision 4's one not-found entry; its body."""
    response = post_read(http, body, path=path, archived=archived)
    assert response.status_code == 207, f"{path}: {response.text}"
    assert_wire_format(response)
    answer: Json = response.json()
    assert list(answer) == TOP_207
    assert answer["status"] == "COMPLETE"
    assert answer["numErrors"] == 1
    (entry,) = answer["errors"]
    assert list(entry) == ERROR_ENTRY
    assert entry["status"] == "error"
    assert entry["category"] == "OBJECT_NOT_FOUND"
    assert entry["message"] == NOT_FOUND
    assert list(entry["context"]) == ["ids"]
    assert_instants(answer)
    return answer


def missing_ids(answer: Json) -> list[str]:
    return list(answer["errors"][0]["context"]["ids"])


def result_ids(answer: Json) -> list[str]:
    return [record["id"] for record in answer["results"]]


def only_record(answer: Json) -> Json:
    (record,) = answer["results"]
    return dict(record)


# -- wire format and timestamps -------------------------------------------------------


def assert_wire_format(response: httpx.Response) -> str:
    """Decision 13: compact JSON, HubSpot's content type, a correlation id; returns the id."""
    assert response.headers["content-type"] == JSON_CONTENT_TYPE
    correlation_id = response.headers["x-hubspot-correlation-id"]
    uuid.UUID(correlation_id)
    assert response.content == orjson.dumps(orjson.loads(response.content))
    assert b'": ' not in response.content
    return correlation_id


def assert_validation_error(response: httpx.Response, message: str | None = None) -> None:
    """A 400 ``VALIDATION_ERROR`` in HubSpot's envelope, correlated with its header."""
    assert response.status_code == 400, response.text
    correlation_id = assert_wire_format(response)
    body = response.json()
    assert [k for k in body if k in ERROR_ENVELOPE] == ERROR_ENVELOPE
    assert body["status"] == "error"
    assert body["category"] == "VALIDATION_ERROR"
    assert body["correlationId"] == correlation_id
    if message is not None:
        assert body["message"] == message


def assert_exact_limit_error(response: httpx.Response, message: str) -> None:
    """Decision 1: byte for byte the bodies of behaviour.md 1.2 and 1.3."""
    assert response.status_code == 400, response.text
    correlation_id = assert_wire_format(response)
    expected = {
        "status": "error",
        "message": message,
        "correlationId": correlation_id,
        "category": "VALIDATION_ERROR",
    }
    assert response.content == orjson.dumps(expected)


def assert_instant(text: object) -> None:
    """Decision 11: UTC with ``Z``, three fraction digits or none, never ``.000``."""
    assert isinstance(text, str), text
    assert INSTANT.match(text), text
    assert not text.endswith(".000Z"), text


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def assert_instants(answer: Json) -> None:
    """Every timestamp of a batch answer, and ``startedAt <= completedAt``."""
    assert_instant(answer["startedAt"])
    assert_instant(answer["completedAt"])
    assert instant(answer["startedAt"]) <= instant(answer["completedAt"])
    for record in answer["results"]:
        for key in ("createdAt", "updatedAt", "archivedAt"):
            if key in record:
                assert_instant(record[key])
        for key in ("createdate", "hs_lastmodifieddate"):
            if key in record["properties"]:
                assert_instant(record["properties"][key])
        for versions in record.get("propertiesWithHistory", {}).values():
            for version in versions:
                assert_instant(version["timestamp"])


@pytest.fixture
def app_4242(server: LiveServer) -> Iterator[tuple[hubspot.Client, httpx.Client]]:
    """An SDK client and a raw client sharing one token of app 4242."""
    token = server.token(app_id=4242)
    with server.http(token) as http:
        yield server.sdk(token), http


# -- decision 1: input limits ---------------------------------------------------------


def test_over_100_inputs_is_rejected_with_hubspots_exact_body_even_with_history(
    http: httpx.Client,
) -> None:
    too_many = inputs(*map(str, range(1, 102)))
    for path in PATHS:
        response = post_read(http, {"inputs": too_many, "properties": ["subject"]}, path=path)
        assert_exact_limit_error(response, TOO_MANY_INPUTS)
        assert len(response.content) == 221  # the Content-Length of the real capture
        # Both limits exceeded: the 100 rule is the one reported.
        with_history = {"inputs": too_many, "propertiesWithHistory": ["subject"]}
        assert_exact_limit_error(post_read(http, with_history, path=path), TOO_MANY_INPUTS)


def test_over_50_inputs_with_history_is_rejected_with_hubspots_exact_body(
    http: httpx.Client,
) -> None:
    body = {"inputs": inputs(*map(str, range(1, 52))), "propertiesWithHistory": ["nope"]}
    for path in PATHS:
        assert_exact_limit_error(post_read(http, body, path=path), TOO_MANY_HISTORY_INPUTS)


def test_limits_are_inclusive_and_empty_history_does_not_lower_them(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    ticket_id = create_ticket(sdk)
    others = [str(n) for n in range(900_001, 900_100)]
    cases = [
        ({"inputs": inputs(ticket_id, *others)}, 99),
        ({"inputs": inputs(ticket_id, *others[:49]), "propertiesWithHistory": ["subject"]}, 49),
        ({"inputs": inputs(ticket_id, *others[:50]), "propertiesWithHistory": []}, 50),
        ({"inputs": inputs(ticket_id, *others[:50]), "propertiesWithHistory": None}, 50),
    ]
    for path in PATHS:
        for body, missing in cases:
            answer = read_partial(http, body, path=path)
            assert result_ids(answer) == [ticket_id]
            assert missing_ids(answer) == others[:missing]


# -- decision 2: empty inputs; absent, null and empty property lists ---------------------


def test_empty_or_absent_inputs_answer_200_with_no_results(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    create_ticket(sdk)
    bodies: list[Json] = [
        {},
        {"inputs": []},
        {"inputs": [], "properties": ["subject"], "propertiesWithHistory": ["subject"]},
        {"properties": ["subject"]},
    ]
    for path in PATHS:
        for body in bodies:
            assert read_ok(http, body, path=path)["results"] == [], body
    assert sdk_read(sdk, []).results == []


def test_property_lists_absent_null_and_empty_mean_the_same(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    ticket_id = create_ticket(sdk, "Same either way", content="body")
    one = inputs(ticket_id)
    defaults = [
        {"inputs": one},
        {"inputs": one, "properties": None, "propertiesWithHistory": None},
        {"inputs": one, "properties": [], "propertiesWithHistory": []},
        {"propertiesWithHistory": [], "inputs": one, "properties": []},  # the Python SDK's order
    ]
    records = [only_record(read_ok(http, body)) for body in defaults]
    assert list(records[0]) == RECORD
    assert list(records[0]["properties"]) == DEFAULT_KEYS
    assert all(record == records[0] for record in records)

    no_history = [
        {"inputs": one, "properties": ["subject"]},
        {"inputs": one, "properties": ["subject"], "propertiesWithHistory": None},
        {"inputs": one, "properties": ["subject"], "propertiesWithHistory": []},
    ]
    records = [only_record(read_ok(http, body)) for body in no_history]
    assert list(records[0]) == RECORD
    assert list(records[0]["properties"]) == sorted(["subject", *ALWAYS])
    assert all(record == records[0] for record in records)


# -- decision 3: duplicates and order -------------------------------------------------


def test_duplicate_inputs_return_each_record_once_in_first_appearance_order(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    a, b, c = (create_ticket(sdk, subject) for subject in ("a", "b", "c"))
    body = {"inputs": inputs(c, a, c, b, a, b), "properties": ["subject"]}
    for path in PATHS:
        answer = read_ok(http, body, path=path)
        assert result_ids(answer) == [c, a, b]
        assert [r["properties"]["subject"] for r in answer["results"]] == ["c", "a", "b"]
    batch = sdk_read(sdk, [b, c, b, a, c], ["subject"])
    assert [r.id for r in batch.results] == [b, c, a]


# -- decision 4: inputs that match no live record ---------------------------------------


def test_unknown_and_non_numeric_ids_are_one_not_found_entry(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    found = create_ticket(sdk)
    sent = ["999999", found, "not-a-number", "999999", "12abc", "", "99999999999999999999", "-1"]
    for path in PATHS:
        answer = read_partial(http, {"inputs": inputs(*sent)}, path=path)
        assert result_ids(answer) == [found]
        assert missing_ids(answer) == [
            "999999",
            "not-a-number",
            "12abc",
            "",
            "99999999999999999999",
            "-1",
        ]


def test_archived_flag_decides_which_records_are_missing(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    live, gone = create_ticket(sdk, "live"), create_ticket(sdk, "gone")
    archive_ticket(sdk, gone)
    body = {"inputs": inputs(gone, live, "424242", gone, live)}
    for path in PATHS:
        for archived in (None, "false"):
            answer = read_partial(http, body, path=path, archived=archived)
            assert result_ids(answer) == [live]
            assert missing_ids(answer) == [gone, "424242"]
        answer = read_partial(http, body, path=path, archived="true")
        assert result_ids(answer) == [gone]
        assert missing_ids(answer) == [live, "424242"]


def test_every_input_missing_is_still_207_with_no_results(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    gone = create_ticket(sdk)
    archive_ticket(sdk, gone)
    for path in PATHS:
        answer = read_partial(http, {"inputs": inputs("31337", gone, "x", "31337")}, path=path)
        assert answer["results"] == []
        assert missing_ids(answer) == ["31337", gone, "x"]


def test_unknown_unique_values_are_one_not_found_entry_listing_the_values(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    create_unique_property(sdk, "external_ref")
    first = create_ticket(sdk, "first", external_ref="REF-1")
    second = create_ticket(sdk, "second", external_ref="REF-2")
    gone = create_ticket(sdk, "gone", external_ref="REF-GONE")
    archive_ticket(sdk, gone)
    # An internal id is not a unique value, and values are matched exactly.
    sent = ["REF-404", "REF-1", "ref-2", second, "REF-GONE", "REF-404", "REF-1"]
    body = {"inputs": inputs(*sent), "idProperty": "external_ref"}
    for path in PATHS:
        answer = read_partial(http, body, path=path)
        assert result_ids(answer) == [first]
        assert missing_ids(answer) == ["REF-404", "ref-2", second, "REF-GONE"]
        answer = read_partial(http, body, path=path, archived="true")
        assert result_ids(answer) == [gone]
        assert missing_ids(answer) == ["REF-404", "REF-1", "ref-2", second]


# -- decision 5: idProperty -----------------------------------------------------------


def test_id_property_reads_by_unique_value_through_the_sdk(sdk: hubspot.Client) -> None:
    create_unique_property(sdk, "external_ref")
    first = create_ticket(sdk, "first", external_ref="REF-1")
    second = create_ticket(sdk, "second", external_ref="REF-2")
    batch = sdk_read(
        sdk, ["REF-2", "REF-1", "REF-2"], ["subject", "external_ref"], id_property="external_ref"
    )
    assert [r.id for r in batch.results] == [second, first]
    assert [r.properties["external_ref"] for r in batch.results] == ["REF-2", "REF-1"]
    assert [r.properties["hs_object_id"] for r in batch.results] == [second, first]


def test_unknown_id_property_is_rejected(sdk: hubspot.Client, http: httpx.Client) -> None:
    ticket_id = create_ticket(sdk)
    body = {"inputs": inputs(ticket_id), "idProperty": "no_such_property"}
    for path in PATHS:
        assert_validation_error(
            post_read(http, body, path=path), "Property no_such_property does not exist"
        )


def test_non_unique_id_property_is_rejected(sdk: hubspot.Client, http: httpx.Client) -> None:
    define_property(http, "plain_ref", "string", "text")
    ticket_id = create_ticket(sdk, "Printer on fire", plain_ref="P-1")
    values = {"subject": "Printer on fire", "hs_object_id": ticket_id, "plain_ref": "P-1"}
    for path in PATHS:
        for name, value in values.items():
            response = post_read(http, {"inputs": inputs(value), "idProperty": name}, path=path)
            assert_validation_error(
                response, f"Unable to perform read by non-unique 0-5 property {name}"
            )


# -- decision 6: the archived query parameter -----------------------------------------


def test_archived_query_is_case_insensitive(sdk: hubspot.Client, http: httpx.Client) -> None:
    live, gone = create_ticket(sdk, "live"), create_ticket(sdk, "gone")
    archive_ticket(sdk, gone)
    body = {"inputs": inputs(live, gone)}
    for path in PATHS:
        for spelling in ("true", "True", "TRUE", "tRuE"):
            answer = read_partial(http, body, path=path, archived=spelling)
            assert (result_ids(answer), missing_ids(answer)) == ([gone], [live]), spelling
        for spelling in ("false", "False", "FALSE", "fAlSe"):
            answer = read_partial(http, body, path=path, archived=spelling)
            assert (result_ids(answer), missing_ids(answer)) == ([live], [gone]), spelling
    # The SDK sends Python's spelling, ?archived=True and ?archived=False.
    (archived,) = sdk_read(sdk, [gone], archived=True).results
    assert (archived.id, archived.archived, archived.properties["subject"]) == (gone, True, "gone")
    assert archived.archived_at is not None
    (alive,) = sdk_read(sdk, [live], archived=False).results
    assert (alive.id, alive.archived, alive.archived_at) == (live, False, None)


def test_invalid_archived_value_is_rejected(sdk: hubspot.Client, http: httpx.Client) -> None:
    ticket_id = create_ticket(sdk)
    for path in PATHS:
        for value in ("yes", "no", "1", "0", "", "truee", " true"):
            response = post_read(http, {"inputs": inputs(ticket_id)}, path=path, archived=value)
            assert_validation_error(response)


# -- decision 7: which properties come back ---------------------------------------------


def test_default_properties_when_none_are_requested(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    ticket_id = create_ticket(sdk, "Defaults", hs_ticket_priority="HIGH", nps_score="9")
    for path in PATHS:
        properties = only_record(read_ok(http, {"inputs": inputs(ticket_id)}, path=path))[
            "properties"
        ]
        assert list(properties) == DEFAULT_KEYS
        assert {k: properties[k] for k in DEFAULT_KEYS if k not in ALWAYS[:2]} == {
            "content": None,
            "hs_object_id": ticket_id,
            "hs_pipeline": "0",
            "hs_pipeline_stage": "1",
            "hs_ticket_category": None,
            "hs_ticket_priority": "HIGH",
            "subject": "Defaults",
        }
    assert sdk_read(sdk, [ticket_id]).results[0].properties == properties


def test_requested_properties_come_with_history_ones_and_the_always_present_three(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    define_property(http, "empty_custom", "string", "text")
    ticket_id = create_ticket(sdk, "Requested", content="Body text", nps_score="7")
    body = {
        "inputs": inputs(ticket_id),
        "properties": ["subject", "no_such_property", "nps_score", "empty_custom", "subject"],
        "propertiesWithHistory": ["hs_ticket_priority", "content", "also_missing"],
    }
    for path in PATHS:
        properties = only_record(read_ok(http, body, path=path))["properties"]
        assert list(properties) == [
            "content",
            "createdate",
            "empty_custom",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_ticket_priority",
            "nps_score",
            "subject",
        ]
        assert properties["subject"] == "Requested"
        assert properties["nps_score"] == "7"
        assert properties["content"] == "Body text"
        assert properties["empty_custom"] is None
        assert properties["hs_ticket_priority"] is None
        assert properties["hs_object_id"] == ticket_id


# -- decision 8: propertiesWithHistory ------------------------------------------------


def test_history_lists_every_change_newest_first_with_its_source(
    server: LiveServer, app_4242: tuple[hubspot.Client, httpx.Client]
) -> None:
    sdk, http = app_4242
    ticket_id = create_ticket(sdk, "one")
    update_ticket(sdk, ticket_id, subject="two")
    update_ticket(server.sdk(server.token(app_id=77)), ticket_id, subject="three")
    body = {"inputs": inputs(ticket_id), "properties": [], "propertiesWithHistory": ["subject"]}
    for path in PATHS:
        record = only_record(read_ok(http, body, path=path))
        assert list(record["propertiesWithHistory"]) == ["subject"]
        versions = record["propertiesWithHistory"]["subject"]
        assert [v["value"] for v in versions] == ["three", "two", "one"]
        assert versions[0]["value"] == record["properties"]["subject"]
        assert [v["sourceId"] for v in versions] == ["77", "4242", "4242"]
        for version in versions:
            assert list(version) == HISTORY_ENTRY
            assert version["sourceType"] == "INTEGRATION"
        stamps = [instant(v["timestamp"]) for v in versions]
        assert stamps == sorted(stamps, reverse=True)
        assert instant(record["createdAt"]) <= stamps[-1]
        assert stamps[0] <= instant(record["updatedAt"])


def test_history_through_the_sdk_leaves_out_never_set_properties(
    app_4242: tuple[hubspot.Client, httpx.Client],
) -> None:
    sdk, _ = app_4242
    ticket_id = create_ticket(sdk, "first")
    update_ticket(sdk, ticket_id, subject="second", hs_ticket_priority="HIGH")
    history_of = ["subject", "content", "hs_ticket_priority", "closed_date", "no_such_property"]
    (record,) = sdk_read(sdk, [ticket_id], ["nps_score"], history_of).results
    assert sorted(record.properties) == sorted(
        ["nps_score", "subject", "content", "hs_ticket_priority", "closed_date", *ALWAYS]
    )
    assert (record.properties["content"], record.properties["closed_date"]) == (None, None)
    history = record.properties_with_history
    assert sorted(history) == ["hs_ticket_priority", "subject"]
    assert [v.value for v in history["subject"]] == ["second", "first"]
    assert [v.value for v in history["hs_ticket_priority"]] == ["HIGH"]
    for version in (*history["subject"], *history["hs_ticket_priority"]):
        assert (version.source_type, version.source_id) == ("INTEGRATION", "4242")
        assert (version.source_label, version.updated_by_user_id) == (None, None)


def test_clearing_a_value_is_a_history_entry_with_an_empty_value(
    app_4242: tuple[hubspot.Client, httpx.Client],
) -> None:
    sdk, http = app_4242
    ticket_id = create_ticket(sdk, content="draft")
    update_ticket(sdk, ticket_id, content="")
    body = {"inputs": inputs(ticket_id), "propertiesWithHistory": ["content"]}
    cleared = only_record(read_ok(http, body))
    assert cleared["properties"]["content"] is None
    history = cleared["propertiesWithHistory"]["content"]
    assert [v["value"] for v in history] == ["", "draft"]
    assert list(history[0]) == HISTORY_ENTRY
    assert (history[0]["sourceType"], history[0]["sourceId"]) == ("INTEGRATION", "4242")

    update_ticket(sdk, ticket_id, content="final")
    refilled = only_record(read_ok(http, body))
    assert refilled["properties"]["content"] == "final"
    assert [v["value"] for v in refilled["propertiesWithHistory"]["content"]] == [
        "final",
        "",
        "draft",
    ]


# -- decision 9: record shape ---------------------------------------------------------


def test_live_record_shape_with_and_without_history(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    ticket_id = create_ticket(sdk)
    for path in PATHS:
        plain = only_record(read_ok(http, {"inputs": inputs(ticket_id)}, path=path))
        assert list(plain) == RECORD
        assert (plain["id"], plain["archived"]) == (ticket_id, False)
        body = {"inputs": inputs(ticket_id), "propertiesWithHistory": ["subject"]}
        assert list(only_record(read_ok(http, body, path=path))) == RECORD_WITH_HISTORY


def test_archived_record_shape_ends_with_archived_at(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    ticket_id = create_ticket(sdk)
    archive_ticket(sdk, ticket_id)
    for path in PATHS:
        plain = only_record(
            read_ok(http, {"inputs": inputs(ticket_id)}, path=path, archived="true")
        )
        assert list(plain) == [*RECORD, "archivedAt"]
        assert (plain["id"], plain["archived"]) == (ticket_id, True)
        assert instant(plain["archivedAt"]) >= instant(plain["createdAt"])
        body = {"inputs": inputs(ticket_id), "propertiesWithHistory": ["subject"]}
        with_history = only_record(read_ok(http, body, path=path, archived="true"))
        assert list(with_history) == [*RECORD_WITH_HISTORY, "archivedAt"]


def test_record_timestamps_equal_their_properties_and_print_like_instants(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    ticket_id = create_ticket(sdk)
    update_ticket(sdk, ticket_id, subject="Edited", hs_pipeline_stage="2")
    bodies = [
        {"inputs": inputs(ticket_id)},
        {"inputs": inputs(ticket_id), "properties": ["subject"]},
        {"inputs": inputs(ticket_id), "propertiesWithHistory": ["subject"]},
    ]
    for _ in range(8):  # many reads, many startedAt/completedAt: none may print ".000Z"
        for body in bodies:
            record = only_record(read_ok(http, body))
            assert record["createdAt"] == record["properties"]["createdate"]
            assert record["updatedAt"] == record["properties"]["hs_lastmodifieddate"]
            assert instant(record["createdAt"]) <= instant(record["updatedAt"])


# -- decision 13: both paths are one handler --------------------------------------------


def _without_run_times(answer: Json) -> Json:
    return {k: v for k, v in answer.items() if k not in ("startedAt", "completedAt")}


def test_dated_path_answers_like_v3(sdk: hubspot.Client, http: httpx.Client) -> None:
    ticket_id = create_ticket(sdk, content="body")
    update_ticket(sdk, ticket_id, subject="Edited")
    body = {
        "inputs": inputs(ticket_id, "404", ticket_id),
        "properties": ["content", "nope"],
        "propertiesWithHistory": ["subject"],
    }
    v3, dated = (read_partial(http, body, path=path) for path in PATHS)
    assert _without_run_times(dated) == _without_run_times(v3)


# -- decisions 11 and 12: value formats -----------------------------------------------

#: (property, value written as JSON, value read back).
VALUE_CASES: Sequence[tuple[str, Any, str]] = [
    ("flag", "true", "true"),
    ("flag", "false", "false"),
    ("flag", True, "true"),
    ("amount", "17", "17"),
    ("amount", "17.5", "17.5"),
    ("amount", 17, "17"),
    ("amount", 17.5, "17.5"),
    ("amount", 0.1, "0.1"),
    ("due", "2024-03-01", "2024-03-01"),
    ("due", "1709251200000", "2024-03-01"),
    ("due", 1709251200000, "2024-03-01"),
    ("seen_at", "2024-03-01T12:34:56.789Z", "2024-03-01T12:34:56.789Z"),
    ("seen_at", "2024-03-01T12:34:56.100Z", "2024-03-01T12:34:56.100Z"),
    ("seen_at", "2024-03-01T12:34:56.000Z", "2024-03-01T12:34:56Z"),
    ("seen_at", "2024-03-01T12:34:56Z", "2024-03-01T12:34:56Z"),
    ("seen_at", "2024-03-01T13:34:56.789+01:00", "2024-03-01T12:34:56.789Z"),
    ("seen_at", "1709296496789", "2024-03-01T12:34:56.789Z"),
    ("seen_at", 1709296496000, "2024-03-01T12:34:56Z"),
    ("flavours", "b;a", "b;a"),
    ("flavours", "c;a;b", "c;a;b"),
    ("flavours", "a", "a"),
    ("note", "  as written; Café ☕ ", "  as written; Café ☕ "),
]


def define_value_properties(http: httpx.Client) -> None:
    define_property(http, "flag", "bool", "booleancheckbox")
    define_property(http, "amount", "number", "number")
    define_property(http, "due", "date", "date")
    define_property(http, "seen_at", "datetime", "date")
    flavours = [{"label": v.upper(), "value": v} for v in ("a", "b", "c")]
    define_property(http, "flavours", "enumeration", "checkbox", options=flavours)
    define_property(http, "note", "string", "text")


def create_raw(http: httpx.Client, properties: Mapping[str, Any]) -> str:
    body = {"properties": {"subject": "values", "hs_pipeline_stage": "1", **properties}}
    response = http.post("/crm/v3/objects/tickets", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_values_read_back_in_hubspot_formats(sdk: hubspot.Client, http: httpx.Client) -> None:
    define_value_properties(http)
    ids = [create_raw(http, {name: written}) for name, written, _ in VALUE_CASES]
    names = sorted({name for name, _, _ in VALUE_CASES})
    expected = {(name, repr(written)): read for name, written, read in VALUE_CASES}
    for path in PATHS:
        answer = read_ok(http, {"inputs": inputs(*ids), "properties": names}, path=path)
        assert result_ids(answer) == ids
        read_back = {
            (name, repr(written)): record["properties"][name]
            for (name, written, _), record in zip(VALUE_CASES, answer["results"], strict=True)
        }
        assert read_back == expected
    through_sdk = sdk_read(sdk, ids, names).results
    assert [
        r.properties[name] for r, (name, _, _) in zip(through_sdk, VALUE_CASES, strict=True)
    ] == [read for _, _, read in VALUE_CASES]


def test_values_written_by_update_read_back_the_same_way(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    define_value_properties(http)
    ticket_id = create_ticket(sdk, hs_ticket_category="FEATURE_REQUEST;BILLING_ISSUE")
    update_ticket(
        sdk,
        ticket_id,
        flag="false",
        amount="42",
        due="2024-03-01",
        seen_at="2024-03-01T12:34:56.000Z",
        flavours="c;b",
    )
    body = {
        "inputs": inputs(ticket_id),
        "properties": ["flag", "amount", "due", "hs_ticket_category"],
        "propertiesWithHistory": ["seen_at", "flavours"],
    }
    record = only_record(read_ok(http, body))
    names = ("flag", "amount", "due", "seen_at", "flavours", "hs_ticket_category")
    assert {k: record["properties"][k] for k in names} == {
        "flag": "false",
        "amount": "42",
        "due": "2024-03-01",
        "seen_at": "2024-03-01T12:34:56Z",
        "flavours": "c;b",
        "hs_ticket_category": "FEATURE_REQUEST;BILLING_ISSUE",
    }
    history = record["propertiesWithHistory"]
    assert [v["value"] for v in history["seen_at"]] == ["2024-03-01T12:34:56Z"]
    assert [v["value"] for v in history["flavours"]] == ["c;b"]


# -- the batch read without history answers as the general read does ---------------------


def test_each_record_of_a_batch_read_is_byte_for_byte_its_single_read(
    sdk: hubspot.Client, http: httpx.Client
) -> None:
    """A batch read by id without history takes its own path (values decoded only for
    the names returned, the answer encoded with msgspec; docs/decisions.md); a single
    read takes the general one. Each record of the batch must be the single read's
    bytes: values JSON escapes, names never set (null), archived records, merged ids."""
    odd = 'quote " backslash \\ tab \t newline \n nul \x00 \x1f del \x7f é \u2028 \U0001f525'
    plain, tricky, unset, gone, merged = (
        create_ticket(sdk, subject=subject, content=odd)
        for subject in ("plain", odd, "unset", "gone", "merged")
    )
    update_ticket(sdk, unset, content="")
    archive_ticket(sdk, gone)
    response = http.post(
        "/crm/v3/objects/tickets/merge",
        json={"primaryObjectId": plain, "objectIdToMerge": merged},
    )
    assert response.status_code == 200, response.text
    names = ["subject", "content", "hs_ticket_category", "nope", "subject"]
    ids = [merged, tricky, "404", unset, plain, "x1"]
    for properties, query in ((names, "&properties=" + ",".join(names)), (None, "")):
        body: Json = {"inputs": inputs(*ids)}
        if properties is not None:
            body["properties"] = properties
        batch = post_read(http, body)
        assert batch.status_code == 207, batch.text
        assert missing_ids(batch.json()) == ["404", "x1"]
        assert result_ids(batch.json()) == [plain, tricky, unset]
        for ticket_id in (merged, tricky, unset, plain):
            single = http.get(f"/crm/v3/objects/tickets/{ticket_id}?archived=false{query}")
            assert single.status_code == 200, single.text
            assert single.content in batch.content, (single.content, batch.content)
        archived = post_read(http, {**body, "inputs": inputs(gone, plain)}, archived="true")
        single = http.get(f"/crm/v3/objects/tickets/{gone}?archived=true{query}")
        assert single.status_code == 200, single.text
        assert single.content in archived.content, (single.content, archived.content)
        assert missing_ids(archived.json()) == [plain]


def test_each_record_of_a_batch_read_with_history_is_byte_for_byte_its_single_read(
    server: LiveServer, sdk: hubspot.Client, http: httpx.Client
) -> None:
    """A batch read by id with history takes the lean path too (each write decoded for
    the history names only, versions encoded with msgspec); a single read takes the
    general one. Each record of the batch must be the single read's bytes: names asked
    for twice or undefined, names a record never had, writes that set none of the
    names, stage dates (their source is HubSpot's calculation), writes without a source
    id, archived records; and with a merged id (the general path) or only undefined
    names (no history at all)."""
    odd = 'quote " backslash \\ tab \t newline \n nul \x00 \x1f del \x7f é \u2028 \U0001f525'
    moved, tricky, gone, merged = (
        create_ticket(sdk, subject=subject, hs_pipeline_stage="1")
        for subject in ("moved", odd, "gone", "merged")
    )
    store = server.open_store()
    try:
        writer = ObjectWriter(store, Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES)))
        unsourced = {"subject": "no source id", "hs_pipeline_stage": "1"}
        quiet = str(writer.create(TICKETS, [unsourced], WriteSource("API", None))[0].id)
    finally:
        store.close()
    update_ticket(sdk, quiet, subject="quiet")
    update_ticket(sdk, moved, hs_pipeline_stage="2")
    update_ticket(sdk, moved, subject="moved on", content=odd)
    update_ticket(sdk, moved, hs_pipeline_stage="1")
    update_ticket(sdk, tricky, hs_ticket_priority="HIGH")
    update_ticket(sdk, tricky, content="")
    update_ticket(sdk, gone, subject="going")
    archive_ticket(sdk, gone)
    history = ["content", "hs_pipeline_stage", "nope", "hs_date_entered_1", "subject", "content"]
    for properties, ids, status in (
        (["subject", "hs_ticket_priority"], [tricky, moved, "x1", quiet, moved], 207),
        (["subject"], [tricky, "404"], 207),  # an id of no record: the general path
        (None, [quiet, tricky, moved], 200),
        (["subject"], [merged, tricky, moved], 200),
    ):
        for with_history in (history, ["nope"]):
            body: Json = {"inputs": inputs(*ids), "propertiesWithHistory": with_history}
            query = "&propertiesWithHistory=" + ",".join(with_history)
            if properties is not None:
                body["properties"] = properties
                query += "&properties=" + ",".join(properties)
            batch = post_read(http, body)
            assert batch.status_code == status, batch.text
            assert ("propertiesWithHistory" in batch.text) == (with_history == history)
            for ticket_id in dict.fromkeys(i for i in ids if i not in ("x1", "404")):
                single = http.get(f"/crm/v3/objects/tickets/{ticket_id}?archived=false{query}")
                assert single.status_code == 200, single.text
                assert single.content in batch.content, (single.content, batch.content)
    response = http.post(
        "/crm/v3/objects/tickets/merge",
        json={"primaryObjectId": moved, "objectIdToMerge": merged},
    )
    assert response.status_code == 200, response.text
    query = "&propertiesWithHistory=" + ",".join(history)
    for ids in ([merged, tricky], [moved, tricky]):  # the general path, then the lean one
        batch = post_read(http, {"inputs": inputs(*ids), "propertiesWithHistory": history})
        assert batch.status_code == 200, batch.text
        for ticket_id in ids:
            single = http.get(f"/crm/v3/objects/tickets/{ticket_id}?archived=false{query}")
            assert single.content in batch.content, (single.content, batch.content)
    body = {"inputs": inputs(gone, quiet), "propertiesWithHistory": history}
    archived = post_read(http, body, archived="true")
    single = http.get(f"/crm/v3/objects/tickets/{gone}?archived=true{query}")
    assert single.status_code == 200, single.text
    assert single.content in archived.content, (single.content, archived.content)
    assert missing_ids(archived.json()) == [quiet]
    versions = orjson.loads(single.content)["propertiesWithHistory"]
    assert [v["value"] for v in versions["subject"]] == ["going", "gone"]
    single = http.get(f"/crm/v3/objects/tickets/{quiet}?propertiesWithHistory=subject")
    versions = orjson.loads(single.content)["propertiesWithHistory"]
    assert ["sourceId" in v for v in versions["subject"]] == [True, False]
