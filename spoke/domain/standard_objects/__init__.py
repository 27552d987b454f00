"""HubSpot's standard object types, one module per type (or family), each exporting one
:class:`~spoke.domain.object_types.ObjectType`."""

from __future__ import annotations

from spoke.domain.object_types import ObjectType
from spoke.domain.standard_objects.tickets import TICKETS

#: Every standard object type Spoke serves.
STANDARD_OBJECT_TYPES: tuple[ObjectType, ...] = (TICKETS,)

__all__ = ["STANDARD_OBJECT_TYPES", "TICKETS"]
