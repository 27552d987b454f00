"""What the standard object types' modules build their data with: one way of writing a
HubSpot-defined property, its options, its groups and an object type's scopes."""

from __future__ import annotations

from spoke.domain.hubspot_object_types import hubspot_object_type
from spoke.domain.object_types import ObjectScopes
from spoke.domain.pipelines import BUILT_IN_AT
from spoke.domain.properties import Option, PropertyDefinition, PropertyGroup, PropertyType

STRING = PropertyType.STRING
NUMBER = PropertyType.NUMBER
BOOL = PropertyType.BOOL
DATETIME = PropertyType.DATETIME
ENUMERATION = PropertyType.ENUMERATION


def options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    """Options from ``(value, label)`` pairs, displayed in the order given."""
    return tuple(Option(label, value, order) for order, (value, label) in enumerate(pairs))


def groups(*triples: tuple[str, str, int]) -> tuple[PropertyGroup, ...]:
    """Property groups from ``(name, label, display order)`` triples."""
    return tuple(PropertyGroup(name, label, order) for name, label, order in triples)


#: The options HubSpot gives every ``bool`` property.
BOOL_OPTIONS = options(("true", "True"), ("false", "False"))


def hubspot_property(
    name: str,
    label: str,
    type_: PropertyType,
    field_type: str,
    group: str,
    *,
    options: tuple[Option, ...] = (),
    read_only: bool = False,
    external_options: bool = False,
    description: str = "",
) -> PropertyDefinition:
    """A HubSpot-defined property: its definition can't be changed or archived, and a
    ``read_only`` one takes no value from a client (HubSpot sets it). A ``bool`` one has
    HubSpot's True/False options."""
    if type_ is BOOL and not options:
        options = BOOL_OPTIONS
    return PropertyDefinition(
        name=name,
        label=label,
        type=type_,
        field_type=field_type,
        group_name=group,
        description=description,
        options=options,
        hubspot_defined=True,
        read_only_value=read_only,
        read_only_definition=True,
        archivable=False,
        external_options=external_options,
        form_field=not read_only,
        created_at=BUILT_IN_AT,
        updated_at=BUILT_IN_AT,
    )


def hubspot_scopes(name: str) -> ObjectScopes:
    """The scopes HubSpot requires for object type ``name``, from the one table of them
    (spoke/domain/hubspot_object_types.py)."""
    found = hubspot_object_type(name)
    assert found is not None, name
    return ObjectScopes(
        read=found.read,
        write=found.write,
        schema_read=found.definitions_read,
        schema_write=found.definitions_write,
    )


#: HubSpot's description of ``hs_object_id``, which every type has.
RECORD_ID_DESCRIPTION = (
    "The unique ID for this record. This value is automatically set by HubSpot and may not "
    "be modified."
)


def system_properties(group: str, *, createdate: bool = False) -> tuple[PropertyDefinition, ...]:
    """The create date, last-modified date and record id every type has, in ``group``.
    The create date is ``hs_createdate`` (read-only), or with ``createdate`` the
    ``createdate`` that a create may set (as deals and tickets have it)."""
    created = (
        hubspot_property("createdate", "Create Date", DATETIME, "date", group)
        if createdate
        else hubspot_property(
            "hs_createdate", "Object create date/time", DATETIME, "date", group, read_only=True
        )
    )
    return (
        created,
        hubspot_property(
            "hs_lastmodifieddate",
            "Object last modified date/time",
            DATETIME,
            "date",
            group,
            read_only=True,
        ),
        hubspot_property(
            "hs_object_id",
            "Record ID",
            NUMBER,
            "number",
            group,
            read_only=True,
            description=RECORD_ID_DESCRIPTION,
        ),
    )
