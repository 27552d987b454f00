"""HubSpot's standard object types beside tickets, through HubSpot's official Python SDK.

The same machinery serves contacts, companies, deals and the engagements (calls,
emails, meetings, notes, tasks) as tickets; each test here runs over every type (or
every type with the feature) on both backends, each type through its own SDK client
(``client.crm.contacts``, ``client.crm.deals``, ``client.crm.objects.notes``, ...):
create, read, update, list, archive; batch read by id, and by contacts' lookup property
``email``; search with a filter and full text; the properties and groups API; and deal
pipelines with HubSpot's deal stage metadata. Tickets have their own suites.
"""

from __future__ import annotations

import importlib
import operator
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx
import hubspot
import pytest
from hubspot.crm.pipelines import PipelineInput, PipelineStageInput, PipelineStagePatchInput
from hubspot.crm.pipelines.exceptions import ApiException as PipelineApiException
from hubspot.crm.properties import BatchInputPropertyCreate, PropertyCreate, PropertyGroupCreate
from servers import LiveServer

from spoke.domain.pipelines import Pipelines
from spoke.domain.stage_dates import stage_date_definitions
from spoke.domain.standard_objects import CORE_OBJECT_TYPES, STANDARD_OBJECT_TYPES, TICKETS


@dataclass(frozen=True)
class Case:
    """How a test writes a record of one type, and reaches its SDK client."""

    name: str
    client: str
    """Where the type's API classes hang on a client: ``crm.contacts``."""
    module: str
    """The module of its SDK models: ``hubspot.crm.contacts``."""
    create: dict[str, str]
    changed: tuple[str, str]
    """A property to change, and its new value."""
    word: str
    """A word of ``create`` that the type's full-text search finds."""

    def api(self, sdk: hubspot.Client) -> Any:
        return operator.attrgetter(self.client)(sdk)

    @property
    def models(self) -> ModuleType:
        return importlib.import_module(self.module)


WHEN = "2026-03-01T10:00:00Z"
CASES = [
    Case(
        "contacts",
        "crm.contacts",
        "hubspot.crm.contacts",
        {"email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace"},
        ("jobtitle", "Mathematician"),
        "lovelace",
    ),
    Case(
        "companies",
        "crm.companies",
        "hubspot.crm.companies",
        {"name": "Analytical Engines", "domain": "engines.example"},
        ("city", "London"),
        "analytical",
    ),
    Case(
        "deals",
        "crm.deals",
        "hubspot.crm.deals",
        {"dealname": "Difference engine", "dealstage": "qualifiedtobuy", "amount": "1500"},
        ("description", "Gears and cranks"),
        "difference",
    ),
    Case(
        "calls",
        "crm.objects.calls",
        "hubspot.crm.objects.calls",
        {"hs_call_title": "Intro call", "hs_timestamp": WHEN},
        ("hs_call_body", "Talked about engines"),
        "intro",
    ),
    Case(
        "emails",
        "crm.objects.emails",
        "hubspot.crm.objects.emails",
        {"hs_email_subject": "Punched cards", "hs_timestamp": WHEN},
        ("hs_email_text", "Cards attached"),
        "punched",
    ),
    Case(
        "meetings",
        "crm.objects.meetings",
        "hubspot.crm.objects.meetings",
        {"hs_meeting_title": "Design review", "hs_timestamp": WHEN},
        ("hs_meeting_body", "Gears"),
        "review",
    ),
    Case(
        "notes",
        "crm.objects.notes",
        "hubspot.crm.objects.notes",
        {"hs_note_body": "Notes on the engine"},
        ("hs_timestamp", WHEN),
        "engine",
    ),
    Case(
        "tasks",
        "crm.objects.tasks",
        "hubspot.crm.objects.tasks",
        {"hs_task_subject": "Send the plans", "hs_timestamp": WHEN},
        ("hs_task_status", "COMPLETED"),
        "plans",
    ),
]
BY_TYPE = pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
TYPES = {t.name: t for t in STANDARD_OBJECT_TYPES}
ALL_SCOPES = sorted({s for t in STANDARD_OBJECT_TYPES for s in t.scopes.all()})


def test_every_core_type_but_tickets_is_covered_here() -> None:
    """The types served since Spoke's first releases; the later ones (communications,
    products, line items, quotes, leads, ...) have their leaner suite, test_more_types.py."""
    assert {c.name for c in CASES} == {t.name for t in CORE_OBJECT_TYPES} - {TICKETS.name}


@pytest.fixture
def sdk(server: LiveServer) -> hubspot.Client:
    return server.sdk(server.token(scopes=ALL_SCOPES))


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.http(server.token(scopes=ALL_SCOPES)) as client:
        yield client


def create(case: Case, sdk: hubspot.Client, **properties: str) -> Any:
    given = {**case.create, **properties}
    made = case.models.SimplePublicObjectInputForCreate(properties=given, associations=[])
    return case.api(sdk).basic_api.create(made)


# -- records ------------------------------------------------------------------------------------


@BY_TYPE
def test_a_record_is_created_read_updated_listed_and_archived(
    case: Case, sdk: hubspot.Client
) -> None:
    object_type = TYPES[case.name]
    api = case.api(sdk)
    created = create(case, sdk)
    assert created.properties["hs_object_id"] == created.id
    for name, value in case.create.items():
        assert created.properties[name] == value
    assert created.properties[object_type.created_property] is not None

    read = api.basic_api.get_by_id(created.id)
    always = {object_type.created_property, object_type.modified_property, "hs_object_id"}
    assert set(read.properties) == {*object_type.default_properties, *always}

    name, value = case.changed
    update = case.models.SimplePublicObjectInput(properties={name: value})
    updated = api.basic_api.update(created.id, update)
    assert updated.properties[name] == value
    assert updated.updated_at >= created.updated_at
    again = api.basic_api.get_by_id(created.id, properties=[name], properties_with_history=[name])
    assert again.properties[name] == value
    assert again.properties_with_history[name][0].value == value

    other = create(case, sdk, **_distinct(case))
    page = api.basic_api.get_page(limit=1, properties=[name])
    assert [r.id for r in page.results] == [created.id]
    assert page.paging.next.after == str(int(created.id) + 1)
    api.basic_api.archive(created.id)
    assert [r.id for r in api.basic_api.get_page().results] == [other.id]
    archived = api.basic_api.get_page(archived=True)
    assert [(r.id, r.archived) for r in archived.results] == [(created.id, True)]


def _distinct(case: Case) -> dict[str, str]:
    """Values for a second record of the type, where the first's must stay unique."""
    return {"email": "charles@example.com"} if case.name == "contacts" else {}


@BY_TYPE
def test_a_batch_reads_by_id_and_answers_207_for_the_missing(
    case: Case, sdk: hubspot.Client, http: httpx.Client
) -> None:
    api = case.api(sdk)
    first = create(case, sdk)
    second = create(case, sdk, **_distinct(case))
    name = next(iter(case.create))
    read = api.batch_api.read(
        case.models.BatchReadInputSimplePublicObjectId(
            inputs=[{"id": second.id}, {"id": first.id}],
            properties=[name],
            properties_with_history=[name],
        )
    )
    assert [r.id for r in read.results] == [second.id, first.id]
    assert [r.properties_with_history[name][0].value for r in read.results] == [
        second.properties[name],
        first.properties[name],
    ]
    # The SDK cannot parse a 207 with its validation on (test_batch_read.py says why).
    body = {"inputs": [{"id": "999999"}, {"id": first.id}], "properties": [name]}
    partial = http.post(f"/crm/v3/objects/{case.name}/batch/read", json=body)
    assert partial.status_code == 207, partial.text
    (error,) = partial.json()["errors"]
    label = TYPES[case.name].label
    assert error["message"] == (
        f"Could not get some {label} objects, they may be deleted or not exist. "
        "Check that ids are valid."
    )
    assert error["context"] == {"ids": ["999999"]}


def test_contacts_are_read_and_upserted_by_email(sdk: hubspot.Client) -> None:
    (case,) = (c for c in CASES if c.name == "contacts")
    contacts = sdk.crm.contacts
    ada = create(case, sdk)
    found = contacts.batch_api.read(
        case.models.BatchReadInputSimplePublicObjectId(
            inputs=[{"id": "ada@example.com"}],
            id_property="email",
            properties=["firstname"],
            properties_with_history=[],
        )
    )
    assert [(r.id, r.properties["firstname"]) for r in found.results] == [(ada.id, "Ada")]
    by_email = contacts.basic_api.get_by_id("ada@example.com", id_property="email")
    assert by_email.id == ada.id
    upserted = contacts.batch_api.upsert(
        case.models.BatchInputSimplePublicObjectBatchInputUpsert(
            inputs=[
                {
                    "id": "ada@example.com",
                    "idProperty": "email",
                    "properties": {"jobtitle": "Poet"},
                },
                {"id": "charles@example.com", "idProperty": "email", "properties": {}},
            ]
        )
    )
    assert sorted((r.id == ada.id, r.new) for r in upserted.results) == [
        (False, True),
        (True, False),
    ]


def test_a_second_contact_with_a_taken_email_is_a_409(http: httpx.Client) -> None:
    body = {"properties": {"email": "ada@example.com"}}
    first = http.post("/crm/v3/objects/contacts", json=body)
    assert first.status_code == 201, first.text
    again = http.post("/crm/v3/objects/contacts", json=body)
    assert again.status_code == 409, again.text
    assert again.json()["message"] == (
        f"A contact with email ada@example.com already exists. Existing ID: {first.json()['id']}"
    )


@BY_TYPE
def test_search_filters_and_finds_words_of_the_types_searchable_properties(
    case: Case, sdk: hubspot.Client
) -> None:
    api = case.api(sdk)
    wanted = create(case, sdk)
    create(case, sdk, **{**_distinct(case), **dict([case.changed])})
    name = case.changed[0]
    by_value = api.search_api.do_search(
        case.models.PublicObjectSearchRequest(
            filter_groups=[{"filters": [{"propertyName": name, "operator": "NOT_HAS_PROPERTY"}]}],
            properties=[name],
        )
    )
    assert (by_value.total, [r.id for r in by_value.results]) == (1, [wanted.id])
    by_word = api.search_api.do_search(
        case.models.PublicObjectSearchRequest(query=case.word, sorts=["-hs_object_id"])
    )
    assert by_word.total == 2
    assert by_word.results[-1].id == wanted.id


# -- properties and groups ----------------------------------------------------------------------


@BY_TYPE
def test_properties_and_groups_are_the_types_own(case: Case, sdk: hubspot.Client) -> None:
    object_type = TYPES[case.name]
    properties = sdk.crm.properties
    listed = properties.core_api.get_all(case.name)
    model = object_type.pipelines
    stage_dates = stage_date_definitions(object_type, Pipelines(model.defaults if model else ()))
    assert {p.name for p in listed.results} == {
        p.name for p in (*object_type.properties, *stage_dates)
    }
    groups = properties.groups_api.get_all(case.name)
    assert sorted(g.name for g in groups.results) == sorted(g.name for g in object_type.groups)

    properties.groups_api.create(case.name, PropertyGroupCreate(name="spoke_extra", label="Extra"))
    definition = PropertyCreate(
        name="spoke_rating",
        label="Rating",
        type="number",
        field_type="number",
        group_name="spoke_extra",
    )
    properties.batch_api.create(case.name, BatchInputPropertyCreate(inputs=[definition]))
    assert properties.core_api.get_by_name(case.name, "spoke_rating").group_name == "spoke_extra"
    record = create(case, sdk, spoke_rating="4.50")
    assert record.properties["spoke_rating"] == "4.5"
    tickets = {p.name for p in properties.core_api.get_all("tickets").results}
    assert "spoke_rating" not in tickets


# -- deal pipelines -----------------------------------------------------------------------------


def test_deals_start_in_hubspots_sales_pipeline(sdk: hubspot.Client) -> None:
    (sales,) = sdk.crm.pipelines.pipelines_api.get_all("deals").results
    assert (sales.id, sales.label) == ("default", "Sales Pipeline")
    assert [(s.id, s.metadata) for s in sales.stages][:2] == [
        ("appointmentscheduled", {"isClosed": "false", "probability": "0.2"}),
        ("qualifiedtobuy", {"isClosed": "false", "probability": "0.4"}),
    ]
    assert sales.stages[-1].metadata == {"isClosed": "true", "probability": "0.0"}
    dealstage = sdk.crm.properties.core_api.get_by_name("deals", "dealstage")
    assert [o.value for o in dealstage.options] == [s.id for s in sales.stages]


def test_a_deal_needs_a_stage_of_its_pipeline(http: httpx.Client) -> None:
    created = http.post("/crm/v3/objects/deals", json={"properties": {"dealname": "No stage"}})
    assert created.status_code == 400, created.text
    (problem,) = created.json()["errors"]
    assert (problem["code"], problem["context"]) == (
        "REQUIRED_PROPERTY",
        {"propertyName": ["dealstage"]},
    )
    wrong = http.post(
        "/crm/v3/objects/deals", json={"properties": {"dealname": "x", "dealstage": "1"}}
    )
    assert wrong.status_code == 400, wrong.text
    assert wrong.json()["errors"][0]["message"] == (
        "1 is not a valid pipeline stage of pipeline default"
    )
    good = http.post(
        "/crm/v3/objects/deals",
        json={"properties": {"dealname": "x", "dealstage": "closedwon"}},
    )
    assert good.status_code == 201, good.text
    assert good.json()["properties"]["pipeline"] == "default"


def stage(label: str, order: int, **metadata: str) -> PipelineStageInput:
    return PipelineStageInput(label=label, display_order=order, metadata=metadata)


def test_deal_pipelines_take_hubspots_stage_metadata(sdk: hubspot.Client) -> None:
    pipelines = sdk.crm.pipelines
    created = pipelines.pipelines_api.create(
        "deals",
        PipelineInput(
            label="Renewals",
            display_order=1,
            stages=[
                stage("Talking", 0, probability="0.5"),
                stage("Won", 1, probability="1.0", isClosed="true", ignored="x"),
            ],
        ),
    )
    assert [s.metadata for s in created.stages] == [
        {"isClosed": "false", "probability": "0.5"},
        {"isClosed": "true", "probability": "1.0"},
    ]
    talking = created.stages[0].id
    changed = pipelines.pipeline_stages_api.update(
        "deals",
        created.id,
        talking,
        PipelineStagePatchInput(metadata={"probability": "0.7", "isClosed": "false"}),
    )
    assert changed.metadata == {"isClosed": "false", "probability": "0.7"}
    deal = sdk.crm.deals.basic_api.create(
        importlib.import_module("hubspot.crm.deals").SimplePublicObjectInputForCreate(
            properties={"dealname": "Renewal", "pipeline": created.id, "dealstage": talking},
            associations=[],
        )
    )
    with pytest.raises(PipelineApiException) as refused:
        pipelines.pipeline_stages_api.archive("deals", created.id, talking)
    assert refused.value.status == 400
    assert f"live deals are in it: [{deal.id}]" in refused.value.body


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        (
            {"isClosed": "false"},
            "Stage 'S' has no metadata.probability: every stage of a deal pipeline needs "
            "probability a decimal from 0.0 to 1.0",
        ),
        (
            {"probability": "1.5"},
            "Invalid probability '1.5' for stage 'S': it must be a decimal from 0.0 to 1.0",
        ),
        (
            {"probability": "half"},
            "Invalid probability 'half' for stage 'S': it must be a decimal from 0.0 to 1.0",
        ),
        (
            {"probability": "0.5", "isClosed": "yes"},
            "Invalid isClosed 'yes' for stage 'S': it must be true or false",
        ),
    ],
)
def test_deal_stage_metadata_is_checked(
    http: httpx.Client, metadata: dict[str, str], message: str
) -> None:
    body = {"label": "S", "displayOrder": 9, "metadata": metadata}
    refused = http.post("/crm/v3/pipelines/deals/default/stages", json=body)
    assert refused.status_code == 400, refused.text
    assert refused.json()["message"] == message


def test_the_default_deal_pipeline_cannot_be_deleted(http: httpx.Client) -> None:
    refused = http.delete("/crm/v3/pipelines/deals/default")
    assert refused.status_code == 400, refused.text
    assert refused.json()["message"] == (
        "The default pipeline default cannot be deleted: deals created without pipeline go to it"
    )


def test_types_without_pipelines_answer_the_pipelines_400(http: httpx.Client) -> None:
    refused = http.get("/crm/v3/pipelines/contacts")
    assert refused.status_code == 400, refused.text
    assert refused.json()["message"] == (
        "Object type contacts (0-1) has no pipelines; pipelines exist for deals, tickets"
    )
