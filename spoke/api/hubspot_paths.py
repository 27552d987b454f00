"""HubSpot's public API, as path families and the scopes HubSpot requires for each.

A family is a path prefix: it covers every path that starts with its segments. ``{version}``
stands for one version segment (``v3``, ``2026-03``, ``2026-09-beta``) and ``{objectType}``
for a CRM object type, whose scopes come from :mod:`spoke.domain.hubspot_object_types`
(its record scopes, or its definition scopes on the properties and pipelines paths).

A request reads when its method is ``GET`` (or ``HEAD``), or when it is a ``POST`` that
HubSpot answers as a read (``.../search``, ``.../batch/read``); every other request
writes. Any one scope of the tuple is enough, as HubSpot's 403 says ("One or more of the
following scopes are required"), and the tuple is what it lists as
``requiredGranularScopes``. An empty tuple means HubSpot has no such request (its
feedback submissions are read-only).

Sources (facts only; docs/decisions.md, "HubSpot's scopes"): the ``security`` of HubSpot's
OpenAPI documents (HubSpot/HubSpot-public-api-spec-collection and the documents in
/work/shared/reference), and HubSpot's reference pages for the legacy v1/v2 APIs.
Families that no connector or SDK of issue 11 calls are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request

from spoke.domain.hubspot_object_types import HubSpotObjectType, Scopes, hubspot_object_type
from spoke.domain.tokens import require_scopes
from spoke.errors import UnknownObjectType
from spoke.store.base import TokenRecord

OBJECT_TYPE = "{objectType}"
VERSION = "{version}"
_VERSION = re.compile(r"^(v[0-9]+|[0-9]{4}-[0-9]{2}(-beta)?)$")
_READ_METHODS = frozenset({"GET", "HEAD"})


def _records(object_type: HubSpotObjectType, reads: bool) -> Scopes:
    return object_type.read if reads else object_type.write


def _definitions(object_type: HubSpotObjectType, reads: bool) -> Scopes:
    return object_type.definitions_read if reads else object_type.definitions_write


ScopesOf = Callable[[HubSpotObjectType, bool], Scopes]

#: Families whose scopes depend on the object type they name: (template, which scopes).
OBJECT_TYPE_FAMILIES: tuple[tuple[str, ScopesOf], ...] = (
    ("/crm/v3/objects/{objectType}", _records),
    ("/crm/objects/{version}/{objectType}", _records),
    ("/crm/v4/objects/{objectType}", _records),
    ("/crm/v3/associations/{objectType}", _records),
    ("/crm/v4/associations/{objectType}", _records),
    ("/crm/associations/{version}/{objectType}", _records),
    ("/crm/v3/properties/{objectType}", _definitions),
    ("/crm/properties/{version}/{objectType}", _definitions),
    ("/crm/v3/pipelines/{objectType}", _definitions),
    ("/crm/pipelines/{version}/{objectType}", _definitions),
    # legacy (v1/v2) definitions APIs
    ("/properties/{version}/{objectType}", _definitions),
    ("/crm-pipelines/v1/pipelines/{objectType}", _definitions),
)

_CONTACTS = ("crm.objects.contacts.read",), ("crm.objects.contacts.write",)
_LISTS = ("crm.lists.read",), ("crm.lists.write",)
_CUSTOM_SCHEMAS = ("crm.schemas.custom.read",), ("crm.schemas.custom.write",)
_CONTENT = ("content",), ("content",)
_FORMS = ("forms",), ("forms",)
_AUTOMATION = ("automation",), ("automation",)
_FILES = ("files",), ("files",)
_OAUTH = ("oauth",), ("oauth",)

#: Every other family: (template, (read scopes, write scopes)).
FAMILIES: tuple[tuple[str, tuple[Scopes, Scopes]], ...] = (
    # CRM (OpenAPI documents)
    ("/crm/v3/owners", (("crm.objects.owners.read",), ())),
    ("/crm/owners/{version}", (("crm.objects.owners.read",), ())),
    ("/crm/v3/schemas", _CUSTOM_SCHEMAS),
    ("/crm-object-schemas/v3/schemas", _CUSTOM_SCHEMAS),
    ("/crm/v3/lists", _LISTS),
    ("/crm/lists/{version}", _LISTS),
    ("/crm/v3/imports", (("crm.import",), ("crm.import",))),
    ("/crm/v3/exports", (("crm.export",), ("crm.export",))),
    ("/crm/v3/timeline", (("timeline",), ("timeline",))),
    # legacy CRM APIs (HubSpot's legacy reference: lists need crm.lists.*, engagements and
    # the v1 associations the contacts scopes)
    ("/contacts/v1/lists", _LISTS),
    ("/contacts/v1", _CONTACTS),
    ("/companies/v2", (("crm.objects.companies.read",), ("crm.objects.companies.write",))),
    ("/deals/v1", (("crm.objects.deals.read",), ("crm.objects.deals.write",))),
    ("/engagements/v1", _CONTACTS),
    ("/crm-associations/v1", _CONTACTS),
    ("/owners/v2", (("crm.objects.owners.read",), ())),
    # marketing
    ("/email/public/v1", _CONTENT),
    ("/marketing/v3/emails", _CONTENT),
    ("/marketing-emails/v1", _CONTENT),
    ("/forms/v2", _FORMS),
    ("/marketing/v3/forms", _FORMS),
    ("/form-integrations/v1", _FORMS),
    ("/marketing/v3/campaigns", (("marketing.campaigns.read",), ("marketing.campaigns.write",))),
    (
        "/marketing/v3/marketing-events",
        (("crm.objects.marketing_events.read",), ("crm.objects.marketing_events.write",)),
    ),
    ("/marketing/v3/transactional", (("transactional-email",), ("transactional-email",))),
    ("/marketing/v4/email/single-send", (("marketing-email",), ("marketing-email",))),
    (
        "/communication-preferences/v3",
        (("communication_preferences.read",), ("communication_preferences.write",)),
    ),
    # automation
    ("/automation/v2", _AUTOMATION),
    ("/automation/v3", _AUTOMATION),
    ("/automation/v4/flows", _AUTOMATION),
    (
        "/automation/v4/sequences",
        (("automation.sequences.read",), ("automation.sequences.enrollments.write",)),
    ),
    # CMS and files
    ("/cms/v3/hubdb", (("hubdb",), ("hubdb",))),
    ("/hubdb/api/v2", (("hubdb",), ("hubdb",))),
    ("/cms/v3", _CONTENT),
    ("/content/api/v2", _CONTENT),
    ("/blogs/v3", _CONTENT),
    ("/files/v3", _FILES),
    ("/filemanager/api/v3", _FILES),
    # conversations, events, settings, account
    ("/conversations/v3", (("conversations.read",), ("conversations.write",))),
    ("/events/v3/events", _OAUTH),
    (
        "/events/v3/send",
        (("analytics.behavioral_events.send",), ("analytics.behavioral_events.send",)),
    ),
    ("/settings/v3/users/teams", (("settings.users.teams.read",), ("settings.users.teams.write",))),
    ("/settings/v3/users", (("settings.users.read",), ("settings.users.write",))),
    ("/business-units/v3", (("business-units-view.read",), ())),
    ("/account-info/v3", _OAUTH),
    ("/account-info/{version}", _OAUTH),
    ("/integrations/v1", _OAUTH),
    ("/oauth/v1/access-tokens", _OAUTH),
)


@dataclass(frozen=True)
class Requirement:
    """What HubSpot requires of a request to one of its paths."""

    family: str
    scopes: Scopes
    #: The path names, where an object type belongs, a name HubSpot has no type for.
    unknown_object_type: str | None = None


def requirement(method: str, path: str) -> Requirement | None:
    """What HubSpot requires for ``method path``; ``None`` for a request HubSpot does not
    answer at all (a path outside its API, or a method it has no operation for)."""
    segments = _segments(path)
    reads = _reads(method.upper(), segments)
    for template, scopes_of in OBJECT_TYPE_FAMILIES:
        named = _object_type_named(_segments(template), segments)
        if named is None:
            continue
        object_type = hubspot_object_type(named)
        if object_type is None:
            return Requirement(template, (), unknown_object_type=named)
        scopes = scopes_of(object_type, reads)
        return Requirement(template, scopes) if scopes else None
    for template, (read, write) in _FAMILIES_MOST_SPECIFIC_FIRST:
        if _matches(_segments(template), segments):
            scopes = read if reads else write
            return Requirement(template, scopes) if scopes else None
    return None


def check_hubspot_path(request: Request, token: TokenRecord) -> None:
    """Refuses, as HubSpot does, a request to one of its paths that ``token`` may not make:
    400 for an object type HubSpot does not have, 403 ``MISSING_SCOPES`` for a token
    without any of the path's scopes. Any other request passes."""
    found = requirement(request.method, request.url.path)
    if found is None:
        return
    if found.unknown_object_type is not None:
        raise UnknownObjectType(found.unknown_object_type)
    require_scopes(token, found.scopes)


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


def _reads(method: str, segments: list[str]) -> bool:
    if method in _READ_METHODS:
        return True
    return method == "POST" and (segments[-1:] == ["search"] or segments[-2:] == ["batch", "read"])


def _matches(template: list[str], segments: list[str]) -> bool:
    if len(segments) < len(template):
        return False
    return all(
        _VERSION.match(segment) if part == VERSION else part in (OBJECT_TYPE, segment)
        for part, segment in zip(template, segments, strict=False)
    )


def _object_type_named(template: list[str], segments: list[str]) -> str | None:
    """The segment in the ``{objectType}`` place, if the path is of this family."""
    if not _matches(template, segments):
        return None
    return segments[template.index(OBJECT_TYPE)]


_FAMILIES_MOST_SPECIFIC_FIRST = sorted(FAMILIES, key=lambda family: -len(_segments(family[0])))
