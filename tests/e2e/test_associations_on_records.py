"""Associations as the objects API shows and makes them, through HubSpot's official
Python SDK and raw HTTP: ``associations=`` on object reads and lists (HubSpot's
``associations.<type>.results[].{id,type}``, a labelled pair once per type, paged at 100
with a link that reads on), records created with their associations (one transaction: a
bad association creates nothing), and what archiving and merging records do to them.
Every pair of served types that HubSpot associates is associated and read both ways.
behaviour.md, "Associations".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import hubspot
import pytest
from hubspot.crm.objects import (
    AssociationSpec,
    PublicAssociationsForObject,
    PublicObjectId,
)
from hubspot.crm.tickets import AssociationSpec as TicketAssociationSpec
from hubspot.crm.tickets import (
    BatchInputSimplePublicObjectBatchInputForCreate,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.tickets import PublicAssociationsForObject as TicketAssociations
from hubspot.crm.tickets import PublicObjectId as TicketObjectId
from servers import LiveServer

from spoke.domain.standard_objects import CORE_OBJECT_TYPES, LINE_ITEMS
from spoke.domain.standard_objects.associations import association_types
from spoke.domain.tokens import KNOWN_SCOPES

Json = dict[str, Any]

NEW = {
    "contacts": {},
    "companies": {"name": "Acme"},
    "deals": {"dealname": "Deal", "dealstage": "qualifiedtobuy"},
    "tickets": {"subject": "Help", "hs_pipeline_stage": "1"},
    "calls": {"hs_timestamp": "2026-03-01T10:00:00Z"},
    "emails": {"hs_timestamp": "2026-03-01T10:00:00Z"},
    "meetings": {"hs_timestamp": "2026-03-01T10:00:00Z"},
    "notes": {"hs_timestamp": "2026-03-01T10:00:00Z"},
    "tasks": {"hs_timestamp": "2026-03-01T10:00:00Z"},
    "line_items": {"name": "Engine"},
}
#: The types every pair of which is tried: the core types, and line items for the types
#: Spoke has no association types for yet (docs/behaviour.md, "Standard object types").
PAIR_TYPES = [*CORE_OBJECT_TYPES, LINE_ITEMS]


@pytest.fixture
def api(server: LiveServer) -> hubspot.Client:
    return server.sdk(server.token(sorted(KNOWN_SCOPES)))


@pytest.fixture
def raw(server: LiveServer) -> Iterator[httpx.Client]:
    with server.http(server.token(sorted(KNOWN_SCOPES))) as client:
        yield client


def create(raw: httpx.Client, object_type: str, count: int = 1) -> list[str]:
    ids = []
    for start in range(0, count, 100):
        inputs = [{"properties": NEW[object_type]}] * min(100, count - start)
        response = raw.post(f"/crm/v3/objects/{object_type}/batch/create", json={"inputs": inputs})
        assert response.status_code == 201, response.text
        ids += [r["id"] for r in response.json()["results"]]
    return sorted(ids, key=int)


def associate(
    raw: httpx.Client, one: tuple[str, str], other: tuple[str, str], type_id: int
) -> None:
    """Associate record ``one`` with ``other`` (each ``(object type, id)``) by one type."""
    (from_type, from_id), (to_type, to_id) = one, other
    response = raw.put(
        f"/crm/v4/objects/{from_type}/{from_id}/associations/{to_type}/{to_id}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
    )
    assert response.status_code == 201, response.text


def v4_types(raw: httpx.Client, from_type: str, from_id: str, to_type: str) -> dict[str, list[int]]:
    response = raw.get(f"/crm/v4/objects/{from_type}/{from_id}/associations/{to_type}")
    assert response.status_code == 200, response.text
    return {
        str(r["toObjectId"]): [t["typeId"] for t in r["associationTypes"]]
        for r in response.json()["results"]
    }


# -- associations= on reads ------------------------------------------------------------------


def test_a_read_shows_the_associations_asked_for_as_hubspot_does(
    api: hubspot.Client, raw: httpx.Client
) -> None:
    (contact,), (company,), (ticket,) = (
        create(raw, "contacts"),
        create(raw, "companies"),
        create(raw, "tickets"),
    )
    associate(raw, ("contacts", contact), ("companies", company), 1)
    associate(raw, ("tickets", ticket), ("contacts", contact), 16)
    read = api.crm.objects.basic_api.get_by_id(
        "contacts", contact, associations=["company", "0-5", "deals", "products", "widgets"]
    )
    assert {
        name: [(a.id, a.type) for a in found.results] for name, found in read.associations.items()
    } == {
        "companies": [(company, "contact_to_company"), (company, "contact_to_company_unlabeled")],
        "tickets": [(ticket, "contact_to_ticket")],
    }
    body = raw.get(
        f"/crm/v3/objects/contacts/{contact}", params={"associations": "companies"}
    ).json()
    assert list(body) == ["id", "properties", "createdAt", "updatedAt", "archived", "associations"]
    assert body["associations"] == {
        "companies": {
            "results": [
                {"id": company, "type": "contact_to_company"},
                {"id": company, "type": "contact_to_company_unlabeled"},
            ]
        }
    }
    # none asked for, or none there: no associations key
    assert "associations" not in raw.get(f"/crm/v3/objects/contacts/{contact}").json()
    lonely = raw.get(f"/crm/v3/objects/tickets/{ticket}", params={"associations": "deals"}).json()
    assert "associations" not in lonely


def test_a_list_shows_each_records_associations(api: hubspot.Client, raw: httpx.Client) -> None:
    tickets, (contact,), (company,) = (
        create(raw, "tickets", 3),
        create(raw, "contacts"),
        create(raw, "companies"),
    )
    associate(raw, ("tickets", tickets[0]), ("contacts", contact), 16)
    associate(raw, ("tickets", tickets[0]), ("companies", company), 26)
    associate(raw, ("tickets", tickets[2]), ("companies", company), 339)
    page = api.crm.tickets.basic_api.get_page(associations=["contact", "companies"])
    shown = {
        r.id: {
            name: [(a.id, a.type) for a in found.results]
            for name, found in (r.associations or {}).items()
        }
        for r in page.results
    }
    assert shown == {
        tickets[0]: {
            "contacts": [(contact, "ticket_to_contact")],
            "companies": [(company, "ticket_to_company"), (company, "ticket_to_company_unlabeled")],
        },
        tickets[1]: {},
        tickets[2]: {"companies": [(company, "ticket_to_company_unlabeled")]},
    }
    # repeated, comma-separated, and on the dated path (singular names, as Airbyte sends them)
    for params in (
        [("associations", "contacts"), ("associations", "companies")],
        [("associations", "contacts,companies")],
    ):
        for path in ("/crm/v3/objects/ticket", "/crm/objects/2026-03/tickets"):
            listed = raw.get(path, params=params).json()["results"]
            assert [sorted(r.get("associations", {})) for r in listed] == [
                ["companies", "contacts"],
                [],
                ["companies"],
            ]


def test_inline_associations_page_at_100_with_a_link_that_reads_on(raw: httpx.Client) -> None:
    (company,), contacts = create(raw, "companies"), create(raw, "contacts", 101)
    made = raw.post(
        "/crm/v4/associations/companies/contacts/batch/associate/default",
        json={"inputs": [{"from": {"id": company}, "to": {"id": c}} for c in contacts]},
    )
    assert made.status_code == 200, made.text
    shown = raw.get(
        f"/crm/v3/objects/companies/{company}", params={"associations": "contacts"}
    ).json()
    inline = shown["associations"]["contacts"]
    assert [r["id"] for r in inline["results"]] == contacts[:100]
    assert list(inline) == ["results", "paging"]
    after = inline["paging"]["next"]["after"]
    link = inline["paging"]["next"]["link"]
    assert link == (
        f"{raw.base_url}/crm/v3/objects/companies/{company}/associations/contacts?after={after}"
    )
    rest = raw.get(link)
    assert rest.status_code == 200, rest.text
    assert rest.json() == {
        "results": [{"id": contacts[100], "type": "company_to_contact_unlabeled"}]
    }


# -- created with associations -----------------------------------------------------------------


def test_a_ticket_is_created_with_its_associations(api: hubspot.Client, raw: httpx.Client) -> None:
    (contact,), (company,) = create(raw, "contacts"), create(raw, "companies")
    created = api.crm.tickets.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={"subject": "Broken", "hs_pipeline_stage": "1"},
            associations=[
                TicketAssociations(
                    to=TicketObjectId(id=contact),
                    types=[
                        TicketAssociationSpec(
                            association_category="HUBSPOT_DEFINED", association_type_id=16
                        )
                    ],
                ),
                TicketAssociations(
                    to=TicketObjectId(id=company),
                    types=[
                        TicketAssociationSpec(
                            association_category="HUBSPOT_DEFINED", association_type_id=26
                        )
                    ],
                ),
            ],
        )
    )
    assert v4_types(raw, "tickets", created.id, "contacts") == {contact: [16]}
    assert v4_types(raw, "tickets", created.id, "companies") == {company: [26, 339]}
    assert v4_types(raw, "companies", company, "tickets") == {created.id: [25, 340]}

    batch = api.crm.tickets.batch_api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                SimplePublicObjectBatchInputForCreate(
                    properties={"subject": f"Batch {n}", "hs_pipeline_stage": "1"},
                    associations=[
                        TicketAssociations(
                            to=TicketObjectId(id=contact),
                            types=[
                                TicketAssociationSpec(
                                    association_category="HUBSPOT_DEFINED", association_type_id=16
                                )
                            ],
                        )
                    ],
                )
                for n in range(2)
            ]
        )
    )
    made = sorted((r.id for r in batch.results), key=int)
    assert list(v4_types(raw, "contacts", contact, "tickets")) == [created.id, *made]


def test_a_create_with_a_bad_association_creates_nothing(raw: httpx.Client) -> None:
    (contact,) = create(raw, "contacts")
    before = raw.get("/crm/v3/objects/tickets").json()["results"]
    spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}]
    cases = {
        "no such contact": (
            [{"to": {"id": "999999"}, "types": spec}],
            {
                "INVALID_OBJECT_IDS": ["CONTACT=999999 is not valid"],
                "objectId": ["999999"],
                "objectType": ["CONTACT"],
            },
        ),
        "unknown type": (
            [
                {
                    "to": {"id": contact},
                    "types": [{"associationCategory": "USER_DEFINED", "associationTypeId": 16}],
                }
            ],
            {
                "associationSpec": ["USER_DEFINED=16"],
                "INVALID_ASSOCIATION_TYPE_ID": [
                    "USER_DEFINED=16 is not a valid association definition id"
                ],
            },
        ),
    }
    for associations, context in cases.values():
        body = {
            "properties": {"subject": "x", "hs_pipeline_stage": "1"},
            "associations": associations,
        }
        for path, content in (
            ("/crm/v3/objects/tickets", body),
            ("/crm/v3/objects/tickets/batch/create", {"inputs": [NEW_TICKET, body]}),
        ):
            response = raw.post(path, json=content)
            assert response.status_code == 400, response.text
            assert response.json()["message"] == "One or more associations are invalid"
            assert response.json()["context"] == context
    wrong_way = raw.post(
        "/crm/v3/objects/tickets",
        json={
            "properties": {"subject": "x", "hs_pipeline_stage": "1"},
            "associations": [
                {
                    "to": {"id": contact},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 15}],
                }
            ],
        },
    )
    assert wrong_way.status_code == 400
    assert wrong_way.json()["message"] == (
        "invalid from object type 0-5 for associations to be created. expected: 0-1"
    )
    no_types = raw.post(
        "/crm/v3/objects/tickets",
        json={"properties": NEW["tickets"], "associations": [{"to": {"id": contact}, "types": []}]},
    )
    assert no_types.status_code == 400
    assert raw.get("/crm/v3/objects/tickets").json()["results"] == before
    assert v4_types(raw, "contacts", contact, "tickets") == {}


NEW_TICKET = {"properties": {"subject": "fine", "hs_pipeline_stage": "1"}}


def test_the_sdk_refuses_nothing_spoke_accepts(api: hubspot.Client, raw: httpx.Client) -> None:
    """The generic objects API creates a note with an association (HubSpot's example)."""
    (contact,) = create(raw, "contacts")
    note = api.crm.objects.basic_api.create(
        "notes",
        {
            "properties": {"hs_note_body": "Called", "hs_timestamp": "2026-03-01T10:00:00Z"},
            "associations": [
                PublicAssociationsForObject(
                    to=PublicObjectId(id=contact),
                    types=[
                        AssociationSpec(
                            association_category="HUBSPOT_DEFINED", association_type_id=202
                        )
                    ],
                )
            ],
        },
    )
    assert v4_types(raw, "notes", note.id, "contacts") == {contact: [202]}
    assert v4_types(raw, "contacts", contact, "notes") == {note.id: [201]}


# -- archive and merge ---------------------------------------------------------------------------


def test_archiving_a_record_removes_its_associations(
    api: hubspot.Client, raw: httpx.Client
) -> None:
    (ticket,), (contact, other) = create(raw, "tickets"), create(raw, "contacts", 2)
    associate(raw, ("tickets", ticket), ("contacts", contact), 16)
    associate(raw, ("tickets", ticket), ("contacts", other), 16)
    api.crm.contacts.basic_api.archive(contact)
    assert v4_types(raw, "tickets", ticket, "contacts") == {other: [16]}
    assert v4_types(raw, "contacts", contact, "tickets") == {}
    shown = raw.get(f"/crm/v3/objects/tickets/{ticket}", params={"associations": "contacts"}).json()
    assert shown["associations"]["contacts"]["results"] == [
        {"id": other, "type": "ticket_to_contact"}
    ]
    archived = raw.get(
        f"/crm/v3/objects/contacts/{contact}",
        params={"archived": "true", "associations": "tickets"},
    )
    assert "associations" not in archived.json()
    batch = raw.post("/crm/v3/objects/tickets/batch/archive", json={"inputs": [{"id": ticket}]})
    assert batch.status_code == 204
    assert v4_types(raw, "contacts", other, "tickets") == {}


def test_merging_moves_the_associations_to_the_primary(
    api: hubspot.Client, raw: httpx.Client
) -> None:
    (primary, merged), (kept, moved), (ticket,) = (
        create(raw, "contacts", 2),
        create(raw, "companies", 2),
        create(raw, "tickets"),
    )
    associate(raw, ("contacts", primary), ("companies", kept), 1)
    associate(raw, ("contacts", merged), ("companies", moved), 1)
    associate(raw, ("contacts", merged), ("companies", kept), 279)
    associate(raw, ("tickets", ticket), ("contacts", merged), 16)
    associate(raw, ("contacts", merged), ("contacts", primary), 449)
    raw_merge = raw.post(
        "/crm/v3/objects/contacts/merge",
        json={"primaryObjectId": primary, "objectIdToMerge": merged},
    )
    assert raw_merge.status_code == 200, raw_merge.text
    # the primary keeps its primary company; the merged record's others move over
    assert v4_types(raw, "contacts", primary, "companies") == {kept: [1, 279], moved: [279]}
    assert v4_types(raw, "companies", moved, "contacts") == {primary: [280]}
    assert v4_types(raw, "tickets", ticket, "contacts") == {primary: [16]}
    assert v4_types(raw, "contacts", primary, "contacts") == {}
    assert v4_types(raw, "contacts", primary, "tickets") == {ticket: [15]}


# -- every pair of types ------------------------------------------------------------------------


def test_every_pair_of_types_hubspot_associates_is_associated_and_read_both_ways(
    raw: httpx.Client,
) -> None:
    records = {t.name: create(raw, t.name, 2) for t in PAIR_TYPES}
    for one in PAIR_TYPES:
        for other in PAIR_TYPES:
            (default,) = [
                t for t in association_types(one.type_id, other.type_id) if t.label is None
            ] or [None]
            first, second = records[one.name][0], records[other.name][1]
            response = raw.put(
                f"/crm/v4/objects/{one.name}/{first}/associations/default/{other.name}/{second}"
            )
            if default is None:
                assert response.status_code == 400, (one.name, other.name, response.text)
                continue
            assert response.status_code == 200, (one.name, other.name, response.text)
            assert v4_types(raw, one.name, first, other.name)[second] == [default.type_id]
            assert v4_types(raw, other.name, second, one.name)[first] == [default.inverse_type_id]
            inline = raw.get(
                f"/crm/v3/objects/{one.singular}/{first}", params={"associations": other.type_id}
            )
            entries = inline.json()["associations"][other.name]["results"]
            assert {"id": second, "type": default.name} in entries
