"""HubSpot's standard CRM object types, as Spoke defines them: one ``ObjectType`` each
(``spoke.domain.object_types``), and the association types between them
(``spoke.domain.standard_objects.associations``)."""

from __future__ import annotations

from spoke.domain.object_types import ObjectType
from spoke.domain.standard_objects.companies import COMPANIES
from spoke.domain.standard_objects.contacts import CONTACTS
from spoke.domain.standard_objects.deals import DEALS
from spoke.domain.standard_objects.engagements import CALLS, EMAILS, MEETINGS, NOTES, TASKS
from spoke.domain.standard_objects.tickets import TICKETS

#: Every standard object type Spoke serves.
STANDARD_OBJECT_TYPES: tuple[ObjectType, ...] = (
    CONTACTS,
    COMPANIES,
    DEALS,
    TICKETS,
    CALLS,
    EMAILS,
    MEETINGS,
    NOTES,
    TASKS,
)

__all__ = [
    "CALLS",
    "COMPANIES",
    "CONTACTS",
    "DEALS",
    "EMAILS",
    "MEETINGS",
    "NOTES",
    "STANDARD_OBJECT_TYPES",
    "TASKS",
    "TICKETS",
]
