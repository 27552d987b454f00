"""CRM object types: which ones a path may name, and the one Spoke serves (tickets).

HubSpot's object paths take an object type by name (``tickets``) or by type id (``0-5``).
Spoke serves tickets under both. Any other type HubSpot has (a standard name such as
``contacts``, from :mod:`spoke.domain.hubspot_object_types`, any type id such as ``0-1``,
or a custom object's ``2-123``) is not served: 404 (the API layer answers HubSpot's 403
first to a token without the type's scopes). A name HubSpot has no object type for is
refused as HubSpot refuses it: 400 ``Unable to infer object type from: <name>``.
"""

from __future__ import annotations

import re

from spoke.domain.hubspot_object_types import hubspot_object_type
from spoke.domain.ticket_properties import OBJECT_TYPE_ID
from spoke.errors import ObjectTypeNotServed, UnknownObjectType

TICKETS_NAME = "tickets"

#: The object type names a path may use for tickets.
TICKET_OBJECT_TYPES = (TICKETS_NAME, OBJECT_TYPE_ID)

#: An object type id: ``0-<n>`` for HubSpot's own types, ``2-<n>`` for custom objects.
_TYPE_ID = re.compile(r"^[0-9]+-[0-9]+$")


def require_tickets(object_type: str) -> None:
    """Nothing if ``object_type`` names tickets; otherwise a 404 for a type Spoke does not
    serve, or HubSpot's 400 for a type HubSpot does not have."""
    if object_type in TICKET_OBJECT_TYPES:
        return
    if hubspot_object_type(object_type) is not None or _TYPE_ID.match(object_type):
        raise ObjectTypeNotServed(object_type, f"{TICKETS_NAME} (object type {OBJECT_TYPE_ID})")
    raise UnknownObjectType(object_type)
