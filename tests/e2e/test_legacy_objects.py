"""Records on HubSpot's v4 and legacy v1 object paths (docs/behaviour.md, "Legacy APIs").

- ``GET /crm/v4/objects/{objectType}`` and ``/{objectId}`` answer what the v3 list and
  read answer (the same handlers): same query, same records, ``archived=False`` too.
- ``/crm-objects/v1/objects/tickets``: ``paged`` (by ``offset``, the last id of the
  previous page, up to 100 a page), a record by id and ``batch-read`` by ids, in v1's
  shape: ``objectType``, ``portalId``, ``objectId``, ``isDeleted``, and each property
  asked for that holds a value as ``{value, timestamp, source, sourceId, versions}``.
  The official SDK has no legacy client: raw HTTP, reading as hubspot3 does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import msgspec
import pytest

from spoke.api.legacy import bodies
from spoke.domain.instants import parse_instant

if TYPE_CHECKING:
    from conftest import LiveServer

Json = dict[str, Any]

V3 = "/crm/v3/objects/tickets"
V1 = "/crm-objects/v1/objects/tickets"
#: What hubspot3's ``tickets.get_all()`` asks for.
HUBSPOT3_PROPERTIES = ["subject", "content", "hs_pipeline", "hs_pipeline_stage"]


def create_tickets(http: httpx.Client, count: int) -> list[int]:
    """``count`` new tickets (subjects ``Ticket <n>``), their ids in increasing order."""
    ids: list[int] = []
    for start in range(0, count, 100):
        inputs = [
            {
                "properties": {
                    "subject": f"Ticket {n}",
                    "content": f"Body {n}",
                    "hs_pipeline_stage": "1",
                }
            }
            for n in range(start, min(start + 100, count))
        ]
        response = http.post(f"{V3}/batch/create", json={"inputs": inputs})
        assert response.status_code == 201, response.text
        ids += [int(record["id"]) for record in response.json()["results"]]
    return sorted(ids)


def archive(http: httpx.Client, *ids: int) -> None:
    for object_id in ids:
        assert http.delete(f"{V3}/{object_id}").status_code == 204


def v1_page(http: httpx.Client, offset: int, **params: Any) -> bodies.ObjectPageV1:
    response = http.get(f"{V1}/paged", params={"offset": offset, **params})
    assert response.status_code == 200, response.text
    return msgspec.json.decode(response.content, type=bodies.ObjectPageV1, strict=True)


# -- v4 --------------------------------------------------------------------------------------


def test_v4_lists_what_v3_lists(http: httpx.Client) -> None:
    ids = create_tickets(http, 25)
    archive(http, ids[3])
    query = "limit=10&archived=False&associations=contact,company,deals&properties=subject,content"
    pages: dict[str, list[Json]] = {"v3": [], "v4": []}
    for version, path in (("v3", V3), ("v4", "/crm/v4/objects/tickets")):
        after = ""
        while True:
            response = http.get(f"{path}?{query}{after}")
            assert response.status_code == 200, response.text
            body = response.json()
            pages[version] += body["results"]
            if "paging" not in body:
                break
            assert body["paging"]["next"]["link"].startswith(f"{http.base_url}{path}?")
            after = f"&after={body['paging']['next']['after']}"
    assert pages["v4"] == pages["v3"]
    assert [int(r["id"]) for r in pages["v4"]] == [i for i in ids if i != ids[3]]
    assert all(set(r["properties"]) >= {"subject", "content"} for r in pages["v4"])


def test_v4_reads_a_record_as_v3_does_by_any_name(http: httpx.Client) -> None:
    (first,) = create_tickets(http, 1)
    v3 = http.get(f"{V3}/{first}", params={"properties": "subject"}).json()
    for name in ("tickets", "ticket", "0-5"):
        response = http.get(f"/crm/v4/objects/{name}/{first}", params={"properties": "subject"})
        assert response.status_code == 200, response.text
        assert response.json() == v3
    archived = http.get("/crm/v4/objects/tickets", params={"archived": "true"})
    assert archived.status_code == 200 and archived.json() == {"results": []}


# -- v1: paged ---------------------------------------------------------------------------


def test_paging_by_offset_as_hubspot3_does_gets_every_live_ticket_once(
    http: httpx.Client,
) -> None:
    ids = create_tickets(http, 250)
    archive(http, ids[2], ids[6])
    live = [i for i in ids if i not in (ids[2], ids[6])]
    seen: list[int] = []
    offset, pages = 0, 0
    while True:  # hubspot3's TicketsClient.get_all
        page = v1_page(http, offset, properties=HUBSPOT3_PROPERTIES)
        seen += [o.objectId for o in page.objects]
        pages += 1
        if not page.hasMore:
            break
        offset = page.offset
    assert seen == live
    assert pages == 3  # 100 a page
    assert page.offset == live[-1]


def test_a_page_holds_the_properties_asked_for_that_have_a_value(
    http: httpx.Client, server: LiveServer
) -> None:
    (first,) = create_tickets(http, 1)
    updated = http.patch(f"{V3}/{first}", json={"properties": {"subject": "Renamed"}})
    assert updated.status_code == 200
    record = http.get(
        f"{V3}/{first}", params={"propertiesWithHistory": "subject,createdate"}
    ).json()
    history = record["propertiesWithHistory"]
    app_id = history["subject"][0]["sourceId"]
    page = http.get(
        f"{V1}/paged", params={"properties": ["subject", "createdate", "hs_ticket_priority"]}
    )
    assert page.status_code == 200, page.text
    latest_subject = parse_instant(history["subject"][0]["timestamp"])
    created = parse_instant(history["createdate"][0]["timestamp"])
    assert page.json() == {
        "objects": [
            {
                "objectType": "TICKET",
                "portalId": 1,
                "objectId": first,
                "properties": {
                    "subject": {
                        "value": "Renamed",
                        "timestamp": latest_subject,
                        "source": "INTEGRATION",
                        "sourceId": app_id,
                        "versions": [
                            {
                                "name": "subject",
                                "value": "Renamed",
                                "timestamp": latest_subject,
                                "source": "INTEGRATION",
                                "sourceVid": [],
                                "sourceId": app_id,
                            }
                        ],
                    },
                    "createdate": {
                        "value": str(parse_instant(record["properties"]["createdate"])),
                        "timestamp": created,
                        "source": "INTEGRATION",
                        "sourceId": app_id,
                        "versions": [
                            {
                                "name": "createdate",
                                "value": str(parse_instant(record["properties"]["createdate"])),
                                "timestamp": created,
                                "source": "INTEGRATION",
                                "sourceVid": [],
                                "sourceId": app_id,
                            }
                        ],
                    },
                },
                "isDeleted": False,
            }
        ],
        "hasMore": False,
        "offset": first,
    }
    bare = v1_page(http, 0)
    assert [o.properties for o in bare.objects] == [{}]


def test_a_page_is_limited_and_its_offset_validated(http: httpx.Client) -> None:
    ids = create_tickets(http, 5)
    page = v1_page(http, ids[1], limit=2)
    assert [o.objectId for o in page.objects] == ids[2:4]
    assert page.hasMore and page.offset == ids[3]
    last = v1_page(http, ids[-1])
    assert last.objects == [] and not last.hasMore and last.offset == ids[-1]
    for bad in ("x", "-1", "1.5"):
        response = http.get(f"{V1}/paged", params={"offset": bad})
        assert response.status_code == 400, response.text
        assert response.json()["message"] == (
            f"Invalid offset '{bad}': pass the offset of the previous page"
        )
    assert http.get(f"{V1}/paged", params={"limit": "101"}).status_code == 400


# -- v1: by id and batch ------------------------------------------------------------------


def test_a_record_by_id_with_every_version_asked_for(http: httpx.Client) -> None:
    (first,) = create_tickets(http, 1)
    for subject in ("Second", "Third"):
        assert http.patch(f"{V3}/{first}", json={"properties": {"subject": subject}}).is_success
    response = http.get(
        f"{V1}/{first}", params={"propertiesWithHistory": "subject", "properties": "content"}
    )
    assert response.status_code == 200, response.text
    record = msgspec.json.decode(response.content, type=bodies.ObjectV1, strict=True)
    subject = record.properties["subject"]
    assert subject.value == "Third"
    assert [v.value for v in subject.versions] == ["Third", "Second", "Ticket 0"]
    assert subject.timestamp == subject.versions[0].timestamp
    assert [v.value for v in record.properties["content"].versions] == ["Body 0"]


def test_a_deleted_record_is_found_only_with_include_deletes(http: httpx.Client) -> None:
    kept, gone = create_tickets(http, 2)
    archive(http, gone)
    missing = http.get(f"{V1}/{gone}")
    assert missing.status_code == 404, missing.text
    assert missing.json()["category"] == "OBJECT_NOT_FOUND"
    found = http.get(f"{V1}/{gone}", params={"includeDeletes": "true"})
    assert found.status_code == 200, found.text
    assert found.json()["isDeleted"] is True
    assert http.get(f"{V1}/{kept}", params={"includeDeletes": "True"}).json()["isDeleted"] is False
    assert http.get(f"{V1}/999999").status_code == 404


def test_batch_read_answers_the_records_found_by_id(http: httpx.Client) -> None:
    first, second, gone = create_tickets(http, 3)
    archive(http, gone)
    response = http.post(
        f"{V1}/batch-read",
        params={"properties": ["subject"]},
        json={"ids": [second, first, gone, 999999, "x"]},
    )
    assert response.status_code == 200, response.text
    found = msgspec.json.decode(response.content, type=bodies.ObjectsById, strict=True)
    assert list(found) == [str(first), str(second)]
    assert found[str(second)].properties["subject"].value == "Ticket 1"
    with_deleted = http.post(
        f"{V1}/batch-read", params={"includeDeletes": "true"}, json={"ids": [gone, first]}
    ).json()
    assert list(with_deleted) == [str(first), str(gone)]
    assert with_deleted[str(gone)]["isDeleted"] is True


@pytest.mark.parametrize(
    "body",
    [{"ids": list(range(1, 102))}, {"ids": "1"}, {"inputs": [{"id": "1"}]}, [1, 2]],
    ids=["101 ids", "not a list", "v3 body", "bare list"],
)
def test_batch_read_refuses_what_is_not_up_to_100_ids(http: httpx.Client, body: Any) -> None:
    response = http.post(f"{V1}/batch-read", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["category"] == "VALIDATION_ERROR"


def test_v1_serves_tickets_products_and_line_items_by_their_plural_names_only(
    http: httpx.Client, server: LiveServer
) -> None:
    here = (
        "tickets (object type 0-5), products (object type 0-7), "
        "line_items (object type 0-8) on this path"
    )
    for name in ("ticket", "0-5"):
        response = http.get(f"/crm-objects/v1/objects/{name}/paged")
        assert response.status_code == 404, response.text
        assert response.json()["message"] == f"Spoke serves only {here}, not {name}"
    with server.http(server.token(["crm.objects.contacts.read"])) as contacts:
        assert contacts.get(f"{V1}/paged").status_code == 403
        refused = contacts.get("/crm-objects/v1/objects/contacts/paged")
        assert refused.status_code == 404, refused.text
    with server.http(server.token(["crm.objects.deals.read"])) as deals:
        products = deals.get("/crm-objects/v1/objects/products/paged")
        assert products.status_code == 403
        assert products.json()["errors"][0]["context"]["requiredGranularScopes"] == [
            "crm.objects.products.read"
        ]
