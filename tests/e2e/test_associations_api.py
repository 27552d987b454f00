"""The associations API (v4 per record and in batches, v3 batches) through HubSpot's
official Python SDK, and raw HTTP where bytes matter or the SDK cannot parse the answer
(``hubspot-api-client`` 12 refuses a 207 whose entries lack ``errors`` and ``links``, and
HubSpot's have neither). behaviour.md, "Associations".

HubSpot's shapes, as its v4 guide and captured responses show them: a v4 page is
``{"results": [{"toObjectId": <number>, "associationTypes": [{"category", "typeId",
"label"}]}]}``; a labelled create answers ``LabelsBetweenObjectPair``; a default create
answers both directions; a batch read answers 207 with one ``NO_ASSOCIATIONS_FOUND`` entry
per record with none; a bad record or type is HubSpot's 400 ``One or more associations
are invalid`` with its context keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import hubspot
import pytest
from hubspot.crm.associations import (
    BatchInputPublicAssociation,
    BatchInputPublicObjectId,
    PublicAssociation,
)
from hubspot.crm.associations import PublicObjectId as V3ObjectId
from hubspot.crm.associations.v4 import (
    AssociationSpec,
    BatchInputPublicAssociationMultiArchive,
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicDefaultAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicAssociationMultiArchive,
    PublicAssociationMultiPost,
    PublicDefaultAssociationMultiPost,
    PublicFetchAssociationsBatchRequest,
    PublicObjectId,
)
from servers import LiveServer

from spoke.domain.tokens import KNOWN_SCOPES

Json = dict[str, Any]

PRIMARY = AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=1)
CONTACT_TO_COMPANY = AssociationSpec(
    association_category="HUBSPOT_DEFINED", association_type_id=279
)
TICKET_TO_CONTACT = AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=16)
NEW_RECORD: dict[str, dict[str, str]] = {
    "contacts": {},
    "companies": {"name": "Acme"},
    "deals": {"dealname": "Deal", "dealstage": "qualifiedtobuy"},
    "tickets": {"subject": "Help", "hs_pipeline_stage": "1"},
    "calls": {"hs_timestamp": "2026-03-01T10:00:00Z"},
    "notes": {"hs_timestamp": "2026-03-01T10:00:00Z"},
}


@pytest.fixture
def everything(server: LiveServer) -> str:
    """A token with every scope Spoke serves."""
    return server.token(sorted(KNOWN_SCOPES))


@pytest.fixture
def api(server: LiveServer, everything: str) -> hubspot.Client:
    return server.sdk(everything)


@pytest.fixture
def raw(server: LiveServer, everything: str) -> Iterator[httpx.Client]:
    with server.http(everything) as client:
        yield client


def create(raw: httpx.Client, object_type: str, count: int = 1) -> list[str]:
    """``count`` new records of ``object_type``, by id."""
    inputs = [{"properties": NEW_RECORD[object_type]} for _ in range(count)]
    ids = []
    for start in range(0, count, 100):
        response = raw.post(
            f"/crm/v3/objects/{object_type}/batch/create",
            json={"inputs": inputs[start : start + 100]},
        )
        assert response.status_code == 201, response.text
        ids += [r["id"] for r in response.json()["results"]]
    return sorted(ids, key=int)


def types_between(
    raw: httpx.Client, from_type: str, from_id: str, to_type: str
) -> dict[str, list[Any]]:
    """Each associated record's ``(category, typeId, label)`` types, by id."""
    response = raw.get(f"/crm/v4/objects/{from_type}/{from_id}/associations/{to_type}")
    assert response.status_code == 200, response.text
    return {
        str(r["toObjectId"]): [
            (t["category"], t["typeId"], t["label"]) for t in r["associationTypes"]
        ]
        for r in response.json()["results"]
    }


def assert_invalid_associations(response: httpx.Response, context: Json) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert list(body) == ["status", "message", "correlationId", "category", "context"]
    assert body["message"] == "One or more associations are invalid"
    assert body["category"] == "VALIDATION_ERROR"
    assert body["context"] == context


# -- one record -----------------------------------------------------------------------------


def test_labelled_create_answers_the_labels_and_both_sides_see_the_association(
    api: hubspot.Client, raw: httpx.Client
) -> None:
    (contact,), (company,) = create(raw, "contacts"), create(raw, "companies")
    created = api.crm.associations.v4.basic_api.create(
        "contacts", contact, "companies", company, [PRIMARY]
    )
    assert (created.from_object_type_id, created.from_object_id) == ("0-1", contact)
    assert (created.to_object_type_id, created.to_object_id) == ("0-2", company)
    assert created.labels == ["Primary"]

    page = api.crm.associations.v4.basic_api.get_page("contacts", contact, "companies")
    (only,) = page.results
    assert only.to_object_id == company
    assert [(t.category, t.type_id, t.label) for t in only.association_types] == [
        ("HUBSPOT_DEFINED", 1, "Primary"),
        ("HUBSPOT_DEFINED", 279, None),
    ]
    assert page.paging is None
    # the other side, by singular name and by type id
    assert types_between(raw, "company", company, "0-1") == {
        contact: [("HUBSPOT_DEFINED", 2, "Primary"), ("HUBSPOT_DEFINED", 280, None)]
    }


def test_the_wire_shape_of_a_page_and_of_a_labelled_create(raw: httpx.Client) -> None:
    (ticket,), (contact,) = create(raw, "tickets"), create(raw, "contacts")
    put = raw.put(
        f"/crm/v4/objects/tickets/{ticket}/associations/contacts/{contact}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}],
    )
    assert put.status_code == 201, put.text
    assert put.json() == {
        "fromObjectTypeId": "0-5",
        "fromObjectId": int(ticket),
        "toObjectTypeId": "0-1",
        "toObjectId": int(contact),
        "labels": [],
    }
    assert list(put.json()) == [
        "fromObjectTypeId",
        "fromObjectId",
        "toObjectTypeId",
        "toObjectId",
        "labels",
    ]
    page = raw.get(f"/crm/v4/objects/tickets/{ticket}/associations/contacts")
    assert page.content == (
        b'{"results":[{"toObjectId":' + contact.encode() + b',"associationTypes":'
        b'[{"category":"HUBSPOT_DEFINED","typeId":16,"label":null}]}]}'
    )


def test_a_labelled_create_replaces_the_labels_and_keeps_the_unlabeled_type(
    api: hubspot.Client, raw: httpx.Client
) -> None:
    (contact,), (company,) = create(raw, "contacts"), create(raw, "companies")
    basic = api.crm.associations.v4.basic_api
    basic.create("contacts", contact, "companies", company, [PRIMARY])
    replaced = basic.create("contacts", contact, "companies", company, [CONTACT_TO_COMPANY])
    assert replaced.labels == []
    assert types_between(raw, "contacts", contact, "companies") == {
        company: [("HUBSPOT_DEFINED", 279, None)]
    }
    assert types_between(raw, "companies", company, "contacts") == {
        contact: [("HUBSPOT_DEFINED", 280, None)]
    }


def test_default_create_answers_both_directions(api: hubspot.Client, raw: httpx.Client) -> None:
    (ticket,), (company,) = create(raw, "tickets"), create(raw, "companies")
    answer = api.crm.associations.v4.basic_api.create_default(
        "tickets", ticket, "companies", company
    )
    assert answer.status == "COMPLETE"
    assert [
        (
            r._from.id,
            r.to.id,
            r.association_spec.association_category,
            r.association_spec.association_type_id,
        )
        for r in answer.results
    ] == [(ticket, company, "HUBSPOT_DEFINED", 339), (company, ticket, "HUBSPOT_DEFINED", 340)]
    raw_answer = raw.put(f"/crm/v4/objects/ticket/{ticket}/associations/default/company/{company}")
    assert raw_answer.status_code == 200, raw_answer.text
    assert list(raw_answer.json()) == ["status", "results", "startedAt", "completedAt"]
    assert list(raw_answer.json()["results"][0]) == ["from", "to", "associationSpec"]
    # a default create keeps the labels the pair has
    raw.put(
        f"/crm/v4/objects/tickets/{ticket}/associations/companies/{company}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 26}],
    )
    api.crm.associations.v4.basic_api.create_default("tickets", ticket, "companies", company)
    assert types_between(raw, "tickets", ticket, "companies") == {
        company: [("HUBSPOT_DEFINED", 26, "Primary"), ("HUBSPOT_DEFINED", 339, None)]
    }


def test_archive_removes_the_association_both_ways(api: hubspot.Client, raw: httpx.Client) -> None:
    (ticket,), (contact, other) = create(raw, "tickets"), create(raw, "contacts", 2)
    basic = api.crm.associations.v4.basic_api
    basic.create("tickets", ticket, "contacts", contact, [TICKET_TO_CONTACT])
    basic.create("tickets", ticket, "contacts", other, [TICKET_TO_CONTACT])
    assert basic.archive("tickets", ticket, "contacts", contact) is None
    assert types_between(raw, "tickets", ticket, "contacts") == {
        other: [("HUBSPOT_DEFINED", 16, None)]
    }
    assert types_between(raw, "contacts", contact, "tickets") == {}
    # removing what is not there, or from records that do not exist, changes nothing
    assert (
        raw.delete(f"/crm/v4/objects/tickets/{ticket}/associations/contacts/{contact}").status_code
        == 204
    )
    assert raw.delete("/crm/v4/objects/tickets/999999/associations/contacts/1").status_code == 204


def test_one_primary_company_a_record(api: hubspot.Client, raw: httpx.Client) -> None:
    """Making another company the contact's primary leaves the first one unlabeled."""
    (contact,), (first, second) = create(raw, "contacts"), create(raw, "companies", 2)
    basic = api.crm.associations.v4.basic_api
    basic.create("contacts", contact, "companies", first, [PRIMARY])
    basic.create("contacts", contact, "companies", second, [PRIMARY])
    assert types_between(raw, "contacts", contact, "companies") == {
        first: [("HUBSPOT_DEFINED", 279, None)],
        second: [("HUBSPOT_DEFINED", 1, "Primary"), ("HUBSPOT_DEFINED", 279, None)],
    }
    assert types_between(raw, "companies", first, "contacts") == {
        contact: [("HUBSPOT_DEFINED", 280, None)]
    }
    # from the company's side (2: the company is the contact's primary) as well
    raw.put(
        f"/crm/v4/objects/companies/{first}/associations/contacts/{contact}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 2}],
    )
    assert types_between(raw, "contacts", contact, "companies") == {
        first: [("HUBSPOT_DEFINED", 1, "Primary"), ("HUBSPOT_DEFINED", 279, None)],
        second: [("HUBSPOT_DEFINED", 279, None)],
    }


def test_a_company_has_one_parent(raw: httpx.Client) -> None:
    child, parent, other = create(raw, "companies", 3)
    child_to_parent = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 14}]
    for company in (parent, other):
        answer = raw.put(
            f"/crm/v4/objects/companies/{child}/associations/companies/{company}",
            json=child_to_parent,
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["labels"] == ["Parent Company"]
    assert types_between(raw, "companies", child, "companies") == {
        parent: [("HUBSPOT_DEFINED", 450, None)],
        other: [("HUBSPOT_DEFINED", 14, "Parent Company"), ("HUBSPOT_DEFINED", 450, None)],
    }
    assert types_between(raw, "companies", other, "companies") == {
        child: [("HUBSPOT_DEFINED", 13, "Child Company"), ("HUBSPOT_DEFINED", 450, None)]
    }


def test_pages_of_associations_follow_after(api: hubspot.Client, raw: httpx.Client) -> None:
    (ticket,), contacts = create(raw, "tickets"), create(raw, "contacts", 5)
    for contact in contacts:
        api.crm.associations.v4.basic_api.create_default("tickets", ticket, "contacts", contact)
    seen: list[str] = []
    after = None
    while True:
        page = api.crm.associations.v4.basic_api.get_page(
            "tickets", ticket, "contacts", after=after, limit=2
        )
        seen += [r.to_object_id for r in page.results]
        if page.paging is None:
            break
        after = page.paging.next.after
        assert page.paging.next.link.startswith(f"{raw.base_url}/crm/v4/objects/tickets/{ticket}/")
    assert seen == contacts
    for limit in ("0", "501", "ten"):
        bad = raw.get(
            f"/crm/v4/objects/tickets/{ticket}/associations/contacts", params={"limit": limit}
        )
        assert bad.status_code == 400, bad.text
    assert (
        raw.get(
            f"/crm/v4/objects/tickets/{ticket}/associations/contacts", params={"after": "x"}
        ).status_code
        == 400
    )


def test_records_that_are_not_live_records_of_the_type_are_refused(raw: httpx.Client) -> None:
    (ticket,), (contact, archived) = create(raw, "tickets"), create(raw, "contacts", 2)
    assert raw.delete(f"/crm/v3/objects/contacts/{archived}").status_code == 204
    spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}]
    for to_id in ("999999", archived, ticket, "abc"):
        response = raw.put(
            f"/crm/v4/objects/tickets/{ticket}/associations/contacts/{to_id}", json=spec
        )
        assert_invalid_associations(
            response,
            {
                "INVALID_OBJECT_IDS": [f"CONTACT={to_id} is not valid"],
                "objectId": [to_id],
                "objectType": ["CONTACT"],
            },
        )
    # a contact id named as a ticket
    response = raw.put(
        f"/crm/v4/objects/tickets/{contact}/associations/contacts/{contact}", json=spec
    )
    assert response.json()["context"]["INVALID_OBJECT_IDS"] == [f"TICKET={contact} is not valid"]
    assert types_between(raw, "tickets", ticket, "contacts") == {}


def test_association_types_that_are_not_the_pairs_are_refused(raw: httpx.Client) -> None:
    (ticket,), (contact,) = create(raw, "tickets"), create(raw, "contacts")
    url = f"/crm/v4/objects/tickets/{ticket}/associations/contacts/{contact}"
    assert_invalid_associations(
        raw.put(url, json=[{"associationCategory": "USER_DEFINED", "associationTypeId": 3}]),
        {
            "associationSpec": ["USER_DEFINED=3"],
            "INVALID_ASSOCIATION_TYPE_ID": [
                "USER_DEFINED=3 is not a valid association definition id"
            ],
        },
    )
    # 16 is HUBSPOT_DEFINED; INTEGRATOR_DEFINED names nothing in Spoke
    for category in ("INTEGRATOR_DEFINED", "nonsense"):
        response = raw.put(url, json=[{"associationCategory": category, "associationTypeId": 16}])
        assert response.json()["context"]["associationSpec"] == [f"{category}=16"]
    wrong_direction = raw.put(
        url, json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 15}]
    )
    assert wrong_direction.status_code == 400, wrong_direction.text
    assert wrong_direction.json()["message"] == (
        "invalid from object type 0-5 for associations to be created. expected: 0-1"
    )
    wrong_target = raw.put(
        url, json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 339}]
    )
    assert wrong_target.json()["message"] == (
        "invalid to object type 0-1 for associations to be created. expected: 0-2"
    )
    assert raw.put(url, json=[]).status_code == 400
    assert types_between(raw, "tickets", ticket, "contacts") == {}


def test_other_refusals(raw: httpx.Client) -> None:
    (contact, other), (call,), (note,) = (
        create(raw, "contacts", 2),
        create(raw, "calls"),
        create(raw, "notes"),
    )
    myself = raw.put(f"/crm/v4/objects/contacts/{contact}/associations/default/contacts/{contact}")
    assert myself.status_code == 400
    assert myself.json()["message"] == f"A record cannot be associated with itself: {contact}"
    apart = raw.put(f"/crm/v4/objects/calls/{call}/associations/default/notes/{note}")
    assert apart.status_code == 400
    assert "cannot be associated" in apart.json()["message"]
    unknown = raw.get(f"/crm/v4/objects/contacts/{contact}/associations/widgets")
    assert unknown.status_code == 400
    assert unknown.json()["message"] == "Unable to infer object type from: widgets"
    not_served = raw.get(f"/crm/v4/objects/contacts/{contact}/associations/invoices")
    assert not_served.status_code == 404
    assert (
        raw.put(
            f"/crm/v4/objects/contacts/{contact}/associations/default/contacts/{other}"
        ).status_code
        == 200
    )


# -- batches (v4) ----------------------------------------------------------------------------


def test_batch_create_read_and_archive(api: hubspot.Client, raw: httpx.Client) -> None:
    (ticket, second), contacts = create(raw, "tickets", 2), create(raw, "contacts", 3)
    batch = api.crm.associations.v4.batch_api
    created = batch.create(
        "tickets",
        "contacts",
        BatchInputPublicAssociationMultiPost(
            inputs=[
                PublicAssociationMultiPost(
                    _from=PublicObjectId(id=ticket),
                    to=PublicObjectId(id=c),
                    types=[TICKET_TO_CONTACT],
                )
                for c in contacts
            ]
        ),
    )
    assert created.status == "COMPLETE"
    assert [(r.from_object_id, r.to_object_id, r.labels) for r in created.results] == [
        (ticket, c, []) for c in contacts
    ]
    read = batch.get_page(
        "tickets",
        "contacts",
        BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[PublicFetchAssociationsBatchRequest(id=ticket)]
        ),
    )
    (result,) = read.results
    assert result._from.id == ticket
    assert [r.to_object_id for r in result.to] == contacts
    assert result.paging is None

    assert (
        batch.archive(
            "tickets",
            "contacts",
            BatchInputPublicAssociationMultiArchive(
                inputs=[
                    PublicAssociationMultiArchive(
                        _from=PublicObjectId(id=ticket), to=[PublicObjectId(id=contacts[0])]
                    )
                ]
            ),
        )
        is None
    )
    assert list(types_between(raw, "tickets", ticket, "contacts")) == contacts[1:]

    defaults = batch.create_default(
        "tickets",
        "contacts",
        BatchInputPublicDefaultAssociationMultiPost(
            inputs=[
                PublicDefaultAssociationMultiPost(
                    _from=PublicObjectId(id=second), to=PublicObjectId(id=contacts[0])
                )
            ]
        ),
    )
    assert [r.association_spec.association_type_id for r in defaults.results] == [16, 15]
    assert list(types_between(raw, "contacts", contacts[0], "tickets")) == [second]


def test_batch_read_answers_207_for_records_without_associations(raw: httpx.Client) -> None:
    (ticket, lonely), (company,) = create(raw, "tickets", 2), create(raw, "companies")
    raw.put(f"/crm/v4/objects/tickets/{ticket}/associations/default/companies/{company}")
    response = raw.post(
        "/crm/v4/associations/ticket/companies/batch/read",
        json={"inputs": [{"id": ticket}, {"id": lonely}, {"id": "999999"}, {"id": ticket}]},
    )
    assert response.status_code == 207, response.text
    body = response.json()
    assert list(body) == ["status", "results", "numErrors", "errors", "startedAt", "completedAt"]
    assert body["results"] == [
        {
            "from": {"id": ticket},
            "to": [
                {
                    "toObjectId": int(company),
                    "associationTypes": [
                        {"category": "HUBSPOT_DEFINED", "typeId": 339, "label": None}
                    ],
                }
            ],
        }
    ]
    assert body["numErrors"] == 2
    assert body["errors"] == [
        {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
            "message": f"No company is associated with ticket {missing}.",
            "context": {
                "fromObjectId": [missing],
                "fromObjectType": ["ticket"],
                "toObjectType": ["company"],
            },
        }
        for missing in (lonely, "999999")
    ]
    assert list(body["errors"][0]) == ["status", "category", "subCategory", "message", "context"]
    empty = raw.post("/crm/v4/associations/tickets/companies/batch/read", json={"inputs": []})
    assert empty.status_code == 200
    assert empty.json()["results"] == []


def test_batch_read_pages_each_record_at_500(raw: httpx.Client) -> None:
    (ticket,), contacts = create(raw, "tickets"), create(raw, "contacts", 501)
    created = raw.post(
        "/crm/v4/associations/tickets/contacts/batch/create",
        json={
            "inputs": [
                {
                    "from": {"id": ticket},
                    "to": {"id": c},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}],
                }
                for c in contacts
            ]
        },
    )
    assert created.status_code == 201, created.text
    url = "/crm/v4/associations/tickets/contacts/batch/read"
    first = raw.post(url, json={"inputs": [{"id": ticket}]}).json()["results"][0]
    assert len(first["to"]) == 500
    after = first["paging"]["next"]["after"]
    assert list(first["paging"]["next"]) == ["after"]
    rest = raw.post(url, json={"inputs": [{"id": ticket, "after": after}]}).json()["results"][0]
    assert [str(r["toObjectId"]) for r in first["to"] + rest["to"]] == contacts
    assert "paging" not in rest


def test_labels_archive_removes_types_and_the_default_removes_everything(
    api: hubspot.Client, raw: httpx.Client
) -> None:
    (contact,), (company,) = create(raw, "contacts"), create(raw, "companies")
    api.crm.associations.v4.basic_api.create("contacts", contact, "companies", company, [PRIMARY])
    batch = api.crm.associations.v4.batch_api

    def archive(spec: AssociationSpec) -> None:
        batch.archive_labels(
            "contacts",
            "companies",
            BatchInputPublicAssociationMultiPost(
                inputs=[
                    PublicAssociationMultiPost(
                        _from=PublicObjectId(id=contact),
                        to=PublicObjectId(id=company),
                        types=[spec],
                    )
                ]
            ),
        )

    archive(PRIMARY)
    assert types_between(raw, "contacts", contact, "companies") == {
        company: [("HUBSPOT_DEFINED", 279, None)]
    }
    api.crm.associations.v4.basic_api.create("contacts", contact, "companies", company, [PRIMARY])
    archive(CONTACT_TO_COMPANY)
    assert types_between(raw, "contacts", contact, "companies") == {}
    assert types_between(raw, "companies", company, "contacts") == {}


def test_a_batch_with_one_bad_input_writes_nothing(raw: httpx.Client) -> None:
    (ticket,), (contact,) = create(raw, "tickets"), create(raw, "contacts")
    spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}]
    response = raw.post(
        "/crm/v4/associations/tickets/contacts/batch/create",
        json={
            "inputs": [
                {"from": {"id": ticket}, "to": {"id": contact}, "types": spec},
                {"from": {"id": ticket}, "to": {"id": "999999"}, "types": spec},
                {"from": {"id": "888888"}, "to": {"id": contact}, "types": spec},
            ]
        },
    )
    assert_invalid_associations(
        response,
        {
            "INVALID_OBJECT_IDS": ["CONTACT=999999 is not valid", "TICKET=888888 is not valid"],
            "objectId": ["999999", "888888"],
            "objectType": ["CONTACT", "TICKET"],
        },
    )
    assert types_between(raw, "tickets", ticket, "contacts") == {}


def test_batch_limits(raw: httpx.Client) -> None:
    read = raw.post(
        "/crm/v4/associations/tickets/contacts/batch/read", json={"inputs": [{"id": "1"}] * 1001}
    )
    assert read.status_code == 400
    assert read.json()["message"].startswith(
        "The maximum number of inputs supported in a batch is 1000"
    )
    spec = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}
    inputs = [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec]}] * 2001
    create = raw.post("/crm/v4/associations/tickets/contacts/batch/create", json={"inputs": inputs})
    assert create.status_code == 400
    assert create.json()["message"].startswith(
        "The maximum number of inputs supported in a batch is 2000"
    )


def test_dated_paths_answer_like_v4_with_ids_as_strings(raw: httpx.Client) -> None:
    """HubSpot's 2026-03 documents type ``toObjectId``/``fromObjectId`` as strings; v4's
    as integers."""
    (ticket,), (contact,) = create(raw, "tickets"), create(raw, "contacts")
    made = raw.put(f"/crm/objects/2026-03/tickets/{ticket}/associations/default/contacts/{contact}")
    assert made.status_code == 200, made.text
    page = raw.get(f"/crm/objects/2026-03/tickets/{ticket}/associations/contacts").json()
    v4_page = raw.get(f"/crm/v4/objects/tickets/{ticket}/associations/contacts").json()
    assert page["results"][0]["toObjectId"] == contact
    assert v4_page["results"][0]["toObjectId"] == int(contact)
    v4_page["results"][0]["toObjectId"] = contact
    assert page == v4_page
    read = raw.post(
        "/crm/associations/2026-03/tickets/contacts/batch/read", json={"inputs": [{"id": ticket}]}
    )
    assert read.status_code == 200
    assert read.json()["results"][0]["to"][0]["toObjectId"] == contact
    spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}]
    labelled = raw.put(
        f"/crm/objects/2026-03/tickets/{ticket}/associations/contacts/{contact}", json=spec
    )
    assert (labelled.json()["fromObjectId"], labelled.json()["toObjectId"]) == (ticket, contact)


# -- v3 -----------------------------------------------------------------------------------------


def test_v3_batch_create_read_and_archive_by_type_name(
    api: hubspot.Client, raw: httpx.Client
) -> None:
    (company,), contacts = create(raw, "companies"), create(raw, "contacts", 2)
    v3 = api.crm.associations.batch_api
    created = v3.create(
        "company",
        "contact",
        BatchInputPublicAssociation(
            inputs=[
                PublicAssociation(_from=V3ObjectId(id=company), to=V3ObjectId(id=c), type=name)
                for c, name in zip(
                    contacts, ("company_to_contact", "Company_To_Contact"), strict=True
                )
            ]
        ),
    )
    assert [(r._from.id, r.to.id, r.type) for r in created.results] == [
        (company, c, "company_to_contact") for c in contacts
    ]
    read = v3.read(
        "companies", "contacts", BatchInputPublicObjectId(inputs=[V3ObjectId(id=company)])
    )
    (result,) = read.results
    assert [(t.id, t.type) for t in result.to] == [
        (c, name)
        for c in contacts
        for name in ("company_to_contact", "company_to_contact_unlabeled")
    ]
    v3.archive(
        "companies",
        "contacts",
        BatchInputPublicAssociation(
            inputs=[
                PublicAssociation(
                    _from=V3ObjectId(id=company),
                    to=V3ObjectId(id=contacts[0]),
                    type="company_to_contact",
                )
            ]
        ),
    )
    # the label goes, the association stays; its unlabeled type removes it
    assert types_between(raw, "companies", company, "contacts")[contacts[0]] == [
        ("HUBSPOT_DEFINED", 280, None)
    ]
    v3.archive(
        "companies",
        "contacts",
        BatchInputPublicAssociation(
            inputs=[
                PublicAssociation(
                    _from=V3ObjectId(id=company),
                    to=V3ObjectId(id=contacts[0]),
                    type="COMPANY_TO_CONTACT_UNLABELED",
                )
            ]
        ),
    )
    assert list(types_between(raw, "companies", company, "contacts")) == [contacts[1]]


def test_v3_read_answers_207_and_unknown_type_names_are_refused(raw: httpx.Client) -> None:
    (ticket,), (contact,) = create(raw, "tickets"), create(raw, "contacts")
    raw.put(f"/crm/v4/objects/tickets/{ticket}/associations/default/contacts/{contact}")
    response = raw.post(
        "/crm/v3/associations/tickets/contacts/batch/read",
        json={"inputs": [{"id": ticket}, {"id": "5"}]},
    )
    assert response.status_code == 207, response.text
    body = response.json()
    assert body["results"] == [
        {"from": {"id": ticket}, "to": [{"id": contact, "type": "ticket_to_contact"}]}
    ]
    assert body["errors"][0]["subCategory"] == "crm.associations.NO_ASSOCIATIONS_FOUND"
    unknown = raw.post(
        "/crm/v3/associations/tickets/contacts/batch/create",
        json={
            "inputs": [{"from": {"id": ticket}, "to": {"id": contact}, "type": "ticket_to_company"}]
        },
    )
    assert unknown.status_code == 400, unknown.text
    assert unknown.json()["message"] == "One or more associations are invalid"


# -- scopes and errors ------------------------------------------------------------------------


def test_reads_need_the_first_types_read_scope_and_writes_its_write_scope(
    server: LiveServer, raw: httpx.Client
) -> None:
    (ticket,), (contact,) = create(raw, "tickets"), create(raw, "contacts")
    with server.http(server.token(["crm.objects.contacts.read"])) as reader:
        assert (
            reader.get(f"/crm/v4/objects/contacts/{contact}/associations/tickets").status_code
            == 200
        )
        denied = reader.get(f"/crm/v4/objects/tickets/{ticket}/associations/contacts")
        assert denied.status_code == 403
        assert denied.json()["errors"][0]["context"]["requiredGranularScopes"] == ["tickets"]
        write = reader.put(
            f"/crm/v4/objects/contacts/{contact}/associations/default/tickets/{ticket}"
        )
        assert write.status_code == 403
        assert (
            "crm.objects.contacts.write"
            in write.json()["errors"][0]["context"]["requiredGranularScopes"]
        )
        assert (
            reader.post(
                "/crm/v4/associations/contacts/tickets/batch/read", json={"inputs": []}
            ).status_code
            == 200
        )
    with server.http(server.token(["tickets"])) as tickets_only:
        made = tickets_only.put(
            f"/crm/v4/objects/tickets/{ticket}/associations/default/contacts/{contact}"
        )
        assert made.status_code == 200, made.text
        labels = tickets_only.get("/crm/v4/associations/tickets/contacts/labels")
        assert labels.status_code == 200


def test_no_token_is_401_and_a_malformed_body_is_invalid_json(
    server: LiveServer, raw: httpx.Client
) -> None:
    with server.http() as anonymous:
        assert anonymous.get("/crm/v4/objects/tickets/1/associations/contacts").status_code == 401
    for method, path in (
        ("PUT", "/crm/v4/objects/tickets/1/associations/contacts/2"),
        ("POST", "/crm/v4/associations/tickets/contacts/batch/read"),
        ("POST", "/crm/v4/associations/tickets/contacts/batch/create"),
        ("POST", "/crm/v3/associations/tickets/contacts/batch/create"),
        ("POST", "/crm/v4/associations/tickets/contacts/labels"),
    ):
        for content in (b"{", b'{"inputs": "x"}', b"null"):
            response = raw.request(
                method, path, content=content, headers={"content-type": "application/json"}
            )
            assert response.status_code == 400, (method, path, response.text)
            assert response.json()["message"].startswith("Invalid input JSON"), response.text
