"""HubSpot's standard object types served after the first nine (issue 11): communications,
postal mail, products, line items, quotes, leads, goal targets, feedback submissions and
deal splits. They are declared like the others (spoke/domain/standard_objects/) and served
by the same generic machinery, so one lean test per type walks what a client does with a
new type, through HubSpot's official Python SDK's generic APIs (``crm.properties``,
``crm.objects``): its properties and groups, then create, read, list and search a record;
feedback submissions, which HubSpot only reads, refuse the create. One server per backend
serves the whole module. The core types' deeper suite is test_standard_types.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import hubspot
import pytest
from hubspot.crm.objects import (
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.objects.exceptions import ForbiddenException

from spoke.domain.object_types import ObjectType
from spoke.domain.standard_objects import CORE_OBJECT_TYPES, STANDARD_OBJECT_TYPES
from spoke.domain.tokens import KNOWN_SCOPES

if TYPE_CHECKING:
    from servers import LiveServer

from servers import live_server

NEW_TYPES = [t for t in STANDARD_OBJECT_TYPES if t not in CORE_OBJECT_TYPES and t.name != "tickets"]

#: A property each type's record is created with, and its value.
CREATE = {
    "communications": ("hs_communication_body", "Texted about the engine"),
    "postal_mail": ("hs_postal_mail_body", "Letter about the engine"),
    "products": ("name", "Difference engine"),
    "line_items": ("name", "Difference engine, one"),
    "quotes": ("hs_title", "Engine quote"),
    "leads": ("hs_lead_name", "Ada Lovelace"),
    "goal_targets": ("hs_goal_name", "Engines sold"),
    "deal_split": ("hs_deal_split_percentage", "0.5"),
}
#: HubSpot's API only reads them.
READ_ONLY = {"feedback_submissions"}


@pytest.fixture(scope="module")
def running(module_database_url: str) -> Iterator[LiveServer]:
    with live_server(module_database_url) as server:
        yield server


@pytest.fixture(scope="module")
def sdk(running: LiveServer) -> hubspot.Client:
    return running.sdk(running.token(scopes=sorted(KNOWN_SCOPES)))


def test_every_new_type_is_walked_here() -> None:
    assert {t.name for t in NEW_TYPES} == set(CREATE) | READ_ONLY


@pytest.mark.parametrize("object_type", NEW_TYPES, ids=lambda t: t.name)
def test_a_new_type_has_its_properties_and_records(
    sdk: hubspot.Client, object_type: ObjectType
) -> None:
    for name in object_type.names:  # plural, singular and type id all name it
        listed = sdk.crm.properties.core_api.get_all(name).results
        assert [p.name for p in listed] == [p.name for p in object_type.properties]
    groups = sdk.crm.properties.groups_api.get_all(object_type.name).results
    assert {g.name for g in groups} == {g.name for g in object_type.groups}

    objects = sdk.crm.objects.basic_api
    if object_type.name in READ_ONLY:
        with pytest.raises(ForbiddenException):
            made = SimplePublicObjectInputForCreate(properties={}, associations=[])
            objects.create(object_type.name, made)
        assert objects.get_page(object_type.name).results == []
        return
    name, value = CREATE[object_type.name]
    made = SimplePublicObjectInputForCreate(properties={name: value}, associations=[])
    created = objects.create(object_type.name, made)
    read = objects.get_by_id(object_type.type_id, created.id, properties=[name])
    assert read.properties[name] == value
    assert read.properties["hs_object_id"] == created.id
    assert created.id in [r.id for r in objects.get_page(object_type.singular).results]
    search = PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[Filter(property_name=name, operator="HAS_PROPERTY")])]
    )
    found = sdk.crm.objects.search_api.do_search(object_type.name, search)
    assert [r.id for r in found.results] == [created.id]


def test_airbyte_and_meltano_read_the_new_types_properties(running: LiveServer) -> None:
    """The paths the two connectors' discovery calls (issue 11), which failed before."""
    with running.http(running.token(scopes=sorted(KNOWN_SCOPES))) as http:
        for path in (
            "/crm/v3/properties/communications",
            "/crm/v3/properties/postal_mail",
            "/crm/v3/properties/goal_targets",
            "/crm/v3/properties/line_item",
            "/crm/v3/properties/product",
            "/crm/v3/objects/leads",
            "/crm/v3/objects/feedback_submissions",
            "/crm/v3/objects/quotes",
            "/properties/v2/deal_split/properties",
            "/properties/v2/goal_targets/properties",
            "/properties/v2/leads/properties",
            "/properties/v2/line_item/properties",
            "/properties/v2/product/properties",
            "/properties/v2/form/properties",
        ):
            response: httpx.Response = http.get(path)
            assert response.status_code == 200, (path, response.text)
