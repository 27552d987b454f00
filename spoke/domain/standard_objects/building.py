"""What the standard object types' modules build their data with: one way of writing a
HubSpot-defined property, its options, its groups and an object type's scopes."""

from __future__ import annotations

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


def crm_object_scopes(name: str) -> ObjectScopes:
    """The scopes of a CRM object with granular scopes of its own (contacts, companies,
    deals): ``crm.objects.<name>.read``/``write`` and their sensitive-data variants for
    records, ``crm.schemas.<name>.read``/``write`` for properties and pipelines (which
    a record-read scope also reads)."""
    read = (
        f"crm.objects.{name}.read",
        f"crm.objects.{name}.sensitive.read.v2",
        f"crm.objects.{name}.highly_sensitive.read.v2",
    )
    return ObjectScopes(
        read=read,
        write=(
            f"crm.objects.{name}.write",
            f"crm.objects.{name}.sensitive.write.v2",
            f"crm.objects.{name}.highly_sensitive.write.v2",
        ),
        schema_read=(f"crm.schemas.{name}.read", *read),
        schema_write=(f"crm.schemas.{name}.write",),
    )
