"""Unique-value properties: addressing records by a value instead of their id."""

from __future__ import annotations

from collections.abc import Sequence

from spoke.domain.catalogue import Properties
from spoke.domain.properties import PropertyDefinition
from spoke.domain.values import InvalidValue, normalise
from spoke.errors import InvalidIdProperty
from spoke.store.base import Store


def id_property_definition(catalogue: Properties, name: str, action: str) -> PropertyDefinition:
    """The definition ``idProperty`` names; a 400 unless it exists and is unique (or is
    one of the type's lookup properties)."""
    definition = catalogue.get(name)
    if definition is None:
        raise InvalidIdProperty(f"Property {name} does not exist")
    if name not in catalogue.unique_names:
        raise InvalidIdProperty(
            f"Unable to perform {action} by non-unique {catalogue.object_type.type_id} "
            f"property {name}"
        )
    return definition


def resolve(
    store: Store, object_type: str, definition: PropertyDefinition, inputs: Sequence[str]
) -> dict[str, int | None]:
    """The id of the record of ``object_type`` holding each input value (``None`` where
    no record does)."""
    stored: dict[str, str] = {}
    for text in inputs:
        try:
            stored[text] = normalise(definition, text)
        except InvalidValue:
            continue
    held = store.find_unique_values(object_type, definition.name, list(set(stored.values())))
    return {text: held.get(stored[text]) if text in stored else None for text in inputs}
