"""Hostile requests, on every backend (issue 10): no request hangs a worker, exhausts its
memory or gets a 500, and every answer is HubSpot's JSON envelope with a correlation id.

- Search: a ``query`` is one condition whose SQL grows by one test per word, capped at
  100 words and 3,000 characters; ``IN`` filters take at most 500 values; a statement
  that runs past the server's time limit is cancelled and answered with a 504.
- Sizes: a body over 16 MiB is a 413 before it is read; a property value over 65,536
  characters, a label over 1,000, more than 5,000 options are 400s.
- Malformed input: JSON nested too deeply, U+0000 in a label: 400s.
- The HTTP layer: requests uvicorn cannot parse get the envelope; a trailing slash is a
  404, not a redirect; a 405 names every allowed method.
- Slow clients: a request head or body that stops arriving closes the connection, a
  head over 64 KiB is a 431; a client gone mid-body is one log line; an unexpected
  error is logged once.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from hubspot_rules import TICKETS
from servers import LiveServer, live_server

from spoke.api.limits import MAX_BODY_BYTES
from spoke.api.protocol import SpokeHttpProtocol
from spoke.domain.bulk_import import import_objects
from spoke.domain.catalogue import Catalogue
from spoke.domain.demo import demo_tickets
from spoke.domain.object_types import ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.domain.standard_objects import TICKETS as TICKET_TYPE
from spoke.domain.writes import WriteSource

SEARCH = f"{TICKETS}/search"
PROPERTIES = "/crm/v3/properties/tickets"
GROUPS = f"{PROPERTIES}/groups"


def assert_envelope(response: httpx.Response, status: int, category: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body: dict[str, Any] = response.json()
    assert list(body)[:3] == ["status", "message", "correlationId"], body
    assert body["status"] == "error"
    assert body["category"] == category, body
    assert body["correlationId"] == response.headers["x-hubspot-correlation-id"]
    return body


def raw_exchange(server: LiveServer, request: bytes, timeout: float = 5) -> bytes:
    """Send ``request`` as is on a new connection; everything the server sent back
    until it closed the connection (or ``timeout`` passed)."""
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            connection.sendall(request)  # the server may answer before reading it all
        received = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
        return received


def parse_raw(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    status_line, *lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


# -- 1. search cost -----------------------------------------------------------------------


def test_a_query_of_more_than_100_words_is_a_400(http: httpx.Client) -> None:
    words = " ".join(f"word{i}" for i in range(101))
    body = assert_envelope(http.post(SEARCH, json={"query": words}), 400, "VALIDATION_ERROR")
    assert "101 words" in body["message"] and "100" in body["message"], body


@pytest.mark.parametrize("words", [999, 20_000])
def test_a_query_of_thousands_of_words_is_a_400_not_a_500(http: httpx.Client, words: int) -> None:
    query = " ".join("a" for _ in range(words))
    assert_envelope(http.post(SEARCH, json={"query": query}), 400, "VALIDATION_ERROR")


def test_a_query_of_100_words_finds_the_tickets_holding_every_word(
    server: LiveServer, http: httpx.Client
) -> None:
    content = " ".join(f"word{i}" for i in range(100))
    for subject, body in (("all", content), ("most", content.replace("word99", "other"))):
        created = http.post(
            TICKETS,
            json={"properties": {"subject": subject, "content": body, "hs_pipeline_stage": "1"}},
        )
        assert created.status_code == 201, created.text
    found = http.post(SEARCH, json={"query": content, "properties": ["subject"]})
    assert found.status_code == 200, found.text
    assert [r["properties"]["subject"] for r in found.json()["results"]] == ["all"]


def test_an_in_filter_of_more_than_500_values_is_a_400(http: httpx.Client) -> None:
    for values in (501, 100_000):
        search = {
            "filterGroups": [
                {
                    "filters": [
                        {
                            "propertyName": "subject",
                            "operator": "IN",
                            "values": [f"v{i}" for i in range(values)],
                        }
                    ]
                }
            ]
        }
        body = assert_envelope(http.post(SEARCH, json=search), 400, "VALIDATION_ERROR")
        assert f"{values} values" in body["message"], body


@pytest.fixture
def slow_search_server(database_url: str) -> Iterator[LiveServer]:
    """A server whose statements may run 0.2 s, over 1,000 tickets whose long content
    makes a 100-word query take seconds."""
    with live_server(database_url, statement_timeout=0.2) as server:
        store = server.open_store()
        try:
            tickets = list(demo_tickets(1_000, 5))
            content = " ".join(f"word{i}" for i in range(1_200))
            for ticket in tickets:
                ticket["content"] = content
            catalogue = Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES))
            import_objects(catalogue, TICKET_TYPE, tickets, WriteSource.integration(1))
        finally:
            store.close()
        yield server


def test_a_statement_past_the_time_limit_is_a_504_and_the_worker_answers_on(
    slow_search_server: LiveServer,
) -> None:
    server = slow_search_server
    with server.http(server.token()) as http:
        query = " ".join(f"word{i}" for i in range(100))
        started = time.monotonic()
        response = http.post(SEARCH, json={"query": query})
        elapsed = time.monotonic() - started
        body = assert_envelope(response, 504, "TIMEOUT")
        assert "processing limit" in body["message"], body
        assert elapsed < 5, f"the search held the worker for {elapsed:.1f} s"
        after = http.post(SEARCH, json={"query": "word1", "limit": 1})
        assert after.status_code in (200, 504), after.text  # the worker is free again
        assert http.get(TICKETS, params={"limit": 1}).status_code == 200


# -- 2. sizes -----------------------------------------------------------------------------


def test_a_body_over_the_limit_is_a_413_before_it_is_read(http: httpx.Client) -> None:
    too_large = b'{"inputs": [' + b" " * MAX_BODY_BYTES + b"]}"
    body = assert_envelope(
        http.post(f"{TICKETS}/batch/create", content=too_large), 413, "VALIDATION_ERROR"
    )
    assert str(MAX_BODY_BYTES) in body["message"], body


def test_a_chunked_body_over_the_limit_is_a_413(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"inputs": ['
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536
        yield b"]}"

    response = http.post(f"{TICKETS}/batch/create", content=chunks())
    assert_envelope(response, 413, "VALIDATION_ERROR")


def test_a_property_value_over_65536_characters_is_a_400(http: httpx.Client) -> None:
    fits = http.post(
        TICKETS, json={"properties": {"subject": "x" * 65_536, "hs_pipeline_stage": "1"}}
    )
    assert fits.status_code == 201, fits.text
    too_long = http.post(
        TICKETS, json={"properties": {"subject": "x" * 65_537, "hs_pipeline_stage": "1"}}
    )
    body = assert_envelope(too_long, 400, "VALIDATION_ERROR")
    assert body["errors"][0]["code"] == "VALUE_TOO_LONG", body
    assert body["errors"][0]["context"] == {"propertyName": ["subject"]}, body


def _enumeration(options: list[dict[str, Any]], label: str = "Tier") -> dict[str, Any]:
    return {
        "name": "tier",
        "label": label,
        "type": "enumeration",
        "fieldType": "select",
        "groupName": "ticketinformation",
        "options": options,
    }


def test_labels_options_and_their_counts_are_capped(http: httpx.Client) -> None:
    one = [{"label": "A", "value": "a"}]
    assert_envelope(
        http.post(PROPERTIES, json=_enumeration(one, label="L" * 1_001)), 400, "VALIDATION_ERROR"
    )
    many = [{"label": f"O{i}", "value": f"o{i}"} for i in range(5_001)]
    assert_envelope(http.post(PROPERTIES, json=_enumeration(many)), 400, "VALIDATION_ERROR")
    long_option = [{"label": "A" * 1_500, "value": "a" * 1_501}]
    body = assert_envelope(
        http.post(PROPERTIES, json=_enumeration(long_option)), 400, "VALIDATION_ERROR"
    )
    assert "3000" in body["message"], body
    assert_envelope(
        http.post(GROUPS, json={"name": "big", "label": "G" * 1_001}), 400, "VALIDATION_ERROR"
    )
    created = http.post(PROPERTIES, json=_enumeration(many[:5_000]))
    assert created.status_code == 201, created.text[:300]


# -- 4. malformed input -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [f"{TICKETS}/batch/read", SEARCH, PROPERTIES, "/crm/v3/pipelines/tickets"]
)
def test_json_nested_too_deeply_is_a_400(http: httpx.Client, path: str) -> None:
    for body in (b"[" * 100_000, b'{"inputs": ' + b"[" * 100_000, b'{"a": ' * 50_000):
        response = http.post(path, content=body, headers={"content-type": "application/json"})
        assert_envelope(response, 400, "VALIDATION_ERROR")


def test_a_nul_in_a_label_is_a_400(http: httpx.Client) -> None:
    group = http.post(GROUPS, json={"name": "nul_group", "label": "a\u0000b"})
    assert_envelope(group, 400, "VALIDATION_ERROR")
    pipeline = http.post(
        "/crm/v3/pipelines/tickets",
        json={
            "label": "p\u0000",
            "displayOrder": 1,
            "stages": [{"label": "s", "displayOrder": 0, "metadata": {"ticketState": "OPEN"}}],
        },
    )
    assert_envelope(pipeline, 400, "VALIDATION_ERROR")


def test_an_unexpected_error_is_a_500_logged_once(
    server: LiveServer, http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    # A stand-in for a bug: an audit entry that is not JSON, written behind Spoke's back.
    placeholder = "?" if server.database_url.startswith("sqlite") else "%s"
    _execute(
        server,
        "INSERT INTO pipeline_audits "
        "(object_type, pipeline_id, stage_id, action, timestamp, snapshot) "
        f"VALUES ({placeholder}, {placeholder}, NULL, 'UPDATE', 0, 'not JSON')",
        ("0-5", "0"),
    )
    with caplog.at_level(logging.INFO):
        response = http.get("/crm/v3/pipelines/tickets/0/audit")
        assert_envelope(response, 500, "INTERNAL_ERROR")
        time.sleep(0.1)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].exc_info is not None


def _execute(server: LiveServer, statement: str, parameters: tuple[Any, ...]) -> None:
    if server.database_url.startswith("sqlite"):
        path = server.database_url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path)) as connection, connection:
            connection.execute(statement, parameters)
    else:
        with psycopg.connect(server.database_url, autocommit=True) as connection:
            connection.execute(statement, parameters)


# -- 6. answers of the HTTP layer ---------------------------------------------------------


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /crm/v3/objects/tickets/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /crm/v3/objects/tickets?x=\xff HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /crm/v3/objects/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n",
        b"POST /crm/v3/objects/tickets HTTP/1.1\r\nHost: x\r\n"
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["long-url", "invalid-utf8-path", "invalid-utf8-query", "bad-length", "bad-chunk"],
)
def test_requests_uvicorn_cannot_parse_get_the_envelope(
    server: LiveServer, request_bytes: bytes
) -> None:
    status, headers, body = parse_raw(raw_exchange(server, request_bytes))
    assert 400 <= status < 500, (status, body)
    assert headers["content-type"].startswith("application/json"), headers
    envelope = httpx.Response(status, headers=headers, content=body).json()
    assert envelope["status"] == "error", envelope
    assert envelope["correlationId"] == headers["x-hubspot-correlation-id"], (envelope, headers)


def test_a_trailing_slash_is_a_404_in_the_envelope(http: httpx.Client) -> None:
    response = http.get(f"{TICKETS}/", follow_redirects=False)
    assert_envelope(response, 404, "OBJECT_NOT_FOUND")


def test_a_405_names_every_allowed_method(http: httpx.Client) -> None:
    response = http.put(f"{TICKETS}/1", json={})
    assert_envelope(response, 405, "VALIDATION_ERROR")
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "PATCH", "DELETE"} <= allowed, allowed


# -- 7. slow clients ----------------------------------------------------------------------


class QuickProtocol(SpokeHttpProtocol):
    head_timeout = 0.5
    body_idle_timeout = 0.5


@pytest.fixture
def quick_server(database_url: str) -> Iterator[LiveServer]:
    with live_server(database_url, protocol=QuickProtocol) as server:
        yield server


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"",  # connected, sent nothing
        b"POST /crm/v3/objects/tickets HTTP/1.1\r\nHost: x\r\n",  # half a head
        b"POST /crm/v3/objects/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
    ],
    ids=["nothing", "half-head", "half-body"],
)
def test_a_request_that_stops_arriving_is_closed(
    quick_server: LiveServer, request_bytes: bytes
) -> None:
    started = time.monotonic()
    received = raw_exchange(quick_server, request_bytes, timeout=5)
    assert time.monotonic() - started < 4, "the server kept the connection open"
    assert not received or b"Traceback" not in received


def test_a_head_without_end_is_a_431_not_held_in_memory(server: LiveServer) -> None:
    headers = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"a" * 1_000) for i in range(200))
    request = b"GET /crm/v3/objects/tickets HTTP/1.1\r\nHost: x\r\n" + headers  # no end
    status, headers_received, body = parse_raw(raw_exchange(server, request))
    assert status == 431, (status, body)
    envelope = httpx.Response(status, headers=headers_received, content=body).json()
    assert envelope["status"] == "error" and "65536 bytes" in envelope["message"], envelope
    assert envelope["correlationId"] == headers_received["x-hubspot-correlation-id"]


def test_a_client_gone_mid_body_is_one_log_line(
    server: LiveServer, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    request = (
        b"POST /crm/v3/objects/tickets HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer " + token.encode() + b"\r\n"
        b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"properties"'
    )
    with caplog.at_level(logging.INFO):
        host, port = server.base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as connection:
            connection.sendall(request)
            time.sleep(0.2)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(
            "disconnected" in r.getMessage() for r in caplog.records
        ):
            time.sleep(0.05)
    spoke_records = [r for r in caplog.records if r.name == "spoke"]
    assert [r.getMessage() for r in spoke_records] == [
        "client disconnected before its request body arrived: POST /crm/v3/objects/tickets"
    ]
    assert all(r.exc_info is None for r in caplog.records), "no traceback"
