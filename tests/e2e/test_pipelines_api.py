"""The ticket pipelines API (``/crm/v3/pipelines/tickets``) against a live server.

Every portal starts with HubSpot's default ticket pipeline (behaviour.md §7): id ``"0"``,
"Support Pipeline", stages ``1`` New, ``2`` Waiting on contact, ``3`` Waiting on us and
``4`` Closed, whose ``metadata.ticketState`` is OPEN, OPEN, OPEN, CLOSED. The official SDK
(validating every model) reads it; raw HTTP checks the status codes and error bodies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import hubspot
import pytest
from hubspot.crm.pipelines.exceptions import NotFoundException, UnauthorizedException

if TYPE_CHECKING:
    from conftest import LiveServer

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
