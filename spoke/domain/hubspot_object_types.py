"""HubSpot's CRM object types: the name and type id a path may use for each, and the
scopes HubSpot requires to read and write its records and its definitions (properties,
pipelines).

Facts taken from HubSpot's own documents (docs/decisions.md, "HubSpot's scopes"):

- object scopes: the ``security`` of each type's v3 object API in HubSpot's OpenAPI
  documents. Read from the documents of contacts, tickets, line items, products, quotes,
  taxes, discounts, calls, tasks, communications, postal mail and feedback submissions.
  The activities (calls, tasks, communications, postal mail) take the contacts scopes,
  taxes and discounts the line-item scopes; emails, meetings and notes are taken to follow
  the other activities, and fees the other commerce adjustments. The other types take
  ``crm.objects.<name>.read/write``, names as HubSpot's generic objects document lists
  them;
- definition scopes: the scopes HubSpot's properties and pipelines documents list
  (``crm.schemas.<name>.read/write``, ``e-commerce`` for products and line items);
- type ids: HubSpot's object type id table (``0-5`` for tickets, ``2-<n>`` for custom
  objects).

This is data about HubSpot; which types Spoke serves is decided elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Scopes = tuple[str, ...]


@dataclass(frozen=True)
class HubSpotObjectType:
    """One of HubSpot's CRM object types and the scopes each kind of request needs (any
    one scope of a tuple is enough, as HubSpot's "One or more of the following scopes")."""

    name: str
    type_id: str | None
    read: Scopes
    write: Scopes
    definitions_read: Scopes
    definitions_write: Scopes


def _granular(name: str, type_id: str | None, scope_name: str | None = None) -> HubSpotObjectType:
    """A type with HubSpot's usual ``crm.objects.<x>`` and ``crm.schemas.<x>`` scopes."""
    x = scope_name or name
    return HubSpotObjectType(
        name,
        type_id,
        (f"crm.objects.{x}.read",),
        (f"crm.objects.{x}.write",),
        (f"crm.schemas.{x}.read", f"crm.objects.{x}.read"),
        (f"crm.schemas.{x}.write",),
    )


def _sensitive(name: str, type_id: str) -> HubSpotObjectType:
    """A type whose records also take HubSpot's sensitive-data scopes (contacts, companies,
    deals: their OpenAPI documents, and a captured 403 of a deals read, list them)."""
    read = (
        f"crm.objects.{name}.read",
        f"crm.objects.{name}.sensitive.read.v2",
        f"crm.objects.{name}.highly_sensitive.read.v2",
    )
    return HubSpotObjectType(
        name,
        type_id,
        read,
        (
            f"crm.objects.{name}.write",
            f"crm.objects.{name}.sensitive.write.v2",
            f"crm.objects.{name}.highly_sensitive.write.v2",
        ),
        (f"crm.schemas.{name}.read", *read),
        (f"crm.schemas.{name}.write",),
    )


def _activity(
    name: str, type_id: str, schema_name: str | None = None, *more_read: str
) -> HubSpotObjectType:
    """An activity (engagement): records take the contacts scopes (the engagement OpenAPI
    documents), or the type's own read scope where it has one (the generic objects
    document names ``crm.objects.<type>.read``)."""
    own_read = (f"crm.objects.{schema_name}.read",) if schema_name else ()
    schemas_read = (f"crm.schemas.{schema_name}.read",) if schema_name else ()
    read = ("crm.objects.contacts.read", *own_read, *more_read)
    return HubSpotObjectType(
        name,
        type_id,
        read,
        ("crm.objects.contacts.write",),
        (*schemas_read, *read, "crm.schemas.contacts.read"),
        ("crm.schemas.contacts.write",),
    )


def _commerce(name: str, type_id: str) -> HubSpotObjectType:
    """Products' companions on quotes: records take the line-item scopes."""
    return HubSpotObjectType(
        name,
        type_id,
        ("crm.objects.line_items.read",),
        ("crm.objects.line_items.write",),
        ("e-commerce", "crm.objects.line_items.read"),
        ("e-commerce",),
    )


#: Every standard object type HubSpot's object APIs take, by name.
HUBSPOT_OBJECT_TYPES: tuple[HubSpotObjectType, ...] = (
    _sensitive("contacts", "0-1"),
    _sensitive("companies", "0-2"),
    _sensitive("deals", "0-3"),
    HubSpotObjectType(
        "tickets",
        "0-5",
        ("tickets",),
        ("tickets",),
        ("tickets", "crm.schemas.tickets.read"),
        ("tickets", "crm.schemas.tickets.write"),
    ),
    HubSpotObjectType(
        "products",
        "0-7",
        ("crm.objects.products.read",),
        ("crm.objects.products.write",),
        ("e-commerce", "crm.objects.products.read"),
        ("e-commerce",),
    ),
    HubSpotObjectType(
        "line_items",
        "0-8",
        ("crm.objects.line_items.read",),
        ("crm.objects.line_items.write",),
        ("crm.schemas.line_items.read", "e-commerce", "crm.objects.line_items.read"),
        ("e-commerce",),
    ),
    _granular("quotes", "0-14"),
    _activity("communications", "0-18"),
    HubSpotObjectType(
        "feedback_submissions",
        "0-19",
        ("crm.objects.contacts.read", "crm.objects.feedback_submissions.read"),
        (),  # HubSpot's API only reads them
        ("crm.objects.feedback_submissions.read",),
        (),
    ),
    _activity("tasks", "0-27", "tasks"),
    _activity("notes", "0-46", "notes"),
    _activity("meetings", "0-47", "meetings"),
    _activity("calls", "0-48", "calls"),
    # Reading an email's content also takes sales-email-read (HubSpot's engagement guides).
    _activity("emails", "0-49", "emails", "sales-email-read"),
    _granular("invoices", "0-53"),
    _granular("marketing_events", "0-54"),
    _granular("subscriptions", "0-69"),
    _granular("goal_targets", "0-74", "goals"),
    _commerce("discounts", "0-84"),
    _commerce("fees", "0-85"),
    _commerce("taxes", "0-86"),
    _granular("commerce_payments", "0-101", "commercepayments"),
    _granular("users", "0-115"),
    _activity("postal_mail", "0-116"),
    _granular("orders", "0-123"),
    _granular("leads", "0-136"),
    _granular("carts", "0-142"),
    _granular("services", "0-162"),
    _granular("courses", "0-410"),
    _granular("listings", "0-420"),
    _granular("appointments", "0-421"),
    _granular("projects", "0-970"),
    # Deal splits: HubSpot's own scope name is not in the documents read; this one is how
    # third-party code records it. Their type id is not known here.
    HubSpotObjectType(
        "deal_split",
        None,
        ("crm.dealsplits.read_write",),
        ("crm.dealsplits.read_write",),
        ("crm.dealsplits.read_write",),
        ("crm.dealsplits.read_write",),
    ),
)

#: The scope of HubSpot's forms (marketing forms and their property definitions).
FORMS_SCOPES: Scopes = ("forms",)

#: Custom objects: type ids ``2-<n>``, or fully qualified names ``p<portal>_<name>``.
CUSTOM_OBJECTS = _granular("custom objects", "2-<n>", "custom")

#: The singular names HubSpot's paths also take (``ticket``), where not the plural's.
_SINGULAR_NAMES = {
    "companies": "company",
    "taxes": "tax",
    "postal_mail": "postal_mail",
    "deal_split": "deal_split",
}


def singular_name(plural: str) -> str:
    """The singular name of a HubSpot object type, from its plural name."""
    return _SINGULAR_NAMES.get(plural, plural.removesuffix("s"))


_BY_NAME = (
    {t.name: t for t in HUBSPOT_OBJECT_TYPES}
    | {singular_name(t.name): t for t in HUBSPOT_OBJECT_TYPES}
    | {t.type_id: t for t in HUBSPOT_OBJECT_TYPES if t.type_id is not None}
)
_CUSTOM = re.compile(r"^(2-[0-9]+|p[0-9]+_[a-z0-9_]+)$")


def hubspot_object_type(name: str) -> HubSpotObjectType | None:
    """The HubSpot object type a path names (by plural or singular name, type id, or as
    a custom object),
    or ``None`` if HubSpot has no object type by that name."""
    found = _BY_NAME.get(name)
    if found is None and _CUSTOM.match(name):
        return CUSTOM_OBJECTS
    return found
