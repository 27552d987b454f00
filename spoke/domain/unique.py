"""Unique-value properties: addressing tickets by a value instead of their id."""

from __future__ import annotations

from collections.abc import Sequence

from spoke.domain.catalogue import Properties
from spoke.domain.properties import PropertyDefinition
from spoke.domain.ticket_properties import OBJECT_TYPE_ID
from spoke.domain.values import InvalidValue, normalise
from spoke.errors import InvalidIdProperty
from spoke.store.base import Store


def id_property_definition(catalogue: Properties, name: str, action: str) -> PropertyDefinition:
    """The definition ``idProperty`` names; a 400 unless it exists and is unique."""
    definition = catalogue.get(name)
    if definition is None:
        raise InvalidIdProperty(f"Property {name} does not exist")
    if not definition.has_unique_value:
        raise InvalidIdProperty(
            f"Unable to perform {action} by non-unique {OBJECT_TYPE_ID} property {name}"
        )
    return definition


def resolve(
    store: Store, definition: PropertyDefinition, inputs: Sequence[str]
) -> dict[str, int | None]:
    """The ticket id holding each input value (``None`` where no ticket does)."""
    stored: dict[str, str] = {}
    for text in inputs:
        try:
            stored[text] = normalise(definition, text)
        except InvalidValue:
            continue
    held = store.find_unique_values(definition.name, list(set(stored.values())))
    return {text: held.get(stored[text]) if text in stored else None for text in inputs}
