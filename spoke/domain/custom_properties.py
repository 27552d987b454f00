"""Custom properties of an object type: define, read, update and archive them, with
HubSpot's rules.

Standard (HubSpot-defined) properties are Spoke's code and read-only: they cannot be
changed or archived. Custom ones live in the store, per object type. Archiving is soft:
the definition stays, marked with ``archived_at``, so the catalogue hands it to nobody
(reads ignore it, writes refuse it like an unknown property) while every record keeps its
values and history. Archived names are not reused. Every change bumps the store's
definitions version, so every worker reloads at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from spoke.domain.catalogue import Catalogue, Properties
from spoke.domain.instants import now_ms
from spoke.domain.object_types import ObjectType
from spoke.domain.properties import FIELD_TYPES, Option, PropertyDefinition, PropertyType
from spoke.domain.property_groups import live_groups
from spoke.domain.repeats import repeated
from spoke.domain.search_index import NUMERIC_TYPES, reindex_property
from spoke.errors import (
    BatchTooLarge,
    Conflict,
    PropertyAlreadyExists,
    ResourceNotFound,
    ValidationError,
)
from spoke.store.base import DefinitionChanged, PropertyExists, Store

#: Types whose values can be declared unique (single values that compare as text).
UNIQUE_CAPABLE = frozenset({PropertyType.STRING, PropertyType.NUMBER, PropertyType.PHONE_NUMBER})

#: Inputs of one batch create or archive.
MAX_BATCH_INPUTS = 100
#: Characters of an enumeration option's label, value and description together
#: (HubSpot's limit, "Property field types in HubSpot").
MAX_OPTION_LENGTH = 3_000

T = TypeVar("T")


@dataclass(frozen=True)
class PropertyChanges:
    """A partial update of a property: ``None`` leaves a field as it is."""

    name: str | None = None
    label: str | None = None
    description: str | None = None
    group_name: str | None = None
    type: PropertyType | None = None
    field_type: str | None = None
    options: tuple[Option, ...] | None = None
    display_order: int | None = None
    hidden: bool | None = None
    form_field: bool | None = None
    has_unique_value: bool | None = None


def not_found(object_type: ObjectType, name: str) -> ResourceNotFound:
    return ResourceNotFound(f"Unable to find property {name} on object type {object_type.label}")


# -- reading ---------------------------------------------------------------------------


def list_properties(
    catalogue: Catalogue, object_type: ObjectType, archived: bool
) -> list[PropertyDefinition]:
    """The type's live properties, or with ``archived`` the archived ones (by name)."""
    current = catalogue.current(object_type)
    if archived:
        return [current.archived[name] for name in sorted(current.archived)]
    return current.all()


def find_property(
    catalogue: Catalogue, object_type: ObjectType, name: str, archived: bool
) -> PropertyDefinition:
    """The live property ``name``, or with ``archived`` the archived one; else a 404."""
    current = catalogue.current(object_type)
    definition = current.archived.get(name) if archived else current.get(name)
    if definition is None:
        raise not_found(object_type, name)
    return definition


def read_properties(
    catalogue: Catalogue, object_type: ObjectType, names: Sequence[str], archived: bool
) -> tuple[list[PropertyDefinition], list[str]]:
    """The properties ``names`` (live, or with ``archived`` archived) in input order without
    repeats, and the names that matched none."""
    current = catalogue.current(object_type)
    source = current.archived if archived else current.by_name
    found: list[PropertyDefinition] = []
    missing: list[str] = []
    for name in dict.fromkeys(names):
        definition = source.get(name)
        if definition is None:
            missing.append(name)
        else:
            found.append(definition)
    return found, missing


# -- creating --------------------------------------------------------------------------


def define_property(
    store: Store, catalogue: Catalogue, object_type: ObjectType, definition: PropertyDefinition
) -> PropertyDefinition:
    """Store a new custom property; returns it as stored (with its timestamps)."""
    (stored,) = define_properties(store, catalogue, object_type, [definition])
    return stored


def define_properties(
    store: Store,
    catalogue: Catalogue,
    object_type: ObjectType,
    definitions: Sequence[PropertyDefinition],
) -> list[PropertyDefinition]:
    """Store new custom properties of the type, all of them or (on any error) none."""
    _check_batch_size(len(definitions))
    names = repeated(d.name for d in definitions)
    if names:
        raise ValidationError(f"Duplicate property names in batch input: {', '.join(names)}")
    groups = live_groups(store, object_type)
    current = catalogue.current(object_type)
    for definition in definitions:
        _check(definition)
        _check_group(object_type, definition.group_name, groups)
    for definition in definitions:
        _refuse_taken(current, definition.name)
    now = now_ms()
    stored = [
        replace(d, created_at=now, updated_at=now, hubspot_defined=False, archived_at=None)
        for d in definitions
    ]
    try:
        store.create_properties(object_type.type_id, stored)
    except PropertyExists as taken:
        raise PropertyAlreadyExists(str(taken)) from None
    return stored


def _refuse_taken(current: Properties, name: str) -> None:
    if name in current:
        raise PropertyAlreadyExists(name)
    if name in current.archived:
        raise PropertyAlreadyExists(name, archived=True)


# -- updating --------------------------------------------------------------------------


def update_property(
    store: Store,
    catalogue: Catalogue,
    object_type: ObjectType,
    name: str,
    changes: PropertyChanges,
) -> PropertyDefinition:
    """Apply ``changes`` to the live custom property ``name``; returns it as stored."""
    current = catalogue.current(object_type).get(name)
    if current is None:
        raise not_found(object_type, name)
    updated = _updated(current, changes)
    if current.hubspot_defined:
        _refuse_standard_changes(object_type, current, updated)
        return current
    _check(updated)
    if changes.group_name is not None:
        _check_group(object_type, updated.group_name, live_groups(store, object_type))
    has_values = store.property_has_values
    if _needs_no_values(current, updated) and has_values(object_type.type_id, name):
        raise ValidationError(
            f"Unable to change the type of property {name} from {current.type} "
            f"({current.field_type}) to {updated.type} ({updated.field_type}): "
            f"{object_type.name} hold values of it. Clear those values first; a change to a "
            "string property is always possible, since it keeps every value as it is"
        )
    if updated == current:
        return current
    stored = replace(updated, updated_at=now_ms())
    _replace(store, object_type, [(current, stored)])
    if (current.type in NUMERIC_TYPES) != (stored.type in NUMERIC_TYPES):
        reindex_property(store, catalogue, object_type, name)  # its values' keys change kind
    return stored


def _updated(current: PropertyDefinition, changes: PropertyChanges) -> PropertyDefinition:
    if changes.name is not None and changes.name != current.name:
        raise ValidationError(
            f"The name of property {current.name} cannot be changed (asked for {changes.name})"
        )
    unique = changes.has_unique_value
    if unique is not None and unique != current.has_unique_value:
        raise ValidationError(
            f"hasUniqueValue of property {current.name} cannot be changed once the property exists"
        )
    kind = current.type if changes.type is None else changes.type
    options = changes.options
    if options is None:
        keeps_options = kind in (PropertyType.ENUMERATION, PropertyType.BOOL)
        options = current.options if kind is current.type or keeps_options else ()
    return replace(
        current,
        label=_given(changes.label, current.label),
        description=_given(changes.description, current.description),
        group_name=_given(changes.group_name, current.group_name),
        type=kind,
        field_type=_given(changes.field_type, current.field_type),
        options=options,
        display_order=_given(changes.display_order, current.display_order),
        hidden=_given(changes.hidden, current.hidden),
        form_field=_given(changes.form_field, current.form_field),
    )


def _given(value: T | None, current: T) -> T:
    return current if value is None else value


def _needs_no_values(before: PropertyDefinition, after: PropertyDefinition) -> bool:
    """Whether stored values of ``before`` might not be values of ``after`` (every value
    of any type is a valid string value)."""
    if after.type is PropertyType.STRING:
        return False
    return before.type is not after.type or before.is_multi_select != after.is_multi_select


_STANDARD_FIELDS = {
    "label": "label",
    "description": "description",
    "group_name": "groupName",
    "type": "type",
    "field_type": "fieldType",
    "options": "options",
    "display_order": "displayOrder",
    "hidden": "hidden",
    "form_field": "formField",
}


def _refuse_standard_changes(
    object_type: ObjectType, current: PropertyDefinition, updated: PropertyDefinition
) -> None:
    changed = [
        shown
        for field, shown in _STANDARD_FIELDS.items()
        if getattr(current, field) != getattr(updated, field)
    ]
    if changed:
        raise ValidationError(
            f"Unable to update property {current.name}: it is a HubSpot-defined property of "
            f"object type {object_type.type_id} and its definition is read-only "
            f"(readOnlyDefinition); {', '.join(changed)} cannot be changed"
        )


# -- archiving -------------------------------------------------------------------------


def archive_property(
    store: Store, catalogue: Catalogue, object_type: ObjectType, name: str
) -> None:
    """Archive the live custom property ``name`` (404 if there is none)."""
    definition = catalogue.current(object_type).get(name)
    if definition is None:
        raise not_found(object_type, name)
    _refuse_standard_archive(object_type, definition)
    _archive(store, object_type, [definition])


def archive_properties(
    store: Store, catalogue: Catalogue, object_type: ObjectType, names: Sequence[str]
) -> None:
    """Archive every live custom property among ``names``; names of no live property are
    passed over. A HubSpot-defined one refuses the whole batch."""
    _check_batch_size(len(names))
    current = catalogue.current(object_type)
    targets = [d for d in map(current.get, dict.fromkeys(names)) if d is not None]
    for definition in targets:
        _refuse_standard_archive(object_type, definition)
    if targets:
        _archive(store, object_type, targets)


def _refuse_standard_archive(object_type: ObjectType, definition: PropertyDefinition) -> None:
    if definition.hubspot_defined or not definition.archivable:
        raise ValidationError(
            f"Unable to archive property {definition.name}: it is a HubSpot-defined property "
            f"of object type {object_type.type_id}, and those cannot be archived"
        )


def _archive(
    store: Store, object_type: ObjectType, definitions: Sequence[PropertyDefinition]
) -> None:
    now = now_ms()
    changes = [(d, replace(d, archived_at=now, updated_at=now)) for d in definitions]
    _replace(store, object_type, changes)


def _replace(
    store: Store,
    object_type: ObjectType,
    changes: Sequence[tuple[PropertyDefinition, PropertyDefinition]],
) -> None:
    try:
        store.replace_properties(object_type.type_id, changes)
    except DefinitionChanged as changed:
        raise Conflict(
            f"Property {changed} was changed by another request while this one ran; try again"
        ) from None


# -- rules -----------------------------------------------------------------------------


def _check_batch_size(count: int) -> None:
    if count > MAX_BATCH_INPUTS:
        raise BatchTooLarge.for_inputs(MAX_BATCH_INPUTS)


def _check_group(object_type: ObjectType, name: str, groups: Mapping[str, object]) -> None:
    if name not in groups:
        raise ValidationError(
            f"Property group {name} does not exist on object type {object_type.type_id}; "
            f"create it first with POST /crm/v3/properties/{object_type.name}/groups"
        )


def _check(definition: PropertyDefinition) -> None:
    allowed = FIELD_TYPES[definition.type]
    if definition.field_type not in allowed:
        raise ValidationError(
            f"Invalid fieldType {definition.field_type} for property of type {definition.type}; "
            f"expected one of: {', '.join(sorted(allowed))}"
        )
    if definition.type is PropertyType.ENUMERATION:
        _check_option_lengths(definition.options)
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


def _check_option_lengths(options: Sequence[Option]) -> None:
    """HubSpot's limit: an option holds at most 3,000 characters with its label and
    description."""
    for option in options:
        length = len(option.label) + len(option.value) + len(option.description)
        if length > MAX_OPTION_LENGTH:
            raise ValidationError(
                f"Option {option.value[:100]!r} has {length} characters in its label, value "
                f"and description; an option may have at most {MAX_OPTION_LENGTH}"
            )


def _check_bool_options(values: Sequence[str]) -> None:
    """A bool property may label its two values (HubSpot's are Yes/true and No/false)."""
    if not set(values) <= {"true", "false"} or len(values) != len(set(values)):
        raise ValidationError("Options of a bool property must be the values true and false")


def _check_options(values: Sequence[str], external: bool) -> None:
    if not values and not external:
        raise ValidationError("Enumeration properties must have at least one option")
    twice = repeated(values)
    if twice:
        raise ValidationError(f"Option values must be unique; repeated: {', '.join(twice)}")
    if any(";" in v or not v for v in values):
        raise ValidationError("Option values must be non-empty and must not contain ';'")
