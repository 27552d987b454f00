"""HubSpot's HUBSPOT_DEFINED association types between the standard object types.

Sources (docs/behaviour.md, "Standard object types"):

- Type ids and directions: HubSpot's "Associations v4" guide, section "Association type
  ID values" (developers.hubspot.com/docs/api/crm/associations), e.g. "279 Contact to
  company", "1 Contact to company (Primary)", "16 Ticket to contact".
- Labels: ``null`` for the unlabeled types (the guide says the unlabeled type is always
  returned with a label value of null); "Primary" for the primary company types, as
  HubSpot's labels endpoint answers; "Parent Company" for 14 and "Child Company" for 13,
  as integrations report HubSpot's company-to-company labels.
- v3 names: a captured ``GET /crm/v3/objects/contacts/{id}?associations=companies`` answer
  lists the same company as ``contact_to_company`` (primary, 1) and
  ``contact_to_company_unlabeled`` (279); HubSpot's calls guide names ``call_to_contact``;
  company-to-company responses use ``company_to_company``, ``child_to_parent_company``
  and ``parent_to_child_company``; meetings are ``meeting_event`` in these names
  (``meeting_event_to_contact``, as integrations send and read it). The other names
  follow the same pattern.
- One primary company, one parent: the guide says a record with several associated
  companies has only one primary, and HubSpot gives a company one parent company, so
  the "Primary" types towards a company and child-to-parent (14) are ``one_per_record``.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTACT, COMPANY, DEAL, TICKET = "0-1", "0-2", "0-3", "0-5"
CALL, EMAIL, MEETING, NOTE, TASK = "0-48", "0-49", "0-47", "0-46", "0-27"

PRIMARY = "Primary"


@dataclass(frozen=True)
class AssociationType:
    """One HUBSPOT_DEFINED association type, in one direction."""

    from_type_id: str
    to_type_id: str
    type_id: int
    """The v4 ``associationTypeId`` (``typeId`` in responses)."""
    label: str | None
    """The v4 label: ``None`` (JSON ``null``) for the unlabeled type."""
    name: str
    """The v3 association type name, e.g. ``contact_to_company``."""
    inverse_type_id: int
    """The type of the same association seen from the other side."""
    category: str = "HUBSPOT_DEFINED"
    one_per_record: bool = False
    """A record has at most one association of this type (its primary company)."""


_SINGULAR = {
    CONTACT: "contact",
    COMPANY: "company",
    DEAL: "deal",
    TICKET: "ticket",
    CALL: "call",
    EMAIL: "email",
    MEETING: "meeting_event",
    NOTE: "note",
    TASK: "task",
}


def _both_ways(
    a: str, b: str, a_to_b: int, b_to_a: int, *, suffix: str = ""
) -> tuple[AssociationType, AssociationType]:
    """The unlabeled association between ``a`` and ``b`` in both directions."""
    forward = f"{_SINGULAR[a]}_to_{_SINGULAR[b]}{suffix}"
    backward = f"{_SINGULAR[b]}_to_{_SINGULAR[a]}{suffix}"
    return (
        AssociationType(a, b, a_to_b, None, forward, b_to_a),
        AssociationType(b, a, b_to_a, None, backward, a_to_b),
    )


def _same_type(a: str, type_id: int) -> AssociationType:
    """The unlabeled association of ``a`` records with each other (its own inverse)."""
    return AssociationType(a, a, type_id, None, f"{_SINGULAR[a]}_to_{_SINGULAR[a]}", type_id)


def _primary(a: str, b: str, a_to_b: int, b_to_a: int) -> tuple[AssociationType, AssociationType]:
    """The "Primary" company association between ``a`` and a company, both directions: its
    v3 name is the plain ``<a>_to_company`` (the unlabeled one takes ``_unlabeled``). A
    record of ``a`` has one primary company."""
    forward = f"{_SINGULAR[a]}_to_{_SINGULAR[b]}"
    return (
        AssociationType(a, b, a_to_b, PRIMARY, forward, b_to_a, one_per_record=True),
        AssociationType(b, a, b_to_a, PRIMARY, f"{_SINGULAR[b]}_to_{_SINGULAR[a]}", a_to_b),
    )


ASSOCIATION_TYPES: tuple[AssociationType, ...] = (
    # Records with records of their own type
    _same_type(CONTACT, 449),
    _same_type(COMPANY, 450),
    _same_type(DEAL, 451),
    _same_type(TICKET, 452),
    AssociationType(COMPANY, COMPANY, 13, "Child Company", "parent_to_child_company", 14),
    # a company has one parent company (14: from the child to its parent)
    AssociationType(
        COMPANY, COMPANY, 14, "Parent Company", "child_to_parent_company", 13, one_per_record=True
    ),
    # Contacts, companies, deals and tickets with each other
    *_both_ways(CONTACT, COMPANY, 279, 280, suffix="_unlabeled"),
    *_primary(CONTACT, COMPANY, 1, 2),
    *_both_ways(CONTACT, DEAL, 4, 3),
    *_both_ways(CONTACT, TICKET, 15, 16),
    *_both_ways(DEAL, COMPANY, 341, 342, suffix="_unlabeled"),
    *_primary(DEAL, COMPANY, 5, 6),
    *_both_ways(TICKET, COMPANY, 339, 340, suffix="_unlabeled"),
    *_primary(TICKET, COMPANY, 26, 25),
    *_both_ways(DEAL, TICKET, 27, 28),
    # Engagements with contacts, companies, deals and tickets
    *_both_ways(CONTACT, CALL, 193, 194),
    *_both_ways(CONTACT, EMAIL, 197, 198),
    *_both_ways(CONTACT, MEETING, 199, 200),
    *_both_ways(CONTACT, NOTE, 201, 202),
    *_both_ways(CONTACT, TASK, 203, 204),
    *_both_ways(COMPANY, CALL, 181, 182),
    *_both_ways(COMPANY, EMAIL, 185, 186),
    *_both_ways(COMPANY, MEETING, 187, 188),
    *_both_ways(COMPANY, NOTE, 189, 190),
    *_both_ways(COMPANY, TASK, 191, 192),
    *_both_ways(DEAL, CALL, 205, 206),
    *_both_ways(DEAL, EMAIL, 209, 210),
    *_both_ways(DEAL, MEETING, 211, 212),
    *_both_ways(DEAL, NOTE, 213, 214),
    *_both_ways(DEAL, TASK, 215, 216),
    *_both_ways(TICKET, CALL, 219, 220),
    *_both_ways(TICKET, EMAIL, 223, 224),
    *_both_ways(TICKET, MEETING, 225, 226),
    *_both_ways(TICKET, NOTE, 227, 228),
    *_both_ways(TICKET, TASK, 229, 230),
)
"""Every HUBSPOT_DEFINED association type between the nine standard object types."""


def association_types(from_type_id: str, to_type_id: str) -> tuple[AssociationType, ...]:
    """The HUBSPOT_DEFINED types from one object type to another, by type id (none for
    pairs HubSpot does not associate, such as calls and emails)."""
    return tuple(
        t for t in ASSOCIATION_TYPES if (t.from_type_id, t.to_type_id) == (from_type_id, to_type_id)
    )
