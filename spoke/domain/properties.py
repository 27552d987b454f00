"""Property definitions: what a property is, and which types and field types exist."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property


class PropertyType(StrEnum):
    STRING = "string"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    ENUMERATION = "enumeration"
    PHONE_NUMBER = "phone_number"


#: The field types HubSpot allows for each property type.
FIELD_TYPES: dict[PropertyType, frozenset[str]] = {
    PropertyType.STRING: frozenset({"text", "textarea", "html", "file"}),
    PropertyType.NUMBER: frozenset({"number", "calculation_equation"}),
    PropertyType.BOOL: frozenset({"booleancheckbox"}),
    PropertyType.DATE: frozenset({"date"}),
    PropertyType.DATETIME: frozenset({"date"}),
    PropertyType.ENUMERATION: frozenset({"select", "radio", "checkbox", "booleancheckbox"}),
    PropertyType.PHONE_NUMBER: frozenset({"phonenumber", "text"}),
}

#: Enumeration field types whose value is a ``;``-joined list of options.
MULTI_SELECT_FIELD_TYPES = frozenset({"checkbox"})


@dataclass(frozen=True)
class Option:
    label: str
    value: str
    display_order: int = -1
    hidden: bool = False
    description: str = ""


@dataclass(frozen=True)
class PropertyDefinition:
    """A property of an object type, standard (HubSpot-defined) or custom."""

    name: str
    label: str
    type: PropertyType
    field_type: str
    group_name: str
    description: str = ""
    options: tuple[Option, ...] = ()
    display_order: int = -1
    has_unique_value: bool = False
    hidden: bool = False
    form_field: bool = False
    hubspot_defined: bool = False
    calculated: bool = False
    external_options: bool = False
    referenced_object_type: str | None = None
    """What the values name, when they are ids of something else (``OWNER``: owner ids,
    ``hubspot_owner_id``); a value must then name one of the options."""
    read_only_value: bool = False
    read_only_definition: bool = False
    archivable: bool = True
    created_at: int | None = None
    updated_at: int | None = None
    archived_at: int | None = None
    """When the property was archived (custom properties only); ``None`` while live."""

    @cached_property
    def option_values(self) -> frozenset[str]:
        return frozenset(o.value for o in self.options)

    @property
    def is_multi_select(self) -> bool:
        return self.type is PropertyType.ENUMERATION and self.field_type in MULTI_SELECT_FIELD_TYPES

    def has_option(self, value: str) -> bool:
        return value in self.option_values


@dataclass(frozen=True)
class PropertyGroup:
    """A group of an object type's properties (HubSpot's ``PropertyGroup``)."""

    name: str
    label: str
    display_order: int = -1
    archived_at: int | None = None
