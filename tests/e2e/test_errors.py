"""One canonical error shape on every error path of every route.

Every error Spoke answers must be HubSpot's envelope (behaviour.md sections 8 and 10,
Spoke's decisions 13-15): compact JSON, ``Content-Type: application/json;charset=utf-8``,
keys in HubSpot's order, a UUID ``correlationId`` equal to the ``X-HubSpot-Correlation-Id``
header. These tests sweep the whole route table for:

- missing or unknown credentials (401 ``INVALID_AUTHENTICATION``, exact body),
- a token without the ``tickets`` scope (403 ``MISSING_SCOPES``, exact body),
- an expired token (401 ``EXPIRED_AUTHENTICATION``),
- malformed or wrongly typed JSON bodies on every POST/PATCH route (400 ``Invalid input
  JSON on line L, column C: ...``, never a 500, never a framework body),
- unknown paths (404) and wrong methods (405),
- and the same errors as seen through HubSpot's Python SDK.

Every request here is refused before it could write, so one server (over one fresh
database) serves the whole module, once per backend; that keeps a few hundred cases to
about a second each.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import hubspot
import pytest
from hubspot.crm.tickets import BatchReadInputSimplePublicObjectId, SimplePublicObjectId
from hubspot.crm.tickets.exceptions import ForbiddenException, UnauthorizedException
from servers import live_server

from spoke.api.app import create_app
from spoke.domain.standard_objects import TICKETS
from spoke.domain.tokens import create_token
from spoke.store import open_store

JSON_CONTENT_TYPE = "application/json;charset=utf-8"

AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
    "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
SCOPES_MESSAGE = (
    "This app hasn't been granted all required scopes to make this call. "
    "Read more about required scopes here: https://developers.hubspot.com/scopes."
)
SCOPES_LINK = "https://developers.hubspot.com/scopes"

INVALID_JSON = re.compile(r"^Invalid input JSON on line (\d+), column (\d+): \S")
EXPIRED = re.compile(
    r"^The OAuth token used to make this call expired (\d+) (second|hour|day)\(s\) ago\.$"
)
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")

# -- the route table, written out ------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One operation of the route table, with a body it would accept."""

    method: str
    template: str
    body: Mapping[str, Any] | None = None

    @property
    def path(self) -> str:
        return (
            self.template.replace("{object_type}", "tickets")
            .replace("{object_id}", "1")
            .replace("{property_name}", "subject")
            .replace("{group_name}", "ticketinformation")
            .replace("{pipeline_id}", "0")
            .replace("{stage_id}", "1")
            .replace("{owner_id}", "1")
        )

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


NEW_TICKET = {"properties": {"subject": "Printer on fire", "hs_pipeline_stage": "1"}}
NEW_PROPERTY = {
    "name": "spoke_error_probe",
    "label": "Probe",
    "type": "string",
    "fieldType": "text",
    "groupName": "ticketinformation",
}

NEW_STAGE = {"label": "Probe", "displayOrder": 9, "metadata": {"ticketState": "OPEN"}}
NEW_PIPELINE = {"label": "Probe", "displayOrder": 9, "stages": [NEW_STAGE]}


def _ticket_routes(prefix: str) -> list[Route]:
    return [
        Route("POST", f"{prefix}/batch/read", {"inputs": [{"id": "1"}], "properties": ["subject"]}),
        Route("GET", prefix),
        Route("POST", f"{prefix}/batch/create", {"inputs": [NEW_TICKET]}),
        Route(
            "POST",
            f"{prefix}/batch/update",
            {"inputs": [{"id": "1", "properties": {"subject": "x"}}]},
        ),
        Route(
            "POST",
            f"{prefix}/batch/upsert",
            {"inputs": [{"id": "1", "idProperty": "subject", "properties": {"subject": "x"}}]},
        ),
        Route("POST", f"{prefix}/batch/archive", {"inputs": [{"id": "1"}]}),
        Route("POST", f"{prefix}/merge", {"primaryObjectId": "1", "objectIdToMerge": "2"}),
        Route("POST", f"{prefix}/search", {"filterGroups": [], "limit": 1}),
        Route("POST", prefix, NEW_TICKET),
        Route("GET", f"{prefix}/{{object_id}}"),
        Route("PATCH", f"{prefix}/{{object_id}}", {"properties": {"subject": "x"}}),
        Route("DELETE", f"{prefix}/{{object_id}}"),
    ]


def _property_routes(prefix: str) -> list[Route]:
    return [
        Route("GET", prefix),
        Route("GET", f"{prefix}/{{property_name}}"),
        Route("POST", prefix, NEW_PROPERTY),
        Route("PATCH", f"{prefix}/{{property_name}}", {"label": "Subject"}),
        Route("DELETE", f"{prefix}/{{property_name}}"),
        Route("POST", f"{prefix}/batch/create", {"inputs": [NEW_PROPERTY]}),
        Route("POST", f"{prefix}/batch/read", {"inputs": [{"name": "subject"}]}),
        Route("POST", f"{prefix}/batch/archive", {"inputs": [{"name": "x"}]}),
        Route("GET", f"{prefix}/groups"),
        Route("POST", f"{prefix}/groups", {"name": "probe", "label": "Probe"}),
        Route("GET", f"{prefix}/groups/{{group_name}}"),
        Route("PATCH", f"{prefix}/groups/{{group_name}}", {"label": "Tickets"}),
        Route("DELETE", f"{prefix}/groups/{{group_name}}"),
    ]


def _pipeline_routes(prefix: str) -> list[Route]:
    one = f"{prefix}/{{pipeline_id}}"
    stage = f"{one}/stages/{{stage_id}}"
    return [
        Route("GET", prefix),
        Route("GET", one),
        Route("POST", prefix, NEW_PIPELINE),
        Route("PUT", one, NEW_PIPELINE),
        Route("PATCH", one, {"label": "Support"}),
        Route("DELETE", one),
        Route("GET", f"{one}/audit"),
        Route("GET", f"{one}/stages"),
        Route("POST", f"{one}/stages", NEW_STAGE),
        Route("GET", stage),
        Route("PUT", stage, NEW_STAGE),
        Route("PATCH", stage, {"label": "N"}),
        Route("DELETE", stage),
        Route("GET", f"{stage}/audit"),
    ]


ROUTES = [
    *_ticket_routes("/crm/v3/objects/{object_type}"),
    *_ticket_routes("/crm/objects/2026-03/{object_type}"),
    *_property_routes("/crm/v3/properties/{object_type}"),
    *_pipeline_routes("/crm/v3/pipelines/{object_type}"),
]
#: The dated properties and pipelines paths: the same handlers as the v3 ones above, so
#: only the route list is checked against them here (test_paths.py calls them).
DATED_ROUTES = [
    *_property_routes("/crm/properties/2026-03/{object_type}"),
    *_pipeline_routes("/crm/pipelines/2026-03/{object_type}"),
]
#: HubSpot's v4 and legacy paths that serve tickets (docs/behaviour.md, "Legacy APIs"):
#: reads, answered in their own shapes, behind the same token and scope checks.
TICKET_LEGACY_ROUTES = [
    Route("GET", "/crm/v4/objects/{object_type}"),
    Route("GET", "/crm/v4/objects/{object_type}/{object_id}"),
    Route("GET", "/crm-objects/v1/objects/{object_type}/paged"),
    Route("POST", "/crm-objects/v1/objects/{object_type}/batch-read", {"ids": [1]}),
    Route("GET", "/crm-objects/v1/objects/{object_type}/{object_id}"),
    Route("GET", "/properties/v2/{object_type}/properties"),
    Route("GET", "/properties/v2/{object_type}/properties/named/{property_name}"),
    Route("GET", "/properties/v2/{object_type}/groups"),
    Route("GET", "/crm-pipelines/v1/pipelines/{object_type}"),
]
#: The other legacy paths (of contacts, companies and deals) and the custom object
#: schemas (legacy tests, and test_scopes.py, check their tokens).
OTHER_ROUTES = [
    Route("GET", "/properties/v1/{object_type}/properties"),
    Route("GET", "/properties/v1/{object_type}/properties/named/{property_name}"),
    Route("GET", "/properties/v1/{object_type}/groups"),
    Route("GET", "/companies/v2/properties"),
    Route("GET", "/companies/v2/properties/named/{property_name}"),
    Route("GET", "/deals/v1/pipelines"),
    Route("GET", "/properties/v2/form/properties"),
    *(
        Route("GET", path)
        for prefix in ("/crm/v3/schemas", "/crm-object-schemas/v3/schemas")
        for path in (prefix, f"{prefix}/{{object_type}}")
    ),
]


def _association_routes() -> list[Route]:
    """The associations API (its errors are tested in test_associations_api.py)."""
    routes = [
        Route("GET", "/crm/v3/objects/{object_type}/{object_id}/associations/{to_object_type}"),
        *(
            Route("POST", f"/crm/v3/associations/{{object_type}}/{{to_object_type}}/batch/{what}")
            for what in ("read", "create", "archive")
        ),
    ]
    for prefix in ("/crm/v4/objects", "/crm/objects/2026-03"):
        record = f"{prefix}/{{object_type}}/{{object_id}}/associations"
        routes += [
            Route("GET", f"{record}/{{to_object_type}}"),
            Route("PUT", f"{record}/{{to_object_type}}/{{to_object_id}}"),
            Route("DELETE", f"{record}/{{to_object_type}}/{{to_object_id}}"),
            Route("PUT", f"{record}/default/{{to_object_type}}/{{to_object_id}}"),
        ]
    for prefix in ("/crm/v4/associations", "/crm/associations/2026-03"):
        pair = f"{prefix}/{{object_type}}/{{to_object_type}}"
        routes += [
            *(
                Route("POST", f"{pair}/batch/{what}")
                for what in ("read", "create", "associate/default", "archive", "labels/archive")
            ),
            Route("GET", f"{pair}/labels"),
            Route("POST", f"{pair}/labels"),
            Route("PUT", f"{pair}/labels"),
            Route("DELETE", f"{pair}/labels/{{association_type_id}}"),
        ]
    return routes


ASSOCIATION_ROUTES = _association_routes()
#: The owners API: no object type, a scope of its own (test_owners.py checks its 403s).
OWNER_ROUTES = [
    Route("GET", path)
    for prefix in ("/crm/v3/owners", "/crm/owners/2026-03")
    for path in (prefix, f"{prefix}/", f"{prefix}/{{owner_id}}")
]
BODY_ROUTES = [r for r in ROUTES if r.method in ("POST", "PATCH")]
BATCH_READ = ROUTES[0]

#: Routes Spoke serves that are not HubSpot's and take no token.
OWN_ROUTES = {("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/_spoke/health")}


def by_route(routes: Sequence[Route]) -> Any:
    return pytest.mark.parametrize("route", routes, ids=[r.name for r in routes])


# -- one server for the module ------------------------------------------------------------


@dataclass
class Api:
    """A running Spoke server and an HTTP client for it."""

    base_url: str
    database_url: str
    client: httpx.Client

    def token(self, scopes: Sequence[str] = ("tickets",), expires_in: int | None = None) -> str:
        store = open_store(self.database_url)
        try:
            value, _ = create_token(store, scopes, None, expires_in)
        finally:
            store.close()
        return value

    def send(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        sent = {"Content-Type": "application/json"} if content is not None else {}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        return self.client.request(method, path, content=content, headers=sent)

    def call(self, route: Route, **kwargs: Any) -> httpx.Response:
        """``route`` with the body it would accept, unless ``content`` is given."""
        if "content" not in kwargs and route.body is not None:
            kwargs["content"] = json.dumps(route.body).encode()
        return self.send(route.method, route.path, **kwargs)


@pytest.fixture(scope="module")
def api(module_database_url: str) -> Iterator[Api]:
    """One server for the module, on each backend in turn."""
    with live_server(module_database_url) as running:
        # A fresh connection per request: one request's failure cannot spill into the next.
        no_reuse = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=running.base_url, timeout=10, limits=no_reuse) as client:
            yield Api(running.base_url, running.database_url, client)


@pytest.fixture(scope="module")
def good_token(api: Api) -> str:
    return api.token()


# -- the envelope ------------------------------------------------------------------------


def compact(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def envelope(response: httpx.Response, status: int, keys: Sequence[str]) -> dict[str, Any]:
    """The error body of ``response``, after checking what every error shares."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_CONTENT_TYPE
    body = json.loads(response.content)
    assert isinstance(body, dict), response.text
    assert list(body) == list(keys), response.text
    assert body["status"] == "error"
    correlation_id = body["correlationId"]
    assert str(uuid.UUID(correlation_id)) == correlation_id
    assert response.headers["x-hubspot-correlation-id"] == correlation_id
    assert response.content == compact(body), "error bodies are compact JSON"
    return body


def exact_auth_error(response: httpx.Response) -> bytes:
    """The 401 of behaviour.md section 8, with this response's correlation id."""
    correlation_id = response.headers["x-hubspot-correlation-id"]
    return compact(
        {
            "status": "error",
            "message": AUTH_MESSAGE,
            "correlationId": correlation_id,
            "category": "INVALID_AUTHENTICATION",
        }
    )


def assert_invalid_json(response: httpx.Response) -> tuple[int, int]:
    """Checks the malformed-JSON 400 and returns the line and column it names."""
    assert response.status_code != 500, f"a 500 instead of the invalid-JSON 400: {response.text}"
    body = envelope(response, 400, ["status", "message", "correlationId", "category"])
    assert body["category"] == "VALIDATION_ERROR"
    found = INVALID_JSON.match(body["message"])
    assert found, body["message"]
    return int(found.group(1)), int(found.group(2))


# -- the route list is the route table ----------------------------------------------------


def test_route_list_covers_every_served_route(api: Api) -> None:
    store = open_store(api.database_url)
    try:
        app = create_app(store)
    finally:
        store.close()
    served = {
        (method, route.path)
        for route in app.routes
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD"
    }
    listed = (
        *ROUTES,
        *DATED_ROUTES,
        *TICKET_LEGACY_ROUTES,
        *OTHER_ROUTES,
        *ASSOCIATION_ROUTES,
        *OWNER_ROUTES,
    )
    assert served - OWN_ROUTES == {(r.method, r.template) for r in listed}


# -- 401 and 403 ------------------------------------------------------------------------

CREDENTIALS = {
    "no Authorization header": {},
    "unknown bearer token": {"Authorization": "Bearer pat-na1-00000000000000000000000000000000"},
    "bearer without a token": {"Authorization": "Bearer"},
    "not a bearer token": {"Authorization": "Basic dXNlcjpwYXNzd29yZA=="},
}


@by_route([*ROUTES, *TICKET_LEGACY_ROUTES, *OWNER_ROUTES])
@pytest.mark.parametrize("headers", CREDENTIALS.values(), ids=CREDENTIALS.keys())
def test_request_without_valid_credentials_gets_the_exact_401(
    api: Api, route: Route, headers: dict[str, str]
) -> None:
    response = api.call(route, headers=headers)
    envelope(response, 401, ["status", "message", "correlationId", "category"])
    assert response.content == exact_auth_error(response)


@by_route(BODY_ROUTES)
def test_credentials_are_checked_before_the_body(api: Api, route: Route) -> None:
    response = api.call(route, content=b"{not json")
    assert response.status_code == 401, response.text
    assert response.content == exact_auth_error(response)


@by_route([*ROUTES, *TICKET_LEGACY_ROUTES])
def test_token_without_tickets_scope_gets_the_exact_403(api: Api, route: Route) -> None:
    response = api.call(route, token=api.token(scopes=["crm.objects.contacts.read"]))
    required = ["tickets"]
    definitions = ("/crm/v3/properties/", "/crm/v3/pipelines/", "/properties/", "/crm-pipelines/")
    if route.path.startswith(definitions):
        reads = route.method == "GET" or route.path.endswith("/batch/read")
        required.append(f"crm.schemas.tickets.{'read' if reads else 'write'}")
    body = envelope(
        response, 403, ["status", "message", "correlationId", "errors", "links", "category"]
    )
    assert body == {
        "status": "error",
        "message": SCOPES_MESSAGE,
        "correlationId": body["correlationId"],
        "errors": [
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": required},
            }
        ],
        "links": {"scopes": SCOPES_LINK},
        "category": "MISSING_SCOPES",
    }
    assert list(body["errors"][0]) == ["message", "context"]


@by_route([*ROUTES, *TICKET_LEGACY_ROUTES])
def test_expired_token_gets_401_expired_authentication(api: Api, route: Route) -> None:
    before = datetime.now(UTC)
    token = api.token(expires_in=0)
    response = api.call(route, token=token)
    after = datetime.now(UTC)
    body = envelope(response, 401, ["status", "message", "correlationId", "category", "context"])
    assert body["category"] == "EXPIRED_AUTHENTICATION"
    found = EXPIRED.match(body["message"])
    assert found, body["message"]
    assert found.group(2) == "second"
    assert 0 <= int(found.group(1)) <= (after - before).total_seconds() + 1
    assert list(body["context"]) == ["expire time"]
    (expired_at,) = body["context"]["expire time"]
    assert INSTANT.match(expired_at), expired_at
    moment = datetime.fromisoformat(expired_at)
    assert before - timedelta(milliseconds=1) <= moment <= after


@pytest.mark.parametrize(
    ("expired_seconds_ago", "wording"),
    [(2 * 3600 + 30, "2 hour(s)"), (3 * 86400 + 30, "3 day(s)"), (25 * 86400, "25 day(s)")],
)
def test_expiry_is_counted_in_hours_or_days_when_long_ago(
    api: Api, expired_seconds_ago: int, wording: str
) -> None:
    now = datetime.now(UTC)
    response = api.call(BATCH_READ, token=api.token(expires_in=-expired_seconds_ago))
    body = envelope(response, 401, ["status", "message", "correlationId", "category", "context"])
    assert body["message"] == f"The OAuth token used to make this call expired {wording} ago."
    (expired_at,) = body["context"]["expire time"]
    assert INSTANT.match(expired_at), expired_at
    offset = now - timedelta(seconds=expired_seconds_ago) - datetime.fromisoformat(expired_at)
    assert abs(offset.total_seconds()) < 5


def test_each_error_has_its_own_correlation_id(api: Api) -> None:
    first = api.call(BATCH_READ)
    second = api.call(BATCH_READ)
    assert first.status_code == second.status_code == 401
    ids = {json.loads(r.content)["correlationId"] for r in (first, second)}
    assert len(ids) == 2


# -- malformed JSON -------------------------------------------------------------------------

MALFORMED = {
    "syntax error": b'{"inputs": [,]}',
    "unquoted key": b"{inputs: []}",
    "truncated": b'{"inputs": [{"id": "1"',
    "empty body": b"",
    "whitespace only": b"  \n ",
    "trailing garbage": b"{} x",
    "bare array": b"[]",
    "bare array of inputs": b'[{"id": "1"}]',
    "null": b"null",
    "a string": b'"inputs"',
    "not UTF-8 outside strings": b"{\xff}",
    "inputs is a string": b'{"inputs": "x"}',
    "id is an object": b'{"inputs": [{"id": {}}]}',
}


@by_route(BODY_ROUTES)
@pytest.mark.parametrize("content", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_body_gets_400_invalid_input_json(
    api: Api, good_token: str, route: Route, content: bytes
) -> None:
    assert_invalid_json(api.call(route, token=good_token, content=content))


WRONG_TYPES: dict[str, dict[str, bytes]] = {
    "batch/read": {
        "properties is a string": b'{"inputs": [{"id": "1"}], "properties": "subject"}',
        "properties is an object": b'{"inputs": [{"id": "1"}], "properties": {"subject": 1}}',
        "propertiesWithHistory is a number": b'{"propertiesWithHistory": 5}',
        "idProperty is a number": b'{"inputs": [{"id": "1"}], "idProperty": 5}',
        "id is a boolean": b'{"inputs": [{"id": true}]}',
        "id is a list": b'{"inputs": [{"id": [1]}]}',
        "input is a string": b'{"inputs": ["1"]}',
    },
    "batch/create": {
        "properties is a list": b'{"inputs": [{"properties": ["subject"]}]}',
        "property value is an object": b'{"inputs": [{"properties": {"subject": {"a": 1}}}]}',
        "inputs is an object": b'{"inputs": {"properties": {}}}',
    },
    "batch/update": {
        "properties is a list": b'{"inputs": [{"id": "1", "properties": ["subject"]}]}',
        "properties missing": b'{"inputs": [{"id": "1"}]}',
        "id is an object": b'{"inputs": [{"id": {}, "properties": {}}]}',
    },
    "batch/upsert": {
        "properties is a list": b'{"inputs": [{"id": "1", "properties": ["subject"]}]}',
        "properties missing": b'{"inputs": [{"id": "1", "idProperty": "k"}]}',
        "idProperty is a number": b'{"inputs": [{"id": "1", "idProperty": 5, "properties": {}}]}',
    },
    "batch/archive": {
        "id is a list": b'{"inputs": [{"id": ["1"]}]}',
        "inputs is a number": b'{"inputs": 1}',
    },
    "create": {
        "properties is a list": b'{"properties": ["subject"]}',
        "properties is a string": b'{"properties": "subject"}',
        "associations is a string": b'{"properties": {}, "associations": "none"}',
    },
    "update": {
        "properties is a list": b'{"properties": ["subject"]}',
        "property value is a list": b'{"properties": {"subject": ["a"]}}',
    },
    "property create": {
        "name is a number": b'{"name": 5, "label": "L", "type": "string", '
        b'"fieldType": "text", "groupName": "g"}',
        "options is a string": b'{"name": "x", "label": "L", "type": "string", '
        b'"fieldType": "text", "groupName": "g", "options": "a"}',
    },
    "pipeline create": {
        "stages missing": b'{"label": "P", "displayOrder": 0}',
        "label is a number": b'{"label": 5, "displayOrder": 0, "stages": []}',
        "stages is a string": b'{"label": "P", "displayOrder": 0, "stages": "none"}',
    },
    "pipeline update": {
        "label is a number": b'{"label": 5}',
        "displayOrder is a string": b'{"displayOrder": "1"}',
        "archived is a string": b'{"archived": "no"}',
    },
    "stage create": {
        "metadata missing": b'{"label": "S", "displayOrder": 0}',
        "metadata is a string": b'{"label": "S", "displayOrder": 0, "metadata": "OPEN"}',
    },
    "stage update": {
        "ticketState is a number": b'{"metadata": {"ticketState": 1}}',
        "label is a list": b'{"label": ["S"]}',
    },
    "search": {
        "filterGroups is an object": b'{"filterGroups": {"filters": []}}',
        "filters is a string": b'{"filterGroups": [{"filters": "EQ"}]}',
        "limit is a string": b'{"limit": "ten"}',
        "sorts is a string": b'{"sorts": "createdate"}',
        "unknown field": b'{"inputs": [{"id": "1"}]}',
    },
}


def _kind(route: Route) -> str:
    if route.template.endswith("/search"):
        return "search"
    if route.template.startswith("/crm/v3/pipelines/"):
        what = "stage" if route.template.endswith(("/stages", "/{stage_id}")) else "pipeline"
        return f"{what} {'update' if route.method == 'PATCH' else 'create'}"
    if route.template.endswith("/properties/{object_type}"):
        return "property create"
    if "/batch/" in route.template:
        return route.template[route.template.index("batch/") :]
    return "update" if route.method == "PATCH" else "create"


#: Invalid UTF-8 inside a string the route decodes (a Jackson parse error at HubSpot).
NOT_UTF8 = {
    "batch/read": b'{"inputs": [{"id": "\xff"}]}',
    "batch/create": b'{"inputs": [{"properties": {"subject": "\xff"}}]}',
    "batch/update": b'{"inputs": [{"id": "1", "properties": {"subject": "caf\xc3"}}]}',
    "batch/upsert": b'{"inputs": [{"id": "\xff", "idProperty": "k", "properties": {}}]}',
    "batch/archive": b'{"inputs": [{"id": "\xe9"}]}',
    "create": b'{"properties": {"subject": "\xff"}}',
    "update": b'{"properties": {"subject": "\xff"}}',
    "property create": b'{"name": "x", "label": "\xff", "type": "string", '
    b'"fieldType": "text", "groupName": "g"}',
    "pipeline create": b'{"label": "\xff", "displayOrder": 0, "stages": []}',
    "pipeline update": b'{"label": "\xff"}',
    "stage create": b'{"label": "\xff", "displayOrder": 0, "metadata": {}}',
    "stage update": b'{"label": "\xff"}',
    "search": b'{"query": "\xff"}',
}


WRONG_TYPE_CASES = [
    pytest.param(route, content, id=f"{route.name}-{label}")
    for route in BODY_ROUTES
    for label, content in WRONG_TYPES[_kind(route)].items()
]


@pytest.mark.parametrize(("route", "content"), WRONG_TYPE_CASES)
def test_wrongly_typed_body_gets_400_invalid_input_json(
    api: Api, good_token: str, route: Route, content: bytes
) -> None:
    assert_invalid_json(api.call(route, token=good_token, content=content))


@by_route(BODY_ROUTES)
def test_body_with_invalid_utf8_in_a_string_gets_400_invalid_input_json(
    api: Api, good_token: str, route: Route
) -> None:
    assert_invalid_json(api.call(route, token=good_token, content=NOT_UTF8[_kind(route)]))


SYNTAX_POSITIONS = {
    # behaviour.md section 10: '{%' is "line 1, column 2".
    "second character": (b"{%", 1, 2),
    "second line": (b'{\n  "inputs": [,]\n}', 2, 14),
    "second line after CRLF": (b'{\r\n  "inputs": [,]\r\n}', 2, 14),
    "third line": (b'{\n  "inputs": [\n    {"id": 1,}\n  ]\n}', 3, 14),
    "cut off at the end of line 3": (b'{\n  "inputs": [\n    {"id": "1"', 3, 15),
}


@by_route(BODY_ROUTES)
@pytest.mark.parametrize("case", SYNTAX_POSITIONS.values(), ids=SYNTAX_POSITIONS.keys())
def test_syntax_error_names_its_line_and_column(
    api: Api, good_token: str, route: Route, case: tuple[bytes, int, int]
) -> None:
    content, line, column = case
    response = api.call(route, token=good_token, content=content)
    assert assert_invalid_json(response) == (line, column), response.text


def test_type_error_names_the_path_of_the_offending_value(api: Api, good_token: str) -> None:
    """Spoke names where the wrong-typed value is by its JSON path (docs/behaviour.md)."""
    content = b'{\n  "properties": ["subject"],\n  "inputs": "1"\n}'
    response = api.call(BATCH_READ, token=good_token, content=content)
    assert_invalid_json(response)
    assert response.json()["message"].endswith("- at `$.inputs`"), response.text


# -- unknown paths and methods --------------------------------------------------------------

#: Paths HubSpot does not have, and ticket paths it has (the token holds ``tickets``) that
#: Spoke does not serve; HubSpot paths the token has no scope for are refused with a 403
#: (tests/e2e/test_scopes.py).
UNKNOWN_PATHS = [
    ("GET", "/nope"),
    ("GET", "/crm/v3/objects/tickets/1/extra"),
    ("POST", "/crm/objects/2099-01/tickets/batch/read"),
]


@pytest.mark.parametrize(("method", "path"), UNKNOWN_PATHS, ids=[p for _, p in UNKNOWN_PATHS])
def test_unknown_path_gets_404_in_the_envelope(
    api: Api, good_token: str, method: str, path: str
) -> None:
    content = b"{}" if method == "POST" else None
    response = api.send(method, path, token=good_token, content=content)
    body = envelope(response, 404, ["status", "message", "correlationId", "category"])
    assert body["message"]


WRONG_METHODS = [
    ("GET", "/crm/v3/objects/tickets/batch/read"),
    ("PUT", "/crm/v3/objects/tickets/batch/read"),
    ("DELETE", "/crm/objects/2026-03/tickets/batch/archive"),
    ("PUT", "/crm/v3/objects/tickets/1"),
    ("POST", "/crm/v3/objects/tickets/1"),
    ("DELETE", "/crm/v3/properties/tickets"),
    ("PUT", "/crm/v3/pipelines/tickets"),
]


@pytest.mark.parametrize(
    ("method", "path"), WRONG_METHODS, ids=[f"{m} {p}" for m, p in WRONG_METHODS]
)
def test_wrong_method_on_a_known_path_gets_405_in_the_envelope(
    api: Api, good_token: str, method: str, path: str
) -> None:
    response = api.send(method, path, token=good_token)
    body = envelope(response, 405, ["status", "message", "correlationId", "category"])
    assert body["message"]


# -- through HubSpot's SDK ----------------------------------------------------------------


def _sdk_batch_read(api: Api, token: str) -> None:
    client = hubspot.Client.create(
        access_token=token, host=api.base_url, client_side_validation=True
    )
    client.crm.tickets.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id="1")],
            properties=["subject"],
            properties_with_history=[],
        ),
        archived=False,
    )


def _sdk_body(error: UnauthorizedException | ForbiddenException) -> dict[str, Any]:
    body = json.loads(error.body)
    assert isinstance(body, dict)
    assert str(uuid.UUID(body["correlationId"])) == body["correlationId"]
    return body


def test_sdk_raises_unauthorized_for_an_unknown_token(api: Api) -> None:
    with pytest.raises(UnauthorizedException) as raised:
        _sdk_batch_read(api, "pat-na1-00000000000000000000000000000000")
    assert raised.value.status == 401
    body = _sdk_body(raised.value)
    assert body == {
        "status": "error",
        "message": AUTH_MESSAGE,
        "correlationId": body["correlationId"],
        "category": "INVALID_AUTHENTICATION",
    }


def test_sdk_raises_unauthorized_for_an_expired_token(api: Api) -> None:
    with pytest.raises(UnauthorizedException) as raised:
        _sdk_batch_read(api, api.token(expires_in=0))
    body = _sdk_body(raised.value)
    assert body["category"] == "EXPIRED_AUTHENTICATION"
    assert EXPIRED.match(body["message"]), body["message"]


def test_sdk_raises_forbidden_for_a_token_without_tickets_scope(api: Api) -> None:
    with pytest.raises(ForbiddenException) as raised:
        _sdk_batch_read(api, api.token(scopes=["crm.schemas.tickets.read"]))
    assert raised.value.status == 403
    body = _sdk_body(raised.value)
    assert body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"] == {"requiredGranularScopes": ["tickets"]}
    assert body["links"] == {"scopes": SCOPES_LINK}


def test_module_server_database_is_fresh(api: Api) -> None:
    """Guards the sweep above: no refused request may have written anything."""
    store = open_store(api.database_url)
    try:
        assert store.count_objects(TICKETS.type_id) == 0
    finally:
        store.close()
