"""HubSpot's standard CRM object types, as Spoke defines them: one ``ObjectType`` each
(``spoke.domain.object_types``), and the association types between them
(``spoke.domain.standard_objects.associations``)."""

from __future__ import annotations

from spoke.domain.object_types import ObjectType
from spoke.domain.standard_objects.commerce import LINE_ITEMS, PRODUCTS, QUOTES
from spoke.domain.standard_objects.companies import COMPANIES
from spoke.domain.standard_objects.contacts import CONTACTS
from spoke.domain.standard_objects.deals import DEALS
from spoke.domain.standard_objects.engagements import (
    CALLS,
    COMMUNICATIONS,
    EMAILS,
    MEETINGS,
    NOTES,
    POSTAL_MAILS,
    TASKS,
)
from spoke.domain.standard_objects.sales import (
    DEAL_SPLITS,
    FEEDBACK_SUBMISSIONS,
    GOAL_TARGETS,
    LEADS,
)
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
    COMMUNICATIONS,
    POSTAL_MAILS,
    PRODUCTS,
    LINE_ITEMS,
    QUOTES,
    LEADS,
    GOAL_TARGETS,
    FEEDBACK_SUBMISSIONS,
    DEAL_SPLITS,
)

#: The types Spoke served first, with associations between them and demo data. Tests
#: that run once per type over HTTP take these and one type of each newer module, to
#: keep the suite's time (docs/decisions.md, "Object types").
CORE_OBJECT_TYPES: tuple[ObjectType, ...] = STANDARD_OBJECT_TYPES[:9]

__all__ = [
    "CALLS",
    "COMMUNICATIONS",
    "COMPANIES",
    "CONTACTS",
    "CORE_OBJECT_TYPES",
    "DEALS",
    "DEAL_SPLITS",
    "EMAILS",
    "FEEDBACK_SUBMISSIONS",
    "GOAL_TARGETS",
    "LEADS",
    "LINE_ITEMS",
    "MEETINGS",
    "NOTES",
    "POSTAL_MAILS",
    "PRODUCTS",
    "QUOTES",
    "STANDARD_OBJECT_TYPES",
    "TASKS",
    "TICKETS",
]
