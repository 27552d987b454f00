"""Rate limiting, Spoke's decision 16 (behaviour.md section 9), against a real server.

Off by default: no ``X-HubSpot-RateLimit-*`` headers and no 429s. With a limit of N
requests per app per rolling ten seconds, every authenticated API response carries
``X-HubSpot-RateLimit-Interval-Milliseconds: 10000``, ``-Max: N`` and ``-Remaining``, and
the request after the N-th gets HubSpot's private-app 429 with ``Retry-After``. Requests
refused with a 401 are not counted; other apps are not affected.

The limited servers here allow 5 requests; each test does its requests well within ten
seconds, so the window never rolls over during a test (the window's rolling itself is
unit-tested with a fake clock in ``tests/api/test_ratelimit.py``).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from hubspot.crm.tickets import (
    BatchReadInputSimplePublicObjectId,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.tickets.exceptions import ApiException

from spoke.api.ratelimit import PORTAL_ID
from spoke.domain.tokens import Authenticator

LIMIT = 5
BATCH_READ = "/crm/v3/objects/tickets/batch/read"
READ_ONE = {"inputs": [{"id": "1"}], "properties": ["subject"]}
JSON_CONTENT_TYPE = "application/json;charset=utf-8"
RATE_LIMIT_HEADERS = (
    "x-hubspot-ratelimit-interval-milliseconds",
    "x-hubspot-ratelimit-max",
    "x-hubspot-ratelimit-remaining",
)

#: Applied to a test, runs it against a server limited to ``LIMIT`` requests per app.
limited = pytest.mark.parametrize("server", [LIMIT], indirect=True, ids=[f"rate_limit={LIMIT}"])


def read(http: httpx.Client) -> httpx.Response:
    return http.post(BATCH_READ, json=READ_ONE)


def app_id_of(server: Any, token: str) -> int:
    store = server.open_store()
    try:
        return int(Authenticator(store).authenticate(f"Bearer {token}").app_id)
    finally:
        store.close()


def assert_rate_headers(response: httpx.Response, remaining: int) -> None:
    assert response.headers["x-hubspot-ratelimit-interval-milliseconds"] == "10000"
    assert response.headers["x-hubspot-ratelimit-max"] == str(LIMIT)
    assert response.headers["x-hubspot-ratelimit-remaining"] == str(remaining)


def use_up(http: httpx.Client) -> None:
    for left in range(LIMIT - 1, -1, -1):
        response = read(http)
        assert response.status_code == 207, response.text
        assert_rate_headers(response, left)


def exact_429(response: httpx.Response, app_id: int) -> bytes:
    """The private-app 429 of behaviour.md section 9, with this response's correlation id."""
    correlation_id = response.headers["x-hubspot-correlation-id"]
    body = {
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id,
        "policyName": "TEN_SECONDLY_ROLLING",
        "groupName": f"publicapi:private_app-api-calls-ten-secondly:{app_id}:{PORTAL_ID}",
    }
    return json.dumps(body, separators=(",", ":")).encode()


# -- off by default -----------------------------------------------------------------------


def test_without_a_limit_there_are_no_rate_limit_headers_and_no_429(
    http: httpx.Client,
) -> None:
    for _ in range(3 * LIMIT):
        response = read(http)
        assert response.status_code == 207, response.text
        for header in RATE_LIMIT_HEADERS:
            assert header not in response.headers
        assert "retry-after" not in response.headers


# -- headers -------------------------------------------------------------------------------


@limited
def test_each_response_says_how_many_requests_are_left(http: httpx.Client) -> None:
    use_up(http)


@limited
def test_error_responses_carry_the_headers_and_count(server: Any, http: httpx.Client) -> None:
    malformed = http.post(BATCH_READ, content=b"{", headers={"content-type": "application/json"})
    assert malformed.status_code == 400, malformed.text
    assert_rate_headers(malformed, LIMIT - 1)

    missing = http.get("/crm/v3/objects/tickets/12345")
    assert missing.status_code == 404, missing.text
    assert missing.json()["category"] == "OBJECT_NOT_FOUND"
    assert_rate_headers(missing, LIMIT - 2)

    with server.http(server.token(["crm.schemas.tickets.read"])) as unscoped:
        forbidden = read(unscoped)
    assert forbidden.status_code == 403, forbidden.text
    assert forbidden.json()["category"] == "MISSING_SCOPES"
    assert_rate_headers(forbidden, LIMIT - 1)  # another app: its own count


@limited
def test_writes_and_every_kind_of_route_are_counted(http: httpx.Client) -> None:
    created = http.post(
        "/crm/v3/objects/tickets",
        json={"properties": {"subject": "Limited", "hs_pipeline_stage": "1"}},
    )
    assert created.status_code == 201, created.text
    assert_rate_headers(created, LIMIT - 1)
    archived = http.delete(f"/crm/v3/objects/tickets/{created.json()['id']}")
    assert archived.status_code == 204
    assert_rate_headers(archived, LIMIT - 2)
    for path, left in (("/crm/v3/properties/tickets", 2), ("/crm/v3/pipelines/tickets", 1)):
        listed = http.get(path)
        assert listed.status_code == 200, listed.text
        assert_rate_headers(listed, left)


@limited
def test_unauthenticated_requests_are_neither_counted_nor_given_the_headers(
    server: Any, http: httpx.Client
) -> None:
    with server.http("pat-na1-unknown") as stranger:
        for _ in range(2 * LIMIT):
            refused = read(stranger)
            assert refused.status_code == 401, refused.text
            for header in RATE_LIMIT_HEADERS:
                assert header not in refused.headers
    with server.http() as anonymous:
        assert read(anonymous).status_code == 401
    use_up(http)


@limited
def test_spoke_own_routes_are_not_limited(server: Any, http: httpx.Client) -> None:
    use_up(http)
    with server.http() as anonymous:
        for path in ("/_spoke/health", "/openapi.json", "/docs"):
            response = anonymous.get(path)
            assert response.status_code == 200
            assert "x-hubspot-ratelimit-remaining" not in response.headers


# -- the 429 -------------------------------------------------------------------------------


@limited
def test_the_request_over_the_limit_gets_hubspots_exact_429(
    server: Any, token: str, http: httpx.Client
) -> None:
    use_up(http)
    refused = read(http)

    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"] == JSON_CONTENT_TYPE
    assert refused.content == exact_429(refused, app_id_of(server, token))
    body = json.loads(refused.content)
    assert list(body) == [
        "status",
        "message",
        "errorType",
        "correlationId",
        "policyName",
        "groupName",
    ]
    assert "category" not in body
    assert str(uuid.UUID(body["correlationId"])) == body["correlationId"]
    assert refused.headers["x-hubspot-correlation-id"] == body["correlationId"]
    assert refused.headers["x-request-id"] == body["correlationId"]
    assert 1 <= int(refused.headers["retry-after"]) <= 10
    assert refused.headers["retry-after"].isdigit()
    assert_rate_headers(refused, 0)


@limited
def test_refused_requests_do_not_use_up_more_of_the_window(http: httpx.Client) -> None:
    use_up(http)
    for _ in range(3):
        refused = read(http)
        assert refused.status_code == 429, refused.text
        assert_rate_headers(refused, 0)
        assert 1 <= int(refused.headers["retry-after"]) <= 10


@limited
def test_a_limited_request_is_refused_before_its_body_is_looked_at(http: httpx.Client) -> None:
    use_up(http)
    malformed = http.post(BATCH_READ, content=b"{", headers={"content-type": "application/json"})
    assert malformed.status_code == 429, malformed.text
    created = http.post("/crm/v3/objects/tickets", json={"properties": {"subject": "No"}})
    assert created.status_code == 429, created.text


@limited
def test_another_app_is_served_while_one_is_limited(server: Any, http: httpx.Client) -> None:
    use_up(http)
    assert read(http).status_code == 429

    other_token = server.token()
    with server.http(other_token) as other:
        response = read(other)
        assert response.status_code == 207, response.text
        assert_rate_headers(response, LIMIT - 1)

    assert read(http).status_code == 429, "the first app is still limited"


@limited
def test_tokens_of_the_same_app_share_its_limit(server: Any, token: str) -> None:
    app_id = app_id_of(server, token)
    second = server.token(app_id=app_id)
    with server.http(token) as first_client, server.http(second) as second_client:
        for _ in range(LIMIT - 2):
            assert read(first_client).status_code == 207
        assert_rate_headers(read(second_client), 1)
        assert_rate_headers(read(second_client), 0)
        refused = read(first_client)
    assert refused.status_code == 429
    assert refused.content == exact_429(refused, app_id)


# -- through HubSpot's SDK -----------------------------------------------------------------


@limited
def test_sdk_raises_api_exception_with_status_429(sdk: Any) -> None:
    created = sdk.crm.tickets.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={"subject": "Through the SDK", "hs_pipeline_stage": "1"}
        )
    )
    request = BatchReadInputSimplePublicObjectId(
        inputs=[{"id": created.id}], properties=["subject"], properties_with_history=[]
    )
    for _ in range(LIMIT - 1):
        page = sdk.crm.tickets.batch_api.read(request)
        assert page.results[0].properties["subject"] == "Through the SDK"

    with pytest.raises(ApiException) as raised:
        sdk.crm.tickets.batch_api.read(request)

    assert raised.value.status == 429
    body = json.loads(raised.value.body)
    assert body["errorType"] == "RATE_LIMIT"
    assert body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert raised.value.headers["Retry-After"].isdigit()
    assert raised.value.headers["X-HubSpot-RateLimit-Remaining"] == "0"
