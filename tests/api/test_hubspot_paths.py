"""Unit tests of the catalogue of HubSpot's paths (``spoke.api.hubspot_paths``): it covers
every operation of HubSpot's official Python SDK that takes an access token, tells reads
from writes as HubSpot does, and picks the most specific family.
"""

from __future__ import annotations

import re
from pathlib import Path

import hubspot
import pytest

from spoke.api.hubspot_paths import requirement
from spoke.domain.hubspot_object_types import (
    CUSTOM_OBJECTS,
    HUBSPOT_OBJECT_TYPES,
    hubspot_object_type,
    singular_name,
)

#: One operation in the SDK's generated code: its security schemes, then its path and method.
_OPERATION = re.compile(
    r'auth_settings = (\[[^\]]*\]).*?call_api\(\s*"(/[^"]+)",\s*"([A-Z]+)"', re.DOTALL
)

#: Operations with an access token whose scopes no HubSpot document read here lists.
UNKNOWN_SCOPES = {("POST", "/crm/v3/extensions/calling/recordings/ready")}


def sdk_operations() -> list[tuple[str, str]]:
    """Every (method, path template) of the SDK that takes an OAuth or private-app token;
    operations authenticated by a developer API key, or by nothing, take no token."""
    root = Path(hubspot.__file__).parent
    found = {
        (method, path)
        for source in root.rglob("*_api.py")
        for schemes, path, method in _OPERATION.findall(source.read_text())
        if "oauth2" in schemes
    }
    return sorted(found - UNKNOWN_SCOPES)


def concrete(template: str) -> str:
    """The template with its parameters filled in (object types with types HubSpot has)."""
    path = re.sub(r"\{(objectType|fromObjectType)\}", "contacts", template)
    path = path.replace("{toObjectType}", "deals")
    return re.sub(r"\{[^}]+\}", "17", path)


def test_the_sdk_has_operations_to_check() -> None:
    assert len(sdk_operations()) > 500


@pytest.mark.parametrize(("method", "template"), sdk_operations())
def test_every_sdk_operation_taking_an_access_token_is_in_the_catalogue(
    method: str, template: str
) -> None:
    found = requirement(method, concrete(template))
    assert found is not None, f"{method} {template} is in no family"
    assert found.unknown_object_type is None
    assert found.scopes


@pytest.mark.parametrize(
    ("method", "path", "reads"),
    [
        ("GET", "/crm/v3/objects/deals", True),
        ("HEAD", "/crm/v3/objects/deals", True),
        ("POST", "/crm/v3/objects/deals/search", True),
        ("POST", "/crm/v3/objects/deals/batch/read", True),
        ("post", "/crm/v3/objects/deals/batch/read", True),
        ("POST", "/crm/v3/objects/deals", False),
        ("POST", "/crm/v3/objects/deals/batch/update", False),
        ("PUT", "/crm/v3/objects/deals/1", False),
        ("PATCH", "/crm/v3/objects/deals/1", False),
        ("DELETE", "/crm/v3/objects/deals/1", False),
    ],
)
def test_reads_take_the_read_scopes_and_writes_the_write_scopes(
    method: str, path: str, reads: bool
) -> None:
    found = requirement(method, path)
    assert found is not None
    kind = "read" if reads else "write"
    assert found.scopes[0] == f"crm.objects.deals.{kind}"
    assert all(scope.endswith((f".{kind}", f".{kind}.v2")) for scope in found.scopes)


@pytest.mark.parametrize(
    ("path", "family"),
    [
        ("/settings/v3/users/teams", "/settings/v3/users/teams"),
        ("/settings/v3/users/17", "/settings/v3/users"),
        ("/contacts/v1/lists/all/contacts/all", "/contacts/v1/lists"),
        ("/contacts/v1/contact/vids/batch/", "/contacts/v1"),
        ("/cms/v3/hubdb/tables", "/cms/v3/hubdb"),
        ("/cms/v3/pages/site-pages", "/cms/v3"),
        ("/crm/v4/associations/definitions/configurations/all", "/crm/v4/associations/definitions"),
        ("/crm/v4/associations/contacts/deals/labels", "/crm/v4/associations/{objectType}"),
        ("/crm/objects/2026-09-beta/contacts", "/crm/objects/{version}/{objectType}"),
        ("/account-info/2026-03/details", "/account-info/{version}"),
    ],
)
def test_the_most_specific_family_answers(path: str, family: str) -> None:
    found = requirement("GET", path)
    assert found is not None
    assert found.family == family


@pytest.mark.parametrize(
    "path", ["/", "/nope", "/crm", "/crm/v3/objects", "/crm/objects/latest/contacts", "/v3/owners"]
)
def test_paths_outside_hubspots_api_are_in_no_family(path: str) -> None:
    assert requirement("GET", path) is None


def test_a_method_hubspot_has_no_operation_for_is_in_no_family() -> None:
    assert requirement("GET", "/crm/v3/objects/feedback_submissions") is not None
    assert requirement("POST", "/crm/v3/objects/feedback_submissions") is None
    assert requirement("DELETE", "/crm/v3/owners/17") is None


def test_object_types_are_known_by_name_type_id_and_as_custom_objects() -> None:
    for object_type in HUBSPOT_OBJECT_TYPES:
        assert hubspot_object_type(object_type.name) is object_type
        assert hubspot_object_type(singular_name(object_type.name)) is object_type
        if object_type.type_id is not None:
            assert hubspot_object_type(object_type.type_id) is object_type
    for custom in ("2-123", "2-7654321", "p12345_cars"):
        assert hubspot_object_type(custom) is CUSTOM_OBJECTS
    for unknown in ("widgets", "Contacts", "Contact", "0-999", "2-", "p_cars"):
        assert hubspot_object_type(unknown) is None


def test_type_names_and_ids_are_unique() -> None:
    names = [t.name for t in HUBSPOT_OBJECT_TYPES]
    ids = [t.type_id for t in HUBSPOT_OBJECT_TYPES if t.type_id is not None]
    assert len(set(names)) == len(names)
    assert len(set(ids)) == len(ids)
