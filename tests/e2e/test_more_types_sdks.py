"""Every method docs/coverage.md marks served on the newer types' own SDK resources (issue
11, item 7): ``client.crm.products``, ``client.crm.objects.leads``, ... of
``hubspot-api-client`` (client-side validation on) and ``client.crm.objects.products``, ...
of ``hubspot-sdk`` (strict response validation). test_more_types.py walks the same types
through the generic APIs; these resources call the same paths with the type's name, and
here each of their methods is called once, its answer checked. One server per backend
serves the module.
"""

from __future__ import annotations

import importlib
import operator
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import hubspot
import pytest
from hubspot_sdk import HubSpot, NotFoundError
from servers import live_server

from spoke.domain.tokens import KNOWN_SCOPES

if TYPE_CHECKING:
    from servers import LiveServer

#: Each writable newer type: its resource on hubspot-api-client, the module of that
#: resource's models, its resource on hubspot-sdk, and a text property of its records.
WRITABLE = {
    "communications": (
        "crm.objects.communications",
        "hubspot.crm.objects.communications",
        "crm.objects.communications",
        "hs_communication_body",
    ),
    "postal_mail": (
        "crm.objects.postal_mail",
        "hubspot.crm.objects.postal_mail",
        "crm.objects.postal_mail",
        "hs_postal_mail_body",
    ),
    "products": ("crm.products", "hubspot.crm.products", "crm.objects.products", "name"),
    "line_items": ("crm.line_items", "hubspot.crm.line_items", "crm.objects.line_items", "name"),
    "quotes": ("crm.quotes", "hubspot.crm.quotes", "crm.objects.quotes", "hs_title"),
    "leads": (
        "crm.objects.leads",
        "hubspot.crm.objects.leads",
        "crm.objects.leads",
        "hs_lead_name",
    ),
    "goal_targets": (
        "crm.objects.goals",
        "hubspot.crm.objects.goals",
        "crm.objects.goal_targets",
        "hs_goal_name",
    ),
}
#: A unique property each type gets, for upserts.
REF = "spoke_ref"


@pytest.fixture(scope="module")
def running(module_database_url: str) -> Iterator[LiveServer]:
    with live_server(module_database_url) as server:
        yield server


@pytest.fixture(scope="module")
def token(running: LiveServer) -> str:
    return running.token(scopes=sorted(KNOWN_SCOPES))


@pytest.fixture(scope="module")
def api_client(running: LiveServer, token: str) -> hubspot.Client:
    return running.sdk(token)


@pytest.fixture(scope="module")
def sdk(running: LiveServer, token: str) -> Iterator[HubSpot]:
    with HubSpot(
        access_token=token,
        base_url=running.base_url,
        max_retries=0,
        _strict_response_validation=True,
    ) as client:
        yield client


def define_ref(sdk: HubSpot, name: str) -> None:
    group = sdk.crm.properties.groups.list(name).results[0].name
    sdk.crm.properties.create(
        name,
        name=REF,
        label="Reference",
        type="string",
        field_type="text",
        group_name=group,
        has_unique_value=True,
    )


@pytest.mark.parametrize("name", WRITABLE)
def test_every_method_of_the_types_own_resources(
    name: str, api_client: hubspot.Client, sdk: HubSpot
) -> None:
    client_path, module, sdk_path, text = WRITABLE[name]
    define_ref(sdk, name)
    _through_hubspot_api_client(
        operator.attrgetter(client_path)(api_client), importlib.import_module(module), text
    )
    _through_hubspot_sdk(operator.attrgetter(sdk_path)(sdk), text)


def _through_hubspot_api_client(api: Any, models: Any, text: str) -> None:
    made = api.basic_api.create(
        models.SimplePublicObjectInputForCreate(properties={text: "One", REF: "a1"})
    )
    assert api.basic_api.get_by_id(made.id, properties=[text]).properties[text] == "One"
    updated = api.basic_api.update(made.id, models.SimplePublicObjectInput(properties={text: "1"}))
    assert updated.properties[text] == "1"
    assert [r.id for r in api.basic_api.get_page(properties=[text]).results] == [made.id]

    batch = api.batch_api.create(
        models.BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                {"properties": {text: word, REF: ref}}
                for word, ref in (("Two", "a2"), ("Three", "a3"))
            ]
        )
    )
    two, three = sorted((r.id for r in batch.results), key=int)
    read = api.batch_api.read(
        models.BatchReadInputSimplePublicObjectId(
            inputs=[{"id": three}, {"id": two}], properties=[text], properties_with_history=[]
        )
    )
    assert [(r.id, r.properties[text]) for r in read.results] == [(three, "Three"), (two, "Two")]
    api.batch_api.update(
        models.BatchInputSimplePublicObjectBatchInput(
            inputs=[{"id": two, "properties": {text: "2"}}]
        )
    )
    upserted = api.batch_api.upsert(
        models.BatchInputSimplePublicObjectBatchInputUpsert(
            inputs=[
                {"id": "a3", "idProperty": REF, "properties": {text: "3"}},
                {"id": "a4", "idProperty": REF, "properties": {text: "Four"}},
            ]
        )
    )
    assert sorted((r.properties[text], r.new) for r in upserted.results) == [
        ("3", False),
        ("Four", True),
    ]
    found = api.search_api.do_search(
        models.PublicObjectSearchRequest(
            filter_groups=[{"filters": [{"propertyName": text, "operator": "EQ", "value": "2"}]}]
        )
    )
    assert [r.id for r in found.results] == [two]

    api.basic_api.archive(made.id)
    every = [r.id for r in api.basic_api.get_page(properties=[REF]).results]
    api.batch_api.archive(models.BatchInputSimplePublicObjectId(inputs=[{"id": i} for i in every]))
    assert api.basic_api.get_page().results == []


def _through_hubspot_sdk(api: Any, text: str) -> None:
    made = api.create(properties={text: "One", REF: "b1"}, associations=[])
    assert api.get(made.id, properties=[text]).properties[text] == "One"
    assert api.update(made.id, properties={text: "1"}).properties[text] == "1"
    assert [r.id for r in api.list(properties=[text])] == [made.id]

    batch = api.batch.create(
        inputs=[{"properties": {text: w, REF: r}} for w, r in (("Two", "b2"), ("Three", "b3"))]
    )
    two, three = sorted((r.id for r in batch.results), key=int)
    read = api.batch.get(
        inputs=[{"id": three}, {"id": two}], properties=[text], properties_with_history=[]
    )
    assert [(r.id, r.properties[text]) for r in read.results] == [(three, "Three"), (two, "Two")]
    api.batch.update(inputs=[{"id": two, "properties": {text: "2"}}])
    upserted = api.batch.upsert(
        inputs=[
            {"id": "b3", "id_property": REF, "properties": {text: "3"}},
            {"id": "b4", "id_property": REF, "properties": {text: "Four"}},
        ]
    )
    assert sorted(r.properties[text] for r in upserted.results) == ["3", "Four"]
    found = api.search(
        filter_groups=[{"filters": [{"propertyName": text, "operator": "EQ", "value": "2"}]}],
        properties=[text],
        after="",
        limit=10,
        sorts=[],
    )
    assert [r.id for r in found.results] == [two]

    api.delete(made.id)
    every = [r.id for r in api.list(properties=[text])]
    api.batch.delete(inputs=[{"id": i} for i in every])
    assert list(api.list()) == []


def test_feedback_submissions_are_read_through_both_sdks(
    api_client: hubspot.Client, sdk: HubSpot
) -> None:
    """HubSpot's API only reads them, and an app cannot make one: the reads answer empty."""
    models = importlib.import_module("hubspot.crm.objects.feedback_submissions")
    api = api_client.crm.objects.feedback_submissions
    assert api.basic_api.get_page().results == []
    with pytest.raises(models.ApiException) as missing:
        api.basic_api.get_by_id("1")
    assert missing.value.status == 404
    assert api.search_api.do_search(models.PublicObjectSearchRequest()).total == 0
    read = api.batch_api.read(
        models.BatchReadInputSimplePublicObjectId(
            inputs=[], properties=["hs_object_id"], properties_with_history=[]
        )
    )
    assert read.results == []

    resource = sdk.crm.objects.feedback_submissions
    assert list(resource.list()) == []
    with pytest.raises(NotFoundError):
        resource.get("1")
    found = resource.search(after="", limit=10, sorts=[], filter_groups=[], properties=[])
    assert found.total == 0
    batch = resource.batch.get(inputs=[], properties=["hs_object_id"], properties_with_history=[])
    assert batch.results == []
