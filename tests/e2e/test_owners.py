"""The owners API (``/crm/v3/owners``) and owner ids in ``hubspot_owner_id``, on both
backends (docs/behaviour.md, "Owners").

- ``GET /crm/v3/owners`` (and ``/crm/v3/owners/``, the SDK's path, and the dated
  ``/crm/owners/2026-03``) lists owners in id order, ``limit`` a page (default 100, at
  most 500), ``after`` the cursor from ``paging.next.after``, ``email`` any letter case,
  ``archived=true`` only archived owners.
- ``GET /crm/v3/owners/{ownerId}`` reads one by ``id`` or, with ``idProperty=userId``, by
  user id; ``archived=true`` reads an archived one.
- An owner is HubSpot's ``PublicOwner``; an archived one has ``userId`` null, empty names
  and no teams.
- Both need ``crm.objects.owners.read``.
- ``hubspot_owner_id`` of every type lists the live owners as options and takes only
  their ids (HubSpot's ``INVALID_OWNER_ID`` otherwise).

Owners are added as ``spoke owner create`` adds them (``spoke.domain.owner_roster``), on a
store of the server's database: the server sees them on its next request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import orjson
import pytest
from hubspot.crm.owners.exceptions import ForbiddenException, NotFoundException

from spoke.domain.owner_roster import add_owner, archive_owner
from spoke.domain.owners import NewOwner, Owner
from spoke.domain.tokens import KNOWN_SCOPES

if TYPE_CHECKING:
    from conftest import LiveServer

Json = dict[str, Any]

OWNERS = "/crm/v3/owners"
OWNER_SCOPE = "crm.objects.owners.read"
OWNER_KEYS = [
    "id",
    "email",
    "type",
    "firstName",
    "lastName",
    "userId",
    "userIdIncludingInactive",
    "createdAt",
    "updatedAt",
    "archived",
]


@pytest.fixture
def owner_token(server: LiveServer) -> str:
    return server.token([OWNER_SCOPE, "tickets", "crm.objects.contacts.write"])


@pytest.fixture
def client(server: LiveServer, owner_token: str) -> Iterator[httpx.Client]:
    with server.http(owner_token) as http:
        yield http


@pytest.fixture
def owner_sdk(server: LiveServer, owner_token: str) -> hubspot.Client:
    return server.sdk(owner_token)


def add(server: LiveServer, *owners: NewOwner) -> list[Owner]:
    store = server.open_store()
    try:
        return [add_owner(store, owner) for owner in owners]
    finally:
        store.close()


def archive(server: LiveServer, owner: Owner) -> None:
    store = server.open_store()
    try:
        archive_owner(store, owner.id)
    finally:
        store.close()


ADA = NewOwner("ada@example.com", "Ada", "Moreau", ("Support", "Escalations"))
BEN = NewOwner("ben@example.com", "Ben", "Okafor", ("Support",))
CHLOE = NewOwner("chloe@example.com", "Chloé", "Tanaka")


def page(http: httpx.Client, path: str = OWNERS, **params: Any) -> Json:
    response = http.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json;charset=utf-8"
    body: Json = response.json()
    assert list(body) in (["results"], ["results", "paging"])
    return body


def ids(body: Json) -> list[str]:
    return [owner["id"] for owner in body["results"]]


# -- through the SDK -----------------------------------------------------------------------


def test_a_portal_without_owners_lists_none(owner_sdk: hubspot.Client) -> None:
    listed = owner_sdk.crm.owners.owners_api.get_page()
    assert listed.results == []
    assert listed.paging is None


def test_the_sdk_reads_owners_as_added(server: LiveServer, owner_sdk: hubspot.Client) -> None:
    ada, ben, chloe = add(server, ADA, BEN, CHLOE)
    listed = owner_sdk.crm.owners.owners_api.get_page()
    assert [o.id for o in listed.results] == [str(ada.id), str(ben.id), str(chloe.id)]
    first = listed.results[0]
    assert (first.email, first.first_name, first.last_name, first.type) == (
        "ada@example.com",
        "Ada",
        "Moreau",
        "PERSON",
    )
    assert first.user_id == first.user_id_including_inactive == ada.user_id
    assert first.user_id != ada.id  # two ids, as HubSpot's owners have
    assert first.archived is False
    assert [(t.name, t.primary) for t in first.teams] == [("Support", True), ("Escalations", False)]
    assert listed.results[1].teams[0].id == first.teams[0].id  # one Support team
    assert listed.results[2].teams is None
    assert first.created_at == first.updated_at


def test_the_sdk_reads_an_owner_by_id_and_by_user_id(
    server: LiveServer, owner_sdk: hubspot.Client
) -> None:
    _, ben = add(server, ADA, BEN)
    api = owner_sdk.crm.owners.owners_api
    assert api.get_by_id(ben.id).email == "ben@example.com"
    by_user = api.get_by_id(ben.user_id, id_property="userId")
    assert (by_user.id, by_user.user_id) == (str(ben.id), ben.user_id)
    with pytest.raises(NotFoundException):
        api.get_by_id(ben.user_id)  # a user id is no owner id
    with pytest.raises(NotFoundException):
        api.get_by_id(ben.id, archived=True)  # ben is live


def test_the_sdk_pages_through_owners(server: LiveServer, owner_sdk: hubspot.Client) -> None:
    added = add(server, *(NewOwner(f"user{n}@example.com", f"User {n}", "") for n in range(5)))
    api = owner_sdk.crm.owners.owners_api
    seen: list[str] = []
    after = None
    while True:
        listed = api.get_page(limit=2, after=after)
        seen += [o.id for o in listed.results]
        if listed.paging is None:
            break
        after = listed.paging.next.after
    assert seen == [str(o.id) for o in added]


def test_the_sdk_needs_the_owners_scope(server: LiveServer) -> None:
    tickets_only = server.sdk(server.token(["tickets"]))
    with pytest.raises(ForbiddenException) as raised:
        tickets_only.crm.owners.owners_api.get_page()
    body = orjson.loads(raised.value.body)
    assert body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"]["requiredGranularScopes"] == [OWNER_SCOPE]


# -- raw HTTP --------------------------------------------------------------------------------


def test_an_owner_is_hubspots_public_owner_key_for_key(
    server: LiveServer, client: httpx.Client
) -> None:
    (ada,) = add(server, ADA)
    (owner,) = page(client)["results"]
    assert list(owner) == [*OWNER_KEYS, "teams"]
    assert owner["id"] == str(ada.id)
    assert owner["userId"] == owner["userIdIncludingInactive"] == ada.user_id
    assert owner["teams"] == [
        {"id": str(ada.teams[0].id), "name": "Support", "primary": True},
        {"id": str(ada.teams[1].id), "name": "Escalations", "primary": False},
    ]
    single = client.get(f"{OWNERS}/{ada.id}")
    assert single.status_code == 200
    assert single.json() == owner


def test_an_owner_in_no_team_has_no_teams_key(server: LiveServer, client: httpx.Client) -> None:
    add(server, CHLOE)
    (owner,) = page(client)["results"]
    assert list(owner) == OWNER_KEYS
    assert owner["firstName"] == "Chloé"


@pytest.mark.parametrize("path", ["/crm/v3/owners", "/crm/v3/owners/", "/crm/owners/2026-03"])
def test_every_path_of_the_list_is_served(
    server: LiveServer, client: httpx.Client, path: str
) -> None:
    ada, ben = add(server, ADA, BEN)
    assert ids(page(client, path)) == [str(ada.id), str(ben.id)]


def test_the_dated_path_reads_one_owner(server: LiveServer, client: httpx.Client) -> None:
    (ada,) = add(server, ADA)
    assert client.get(f"/crm/owners/2026-03/{ada.id}").json()["email"] == ADA.email
    assert client.get("/crm/owners/2026-03/").status_code == 200


def test_pages_follow_paging_next_after_and_link(server: LiveServer, client: httpx.Client) -> None:
    added = [str(o.id) for o in add(server, ADA, BEN, CHLOE)]
    first = page(client, limit=2, email="")
    assert ids(first) == added[:2]
    after = first["paging"]["next"]["after"]
    assert after == str(int(added[1]) + 1)
    link = first["paging"]["next"]["link"]
    assert link.startswith(server.base_url + OWNERS + "?") and f"after={after}" in link
    second = client.get(link)
    assert ids(second.json()) == added[2:]
    assert "paging" not in second.json()


def test_a_page_holds_100_owners_by_default_and_up_to_500(
    server: LiveServer, client: httpx.Client
) -> None:
    add(server, *(NewOwner(f"user{n}@example.com", "", "") for n in range(101)))
    default = page(client)
    assert len(default["results"]) == 100
    assert "paging" in default
    assert len(page(client, limit=500)["results"]) == 101


@pytest.mark.parametrize("limit", ["0", "501", "ten", "-1"])
def test_a_limit_outside_1_to_500_is_refused(client: httpx.Client, limit: str) -> None:
    response = client.get(OWNERS, params={"limit": limit})
    assert response.status_code == 400
    body = response.json()
    assert body["category"] == "VALIDATION_ERROR"
    assert body["message"] == f"Invalid limit '{limit}': a page holds from 1 to 500 owners"


def test_a_cursor_that_is_no_id_is_refused(client: httpx.Client) -> None:
    response = client.get(OWNERS, params={"after": "MjAyNA=="})
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"


def test_email_finds_an_owner_in_any_letter_case(server: LiveServer, client: httpx.Client) -> None:
    _, ben = add(server, ADA, BEN)
    assert ids(page(client, email="BEN@Example.com")) == [str(ben.id)]
    assert page(client, email="nobody@example.com")["results"] == []


def test_archived_owners_are_listed_only_when_asked_for(
    server: LiveServer, client: httpx.Client
) -> None:
    ada, ben = add(server, ADA, BEN)
    archive(server, ada)
    assert ids(page(client)) == [str(ben.id)]
    (gone,) = page(client, archived="true")["results"]
    assert list(gone) == OWNER_KEYS  # no teams
    assert gone["id"] == str(ada.id)
    assert (gone["firstName"], gone["lastName"], gone["userId"]) == ("", "", None)
    assert gone["userIdIncludingInactive"] == ada.user_id
    assert gone["archived"] is True
    assert gone["updatedAt"] > gone["createdAt"]
    assert client.get(f"{OWNERS}/{ada.id}").status_code == 404
    assert client.get(f"{OWNERS}/{ada.id}", params={"archived": "true"}).json() == gone


def test_an_archived_owners_email_may_be_given_to_a_new_owner(
    server: LiveServer, client: httpx.Client
) -> None:
    (ada,) = add(server, ADA)
    archive(server, ada)
    (again,) = add(server, ADA)
    assert ids(page(client)) == [str(again.id)]


@pytest.mark.parametrize("owner_id", ["999999999", "abc", "0"])
def test_an_unknown_owner_is_a_404_in_hubspots_envelope(
    client: httpx.Client, owner_id: str
) -> None:
    response = client.get(f"{OWNERS}/{owner_id}")
    assert response.status_code == 404
    body = response.json()
    assert body["category"] == "OBJECT_NOT_FOUND"
    assert body["message"] == f"No owner has id {owner_id}"


def test_id_property_must_be_id_or_user_id(server: LiveServer, client: httpx.Client) -> None:
    (ada,) = add(server, ADA)
    response = client.get(f"{OWNERS}/{ada.id}", params={"idProperty": "email"})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Invalid idProperty 'email': an owner is read by id or userId"
    )
    by_id = client.get(f"{OWNERS}/{ada.id}", params={"idProperty": "id"})
    assert by_id.json()["id"] == str(ada.id)


def test_a_trailing_slash_after_an_owner_id_is_not_served(
    server: LiveServer, client: httpx.Client
) -> None:
    (ada,) = add(server, ADA)
    assert client.get(f"{OWNERS}/{ada.id}/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/crm/v3/owners", "/crm/v3/owners/", "/crm/v3/owners/1", "/crm/owners/2026-03"]
)
def test_every_owner_path_needs_the_owners_scope(server: LiveServer, path: str) -> None:
    with server.http(server.token(["tickets"])) as http:
        response = http.get(path)
    assert response.status_code == 403
    body = response.json()
    assert body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"]["requiredGranularScopes"] == [OWNER_SCOPE]


# -- hubspot_owner_id ------------------------------------------------------------------------


@pytest.mark.parametrize("object_type", ["tickets", "contacts", "deals", "calls"])
def test_the_owner_property_lists_the_live_owners_as_options(
    server: LiveServer, object_type: str
) -> None:
    ben, ada, chloe = add(server, BEN, ADA, CHLOE)
    archive(server, chloe)
    with server.http(server.token(sorted(KNOWN_SCOPES))) as http:
        response = http.get(f"/crm/v3/properties/{object_type}/hubspot_owner_id")
    assert response.status_code == 200, response.text
    definition = response.json()
    assert definition["type"] == "enumeration"
    assert definition["externalOptions"] is True
    assert definition["referencedObjectType"] == "OWNER"
    keys = list(definition)
    assert keys.index("referencedObjectType") == keys.index("options") + 1
    assert [(o["label"], o["value"], o["displayOrder"]) for o in definition["options"]] == [
        ("Ada Moreau", str(ada.id), 0),  # by name, although Ben was added first
        ("Ben Okafor", str(ben.id), 1),
    ]


def test_a_record_takes_a_live_owners_id(server: LiveServer, client: httpx.Client) -> None:
    (ada,) = add(server, ADA)
    created = client.post(
        "/crm/v3/objects/tickets",
        json={
            "properties": {"subject": "Mine", "hs_pipeline_stage": "1", "hubspot_owner_id": ada.id}
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["properties"]["hubspot_owner_id"] == str(ada.id)
    contact = client.post(
        "/crm/v3/objects/contacts",
        json={"properties": {"email": "x@example.com", "hubspot_owner_id": str(ada.id)}},
    )
    assert contact.status_code == 201, contact.text


@pytest.mark.parametrize("kind", ["unknown", "archived", "user id"])
def test_a_write_naming_no_live_owner_is_refused(
    server: LiveServer, client: httpx.Client, kind: str
) -> None:
    ada, ben = add(server, ADA, BEN)
    archive(server, ben)
    value = {"unknown": "12345", "archived": str(ben.id), "user id": str(ada.user_id)}[kind]
    response = client.post(
        "/crm/v3/objects/tickets",
        json={"properties": {"subject": "x", "hs_pipeline_stage": "1", "hubspot_owner_id": value}},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["category"] == "VALIDATION_ERROR"
    assert body["errors"] == [
        {
            "message": f"{value} is not a valid owner id",
            "code": "INVALID_OWNER_ID",
            "context": {"propertyName": ["hubspot_owner_id"]},
        }
    ]


def test_an_owner_can_be_cleared(server: LiveServer, client: httpx.Client) -> None:
    (ada,) = add(server, ADA)
    created = client.post(
        "/crm/v3/objects/tickets",
        json={"properties": {"subject": "x", "hs_pipeline_stage": "1", "hubspot_owner_id": ada.id}},
    ).json()
    cleared = client.patch(
        f"/crm/v3/objects/tickets/{created['id']}", json={"properties": {"hubspot_owner_id": ""}}
    )
    assert cleared.status_code == 200, cleared.text
    assert "hubspot_owner_id" not in cleared.json()["properties"]


def test_records_keep_the_id_of_an_owner_archived_since(
    server: LiveServer, client: httpx.Client
) -> None:
    (ada,) = add(server, ADA)
    created = client.post(
        "/crm/v3/objects/tickets",
        json={"properties": {"subject": "x", "hs_pipeline_stage": "1", "hubspot_owner_id": ada.id}},
    ).json()
    archive(server, ada)
    read = client.get(
        f"/crm/v3/objects/tickets/{created['id']}", params={"properties": "hubspot_owner_id"}
    )
    assert read.json()["properties"]["hubspot_owner_id"] == str(ada.id)
    other = client.patch(
        f"/crm/v3/objects/tickets/{created['id']}", json={"properties": {"subject": "y"}}
    )
    assert other.status_code == 200, other.text
