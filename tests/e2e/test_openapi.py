"""Spoke's OpenAPI document and docs page, and whether they describe the real responses.

``GET /openapi.json`` must be an OpenAPI 3.1 document listing exactly the operations the
server serves, and ``GET /docs`` a page listing the same operations. The response Structs
of :mod:`spoke.api.schemas` are what the document is generated from, so real responses are
decoded with them, strictly and with unknown keys refused, and the status code and schema
each operation documents are checked against what the server really answered. That way the
documented shapes cannot drift from the real ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any, TypeVar, get_origin

import httpx
import msgspec
import msgspec.inspect as mi
import pytest

from spoke.api import association_schemas as bodies
from spoke.api import schemas
from spoke.api.app import create_app
from spoke.api.hubspot_paths import requirement
from spoke.domain.hubspot_object_types import hubspot_object_type
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.domain.tokens import KNOWN_SCOPES

Json = dict[str, Any]
T = TypeVar("T")
COMPONENT = "#/components/schemas/{name}"

#: Spoke's own routes, outside HubSpot's API (and outside the document).
OWN_ROUTES = {("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/_spoke/health")}
PREFIXES = ["/crm/v3/objects/tickets", "/crm/objects/2026-03/tickets"]
TEMPLATES = ["/crm/v3/objects/{objectType}", "/crm/objects/2026-03/{objectType}"]
#: The properties and pipelines paths, v3 and dated.
SCHEMA_TEMPLATES = [
    "/crm/v3/properties/{objectType}",
    "/crm/properties/2026-03/{objectType}",
    "/crm/v3/pipelines/{objectType}",
    "/crm/pipelines/2026-03/{objectType}",
]
#: The associations paths: v4 per record and in batches, their dated successors, and v3.
ASSOCIATION_TEMPLATES = [
    "/crm/v4/objects/{objectType}",
    "/crm/v4/associations/{objectType}",
    "/crm/associations/2026-03/{objectType}",
    "/crm/v3/associations/{objectType}",
]
NEW_TICKET = {"properties": {"subject": "Printer on fire", "hs_pipeline_stage": "1"}}


@pytest.fixture
def document(server: Any) -> Json:
    with server.http() as anonymous:
        response = anonymous.get("/openapi.json")
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


# -- strict decoding -------------------------------------------------------------------------


def unknown_keys(value: Any, info: mi.Type, where: str = "$") -> Iterator[str]:
    """Paths in ``value`` that ``info`` does not describe, and nulls it would omit."""
    if isinstance(info, mi.StructType) and isinstance(value, dict):
        fields = {f.encode_name: f for f in info.fields}
        omits_defaults = (get_origin(info.cls) or info.cls).__struct_config__.omit_defaults
        for key, item in value.items():
            field = fields.get(key)
            if field is None:
                yield f"{where}.{key} (undocumented key)"
            elif item is None and omits_defaults and not field.required and field.default is None:
                yield f"{where}.{key} (null where the schema omits the key)"
            else:
                yield from unknown_keys(item, field.type, f"{where}.{key}")
    elif isinstance(info, mi.ListType) and isinstance(value, list):
        for index, item in enumerate(value):
            yield from unknown_keys(item, info.item_type, f"{where}[{index}]")
    elif isinstance(info, mi.DictType) and isinstance(value, dict):
        for key, item in value.items():
            yield from unknown_keys(item, info.value_type, f"{where}.{key}")
    elif isinstance(info, mi.UnionType):
        containers = (mi.StructType, mi.DictType) if isinstance(value, dict) else (mi.ListType,)
        for option in info.types:
            if isinstance(value, dict | list) and isinstance(option, containers):
                yield from unknown_keys(value, option, where)


def decode_exactly(content: bytes, kind: type[T]) -> T:
    """``content`` as ``kind``: strict types, every required key, no key ``kind`` lacks."""
    decoded = msgspec.json.decode(content, type=kind, strict=True)
    extra = list(unknown_keys(json.loads(content), mi.type_info(kind)))
    assert not extra, f"{kind.__name__} does not describe: {extra}"
    return decoded


# -- the document as a lookup ---------------------------------------------------------------


def _template_pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$")


def documented_operation(document: Json, request: httpx.Request) -> Json | None:
    """The operation of ``document`` that ``request`` called, if it documents one."""
    for path, methods in document["paths"].items():
        if _template_pattern(path).match(request.url.path):
            operation = methods.get(request.method.lower())
            return operation if isinstance(operation, dict) else None
    return None


def conforms(document: Json, response: httpx.Response, kind: type[T]) -> T:
    """Checks that ``document`` promises ``response``'s status and ``kind``, then decodes."""
    operation = documented_operation(document, response.request)
    described = f"{response.request.method} {response.request.url.path}"
    if operation is not None:
        responses = operation["responses"]
        status = str(response.status_code)
        if response.status_code >= 400:
            status = status if status in responses else "default"
        assert status in responses, f"{described} answered {status}, documented {list(responses)}"
        schema = responses[status]["content"]["application/json"]["schema"]
        (ref,), _ = msgspec.json.schema_components([kind], ref_template=COMPONENT)
        assert schema == ref, described
    else:
        assert response.status_code >= 400, f"{described} is served but not documented"
    assert response.headers["content-type"].startswith("application/json")
    return decode_exactly(response.content, kind)


def documents_no_content(document: Json, response: httpx.Response) -> None:
    operation = documented_operation(document, response.request)
    assert operation is not None
    documented = operation["responses"][str(response.status_code)]
    assert "content" not in documented
    assert response.content == b""


# -- the document itself ---------------------------------------------------------------------


def served_operations(server: Any) -> set[tuple[str, str]]:
    store = server.open_store()
    try:
        app = create_app(store)
    finally:
        store.close()
    return {
        (method, route.path)
        for route in app.routes
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD"
    } - OWN_ROUTES


def _camel_parameters(path: str) -> str:
    def camel(found: re.Match[str]) -> str:
        head, *rest = found.group(1).split("_")
        return "{" + head + "".join(part.title() for part in rest) + "}"

    return re.sub(r"\{(\w+)\}", camel, path)


def test_document_is_openapi_3_1_and_needs_no_token(server: Any) -> None:
    with server.http() as anonymous:
        response = anonymous.get("/openapi.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"]
    assert document["info"]["version"]


def test_document_lists_exactly_the_served_operations(server: Any, document: Json) -> None:
    listed = {
        (method.upper(), path) for path, methods in document["paths"].items() for method in methods
    }
    served = {(method, _camel_parameters(path)) for method, path in served_operations(server)}
    assert listed == served
    for template in TEMPLATES:
        assert ("POST", f"{template}/batch/read") in listed
        assert ("GET", template) in listed


def expected_scopes(method: str, path: str, operation: Json) -> list[str]:
    """The scopes HubSpot's catalogue of its paths requires for the operation, for every
    object type its path may name (``spoke.api.hubspot_paths``): a route of a HubSpot
    path accepts exactly what HubSpot requires there. On the v3 object paths, a type's
    object read or write scopes; on properties and pipelines its schema scopes (tickets:
    ``tickets``, and ``crm.schemas.tickets.read`` or ``.write``)."""
    names = [None]
    for parameter in operation["parameters"]:
        if parameter["name"] == "objectType" and "enum" in parameter["schema"]:
            names = parameter["schema"]["enum"]
    scopes: list[str] = []
    for name in names:
        concrete = path if name is None else path.replace("{objectType}", name)
        found = requirement(method.upper(), re.sub(r"\{\w+\}", "17", concrete))
        hubspot = hubspot_object_type(name) if name is not None else None
        if found is None and hubspot is not None and not hubspot.write:
            continue  # a write of a type HubSpot only reads (feedback submissions)
        assert found is not None, (method, path, name)
        scopes += found.scopes
    return list(dict.fromkeys(scopes))


def test_tickets_keep_their_scopes(document: Json) -> None:
    operation = document["paths"]["/crm/v3/properties/{objectType}"]
    for method, scope in (
        ("get", "crm.schemas.tickets.read"),
        ("post", "crm.schemas.tickets.write"),
    ):
        accepted = {s for r in operation[method]["security"] for s in r["bearer"]}
        assert {"tickets", scope} <= accepted
    objects = document["paths"]["/crm/v3/objects/{objectType}"]["get"]["security"]
    assert {"tickets"} <= {s for r in objects for s in r["bearer"]}


def test_every_operation_needs_a_bearer_token_with_a_scope_of_its_types(document: Json) -> None:
    """Each security requirement is an alternative: one bearer token with one scope."""
    schemes = document["components"]["securitySchemes"]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            accepted = []
            for alternative in operation["security"]:
                (scheme,) = alternative
                assert schemes[scheme] == {"type": "http", "scheme": "bearer"}, (method, path)
                accepted += alternative[scheme]
            assert accepted == expected_scopes(method, path, operation), (method, path)


def test_every_reference_resolves(document: Json) -> None:
    components = document["components"]["schemas"]

    def references(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from references(value)
        elif isinstance(node, list):
            for item in node:
                yield from references(item)

    found = set(references(document))
    assert found
    for reference in found:
        assert reference.startswith("#/components/schemas/"), reference
        assert reference.removeprefix("#/components/schemas/") in components, reference


def test_every_operation_documents_errors_with_the_error_schema(document: Json) -> None:
    for methods in document["paths"].values():
        for operation in methods.values():
            default = operation["responses"]["default"]
            schema = default["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}


def test_path_parameters_are_declared(document: Json) -> None:
    for path, methods in document["paths"].items():
        names = re.findall(r"\{(\w+)\}", path)
        for method, operation in methods.items():
            declared = [p["name"] for p in operation["parameters"] if p["in"] == "path"]
            assert declared == names, (method, path)


@pytest.mark.parametrize("template", TEMPLATES)
def test_batch_read_documents_200_and_207(document: Json, template: str) -> None:
    responses = document["paths"][f"{template}/batch/read"]["post"]["responses"]
    assert set(responses) == {"200", "207", "default"}
    request = document["paths"][f"{template}/batch/read"]["post"]["requestBody"]
    assert request["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BatchReadRequest"
    }


#: Where ``{objectType}`` takes fewer names than every served type's (HubSpot's legacy
#: paths took only some types, by their plural name).
FEWER_NAMES = {
    "/crm-objects/v1/objects": ["tickets", "products", "line_items"],
    "/properties/v1": ["contacts", "companies", "deals"],
    "/crm-pipelines/v1/pipelines": ["deals", "tickets"],
}
#: Paths whose ``{objectType}`` names a custom object schema, not a served type.
SCHEMA_NAMES = ("/crm/v3/schemas", "/crm-object-schemas/v3/schemas")


def test_object_type_is_documented_with_the_values_spoke_serves(document: Json) -> None:
    documented = set()
    for path, methods in document["paths"].items():
        for operation in methods.values():
            for parameter in operation["parameters"]:
                if parameter["name"] == "objectType":
                    family = path.split("/{objectType}")[0]
                    documented.add(family)
                    if family in SCHEMA_NAMES:
                        assert parameter["schema"] == {"type": "string"}
                        continue
                    pipelines = "/pipelines" in path
                    enum = FEWER_NAMES.get(family) or list(
                        dict.fromkeys(  # a type may have one name for all three
                            name
                            for t in STANDARD_OBJECT_TYPES
                            if t.pipelines is not None or not pipelines
                            for name in t.names
                        )
                    )
                    assert parameter["schema"] == {"type": "string", "enum": enum}
                if parameter["name"] == "toObjectType":
                    served = list(
                        dict.fromkeys(name for t in STANDARD_OBJECT_TYPES for name in t.names)
                    )
                    assert parameter["schema"] == {"type": "string", "enum": served}
    assert documented == {
        *(t.split("/{objectType}")[0] for t in (*TEMPLATES, *SCHEMA_TEMPLATES)),
        *(t.split("/{objectType}")[0] for t in ASSOCIATION_TEMPLATES),
        "/properties/v2",
        *FEWER_NAMES,
        *SCHEMA_NAMES,
    }


def test_list_documents_its_page_and_query(document: Json) -> None:
    for template in TEMPLATES:
        operation = document["paths"][template]["get"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ObjectPage"
        }
        query = [p["name"] for p in operation["parameters"] if p["in"] == "query"]
        assert query == [
            "limit",
            "after",
            "properties",
            "propertiesWithHistory",
            "archived",
            "associations",
        ]


# -- the docs page ---------------------------------------------------------------------------


class _TableRows(HTMLParser):
    """The text of every table row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_docs_page_lists_every_operation(server: Any, document: Json) -> None:
    with server.http() as anonymous:
        response = anonymous.get("/docs")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = _TableRows()
    page.feed(response.text)
    listed = {(row[0], row[1]) for row in page.rows if len(row) >= 2}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert (method.upper(), path) in listed
            row = next(r for r in page.rows if r[:2] == [method.upper(), path])
            assert operation["summary"] in row
    assert "<script" not in response.text.lower()


# -- real responses against the documented shapes ------------------------------------------


def create_tickets(http: httpx.Client, count: int) -> list[str]:
    ids = []
    for number in range(count):
        body = {"properties": {"subject": f"Ticket {number}", "hs_pipeline_stage": "1"}}
        response = http.post("/crm/v3/objects/tickets", json=body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


@pytest.mark.parametrize("prefix", PREFIXES)
def test_batch_read_responses_match_their_schemas(
    http: httpx.Client, document: Json, prefix: str
) -> None:
    first, second, third = create_tickets(http, 3)
    patched = http.patch(f"/crm/v3/objects/tickets/{first}", json={"properties": {"subject": "Re"}})
    assert patched.status_code == 200, patched.text
    assert http.delete(f"/crm/v3/objects/tickets/{third}").status_code == 204
    url = f"{prefix}/batch/read"

    plain = http.post(url, json={"inputs": [{"id": first}, {"id": second}]})
    assert plain.status_code == 200, plain.text
    assert len(conforms(document, plain, schemas.BatchResponse).results) == 2

    with_history = http.post(
        url,
        json={
            "inputs": [{"id": first}],
            "properties": ["subject", "no_such_property"],
            "propertiesWithHistory": ["subject", "hs_pipeline_stage"],
        },
    )
    assert with_history.status_code == 200, with_history.text
    (record,) = conforms(document, with_history, schemas.BatchResponse).results
    assert record.propertiesWithHistory is not None
    assert [v.value for v in record.propertiesWithHistory["subject"]] == ["Re", "Ticket 0"]

    partial = http.post(url, json={"inputs": [{"id": first}, {"id": "999999"}]})
    assert partial.status_code == 207, partial.text
    decoded = conforms(document, partial, schemas.BatchResponseWithErrors)
    assert decoded.numErrors == 1
    assert decoded.errors[0].context == {"ids": ["999999"]}

    archived = http.post(url, params={"archived": "true"}, json={"inputs": [{"id": third}]})
    assert archived.status_code == 200, archived.text
    (gone,) = conforms(document, archived, schemas.BatchResponse).results
    assert gone.archived is True
    assert gone.archivedAt is not None


@pytest.mark.parametrize("prefix", PREFIXES)
def test_batch_write_responses_match_their_schemas(
    http: httpx.Client, document: Json, prefix: str
) -> None:
    created = http.post(f"{prefix}/batch/create", json={"inputs": [NEW_TICKET, NEW_TICKET]})
    assert created.status_code == 201, created.text
    ids = [t.id for t in conforms(document, created, schemas.BatchResponse).results]
    assert len(ids) == 2

    updates = [{"id": i, "properties": {"subject": "Updated"}} for i in ids]
    updated = http.post(f"{prefix}/batch/update", json={"inputs": updates})
    assert updated.status_code == 200, updated.text
    results = conforms(document, updated, schemas.BatchResponse).results
    assert {t.properties["subject"] for t in results} == {"Updated"}

    archived = http.post(f"{prefix}/batch/archive", json={"inputs": [{"id": i} for i in ids]})
    assert archived.status_code == 204, archived.text
    documents_no_content(document, archived)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_single_ticket_responses_match_the_ticket_schema(
    http: httpx.Client, document: Json, prefix: str
) -> None:
    created = http.post(prefix, json=NEW_TICKET)
    assert created.status_code == 201, created.text
    ticket_id = conforms(document, created, schemas.SimplePublicObject).id

    read = http.get(f"{prefix}/{ticket_id}")
    assert read.status_code == 200, read.text
    assert conforms(document, read, schemas.SimplePublicObject).id == ticket_id

    updated = http.patch(f"{prefix}/{ticket_id}", json={"properties": {"subject": "Fixed"}})
    assert updated.status_code == 200, updated.text
    assert conforms(document, updated, schemas.SimplePublicObject).properties["subject"] == "Fixed"

    history = http.get(
        f"{prefix}/{ticket_id}",
        params={"properties": "subject", "propertiesWithHistory": "subject"},
    )
    assert history.status_code == 200, history.text
    assert conforms(document, history, schemas.SimplePublicObject).propertiesWithHistory

    archived = http.delete(f"{prefix}/{ticket_id}")
    assert archived.status_code == 204, archived.text
    documents_no_content(document, archived)

    read_archived = http.get(f"{prefix}/{ticket_id}", params={"archived": "true"})
    assert read_archived.status_code == 200, read_archived.text
    assert conforms(document, read_archived, schemas.SimplePublicObject).archivedAt is not None


@pytest.mark.parametrize("prefix", PREFIXES)
def test_list_responses_match_their_schema(http: httpx.Client, document: Json, prefix: str) -> None:
    first, _, third = create_tickets(http, 3)
    assert http.delete(f"/crm/v3/objects/tickets/{third}").status_code == 204

    with_next = http.get(prefix, params={"limit": 1})
    assert with_next.status_code == 200, with_next.text
    page = conforms(document, with_next, schemas.ObjectPage)
    assert [t.id for t in page.results] == [first]
    assert page.paging is not None
    assert page.paging.next.link is not None

    last = http.get(prefix, params={"after": page.paging.next.after, "limit": 1})
    assert last.status_code == 200, last.text
    assert conforms(document, last, schemas.ObjectPage).paging is None

    history = http.get(prefix, params={"propertiesWithHistory": "subject"})
    assert history.status_code == 200, history.text
    assert conforms(document, history, schemas.ObjectPage).results[0].propertiesWithHistory

    archived = http.get(prefix, params={"archived": "true"})
    assert archived.status_code == 200, archived.text
    (gone,) = conforms(document, archived, schemas.ObjectPage).results
    assert gone.archivedAt is not None


def test_property_responses_match_their_schemas(http: httpx.Client, document: Json) -> None:
    listed = http.get("/crm/v3/properties/tickets")
    assert listed.status_code == 200, listed.text
    names = {p.name for p in conforms(document, listed, schemas.PropertyCollection).results}
    assert {"subject", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority"} <= names

    one = http.get("/crm/v3/properties/tickets/hs_ticket_priority")
    assert one.status_code == 200, one.text
    assert conforms(document, one, schemas.Property).options

    created = http.post(
        "/crm/v3/properties/tickets",
        json={
            "name": "escalation_level",
            "label": "Escalation level",
            "type": "enumeration",
            "fieldType": "select",
            "groupName": "ticketinformation",
            "options": [{"label": "Low", "value": "low"}, {"label": "High", "value": "high"}],
        },
    )
    assert created.status_code == 201, created.text
    custom = conforms(document, created, schemas.Property)
    assert custom.createdAt is not None

    relisted = http.get("/crm/v3/properties/tickets")
    assert "escalation_level" in {
        p.name for p in conforms(document, relisted, schemas.PropertyCollection).results
    }


def test_pipeline_responses_match_their_schemas(http: httpx.Client, document: Json) -> None:
    listed = http.get("/crm/v3/pipelines/tickets")
    assert listed.status_code == 200, listed.text
    pipelines = conforms(document, listed, schemas.PipelineCollection).results
    assert pipelines

    one = http.get(f"/crm/v3/pipelines/tickets/{pipelines[0].id}")
    assert one.status_code == 200, one.text
    assert conforms(document, one, schemas.Pipeline).stages


def test_error_responses_match_the_error_schema(
    server: Any, http: httpx.Client, document: Json
) -> None:
    batch_read = "/crm/v3/objects/tickets/batch/read"
    (ticket_id,) = create_tickets(http, 1)
    with server.http() as anonymous:
        unauthenticated = anonymous.post(batch_read, json={"inputs": []})
    with server.http(server.token(scopes=["crm.schemas.tickets.read"])) as unscoped:
        forbidden = unscoped.post(batch_read, json={"inputs": []})
    with server.http(server.token(expires_in_seconds=0)) as expired_client:
        expired = expired_client.post(batch_read, json={"inputs": []})
    errors = {
        401: [unauthenticated, expired],
        403: [forbidden, http.get("/crm/v3/objects/contacts"), http.get("/crm/v3/owners")],
        400: [
            http.post(batch_read, content=b"{\n  nope"),
            http.post(batch_read, json={"inputs": [{"id": str(i)} for i in range(101)]}),
            http.post(batch_read, json={"inputs": [{"id": "1"}], "idProperty": "no_such"}),
            http.post(batch_read, params={"archived": "maybe"}, json={"inputs": []}),
            http.get("/crm/v3/objects/tickets", params={"limit": "101"}),
            http.get("/crm/v3/objects/widgets"),
            http.patch(
                f"/crm/v3/objects/tickets/{ticket_id}",
                json={"properties": {"hs_ticket_priority": "NOT_A_PRIORITY"}},
            ),
        ],
        404: [
            http.get("/crm/v3/objects/tickets/999999"),
            http.get("/crm/v3/properties/tickets/no_such_property"),
            http.get("/crm/v3/pipelines/tickets/no_such_pipeline"),
            http.get("/no/such/path"),
        ],
        405: [http.put(batch_read, json={})],
        409: [
            http.post(
                "/crm/v3/properties/tickets",
                json={
                    "name": "subject",
                    "label": "Subject again",
                    "type": "string",
                    "fieldType": "text",
                    "groupName": "ticketinformation",
                },
            )
        ],
    }
    for status, responses in errors.items():
        for response in responses:
            assert response.status_code == status, response.text
            decoded = conforms(document, response, schemas.Error)
            assert decoded.correlationId == response.headers["x-hubspot-correlation-id"]


@pytest.mark.parametrize(
    ("objects", "associations", "ids"),
    [
        ("/crm/v4/objects", "/crm/v4/associations", bodies.NUMBER_IDS),
        ("/crm/objects/2026-03", "/crm/associations/2026-03", bodies.STRING_IDS),
    ],
    ids=["v4", "dated"],
)
def test_association_responses_match_their_schemas(
    server: Any, document: Json, objects: str, associations: str, ids: bodies.ResultIds
) -> None:
    """v4 writes record ids as numbers, its dated successor as strings."""
    with server.http(server.token(sorted(KNOWN_SCOPES))) as http:
        (ticket,) = create_tickets(http, 1)
        made = http.post("/crm/v3/objects/contacts", json={"properties": {}})
        assert made.status_code == 201, made.text
        contact = made.json()["id"]
        record = f"{objects}/tickets/{ticket}/associations"
        spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}]

        labelled = http.put(f"{record}/contacts/{contact}", json=spec)
        labels_between = conforms(document, labelled, ids.labels_between)
        assert labels_between.toObjectId == ids.record_id(int(contact))
        default = http.put(f"{record}/default/contacts/{contact}")
        assert len(conforms(document, default, bodies.BatchDefaultAssociations).results) == 2
        page = conforms(document, http.get(f"{record}/contacts"), ids.page)
        assert page.results[0].associationTypes[0].label is None
        assert page.results[0].toObjectId == ids.record_id(int(contact))
        v3_page = http.get(f"/crm/v3/objects/tickets/{ticket}/associations/contacts")
        assert conforms(document, v3_page, schemas.AssociatedIds).results[0].id == contact
        inline = http.get(f"/crm/v3/objects/tickets/{ticket}", params={"associations": "contacts"})
        assert conforms(document, inline, schemas.SimplePublicObject).associations

        pair = f"{associations}/tickets/contacts"
        read = http.post(f"{pair}/batch/read", json={"inputs": [{"id": ticket}]})
        assert conforms(document, read, ids.batch).results
        partial = http.post(f"{pair}/batch/read", json={"inputs": [{"id": ticket}, {"id": "9"}]})
        assert conforms(document, partial, ids.batch_with_errors).numErrors == 1
        inputs = [{"from": {"id": ticket}, "to": {"id": contact}, "types": spec}]
        created = http.post(f"{pair}/batch/create", json={"inputs": inputs})
        assert conforms(document, created, ids.batch_labels_between).results
        defaults = http.post(
            f"{pair}/batch/associate/default",
            json={"inputs": [{"from": {"id": ticket}, "to": {"id": contact}}]},
        )
        assert conforms(document, defaults, bodies.BatchDefaultAssociations).results
        labels = http.post(f"{pair}/labels", json={"name": "asker", "label": "Asker"})
        assert len(conforms(document, labels, bodies.AssociationTypes).results) == 2
        listed = conforms(document, http.get(f"{pair}/labels"), bodies.AssociationTypes)
        assert listed.results[0].typeId == 16

        v3 = "/crm/v3/associations/tickets/contacts/batch"
        v3_inputs = [{"from": {"id": ticket}, "to": {"id": contact}, "type": "ticket_to_contact"}]
        v3_created = http.post(f"{v3}/create", json={"inputs": v3_inputs})
        assert conforms(document, v3_created, bodies.BatchV3AssociationsCreated).results
        v3_read = http.post(f"{v3}/read", json={"inputs": [{"id": ticket}]})
        assert conforms(document, v3_read, bodies.BatchV3AssociationsRead).results
        v3_partial = http.post(f"{v3}/read", json={"inputs": [{"id": "9"}]})
        assert conforms(document, v3_partial, bodies.BatchV3AssociationsReadWithErrors).errors
        for response in (
            http.post(f"{v3}/archive", json={"inputs": v3_inputs}),
            http.post(f"{pair}/batch/labels/archive", json={"inputs": inputs}),
            http.post(
                f"{pair}/batch/archive", json={"inputs": [{"from": {"id": ticket}, "to": []}]}
            ),
            http.delete(f"{record}/contacts/{contact}"),
        ):
            assert response.status_code == 204, response.text
            documents_no_content(document, response)
