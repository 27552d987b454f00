"""Associations, association labels and owners through HubSpot's newer official Python SDK,
``hubspot-sdk``, which calls the dated paths (``/crm/objects/2026-03/.../associations``,
``/crm/associations/2026-03/...``, ``/crm/owners/2026-03``), on both backends.

Every method docs/coverage.md marks served for ``crm.associations``,
``crm.associations_schema`` and ``crm.owners`` is called here, the SDK checking every
response strictly (``_strict_response_validation=True``). What the answers mean is tested
in depth over plain HTTP (tests/e2e/test_associations*.py, test_association_labels.py,
test_owners.py); this file is the SDK's judgement of their shapes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hubspot_sdk import HubSpot, NotFoundError
from servers import LiveServer

from spoke.domain.owner_roster import add_owner
from spoke.domain.owners import NewOwner
from spoke.domain.tokens import KNOWN_SCOPES

#: HubSpot's default ticket-to-contact association type (``HUBSPOT_DEFINED`` 16).
TICKET_TO_CONTACT = 16


@pytest.fixture
def client(server: LiveServer) -> Iterator[HubSpot]:
    with HubSpot(
        access_token=server.token(scopes=sorted(KNOWN_SCOPES)),
        base_url=server.base_url,
        max_retries=0,
        _strict_response_validation=True,
    ) as client:
        yield client


def tickets_and_contacts(client: HubSpot, count: int) -> tuple[list[str], list[str]]:
    tickets = client.crm.objects.tickets.batch.create(
        inputs=[
            {"properties": {"subject": f"Jam {n}", "hs_pipeline_stage": "1"}} for n in range(count)
        ]
    )
    contacts = client.crm.objects.contacts.batch.create(
        inputs=[{"properties": {"email": f"ada{n}@example.com"}} for n in range(count)]
    )
    return sorted(t.id for t in tickets.results), sorted(c.id for c in contacts.results)


def new_label(client: HubSpot, label: str) -> int:
    """Defines a ticket-to-contact label (its inverse takes the same label), and gives the
    type id of the ticket-to-contact direction."""
    labels = client.crm.associations_schema.labels
    made = labels.create_label(
        "contacts", from_object_type="tickets", label=label, name=label.lower()
    )
    assert [t.label for t in made.results] == [label, label]
    listed = labels.list_labels("contacts", from_object_type="tickets").results
    (type_id,) = [t.type_id for t in listed if t.label == label]
    return type_id


def associated(client: HubSpot, ticket: str) -> dict[str, list[int]]:
    """The contacts ``ticket`` is associated with, and the type ids of each association."""
    page = client.crm.associations.list("contacts", object_type="tickets", object_id=ticket)
    return {
        found.to_object_id: sorted(t.type_id for t in found.association_types) for found in page
    }


def test_one_association_is_created_labelled_listed_and_deleted(client: HubSpot) -> None:
    (ticket,), (contact,) = tickets_and_contacts(client, 1)
    made = client.crm.associations.create(
        contact, from_object_type="tickets", from_object_id=ticket, to_object_type="contacts"
    )
    assert made.status == "COMPLETE"
    assert associated(client, ticket) == {contact: [TICKET_TO_CONTACT]}

    reporter = new_label(client, "Reporter")
    labelled = client.crm.associations.update_labels(
        contact,
        object_type="tickets",
        object_id=ticket,
        to_object_type="contacts",
        body=[{"associationCategory": "USER_DEFINED", "associationTypeId": reporter}],
    )
    assert (labelled.from_object_id, labelled.to_object_id) == (ticket, contact)
    assert associated(client, ticket) == {contact: sorted([TICKET_TO_CONTACT, reporter])}

    client.crm.associations.delete(
        contact, object_type="tickets", object_id=ticket, to_object_type="contacts"
    )
    assert associated(client, ticket) == {}


def test_associations_are_created_read_and_deleted_in_batches(client: HubSpot) -> None:
    tickets, contacts = tickets_and_contacts(client, 3)
    batch = client.crm.associations.batch
    defaults = batch.create_default(
        "contacts",
        from_object_type="tickets",
        inputs=[
            {"from": {"id": t}, "to": {"id": c}} for t, c in zip(tickets, contacts, strict=True)
        ],
    )
    assert defaults.status == "COMPLETE"
    assert len(defaults.results) == 6  # each pair, both ways

    watcher = new_label(client, "Watcher")
    spec = {"associationCategory": "USER_DEFINED", "associationTypeId": watcher}
    created = batch.create(
        "contacts",
        from_object_type="tickets",
        inputs=[{"from": {"id": tickets[0]}, "to": {"id": contacts[1]}, "types": [spec]}],
    )
    assert [(r.from_object_id, r.to_object_id) for r in created.results] == [
        (tickets[0], contacts[1])
    ]

    read = batch.get("contacts", from_object_type="tickets", inputs=[{"id": t} for t in tickets])
    found = {r.from_.id: sorted(to.to_object_id for to in r.to) for r in read.results}
    assert found == {
        tickets[0]: sorted([contacts[0], contacts[1]]),
        tickets[1]: [contacts[1]],
        tickets[2]: [contacts[2]],
    }

    batch.delete_labels(
        "contacts",
        from_object_type="tickets",
        inputs=[{"from": {"id": tickets[0]}, "to": {"id": contacts[1]}, "types": [spec]}],
    )
    # A labelled association comes with the unlabelled default one, which stays.
    assert associated(client, tickets[0]) == {
        contacts[0]: [TICKET_TO_CONTACT],
        contacts[1]: [TICKET_TO_CONTACT],
    }

    batch.delete(
        "contacts",
        from_object_type="tickets",
        inputs=[
            {"from": {"id": t}, "to": [{"id": c}]} for t, c in zip(tickets, contacts, strict=True)
        ],
    )
    assert [associated(client, t) for t in tickets] == [{contacts[1]: [TICKET_TO_CONTACT]}, {}, {}]


def test_association_labels_are_listed_renamed_and_deleted(client: HubSpot) -> None:
    labels = client.crm.associations_schema.labels
    approver = new_label(client, "Approver")
    labels.update_label(
        "contacts", from_object_type="tickets", association_type_id=approver, label="Signer"
    )
    listed = labels.list_labels("contacts", from_object_type="tickets")
    by_id = {t.type_id: t.label for t in listed.results}
    assert by_id[approver] == "Signer"
    assert TICKET_TO_CONTACT in by_id

    labels.delete_label(approver, from_object_type="tickets", to_object_type="contacts")
    listed = labels.list_labels("contacts", from_object_type="tickets")
    assert approver not in {t.type_id for t in listed.results}


def test_owners_are_listed_paged_and_read(server: LiveServer, client: HubSpot) -> None:
    store = server.open_store()
    try:
        ada, ben = (
            add_owner(store, NewOwner("ada@example.com", "Ada", "Moreau", ("Support",))),
            add_owner(store, NewOwner("ben@example.com", "Ben", "Okafor")),
        )
    finally:
        store.close()
    first = client.crm.owners.list(limit=1)
    assert [o.email for o in first.results] == ["ada@example.com"]
    assert [o.id for o in first] == [str(ada.id), str(ben.id)]  # the iterator follows the paging
    read = client.crm.owners.get(ben.id)
    assert (read.first_name, read.last_name, read.archived) == ("Ben", "Okafor", False)
    with pytest.raises(NotFoundError):
        client.crm.owners.get(999_999)
