"""The ticket pipelines API (``/crm/v3/pipelines/tickets``) against a live server.

Every portal starts with HubSpot's default ticket pipeline (behaviour.md §7): id ``"0"``,
"Support Pipeline", stages ``1`` New, ``2`` Waiting on contact, ``3`` Waiting on us and
``4`` Closed, whose ``metadata.ticketState`` is OPEN, OPEN, OPEN, CLOSED. The official SDK
(validating every model) reads it; raw HTTP checks the status codes and error bodies.

Pipelines and stages can be created, replaced, updated, deleted (archived) and restored,
and their changes read back from the audit endpoints, every operation through the SDK's
``pipelines_api``, ``pipeline_stages_api``, ``pipeline_audits_api`` and
``pipeline_stage_audits_api``. Raw HTTP checks HubSpot's 400s (ticketState, unique labels,
at least one stage), 404s, the refusal to delete what live tickets are in, and that
tickets may use a new pipeline or stage at once, on this server and on another one over
the same database (as another worker would).
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from typing import TYPE_CHECKING, Any

import httpx
import hubspot
import msgspec
import pytest
from hubspot.crm.pipelines import (
    PipelineInput,
    PipelinePatchInput,
    PipelineStageInput,
    PipelineStagePatchInput,
)
from hubspot.crm.pipelines.exceptions import (
    ApiException,
    NotFoundException,
    UnauthorizedException,
)
from servers import live_server

from spoke.api import schemas
from spoke.store import open_store

if TYPE_CHECKING:
    from conftest import LiveServer

Json = dict[str, Any]

DEFAULT_STAGES = [
    ("1", "New", "OPEN"),
    ("2", "Waiting on contact", "OPEN"),
    ("3", "Waiting on us", "OPEN"),
    ("4", "Closed", "CLOSED"),
]


def _stages_of(pipeline: object) -> list[tuple[str, str, str]]:
    stages = sorted(pipeline.stages, key=lambda s: s.display_order)  # type: ignore[attr-defined]
    return [(s.id, s.label, s.metadata["ticketState"]) for s in stages]


# -- through the SDK ------------------------------------------------------------------


def test_sdk_lists_the_default_support_pipeline(sdk: hubspot.Client) -> None:
    pipelines = sdk.crm.pipelines.pipelines_api.get_all("tickets")
    assert [(p.id, p.label) for p in pipelines.results] == [("0", "Support Pipeline")]
    (support,) = pipelines.results
    assert support.archived is False
    assert _stages_of(support) == DEFAULT_STAGES


def test_sdk_reads_the_default_pipeline_by_id(sdk: hubspot.Client) -> None:
    support = sdk.crm.pipelines.pipelines_api.get_by_id("tickets", "0")
    assert (support.id, support.label, support.display_order) == ("0", "Support Pipeline", 0)
    assert _stages_of(support) == DEFAULT_STAGES
    assert all(stage.archived is False for stage in support.stages)
    assert support.created_at is not None
    assert support.updated_at is not None


def test_sdk_raises_not_found_for_an_unknown_pipeline(sdk: hubspot.Client) -> None:
    with pytest.raises(NotFoundException) as raised:
        sdk.crm.pipelines.pipelines_api.get_by_id("tickets", "987654")
    assert raised.value.status == 404


def test_pipelines_need_a_valid_token(server: LiveServer) -> None:
    stranger = server.sdk("pat-na1-00000000000000000000000000000000")
    with pytest.raises(UnauthorizedException) as raised:
        stranger.crm.pipelines.pipelines_api.get_all("tickets")
    assert raised.value.status == 401


# -- raw HTTP -------------------------------------------------------------------------


def test_list_is_a_results_collection_with_stage_order_and_timestamps(
    http: httpx.Client,
) -> None:
    response = http.get("/crm/v3/pipelines/tickets")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["results"]
    (support,) = body["results"]
    assert support["id"] == "0"
    assert [s["displayOrder"] for s in support["stages"]] == [0, 1, 2, 3]
    assert [s["id"] for s in support["stages"]] == ["1", "2", "3", "4"]
    for stamp in (support["createdAt"], support["updatedAt"]):
        assert stamp.endswith("Z")


def test_single_pipeline_equals_its_entry_in_the_list(http: httpx.Client) -> None:
    listed = http.get("/crm/v3/pipelines/tickets").json()["results"][0]
    single = http.get("/crm/v3/pipelines/tickets/0")
    assert single.status_code == 200
    assert single.json() == listed


def test_stage_metadata_carries_the_ticket_state(http: httpx.Client) -> None:
    stages = http.get("/crm/v3/pipelines/tickets/0").json()["stages"]
    assert {s["id"]: s["metadata"] for s in stages} == {
        "1": {"ticketState": "OPEN"},
        "2": {"ticketState": "OPEN"},
        "3": {"ticketState": "OPEN"},
        "4": {"ticketState": "CLOSED"},
    }


def test_unknown_pipeline_is_a_hubspot_404(http: httpx.Client) -> None:
    response = http.get("/crm/v3/pipelines/tickets/987654")
    assert response.status_code == 404
    body = response.json()
    assert body["status"] == "error"
    assert body["category"] == "OBJECT_NOT_FOUND"
    assert body["message"]
    assert body["correlationId"] == response.headers["x-hubspot-correlation-id"]


def test_schema_read_scope_is_enough_to_read_pipelines(server: LiveServer) -> None:
    """HubSpot's pipelines spec accepts ``crm.schemas.tickets.read`` as an alternative
    to ``tickets`` for reading ticket pipelines."""
    reader = server.sdk(server.token(scopes=("crm.schemas.tickets.read",)))
    assert reader.crm.pipelines.pipelines_api.get_by_id("tickets", "0").id == "0"


# == managing pipelines and stages =====================================================
#
# Spoke's choices where HubSpot's behaviour is not known are in docs/behaviour.md,
# "Pipelines"; the helpers below send raw HTTP as a client would.

PIPELINES = "/crm/v3/pipelines/tickets"
TICKETS = "/crm/v3/objects/tickets"
ENVELOPE_KEYS = ["status", "message", "correlationId", "category"]
NUMERIC_ID = re.compile(r"^[1-9][0-9]*$")


def stage_body(label: str, order: int = 0, state: str = "OPEN") -> dict[str, Any]:
    return {"label": label, "displayOrder": order, "metadata": {"ticketState": state}}


def pipeline_body(label: str = "Escalations", *stages: str, order: int = 1) -> dict[str, Any]:
    names = stages or ("Open", "Done")
    return {
        "label": label,
        "displayOrder": order,
        "stages": [
            stage_body(name, index, "CLOSED" if index == len(names) - 1 else "OPEN")
            for index, name in enumerate(names)
        ],
    }


def create_pipeline(http: httpx.Client, label: str = "Escalations", *stages: str) -> Json:
    response = http.post(PIPELINES, json=pipeline_body(label, *stages))
    assert response.status_code == 201, response.text
    body: Json = response.json()
    return body


def stage_ids(pipeline: Json) -> dict[str, str]:
    """Stage id by label."""
    return {s["label"]: s["id"] for s in pipeline["stages"]}


def new_ticket(http: httpx.Client, **properties: str) -> str:
    response = http.post(TICKETS, json={"properties": {"subject": "t", **properties}})
    assert response.status_code == 201, response.text
    ticket_id: str = response.json()["id"]
    return ticket_id


def error(response: httpx.Response, status: int, keys: list[str] | None = None) -> Json:
    """The HubSpot error envelope of ``response``, checked for status and keys."""
    assert response.status_code == status, response.text
    body: Json = response.json()
    assert list(body) == (keys or ENVELOPE_KEYS), body
    assert body["status"] == "error"
    assert body["correlationId"] == response.headers["x-hubspot-correlation-id"]
    return body


def validation_error(response: httpx.Response, message: str) -> None:
    body = error(response, 400)
    assert body == {
        "status": "error",
        "message": message,
        "correlationId": body["correlationId"],
        "category": "VALIDATION_ERROR",
    }


# -- through the SDK --------------------------------------------------------------------


def sdk_stage(label: str, order: int, state: str) -> PipelineStageInput:
    return PipelineStageInput(label=label, display_order=order, metadata={"ticketState": state})


def test_sdk_creates_reads_replaces_updates_and_deletes_a_pipeline(sdk: hubspot.Client) -> None:
    api = sdk.crm.pipelines.pipelines_api
    created = api.create(
        "tickets",
        PipelineInput(
            label="Escalations",
            display_order=1,
            stages=[sdk_stage("Triage", 0, "OPEN"), sdk_stage("Resolved", 1, "CLOSED")],
        ),
    )
    assert NUMERIC_ID.match(created.id) and created.id != "0"
    assert (created.label, created.display_order, created.archived) == ("Escalations", 1, False)
    assert [(s.label, s.metadata, s.archived) for s in created.stages] == [
        ("Triage", {"ticketState": "OPEN"}, False),
        ("Resolved", {"ticketState": "CLOSED"}, False),
    ]
    ids = [s.id for s in created.stages]
    assert all(NUMERIC_ID.match(i) for i in ids) and len({created.id, *ids}) == 3
    assert api.get_by_id("tickets", created.id) == created
    assert [p.id for p in api.get_all("tickets").results] == ["0", created.id]

    replaced = api.replace(
        "tickets",
        created.id,
        PipelineInput(
            label="Escalated",
            display_order=2,
            stages=[sdk_stage("Triage", 0, "OPEN"), sdk_stage("Closed", 1, "CLOSED")],
        ),
    )
    assert (replaced.id, replaced.label, replaced.display_order) == (created.id, "Escalated", 2)
    assert replaced.stages[0].id == ids[0]  # kept: same label
    assert replaced.stages[1].id not in ids  # new: "Resolved" is gone
    assert replaced.created_at == created.created_at
    assert replaced.updated_at >= created.updated_at

    updated = api.update("tickets", created.id, PipelinePatchInput(label="Urgent", display_order=0))
    assert (updated.label, updated.display_order) == ("Urgent", 0)
    assert [s.id for s in updated.stages] == [s.id for s in replaced.stages]
    # By display order, then label: both are 0 now, so "Support Pipeline" comes first.
    assert [p.label for p in api.get_all("tickets").results] == ["Support Pipeline", "Urgent"]

    api.archive("tickets", created.id)
    with pytest.raises(NotFoundException):
        api.get_by_id("tickets", created.id)
    assert [p.id for p in api.get_all("tickets").results] == ["0"]


def test_sdk_manages_the_stages_of_a_pipeline(sdk: hubspot.Client) -> None:
    pipelines = sdk.crm.pipelines.pipelines_api
    stages = sdk.crm.pipelines.pipeline_stages_api
    pipeline = pipelines.create(
        "tickets",
        PipelineInput(label="Returns", display_order=3, stages=[sdk_stage("Received", 0, "OPEN")]),
    )
    (received,) = stages.get_all("tickets", pipeline.id).results
    assert received == pipeline.stages[0]

    shipped = stages.create("tickets", pipeline.id, sdk_stage("Shipped", 1, "CLOSED"))
    assert NUMERIC_ID.match(shipped.id)
    assert (shipped.label, shipped.display_order, shipped.metadata) == (
        "Shipped",
        1,
        {"ticketState": "CLOSED"},
    )
    assert stages.get_by_id("tickets", pipeline.id, shipped.id) == shipped

    replaced = stages.replace(
        "tickets", pipeline.id, shipped.id, sdk_stage("Sent back", 5, "CLOSED")
    )
    assert (replaced.id, replaced.label, replaced.display_order) == (shipped.id, "Sent back", 5)
    updated = stages.update(
        "tickets",
        pipeline.id,
        shipped.id,
        PipelineStagePatchInput(label="Refunded", metadata={"ticketState": "OPEN"}),
    )
    assert (updated.label, updated.display_order, updated.metadata) == (
        "Refunded",
        5,
        {"ticketState": "OPEN"},
    )
    listed = stages.get_all("tickets", pipeline.id).results
    assert [s.id for s in listed] == [received.id, shipped.id]
    assert [s.id for s in pipelines.get_by_id("tickets", pipeline.id).stages] == [
        received.id,
        shipped.id,
    ]

    stages.archive("tickets", pipeline.id, shipped.id)
    with pytest.raises(NotFoundException):
        stages.get_by_id("tickets", pipeline.id, shipped.id)
    assert [s.id for s in stages.get_all("tickets", pipeline.id).results] == [received.id]


def test_sdk_reads_the_audit_of_a_pipeline_and_of_a_stage(sdk: hubspot.Client) -> None:
    pipelines = sdk.crm.pipelines.pipelines_api
    pipeline = pipelines.create(
        "tickets",
        PipelineInput(label="Audited", display_order=1, stages=[sdk_stage("Only", 0, "OPEN")]),
    )
    pipelines.update("tickets", pipeline.id, PipelinePatchInput(label="Audited twice"))
    stage_id = pipeline.stages[0].id
    sdk.crm.pipelines.pipeline_stages_api.update(
        "tickets", pipeline.id, stage_id, PipelineStagePatchInput(display_order=7)
    )

    audit = sdk.crm.pipelines.pipeline_audits_api.get_audit("tickets", pipeline.id).results
    assert [(a.action, a.identifier, a.portal_id) for a in audit] == [
        ("UPDATE", pipeline.id, 1),
        ("CREATE", pipeline.id, 1),
    ]
    assert audit[0].raw_object["label"] == "Audited twice"
    assert audit[1].raw_object["label"] == "Audited"
    assert audit[0].timestamp >= audit[1].timestamp

    # The SDK's stage audit takes no pipeline id: the stage id alone names the stage.
    staged = sdk.crm.pipelines.pipeline_stage_audits_api.get_audit("tickets", stage_id).results
    assert [(a.action, a.identifier) for a in staged] == [
        ("UPDATE", stage_id),
        ("CREATE", stage_id),
    ]
    assert [a.raw_object["displayOrder"] for a in staged] == [7, 0]


def test_sdk_reports_hubspots_400_for_a_stage_without_ticket_state(sdk: hubspot.Client) -> None:
    with pytest.raises(ApiException) as raised:
        sdk.crm.pipelines.pipelines_api.create(
            "tickets",
            PipelineInput(
                label="Stateless",
                display_order=1,
                stages=[PipelineStageInput(label="Limbo", display_order=0, metadata={})],
            ),
        )
    assert raised.value.status == 400
    assert [p.label for p in sdk.crm.pipelines.pipelines_api.get_all("tickets").results] == [
        "Support Pipeline"
    ]


# -- validation: HubSpot's 400s -------------------------------------------------------------

TWO_STAGES = [stage_body("A", 0), stage_body("B", 1, "CLOSED")]
INVALID_PIPELINES = {
    "no stages": (
        {"label": "Empty", "displayOrder": 0, "stages": []},
        "A pipeline needs at least one stage",
    ),
    "stage without ticketState": (
        {"label": "P", "displayOrder": 0, "stages": [{**stage_body("A"), "metadata": {}}]},
        "Stage 'A' has no metadata.ticketState: every stage of a ticket pipeline needs "
        "ticketState OPEN or CLOSED",
    ),
    "unknown ticketState": (
        {"label": "P", "displayOrder": 0, "stages": [stage_body("A", 0, "PENDING")]},
        "Invalid ticketState 'PENDING' for stage 'A': it must be OPEN or CLOSED",
    ),
    "lower-case ticketState": (
        {"label": "P", "displayOrder": 0, "stages": [stage_body("A", 0, "open")]},
        "Invalid ticketState 'open' for stage 'A': it must be OPEN or CLOSED",
    ),
    "two stages with one label": (
        {"label": "P", "displayOrder": 0, "stages": [stage_body("A"), stage_body(" a ", 1)]},
        "Stage labels must be unique within a pipeline: ' a ' is given twice",
    ),
    "label of the default pipeline": (
        {"label": "support pipeline", "displayOrder": 0, "stages": TWO_STAGES},
        "A ticket pipeline labelled 'Support Pipeline' already exists: pipeline 0",
    ),
    "blank label": (
        {"label": "  ", "displayOrder": 0, "stages": TWO_STAGES},
        "A pipeline needs a label that is not blank",
    ),
    "blank stage label": (
        {"label": "P", "displayOrder": 0, "stages": [stage_body("")]},
        "A stage needs a label that is not blank",
    ),
    "NUL in a label": (
        {"label": "P\u0000", "displayOrder": 0, "stages": TWO_STAGES},
        "A pipeline label may not contain the character U+0000",
    ),
}


@pytest.mark.parametrize(
    ("body", "message"), INVALID_PIPELINES.values(), ids=INVALID_PIPELINES.keys()
)
def test_invalid_pipeline_is_refused_with_a_400_and_nothing_is_written(
    http: httpx.Client, body: Json, message: str
) -> None:
    existing = create_pipeline(http)
    validation_error(http.post(PIPELINES, json=body), message)
    validation_error(http.put(f"{PIPELINES}/{existing['id']}", json=body), message)
    assert [p["id"] for p in http.get(PIPELINES).json()["results"]] == ["0", existing["id"]]
    assert http.get(f"{PIPELINES}/{existing['id']}").json() == existing


def test_wrongly_shaped_bodies_are_invalid_input_json(http: httpx.Client) -> None:
    pipeline = create_pipeline(http)
    stage = pipeline["stages"][0]["id"]
    cases = [
        ("POST", PIPELINES, {"label": "P", "displayOrder": 0}),  # stages missing
        ("POST", PIPELINES, {"label": "P", "displayOrder": "1", "stages": TWO_STAGES}),
        ("POST", PIPELINES, {**pipeline_body("P"), "colour": "red"}),
        ("PATCH", f"{PIPELINES}/{pipeline['id']}", {"label": 5}),
        ("PATCH", f"{PIPELINES}/{pipeline['id']}", {"stages": []}),
        ("POST", f"{PIPELINES}/{pipeline['id']}/stages", {"label": "S", "displayOrder": 0}),
        ("PUT", f"{PIPELINES}/{pipeline['id']}/stages/{stage}", {"label": "S"}),
        ("PATCH", f"{PIPELINES}/{pipeline['id']}/stages/{stage}", {"metadata": {"a": 1}}),
        ("PATCH", f"{PIPELINES}/{pipeline['id']}/stages/{stage}", {"displayOrder": 2**31}),
    ]
    for method, path, body in cases:
        response = http.request(method, path, json=body)
        message = error(response, 400)["message"]
        assert message.startswith("Invalid input JSON on line 1, column 1: "), (path, body)
    assert http.get(f"{PIPELINES}/{pipeline['id']}").json() == pipeline


def test_labels_are_unique_among_pipelines_and_within_a_pipeline(http: httpx.Client) -> None:
    first = create_pipeline(http, "Escalations", "Open", "Done")
    second = create_pipeline(http, "Returns", "Open", "Done")
    validation_error(
        http.post(PIPELINES, json=pipeline_body("ESCALATIONS")),
        f"A ticket pipeline labelled 'Escalations' already exists: pipeline {first['id']}",
    )
    validation_error(
        http.patch(f"{PIPELINES}/{second['id']}", json={"label": "escalations "}),
        f"A ticket pipeline labelled 'Escalations' already exists: pipeline {first['id']}",
    )
    done = stage_ids(first)["Done"]
    validation_error(
        http.post(f"{PIPELINES}/{first['id']}/stages", json=stage_body("done", 5)),
        f"Pipeline {first['id']} already has a stage labelled 'Done': stage {done}",
    )
    validation_error(
        http.patch(
            f"{PIPELINES}/{first['id']}/stages/{stage_ids(first)['Open']}", json={"label": "DONE"}
        ),
        f"Pipeline {first['id']} already has a stage labelled 'Done': stage {done}",
    )
    # Another pipeline's stage labels are no clash, nor is a stage's own label.
    same = http.post(f"{PIPELINES}/{second['id']}/stages", json=stage_body("Escalated", 2))
    assert same.status_code == 201, same.text
    own = http.put(f"{PIPELINES}/{first['id']}/stages/{done}", json=stage_body("done", 9))
    assert own.status_code == 200 and own.json()["label"] == "done"


def test_archived_may_only_restore(http: httpx.Client) -> None:
    pipeline = create_pipeline(http)
    for archived in (True, False):
        validation_error(
            http.patch(f"{PIPELINES}/{pipeline['id']}", json={"archived": archived}),
            "archived may only be given to restore a deleted pipeline; pipeline "
            f"{pipeline['id']} is not deleted (DELETE it to archive it)",
        )
    stage = pipeline["stages"][0]["id"]
    validation_error(
        http.patch(f"{PIPELINES}/{pipeline['id']}/stages/{stage}", json={"archived": True}),
        f"archived may only be given to restore a deleted stage; stage {stage} is not "
        "deleted (DELETE it to archive it)",
    )


def test_deleted_pipeline_and_stage_can_be_restored(http: httpx.Client) -> None:
    pipeline = create_pipeline(http, "Escalations", "Open", "Hold", "Done")
    hold = stage_ids(pipeline)["Hold"]
    assert http.delete(f"{PIPELINES}/{pipeline['id']}/stages/{hold}").status_code == 204
    assert http.delete(f"{PIPELINES}/{pipeline['id']}").status_code == 204
    # A deleted pipeline is not found, except by the PATCH that restores it.
    error(http.patch(f"{PIPELINES}/{pipeline['id']}", json={"label": "X"}), 404)
    restored = http.patch(f"{PIPELINES}/{pipeline['id']}", json={"archived": False})
    assert restored.status_code == 200, restored.text
    assert restored.json()["archived"] is False
    assert "archivedAt" not in restored.json()
    assert list(stage_ids(restored.json())) == ["Open", "Done"]

    back = http.patch(f"{PIPELINES}/{pipeline['id']}/stages/{hold}", json={"archived": False})
    assert back.status_code == 200, back.text
    assert back.json()["archived"] is False
    assert list(stage_ids(http.get(f"{PIPELINES}/{pipeline['id']}").json())) == [
        "Open",
        "Hold",
        "Done",
    ]
    assert new_ticket(http, hs_pipeline=pipeline["id"], hs_pipeline_stage=hold)


def test_a_restore_may_not_bring_back_a_label_taken_meanwhile(http: httpx.Client) -> None:
    first = create_pipeline(http, "Escalations")
    assert http.delete(f"{PIPELINES}/{first['id']}").status_code == 204
    second = create_pipeline(http, "Escalations")
    validation_error(
        http.patch(f"{PIPELINES}/{first['id']}", json={"archived": False}),
        f"A ticket pipeline labelled 'Escalations' already exists: pipeline {second['id']}",
    )
    restored = http.patch(
        f"{PIPELINES}/{first['id']}", json={"archived": False, "label": "Old escalations"}
    )
    assert restored.status_code == 200, restored.text


# -- not found ------------------------------------------------------------------------------


def test_unknown_pipeline_or_stage_is_a_404_on_every_operation(http: httpx.Client) -> None:
    pipeline = create_pipeline(http)
    known = pipeline["id"]
    stage = pipeline["stages"][0]["id"]
    missing_pipeline = [
        ("GET", f"{PIPELINES}/987654", None),
        ("PUT", f"{PIPELINES}/987654", pipeline_body("X")),
        ("PATCH", f"{PIPELINES}/987654", {"label": "X"}),
        ("DELETE", f"{PIPELINES}/987654", None),
        ("GET", f"{PIPELINES}/987654/audit", None),
        ("GET", f"{PIPELINES}/987654/stages", None),
        ("POST", f"{PIPELINES}/987654/stages", stage_body("S")),
        ("GET", f"{PIPELINES}/987654/stages/{stage}", None),
        ("PUT", f"{PIPELINES}/987654/stages/{stage}", stage_body("S")),
        ("DELETE", f"{PIPELINES}/987654/stages/{stage}", None),
    ]
    for method, path, body in missing_pipeline:
        found = error(http.request(method, path, json=body), 404)
        assert found["category"] == "OBJECT_NOT_FOUND"
        assert found["message"] == "Unable to find pipeline 987654 for object type TICKET"
    missing_stage = [
        ("GET", f"{PIPELINES}/{known}/stages/1", None),  # a stage of another pipeline
        ("PUT", f"{PIPELINES}/{known}/stages/1", stage_body("S")),
        ("PATCH", f"{PIPELINES}/{known}/stages/1", {"label": "S"}),
        ("DELETE", f"{PIPELINES}/{known}/stages/1", None),
        ("GET", f"{PIPELINES}/{known}/stages/987654", None),
    ]
    for method, path, body in missing_stage:
        found = error(http.request(method, path, json=body), 404)
        assert found["message"] == (
            f"Unable to find stage {path.rsplit('/', 1)[1]} in pipeline {known} "
            "for object type TICKET"
        )
    audit = error(http.get(f"{PIPELINES}/{known}/stages/987654/audit"), 404)
    assert audit["message"] == "Unable to find stage 987654 for object type TICKET"


# -- deleting what tickets use -------------------------------------------------------------


def test_the_default_pipeline_cannot_be_deleted(http: httpx.Client) -> None:
    validation_error(
        http.delete(f"{PIPELINES}/0"),
        "The default pipeline 0 cannot be deleted: tickets created without hs_pipeline go to it",
    )
    assert http.get(f"{PIPELINES}/0").status_code == 200


def test_the_last_stage_cannot_be_deleted(http: httpx.Client) -> None:
    pipeline = create_pipeline(http, "Solo", "Only")
    only = pipeline["stages"][0]["id"]
    validation_error(
        http.delete(f"{PIPELINES}/{pipeline['id']}/stages/{only}"),
        f"Stage {only} is the last stage of pipeline {pipeline['id']}: a pipeline needs at "
        "least one stage",
    )


def test_a_stage_or_pipeline_in_use_cannot_be_deleted_until_its_tickets_leave(
    http: httpx.Client,
) -> None:
    pipeline = create_pipeline(http, "Escalations", "Open", "Hold", "Done")
    pid, stages = pipeline["id"], stage_ids(pipeline)
    first = new_ticket(http, hs_pipeline=pid, hs_pipeline_stage=stages["Hold"])
    second = new_ticket(http, hs_pipeline=pid, hs_pipeline_stage=stages["Hold"])
    new_ticket(http, hs_pipeline_stage="1")  # in another pipeline: no matter

    refused = error(
        http.delete(f"{PIPELINES}/{pid}/stages/{stages['Hold']}"), 400, [*ENVELOPE_KEYS, "context"]
    )
    assert refused == {
        "status": "error",
        "message": f"Stage {stages['Hold']} of pipeline {pid} cannot be deleted: live tickets "
        f"are in it: [{first}, {second}]. Move them to another stage first",
        "correlationId": refused["correlationId"],
        "category": "VALIDATION_ERROR",
        "context": {"ids": [first, second]},
    }
    # HubSpot's flags do not lift the refusal (docs/behaviour.md).
    flagged = http.delete(
        f"{PIPELINES}/{pid}/stages/{stages['Hold']}",
        params={"validateReferencesBeforeDelete": "false"},
    )
    assert flagged.status_code == 400
    whole = error(http.delete(f"{PIPELINES}/{pid}"), 400, [*ENVELOPE_KEYS, "context"])
    assert whole["message"] == (
        f"Pipeline {pid} cannot be deleted: live tickets are in it: [{first}, {second}]. "
        "Move them to another stage first"
    )
    assert whole["context"] == {"ids": [first, second]}
    replaced = error(
        http.put(f"{PIPELINES}/{pid}", json=pipeline_body("Escalations", "Open", "Done")),
        400,
        [*ENVELOPE_KEYS, "context"],
    )
    assert replaced["message"] == (
        f"Pipeline {pid} cannot be replaced without its stages [{stages['Hold']}]: live tickets "
        f"are in it: [{first}, {second}]. Move them to another stage first"
    )
    assert list(stage_ids(http.get(f"{PIPELINES}/{pid}").json())) == ["Open", "Hold", "Done"]

    # Moved on, or archived: the stage is free, and then the pipeline.
    moved = http.patch(
        f"{TICKETS}/{first}", json={"properties": {"hs_pipeline_stage": stages["Done"]}}
    )
    assert moved.status_code == 200, moved.text
    assert http.delete(f"{TICKETS}/{second}").status_code == 204
    assert http.delete(f"{PIPELINES}/{pid}/stages/{stages['Hold']}").status_code == 204
    assert error(http.delete(f"{PIPELINES}/{pid}"), 400, [*ENVELOPE_KEYS, "context"])[
        "context"
    ] == {"ids": [first]}
    assert http.delete(f"{TICKETS}/{first}").status_code == 204
    deleted = http.delete(f"{PIPELINES}/{pid}", params={"validateReferencesBeforeDelete": "true"})
    assert deleted.status_code == 204, deleted.text
    assert deleted.content == b""


def test_a_refusal_names_at_most_ten_tickets(http: httpx.Client) -> None:
    pipeline = create_pipeline(http, "Busy", "Open", "Done")
    pid, open_stage = pipeline["id"], pipeline["stages"][0]["id"]
    body = {
        "inputs": [
            {
                "properties": {
                    "subject": f"t{n}",
                    "hs_pipeline": pid,
                    "hs_pipeline_stage": open_stage,
                }
            }
            for n in range(12)
        ]
    }
    created = http.post(f"{TICKETS}/batch/create", json=body)
    assert created.status_code == 201, created.text
    ids = sorted(int(t["id"]) for t in created.json()["results"])
    refused = error(http.delete(f"{PIPELINES}/{pid}"), 400, [*ENVELOPE_KEYS, "context"])
    named = [str(i) for i in ids[:10]]
    assert refused["context"] == {"ids": named}
    assert f"[{', '.join(named)}, ...]" in refused["message"]


def test_validation_flags_must_be_booleans(http: httpx.Client) -> None:
    pipeline = create_pipeline(http)
    for name in ("validateReferencesBeforeDelete", "validateDealStageUsagesBeforeDelete"):
        validation_error(
            http.delete(f"{PIPELINES}/{pipeline['id']}", params={name: "maybe"}),
            f"Invalid value 'maybe' for query parameter {name}: expected true or false",
        )
    assert http.get(f"{PIPELINES}/{pipeline['id']}").status_code == 200


# -- tickets in the pipelines --------------------------------------------------------------


def test_tickets_live_in_new_pipelines_and_stages_at_once(http: httpx.Client) -> None:
    pipeline = create_pipeline(http, "Escalations", "Open", "Done")
    pid, stages = pipeline["id"], stage_ids(pipeline)
    ticket = new_ticket(http, hs_pipeline=pid, hs_pipeline_stage=stages["Open"])
    read = http.get(f"{TICKETS}/{ticket}").json()["properties"]
    assert (read["hs_pipeline"], read["hs_pipeline_stage"]) == (pid, stages["Open"])

    added = http.post(f"{PIPELINES}/{pid}/stages", json=stage_body("Waiting", 1))
    moved = http.patch(
        f"{TICKETS}/{ticket}", json={"properties": {"hs_pipeline_stage": added.json()["id"]}}
    )
    assert moved.status_code == 200, moved.text
    # Back to the default pipeline: the stage must come along.
    back = http.patch(
        f"{TICKETS}/{ticket}", json={"properties": {"hs_pipeline": "0", "hs_pipeline_stage": "2"}}
    )
    assert back.status_code == 200, back.text
    assert new_ticket(http, hs_pipeline_stage="1")  # still defaults to pipeline 0


def test_a_stage_of_another_pipeline_is_refused_with_hubspots_400(http: httpx.Client) -> None:
    pipeline = create_pipeline(http, "Escalations", "Open", "Done")
    pid, stages = pipeline["id"], stage_ids(pipeline)
    cases = [
        ({"hs_pipeline": pid, "hs_pipeline_stage": "1"}, "1", pid),
        ({"hs_pipeline_stage": stages["Open"]}, stages["Open"], "0"),
    ]
    for properties, stage, owner in cases:
        response = http.post(TICKETS, json={"properties": {"subject": "x", **properties}})
        body = error(response, 400, ["status", "message", "correlationId", "errors", "category"])
        problem = {
            "isValid": False,
            "message": f"{stage} is not a valid pipeline stage of pipeline {owner}",
            "error": "INVALID_OPTION",
            "name": "hs_pipeline_stage",
        }
        assert (
            body["message"]
            == f"Property values were not valid: {json.dumps([problem], separators=(',', ':'))}"
        )
        assert body["errors"] == [
            {
                "message": problem["message"],
                "code": "INVALID_OPTION",
                "context": {"propertyName": ["hs_pipeline_stage"]},
            }
        ]
    ticket = new_ticket(http, hs_pipeline=pid, hs_pipeline_stage=stages["Open"])
    moved = http.patch(f"{TICKETS}/{ticket}", json={"properties": {"hs_pipeline": "0"}})
    assert moved.status_code == 400  # its stage is not one of pipeline 0
    assert http.get(f"{TICKETS}/{ticket}").json()["properties"]["hs_pipeline"] == pid


def test_deleted_pipelines_and_stages_take_no_new_tickets(http: httpx.Client) -> None:
    pipeline = create_pipeline(http, "Escalations", "Open", "Hold", "Done")
    pid, stages = pipeline["id"], stage_ids(pipeline)
    assert http.delete(f"{PIPELINES}/{pid}/stages/{stages['Hold']}").status_code == 204
    refused = http.post(
        TICKETS,
        json={
            "properties": {"subject": "x", "hs_pipeline": pid, "hs_pipeline_stage": stages["Hold"]}
        },
    )
    assert refused.status_code == 400
    assert http.delete(f"{PIPELINES}/{pid}").status_code == 204
    gone = http.post(
        TICKETS,
        json={
            "properties": {"subject": "x", "hs_pipeline": pid, "hs_pipeline_stage": stages["Open"]}
        },
    )
    body = error(gone, 400, ["status", "message", "correlationId", "errors", "category"])
    assert body["errors"][0]["code"] == "INVALID_OPTION"
    assert (
        body["errors"][0]["message"]
        == f"{pid} was not one of the allowed options: [Support Pipeline]"
    )


def test_a_write_validated_before_a_stage_is_deleted_is_checked_again(
    server: LiveServer, http: httpx.Client
) -> None:
    """A create whose stage is deleted while it waits for the database is refused, not
    written into the deleted stage. The deletion is held open on a connection of its own
    (as a pipeline change on another worker would be) after the server has read the
    pipelines; the create then validates against the stage still live, and must see
    the deletion once it commits."""
    pipeline = create_pipeline(http, "Escalations", "Open", "Hold")
    pid, hold = pipeline["id"], stage_ids(pipeline)["Hold"]
    store = open_store(server.database_url)
    deleting, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def delete_hold_stage() -> None:
        try:
            with store.transaction() as tx:
                (escalations,) = [p for p in tx.lock_pipelines("0-5") if p.id == pid]
                stages = tuple(
                    dataclasses.replace(s, archived_at=1) if s.id == hold else s
                    for s in escalations.stages
                )
                tx.save_pipeline("0-5", dataclasses.replace(escalations, stages=stages))
                deleting.set()
                release.wait(timeout=10)
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    answers: list[httpx.Response] = []
    body = {"properties": {"subject": "x", "hs_pipeline": pid, "hs_pipeline_stage": hold}}
    create = threading.Thread(target=lambda: answers.append(http.post(TICKETS, json=body)))
    deletion = threading.Thread(target=delete_hold_stage)
    try:
        deletion.start()
        assert deleting.wait(timeout=10)
        create.start()
        create.join(timeout=0.5)
        assert create.is_alive(), "the create waits for the pipeline change to commit"
    finally:
        release.set()
        deletion.join(timeout=30)
        create.join(timeout=30)
        store.close()
    assert not errors, errors
    (answer,) = answers
    problem = error(answer, 400, ["status", "message", "correlationId", "errors", "category"])
    assert problem["errors"][0]["context"]["propertyName"] == ["hs_pipeline_stage"]
    listed = http.get(TICKETS, params={"properties": "hs_pipeline_stage", "limit": 100})
    assert [
        t for t in listed.json()["results"] if t["properties"]["hs_pipeline_stage"] == hold
    ] == []


def test_pipeline_properties_list_the_current_pipelines_and_stages(http: httpx.Client) -> None:
    pipeline = create_pipeline(http, "Escalations", "Open", "Done")
    pid, stages = pipeline["id"], stage_ids(pipeline)
    options = http.get("/crm/v3/properties/tickets/hs_pipeline").json()["options"]
    assert [(o["value"], o["label"]) for o in options] == [
        ("0", "Support Pipeline"),
        (pid, "Escalations"),
    ]
    stage_options = http.get("/crm/v3/properties/tickets/hs_pipeline_stage").json()["options"]
    assert [(o["value"], o["label"]) for o in stage_options] == [
        *((stage_id, label) for stage_id, label, _ in DEFAULT_STAGES),
        (stages["Open"], "Open"),
        (stages["Done"], "Done"),
    ]
    assert http.delete(f"{PIPELINES}/{pid}").status_code == 204
    listed = http.get("/crm/v3/properties/tickets").json()["results"]
    (pipeline_property,) = [p for p in listed if p["name"] == "hs_pipeline"]
    assert [o["value"] for o in pipeline_property["options"]] == ["0"]


def test_a_pipeline_made_on_one_server_takes_writes_on_another_at_once(
    server: LiveServer, http: httpx.Client, token: str
) -> None:
    """Two app instances over one database, each with its own cached definitions (as two
    workers have): the second must see the first's new pipeline on its next request."""
    with live_server(server.database_url) as other, other.http(token) as elsewhere:
        assert elsewhere.get(PIPELINES).status_code == 200  # its cache is warm
        pipeline = create_pipeline(http, "Escalations", "Open", "Done")
        pid, stages = pipeline["id"], stage_ids(pipeline)
        created = elsewhere.post(
            TICKETS,
            json={
                "properties": {
                    "subject": "x",
                    "hs_pipeline": pid,
                    "hs_pipeline_stage": stages["Open"],
                }
            },
        )
        assert created.status_code == 201, created.text
        added = http.post(f"{PIPELINES}/{pid}/stages", json=stage_body("Later", 3)).json()
        moved = elsewhere.patch(
            f"{TICKETS}/{created.json()['id']}",
            json={"properties": {"hs_pipeline_stage": added["id"]}},
        )
        assert moved.status_code == 200, moved.text
        assert elsewhere.get(f"{PIPELINES}/{pid}/stages/{added['id']}").status_code == 200


# -- raw shapes and scopes -----------------------------------------------------------------


def test_created_pipeline_body_has_hubspots_keys_and_numeric_ids(http: httpx.Client) -> None:
    response = http.post(PIPELINES, json=pipeline_body("Escalations", "Open", "Done"))
    assert response.status_code == 201
    body = response.json()
    assert list(body) == [
        "label",
        "displayOrder",
        "id",
        "stages",
        "createdAt",
        "updatedAt",
        "archived",
    ]
    assert NUMERIC_ID.match(body["id"])
    for stage in body["stages"]:
        assert list(stage) == [
            "label",
            "displayOrder",
            "metadata",
            "id",
            "createdAt",
            "updatedAt",
            "archived",
            "writePermissions",
        ]
        assert stage["writePermissions"] == "CRM_PERMISSIONS_ENFORCEMENT"
        assert NUMERIC_ID.match(stage["id"])
        assert stage["createdAt"] == body["createdAt"]
    assert http.get(f"{PIPELINES}/{body['id']}").json() == body


def test_pipeline_writes_take_the_schema_write_scope(server: LiveServer) -> None:
    with server.http(server.token(scopes=("crm.schemas.tickets.write",))) as writer:
        assert writer.post(PIPELINES, json=pipeline_body()).status_code == 201
    with server.http(server.token(scopes=("crm.schemas.tickets.read",))) as reader:
        refused = error(
            reader.post(PIPELINES, json=pipeline_body("Other")),
            403,
            ["status", "message", "correlationId", "errors", "links", "category"],
        )
        assert refused["errors"][0]["context"] == {
            "requiredGranularScopes": ["tickets", "crm.schemas.tickets.write"]
        }


def test_every_pipeline_response_is_what_the_openapi_schemas_say(http: httpx.Client) -> None:
    """Strict decoding with Spoke's response schemas (the OpenAPI document's source)."""
    created = http.post(PIPELINES, json=pipeline_body("Escalations", "Open", "Done"))
    pipeline = msgspec.json.decode(created.content, type=schemas.Pipeline, strict=True)
    stage = pipeline.stages[0].id
    base = f"{PIPELINES}/{pipeline.id}"
    http.patch(f"{base}/stages/{stage}", json={"label": "Opened"})
    answers = [
        (http.get(f"{base}/stages"), schemas.StageCollection),
        (http.get(f"{base}/stages/{stage}"), schemas.StageOut),
        (http.post(f"{base}/stages", json=stage_body("Later", 4)), schemas.StageOut),
        (http.put(f"{base}/stages/{stage}", json=stage_body("Open", 0)), schemas.StageOut),
        (http.put(base, json=pipeline_body("Escalations", "Open", "Done")), schemas.Pipeline),
        (http.patch(base, json={"displayOrder": 4}), schemas.Pipeline),
        (http.get(f"{base}/audit"), schemas.AuditCollection),
        (http.get(f"{base}/stages/{stage}/audit"), schemas.AuditCollection),
    ]
    for response, kind in answers:
        assert response.status_code in (200, 201), response.text
        decoded = msgspec.json.decode(response.content, type=kind, strict=True)
        assert msgspec.json.decode(msgspec.json.encode(decoded)) == response.json()
