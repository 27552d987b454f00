"""docs/coverage.md is what scripts/coverage_report.py makes of the installed SDKs and
Spoke's route table now, and what it says holds."""

from __future__ import annotations

import importlib.util
import operator
import sys
from pathlib import Path
from types import ModuleType

import hubspot
import hubspot_sdk
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "coverage_report.py"


@pytest.fixture(scope="module")
def report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("coverage_report", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


def test_coverage_page_is_up_to_date(report: ModuleType) -> None:
    written = report.DOC.read_text(encoding="utf-8")
    assert written == report.current_page(), (
        "docs/coverage.md is stale: run .venv/bin/python scripts/coverage_report.py"
    )


def test_every_listed_method_is_reachable_on_a_client_as_written(report: ModuleType) -> None:
    client = hubspot.Client.create(access_token="unused")
    methods = report.sdk_methods()
    assert len(methods) > 30
    for method in methods:
        api = operator.attrgetter(f"{method.group}.{method.api}")(client)
        assert callable(getattr(api, method.name)), method.call


def test_http_targets_are_read_from_the_sdk(report: ModuleType) -> None:
    targets = {(m.group, m.call): (m.http_method, m.path) for m in report.sdk_methods()}
    assert targets[("crm.tickets", "basic_api.get_page")] == ("GET", "/crm/v3/objects/tickets")
    assert targets[("crm.tickets", "batch_api.read")] == (
        "POST",
        "/crm/v3/objects/tickets/batch/read",
    )
    assert targets[("crm.properties", "core_api.get_by_name")] == (
        "GET",
        "/crm/v3/properties/{objectType}/{propertyName}",
    )


@pytest.mark.parametrize(
    ("call", "served"),
    [
        ("basic_api.get_page", True),
        ("basic_api.get_by_id", True),
        ("batch_api.read", True),
        ("basic_api.merge", True),
        ("batch_api.upsert", True),
        ("search_api.do_search", True),
    ],
)
def test_ticket_methods_are_matched_against_the_route_table(
    report: ModuleType, call: str, served: bool
) -> None:
    (method,) = [m for m in report.sdk_methods() if (m.group, m.call) == ("crm.tickets", call)]
    routes = report.spoke_routes()
    assert any(report.serves(route, method) for route in routes) is served


def test_a_literal_segment_never_matches_an_id_parameter(report: ModuleType) -> None:
    """``GET /crm/v3/properties/tickets/groups`` would reach Spoke's property read, but it
    lists groups, which Spoke does not serve."""
    (groups,) = [
        m
        for m in report.sdk_methods()
        if (m.group, m.call) == ("crm.properties", "groups_api.get_all")
    ]
    route = report.SpokeRoute("GET", "/crm/v3/properties/tickets/{property_name}", {})
    assert not report.serves(route, groups)


# -- hubspot-sdk ----------------------------------------------------------------------------


def hubspot_sdk_targets(report: ModuleType) -> dict[tuple[str, str], tuple[str, str]]:
    return {(m.group, m.call): (m.http_method, m.path) for m in report.hubspot_sdk_methods()}


def test_every_listed_hubspot_sdk_method_is_reachable_on_a_client_as_written(
    report: ModuleType,
) -> None:
    client = hubspot_sdk.HubSpot(access_token="unused", base_url="http://127.0.0.1")
    methods = report.hubspot_sdk_methods()
    assert {m.group for m in methods} == set(report.HUBSPOT_SDK_RESOURCES)
    for method in methods:
        assert callable(operator.attrgetter(f"{method.group}.{method.call}")(client)), method
    client.close()


def test_hubspot_sdk_targets_are_read_from_its_request_calls(report: ModuleType) -> None:
    targets = hubspot_sdk_targets(report)
    assert targets[("crm.objects.tickets", "list")] == ("GET", "/crm/objects/2026-03/tickets")
    assert targets[("crm.objects.tickets", "batch.delete")] == (
        "POST",
        "/crm/objects/2026-03/tickets/batch/archive",
    )
    assert targets[("crm.objects.deals", "get")] == ("GET", "/crm/objects/2026-03/0-3/{deal_id}")
    assert targets[("crm.properties", "groups.update")] == (
        "PATCH",
        "/crm/properties/2026-03/{object_type}/groups/{group_name}",
    )
    assert targets[("crm.owners", "list")] == ("GET", "/crm/owners/2026-03")


@pytest.mark.parametrize(
    ("group", "call", "served"),
    [
        ("crm.objects.tickets", "merge", True),
        ("crm.objects.deals", "batch.upsert", True),
        ("crm.objects.generic_objects", "get", True),
        ("crm.properties", "groups.delete", True),
        ("crm.pipelines", "list_stage_audit", True),
        ("crm.associations", "request_high_usage_report", False),
    ],
)
def test_hubspot_sdk_methods_are_matched_against_the_route_table(
    report: ModuleType, group: str, call: str, served: bool
) -> None:
    (method,) = [m for m in report.hubspot_sdk_methods() if (m.group, m.call) == (group, call)]
    routes = report.spoke_routes()
    assert any(report.serves(route, method) for route in routes) is served
