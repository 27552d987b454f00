"""Generic and dated paths (docs/behaviour.md, Paths).

Every tickets object operation answers on HubSpot's generic path
``/crm/v3/objects/{objectType}/...`` and on the dated ``/crm/objects/2026-03/{objectType}/...``,
for the object type's name ``tickets``, its singular ``ticket`` and its type id ``0-5``: one
set of handlers, so one test walks every operation once per path prefix. The properties
and pipelines APIs answer on their dated paths too. Any other object type is refused:
HubSpot's 400 ``Unable to infer object type from: <name>`` for a name HubSpot has no object
type for, HubSpot's 403 ``MISSING_SCOPES`` for a HubSpot object type Spoke does not serve
(``invoices``, ``0-53``, a custom ``2-…``) the token has no scope for, and a 404 for one
it has scopes for; such requests count against the rate limit like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import orjson
import pytest
from hubspot.crm.objects import (
    BatchReadInputSimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS

if TYPE_CHECKING:
    from conftest import LiveServer

Json = dict[str, Any]

VERSIONS = ("/crm/v3/objects", "/crm/objects/2026-03")
OBJECT_TYPES = ("tickets", "ticket", "0-5")
PREFIXES = [f"{version}/{object_type}" for version in VERSIONS for object_type in OBJECT_TYPES]

#: What the 404 for a HubSpot object type Spoke does not serve lists.
SERVED = ", ".join(f"{t.name} (object type {t.type_id})" for t in STANDARD_OBJECT_TYPES)

NEW_TICKET = {"properties": {"subject": "Printer on fire", "hs_pipeline_stage": "1"}}

#: Every tickets object operation, as ``(method, path after the prefix, body)``.
OPERATIONS: list[tuple[str, str, Json | None]] = [
    ("GET", "", None),
    ("POST", "", NEW_TICKET),
    ("GET", "/1", None),
    ("PATCH", "/1", {"properties": {"subject": "x"}}),
    ("DELETE", "/1", None),
    ("POST", "/batch/read", {"inputs": [{"id": "1"}]}),
    ("POST", "/batch/create", {"inputs": [NEW_TICKET]}),
    ("POST", "/batch/update", {"inputs": [{"id": "1", "properties": {"subject": "x"}}]}),
    ("POST", "/batch/upsert", {"inputs": [{"id": "K", "idProperty": "k", "properties": {}}]}),
    ("POST", "/batch/archive", {"inputs": [{"id": "1"}]}),
]


def call(http: httpx.Client, method: str, path: str, body: Json | None = None) -> httpx.Response:
    return http.request(method, path, json=body)


def exact_error(response: httpx.Response, status: int, category: str, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.content == orjson.dumps(
        {
            "status": "error",
            "message": message,
            "correlationId": response.headers["x-hubspot-correlation-id"],
            "category": category,
        }
    )


# -- every operation on every path -----------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_ticket_operation_answers_on_the_path(http: httpx.Client, prefix: str) -> None:
    created = http.post(prefix, json=NEW_TICKET)
    assert created.status_code == 201, created.text
    ticket_id = created.json()["id"]

    read = http.get(f"{prefix}/{ticket_id}", params={"properties": "subject"})
    assert read.status_code == 200, read.text
    assert read.json()["properties"]["subject"] == "Printer on fire"

    patched = http.patch(f"{prefix}/{ticket_id}", json={"properties": {"subject": "Fixed"}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["properties"]["subject"] == "Fixed"

    batch = http.post(f"{prefix}/batch/create", json={"inputs": [NEW_TICKET, NEW_TICKET]})
    assert batch.status_code == 201, batch.text
    others = [record["id"] for record in batch.json()["results"]]

    listed = http.get(prefix, params={"limit": 2, "properties": "subject"})
    assert listed.status_code == 200, listed.text
    assert [r["id"] for r in listed.json()["results"]] == [ticket_id, others[0]]
    link = listed.json()["paging"]["next"]["link"]
    assert httpx.URL(link).path == prefix, "the link stays on the path it was asked on"

    updated = http.post(
        f"{prefix}/batch/update",
        json={"inputs": [{"id": i, "properties": {"subject": "Batch"}} for i in others]},
    )
    assert updated.status_code == 200, updated.text

    both = http.post(
        f"{prefix}/batch/read",
        json={"inputs": [{"id": i} for i in [ticket_id, *others]], "properties": ["subject"]},
    )
    assert both.status_code == 200, both.text
    assert [r["properties"]["subject"] for r in both.json()["results"]] == [
        "Fixed",
        "Batch",
        "Batch",
    ]

    archived = http.post(f"{prefix}/batch/archive", json={"inputs": [{"id": others[0]}]})
    assert archived.status_code == 204, archived.text
    assert http.delete(f"{prefix}/{ticket_id}").status_code == 204
    gone = http.get(prefix, params={"archived": "true"})
    assert [r["id"] for r in gone.json()["results"]] == [ticket_id, others[0]]
    assert [r["id"] for r in http.get(prefix).json()["results"]] == [others[1]]


@pytest.mark.parametrize("object_type", OBJECT_TYPES)
def test_properties_and_pipelines_answer_on_their_dated_paths(
    http: httpx.Client, object_type: str
) -> None:
    for family in ("properties", "pipelines"):
        v3 = http.get(f"/crm/v3/{family}/tickets")
        dated = http.get(f"/crm/{family}/2026-03/{object_type}")
        assert (dated.status_code, dated.json()) == (200, v3.json()), family
    group = {"name": f"dated_{object_type.replace('-', '_')}", "label": "Dated"}
    created = http.post(f"/crm/properties/2026-03/{object_type}/groups", json=group)
    assert created.status_code == 201, created.text
    assert http.get(f"/crm/v3/properties/tickets/groups/{group['name']}").status_code == 200
    stage = {"label": "Dated", "displayOrder": 9, "metadata": {"ticketState": "OPEN"}}
    added = http.post(f"/crm/pipelines/2026-03/{object_type}/0/stages", json=stage)
    assert added.status_code == 201, added.text
    stages = http.get("/crm/v3/pipelines/tickets/0/stages").json()["results"]
    assert added.json()["id"] in [s["id"] for s in stages]


def test_a_list_reads_the_same_on_every_path(http: httpx.Client) -> None:
    for _ in range(3):
        assert http.post(PREFIXES[0], json=NEW_TICKET).status_code == 201
    answers = [http.get(prefix, params={"limit": 2}).json() for prefix in PREFIXES]
    for answer in answers:
        link = answer["paging"]["next"].pop("link")
        assert httpx.URL(link).params["after"] == answer["paging"]["next"]["after"]
    assert all(answer == answers[0] for answer in answers)


@pytest.mark.parametrize("object_type", OBJECT_TYPES)
def test_the_generic_objects_sdk_works_with_either_object_type(
    sdk: hubspot.Client, object_type: str
) -> None:
    objects = sdk.crm.objects
    created = objects.basic_api.create(
        object_type,
        SimplePublicObjectInputForCreate(properties=NEW_TICKET["properties"], associations=[]),
    )
    objects.basic_api.update(
        object_type, created.id, SimplePublicObjectInput(properties={"subject": "Renamed"})
    )
    read = objects.basic_api.get_by_id(object_type, created.id, properties=["subject"])
    assert read.properties["subject"] == "Renamed"
    page = objects.basic_api.get_page(object_type, limit=5, properties=["subject"])
    assert [t.id for t in page.results] == [created.id]
    assert page.paging is None
    batch = objects.batch_api.read(
        object_type,
        BatchReadInputSimplePublicObjectId(
            inputs=[{"id": created.id}], properties=["subject"], properties_with_history=[]
        ),
    )
    assert [t.properties["subject"] for t in batch.results] == ["Renamed"]
    objects.basic_api.archive(object_type, created.id)
    assert objects.basic_api.get_page(object_type).results == []


# -- other object types --------------------------------------------------------------------------


@pytest.mark.parametrize("object_type", ["widgets", "Tickets", "0-5-1"])
def test_an_object_type_hubspot_does_not_have_gets_hubspots_400(
    http: httpx.Client, object_type: str
) -> None:
    for version in VERSIONS:
        for method, rest, body in OPERATIONS:
            exact_error(
                call(http, method, f"{version}/{object_type}{rest}", body),
                400,
                "VALIDATION_ERROR",
                f"Unable to infer object type from: {object_type}",
            )


#: HubSpot object types Spoke does not serve, and the scope HubSpot requires to read and to
#: write their records (spoke/domain/hubspot_object_types.py).
UNSERVED_TYPES = {
    "invoices": ("crm.objects.invoices.read", "crm.objects.invoices.write"),
    "invoice": ("crm.objects.invoices.read", "crm.objects.invoices.write"),
    "0-53": ("crm.objects.invoices.read", "crm.objects.invoices.write"),
    "orders": ("crm.objects.orders.read", "crm.objects.orders.write"),
    "2-123456": ("crm.objects.custom.read", "crm.objects.custom.write"),
    "p12345_cars": ("crm.objects.custom.read", "crm.objects.custom.write"),
}


def missing_scopes(response: httpx.Response, required: list[str]) -> None:
    assert response.status_code == 403, response.text
    assert response.content == orjson.dumps(
        {
            "status": "error",
            "message": "This app hasn't been granted all required scopes to make this call. "
            "Read more about required scopes here: https://developers.hubspot.com/scopes.",
            "correlationId": response.headers["x-hubspot-correlation-id"],
            "errors": [
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": required},
                }
            ],
            "links": {"scopes": "https://developers.hubspot.com/scopes"},
            "category": "MISSING_SCOPES",
        }
    )


@pytest.mark.parametrize("object_type", list(UNSERVED_TYPES))
def test_a_hubspot_object_type_the_token_has_no_scope_for_gets_hubspots_403(
    server: LiveServer, http: httpx.Client, object_type: str
) -> None:
    read, write = UNSERVED_TYPES[object_type]
    for version in VERSIONS:
        for method, rest, body in OPERATIONS:
            reads = method == "GET" or rest == "/batch/read"
            response = call(http, method, f"{version}/{object_type}{rest}", body)
            missing_scopes(response, [read if reads else write])
    store = server.open_store()
    try:
        assert store.count_objects(TICKETS.type_id) == 0, "a refused request wrote a ticket"
    finally:
        store.close()


@pytest.mark.parametrize("object_type", list(UNSERVED_TYPES))
def test_a_hubspot_object_type_the_token_has_scopes_for_gets_404(
    server: LiveServer, object_type: str
) -> None:
    with server.http(server.token(scopes=UNSERVED_TYPES[object_type])) as http:
        for version in VERSIONS:
            for method, rest, body in OPERATIONS:
                exact_error(
                    call(http, method, f"{version}/{object_type}{rest}", body),
                    404,
                    "OBJECT_NOT_FOUND",
                    f"Spoke serves only {SERVED}, not {object_type}",
                )


def test_object_type_is_checked_after_the_token_and_before_its_scopes(
    server: LiveServer,
) -> None:
    with server.http() as anonymous:
        assert anonymous.get("/crm/v3/objects/widgets").status_code == 401
        assert anonymous.get("/crm/v3/objects/invoices").status_code == 401
    with server.http(server.token(scopes=["crm.objects.invoices.read"])) as unscoped:
        assert unscoped.get("/crm/v3/objects/widgets").status_code == 400
        assert unscoped.get("/crm/v3/objects/invoices").status_code == 404
        assert unscoped.get("/crm/v3/objects/deals").status_code == 403
        assert unscoped.get("/crm/v3/objects/0-5").status_code == 403
        assert unscoped.get("/crm/objects/2026-03/tickets").status_code == 403


@pytest.mark.parametrize("server", [5], indirect=True)
def test_a_refused_object_type_counts_against_the_rate_limit(server: LiveServer) -> None:
    with server.http(server.token()) as http:
        remaining = [
            http.get(f"/crm/v3/objects/{object_type}").headers["x-hubspot-ratelimit-remaining"]
            for object_type in ("widgets", "invoices", "tickets")
        ]
    assert remaining == ["4", "3", "2"]
