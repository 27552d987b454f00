"""HubSpot's public API, as path families and the scopes HubSpot requires for each.

A family is a path prefix: it covers every path that starts with its segments. ``{version}``
stands for one version segment (``v3``, ``2026-03``, ``2026-09-beta``) and ``{objectType}``
for a CRM object type, whose scopes come from :mod:`spoke.domain.hubspot_object_types`
(its record scopes, or its definition scopes on the properties and pipelines paths).

A request reads when its method is ``GET`` (or ``HEAD``), or when it is a ``POST`` that
HubSpot answers as a read (``.../search``, ``.../batch/read``, the legacy
``.../batch-read``); every other request
writes. Any one scope of the tuple is enough, as HubSpot's 403 says ("One or more of the
following scopes are required"), and the tuple is what it lists as
``requiredGranularScopes``. An empty tuple means HubSpot has no such request (its
feedback submissions are read-only).

Sources (facts only; docs/decisions.md, "HubSpot's scopes"): the ``security`` of HubSpot's
OpenAPI documents (HubSpot/HubSpot-public-api-spec-collection and the documents in
/work/shared/reference), HubSpot's reference pages for the legacy v1/v2 APIs, and the paths
the connectors of issue 11 and HubSpot's SDKs call. HubSpot's APIs that take a developer
API key instead of an access token (webhooks, custom workflow action definitions, CRM card,
calling and video-conferencing settings, timeline event templates) are left out: no access
token is ever accepted there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request

from spoke.domain.hubspot_object_types import (
    CUSTOM_OBJECTS,
    FORMS_SCOPES,
    HUBSPOT_OBJECT_TYPES,
    HubSpotObjectType,
    Scopes,
    hubspot_object_type,
)
from spoke.domain.owners import OWNER_READ_SCOPES
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


@dataclass(frozen=True)
class Family:
    """Paths starting with ``template``: ``read`` and ``write`` are the scopes HubSpot
    requires, or, where the template names an object type, ``of_object_type`` gives them."""

    template: str
    read: Scopes = ()
    write: Scopes = ()
    of_object_type: ScopesOf | None = None
    object_type: str | None = None
    """The object type a template without ``{objectType}`` belongs to."""


def _of_type(template: str, scopes_of: ScopesOf, object_type: str | None = None) -> Family:
    return Family(template, of_object_type=scopes_of, object_type=object_type)


def _both(template: str, scopes: Scopes) -> Family:
    return Family(template, scopes, scopes)


#: Any object type's record scopes: HubSpot lists every one of them for the association
#: definitions and usage reports, which span types.
_ANY_RECORDS: Scopes = tuple(
    dict.fromkeys(s for t in HUBSPOT_OBJECT_TYPES for s in (*t.read, *t.write))
)

_CONTACTS = ("crm.objects.contacts.read",), ("crm.objects.contacts.write",)
_LISTS = ("crm.lists.read",), ("crm.lists.write",)
_CUSTOM_SCHEMAS = CUSTOM_OBJECTS.definitions_read, CUSTOM_OBJECTS.definitions_write
_OWNERS = OWNER_READ_SCOPES, ()

#: Every family Spoke knows of HubSpot's API.
FAMILIES: tuple[Family, ...] = (
    # CRM records and definitions, by object type (OpenAPI documents)
    _of_type("/crm/v3/objects/{objectType}", _records),
    _of_type("/crm/objects/{version}/{objectType}", _records),
    _of_type("/crm/v4/objects/{objectType}", _records),
    _of_type("/crm/v3/associations/{objectType}", _records),
    _of_type("/crm/v4/associations/{objectType}", _records),
    _of_type("/crm/associations/{version}/{objectType}", _records),
    _of_type("/crm/v3/properties/{objectType}", _definitions),
    _of_type("/crm/properties/{version}/{objectType}", _definitions),
    _of_type("/crm/v3/pipelines/{objectType}", _definitions),
    _of_type("/crm/pipelines/{version}/{objectType}", _definitions),
    # association definitions and usage, across types
    _both("/crm/v4/associations/definitions", _ANY_RECORDS),
    _both("/crm/associations/{version}/definitions", _ANY_RECORDS),
    _both("/crm/v4/associations/usage", _ANY_RECORDS),
    _both("/crm/associations/{version}/usage", _ANY_RECORDS),
    # CRM beyond the object types
    Family("/crm/v3/owners", *_OWNERS),
    Family("/crm/owners/{version}", *_OWNERS),
    Family("/crm/v3/schemas", *_CUSTOM_SCHEMAS),
    Family("/crm-object-schemas/v3/schemas", *_CUSTOM_SCHEMAS),
    Family("/crm/v3/lists", *_LISTS),
    Family("/crm/lists/{version}", *_LISTS),
    _both("/crm/v3/imports", ("crm.import",)),
    _both("/crm/v3/exports", ("crm.export",)),
    _both("/crm/v3/timeline", ("timeline",)),
    _both("/integrators/timeline/v3/events", ("timeline",)),
    # legacy CRM APIs (HubSpot's legacy reference pages: lists need crm.lists.*, engagements
    # and the v1 associations the contacts scopes)
    _of_type("/properties/{version}/{objectType}", _definitions),
    _of_type("/crm-pipelines/v1/pipelines/{objectType}", _definitions),
    _of_type("/crm-objects/v1/objects/{objectType}", _records),
    # the definitions of one type on its own legacy API's paths
    _of_type("/companies/v2/properties", _definitions, "companies"),
    _of_type("/deals/v1/pipelines", _definitions, "deals"),
    # forms' properties, which Airbyte's forms stream reads (with the forms scope)
    _both("/properties/{version}/form", FORMS_SCOPES),
    Family("/contacts/v1/lists", *_LISTS),
    Family("/contacts/v1", *_CONTACTS),
    Family("/companies/v2", ("crm.objects.companies.read",), ("crm.objects.companies.write",)),
    Family("/deals/v1", ("crm.objects.deals.read",), ("crm.objects.deals.write",)),
    Family("/engagements/v1", *_CONTACTS),
    Family("/crm-associations/v1", *_CONTACTS),
    Family("/owners/v2", *_OWNERS),
    _both("/extensions/ecomm/v2", ("e-commerce",)),
    # marketing
    _both("/email/public/v1", ("content",)),
    _both("/marketing/v3/emails", ("content",)),
    _both("/marketing-emails/v1", ("content",)),
    _both("/forms/v2", ("forms",)),
    _both("/marketing/v3/forms", ("forms",)),
    _both("/form-integrations/v1", ("forms",)),
    Family(
        "/marketing/v3/campaigns", ("marketing.campaigns.read",), ("marketing.campaigns.write",)
    ),
    Family(
        "/marketing/v3/marketing-events",
        ("crm.objects.marketing_events.read",),
        ("crm.objects.marketing_events.write",),
    ),
    _both("/marketing/v3/transactional", ("transactional-email",)),
    _both("/marketing/v4/email/single-send", ("marketing-email",)),
    Family(
        "/communication-preferences/v3",
        ("communication_preferences.read",),
        ("communication_preferences.write",),
    ),
    _both("/broadcast/v1", ("social",)),
    # automation
    _both("/automation/v2", ("automation",)),
    _both("/automation/v3", ("automation",)),
    _both("/automation/v4/flows", ("automation",)),
    _both("/automation/v4/actions/callbacks", ("automation",)),
    Family(
        "/automation/v4/sequences",
        ("automation.sequences.read",),
        ("automation.sequences.enrollments.write",),
    ),
    # CMS, files, media
    _both("/cms/v3/hubdb", ("hubdb",)),
    _both("/hubdb/api/v2", ("hubdb",)),
    _both("/cms/v3", ("content",)),
    _both("/content/api/v2", ("content",)),
    _both("/blogs/v3", ("content",)),
    _both("/files/v3", ("files",)),
    _both("/filemanager/api/v3", ("files",)),
    Family("/media-bridge/v1", ("media_bridge.read",), ("media_bridge.write",)),
    # conversations, events, settings, account
    Family("/conversations/v3", ("conversations.read",), ("conversations.write",)),
    Family(
        "/visitor-identification/v3/tokens",
        (),
        ("conversations.visitor_identification.tokens.create",),
    ),
    _both("/events/v3/events", ("oauth",)),
    _both("/events/v3/send", ("analytics.behavioral_events.send",)),
    Family(
        "/settings/v3/users/teams", ("settings.users.teams.read",), ("settings.users.teams.write",)
    ),
    Family("/settings/v3/users", ("settings.users.read",), ("settings.users.write",)),
    Family("/business-units/v3", ("business-units-view.read",), ()),
    _both("/account-info/v3", ("oauth",)),
    _both("/account-info/{version}", ("oauth",)),
    _both("/integrations/v1", ("oauth",)),
    _both("/oauth/v1/access-tokens", ("oauth",)),
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
    family = next(
        (f for f in _MOST_SPECIFIC_FIRST if _matches(_segments(f.template), segments)), None
    )
    if family is None:
        return None
    reads = _reads(method.upper(), segments)
    scopes = family.read if reads else family.write
    if family.of_object_type is not None:
        named = family.object_type or segments[_segments(family.template).index(OBJECT_TYPE)]
        object_type = hubspot_object_type(named)
        if object_type is None:
            return Requirement(family.template, (), unknown_object_type=named)
        scopes = family.of_object_type(object_type, reads)
    return Requirement(family.template, scopes) if scopes else None


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
    return method == "POST" and (
        segments[-1:] in (["search"], ["batch-read"]) or segments[-2:] == ["batch", "read"]
    )


def _matches(template: list[str], segments: list[str]) -> bool:
    if len(segments) < len(template):
        return False
    return all(
        _VERSION.match(segment) if part == VERSION else part in (OBJECT_TYPE, segment)
        for part, segment in zip(template, segments, strict=False)
    )


def _specificity(family: Family) -> tuple[int, int]:
    """Longer templates first; of two as long, the one with more literal segments."""
    parts = _segments(family.template)
    return (-len(parts), -sum(part not in (OBJECT_TYPE, VERSION) for part in parts))


_MOST_SPECIFIC_FIRST = sorted(FAMILIES, key=_specificity)
