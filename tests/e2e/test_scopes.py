"""HubSpot paths Spoke does not serve (docs/behaviour.md, "Scopes and paths Spoke does not
serve").

A request to a path of HubSpot's API that Spoke has no route for is answered as HubSpot
answers it: the token first (401), then HubSpot's 403 ``MISSING_SCOPES``, listing the scopes
HubSpot requires as ``requiredGranularScopes``, for a token without them. Connectors skip a
stream on that 403 and abort on a 404, so only paths HubSpot does not have get the 404.
The catalogue of HubSpot's paths is ``spoke/api/hubspot_paths.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import orjson
import pytest
from hubspot.crm.line_items.exceptions import ForbiddenException
from servers import live_server

from spoke.api.hubspot_paths import FAMILIES, OBJECT_TYPE, VERSION, Family, requirement
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES

if TYPE_CHECKING:
    from conftest import LiveServer

Json = dict[str, Any]

SCOPES_LINK = "https://developers.hubspot.com/scopes"
#: Every type Spoke serves, as its 404 for the others lists them.
SERVED = ", ".join(f"{t.name} (object type {t.type_id})" for t in STANDARD_OBJECT_TYPES)
#: A scope no HubSpot path outside the tickets definitions accepts.
UNRELATED_SCOPE = "crm.schemas.tickets.read"


def assert_missing_scopes(response: httpx.Response, required: list[str]) -> None:
    """HubSpot's exact 403, listing ``required``."""
    assert response.status_code == 403, response.text
    assert response.content == orjson.dumps(
        {
            "status": "error",
            "message": "This app hasn't been granted all required scopes to make this call. "
            f"Read more about required scopes here: {SCOPES_LINK}.",
            "correlationId": response.headers["x-hubspot-correlation-id"],
            "errors": [
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": required},
                }
            ],
            "links": {"scopes": SCOPES_LINK},
            "category": "MISSING_SCOPES",
        }
    )


def assert_error(response: httpx.Response, status: int, category: str, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.content == orjson.dumps(
        {
            "status": "error",
            "message": message,
            "correlationId": response.headers["x-hubspot-correlation-id"],
            "category": category,
        }
    )


# -- a sample of HubSpot's families, with the scopes HubSpot lists for them ------------------


def sensitive(name: str, kind: str) -> list[str]:
    """The record scopes of contacts, companies and deals, with their sensitive variants."""
    return [
        f"crm.objects.{name}.{kind}",
        f"crm.objects.{name}.sensitive.{kind}.v2",
        f"crm.objects.{name}.highly_sensitive.{kind}.v2",
    ]


#: (method, path, the scopes HubSpot requires), across HubSpot's API families.
HUBSPOT_PATHS: list[tuple[str, str, list[str]]] = [
    # CRM objects of types Spoke does not serve, by name, type id and custom type id
    ("GET", "/crm/v3/objects/line_items", ["crm.objects.line_items.read"]),
    ("POST", "/crm/v3/objects/line_items", ["crm.objects.line_items.write"]),
    ("POST", "/crm/v3/objects/products/search", ["crm.objects.products.read"]),
    ("GET", "/crm/v3/objects/quotes/17", ["crm.objects.quotes.read"]),
    ("DELETE", "/crm/v3/objects/0-1/5", sensitive("contacts", "write")),
    ("GET", "/crm/v3/objects/calls", ["crm.objects.contacts.read", "crm.objects.calls.read"]),
    (
        "GET",
        "/crm/v3/objects/feedback_submissions",
        ["crm.objects.contacts.read", "crm.objects.feedback_submissions.read"],
    ),
    ("GET", "/crm/v3/objects/2-123", ["crm.objects.custom.read"]),
    ("POST", "/crm/objects/2026-03/taxes/batch/read", ["crm.objects.line_items.read"]),
    # their definitions, and associations
    ("GET", "/crm/v3/properties/products", ["e-commerce", "crm.objects.products.read"]),
    ("POST", "/crm/v3/properties/contacts", ["crm.schemas.contacts.write"]),
    ("GET", "/crm/v3/pipelines/deals", ["crm.schemas.deals.read", *sensitive("deals", "read")]),
    (
        "GET",
        "/crm/v3/pipelines/orders/1/stages",
        ["crm.schemas.orders.read", "crm.objects.orders.read"],
    ),
    ("POST", "/crm/v4/associations/contacts/companies/batch/read", sensitive("contacts", "read")),
    ("GET", "/crm/v4/objects/deals/7/associations/contacts", sensitive("deals", "read")),
    # the rest of the CRM
    ("GET", "/crm/v3/owners/", ["crm.objects.owners.read"]),
    (
        "GET",
        "/crm-object-schemas/v3/schemas",
        ["crm.schemas.custom.read", "crm.objects.custom.read"],
    ),
    ("POST", "/crm/v3/lists/search", ["crm.lists.read"]),
    ("POST", "/crm/v3/lists", ["crm.lists.write"]),
    # legacy v1/v2 APIs
    ("GET", "/contacts/v1/lists/all/contacts/all", ["crm.lists.read"]),
    ("GET", "/contacts/v1/contact/vids/batch/", ["crm.objects.contacts.read"]),
    ("GET", "/deals/v1/deal/paged", ["crm.objects.deals.read"]),
    ("GET", "/companies/v2/companies/paged", ["crm.objects.companies.read"]),
    ("GET", "/engagements/v1/engagements/paged", ["crm.objects.contacts.read"]),
    (
        "GET",
        "/properties/v2/contacts/properties",
        ["crm.schemas.contacts.read", *sensitive("contacts", "read")],
    ),
    (
        "GET",
        "/crm-pipelines/v1/pipelines/deals",
        ["crm.schemas.deals.read", *sensitive("deals", "read")],
    ),
    ("GET", "/owners/v2/owners", ["crm.objects.owners.read"]),
    # marketing, automation, CMS, events, settings, account
    ("GET", "/email/public/v1/events", ["content"]),
    ("GET", "/email/public/v1/campaigns/by-id", ["content"]),
    ("GET", "/forms/v2/forms", ["forms"]),
    ("GET", "/marketing/v3/forms/", ["forms"]),
    ("GET", "/marketing/v3/campaigns", ["marketing.campaigns.read"]),
    ("GET", "/automation/v3/workflows", ["automation"]),
    ("GET", "/automation/v4/flows", ["automation"]),
    ("GET", "/cms/v3/pages/site-pages", ["content"]),
    ("GET", "/cms/v3/hubdb/tables", ["hubdb"]),
    ("GET", "/events/v3/events", ["oauth"]),
    ("GET", "/settings/v3/users/", ["settings.users.read"]),
    ("GET", "/account-info/v3/details", ["oauth"]),
    ("GET", "/integrations/v1/me", ["oauth"]),
]


@pytest.mark.parametrize(
    ("method", "path", "required"), HUBSPOT_PATHS, ids=[f"{m} {p}" for m, p, _ in HUBSPOT_PATHS]
)
def test_a_hubspot_path_the_token_has_no_scope_for_gets_hubspots_403(
    http: httpx.Client, method: str, path: str, required: list[str]
) -> None:
    body = {"inputs": []} if method == "POST" else None
    assert_missing_scopes(http.request(method, path, json=body), required)


def test_the_token_is_checked_before_the_scopes(server: LiveServer) -> None:
    path = "/crm/v3/objects/line_items"
    with server.http() as anonymous:
        missing = anonymous.get(path)
    with server.http("pat-na1-not-a-token") as unknown:
        refused = unknown.get(path)
    with server.http(server.token(expires_in_seconds=0)) as expired:
        late = expired.get(path)
    for response in (missing, refused):
        assert response.status_code == 401, response.text
        assert response.json()["category"] == "INVALID_AUTHENTICATION"
    assert late.status_code == 401, late.text
    assert late.json()["category"] == "EXPIRED_AUTHENTICATION"


def test_a_path_hubspot_does_not_have_gets_404_once_the_token_is_known(
    server: LiveServer, http: httpx.Client
) -> None:
    for method, path in [
        ("GET", "/nope"),
        ("GET", "/crm/v9/objects/line_items"),
        ("POST", "/api/v1/contacts"),
        ("GET", "/crm/v3/objectz/contacts"),
    ]:
        assert_error(
            http.request(method, path),
            404,
            "OBJECT_NOT_FOUND",
            f"No resource at {method} {path}",
        )
    with server.http() as anonymous:
        assert anonymous.get("/nope").status_code == 401


def test_an_object_type_hubspot_does_not_have_gets_hubspots_400_on_every_family(
    http: httpx.Client,
) -> None:
    for path in ["/crm/v3/properties/widgets", "/crm/v3/pipelines/Deals", "/crm/v4/objects/Deal"]:
        name = path.rsplit("/", 1)[1]
        assert_error(
            http.get(path), 400, "VALIDATION_ERROR", f"Unable to infer object type from: {name}"
        )


def test_a_token_holding_the_scope_gets_404_for_what_spoke_does_not_serve(
    server: LiveServer,
) -> None:
    token = server.token(scopes=["crm.objects.invoices.read", "content"])
    with server.http(token) as http:
        for path in ["/crm/v3/objects/invoices", "/crm/v3/properties/invoices"]:
            assert_error(
                http.get(path),
                404,
                "OBJECT_NOT_FOUND",
                f"Spoke serves only {SERVED}, not invoices",
            )
        path = "/email/public/v1/events"
        assert_error(http.get(path), 404, "OBJECT_NOT_FOUND", f"No resource at GET {path}")
        # ... but still 403 for a write it has no scope for
        assert_missing_scopes(
            http.post("/crm/v3/objects/invoices", json={"properties": {}}),
            ["crm.objects.invoices.write"],
        )


def test_a_wrong_method_on_a_ticket_path_is_refused_for_a_token_without_tickets(
    server: LiveServer,
) -> None:
    with server.http(server.token(scopes=[UNRELATED_SCOPE])) as http:
        assert_missing_scopes(http.put("/crm/v3/objects/tickets/1"), ["tickets"])
    with server.http(server.token()) as http:
        assert http.put("/crm/v3/objects/tickets/1").status_code == 405


@pytest.mark.parametrize("server", [3], indirect=True)
def test_refused_unserved_paths_count_against_the_rate_limit(server: LiveServer) -> None:
    with server.http(server.token()) as http:
        answers = [http.get(path) for path in ("/crm/v3/owners", "/nope", "/forms/v2/forms")]
        limited = http.get("/crm/v3/owners")
    assert [r.status_code for r in answers] == [403, 404, 403]
    assert [r.headers["x-hubspot-ratelimit-remaining"] for r in answers] == ["2", "1", "0"]
    assert limited.status_code == 429


# -- through HubSpot's SDK ----------------------------------------------------------------

SdkCall = Callable[[hubspot.Client], object]

SDK_CALLS: dict[str, tuple[SdkCall, list[str]]] = {
    "line items": (
        lambda sdk: sdk.crm.line_items.basic_api.get_page(),
        ["crm.objects.line_items.read"],
    ),
    "products": (lambda sdk: sdk.crm.products.basic_api.get_page(), ["crm.objects.products.read"]),
    "quotes": (lambda sdk: sdk.crm.quotes.basic_api.get_page(), ["crm.objects.quotes.read"]),
    "owners": (lambda sdk: sdk.crm.owners.owners_api.get_page(), ["crm.objects.owners.read"]),
    "custom object schemas": (
        lambda sdk: sdk.crm.schemas.core_api.get_all(),
        ["crm.schemas.custom.read", "crm.objects.custom.read"],
    ),
    "deal pipelines": (
        lambda sdk: sdk.crm.pipelines.pipelines_api.get_all("deals"),
        ["crm.schemas.deals.read", *sensitive("deals", "read")],
    ),
    "product properties": (
        lambda sdk: sdk.crm.properties.core_api.get_all("products"),
        ["e-commerce", "crm.objects.products.read"],
    ),
    "users": (lambda sdk: sdk.settings.users.users_api.get_page(), ["settings.users.read"]),
}


@pytest.mark.parametrize("api", list(SDK_CALLS))
def test_the_sdk_raises_forbidden_for_a_hubspot_api_the_token_has_no_scope_for(
    sdk: hubspot.Client, api: str
) -> None:
    call, required = SDK_CALLS[api]
    with pytest.raises(Exception) as raised:  # each SDK module has its own exception classes
        call(sdk)
    error = raised.value
    assert type(error).__name__ == "ForbiddenException", repr(error)
    assert getattr(error, "status", None) == 403
    body = orjson.loads(getattr(error, "body", b""))
    assert body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"]["requiredGranularScopes"] == required


def test_the_sdk_exception_is_the_modules_own(sdk: hubspot.Client) -> None:
    with pytest.raises(ForbiddenException):
        sdk.crm.line_items.basic_api.get_page()


# -- every family of the catalogue, on one server per backend -----------------------------


@pytest.fixture(scope="module")
def unrelated_http(module_database_url: str) -> Iterator[httpx.Client]:
    """A client of a server shared by this module's catalogue tests, with a token holding
    a scope no family below accepts."""
    with (
        live_server(module_database_url) as running,
        running.http(running.token(scopes=[UNRELATED_SCOPE])) as client,
    ):
        yield client


def example_path(family: Family) -> str:
    """A path of ``family``, naming an object type that needs other scopes than tickets
    (one Spoke does not serve, so no served type's own rules answer first)."""
    filled = family.template.replace(OBJECT_TYPE, "invoices").replace(VERSION, "2026-03")
    return re.sub(r"/v[0-9]+/invoices", "/v2/invoices", filled) + "/example"


CATALOGUE_REQUESTS = [
    (method, family)
    for family in FAMILIES
    for method in ("GET", "DELETE")
    if requirement(method, example_path(family)) is not None
]


@pytest.mark.parametrize(
    ("method", "family"),
    CATALOGUE_REQUESTS,
    ids=[f"{method} {family.template}" for method, family in CATALOGUE_REQUESTS],
)
def test_every_family_of_the_catalogue_answers_403_to_a_token_without_its_scopes(
    unrelated_http: httpx.Client, method: str, family: Family
) -> None:
    path = example_path(family)
    found = requirement(method, path)
    assert found is not None and found.family == family.template
    assert UNRELATED_SCOPE not in found.scopes
    assert_missing_scopes(unrelated_http.request(method, path), list(found.scopes))
