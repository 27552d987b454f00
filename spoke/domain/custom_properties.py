"""Defining custom ticket properties, with HubSpot's rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spoke.domain.catalogue import Catalogue
from spoke.domain.instants import now_ms
from spoke.domain.properties import FIELD_TYPES, PropertyDefinition, PropertyType
from spoke.errors import PropertyAlreadyExists, ValidationError
from spoke.store.base import PropertyExists, Store

#: Types whose values can be declared unique (single values that compare as text).
UNIQUE_CAPABLE = frozenset({PropertyType.STRING, PropertyType.NUMBER, PropertyType.PHONE_NUMBER})


def define_property(
    store: Store, catalogue: Catalogue, definition: PropertyDefinition
) -> PropertyDefinition:
    """Store a new custom property; returns it as stored (with its timestamps)."""
    _check(definition)
    if definition.name in catalogue.current():
        raise PropertyAlreadyExists(definition.name)
    now = now_ms()
    stored = replace(definition, created_at=now, updated_at=now, hubspot_defined=False)
    try:
        store.create_property(stored)
    except PropertyExists:
        raise PropertyAlreadyExists(definition.name) from None
    return stored


def _check(definition: PropertyDefinition) -> None:
    allowed = FIELD_TYPES[definition.type]
    if definition.field_type not in allowed:
        raise ValidationError(
            f"Invalid fieldType {definition.field_type} for property of type {definition.type}; "
            f"expected one of: {', '.join(sorted(allowed))}"
        )
    if definition.type is PropertyType.ENUMERATION:
        _check_options([o.value for o in definition.options], definition.external_options)
    elif definition.type is PropertyType.BOOL:
        _check_bool_options([o.value for o in definition.options])
    elif definition.options:
        raise ValidationError(
            f"Options are only allowed on enumeration and bool properties, not {definition.type}"
        )
    if definition.has_unique_value and definition.type not in UNIQUE_CAPABLE:
        raise ValidationError(
            f"Properties of type {definition.type} cannot have unique values; "
            "only string, number and phone_number properties can"
        )


def _check_bool_options(values: Sequence[str]) -> None:
    """A bool property may label its two values (HubSpot's are Yes/true and No/false)."""
    if not set(values) <= {"true", "false"} or len(values) != len(set(values)):
        raise ValidationError("Options of a bool property must be the values true and false")


def _check_options(values: Sequence[str], external: bool) -> None:
    if not values and not external:
        raise ValidationError("Enumeration properties must have at least one option")
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValidationError(f"Option values must be unique; repeated: {', '.join(repeated)}")
    if any(";" in v or not v for v in values):
        raise ValidationError("Option values must be non-empty and must not contain ';'")
