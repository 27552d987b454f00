"""The association labels API (``/crm/v4/associations/{from}/{to}/labels``) through
HubSpot's official Python SDK (``client.crm.associations.v4.schema.definitions_api``):
HubSpot's own types listed, labels created in pairs (one type id each way), renamed,
used, and deleted with their associations. behaviour.md, "Association labels".
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import hubspot
import pytest
from hubspot.crm.associations.v4 import AssociationSpec
from hubspot.crm.associations.v4.schema import (
    PublicAssociationDefinitionCreateRequest,
    PublicAssociationDefinitionUpdateRequest,
)
from hubspot.crm.associations.v4.schema.exceptions import ApiException
from servers import LiveServer

from spoke.domain.tokens import KNOWN_SCOPES


@pytest.fixture
def api(server: LiveServer) -> hubspot.Client:
    return server.sdk(server.token(sorted(KNOWN_SCOPES)))


@pytest.fixture
def raw(server: LiveServer) -> Iterator[httpx.Client]:
    with server.http(server.token(sorted(KNOWN_SCOPES))) as client:
        yield client


def listed(api: hubspot.Client, from_type: str, to_type: str) -> list[tuple[str, int, str | None]]:
    found = api.crm.associations.v4.schema.definitions_api.get_all(from_type, to_type)
    return [(t.category, t.type_id, t.label) for t in found.results]


def record(raw: httpx.Client, object_type: str, properties: dict[str, str]) -> str:
    response = raw.post(f"/crm/v3/objects/{object_type}", json={"properties": properties})
    assert response.status_code == 201, response.text
    created: str = response.json()["id"]
    return created


def test_hubspots_own_types_are_listed_by_any_name_of_the_types(api: hubspot.Client) -> None:
    assert listed(api, "contacts", "companies") == [
        ("HUBSPOT_DEFINED", 1, "Primary"),
        ("HUBSPOT_DEFINED", 279, None),
    ]
    assert listed(api, "0-2", "company") == [
        ("HUBSPOT_DEFINED", 13, "Child Company"),
        ("HUBSPOT_DEFINED", 14, "Parent Company"),
        ("HUBSPOT_DEFINED", 450, None),
    ]
    assert listed(api, "ticket", "contacts") == [("HUBSPOT_DEFINED", 16, None)]
    assert listed(api, "calls", "emails") == []


def test_a_label_is_created_as_a_pair_and_lists_on_both_sides(
    api: hubspot.Client, raw: httpx.Client
) -> None:
    definitions = api.crm.associations.v4.schema.definitions_api
    created = definitions.create(
        "contacts",
        "companies",
        PublicAssociationDefinitionCreateRequest(
            name="billing_contact", label="Billing contact", inverse_label="Billed company"
        ),
    )
    forward, backward = created.results
    assert (forward.category, forward.label) == ("USER_DEFINED", "Billing contact")
    assert (backward.category, backward.label) == ("USER_DEFINED", "Billed company")
    assert forward.type_id != backward.type_id
    assert listed(api, "contacts", "companies")[-1] == (
        "USER_DEFINED",
        forward.type_id,
        "Billing contact",
    )
    assert listed(api, "companies", "contacts")[-1] == (
        "USER_DEFINED",
        backward.type_id,
        "Billed company",
    )
    # HubSpot's own type ids are never given to a label
    assert {forward.type_id, backward.type_id}.isdisjoint({1, 2, 279, 280})
    raw_answer = raw.post(
        "/crm/v4/associations/deals/contacts/labels",
        json={"name": "decider", "label": "Decision maker"},
    )
    assert raw_answer.status_code == 200, raw_answer.text
    (one, other) = raw_answer.json()["results"]
    assert list(one) == ["category", "typeId", "label"]
    assert one["label"] == other["label"] == "Decision maker"


def test_a_label_labels_associations_and_renaming_it_shows(
    api: hubspot.Client, raw: httpx.Client
) -> None:
    definitions = api.crm.associations.v4.schema.definitions_api
    forward, backward = definitions.create(
        "contacts",
        "companies",
        PublicAssociationDefinitionCreateRequest(
            name="billing", label="Billing", inverse_label="Billed"
        ),
    ).results
    contact = record(raw, "contacts", {})
    company = record(raw, "companies", {"name": "Acme"})
    made = api.crm.associations.v4.basic_api.create(
        "contacts",
        contact,
        "companies",
        company,
        [AssociationSpec(association_category="USER_DEFINED", association_type_id=forward.type_id)],
    )
    assert made.labels == ["Billing"]
    assert (
        definitions.update(
            "contacts",
            "companies",
            PublicAssociationDefinitionUpdateRequest(
                association_type_id=forward.type_id, label="Invoices", inverse_label="Invoiced"
            ),
        )
        is None
    )
    page = api.crm.associations.v4.basic_api.get_page("companies", company, "contacts")
    assert [(t.category, t.type_id, t.label) for t in page.results[0].association_types] == [
        ("HUBSPOT_DEFINED", 280, None),
        ("USER_DEFINED", backward.type_id, "Invoiced"),
    ]
    inline = raw.get(f"/crm/v3/objects/contacts/{contact}", params={"associations": "companies"})
    assert inline.json()["associations"]["companies"]["results"] == [
        {"id": company, "type": "contact_to_company_unlabeled"},
        {"id": company, "type": "billing"},
    ]


def test_deleting_a_label_takes_it_off_its_associations(
    api: hubspot.Client, raw: httpx.Client
) -> None:
    definitions = api.crm.associations.v4.schema.definitions_api
    forward, _ = definitions.create(
        "tickets",
        "contacts",
        PublicAssociationDefinitionCreateRequest(name="reporter", label="Reporter"),
    ).results
    ticket = record(raw, "tickets", {"subject": "x", "hs_pipeline_stage": "1"})
    contact = record(raw, "contacts", {})
    api.crm.associations.v4.basic_api.create(
        "tickets",
        ticket,
        "contacts",
        contact,
        [AssociationSpec(association_category="USER_DEFINED", association_type_id=forward.type_id)],
    )
    # deleted by the id of either direction
    assert definitions.remove("contacts", "tickets", forward.type_id) is None
    assert listed(api, "tickets", "contacts") == [("HUBSPOT_DEFINED", 16, None)]
    assert listed(api, "contacts", "tickets") == [("HUBSPOT_DEFINED", 15, None)]
    page = api.crm.associations.v4.basic_api.get_page("tickets", ticket, "contacts")
    assert [(t.type_id, t.label) for t in page.results[0].association_types] == [(16, None)]
    with pytest.raises(ApiException) as gone:
        definitions.remove("tickets", "contacts", forward.type_id)
    assert gone.value.status == 404


def test_label_refusals(api: hubspot.Client, raw: httpx.Client) -> None:
    url = "/crm/v4/associations/contacts/companies/labels"
    first = raw.post(url, json={"name": "partner", "label": "Partner"})
    assert first.status_code == 200, first.text
    again = raw.post(
        "/crm/v4/associations/companies/contacts/labels", json={"name": "partner", "label": "P"}
    )
    assert again.status_code == 409, again.text
    assert again.json()["category"] == "CONFLICT"
    assert raw.post(url, json={"name": "", "label": "X"}).status_code == 400
    assert raw.post(url, json={"name": "x", "label": "  "}).status_code == 400
    apart = raw.post("/crm/v4/associations/calls/emails/labels", json={"name": "x", "label": "X"})
    assert apart.status_code == 400
    assert "cannot be associated" in apart.json()["message"]
    hubspots = raw.delete(f"{url}/279")
    assert hubspots.status_code == 400
    assert "defined by HubSpot" in hubspots.json()["message"]
    assert raw.delete(f"{url}/123456").status_code == 404
    assert raw.delete(f"{url}/abc").status_code == 400
    renamed = raw.put(url, json={"associationTypeId": 123456, "label": "X"})
    assert renamed.status_code == 404
    other_pair = first.json()["results"][0]["typeId"]
    assert raw.delete(f"/crm/v4/associations/deals/contacts/labels/{other_pair}").status_code == 404
